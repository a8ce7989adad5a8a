"""People & teams: who is in the workspace, in which team, with what capacity, cost and skills — add, edit, archive."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith.ui import shell as ui
from worksmith.ui.data import wizard
from worksmith.ui.people import people, teams
from worksmith.views import people as views

ui.page_setup("People", "Who is in the workspace and what they can take on: teams, roles, capacity, cost rates, "
              "skills and time off. Add people here; archive them when they leave.", __file__)

ui.metric_row(ui.query(views.people_metrics))
if not ui.query(views.active_people):
    st.info("Nobody is in this workspace yet. Add yourself first (you will act as yourself from then on), then your "
            "colleagues and teams. A plan import can also create the people it names.", icon=":material/waving_hand:")

people_tab, teams_tab, off_tab = st.tabs(["People", "Teams", "Time off"], key="tab", bind="query-params")
if people_tab.open:
    with people_tab:
        people.add_person()
        people.people_table()
        people.archive()
if teams_tab.open:
    with teams_tab:
        teams.teams()
if off_tab.open:
    with off_tab:
        teams.time_off()
with st.expander("Calendar of one person (.ics)", icon=":material/event:"):
    wizard.person_calendar(ui.query(views.active_people))
st.page_link("pages/workload.py", label="See everyone's workload", icon=":material/groups:")
