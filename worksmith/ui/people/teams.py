"""The Teams and Time off tabs: teams with head counts, create and rename; time off added or edited."""

from __future__ import annotations

import streamlit as st

from worksmith import fmt
from worksmith.commands import people as commands
from worksmith.ui import shell as ui
from worksmith.views import people as views
from worksmith.views import workload as workload_views

TIME_OFF_REV = "people_timeoff_rev"


def teams() -> None:
    table = ui.query(views.teams_table)
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch", key="people_teams_table", column_config={
            "id": None, "version": None, "name": "Team", "description": "Description", "people": "People",
            "archived": "Archived", "capacity": st.column_config.NumberColumn("Capacity (h/week)", format="%.0f h")})
    else:
        st.info("No teams yet: create the first one below.", icon=":material/groups:")
    c1, c2 = st.columns(2)
    with c1.form("people_team_new", clear_on_submit=True):
        st.markdown("**New team**")
        name = st.text_input("Name", key="people_team_name", max_chars=120)
        description = st.text_input("Description", key="people_team_description")
        if st.form_submit_button("Create team", type="primary") and ui.run(
                commands.create_team, name=name, description=description) is not None:
            ui.flash(f"Team '{name.strip()}' created")
    named = table[table["id"].notna()]
    if len(named):
        with c2.container(border=True):
            team_names = dict(zip(named["id"], named["name"], strict=True))
            tid = st.selectbox("Rename a team", named["id"].tolist(), key="people_team_pick",
                               format_func=team_names.get)
            row = named[named["id"] == tid].iloc[0]
            new = st.text_input("New name", row["name"], key=f"people_team_rename_{tid}_{row['version']}")
            text = st.text_input("Description", row["description"], key=f"people_team_desc_{tid}_{row['version']}")
            if st.button("Save team", key="people_team_save") and ui.run(
                    commands.update_team, team_id=int(tid), expected_version=int(row["version"]), name=new,
                    description=text) is not None:
                ui.flash(f"Team '{new.strip()}' saved")


def time_off() -> None:
    people = ui.query(views.active_people)
    with st.form("people_timeoff_add", clear_on_submit=True):
        st.markdown("**Add time off**")
        c1, c2, c3, c4 = st.columns([2, 1, 1, 2])
        pid = c1.selectbox("Person", list(people), format_func=people.get, key="people_timeoff_person",
                           index=None, placeholder="Choose a person")
        today = ui.today()
        start = c2.date_input("First day off", today, format=ui.DATE_INPUT_FORMAT, key="people_timeoff_start")
        end = c3.date_input("Last day off", today, format=ui.DATE_INPUT_FORMAT, key="people_timeoff_end")
        note = c4.text_input("Note", key="people_timeoff_note", placeholder="e.g. holiday")
        if st.form_submit_button("Add time off", type="primary"):
            if pid is None:
                st.error("Choose the person who is off.", icon=":material/error:")
            elif ui.run(commands.add_time_off, person_id=int(pid), start=start, end=end, note=note) is not None:
                ui.flash(f"Time off added for {people[pid]}: {fmt.day(start)} – {fmt.day(end)}")
    time_off_editor("people", TIME_OFF_REV, "Or edit, add and delete rows here, then save.")


def time_off_editor(prefix: str, rev_key: str, lead: str) -> None:
    """The editable time-off table with its Save button (People and Workload pages): ``prefix`` names the widget
    keys, ``rev_key`` the session counter that redraws the table fresh after a save."""
    rev = st.session_state.setdefault(rev_key, 0)
    original = ui.query(workload_views.time_off_table)
    st.caption(f"{lead} A person's capacity drops by a fifth of their weekly hours for every working day off.")
    edited = st.data_editor(original, num_rows="dynamic", hide_index=True, width="stretch",
                            key=f"{prefix}_timeoff_editor_{rev}", column_config={
                                "id": None, "version": None,
                                "person": st.column_config.SelectboxColumn(
                                    "Person", options=list(ui.query(workload_views.person_labels)), required=True),
                                "start": st.column_config.DateColumn("First day off", format="ddd D MMM YYYY",
                                                                     required=True),
                                "end": st.column_config.DateColumn("Last day off", format="ddd D MMM YYYY",
                                                                   required=True),
                                "working_days": st.column_config.NumberColumn("Working days", disabled=True),
                                "note": "Note"})
    if st.button("Save time off", key=f"{prefix}_timeoff_save", type="primary"):
        if (summary := ui.run(commands.save_time_off, original=original, edited=edited)) is not None:
            ui.flash(summary, **{rev_key: rev + 1})
