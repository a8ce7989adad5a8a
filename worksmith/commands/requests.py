"""Requests, write side: intake and decisions (approve / reject / convert into a project or a work item).

The approval rules live in ``worksmith.domain.operations`` (module docstring, "Approval rules") and are checked by
``check_decision`` before anything is written. Every decision stores who (the acting person), when and why on the
request and adds a sentence to the activity log (besides the field-by-field "update" entry of ``core.update``).
Approving a request also runs the matching "request approved" automation rules, which may turn it into a work item.
The reads are in ``worksmith.views.requests``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import access, core
from worksmith.commands import operations as op_commands
from worksmith.commands.core import Actor
from worksmith.domain import operations as ops
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.values import is_blank
from worksmith.views.plans import project_calendar
from worksmith.views.requests import PROJECT_STATUSES_ON_CONVERT

HOURS_PER_DAY = 8  # a placeholder task's duration: its estimate over one person's working day

# --- intake ---------------------------------------------------------------------------------------------------


def submit(session: Session, *, actor: Actor, requester_id: int | None, type: str, title: str, today: date,
           description: str = "", estimate_hours: float = 0.0, needed_by: date | None = None,
           goal_id: int | None = None, operation_id: int | None = None, now: datetime | None = None) -> m.Request:
    """Submit a new request (status submitted). Refuses a missing requester, title or type and a past needed-by."""
    if requester_id is None:
        raise ValidationError("Choose who is asking (the requester).", field="requester_id")
    if is_blank(title):
        raise ValidationError("Give the request a title that says what is needed.", field="title")
    if is_blank(type):
        raise ValidationError("Choose the type of request.", field="type")
    if needed_by is not None and needed_by < today:
        raise ValidationError(f"The needed-by date {fmt.day(needed_by)} is in the past; choose today or later.",
                              field="needed_by")
    return core.create(session, m.Request, {
        "requester_id": requester_id, "type": type.strip(), "title": title.strip(), "description": description or "",
        "estimate_hours": estimate_hours, "needed_by": needed_by, "goal_id": goal_id, "operation_id": operation_id,
        "status": "submitted", "submitted_at": now or m.utcnow()}, actor=actor)


# --- decisions ------------------------------------------------------------------------------------------------


def _why(reason: str | None) -> str:
    """The reason as stored and quoted: trimmed, '' when none was given."""
    return "" if is_blank(reason) else reason.strip()


def _decide(session: Session, request_id: int, decision: str, reason: str, actor: Actor) -> m.Request:
    access.require(actor, "approve", f"{decision} requests")
    request = core.get(session, m.Request, request_id)
    ops.check_decision(request.status, decision, reason=reason, decider_id=actor.id, requester_id=request.requester_id)
    return request


def _record(session: Session, request: m.Request, changes: dict[str, Any], expected_version: int | None,
            actor: Actor, sentence: str, action: str) -> m.Request:
    row = core.update(session, m.Request, request.id, changes, expected_version=expected_version, actor=actor)
    core.log(session, actor, action, m.Request.__tablename__, request.id, sentence)
    return row


def approve(session: Session, *, actor: Actor, request_id: int, expected_version: int | None, reason: str = "",
            now: datetime | None = None) -> m.Request:
    """Approve a submitted request; matching automation rules may then turn it into a work item (status converted)."""
    request = _decide(session, request_id, "approve", reason, actor)
    at = now or m.utcnow()
    why = _why(reason)
    request = _record(session, request, {"status": "approved", "decided_by_id": actor.id, "decided_at": at,
                                         "reason": why}, expected_version, actor,
                      f"{actor.name} approved request '{request.title}'" + (f" — {why}" if why else ""), "approve")
    created = op_commands.run_request_rules(session, request=request, actor=actor, now=at)
    if created:
        request = core.update(session, m.Request, request.id, {"status": "converted", "work_item_id": created[0].id},
                              expected_version=None, actor=actor)
    return request


def reject(session: Session, *, actor: Actor, request_id: int, reason: str, expected_version: int | None,
           now: datetime | None = None) -> m.Request:
    """Reject a submitted request; the reason is required (the requester sees it)."""
    request = _decide(session, request_id, "reject", reason, actor)
    why = reason.strip()
    return _record(session, request, {"status": "rejected", "decided_by_id": actor.id,
                                      "decided_at": now or m.utcnow(), "reason": why}, expected_version, actor,
                   f"{actor.name} rejected request '{request.title}' — {why}", "reject")


def _record_conversion(session: Session, request: m.Request, link: dict[str, int], into: str, *, actor: Actor,
                       reason: str, expected_version: int | None, now: datetime | None) -> None:
    """Mark the request converted ``into`` what ``link`` points at (project or work item) and log the sentence."""
    changes: dict[str, Any] = {"status": "converted", **link}
    if request.status == "submitted":  # approved and converted in one step: this person decided
        changes.update(decided_by_id=actor.id, decided_at=now or m.utcnow())
    why = _why(reason)
    if why:
        changes["reason"] = why
    _record(session, request, changes, expected_version, actor,
            f"{actor.name} converted request '{request.title}' into {into}" + (f" — {why}" if why else ""), "convert")


def placeholder_days(estimate_hours: float) -> int:
    """Working days of the placeholder task: ``ceil(estimate / 8)``, at least 1."""
    return max(1, math.ceil(float(estimate_hours or 0) / HOURS_PER_DAY))


def convert_to_project(session: Session, *, actor: Actor, request_id: int, expected_version: int | None,
                       name: str | None = None, status: str = "proposed", start: date | None = None,
                       manager_id: int | None = None, reason: str = "", now: datetime | None = None) -> m.Project:
    """Turn a submitted or approved request into a proposed or active project linked to the request's goal.

    The request's demand is not lost: its needed-by date becomes the project's target end (when it is not before
    the start), and its estimate a placeholder task — the estimate's hours, assigned to nobody, ``ceil(hours / 8)``
    working days from the start (today when there is none) — so that workload sees the demand. The project is
    "not planned" (no budget yet) until someone plans it; its health lists the next steps.
    """
    request = _decide(session, request_id, "convert", reason, actor)
    if status not in PROJECT_STATUSES_ON_CONVERT:
        raise ValidationError("A request becomes a proposed or an active project.", field="status")
    if status == "active" and start is None:
        raise ValidationError("An active project needs a start date.", field="start")
    manager = session.get(m.Person, manager_id) if manager_id is not None else None
    needed_by = request.needed_by
    target = needed_by if needed_by is not None and (start is None or needed_by >= start) else None
    project = core.create(session, m.Project, {
        "name": (name or request.title).strip(), "goal_id": request.goal_id, "status": status, "start": start,
        "target_end": target, "manager_id": manager_id, "team_id": manager.team_id if manager else None,
        "description": f"{request.description}\n\nFrom request #{request.id} '{request.title}' "
                       f"({request.estimate_hours:,.0f} h estimated).".strip()}, actor=actor)
    members = {manager_id: "manager"} if manager_id is not None else {}
    if request.requester_id is not None:
        members.setdefault(request.requester_id, "stakeholder")
    for person_id, role in members.items():
        core.create(session, m.ProjectMember, {"project_id": project.id, "person_id": person_id, "role": role,
                                               "allocation": 100.0 if role == "manager" else 0.0}, actor=actor)
    hours = float(request.estimate_hours or 0)
    if hours > 0:
        days = placeholder_days(hours)
        cal = project_calendar(session, project.id)
        first = cal.next_working(start or (now or m.utcnow()).date())
        core.create(session, m.Task, {
            "project_id": project.id, "ref": 1, "name": f"Placeholder: {request.title.strip()}"[:200],
            "assignee_id": None, "duration_days": days, "estimate_hours": hours, "start_date": first,
            "finish_date": cal.add_working_days(first, days - 1), "position": 0}, actor=actor)
    _record_conversion(session, request, {"project_id": project.id}, f"the {status} project '{project.name}'",
                       actor=actor, reason=reason, expected_version=expected_version, now=now)
    return project


def convert_to_work_item(session: Session, *, actor: Actor, request_id: int, expected_version: int | None,
                         operation_id: int | None = None, owner_id: int | None = None, reason: str = "",
                         now: datetime | None = None) -> m.WorkItem:
    """Turn a submitted or approved request into a work item in an operation (its first stage)."""
    request = _decide(session, request_id, "convert", reason, actor)
    operation_id = operation_id or request.operation_id
    if operation_id is None:
        raise ValidationError("Choose the operation the work item goes to.", field="operation_id")
    item = op_commands.create_work_item(session, operation_id=operation_id, title=request.title, owner_id=owner_id,
                                        due=request.needed_by, estimate_hours=float(request.estimate_hours or 0),
                                        request_id=request.id, actor=actor, now=now)
    op = core.get(session, m.Operation, operation_id)
    _record_conversion(session, request, {"work_item_id": item.id}, f"a work item in {op.name}",
                       actor=actor, reason=reason, expected_version=expected_version, now=now)
    return item
