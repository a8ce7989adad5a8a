"""Requests, read side: every request with what became of it, the Requests page's metrics and the pickers' options.

The decisions (approve / reject / convert) and the intake are in ``worksmith.commands.requests``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import operations as ops
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.operations import UNALIGNED, info, names, operation_options
from worksmith.views.tables import frame
from worksmith.views.workspace import is_empty

REQUEST_TYPES = ("IT", "HR", "Finance", "Marketing", "Analytics", "Operations", "general")
# glyphs from ordinary text fonts (no emoji font needed), distinct without colour
STATUS_LABELS = {"submitted": "○ submitted", "approved": "✔ approved", "rejected": "✖ rejected",
                 "converted": "➜ converted"}
PROJECT_STATUSES_ON_CONVERT = ("proposed", "active")
QUEUE_STATUSES = ops.OPEN_REQUEST_STATUSES  # what the approver queue lists: submitted or approved


def request_types(session: Session) -> list[str]:
    """The usual request types plus any other type already used."""
    used = frame(session, m.Request)["type"].dropna().astype(str).tolist()
    return list(dict.fromkeys([*REQUEST_TYPES, *sorted(set(used) - set(REQUEST_TYPES))]))


def goal_options(session: Session) -> dict[int, str]:
    """Goals that are not archived, by id, for pickers."""
    df = frame(session, m.Goal, m.Goal.archived.is_(False))
    return dict(zip(df["id"].astype(int), df["title"], strict=True))


def requests_frame(session: Session, *, today: date) -> pd.DataFrame:
    """Every request with the names behind its ids, its age, a status label and what it became (``outcome``)."""
    df = frame(session, m.Request, order_by=[m.Request.submitted_at.desc(), m.Request.id.desc()])
    people = names(session, m.Person)
    goals, opn = names(session, m.Goal, "title"), operation_options(session)
    projects = frame(session, m.Project)
    items = frame(session, m.WorkItem)
    proj_names = dict(zip(projects["id"], projects["name"], strict=True))
    proj_status = dict(zip(projects["id"], projects["status"], strict=True))
    item_text = {i: f"{t} ({opn.get(o, '?')}, {s})" for i, t, o, s in
                 zip(items["id"], items["title"], items["operation_id"], items["stage"], strict=True)}
    if df.empty:
        return df.assign(requester="", goal="", operation="", decided_by="", status_label="", age_days=0, outcome="",
                         project="", project_status="")
    df["requester"] = df["requester_id"].map(people).astype(object).fillna(fmt.DASH)
    df["goal"] = df["goal_id"].map(goals).astype(object).fillna(UNALIGNED)
    df["operation"] = df["operation_id"].map(opn).astype(object).fillna(fmt.DASH)
    df["decided_by"] = df["decided_by_id"].map(people).astype(object).fillna("")
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["age_days"] = ops.request_age_days(df["submitted_at"], today).to_numpy()
    df["project"] = df["project_id"].map(proj_names).astype(object).fillna("")
    df["project_status"] = df["project_id"].map(proj_status).astype(object).fillna("")
    outcome = []
    for r in df.itertuples():
        if r.project:
            outcome.append(f"project '{r.project}' ({r.project_status})")
        elif not pd.isna(r.work_item_id) and r.work_item_id in item_text:
            outcome.append(f"work item '{item_text[r.work_item_id]}'")
        elif r.status == "rejected":
            outcome.append(f"rejected: {r.reason}")
        elif r.status == "approved":
            outcome.append("approved, waiting to be converted into work")
        else:
            outcome.append(f"waiting for a decision ({r.age_days} d)")
    df["outcome"] = outcome
    return df


@dataclass
class RequestsView:
    empty_workspace: bool
    metrics: list[Metric] = field(default_factory=list)
    requests: pd.DataFrame = field(default_factory=pd.DataFrame)


def _count(n: int, noun: str) -> str:
    return f"{int(n)} {noun}{'' if int(n) == 1 else 's'}"


def view(session: Session, *, today: date) -> RequestsView:
    """The Requests page: metrics and every request (see :func:`requests_frame`)."""
    if is_empty(session):
        return RequestsView(empty_workspace=True)
    df = requests_frame(session, today=today)
    status = df["status"] if len(df) else pd.Series(dtype=str)
    waiting = df[status == "submitted"]
    decided = df[df["decided_at"].notna()] if len(df) else df
    recent = decided[[(today - d.date()).days < 30 for d in pd.to_datetime(decided["decided_at"], utc=True)]]
    turnaround = [(b - a).total_seconds() / 86400 for a, b in zip(
        pd.to_datetime(decided["submitted_at"], utc=True), pd.to_datetime(decided["decided_at"], utc=True),
        strict=True)]
    median = ops.median_or_nan(turnaround)
    converted = df[status == "converted"]
    metrics = [
        info("Awaiting approval", f"{len(waiting)}",
             f"oldest waits {int(waiting['age_days'].max())} d" if len(waiting) else "queue is empty",
             help="Submitted requests that nobody has approved, rejected or converted yet."),
        info("Approved, not yet work", f"{int((status == 'approved').sum())}", "convert them into work",
             help="Approved requests still to be converted into a project or a work item."),
        info("Decided in the last 30 days", f"{len(recent)}",
             f"median {fmt.DASH if median != median else f'{median:.1f}'} d to decide",
             help="Median calendar days between submission and the decision, over all decided requests."),
        info("Converted into work", f"{len(converted)}",
             f"{_count(converted['project_id'].notna().sum(), 'project')} · "
             f"{_count(converted['work_item_id'].notna().sum(), 'work item')}",
             help="Requests that became a project or a work item in an operation."),
    ]
    return RequestsView(False, metrics, df)


def request_table(requests: pd.DataFrame) -> pd.DataFrame:
    """Requests (rows of :func:`requests_frame`) as the page's tables show them."""
    r = requests
    return pd.DataFrame({
        "Status": r["status_label"], "Request": r["title"], "Type": r["type"], "Requester": r["requester"],
        "Estimate": [fmt.hours(h) for h in r["estimate_hours"]], "Needed by": [fmt.day(x) for x in r["needed_by"]],
        "Goal": r["goal"], "Waiting": [f"{n} d" for n in r["age_days"]], "Outcome": r["outcome"]})
