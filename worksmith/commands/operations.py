"""Operations, write side: workflow moves, work items, cases from process templates, checklists and automation
rules.

Each command validates (rules in ``worksmith.domain.operations``), writes through ``worksmith.commands.core``
(activity log, optimistic locking) inside the caller's transaction and raises ``WorksmithError``s a person can act
on. The reads are in ``worksmith.views.operations``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import operations as ops
from worksmith.domain.calendar import check_rule, describe_rule, rule_cadence
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.operations import people_options
from worksmith.views.tables import frame

# --- workflow -------------------------------------------------------------------------------------------------


def move_item(session: Session, *, actor: Actor, item_id: int, to_stage: str, expected_version: int | None,
              now: datetime | None = None) -> m.WorkItem:
    """Move a work item to ``to_stage`` (one step forward or back to any earlier stage), recording the move."""
    item = core.get(session, m.WorkItem, item_id)
    op = core.get(session, m.Operation, item.operation_id)
    ops.check_move(op.stages, item.stage, to_stage)
    from_stage, at = item.stage, now or m.utcnow()
    item = core.update(session, m.WorkItem, item_id, {"stage": to_stage, "stage_entered_at": at},
                       expected_version=expected_version, actor=actor)
    session.add(m.WorkItemMove(item_id=item_id, from_stage=from_stage, to_stage=to_stage, at=at, actor=actor.name))
    core.log(session, actor, "move", m.WorkItem.__tablename__, item_id,
             f"moved '{item.title}' ({op.name}) from {from_stage} to {to_stage}")
    session.flush()
    return item


def create_work_item(session: Session, *, actor: Actor, operation_id: int, title: str, owner_id: int | None,
                     stage: str | None = None, due: date | None = None, estimate_hours: float = 0.0, case: str = "",
                     request_id: int | None = None, now: datetime | None = None) -> m.WorkItem:
    """A new work item in an operation's first stage (or ``stage``), with its first move recorded."""
    op = core.get(session, m.Operation, operation_id)
    stage = stage or op.stages[0]
    if stage not in op.stages:
        raise ValidationError(f"'{stage}' is not a stage of {op.name} ({' → '.join(op.stages)}).", field="stage")
    at = now or m.utcnow()
    item = core.create(session, m.WorkItem, {
        "operation_id": operation_id, "title": title, "stage": stage, "owner_id": owner_id, "created_at": at,
        "stage_entered_at": at, "request_id": request_id, "case": case, "due": due,
        "estimate_hours": estimate_hours}, actor=actor)
    session.add(m.WorkItemMove(item_id=item.id, from_stage=None, to_stage=stage, at=at, actor=actor.name))
    return item


# --- process templates ----------------------------------------------------------------------------------------


def start_case(session: Session, *, actor: Actor, operation_id: int, case: str, start: date,
               now: datetime | None = None) -> list[m.WorkItem]:
    """Instantiate the operation's checklist for a new case: one work item per step, due relative to ``start``."""
    op = core.get(session, m.Operation, operation_id)
    rows = ops.instantiate_checklist(op.checklist or [], case=case, start=start, stage=op.stages[0])
    existing = frame(session, m.WorkItem, m.WorkItem.operation_id == operation_id, m.WorkItem.case == rows[0]["case"])
    if len(existing):
        raise ValidationError(f"{op.name} already has a case '{rows[0]['case']}' ({len(existing)} items); give the "
                              "new case another name.", field="case")
    created = [create_work_item(session, operation_id=operation_id, actor=actor, now=now, **row) for row in rows]
    core.log(session, actor, "start case", m.Operation.__tablename__, operation_id,
             f"started case '{rows[0]['case']}' in {op.name} from its checklist: {len(created)} items, "
             f"first due {min(r['due'] for r in rows):%d %b %Y}")
    return created


