"""Goals: which goals are at risk and why, what work serves each, which candidate projects fit next quarter."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith.charts import goals as charts
from worksmith.commands import goals as cmd
from worksmith.ui import shell as ui
from worksmith.ui.comments import subject_updates
from worksmith.ui.goals import edit
from worksmith.views import goals as views
from worksmith.views import initiatives

ui.page_setup("Goals", "Which goals are at risk and why, what work serves each goal, and which candidate projects "
              "fit next quarter's capacity.", __file__)
today = ui.today()
view = ui.query(views.goals_view, today=today)
PCT = st.column_config.ProgressColumn

if view.empty_workspace:
    ui.empty_state("No goals yet. Load the demo, or create your first goal below (people and teams come from the "
                   "Data page).")
    if (data := edit.goal_form(view, "goals_first", {}, view.parents)) is not None:
        edit.act(cmd.create_goal, f"Goal '{data['title']}' created", **data)
    st.stop()
ui.metric_row(view.metrics)

tree = view.tree
ids = tree["id"].tolist() if len(tree) else []
if ids:
    st.altair_chart(charts.goal_tree(tree, view.tree_title), width="stretch")
    st.dataframe(view.tree_table.assign(Status=ui.status_pills(view.tree_table["Status"])), hide_index=True,
                 width="stretch", column_config={"Progress": PCT("Progress", format="%d %%", max_value=100),
                                                 "Status": ui.status_column("Status")})
else:
    st.info("No active goals yet — create the first one under **New goal** below.", icon=":material/flag:")

# --- the selected goal: in the URL as ?goal=<id>, by default the one furthest behind ----------------------------
if (new_goal := st.session_state.pop("goals_goal_new", None)) in ids:
    st.session_state["goals_goal"] = new_goal
param = st.query_params.get("goal", "")
if param.isdigit() and int(param) in ids and param != st.session_state.get("goals_url"):
    st.session_state["goals_goal"] = int(param)  # a link named the goal
elif ids and st.session_state.get("goals_goal") not in ids:
    st.session_state["goals_goal"] = view.default_goal
detail = None
if ids:
    chosen = st.selectbox("Goal", ids, format_func=view.labels.get, key="goals_goal")
    st.query_params["goal"] = st.session_state["goals_url"] = str(chosen)
    detail = views.detail_of(view, chosen)  # from what the view read: no second read of the goals and work
if detail is not None:
    goal = detail.goal
    st.subheader(ui.md(goal["title"]))
    st.markdown(f"{ui.status_label(goal['chip'])} · {ui.md(goal['headline'])}")
    with st.expander("Why this status?", icon=":material/help:"):
        st.markdown(detail.why)
        st.dataframe(detail.kr_table, hide_index=True, width="stretch",
                     column_config={"Progress": PCT("Progress", format="%d %%", max_value=100)})
    cols = st.columns(2)
    for i, kr in enumerate(detail.krs.itertuples()):
        mine = detail.check_ins[detail.check_ins["key_result_id"] == kr.id]
        cols[i % 2].altair_chart(charts.kr_history(
            mine, start_value=kr.start_value, target_value=kr.target_value, period_start=goal["period_start"],
            period_end=goal["period_end"], today=today, unit=kr.unit, title=kr.chart_title), width="stretch")
        cols[i % 2].caption(kr.caption)
    if detail.krs.empty:
        st.caption("This goal has no key results yet: add one under **Key results** below.")
    st.markdown(f"**Work serving this goal** — {ui.md(detail.work_title)}")
    if len(detail.work):
        st.dataframe(detail.work_table, hide_index=True, width="stretch")
    with st.expander("Updates on this goal", icon=":material/forum:"):
        subject_updates("goal", int(chosen), today, key=f"goal_upd_{chosen}")

# --- editing: check-ins, key results, the goal, new goals, archived goals --------------------------------------
edit.tabs(view, detail, today)

# --- alignment --------------------------------------------------------------------------------------------------
st.subheader("Unaligned work")
st.caption(view.unaligned_title)
if len(view.unaligned):
    st.dataframe(view.unaligned_table, hide_index=True, width="stretch")
    if ids:
        c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        work = view.unaligned
        item = edit.pick(c1, "Link", view.unaligned_options, 0, "goals_align_item")
        target = edit.pick(c2, "to goal", view.labels, None, "goals_align_goal")
        if c3.button("Link to goal", key="goals_align"):
            edit.act(cmd.align_work, f"'{work.at[item, 'name']}' now serves a goal", kind=work.at[item, "kind"],
                     work_id=int(work.at[item, "id"]), goal_id=target, expected_version=int(work.at[item, "version"]))

# --- initiative ranking -----------------------------------------------------------------------------------------
st.subheader("Initiative ranking and capacity")
cols = st.columns(len(initiatives.CRITERIA) + 1)
weights = {name: col.slider(name.removesuffix("_hours").capitalize() + (" (less is better)" if way == "down" else ""),
                            0.0, 5.0, 1.0, 0.5, key=f"goals_w_{name}")
           for col, (name, way) in zip(cols, initiatives.CRITERIA.items(), strict=False)}
reserve = cols[-1].slider("Keep in reserve (%)", 0, 90, 0, 5, key="goals_reserve",
                          help="What-if: hold back this share of every team's free hours for unplanned work.")
rank = ui.query(initiatives.ranking, today=today, weights=tuple(weights.items()), reserve=float(reserve))
if rank.candidates.empty:
    st.info("No candidate projects (status *proposed*). Propose one on the Projects page to rank it here.",
            icon=":material/lightbulb:")
else:
    left, right = st.columns([2, 3])
    left.altair_chart(charts.value_effort(rank.candidates, rank.scatter_title, view.currency), width="stretch")
    right.altair_chart(charts.capacity(rank.detail, rank.free, rank.capacity_title), width="stretch")
    fit = "Fits capacity"
    st.dataframe(rank.table.style.map(charts.fit_css, subset=[fit]), hide_index=True, width="stretch",
                 column_config={"Score": PCT("Score", format="%d", max_value=100),
                                fit: st.column_config.TextColumn(fit, width="large")})
    with st.expander("Why this ranking?", icon=":material/help:"):
        st.markdown(initiatives.RANKING_FORMULA)
        st.dataframe(rank.why, hide_index=True, width="stretch")
    for note in rank.notes:
        st.caption(note)
    cands = rank.candidates.set_index("id")
    if ui.allowed("approve", "approve candidate projects"):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        pid = edit.pick(c1, "Candidate", rank.options, None, "goals_approve_pick")
        if c2.button("Approve → active project", type="primary", key="goals_approve"):
            edit.act(cmd.approve_candidate, f"'{cands.at[pid, 'name']}' approved: it is now an active project",
                     project_id=pid, expected_version=int(cands.at[pid, "version"]))
