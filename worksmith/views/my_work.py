""""My work": one person's tasks across projects and their recurring operations work, by when it is due.

Buckets by due date (a task's scheduled finish, a recurring task's next occurrence, a work item's due date):
**overdue** (before today), **this week** (today to Sunday), **next week**, **later** (or no date). Done tasks and
tasks of projects that are not live (proposed, done, cancelled) are left out.

**Hours planned this week** against **capacity** are the workload engine's figures for the person's cell of this
ISO week (see ``worksmith.domain.workload``), computed on the person's team only: operation demand is shared among
a team's active people, so the team is all the engine needs for one person's load.

The summary line: "3 due this week (1 critical), 1 overdue, 2 approvals waiting; 34 h planned of 32 h".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.operations import next_due
from worksmith.store import models as m
from worksmith.views import project_plan as vpp
from worksmith.views.inbox import LIVE_PROJECTS, approval_items
from worksmith.views.tables import frame
from worksmith.views.workload_data import compute_workload, workload_inputs

BUCKETS = ("overdue", "this week", "next week", "later")
COLUMNS = ["kind", "id", "name", "project", "project_id", "due", "bucket", "critical", "percent_complete", "status",
           "next_status", "version", "hours"]


@dataclass
class MyWork:
    person_id: int
    name: str
    items: pd.DataFrame  # COLUMNS; kind 'task' | 'recurring' | 'work item'
    planned_hours: float = 0.0
    capacity_hours: float = 0.0
    approvals: int = 0
    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def bucket_of(due: date | None, today: date) -> str:
    """'overdue' / 'this week' / 'next week' / 'later' for a due date (None: later)."""
    if due is None or pd.isna(due):
        return "later"
    sunday = today + timedelta(days=6 - today.weekday())
    if due < today:
        return "overdue"
    if due <= sunday:
        return "this week"
    return "next week" if due <= sunday + timedelta(days=7) else "later"


def next_column(status: str) -> str | None:
    """The board column after ``status`` (None from the last one)."""
    cols = [s for s in vpp.BOARD_STATUSES if s != "blocked"]
    return cols[cols.index(status) + 1] if status in cols and cols.index(status) + 1 < len(cols) else \
        ("in progress" if status == "blocked" else None)


def summary_line(items: pd.DataFrame, approvals: int, planned: float, capacity: float) -> str:
    week = items[items["bucket"] == "this week"]
    crit = int(week["critical"].astype(bool).sum())
    overdue = int((items["bucket"] == "overdue").sum())
    return (f"{len(week)} due this week" + (f" ({crit} critical)" if crit else "") + f", {overdue} overdue, "
            f"{approvals} approval{'s' * (approvals != 1)} waiting; {fmt.hours(planned)} planned of "
            f"{fmt.hours(capacity)}")


def _week_load(session: Session, person: m.Person, today: date) -> tuple[float, float]:
    if person.team_id is not None:
        inputs = workload_inputs(session, team_id=person.team_id)
    else:  # no team: no operation demand reaches the person; their own tasks and recurring work only
        everyone = workload_inputs(session)
        inputs = replace(everyone, people=everyone.people[everyone.people["id"] == person.id],
                         operations=everyone.operations.iloc[0:0])
    wl = compute_workload(inputs, start=today, weeks=1, today=today, cells_only=True)
    cell = wl.cells[wl.cells["person_id"] == person.id]
    return (float(cell["load"].sum()), float(cell["capacity"].sum())) if len(cell) else (0.0, 0.0)


def my_work(session: Session, *, person_id: int, today: date) -> MyWork | None:
    """The person's work, bucketed, with this week's planned hours and capacity (None for an unknown person)."""
    person = session.get(m.Person, person_id)
    if person is None:
        return None
    t, p = m.Task, m.Project
    rows = []
    for r in session.exec(select(t.id, t.name, t.finish_date, t.critical, t.percent_complete, t.status, t.version,
                                 t.estimate_hours, t.project_id, p.name.label("project"))
                          .join(p, p.id == t.project_id)
                          .where(t.assignee_id == person_id, t.status != "done", p.status.in_(LIVE_PROJECTS))
                          .order_by(t.finish_date, t.id)).all():
        rows.append({"kind": "task", "id": r.id, "name": r.name, "project": r.project, "project_id": r.project_id,
                     "due": r.finish_date, "critical": bool(r.critical), "percent_complete": float(r.percent_complete),
                     "status": r.status, "next_status": next_column(r.status), "version": r.version,
                     "hours": float(r.estimate_hours) * (1 - float(r.percent_complete) / 100)})
    ops = dict(session.exec(select(m.Operation.id, m.Operation.name).where(m.Operation.active.is_(True))).all())
    for rec in frame(session, m.RecurringTask, m.RecurringTask.assignee_id == person_id).itertuples():
        if rec.operation_id in ops:
            rows.append({"kind": "recurring", "id": rec.id, "name": f"{rec.name} ({rec.cadence})",
                         "project": ops[rec.operation_id], "project_id": rec.operation_id,
                         "due": next_due(rec.cadence, rec.anchor, today), "critical": False,
                         "percent_complete": 0.0, "status": "", "next_status": None, "version": rec.version,
                         "hours": float(rec.hours)})
    finals = {o.id: (o.stages[-1] if o.stages else None) for o in session.exec(select(m.Operation)).scalars()}
    for item in frame(session, m.WorkItem, m.WorkItem.owner_id == person_id).itertuples():
        if item.operation_id in ops and item.stage != finals.get(item.operation_id):
            rows.append({"kind": "work item", "id": item.id, "name": item.title, "project": ops[item.operation_id],
                         "project_id": item.operation_id, "due": None if pd.isna(item.due) else item.due,
                         "critical": False, "percent_complete": 0.0, "status": item.stage, "next_status": None,
                         "version": item.version, "hours": float(item.estimate_hours)})
    items = pd.DataFrame(rows, columns=COLUMNS)
    items["bucket"] = [bucket_of(d, today) for d in items["due"]]
    order = {b: i for i, b in enumerate(BUCKETS)}
    items = items.assign(_o=items["bucket"].map(order), _d=items["due"].map(lambda d: d or date.max)) \
        .sort_values(["_o", "_d", "name"], kind="stable").drop(columns=["_o", "_d"]).reset_index(drop=True)
    planned, capacity = _week_load(session, person, today)
    approvals = len(approval_items(session, person_id, today))
    return MyWork(person_id, person.name, items, planned, capacity, approvals,
                  summary_line(items, approvals, planned, capacity),
                  {b: int((items["bucket"] == b).sum()) for b in BUCKETS})
