"""Projects: which projects are on track, what drives their dates — and each project's plan, board, risks, status."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith import fmt
from worksmith.ui import shell as ui
from worksmith.ui.comments import project_updates
from worksmith.ui.data import wizard
from worksmith.ui.projects import OPEN
from worksmith.ui.projects.board import board
from worksmith.ui.projects.closeout import close_out
from worksmith.ui.projects.forms import details, new_project
from worksmith.ui.projects.gantt import gantt
from worksmith.ui.projects.links import cross_links
from worksmith.ui.projects.plan import import_plan_file, plan_grid, plan_import
from worksmith.ui.projects.portfolio import portfolio, program
from worksmith.ui.projects.risk import risk
from worksmith.ui.projects.risks import risks, stale_offer
from worksmith.ui.projects.status import status
from worksmith.ui.projects.team import team
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp

ui.page_setup("Projects", "Which projects are on track and what drives their dates; open one for its plan, Gantt, "
              "schedule risk, board, risks, status report, team and close-out.", __file__)
today = ui.today()
if (opened := st.session_state.pop(OPEN, None)) is not None:
    st.session_state["project"] = opened  # a project just created or picked in the table

names = ui.query(vp.project_names)
pick = ui.query(vp.choices)
people = pick["people"]
name = st.selectbox("Project", [None, *names["name"]], key="project", bind="query-params",
                    format_func=lambda n: "All projects — portfolio and program" if n is None else n)

# ------------------------------------------------------------------------------------------------ portfolio
if name is None:
    view = ui.query(vp.portfolio_view, today=today)
    if view.empty:
        ui.empty_state("No projects yet. Create the first one below (from scratch or a template), or start it from "
                       "a plan file (CSV, Excel or MS Project XML).")
        new_project(pick, today)
        with st.expander("New project from a plan file", icon=":material/upload_file:"):
            import_plan_file(pick, today)
        st.stop()
    ui.metric_row(view.tiles)
    portfolio_tab, program_tab, new_tab, file_tab = st.tabs(
        ["Portfolio", "Program", "New project", "New project from a plan file"], key="view", bind="query-params")
    if portfolio_tab.open:
        with portfolio_tab:
            portfolio(view)
    if program_tab.open:
        with program_tab:
            program(today)
    if new_tab.open:
        with new_tab:
            new_project(pick, today)
    if file_tab.open:
        with file_tab:
            import_plan_file(pick, today)
    st.stop()

# ------------------------------------------------------------------------------------------------ one project
pid = int(names.loc[names["name"] == name, "id"].iloc[0])
d = ui.query(vpp.project_detail, project_id=pid, today=today)
p = d.project
st.markdown(f"### {ui.md(p['name'])} · {vp.health_label(d.health)}\n{vp.header_summary(d.reasons, p['status'])} "
            f"Manager {people.get(p['manager_id'], fmt.DASH)} · {fmt.day(p['start'])} → target "
            f"{fmt.day(p['target_end'])}")
ui.metric_row(d.tiles)
wizard.project_calendar(pid, p["name"])
if len(d.lessons):
    with st.expander(f"Lessons from {len(d.lessons)} closed project{'s' * (len(d.lessons) != 1)}",
                     icon=":material/lightbulb:"):
        for r in d.lessons.itertuples():
            st.markdown(f"**{ui.md(r.project)}** (closed {fmt.day(r.closed_on)}) — {ui.md(r.lessons)}")
task_labels = {int(i): f"#{r} {n}" for i, r, n in zip(d.tasks["id"], d.tasks["ref"], d.tasks["name"], strict=True)}


def plan_tab() -> None:
    stale_offer(pid)
    plan_grid(pid, d, people, today)
    with st.expander("Import a plan file (CSV, Excel or MS Project XML)", icon=":material/upload_file:"):
        plan_import(pid, d.tasks, people, today)
    with st.expander(f"Links to other projects ({len(d.links)})", icon=":material/link:"):
        cross_links(pid, d, today)


RENDER = {"Plan": plan_tab, "Gantt": lambda: gantt(pid, d, today), "Risk": lambda: risk(pid, len(d.tasks), today),
          "Board": lambda: board(pid), "Updates": lambda: project_updates(pid, task_labels, today),
          "Risks": lambda: risks(pid, people, task_labels), "Status": lambda: status(pid, d, today),
          "Team": lambda: team(pid, people), "Close-out": lambda: close_out(pid, p, today),
          "Details": lambda: details(pid, p, pick, today)}
for label, tab in zip(RENDER, st.tabs(list(RENDER), key="tab", bind="query-params"), strict=True):
    if tab.open:  # only the open tab runs its queries
        with tab:
            RENDER[label]()
