"""Workload: who is over capacity in the coming weeks, what causes it, and how to fix it."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith import fmt
from worksmith.charts import workload as charts
from worksmith.commands import workload as commands
from worksmith.ui import shell as ui
from worksmith.ui.people.teams import time_off_editor
from worksmith.views import workload as views

ui.page_setup("Workload", "Who is over capacity in the coming weeks, what causes it, and one-click ways to fix it.",
              __file__)
today = ui.today()
ALL = "All"

# the view is defined by the URL: ?weeks=12&team=Engineering&skill=frontend
params = st.query_params
if "workload_weeks" not in st.session_state:
    st.session_state["workload_weeks"] = int(params["weeks"]) if params.get("weeks") in {
        str(h) for h in views.HORIZONS} else views.DEFAULT_WEEKS
st.session_state.setdefault("workload_team", params.get("team") or ALL)
st.session_state.setdefault("workload_skill", params.get("skill") or ALL)
view = ui.query(views.workload_view, today=today, weeks=st.session_state["workload_weeks"],
                team=None if st.session_state["workload_team"] == ALL else st.session_state["workload_team"],
                skill=None if st.session_state["workload_skill"] == ALL else st.session_state["workload_skill"])
if view.empty:
    ui.empty_state("Nobody is in this workspace yet. Add people and import a project plan to see their workload.")
    st.stop()
st.session_state["workload_team"] = view.team or ALL  # an unknown team or skill in the link falls back to all
st.session_state["workload_skill"] = next(
    (s for s in view.skills if view.skill and s.casefold() == view.skill.casefold()), ALL)

f1, f2, f3 = st.columns([3, 2, 2])  # the horizon control shows its four choices at 1280 px
f1.segmented_control("Horizon", views.HORIZONS, key="workload_weeks", format_func=lambda w: f"{w} weeks",
                     required=True, help="How many ISO weeks to show, starting with this week.")
f2.selectbox("Team", [ALL, *view.teams], key="workload_team")
f3.selectbox("Skill", [ALL, *view.skills], key="workload_skill", help="Only people who hold this skill.")
wanted = {"weeks": str(st.session_state["workload_weeks"]), "team": st.session_state["workload_team"],
          "skill": st.session_state["workload_skill"]}
for name, value in wanted.items():
    if value == ALL and name in params:
        del params[name]
    elif value != ALL and params.get(name) != value:
        params[name] = value
if view.filter_note:
    st.warning(view.filter_note, icon=":material/search:")

ui.metric_row(view.metrics)

with st.container(key="workload_heatmap"):
    if view.heatmap.empty:
        st.info(f"{view.heatmap_title}: choose another team or skill.", icon=":material/group_off:")
    else:
        st.altair_chart(charts.heatmap(view.heatmap, view.heatmap_title, grouped=True), width="content",
                        alt=view.heatmap_alt)
st.caption(" ".join(filter(None, [
    view.heatmap_note, "Utilisation = load ÷ capacity; capacity = weekly hours × availability × working days not "
    "off ÷ 5. Hover a cell for the tasks behind it."])))

st.altair_chart(charts.run_change(view.run_change, view.capacity, view.run_change_title), width="stretch")
if view.not_loaded:
    st.caption(view.not_loaded)

st.subheader("Over-allocations and how to fix them")
if not view.fix_cells:
    st.success("Nobody is over capacity in this horizon.", icon=":material/check_circle:")
for card in view.fix_cells:
    with st.container(border=True, key=f"workload_over_{card['person_id']}_{card['week_label']}"):
        st.markdown(f"**▲ {ui.md(card['person'])} · {card['week_range']}** — {fmt.hours(card['load'])} planned against "
                    f"{fmt.hours(card['capacity'])} capacity: **{fmt.hours(card['excess'])} over** "
                    f"({fmt.percent(card['utilisation'])})")
        st.caption("Caused by: " + " · ".join(f"{ui.md(c['name'])} ({ui.md(c['context'])}) {c['hours']:.1f} h"
                                               for c in card["causes"]))
        if not card["fixes"]:
            st.caption("No one-click fix: no colleague with the skill has room in every week of these tasks, and "
                       "none of them can move within its float. Consider splitting a task or changing its estimate.")
        for fix in card["fixes"]:
            text, button = st.columns([7, 1], vertical_alignment="center")
            text.markdown((":blue-badge[Reassign] " if fix["kind"] == "reassign" else ":violet-badge[Shift] ")
                          + fix["explanation"])
            target = fix["to_person_id"] if fix["kind"] == "reassign" else fix["shift_days"]
            if button.button("Apply", key=f"workload_fix_{fix['kind']}_{fix['task_id']}_{target}_{card['person_id']}"
                             f"_{card['week_label']}", type="primary", width="stretch",
                             help="Reassign the task" if fix["kind"] == "reassign" else "Move the task later"):
                if ui.run(commands.apply_fix, fix=fix, today=today) is not None:
                    ui.flash(f"'{fix['task']}' reassigned to {fix['to_person']}" if fix["kind"] == "reassign" else
                             f"'{fix['task']}' moved {fix['shift_days']} working days later")
if view.more_over:
    st.caption(f"{view.more_over} later over-allocated person-weeks are in the table below.")
if len(view.over):
    with st.expander(f"All {len(view.over)} over-allocated person-weeks"):
        st.dataframe(view.over, hide_index=True, width="stretch", column_config={
            "person": "Person", "team": "Team", "week": "Week", "load": "Load", "capacity": "Capacity",
            "over_by": "Over by", "utilisation": "Utilisation",
            "work": st.column_config.TextColumn("Work behind it", width="large")})

# only the open tab runs: a second and third heatmap, a time-off editor and 500 people's capacity are a third
# of a cold render at L
teams_tab, skills_tab, off_tab, capacity_tab = st.tabs(["Teams", "Skills", "Time off", "Capacity"],
                                                       key="workload_tab", on_change="rerun")
if teams_tab.open:
    with teams_tab:
        if len(view.team_heat):
            st.altair_chart(charts.heatmap(view.team_heat, view.team_title, row_title="Team", group_title="Team",
                                           work_title="Split"), width="content")
            st.dataframe(view.team_table, hide_index=True, width="stretch", column_config={
                "team": "Team", "people": "People", "capacity": "Capacity", "load": "Load",
                "utilisation": st.column_config.ProgressColumn("Utilisation", format="%.0f %%", min_value=0,
                                                               max_value=100),
                "run_share": "Run share", "over_weeks": "Over-allocated person-weeks"})
if skills_tab.open:
    with skills_tab:
        if len(view.skills_heat):
            st.altair_chart(charts.heatmap(view.skills_heat, view.skills_title, row_title="Skill", group_title="Skill",
                                           load_title="Demand", capacity_title="Supply", work_title="Demand vs supply",
                                           colour_title="Demand ÷ supply"),
                            width="content")
        st.caption(view.skills_note + "Demand = remaining task hours that need the skill (assigned or not); supply = "
                   "the capacity of everybody holding it (a person with several skills counts for each).")

if off_tab.open:
    with off_tab:
        time_off_editor("workload", "workload_editor_rev", "Add, change or delete time off, then save.")

if capacity_tab.open:
    with capacity_tab:
        rev = st.session_state.setdefault("workload_editor_rev", 0)  # shared with the time-off editor
        people = ui.query(views.capacity_table)
        st.caption("Capacity for planned work = weekly hours × availability. Skills are comma-separated.")
        st.page_link("pages/people.py", label="Add people, teams or cost rates on the People page",
                     icon=":material/person_add:")
        edited_people = st.data_editor(
            people, hide_index=True, width="stretch", key=f"workload_capacity_editor_{rev}",
            height=min(36 * (len(people) + 1) + 3, 640),
            disabled=["name", "role", "capacity"], column_config={
                "id": None, "version": None,
                "name": st.column_config.TextColumn("Person", width="medium"),
                "team": st.column_config.SelectboxColumn("Team",
                                                         options=list(dict.fromkeys([*view.teams, views.NO_TEAM]))),
                "role": "Role",
                "weekly_hours": st.column_config.NumberColumn("Weekly hours", format="%.0f h"),
                "availability": st.column_config.NumberColumn("Availability %", format="%.0f %%",
                                                              help="Share of the week for planned work"),
                "capacity": st.column_config.NumberColumn("Capacity (h/week)", format="%.1f h"),
                "skills": st.column_config.TextColumn("Skills", width="medium"),
                "active": st.column_config.CheckboxColumn("Active", width="small")})
        if st.button("Save capacity", key="workload_capacity_save", type="primary"):
            if (summary := ui.run(commands.save_capacity, original=people, edited=edited_people)) is not None:
                ui.flash(summary, workload_editor_rev=rev + 1)
