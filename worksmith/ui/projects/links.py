"""The Plan tab's links to other projects: list them (remove one) and make a task wait for another project's."""

from __future__ import annotations

from datetime import date

import streamlit as st

from worksmith.commands import project_plan as cpp
from worksmith.ui import shell as ui
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp


def cross_links(pid: int, d: vpp.ProjectDetail, today: date) -> None:
    tasks = d.tasks
    for link in d.links.itertuples():
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{ui.md(link.task)}** {ui.md(link.text)}")
        if c2.button("Remove", key=f"projects_link_remove_{link.dep_id}") and (
                msg := ui.run(cpp.remove_link, dep_id=int(link.dep_id), today=today)) is not None:
            ui.flash(msg)
    targets = ui.query(vpp.link_targets, project_id=pid)
    own = dict(zip(tasks["id"], "#" + tasks["ref"].astype(str) + " " + tasks["name"], strict=True))
    c = st.columns([3, 2, 3, 1, 1, 1])
    succ = c[0].selectbox("This task", list(own), format_func=own.get, key="projects_link_succ")
    other = c[1].selectbox("waits for project", sorted(set(targets["project"])), key="projects_link_project")
    cands = targets[targets["project"] == other]
    labels = dict(zip(cands["id"], cands["label"], strict=True))
    pred = c[2].selectbox("task", list(labels), format_func=labels.get, key="projects_link_pred")
    kind = c[3].selectbox("Type", vp.DEPENDENCY_TYPES, key="projects_link_type")
    lag = c[4].number_input("Lag d", -30, 60, 0, key="projects_link_lag")
    if c[5].button("Add link", key="projects_link_add", disabled=succ is None or pred is None):
        msg = ui.run(cpp.add_link, pred_task_id=int(pred), succ_task_id=int(succ), type=kind, lag_days=int(lag),
                     today=today)
        if msg is not None:
            ui.flash(msg)
