"""Goals: which goals are at risk and why, what work serves each, which candidate projects fit next quarter."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith.charts import goals as charts
from worksmith.domain.initiatives import CRITERIA
from worksmith.services import goals as svc
from worksmith.ui import shell as ui

ui.page_setup("Goals", "Which goals are at risk and why, what work serves each goal, and which candidate projects "
              "fit next quarter's capacity.", __file__)
today = ui.today()
view = ui.query(svc.goals_view, today=today)
PCT = st.column_config.ProgressColumn


def act(command, message: str, select: bool = False, **kwargs) -> None:
    """Run a write; on success remember the message (and the goal to show) and redraw with fresh data."""
    result = ui.run(command, **kwargs)
    if result is not None:
        st.session_state.update(goals_flash=message, **({"goals_goal_new": result} if select else {}))
        st.rerun()


def pick(where, label: str, options: dict, current, key: str):
    keys = list(options)
    return where.selectbox(label, keys, index=keys.index(current) if current in options else 0,
                           format_func=options.get, key=key)


def goal_form(key: str, goal: dict, parents: dict) -> dict | None:
    """The goal's fields in a form; returns them when it is submitted."""
    with st.form(key):
        title = st.text_input("Title", goal.get("title", ""), key=f"{key}_title", placeholder="what do we want?")
        c1, c2, c3 = st.columns(3)
        owner = pick(c1, "Owner", {None: "— nobody —", **view.people}, goal.get("owner_id"), f"{key}_owner")
        team = pick(c2, "Team", {None: "— no team —", **view.teams}, goal.get("team_id"), f"{key}_team")
        parent = pick(c3, "Parent goal", parents, goal.get("raw_parent_id"), f"{key}_parent")
        c1, c2, c3 = st.columns(3)
        start = c1.date_input("Period start", goal.get("period_start", view.window[0]), key=f"{key}_start")
        end = c2.date_input("Period end", goal.get("period_end", view.window[1]), key=f"{key}_end")
        weight = c3.number_input("Weight in the parent's progress", 0.0, 100.0, float(goal.get("weight", 1.0)), 0.5,
                                 key=f"{key}_weight")
        description = st.text_area("Description", goal.get("description") or "", key=f"{key}_description")
        if st.form_submit_button("Save goal", type="primary"):
            return dict(title=title, owner_id=owner, team_id=team, parent_id=parent, period_start=start,
                        period_end=end, weight=weight, description=description)
    return None


if view.empty_workspace:
    ui.empty_state("No goals yet. Load the demo, or create your first goal below (people and teams come from the "
                   "Data page).")
    if (data := goal_form("goals_first", {}, view.parents)) is not None:
        act(svc.create_goal, f"Goal '{data['title']}' created", **data)
    st.stop()
if flash := st.session_state.pop("goals_flash", None):
    st.toast(flash, icon=":material/check_circle:")

for col, metric in zip(st.columns(len(view.metrics)), view.metrics, strict=True):
    col.metric(metric.label, metric.value, metric.delta, delta_color=metric.delta_color, help=metric.help,
               delta_arrow=metric.delta_arrow, border=True, chart_data=list(metric.trend) if metric.trend else None)

tree = view.tree
ids = tree["id"].tolist() if len(tree) else []
if ids:
    st.altair_chart(charts.goal_tree(tree, view.tree_title), width="stretch")
    st.dataframe(ui.style_status(view.tree_table, "Status"), hide_index=True, width="stretch",
                 column_config={"Progress": PCT("Progress", format="%d %%", max_value=100)})
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
    detail = ui.query(svc.goal_detail, goal_id=chosen, today=today)
if detail is not None:
    goal = detail.goal
    st.subheader(goal["title"])
    st.markdown(f"{ui.status_label(charts.chip(goal['status']))} · {goal['headline']}")
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
    st.markdown(f"**Work serving this goal** — {detail.work_title}")
    if len(detail.work):
        st.dataframe(detail.work_table, hide_index=True, width="stretch")

# --- editing ----------------------------------------------------------------------------------------------------
check_tab, kr_tab, edit_tab, new_tab, archive_tab = st.tabs(
    ["Record a check-in", "Key results", "Edit goal", "New goal", "Archived goals"])
krs = detail.krs.set_index("id") if detail is not None else None
with check_tab:
    if krs is None or krs.empty:
        st.caption("Choose a goal with key results to record a check-in.")
    else:
        with st.form("goals_checkin", clear_on_submit=True):
            kr_id = pick(st, "Key result", krs["title"].to_dict(), None, "goals_checkin_kr")
            c1, c2, c3 = st.columns(3)
            value = c1.number_input("Value", value=None, step=0.1, placeholder="the measured value",
                                    key="goals_checkin_value")
            day = c2.date_input("Date", today, max_value=today, key="goals_checkin_day")
            confidence = c3.slider("Confidence (0 = no chance, 10 = certain)", 0, 10, 7, key="goals_checkin_conf")
            note = st.text_input("Note", key="goals_checkin_note")
            if st.form_submit_button("Record check-in", type="primary"):
                act(svc.record_check_in, f"Check-in recorded for '{krs.at[kr_id, 'title']}'", key_result_id=kr_id,
                    day=day, value=value, confidence=confidence, note=note, today=today)
