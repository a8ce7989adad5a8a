"""The Team tab: members with role and allocation (and what they give other active projects), and the RACI
matrix, saved as a whole."""

from __future__ import annotations

import streamlit as st

from worksmith.commands import project_team as ct
from worksmith.ui import shell as ui
from worksmith.ui.projects import LABELS
from worksmith.views import project_team as vt
from worksmith.views import projects as vp


def team(pid: int, people: dict[int, str]) -> None:
    members = ui.query(vt.members, project_id=pid)
    st.dataframe(members.drop(columns=["id", "version", "person_id"]), hide_index=True, width="stretch",
                 column_config=LABELS | {"allocation": st.column_config.NumberColumn("Allocation %", format="%d %%"),
                                         "allocated_elsewhere": st.column_config.NumberColumn(
                                             "On other active projects %", format="%d %%")})
    with st.form("projects_member_form"):
        c1, c2, c3 = st.columns(3)
        who = c1.selectbox("Person", list(people), format_func=people.get, key="projects_member_person")
        role = c2.selectbox("Role", vp.MEMBER_ROLES, 2, key="projects_member_role")
        alloc = c3.number_input("Allocation %", 0, 100, 50, step=10, key="projects_member_alloc")
        if st.form_submit_button("Add or update member") and ui.run(
                ct.set_member, project_id=pid, person_id=who, role=role, allocation=float(alloc)) is not None:
            ui.flash(f"{people[who]} is {role} at {alloc} %")
    st.markdown(f"**RACI** — {vt.RACI_HELP}")
    matrix = ui.query(vt.raci_matrix, project_id=pid)
    raci = st.data_editor(matrix, hide_index=True, width="stretch", key=f"projects_raci_{pid}_{len(members)}",
                          disabled=["kind", "item_id", "item"], column_order=["item", *members["person"]],
                          column_config={n: st.column_config.SelectboxColumn(n, options=vt.RACI_OPTIONS)
                                         for n in members["person"]})
    if st.button("Save RACI", key="projects_raci_save") and ui.run(ct.save_raci, project_id=pid,
                                                                  matrix=raci) is not None:
        ui.flash("RACI saved")
