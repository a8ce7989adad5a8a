"""Operations: ongoing work per team — the workflow board, bottlenecks, recurring work, process templates, rules."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import operations as op_charts
from worksmith.commands import operations as commands
from worksmith.status import chip
from worksmith.ui import recurrence
from worksmith.ui import shell as ui
from worksmith.ui.comments import subject_updates
from worksmith.views import operations as views
from worksmith.views import requests as request_views

ui.page_setup("Operations", "Ongoing work per team: where items wait, what recurs next, and the rules that run it.",
              __file__)
today = ui.today()
data = ui.query(views.summary, today=today)
if data.empty_workspace:
    ui.empty_state("No operations yet. Operations are the ongoing work of a team (payroll, IT support, onboarding): "
                   "load the demo to see how they look, or import your data from the Data page.")
    st.stop()

ui.metric_row(data.metrics)

names = dict(zip(data.operations["id"], data.operations["operation"], strict=True))
pick, link = st.columns([2, 1], vertical_alignment="bottom")
op_id = pick.selectbox("Operation", list(names), format_func=names.get, key="operation", bind="query-params")
if data.awaiting:
    link.page_link("pages/requests.py", label=f"{data.awaiting} requests await approval", icon=":material/inbox:")
d = ui.query(views.detail, operation_id=op_id, today=today)
st.markdown(f"**Owner** {ui.md(d.owner)} · **Team** {ui.md(d.team)} · **Goal** {ui.md(d.goal)} · **Recurring "
            f"demand** {fmt.hours(d.demand_hours_per_week)}/week standing + {fmt.hours(d.recurring_hours_per_week)}"
            f"/week recurring tasks" + (f"  \n{ui.md(d.description)}" if d.description else ""))


def move(item, stage: str) -> None:
    if ui.run(commands.move_item, item_id=int(item.id), to_stage=stage, expected_version=int(item.version),
              now=views.moment(today)) is not None:
        ui.flash(f"Moved '{item.title}' to {stage}")


def card(item) -> None:
    with st.container(border=True, key=f"ops_item_{item.id}"):
        st.markdown(f"**{ui.md(item.title)}**")
        due = "" if pd.isna(item.due) else f" · due {item.due:%d %b}"
        st.caption(f"{ui.md(item.owner)} · {chip(item.wait, f'{item.days_in_stage} d in stage')} · opened "
                   f"{item.age_days} d ago{due}")
        back, forward = item.back, item.forward
        b1, b2 = st.columns([2, 3])
        if back and b1.button("Back", key=f"ops_back_{item.id}", icon=":material/arrow_back:", width="stretch",
                              help=f"Move back to {back}"):
            move(item, back)
        if forward and b2.button(forward, key=f"ops_fwd_{item.id}", icon=":material/arrow_forward:", width="stretch",
                                 help=f"Move on to {forward} (items move one stage forward at a time)"):
            move(item, forward)


st.subheader(f"Workflow — {ui.md(d.bottleneck.finding)}")
st.caption("Items move one stage forward at a time, or back to an earlier stage; every move is kept in the item's "
           f"history and the activity log. {views.WAIT_LEGEND}.")
stray = d.items[~d.items["stage"].isin(d.stages)] if len(d.items) else d.items
for col, stage in zip(st.columns(len(d.stages)), d.stats.itertuples(), strict=True):
    with col:
        here = d.items[d.items["stage"] == stage.stage] if len(d.items) else d.items
        st.markdown(f"#### {ui.md(stage.stage)} · {stage.items}")
        st.caption("last stage: done" if stage.final else f"oldest {views.fmt_days(stage.oldest_days)} · average "
                   f"stay {views.fmt_days(stage.avg_days_in_stage)}")
        if stage.position == 0:
            here = pd.concat([stray, here])
        for item in (here.sort_values("days_in_stage").head(5) if stage.final else here).itertuples():
            card(item)
        if stage.final and len(here) > 5:
            st.caption(f"+ {len(here) - 5} more done earlier")

if len(d.items):
    with st.expander("Updates on a work item", icon=":material/forum:"):
        titles = dict(zip(d.items["id"], d.items["title"], strict=True))
        wid = st.selectbox("Work item", list(titles), format_func=titles.get, key="ops_upd_item")
        subject_updates("work_item", int(wid), today, key=f"ops_upd_{wid}")

st.subheader("Bottlenecks")
left, right = st.columns(2)
left.altair_chart(op_charts.items_per_stage(d.stats, d.bottleneck.finding), width="stretch")
right.altair_chart(op_charts.time_in_stage(d.stats, views.time_in_stage_title(d.bottleneck),
                                           d.bottleneck.slowest_stage), width="stretch")

people = ui.query(views.people_options)
rec_tab, case_tab, rule_tab, all_tab = st.tabs([":material/event_repeat: Recurring tasks",
                                                ":material/checklist: Start a case",
                                                ":material/bolt: Automation rules", ":material/list: All operations"])
with rec_tab:
    if d.recurring.empty:
        st.info("No recurring tasks in this operation.")
    else:
        st.dataframe(views.recurring_table(d.recurring), hide_index=True, width="stretch")
        st.caption("Next due = the first occurrence on or after today of the task's rule (RFC 5545), from its first "
                   "due date; a day past a month's end falls on its last day. Hours per week = hours × occurrences "
                   "per year / 52; they count as 'run' work on the Workload page.")
        with st.expander("Change how a task repeats", icon=":material/edit_calendar:"):
            recurrence.picker(d.recurring, today)

with case_tab:
    if d.checklist.empty:
        st.info("This operation has no process template yet: add its checklist steps below.")
    else:
        st.markdown("A new case (e.g. a new hire) gets one work item per step in the first stage, due on the start "
                    "date + the step's days (negative: before the start).")
        st.dataframe(views.checklist_table(d.checklist, people), hide_index=True, width="stretch")
        with st.form("ops_case_form", clear_on_submit=True):
            c1, c2 = st.columns(2)
            case = c1.text_input("Case name", placeholder="e.g. Ana Lopez — Designer", key="ops_case_name")
            start = c2.date_input("Start date", value=today, key="ops_case_start", format=ui.DATE_INPUT_FORMAT)
            if st.form_submit_button("Start the case", type="primary", key="ops_case_submit"):
                made = ui.run(commands.start_case, operation_id=d.id, case=case, start=start, now=views.moment(today))
                if made:
                    ui.flash(f"Started '{case.strip()}': {len(made)} work items in {d.name}")
    with st.expander("Edit the checklist (process template)"):
        edited = st.data_editor(
            d.checklist, num_rows="dynamic", hide_index=True, width="stretch", key=f"ops_checklist_{d.id}",
            column_config={
                "name": st.column_config.TextColumn("Step", required=True),
                "offset_days": st.column_config.NumberColumn("Days from start", step=1, format="%d"),
                "hours": st.column_config.NumberColumn("Hours", min_value=0.0, step=0.5),
                "assignee_id": st.column_config.SelectboxColumn("Assignee", options=list(people),
                                                                format_func=people.get)})
        if st.button("Save the checklist", key="ops_checklist_save"):
            if ui.run(commands.update_checklist, operation_id=d.id, checklist=edited.to_dict("records"),
                      expected_version=d.version) is not None:
                ui.flash(f"Checklist of {d.name} saved")

with rule_tab:
    st.caption("Simple, transparent rules: each says what starts it and what it does. Approving a request on the "
               "Requests page runs the request rules; the overdue rule feeds the Overview's 'needs attention' list.")
    op_names, types = ui.query(views.operation_options), ui.query(request_views.request_types)
    for rule in ui.query(views.rules).itertuples():
        with st.container(border=True, key=f"ops_rule_{rule.id}"):
            on = "on" if rule.active else "off"
            st.markdown(f"**{ui.md(rule.name)}** · {chip('on track' if rule.active else 'not started', on)}  \n"
                        f"{ui.md(rule.description)}")
            with st.form(f"ops_rule_form_{rule.id}", border=False):
                active = st.toggle("Active", value=bool(rule.active), key=f"ops_rule_active_{rule.id}")
                cond, params = dict(rule.condition or {}), dict(rule.params or {})
                if rule.action == "create_work_item":
                    c1, c2, c3 = st.columns(3)
                    opts = ["", *types]
                    cond["type"] = c1.selectbox("Request type", opts, index=opts.index(cond.get("type", "")) if
                                                cond.get("type", "") in opts else 0, key=f"ops_rule_type_{rule.id}",
                                                format_func=lambda t: t or "any type", accept_new_options=True)
                    params["operation_id"] = c2.selectbox(
                        "Create the work item in", list(op_names), format_func=op_names.get,
                        index=list(op_names).index(params["operation_id"]) if params.get("operation_id") in op_names
                        else 0, key=f"ops_rule_op_{rule.id}")
                    owners = [None, *people]
                    params["owner_id"] = c3.selectbox(
                        "Owned by", owners, format_func=lambda p: "nobody yet" if p is None else people[p],
                        index=owners.index(params.get("owner_id")) if params.get("owner_id") in owners else 0,
                        key=f"ops_rule_owner_{rule.id}")
                else:
                    params["grace_days"] = st.number_input(
                        "Flag after this many days late", min_value=0, step=1, value=int(params.get("grace_days", 0)),
                        key=f"ops_rule_grace_{rule.id}")
                if st.form_submit_button("Save rule", key=f"ops_rule_save_{rule.id}"):
                    if ui.run(commands.update_rule, rule_id=int(rule.id), expected_version=int(rule.version),
                              active=active, condition=cond, params=params) is not None:
                        ui.flash(f"Rule '{rule.name}' saved ({'on' if active else 'off'})")
    flags = ui.query(views.overdue_flags, today=today)
    st.caption(f"The overdue rule flags {len(flags)} item{'s' if len(flags) != 1 else ''} on the Overview today.")
    if len(flags):
        st.dataframe(views.flags_table(flags), hide_index=True, width="stretch",
                     column_config={"status": "Status", "item": "Item", "why": st.column_config.TextColumn(
                         "Why", width="large")})

with all_tab:
    st.dataframe(data.operations.drop(columns=["id", "active"]), hide_index=True, width="stretch", column_config={
        "operation": "Operation", "team": "Team", "owner": "Owner",
        "goal": st.column_config.TextColumn("Goal", width="medium"), "open_items": "Open items",
        "run_hours": st.column_config.TextColumn("Run hours / week", help="Standing demand + recurring tasks"),
        "oldest_wait": "Oldest wait", "next_due": "Next recurring task"})
