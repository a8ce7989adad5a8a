"""The recurrence picker (Operations page, recurring tasks): the common rules, a plain-English preview of the next
five dates, and a save through ``commands.operations.set_recurrence``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.commands import operations as commands
from worksmith.domain import calendar as cal
from worksmith.errors import ValidationError
from worksmith.ui import shell as ui

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def rule_from_choice(choice: str, weekday: int, day: int) -> str:
    """The RRULE of one of :data:`calendar.RULE_CHOICES`."""
    return {"weekly on…": cal.weekly_rule(weekday), "monthly on day N": cal.monthly_rule(day),
            "monthly on the last working day": cal.LAST_WORKING_DAY,
            "quarterly on day N": cal.monthly_rule(day, 3)}[choice]


def picker(recurring: pd.DataFrame, today: date) -> None:
    """Change how one recurring task repeats; the preview shows the next 5 dates before saving."""
    tasks = {int(i): str(n) for i, n in zip(recurring["id"], recurring["name"], strict=True)}
    c1, c2, c3 = st.columns([2, 2, 1])
    task_id = c1.selectbox("Recurring task", list(tasks), format_func=tasks.get, key="ops_rec_task")
    row = recurring.loc[recurring["id"] == task_id].iloc[0]
    choice = c2.selectbox("Repeats", cal.RULE_CHOICES, key="ops_rec_choice")
    weekday, day = row["anchor"].weekday(), row["anchor"].day
    if choice == "weekly on…":
        weekday = c3.selectbox("Day", range(7), index=weekday, format_func=WEEKDAYS.__getitem__, key="ops_rec_wd")
    elif choice != "monthly on the last working day":
        day = int(c3.number_input("Day of the month", 1, 31, value=day, key="ops_rec_day"))
    rule = rule_from_choice(choice, weekday, day)
    try:
        dates = cal.next_dates(rule, row["anchor"], today, 5)
    except ValidationError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.markdown(f"**{ui.md(cal.describe_rule(rule))}** — next: " + ", ".join(fmt.day(d) for d in dates))
    st.caption(f"Stored as the RFC 5545 rule `{rule}`, from the first due date {fmt.day(row['anchor'])}.")
    if st.button("Save how it repeats", key="ops_rec_save") and ui.run(
            commands.set_recurrence, recurring_task_id=task_id, rule=rule,
            expected_version=int(row["version"])) is not None:
        ui.flash(f"'{tasks[task_id]}' now repeats {cal.describe_rule(rule).lower()}")
