"""Scenarios: a safe copy of the workspace for "what if", workshop moves inside it, then review and apply to live."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith import fmt
from worksmith.commands import scenarios as moves
from worksmith.errors import WorksmithError
from worksmith.ui import shell as ui
from worksmith.ui import workspace
from worksmith.views import workshop

ui.page_setup("Scenarios", "What if we start later, add a developer or drop a project? Try it in a copy, compare "
              "it with live, then apply the changes you want.", __file__)
today = ui.today()
live = workspace.live_url()
current = workspace.scenario()


def act(work, message: str) -> None:
    """A storage operation on branches (not a database transaction): refusals as st.error, then rerun."""
    try:
        result = work()
    except WorksmithError as error:
        st.error(str(error), icon=":material/error:")
        return
    if getattr(result, "key", None):
        workspace.enter(result.key)
    ui.flash(message)


# --- the scenarios of this workspace ---------------------------------------------------------------------------
found = workspace.scenarios(live, archived=True)
new_tab, list_tab = st.tabs(["New scenario", f"All scenarios ({len(found)})"])
with new_tab, st.form("scenario_new", border=False):
    c1, c2 = st.columns([2, 1])
    name = c1.text_input("Name", placeholder="ERP a month later, one more developer", max_chars=120)
    sources = {None: "Live", **{s.key: s.name for s in found if not s.archived}}
    source = c2.selectbox("Copy of", list(sources), format_func=sources.get,
                          index=list(sources).index(current.key) if current else 0)
    description = st.text_area("What question does it answer?", height=68)
    if st.form_submit_button("Create and enter the scenario", type="primary", icon=":material/science:"):
        who = ui.actor()
        with st.status("Copying the workspace…", expanded=False) as progress:
            act(lambda: workspace.create(name=name, description=description, created_by=who.name,
                                         source_key=source), f"Scenario '{name.strip()}' created: you are working "
                "in it now")
            progress.update(label="Copy failed", state="error")
with list_tab:
    if not found:
        st.caption("No scenarios yet.")
    for s in found:
        with st.container(border=True):
            c1, c2, c3, c4 = st.columns([4, 1, 1, 1], vertical_alignment="center")
            origin = "live" if s.made_from == "live" else "another scenario"
            c1.markdown(f"**{ui.md(s.name)}**{' (archived)' if s.archived else ''}  \n"
                        f"{ui.md(s.description) or fmt.DASH} · by {ui.md(s.created_by or 'someone')}, "
                        f"{fmt.day(s.created_at)}, from {origin}")
            inside = current is not None and current.key == s.key
            if not s.archived and c2.button("Enter", key=f"enter_{s.key}", disabled=inside):
                workspace.enter(s.key)
                st.rerun()
            if c3.button("Restore" if s.archived else "Archive", key=f"archive_{s.key}"):
                act(lambda k=s.key, a=not s.archived: workspace.archive(k, a),
                    f"Scenario '{s.name}' {'archived' if not s.archived else 'restored'}")
            with c4.popover("Delete", icon=":material/delete:"):
                st.write("Delete this scenario? Live is not touched.")
                if st.button("Yes, delete it", key=f"delete_{s.key}", type="primary"):
                    act(lambda k=s.key: workspace.delete(k), f"Scenario '{s.name}' deleted")

if current is None:
    st.info("You are working in **live**. Create or enter a scenario to try workshop moves safely.",
            icon=":material/info:")
    st.stop()

# --- workshop moves --------------------------------------------------------------------------------------------
st.subheader(f"Workshop moves in “{ui.md(current.name)}”")
options = ui.query(workshop.move_options)
projects = {int(r.id): r for r in options.projects.itertuples()}
shift, candidate, hire, capacity, budget = st.tabs(["Shift a project", "Include or drop a candidate",
                                                    "Hypothetical hire", "Someone's hours", "Scale a budget"])
with shift, st.form("move_shift", border=False):
    c1, c2 = st.columns([3, 1])
    pid = c1.selectbox("Project", list(projects), format_func=lambda i: projects[i].name, key="shift_project")
    days = c2.number_input("Working days (− earlier)", -520, 520, 20, step=5)
    if st.form_submit_button("Shift it", type="primary"):
        said = ui.run(moves.shift_project, project_id=pid, days=int(days), expected_version=projects[pid].version,
                      today=today)
        if said:
            ui.flash(said)
with candidate:
    cands = {int(r.id): r for r in options.candidates.itertuples()}
    if not cands:
        st.caption("No proposed or approved projects.")
    else:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        cid = c1.selectbox("Candidate", list(cands), format_func=lambda i: f"{cands[i].name} ({cands[i].status})")
        include = cands[cid].status == "proposed"
        if c2.button("Include it" if include else "Drop it", type="primary", key="move_candidate"):
            if said := ui.run(moves.set_candidate, project_id=cid, include=include,
                              expected_version=cands[cid].version):
                ui.flash(said)
with hire, st.form("move_hire", border=False):
    c1, c2, c3 = st.columns([2, 2, 1])
    hire_name = c1.text_input("Name", value="New hire")
    team = c2.selectbox("Team", list(options.teams), format_func=options.teams.get)
    hours = c3.number_input("Hours a week", 0.0, 168.0, 40.0, step=4.0)
    skills = st.text_input("Skills (comma-separated)", placeholder="python, sql")
    if st.form_submit_button("Add the hire", type="primary"):
        if ui.run(moves.add_hire, name=hire_name, team_id=team, skills=skills, weekly_hours=hours) is not None:
            ui.flash(f"{hire_name} joins {options.teams.get(team)} in this scenario")
with capacity, st.form("move_hours", border=False):
    people = {int(r.id): r for r in options.people.itertuples()}
    c1, c2 = st.columns([3, 1])
    person = c1.selectbox("Person", list(people), format_func=lambda i: people[i].name)
    weekly = c2.number_input("Hours a week", 0.0, 168.0, float(people[person].weekly_hours) if people else 40.0)
    if st.form_submit_button("Set the hours", type="primary") and people:
        if ui.run(moves.set_weekly_hours, person_id=person, weekly_hours=weekly,
                  expected_version=people[person].version) is not None:
            ui.flash(f"{people[person].name}: {fmt.hours(weekly)} a week in this scenario")
with budget, st.form("move_budget", border=False):
    c1, c2 = st.columns([3, 1])
    bid = c1.selectbox("Project", list(projects), format_func=lambda i: f"{projects[i].name} "
                       f"({ui.money(projects[i].budget)})", key="budget_project")
    factor = c2.number_input("Factor", 0.1, 10.0, 1.2, step=0.1)
    if st.form_submit_button("Scale it", type="primary"):
        if said := ui.run(moves.scale_budget, project_id=bid, factor=float(factor),
                          expected_version=projects[bid].version):
            ui.flash(said)

# --- review and apply -------------------------------------------------------------------------------------------
st.subheader("Review and apply to live")
rv = ui.query_pair(live, current.url, workshop.review)
if not rv.changes:
    st.caption("No changes yet: make a move above, or edit plans, capacity and budgets on any page.")
    st.stop()
st.caption(f"{rv.applicable} change{'s' * (rv.applicable != 1)} can be applied"
           + (f"; {rv.conflicts} conflict{'s' * (rv.conflicts != 1)}: live changed since the scenario was made, "
              "so they are shown but never applied" if rv.conflicts else "") + ".")
grid = rv.table.assign(apply=False)
picked = st.data_editor(grid[["apply", "change", "kind", "conflict"]], hide_index=True, width="stretch",
                        disabled=["change", "kind", "conflict"], key="review_grid",
                        column_config={"apply": st.column_config.CheckboxColumn("Apply", width="small"),
                                       "change": st.column_config.TextColumn("Change", width="large"),
                                       "kind": st.column_config.TextColumn("Kind", width="small"),
                                       "conflict": st.column_config.TextColumn("Conflict", width="medium")})
chosen = [c for c, tick in zip(rv.changes, picked["apply"], strict=True) if tick]
if st.button(f"Apply {len(chosen)} change{'s' * (len(chosen) != 1)} to live", type="primary",
             disabled=not chosen, icon=":material/publish:"):
    if ui.run(moves.apply_changes, changes=chosen, scenario=current.name, today=today, on_live=True):
        workspace.applied(current.key, chosen)
        ui.flash(f"Applied {len(chosen)} change{'s' * (len(chosen) != 1)} to live")