with kr_tab:
    if krs is not None:
        kr_id = pick(st, "Key result", {0: "➕ New key result", **krs["title"].to_dict()}, 0, "goals_kr_pick")
        kr = krs.loc[kr_id].to_dict() if kr_id else {}
        with st.form(f"goals_kr_{kr_id}"):
            title = st.text_input("Title", kr.get("title", ""), key=f"goals_kr_title_{kr_id}")
            c1, c2, c3, c4, c5 = st.columns(5)
            start = c1.number_input("Start value", value=float(kr.get("start_value", 0.0)), key=f"goals_kr_s_{kr_id}")
            target = c2.number_input("Target", value=float(kr.get("target_value", 100.0)), key=f"goals_kr_t_{kr_id}")
            unit = c3.text_input("Unit", kr.get("unit", ""), key=f"goals_kr_unit_{kr_id}")
            direction = c4.radio("Better is", ["up", "down"], horizontal=True, key=f"goals_kr_dir_{kr_id}",
                                 index=["up", "down"].index(kr.get("direction", "up")))
            weight = c5.number_input("Weight", 0.0, 100.0, float(kr.get("weight", 1.0)), 0.5, key=f"goals_kr_w_{kr_id}")
            if st.form_submit_button("Save key result", type="primary"):
                fields = dict(title=title, start_value=start, target_value=target, unit=unit, direction=direction,
                              weight=weight)
                if kr_id:
                    act(svc.update_key_result, f"Key result '{title}' saved", key_result_id=kr_id, changes=fields,
                        expected_version=kr["version"])
                else:
                    act(svc.create_key_result, f"Key result '{title}' added", goal_id=detail.goal["id"], **fields)
        if kr_id and st.button("Archive this key result", key="goals_kr_archive"):
            act(svc.archive_key_result, f"Key result '{kr['title']}' archived (its check-ins are kept)",
                key_result_id=kr_id, expected_version=kr["version"])
with edit_tab:
    if detail is not None:
        parents = {k: v for k, v in view.parents.items() if k != goal["id"]}
        if (data := goal_form(f"goals_edit_{goal['id']}_{goal['version']}", goal, parents)) is not None:
            act(svc.update_goal, f"Goal '{data['title']}' saved", goal_id=goal["id"], changes=data,
                expected_version=goal["version"])
        with st.popover("Archive this goal"):
            st.write(f"Archive **{goal['title']}** and its sub-goals? They leave the tree; you can restore them.")
            if st.button("Archive", type="primary", key="goals_archive"):
                act(svc.archive_goal, f"Goal '{goal['title']}' archived with its sub-goals", goal_id=goal["id"],
                    expected_version=goal["version"])
with new_tab:
    if new := goal_form("goals_new", {}, view.parents):
        act(svc.create_goal, f"Goal '{new['title']}' created", select=True, **new)
with archive_tab:
    if view.archived.empty:
        st.caption("No archived goals.")
    else:
        archived = view.archived.set_index("id")
        gone = pick(st, "Archived goal", archived["title"].to_dict(), None, "goals_archived_pick")
        if st.button("Restore", key="goals_restore"):
            act(svc.restore_goal, f"Goal '{archived.at[gone, 'title']}' restored", select=True, goal_id=gone,
                expected_version=int(archived.at[gone, "version"]))

# --- alignment --------------------------------------------------------------------------------------------------
st.subheader("Unaligned work")
st.caption(view.unaligned_title)
if len(view.unaligned):
    st.dataframe(view.unaligned_table, hide_index=True, width="stretch")
    if ids:
        c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        work = view.unaligned
        item = pick(c1, "Link", view.unaligned_options, 0, "goals_align_item")
        target = pick(c2, "to goal", view.labels, None, "goals_align_goal")
        if c3.button("Link to goal", key="goals_align"):
            act(svc.align_work, f"'{work.at[item, 'name']}' now serves a goal", kind=work.at[item, "kind"],
                work_id=int(work.at[item, "id"]), goal_id=target, expected_version=int(work.at[item, "version"]))

# --- initiative ranking -----------------------------------------------------------------------------------------
st.subheader("Initiative ranking and next quarter's capacity")
cols = st.columns(len(CRITERIA) + 1)
weights = {name: col.slider(name.removesuffix("_hours").capitalize() + (" (less is better)" if way == "down" else ""),
                            0.0, 5.0, 1.0, 0.5, key=f"goals_w_{name}")
           for col, (name, way) in zip(cols, CRITERIA.items(), strict=False)}
reserve = cols[-1].slider("Keep in reserve (%)", 0, 90, 0, 5, key="goals_reserve",
                          help="What-if: hold back this share of every team's free hours for unplanned work.")
rank = ui.query(svc.ranking, today=today, weights=tuple(weights.items()), reserve=float(reserve))
if rank.candidates.empty:
    st.info("No candidate projects (status *proposed*). Propose one on the Projects page to rank it here.",
            icon=":material/lightbulb:")
else:
    left, right = st.columns([2, 3])
    left.altair_chart(charts.value_effort(rank.candidates, rank.scatter_title, view.currency), width="stretch")
    right.altair_chart(charts.capacity(rank.detail, rank.free, rank.capacity_title), width="stretch")
    fit = f"Fits {rank.quarter_label}"
    st.dataframe(rank.table.style.map(charts.fit_css, subset=[fit]), hide_index=True, width="stretch",
                 column_config={"Score": PCT("Score", format="%d", max_value=100),
                                fit: st.column_config.TextColumn(fit, width="large")})
    with st.expander("Why this ranking?", icon=":material/help:"):
        st.markdown(svc.RANKING_FORMULA)
        st.dataframe(rank.why, hide_index=True, width="stretch")
    for note in rank.notes:
        st.caption(note)
    cands = rank.candidates.set_index("id")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    pid = pick(c1, "Candidate", rank.options, None, "goals_approve_pick")
    if c2.button("Approve → active project", type="primary", key="goals_approve"):
        act(svc.approve_candidate, f"'{cands.at[pid, 'name']}' approved: it is now an active project",
            project_id=pid, expected_version=int(cands.at[pid, "version"]))
