"""The People tab: add a person (form), edit everyone in one table, archive and restore."""

from __future__ import annotations

import streamlit as st

from worksmith.commands import people as commands
from worksmith.ui import shell as ui
from worksmith.views import people as views

EDITOR_REV = "people_editor_rev"  # bumped after a save so the editor starts from the saved table


def add_person() -> None:
    """The "Add a person" form; in a workspace nobody can act in yet, the first person added acts from then on."""
    teams = ui.query(views.team_options)
    nobody_yet = not ui.query(views.active_people)
    with st.form("people_add_form", clear_on_submit=True, border=True):
        st.markdown("**Add a person**" + (" — start with yourself" if nobody_yet else ""))
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Name", key="people_add_name", max_chars=120)
        team = c2.selectbox("Team", [None, *teams], key="people_add_team",
                            format_func=lambda t: views.NO_TEAM if t is None else t)
        role = c3.text_input("Role", key="people_add_role", placeholder="e.g. Designer")
        hours = c1.number_input("Weekly hours", 0.0, 168.0, 40.0, step=1.0, key="people_add_hours")
        availability = c2.number_input("Availability for project work (%)", 0.0, 100.0, 80.0, step=5.0,
                                       key="people_add_availability")
        rate = c3.number_input(f"Hourly cost rate ({ui.currency()})", 0.0, 1e6, 0.0, step=5.0, key="people_add_rate")
        skills = c1.text_input("Skills (comma-separated)", key="people_add_skills", placeholder="e.g. design, ux")
        email = c2.text_input("Email", key="people_add_email")
        me = c3.checkbox("This is me: act as this person", value=nobody_yet, key="people_add_me",
                         help="Sets the sidebar's 'Acting as' to the new person.")
        if st.form_submit_button("Add person", type="primary", icon=":material/person_add:"):
            made = ui.run(commands.create_person, name=name, team_id=teams.get(team) if team else None, role=role,
                          email=email, weekly_hours=hours, availability=availability, cost_rate=rate, skills=skills)
            if made is not None:
                ui.flash(f"Added {made.name}" + (f" to {team}" if team else ""),
                         **({ui.ACT_AS_NEXT: int(made.id)} if me else {}))


def people_table() -> None:
    """Everyone in one editable table (Save applies all edits or none), archived people on request."""
    rev = st.session_state.setdefault(EDITOR_REV, 0)
    archived = st.toggle("Show archived people", key="people_show_archived")
    original = ui.query(views.people_table, include_archived=archived)
    teams = ui.query(views.team_options)
    st.caption("Edit cells, then **Save people**. Capacity for planned work = weekly hours × availability. Untick "
               "**Active** to archive someone: they leave every picker but keep their tasks, hours and history.")
    cc = st.column_config
    edited = st.data_editor(
        original, key=f"people_editor_{rev}_{archived}", hide_index=True, width="stretch", disabled=["capacity"],
        column_order=["name", "team", "role", "weekly_hours", "availability", "capacity", "cost_rate", "skills",
                      "active", "email"],
        height=min(36 * (len(original) + 1) + 3, 640), column_config={
            "id": None, "version": None,
            "name": cc.TextColumn("Name", required=True, width="medium", max_chars=120),
            "team": cc.SelectboxColumn("Team", options=[*teams, views.NO_TEAM], required=True),
            "role": "Role", "email": cc.TextColumn("Email", width="small"),
            "weekly_hours": cc.NumberColumn("Weekly h", min_value=0, max_value=168, format="%.0f h", width="small"),
            "availability": cc.NumberColumn("Available", min_value=0, max_value=100, format="%.0f %%",
                                            width="small", help="Share of the week for project work"),
            "capacity": cc.NumberColumn("Capacity", format="%.1f h", width="small",
                                        help="Hours a week for planned work = weekly hours × availability"),
            "cost_rate": cc.NumberColumn("Cost / h", min_value=0, format=f"{ui.currency()}%.2f", width="small"),
            "skills": cc.TextColumn("Skills", width="medium", help="Comma-separated"),
            "active": cc.CheckboxColumn("Active", width="small")})
    if st.button("Save people", key="people_save", type="primary"):
        if (summary := ui.run(commands.save_people, original=original, edited=edited)) is not None:
            ui.flash(summary, **{EDITOR_REV: rev + 1})


def archive() -> None:
    """Archive one person, or bring an archived one back."""
    table = ui.query(views.people_table)
    active, gone = table[table["active"]], table[~table["active"]]
    c1, c2 = st.columns(2)
    _person_action(c1, table, active, "Archive a person", "Archive", "people_archive", ":material/archive:",
                   commands.archive_person, "Archived {}: their history stays; they are no longer offered")
    _person_action(c2, table, gone, "Restore an archived person", "Restore", "people_restore",
                   ":material/unarchive:", commands.restore_person, "Restored {}")


def _person_action(column, table, choices, label: str, button: str, key: str, icon: str, command, done: str) -> None:
    """A picker and a button that run ``command`` on the chosen person (archive or restore)."""
    with column.container(border=True):
        names = dict(zip(table["id"], table["name"].astype(str), strict=True))  # one lookup per option, not a scan
        pid = st.selectbox(label, [None, *choices["id"]], key=f"{key}_pick",
                           format_func=lambda i: "— choose —" if i is None else names[i])
        if st.button(button, key=key, disabled=pid is None, icon=icon):
            row = table[table["id"] == pid].iloc[0]
            if ui.run(command, person_id=int(pid), expected_version=int(row["version"])) is not None:
                ui.flash(done.format(row["name"]))

