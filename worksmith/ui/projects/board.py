"""The Board tab: one column per task status, a card per task (first 40 a column), moved with a picker."""

from __future__ import annotations

import streamlit as st

from worksmith import fmt
from worksmith.commands import project_plan as cpp
from worksmith.ui import shell as ui
from worksmith.ui.projects.risks import stale_offer
from worksmith.views import project_plan as vpp

MAX_CARDS = 40


def board(pid: int) -> None:
    stale_offer(pid)  # a card just moved to done may leave its risks open
    cards = ui.query(vpp.board, project_id=pid)
    who = st.selectbox("Assignee", [None, *sorted(set(cards["assignee"]))], key="projects_board_who",
                       format_func=lambda w: "Everyone" if w is None else w)
    cards = cards if who is None else cards[cards["assignee"] == who]
    statuses = vpp.BOARD_STATUSES
    for col, status in zip(st.columns(len(statuses)), statuses, strict=True):
        column = cards[cards["status"] == status]
        col.markdown(f"#### {status.capitalize()} · {len(column)}")
        for c in column.head(MAX_CARDS).itertuples():
            with col.container(border=True, key=f"projects_card_{c.id}"):
                st.markdown(f"**#{c.ref} {ui.md(c.name)}**" + (" · :red[critical]" if c.critical and status != "done"
                                                        else ""))
                st.caption(f"{ui.md(c.assignee)} · {fmt.day(c.start_date)} → {fmt.day(c.finish_date)} · "
                           f"{c.percent_complete:.0f} %")
                to = st.selectbox("Move to", [s for s in statuses if s != status], index=None,
                                  key=f"projects_move_{c.id}_{c.version}", placeholder="Move to…",
                                  label_visibility="collapsed")
                if to and ui.run(cpp.move_task, task_id=int(c.id), status=to, expected_version=int(c.version)):
                    ui.flash(f"'{c.name}' moved to {to}")
        if len(column) > MAX_CARDS:
            col.caption(f"… and {len(column) - MAX_CARDS} more: filter by assignee.")
