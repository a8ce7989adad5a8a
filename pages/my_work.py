"""My work: what is mine today — tasks across projects and recurring operations work, by when it is due."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith import fmt
from worksmith.commands import comments as cc
from worksmith.commands import my_work as cmw
from worksmith.commands import project_plan as cpp
from worksmith.ui import shell as ui
from worksmith.ui.comments import now_on
from worksmith.views import my_work as views
from worksmith.views.metric import Metric

ui.page_setup("My work", "What is yours: overdue, this week, next week and later, across projects and operations; "
              "update progress without opening each project.", __file__)
today = ui.today()
me = ui.person_or_stop("your work")
work = ui.query(views.my_work, person_id=me.id, today=today)
if work is None:
    st.stop()
st.markdown(f"**{ui.md(work.summary)}**")
ui.metric_row([Metric(b.capitalize(), str(work.counts[b])) for b in views.BUCKETS]
              + [Metric("Planned this week", fmt.hours(work.planned_hours), f"of {fmt.hours(work.capacity_hours)}",
                              "inverse" if work.planned_hours > work.capacity_hours else "off", "off")])


def done(result, message: str) -> None:
    if result is not None:
        ui.flash(message)


def task_actions(r) -> None:
    c1, c2, c3, c4 = st.columns([3, 1, 2, 2], vertical_alignment="bottom")
    pct = c1.slider("% complete", 0, 100, int(r.percent_complete), 5, key=f"mw_pct_{r.id}")
    if c2.button("Set", key=f"mw_set_{r.id}", disabled=pct == int(r.percent_complete)):
        done(ui.run(cmw.set_progress, task_id=int(r.id), percent_complete=float(pct), expected_version=int(r.version)),
             f"'{r.name}' at {pct} %")
    if r.next_status and c3.button(f"Move to {r.next_status}", key=f"mw_next_{r.id}", icon=":material/arrow_forward:"):
        done(ui.run(cpp.move_task, task_id=int(r.id), status=r.next_status, expected_version=int(r.version)),
             f"'{r.name}' moved to {r.next_status}")
    if c4.button("Mark done", key=f"mw_done_{r.id}", icon=":material/check:", type="primary"):
        done(ui.run(cpp.move_task, task_id=int(r.id), status="done", expected_version=int(r.version)),
             f"'{r.name}' done")
    with st.popover("Post an update", icon=":material/forum:"):
        text = st.text_area("Update", key=f"mw_update_text_{r.id}")
        if st.button("Post", key=f"mw_update_{r.id}", type="primary"):
            done(ui.run(cc.post, subject="task", subject_id=int(r.id), body=text, now=now_on(today)),
                 f"Update posted on '{r.name}'")


for bucket in views.BUCKETS:
    rows = work.items[work.items["bucket"] == bucket]
    st.subheader(f"{bucket.capitalize()} ({len(rows)})")
    if rows.empty:
        st.caption("Nothing here.")
    for r in rows.itertuples():
        with st.container(border=True, key=f"mw_{r.kind.replace(' ', '_')}_{r.id}"):
            crit = " · :red-badge[critical]" if r.critical else ""
            where = "project" if r.kind == "task" else "operation"
            st.markdown(f"**{ui.md(r.name)}** · {r.kind} · {where} {ui.md(r.project)} · due {fmt.day(r.due)}{crit}")
            if r.kind == "task":
                st.caption(f"{r.status} · {fmt.percent(r.percent_complete / 100)} complete · "
                           f"{fmt.hours(r.hours)} left")
                task_actions(r)
                st.page_link("pages/projects.py", label="Open in its project", icon=":material/open_in_new:",
                             query_params={"project": r.project, "tab": "Board"})
            else:
                st.caption(f"{fmt.hours(r.hours)}" + (f" · stage {r.status}" if r.status else ""))
                st.page_link("pages/operations.py", label="Open the operation", icon=":material/open_in_new:",
                             query_params={"operation": str(r.project_id)})
