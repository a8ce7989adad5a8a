"""The project form: new project (blank or from a template, with lessons of similar closed projects) and the
Details tab (edit the project, save its plan as a template)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from worksmith import fmt
from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.ui import shell as ui
from worksmith.ui.projects import OPEN
from worksmith.views import projects as vp


def project_form(prefix: str, pick: dict, today: date, p: dict | None = None) -> dict:
    """The project fields (inside a form); ``p`` pre-fills them when editing."""
    p = p or {}
    statuses = vp.PROJECT_STATUSES
    c1, c2, c3 = st.columns(3)
    data = {"name": c1.text_input("Name", p.get("name", ""), key=f"{prefix}_name"),
            "status": c2.selectbox("Status", statuses, statuses.index(p.get("status", "proposed")),
                                   key=f"{prefix}_status"),
            "priority": c3.number_input("Priority (1 highest)", 1, 5, int(p.get("priority", 3)), key=f"{prefix}_prio"),
            "start": c1.date_input("Start", p.get("start", today), format=ui.DATE_INPUT_FORMAT, key=f"{prefix}_start"),
            "target_end": c2.date_input("Target end (empty = the computed finish)", p.get("target_end"),
                                        format=ui.DATE_INPUT_FORMAT, key=f"{prefix}_target"),
            "budget": c3.number_input(f"Budget ({ui.currency()})", 0.0, value=float(p.get("budget", 0.0)), step=1000.0,
                                      key=f"{prefix}_budget")}
    for col, field, label, options in ((c1, "manager_id", "Manager", pick["people"]),
                                       (c2, "team_id", "Team", pick["teams"]), (c3, "goal_id", "Goal", pick["goals"])):
        ids = [None, *options]
        data[field] = col.selectbox(label, ids, ids.index(p.get(field)) if p.get(field) in ids else 0,
                                    format_func=lambda i, o=options: fmt.DASH if i is None else o[i],
                                    key=f"{prefix}_{field}")
    data["description"] = st.text_area("Description", p.get("description", ""), key=f"{prefix}_desc", height=80)
    return data


def new_project(pick: dict, today: date) -> None:
    templates = pick["templates"]
    tid = st.selectbox("Start from", [None, *templates], key="projects_new_template",
                       format_func=lambda i: "A blank plan" if i is None else f"Template · {templates[i]}")
    if tid is not None:
        found = ui.query(vp.template_lessons, template_id=tid)
        with st.expander(f"Lessons from {len(found)} closed project{'s' * (len(found) != 1)}, most similar first",
                         expanded=bool(len(found)), icon=":material/lightbulb:"):
            for r in found.itertuples():
                st.markdown(f"**{ui.md(r.project)}** ({ui.md(r.why)}) — {ui.md(r.lessons)}")
    with st.form("projects_new_form"):
        data = project_form("projects_new", pick, today)
        if st.form_submit_button("Create project", type="primary"):
            made = (ui.run(cpp.create_from_template, template_id=tid, data=data, today=today) if tid is not None
                    else ui.run(cp.create_project, data=data))
            if made is not None:
                ui.flash(f"Created '{data['name'].strip()}'" + (f" from '{templates[tid]}'" if tid else ""),
                         **{OPEN: data["name"].strip()})


def details(pid: int, p: dict, pick: dict, today: date) -> None:
    """The Details tab: the project's fields, and 'save this plan as a template'."""
    with st.form("projects_edit_form"):
        data = project_form(f"projects_edit_{pid}_{p['version']}", pick, today, p)  # fresh fields per version
        if st.form_submit_button("Save details", type="primary") and ui.run(
                cp.update_project, project_id=pid, changes=data, expected_version=p["version"],
                today=today) is not None:
            ui.flash("Project saved", **{OPEN: data["name"].strip()})
    with st.form("projects_template_form"):
        c1, c2 = st.columns([3, 1])
        tname = c1.text_input("Save this plan as a template", f"{p['name']} template", key="projects_template_name")
        if c2.form_submit_button("Save template") and ui.run(cpp.save_template, project_id=pid,
                                                             name=tname) is not None:
            ui.flash(f"Template '{tname}' saved")
