"""Requests: ask for work, decide on requests (approve / reject / convert), and see what became of them."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

from datetime import timedelta

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.commands import requests as commands
from worksmith.ui import shell as ui
from worksmith.ui.comments import subject_updates
from worksmith.views import operations as op_views
from worksmith.views import requests as views

ui.page_setup("Requests", "Ask for work, decide on requests, and see what became of each one.", __file__)
today = ui.today()
data = ui.query(views.view, today=today)
if data.empty_workspace:
    ui.empty_state("This workspace is empty. Add people first (or load the demo): a request needs someone who asks.")
    st.stop()

ui.metric_row(data.metrics)

me = ui.actor()
people, operations = ui.query(op_views.people_options), ui.query(op_views.operation_options)
goals = ui.query(views.goal_options)
df = data.requests
queue = df[df["status"].isin(views.QUEUE_STATUSES)]
now = op_views.moment(today)


def done(result, message: str) -> None:
    if result is not None:
        ui.flash(message)


def request_table(frame: pd.DataFrame) -> None:
    st.dataframe(views.request_table(frame), hide_index=True, width="stretch",
                 column_config={"Outcome": st.column_config.TextColumn(width="large")})


def request_card(r) -> None:
    with st.container(border=True, key=f"req_card_{r.id}"):
        st.markdown(f"**{ui.md(r.title)}** · {r.status_label}")
        decided = (f" · decided by {ui.md(r.decided_by)} on {fmt.day(r.decided_at)}" if r.decided_by else "")
        st.caption(f"{r.type} · {fmt.hours(r.estimate_hours)} · submitted {fmt.day(r.submitted_at)}{decided}"
                   + (f" · why: {ui.md(r.reason)}" if r.reason else ""))
        st.markdown(f"Outcome: {ui.md(r.outcome)}")
        if r.project:
            st.page_link("pages/projects.py", label=f"Open project '{ui.md(r.project)}'", icon=":material/open_in_new:",
                         query_params={"project": r.project})


queue_tab, new_tab, mine_tab, all_tab = st.tabs(
    [f":material/inbox: Approver queue ({len(queue)})", ":material/add_circle: New request",
     ":material/person: My requests", ":material/list: All requests"], key="req_tabs")
with queue_tab:
    if queue.empty:
        st.success("Nothing waits for a decision.", icon=":material/done_all:")
    else:
        request_table(queue)
        titles = dict(zip(queue["id"], queue["title"], strict=True))
        rid = st.selectbox("Decide on", list(titles), format_func=lambda i: f"#{i} {titles[i]}", key="request",
                           bind="query-params")
        r = next(queue[queue["id"] == rid].itertuples())
        with st.container(border=True, key="req_decision"):
            st.markdown(f"#### {ui.md(r.title)} · {r.status_label}\n"
                        f"{ui.md(r.description) if r.description else '*No description.*'}")
            st.caption(f"Asked by {ui.md(r.requester)} · {r.type} · estimate {fmt.hours(r.estimate_hours)} · needed "
                       f"by {fmt.day(r.needed_by)} · goal: {ui.md(r.goal)} · operation: {ui.md(r.operation)} · "
                       f"waiting {r.age_days} d")
            if ui.allowed("approve", "approve, reject or convert requests"):
                if me.id is None:
                    st.warning("Choose yourself under 'Acting as' in the sidebar: every decision records who took it.")
                elif me.id == r.requester_id:
                    st.info("This is your own request: another approver decides on it.")
                reason = st.text_area("Reason (required to reject; the requester sees it)", key=f"req_reason_{rid}")
                ver = int(r.version)
                if r.status == "submitted":
                    c1, c2, _ = st.columns([1, 1, 3])
                    if c1.button("Approve", type="primary", key="req_approve", icon=":material/check:",
                                 width="stretch"):
                        done(ui.run(commands.approve, request_id=rid, reason=reason, expected_version=ver, now=now),
                             f"Approved '{r.title}'")
                    if c2.button("Reject", key="req_reject", icon=":material/close:", width="stretch"):
                        done(ui.run(commands.reject, request_id=rid, reason=reason, expected_version=ver, now=now),
                             f"Rejected '{r.title}'")
                st.markdown("**Convert into work**" + (" (approves it at the same time)" if r.status == "submitted"
                                                        else ""))
                into = st.segmented_control("Into", ["a project", "a work item in an operation"], default="a project",
                                            key="req_convert_into", required=True)
                if into == "a project":
                    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
                    name = c1.text_input("Project name", value=r.title, key=f"req_project_name_{rid}")
                    status = c2.radio("Status", list(views.PROJECT_STATUSES_ON_CONVERT), horizontal=True,
                                      key="req_project_status")
                    start = c3.date_input("Start", value=today, key="req_project_start", format=ui.DATE_INPUT_FORMAT)
                    managers = [None, *people]
                    manager = c4.selectbox("Manager", managers, key="req_project_manager",
                                           format_func=lambda p: "choose later" if p is None else people[p])
                    if st.button("Convert into a project", key="req_convert_project", icon=":material/rocket_launch:"):
                        project = ui.run(commands.convert_to_project, request_id=rid, name=name, status=status,
                                         start=start, manager_id=manager, reason=reason, expected_version=ver, now=now)
                        done(project, f"'{r.title}' is now the {status} project '{name}'")
                elif not operations:
                    st.info("There are no operations yet to take work items.")
                else:
                    ops_ids = list(operations)
                    c1, c2 = st.columns(2)
                    default = ops_ids.index(int(r.operation_id)) if not pd.isna(r.operation_id) else 0
                    op_id = c1.selectbox("Operation", ops_ids, index=default, format_func=operations.get,
                                         key=f"req_item_operation_{rid}")
                    owner = c2.selectbox("Owner", [None, *people], key="req_item_owner",
                                         format_func=lambda p: "nobody yet" if p is None else people[p])
                    if st.button("Convert into a work item", key="req_convert_item", icon=":material/task_alt:"):
                        item = ui.run(commands.convert_to_work_item, request_id=rid, operation_id=op_id, owner_id=owner,
                                      reason=reason, expected_version=ver, now=now)
                        done(item, f"'{r.title}' is now a work item in {operations[op_id]}")
        with st.expander("Updates and questions on this request", icon=":material/forum:"):
            subject_updates("request", int(rid), today, key=f"req_upd_{rid}")

with new_tab:
    with st.form("req_new_form", clear_on_submit=True):
        ids = list(people)
        c1, c2, c3 = st.columns([2, 1, 3])
        requester = c1.selectbox("Requester", ids, format_func=people.get, key=f"req_new_requester_{me.id}",
                                 index=ids.index(me.id) if me.id in ids else None, placeholder="Who is asking?")
        kind = c2.selectbox("Type", ui.query(views.request_types), key="req_new_type", accept_new_options=True)
        title = c3.text_input("Title", key="req_new_title", placeholder="What do you need?")
        description = st.text_area("Description", key="req_new_description", height=90)
        c1, c2, c3, c4 = st.columns(4)
        estimate = c1.number_input("Estimate (hours)", min_value=0.0, step=1.0, key="req_new_estimate")
        needed_by = c2.date_input("Needed by", value=today + timedelta(days=14), key="req_new_needed_by",
                                  format=ui.DATE_INPUT_FORMAT)
        goal = c3.selectbox("Goal", [None, *goals], key="req_new_goal",
                            format_func=lambda g: "— none —" if g is None else goals[g])
        operation = c4.selectbox("Operation", [None, *operations], key="req_new_operation",
                                 format_func=lambda o: "— none —" if o is None else operations[o])
        if st.form_submit_button("Submit request", type="primary", key="req_new_submit"):
            done(ui.run(commands.submit, requester_id=requester, type=kind or "", title=title, description=description,
                        estimate_hours=estimate, needed_by=needed_by, goal_id=goal, operation_id=operation,
                        today=today, now=now), f"Request '{title.strip()}' submitted")

with mine_tab:
    if me.id is None:
        st.info("Choose yourself under 'Acting as' in the sidebar to see your requests.")
    else:
        mine = df[df["requester_id"] == me.id]
        st.caption(f"{me.name}: {len(mine)} request{'s' if len(mine) != 1 else ''}")
        for r in mine.itertuples():
            request_card(r)

with all_tab:
    request_table(df)
