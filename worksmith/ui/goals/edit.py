"""The Goals page's editing tabs: record a check-in, key results, edit the goal, new goal, archived goals."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from worksmith.commands import goals as cmd
from worksmith.ui import shell as ui
from worksmith.views.goals import GoalDetail, GoalsView


def act(command, message: str, select: bool = False, **kwargs) -> None:
    """Run a write; on success redraw with fresh data, show the message (and the goal ``select`` names)."""
    if (result := ui.run(command, **kwargs)) is not None:
        ui.flash(message, **({"goals_goal_new": result} if select else {}))


def pick(where, label: str, options: dict, current, key: str):
    """A selectbox over ``options`` (value -> label) that starts on ``current`` when it is one of them."""
    keys = list(options)
    return where.selectbox(label, keys, index=keys.index(current) if current in options else 0,
                           format_func=options.get, key=key)


def goal_form(view: GoalsView, key: str, goal: dict, parents: dict) -> dict | None:
    """The goal's fields in a form; returns them when it is submitted."""
    with st.form(key):
        title = st.text_input("Title", goal.get("title", ""), key=f"{key}_title", placeholder="what do we want?")
        c1, c2, c3 = st.columns(3)
        owner = pick(c1, "Owner", {None: "— nobody —", **view.people}, goal.get("owner_id"), f"{key}_owner")
        team = pick(c2, "Team", {None: "— no team —", **view.teams}, goal.get("team_id"), f"{key}_team")
        parent = pick(c3, "Parent goal", parents, goal.get("raw_parent_id"), f"{key}_parent")
        c1, c2, c3 = st.columns(3)
        start = c1.date_input("Period start", goal.get("period_start", view.window[0]), key=f"{key}_start",
                              format=ui.DATE_INPUT_FORMAT)
        end = c2.date_input("Period end", goal.get("period_end", view.window[1]), key=f"{key}_end",
                            format=ui.DATE_INPUT_FORMAT)
        weight = c3.number_input("Weight in the parent's progress", 0.0, 100.0, float(goal.get("weight", 1.0)), 0.5,
                                 key=f"{key}_weight")
        description = st.text_area("Description", goal.get("description") or "", key=f"{key}_description")
        if st.form_submit_button("Save goal", type="primary"):
            return dict(title=title, owner_id=owner, team_id=team, parent_id=parent, period_start=start,
                        period_end=end, weight=weight, description=description)
    return None


def tabs(view: GoalsView, detail: GoalDetail | None, today: date) -> None:
    """The five editing tabs under the selected goal (``detail`` None: no goal chosen)."""
    check_tab, kr_tab, edit_tab, new_tab, archive_tab = st.tabs(
        ["Record a check-in", "Key results", "Edit goal", "New goal", "Archived goals"])
    krs = detail.krs.set_index("id") if detail is not None else None
    with check_tab:
        if krs is None or krs.empty:
            st.caption("Choose a goal with key results to record a check-in.")
        else:
            _check_in(krs, today)
    with kr_tab:
        if krs is not None:
            _key_results(krs, detail.goal["id"])
    with edit_tab:
        if detail is not None:
            _edit_goal(view, detail.goal)
    with new_tab:
        if new := goal_form(view, "goals_new", {}, view.parents):
            act(cmd.create_goal, f"Goal '{new['title']}' created", select=True, **new)
    with archive_tab:
        if view.archived.empty:
            st.caption("No archived goals.")
        else:
            archived = view.archived.set_index("id")
            gone = pick(st, "Archived goal", archived["title"].to_dict(), None, "goals_archived_pick")
            if st.button("Restore", key="goals_restore"):
                act(cmd.restore_goal, f"Goal '{archived.at[gone, 'title']}' restored", select=True, goal_id=gone,
                    expected_version=int(archived.at[gone, "version"]))


def _check_in(krs: pd.DataFrame, today: date) -> None:
    with st.form("goals_checkin", clear_on_submit=True):
        kr_id = pick(st, "Key result", krs["title"].to_dict(), None, "goals_checkin_kr")
        c1, c2, c3 = st.columns(3)
        value = c1.number_input("Value", value=None, step=0.1, placeholder="the measured value",
                                key="goals_checkin_value")
        day = c2.date_input("Date", today, max_value=today, key="goals_checkin_day", format=ui.DATE_INPUT_FORMAT)
        confidence = c3.slider("Confidence (0 = no chance, 10 = certain)", 0, 10, 7, key="goals_checkin_conf")
        note = st.text_input("Note", key="goals_checkin_note")
        if st.form_submit_button("Record check-in", type="primary"):
            act(cmd.record_check_in, f"Check-in recorded for '{krs.at[kr_id, 'title']}'", key_result_id=kr_id,
                day=day, value=value, confidence=confidence, note=note, today=today)


def _key_results(krs: pd.DataFrame, goal_id: int) -> None:
    kr_id = pick(st, "Key result", {0: "➕ New key result", **krs["title"].to_dict()}, 0, "goals_kr_pick")
    kr = krs.loc[kr_id].to_dict() if kr_id else {}
    with st.form(f"goals_kr_{kr_id}"):
        title = st.text_input("Title", kr.get("title", ""), key=f"goals_kr_title_{kr_id}")
        c1, c2, c3, c4, c5 = st.columns(5)
        start = c1.number_input("Start value", value=float(kr.get("start_value", 0.0)), key=f"goals_kr_s_{kr_id}")
        target = c2.number_input("Target", value=float(kr.get("target_value", 100.0)), key=f"goals_kr_t_{kr_id}")
        unit = c3.text_input("Unit", kr.get("unit", ""), key=f"goals_kr_unit_{kr_id}")
        direction = c4.radio("Better is", ["up", "down"], horizontal=True, key=f"goals_kr_dir_{kr_id}",
                             index=["up", "down"].index(kr.get("direction", "up")))
        weight = c5.number_input("Weight", 0.0, 100.0, float(kr.get("weight", 1.0)), 0.5, key=f"goals_kr_w_{kr_id}")
        if st.form_submit_button("Save key result", type="primary"):
            fields = dict(title=title, start_value=start, target_value=target, unit=unit, direction=direction,
                          weight=weight)
            if kr_id:
                act(cmd.update_key_result, f"Key result '{title}' saved", key_result_id=kr_id, changes=fields,
                    expected_version=kr["version"])
            else:
                act(cmd.create_key_result, f"Key result '{title}' added", goal_id=goal_id, **fields)
    if kr_id and st.button("Archive this key result", key="goals_kr_archive"):
        act(cmd.archive_key_result, f"Key result '{kr['title']}' archived (its check-ins are kept)",
            key_result_id=kr_id, expected_version=kr["version"])


def _edit_goal(view: GoalsView, goal: dict) -> None:
    parents = {k: v for k, v in view.parents.items() if k != goal["id"]}
    if (data := goal_form(view, f"goals_edit_{goal['id']}_{goal['version']}", goal, parents)) is not None:
        act(cmd.update_goal, f"Goal '{data['title']}' saved", goal_id=goal["id"], changes=data,
            expected_version=goal["version"])
    with st.popover("Archive this goal"):
        st.write(f"Archive **{ui.md(goal['title'])}** and its sub-goals? They leave the tree; you can restore them.")
        if st.button("Archive", type="primary", key="goals_archive"):
            act(cmd.archive_goal, f"Goal '{goal['title']}' archived with its sub-goals", goal_id=goal["id"],
                expected_version=goal["version"])