def update_checklist(session: Session, *, actor: Actor, operation_id: int, checklist: list[dict[str, Any]],
                     expected_version: int | None) -> m.Operation:
    """Replace the operation's process template (validated; assignees must exist)."""
    clean = ops.validate_checklist(checklist)
    people = people_options(session)
    for n, row in enumerate(clean, start=1):
        if row["assignee_id"] is not None and row["assignee_id"] not in people:
            raise ValidationError(f"Checklist row {n} '{row['name']}': unknown person {row['assignee_id']}.", row=n)
    return core.update(session, m.Operation, operation_id, {"checklist": clean}, expected_version=expected_version,
                       actor=actor)


# --- automation -----------------------------------------------------------------------------------------------


def update_rule(session: Session, *, actor: Actor, rule_id: int, expected_version: int | None,
                active: bool | None = None, condition: dict[str, Any] | None = None,
                params: dict[str, Any] | None = None) -> m.AutomationRule:
    """Switch a rule on/off and/or change its condition and params (validated; referenced rows must exist)."""
    rule = core.get(session, m.AutomationRule, rule_id)
    condition = {k: v for k, v in (rule.condition if condition is None else condition).items() if v not in ("", None)}
    params = {k: v for k, v in (rule.params if params is None else params).items() if v not in ("", None)}
    ops.validate_rule(rule.trigger, condition, rule.action, params)
    if rule.action == "create_work_item":
        op = session.get(m.Operation, params["operation_id"])
        if op is None:
            raise ValidationError(f"Unknown operation {params['operation_id']} for the rule.", field="params")
        if params.get("owner_id") is not None and session.get(m.Person, params["owner_id"]) is None:
            raise ValidationError(f"Unknown person {params['owner_id']} as the work item's owner.", field="params")
        if params.get("stage") and params["stage"] not in op.stages:
            raise ValidationError(f"'{params['stage']}' is not a stage of {op.name}.", field="params")
    changes: dict[str, Any] = {"condition": condition, "params": params}
    if active is not None:
        changes["active"] = bool(active)
    return core.update(session, m.AutomationRule, rule_id, changes, expected_version=expected_version, actor=actor)


def run_request_rules(session: Session, *, actor: Actor, request: m.Request,
                      now: datetime | None = None) -> list[m.WorkItem]:
    """Run the active 'request approved' rules matching ``request``: each creates a work item linked to it."""
    found = ops.matching_rules(frame(session, m.AutomationRule).to_dict("records"), "request_approved",
                               {"type": request.type})
    created = []
    for rule in found:
        params = rule["params"] or {}
        item = create_work_item(session, operation_id=int(params["operation_id"]), title=request.title,
                                owner_id=params.get("owner_id"), stage=params.get("stage"), due=request.needed_by,
                                estimate_hours=float(request.estimate_hours or 0), request_id=request.id,
                                actor=actor, now=now)
        core.log(session, actor, "automation", m.AutomationRule.__tablename__, int(rule["id"]),
                 f"rule '{rule['name']}' turned request '{request.title}' into work item #{item.id}")
        created.append(item)
    return created


def set_recurrence(session: Session, *, actor: Actor, recurring_task_id: int, rule: str,
                   expected_version: int | None) -> m.RecurringTask:
    """Store a recurring task's RFC 5545 rule (from the picker); its cadence follows the rule (for hours per week).

    The rule must be one the picker offers or alike: repeating weekly, monthly or quarterly, once per period, and
    occurring from the task's first due date on (``calendar.check_rule``).
    """
    row = core.get(session, m.RecurringTask, recurring_task_id)
    text = check_rule(rule, row.anchor)
    cadence = rule_cadence(text)
    if cadence is None:
        raise ValidationError(f"'{describe_rule(text)}' repeats more than once per week or month: choose weekly, "
                              "monthly or quarterly (one date per period).", field="rrule")
    return core.update(session, m.RecurringTask, recurring_task_id, {"rrule": text, "cadence": cadence},
                       expected_version=expected_version, actor=actor)
