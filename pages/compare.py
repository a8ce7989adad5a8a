"""Compare: two workspaces side by side (live and a scenario, or two scenarios) — dates, people, money, goals."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import roadmap
from worksmith.ui import shell as ui
from worksmith.ui import workspace
from worksmith.views.compare import WEEKS, compare

ui.page_setup("Compare", "What a scenario changes against live (or another scenario): finish dates, who is over "
              "capacity, the forecast cost and the goals.", __file__)
today = ui.today()
found = workspace.scenarios(workspace.live_url())
if not found:
    st.info("There is no scenario to compare yet. Make one on the Scenarios page, change something in it, then "
            "come back.", icon=":material/science:")
    st.page_link("pages/scenarios.py", label="Make a scenario", icon=":material/science:")
    st.stop()

names = {None: "Live", **{s.key: s.name for s in found}}
urls = {None: workspace.live_url(), **{s.key: s.url for s in found}}
current = workspace.scenario()
c1, c2 = st.columns(2)
base = c1.selectbox("Compare", list(names), format_func=names.get, key="compare_base")
others = [k for k in names if k != base]
other = c2.selectbox("with", others, format_func=names.get, key="compare_other",
                     index=others.index(current.key) if current and current.key in others else 0)
cmp = ui.query_pair(urls[base], urls[other], compare, today=today, base_name=names[base],
                    scenario_name=names[other])
st.success(cmp.headline or "No difference in dates, people or money.", icon=":material/compare_arrows:")

st.subheader("Projects")
st.caption(cmp.projects_headline)
st.altair_chart(roadmap.roadmap(cmp.roadmap, f"Roadmap: {names[base]} (grey) and {names[other]} (blue); the tick is "
                                "the target", pd.Timestamp(today)), width="stretch")
table = pd.DataFrame({
    "Project": cmp.projects["project"],
    f"Finish ({names[base]})": [fmt.day(d) for d in cmp.projects["finish_base"]],
    f"Finish ({names[other]})": [fmt.day(d) for d in cmp.projects["finish_scenario"]],
    "Change": [fmt.days(d) for d in cmp.projects["change"]],
    f"vs target ({names[other]})": [fmt.days(d) for d in cmp.projects["slip_scenario"]],
    "Drives a linked project": ["yes" if d is True else "" for d in cmp.projects["drives_scenario"]],
    f"Health ({names[base]})": cmp.projects["health_base"].fillna(fmt.DASH),
    f"Health ({names[other]})": cmp.projects["health_scenario"].fillna(fmt.DASH)})
st.dataframe(table, hide_index=True, width="stretch")

st.subheader("People")
st.caption(cmp.workload_headline)
left, right = st.columns([1, 2])
left.dataframe(pd.DataFrame({"Team": cmp.workload["team"],
                             f"Over-allocated person-weeks ({names[base]})": cmp.workload["over_base"].astype(int),
                             f"({names[other]})": cmp.workload["over_scenario"].astype(int),
                             "Change": cmp.workload["change"].astype(int)}), hide_index=True, width="stretch")
if cmp.heat.empty:
    right.caption(f"Nobody's load changes in the next {WEEKS} weeks.")
else:
    right.altair_chart(roadmap.utilisation_change(cmp.heat, "Utilisation change per person and week (points; red "
                                                  "= more loaded)"), width="content")

st.subheader("Money")
st.caption(cmp.budget_headline)
st.dataframe(pd.DataFrame({
    "Project": cmp.budget["project"], f"EAC ({names[base]})": [ui.money(v) for v in cmp.budget["eac_base"]],
    f"EAC ({names[other]})": [ui.money(v) for v in cmp.budget["eac_scenario"]],
    "Change": [ui.money(v) for v in cmp.budget["change"]],
    f"VAC ({names[other]})": [ui.money(v) for v in cmp.budget["vac_scenario"]]}), hide_index=True,
    width="stretch", column_config={"Change": st.column_config.TextColumn(help="EAC scenario − EAC base")})
st.caption("EAC = estimate at completion from earned value; VAC = budget − EAC (negative: over budget).")

st.subheader("Goals")
st.caption(cmp.goals_headline)
g1, g2 = st.columns(2)
g1.dataframe(pd.DataFrame({"Goal": cmp.goals["title"], f"Status ({names[base]})": cmp.goals["status_base"],
                           f"Status ({names[other]})": cmp.goals["status_scenario"],
                           "Progress": [fmt.percent(v) for v in cmp.goals["progress_scenario"]],
                           "Expected": [fmt.percent(v) for v in cmp.goals["expected_scenario"]]}),
             hide_index=True, width="stretch")
g2.dataframe(pd.DataFrame({"Candidate": cmp.candidates["name"],
                           f"Fits ({names[base]})": ["yes" if v is True else "no" for v in cmp.candidates["fits_base"]],
                           f"Fits ({names[other]})": ["yes" if v is True else "no"
                                                      for v in cmp.candidates["fits_scenario"]]}),
             hide_index=True, width="stretch")
