"""Requests: intake, the approver queue and decisions (approve / reject / convert into a project or a work item).

The approval rules live in ``worksmith.operations`` (module docstring, "Approval rules") and are checked by
``check_decision`` before anything is written. Every decision stores who (the acting person), when and why on the
request and adds a sentence to the activity log (besides the field-by-field "update" entry of ``core.update``).
Approving a request also runs the matching "request approved" automation rules, which may turn it into a work item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import operations as ops
from worksmith.errors import ValidationError
from worksmith.services import operations as op_service
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame
from worksmith.views.workspace import is_empty

REQUEST_TYPES = ("IT", "HR", "Finance", "Marketing", "Analytics", "Operations", "general")
# glyphs from ordinary text fonts (no emoji font needed), distinct without colour
STATUS_LABELS = {"submitted": "○ submitted", "approved": "✔ approved", "rejected": "✖ rejected",
                 "converted": "➜ converted"}
PROJECT_STATUSES_ON_CONVERT = ("proposed", "active")


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
    people = op_service._names(session, m.Person)
    goals, opn = op_service._names(session, m.Goal, "title"), op_service.operation_options(session)
    projects = frame(session, m.Project)
    items = frame(session, m.WorkItem)
    proj_names = dict(zip(projects["id"], projects["name"], strict=True))
    proj_status = dict(zip(projects["id"], projects["status"], strict=True))
    item_text = {i: f"{t} ({opn.get(o, '?')}, {s})" for i, t, o, s in
                 zip(items["id"], items["title"], items["operation_id"], items["stage"], strict=True)}
    if df.empty:
        return df.assign(requester="", goal="", operation="", decided_by="", status_label="", age_days=0, outcome="",
                         project="", project_status="")
    df["requester"] = df["requester_id"].map(people).fillna(fmt.DASH)
    df["goal"] = df["goal_id"].map(goals).fillna("— unaligned —")
    df["operation"] = df["operation_id"].map(opn).fillna(fmt.DASH)
    df["decided_by"] = df["decided_by_id"].map(people).fillna("")
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["age_days"] = ops.request_age_days(df["submitted_at"], today).to_numpy()
    df["project"] = df["project_id"].map(proj_names).fillna("")
    df["project_status"] = df["project_id"].map(proj_status).fillna("")
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


def _info(label: str, value: str, delta: str | None, help: str) -> Metric:
    """A metric whose delta is information, not a trend: grey, no arrow."""
    return Metric(label, value, delta, "off", help=help, delta_arrow="off")


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
        _info("Awaiting approval", f"{len(waiting)}",
              f"oldest waits {int(waiting['age_days'].max())} d" if len(waiting) else "queue is empty",
              help="Submitted requests that nobody has approved, rejected or converted yet."),
        _info("Approved, not yet work", f"{int((status == 'approved').sum())}", "convert them into work",
              help="Approved requests still to be converted into a project or a work item."),
        _info("Decided in the last 30 days", f"{len(recent)}",
              f"median {fmt.DASH if median != median else f'{median:.1f}'} d to decide",
              help="Median calendar days between submission and the decision, over all decided requests."),
        _info("Converted into work", f"{len(converted)}",
              f"{_count(converted['project_id'].notna().sum(), 'project')} · "
              f"{_count(converted['work_item_id'].notna().sum(), 'work item')}",
              help="Requests that became a project or a work item in an operation."),
    ]
    return RequestsView(False, metrics, df)


# --- intake ---------------------------------------------------------------------------------------------------


def submit(session: Session, *, requester_id: int | None, type: str, title: str, today: date, actor: Actor,
           description: str = "", estimate_hours: float = 0.0, needed_by: date | None = None,
           goal_id: int | None = None, operation_id: int | None = None, now: datetime | None = None) -> m.Request:
    """Submit a new request (status submitted). Refuses a missing requester, title or type and a past needed-by."""
    if requester_id is None:
        raise ValidationError("Choose who is asking (the requester).", field="requester_id")
    if not (title or "").strip():
        raise ValidationError("Give the request a title that says what is needed.", field="title")
    if not (type or "").strip():
        raise ValidationError("Choose the type of request.", field="type")
    if needed_by is not None and needed_by < today:
        raise ValidationError(f"The needed-by date {fmt.day(needed_by)} is in the past; choose today or later.",
                              field="needed_by")
    row = core.create(session, m.Request, {
        "requester_id": requester_id, "type": type.strip(), "title": title.strip(), "description": description or "",
        "estimate_hours": estimate_hours, "needed_by": needed_by, "goal_id": goal_id, "operation_id": operation_id,
        "status": "submitted", "submitted_at": now or m.utcnow()}, actor=actor)
    return row


# --- decisions ------------------------------------------------------------------------------------------------


def _decide(session: Session, request_id: int, decision: str, reason: str, actor: Actor) -> m.Request:
    request = core.get(session, m.Request, request_id)
    ops.check_decision(request.status, decision, reason=reason, decider_id=actor.id, requester_id=request.requester_id)
    return request


def _record(session: Session, request: m.Request, changes: dict[str, Any], expected_version: int | None,
            actor: Actor, sentence: str, action: str) -> m.Request:
    row = core.update(session, m.Request, request.id, changes, expected_version=expected_version, actor=actor)
    core.log(session, actor, action, m.Request.__tablename__, request.id, sentence)
    return row


def approve(session: Session, *, request_id: int, expected_version: int | None, actor: Actor, reason: str = "",
            now: datetime | None = None) -> m.Request:
    """Approve a submitted request; matching automation rules may then turn it into a work item (status converted)."""
    request = _decide(session, request_id, "approve", reason, actor)
    at = now or m.utcnow()
    why = (reason or "").strip()
    request = _record(session, request, {"status": "approved", "decided_by_id": actor.id, "decided_at": at,
                                         "reason": why}, expected_version, actor,
                      f"{actor.name} approved request '{request.title}'" + (f" — {why}" if why else ""), "approve")
    created = op_service.run_request_rules(session, request=request, actor=actor, now=at)
    if created:
        request = core.update(session, m.Request, request.id, {"status": "converted", "work_item_id": created[0].id},
                              expected_version=None, actor=actor)
    return request


def reject(session: Session, *, request_id: int, reason: str, expected_version: int | None, actor: Actor,
           now: datetime | None = None) -> m.Request:
    """Reject a submitted request; the reason is required (the requester sees it)."""
    request = _decide(session, request_id, "reject", reason, actor)
    why = reason.strip()
    return _record(session, request, {"status": "rejected", "decided_by_id": actor.id,
                                      "decided_at": now or m.utcnow(), "reason": why}, expected_version, actor,
                   f"{actor.name} rejected request '{request.title}' — {why}", "reject")


def _conversion_changes(request: m.Request, actor: Actor, reason: str, now: datetime | None) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": "converted"}
    if request.status == "submitted":  # approved and converted in one step: this person decided
        changes.update(decided_by_id=actor.id, decided_at=now or m.utcnow())
    if (reason or "").strip():
        changes["reason"] = reason.strip()
    return changes


def convert_to_project(session: Session, *, request_id: int, expected_version: int | None, actor: Actor,
                       name: str | None = None, status: str = "proposed", start: date | None = None,
                       manager_id: int | None = None, reason: str = "", now: datetime | None = None) -> m.Project:
    """Turn a submitted or approved request into a proposed or active project linked to the request's goal."""
    request = _decide(session, request_id, "convert", reason, actor)
    if status not in PROJECT_STATUSES_ON_CONVERT:
        raise ValidationError("A request becomes a proposed or an active project.", field="status")
    if status == "active" and start is None:
        raise ValidationError("An active project needs a start date.", field="start")
    manager = session.get(m.Person, manager_id) if manager_id is not None else None
    project = core.create(session, m.Project, {
        "name": (name or request.title).strip(), "goal_id": request.goal_id, "status": status, "start": start,
        "manager_id": manager_id, "team_id": manager.team_id if manager else None,
        "description": f"{request.description}\n\nFrom request #{request.id} '{request.title}' "
                       f"({request.estimate_hours:,.0f} h estimated).".strip()}, actor=actor)
    members = {manager_id: "manager"} if manager_id is not None else {}
    if request.requester_id is not None:
        members.setdefault(request.requester_id, "stakeholder")
    for person_id, role in members.items():
        core.create(session, m.ProjectMember, {"project_id": project.id, "person_id": person_id, "role": role,
                                               "allocation": 100.0 if role == "manager" else 0.0}, actor=actor)
    changes = {**_conversion_changes(request, actor, reason, now), "project_id": project.id}
    _record(session, request, changes, expected_version, actor,
            f"{actor.name} converted request '{request.title}' into the {status} project '{project.name}'"
            + (f" — {reason.strip()}" if (reason or "").strip() else ""), "convert")
    return project


def convert_to_work_item(session: Session, *, request_id: int, expected_version: int | None, actor: Actor,
                         operation_id: int | None = None, owner_id: int | None = None, reason: str = "",
                         now: datetime | None = None) -> m.WorkItem:
    """Turn a submitted or approved request into a work item in an operation (its first stage)."""
    request = _decide(session, request_id, "convert", reason, actor)
    operation_id = operation_id or request.operation_id
    if operation_id is None:
        raise ValidationError("Choose the operation the work item goes to.", field="operation_id")
    item = op_service.create_work_item(session, operation_id=operation_id, title=request.title, owner_id=owner_id,
                                       due=request.needed_by, estimate_hours=float(request.estimate_hours or 0),
                                       request_id=request.id, actor=actor, now=now)
    op = core.get(session, m.Operation, operation_id)
    changes = {**_conversion_changes(request, actor, reason, now), "work_item_id": item.id}
    _record(session, request, changes, expected_version, actor,
            f"{actor.name} converted request '{request.title}' into a work item in {op.name}"
            + (f" — {reason.strip()}" if (reason or "").strip() else ""), "convert")
    return item
