"""The Goals page's writes: goals, key results, check-ins, weights, archive/restore, aligning work, approving a
candidate initiative.

Each command is one transaction (the caller's session) written through ``worksmith.commands.core`` (audit row,
optimistic locking by ``expected_version``), takes keyword-only arguments ``cmd(session, *, actor, ...)`` and raises
``WorksmithError`` with a sentence a person can act on. The reads are ``views.goals`` and ``views.initiatives``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlmodel import Session, select

from worksmith import fmt
from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.store import models as m

GOAL_FIELDS = ("title", "description", "owner_id", "team_id", "parent_id", "period_start", "period_end", "weight")
KR_FIELDS = ("title", "start_value", "target_value", "unit", "direction", "weight")


def _clean(data: dict[str, Any], allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(f"{what} has no field {', '.join(unknown)}.", field=unknown[0])
    out = dict(data)
    if isinstance(out.get("title"), str):
        out["title"] = out["title"].strip()
    return out


def _live_goal(session: Session, goal_id: int | None, field_name: str, what: str) -> m.Goal | None:
    if goal_id is None:
        return None
    goal = session.get(m.Goal, goal_id)
    if goal is None:
        raise ValidationError(f"{what} not saved — {field_name.removesuffix('_id')} goal {goal_id} does not exist.",
                              field=field_name)
    if goal.archived:
        raise ValidationError(f"{what} not saved — goal '{goal.title}' is archived; restore it first or choose "
                              "another.", field=field_name)
    return goal


def _check_period(start: Any, end: Any) -> None:
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise ValidationError(f"Goal not saved — period end ({end:%d %b %Y}) is before period start "
                              f"({start:%d %b %Y}).", field="period_end")


def create_goal(session: Session, *, actor: Actor, **data: Any) -> int:
    """Create a goal from ``title, period_start, period_end`` and optional ``description, owner_id, team_id,
    parent_id, weight``; the parent must be an active goal. Returns the new id."""
    values = _clean(data, GOAL_FIELDS, "A goal")
    if not values.get("title"):
        raise ValidationError("Goal not saved — title: give the goal a title.", field="title")
    _check_period(values.get("period_start"), values.get("period_end"))
    _live_goal(session, values.get("parent_id"), "parent_id", "Goal")
    return int(core.create(session, m.Goal, values, actor=actor).id)


def update_goal(session: Session, *, actor: Actor, goal_id: int, changes: dict[str, Any],
                expected_version: int) -> int:
    """Edit a goal; a parent may not be the goal itself, one of its descendants or an archived goal."""
    changes = _clean(changes, GOAL_FIELDS, "A goal")
    goal = core.get(session, m.Goal, goal_id)
    _check_period(changes.get("period_start", goal.period_start), changes.get("period_end", goal.period_end))
    parent_id = changes.get("parent_id", goal.parent_id)
    if "parent_id" in changes and parent_id is not None:
        parent = _live_goal(session, parent_id, "parent_id", "Goal")
        seen, node = set(), parent
        while node is not None and node.id not in seen:
            if node.id == goal_id:
                raise ValidationError(f"Goal not saved — parent: '{parent.title}' is '{goal.title}' itself or one "
                                      "of its sub-goals, which would make a loop. Choose another parent.",
                                      field="parent_id")
            seen.add(node.id)
            node = session.get(m.Goal, node.parent_id) if node.parent_id is not None else None
    return int(core.update(session, m.Goal, goal_id, changes, expected_version=expected_version, actor=actor).version)


def archive_goal(session: Session, *, actor: Actor, goal_id: int, expected_version: int) -> list[str]:
    """Archive a goal and its sub-goals (they leave the tree and the roll-up); returns the archived titles."""
    goal = core.get(session, m.Goal, goal_id)
    if goal.archived:
        raise ValidationError(f"Goal '{goal.title}' is already archived.", field="archived")
    core.update(session, m.Goal, goal_id, {"archived": True}, expected_version=expected_version, actor=actor)
    done = [goal.title]
    children = session.exec(select(m.Goal).where(m.Goal.parent_id == goal_id, m.Goal.archived.is_(False))).all()
    for child in children:
        done += archive_goal(session, goal_id=child.id, expected_version=child.version, actor=actor)
    return done


def restore_goal(session: Session, *, actor: Actor, goal_id: int, expected_version: int) -> int:
    """Bring an archived goal back into the tree (its sub-goals stay archived until restored themselves)."""
    goal = core.get(session, m.Goal, goal_id)
    if not goal.archived:
        raise ValidationError(f"Goal '{goal.title}' is not archived.", field="archived")
    core.update(session, m.Goal, goal_id, {"archived": False}, expected_version=expected_version, actor=actor)
    return goal_id


def _check_direction(values: dict[str, Any], what: str) -> None:
    start, target, direction = values["start_value"], values["target_value"], values.get("direction", "up")
    if start is None or target is None or not (math.isfinite(start) and math.isfinite(target)) or start == target:
        return
    implied = "up" if target > start else "down"
    if direction in ("up", "down") and implied != direction:
        word = "higher" if direction == "up" else "lower"
        side = "below" if implied == "down" else "above"
        raise ValidationError(
            f"{what} not saved — direction: '{direction}' means {word} is better, but the target ({target:g}) is "
            f"{side} the start ({start:g}). Choose '{implied}' or swap start and target.", field="direction")


def create_key_result(session: Session, *, actor: Actor, goal_id: int, **data: Any) -> int:
    """Add a key result (``title, start_value, target_value`` and optional ``unit, direction, weight``) to an active
    goal; it starts at its start value. Returns the new id."""
    values = _clean(data, KR_FIELDS, "A key result")
    _live_goal(session, goal_id, "goal_id", "Key result")
    values = core.validate(m.KeyResult, {"goal_id": goal_id, "current_value": values.get("start_value", 0.0),
                                         **values})
    _check_direction(values, "Key result")
    return int(core.create(session, m.KeyResult, values, actor=actor).id)


def update_key_result(session: Session, *, actor: Actor, key_result_id: int, changes: dict[str, Any],
                      expected_version: int) -> int:
    """Edit a key result's definition (its current value changes only through check-ins)."""
    changes = _clean(changes, KR_FIELDS, "A key result")
    kr = core.get(session, m.KeyResult, key_result_id)
    merged = core.validate(m.KeyResult, {**kr.model_dump(exclude={"id", "version"}), **changes})
    _check_direction(merged, "Key result")
    core.update(session, m.KeyResult, key_result_id, changes, expected_version=expected_version, actor=actor)
    return key_result_id


def archive_key_result(session: Session, *, actor: Actor, key_result_id: int, expected_version: int) -> int:
    """Archive a key result: it leaves its goal's roll-up; its check-ins are kept."""
    kr = core.get(session, m.KeyResult, key_result_id)
    if kr.archived:
        raise ValidationError(f"Key result '{kr.title}' is already archived.", field="archived")
    core.update(session, m.KeyResult, key_result_id, {"archived": True}, expected_version=expected_version,
                actor=actor)
    return key_result_id


def record_check_in(session: Session, *, actor: Actor, key_result_id: int, day: date, value: float,
                    confidence: int = 7, note: str = "", today: date) -> int:
    """Record a key result's value on ``day`` (not in the future, not before its goal's period); the latest
    check-in becomes the KR's current value. Returns the check-in's id."""
    kr = core.get(session, m.KeyResult, key_result_id)
    if kr.archived:
        raise ValidationError(f"Check-in not saved — key result '{kr.title}' is archived.", field="key_result_id")
    if value is None:
        raise ValidationError(f"Check-in not saved — value: enter the measured value of '{kr.title}'.", field="value")
    goal = core.get(session, m.Goal, kr.goal_id)
    if goal.archived:
        raise ValidationError(f"Check-in not saved — goal '{goal.title}' is archived.", field="key_result_id")
    if isinstance(day, date) and day > today:
        raise ValidationError(f"Check-in not saved — day: {fmt.day(day)} is in the future (today is "
                              f"{fmt.day(today)}).", field="day")
    if isinstance(day, date) and day < goal.period_start:
        raise ValidationError(f"Check-in not saved — day: {fmt.day(day)} is before the goal's period starts "
                              f"({fmt.day(goal.period_start)}).", field="day")
    row = core.create(session, m.CheckIn, {"key_result_id": key_result_id, "day": day, "value": value,
                                           "confidence": confidence, "note": (note or "").strip(),
                                           "author_id": actor.id}, actor=actor)
    later = session.exec(select(m.CheckIn).where(m.CheckIn.key_result_id == key_result_id, m.CheckIn.day > day)).first()
    if later is None:
        core.update(session, m.KeyResult, key_result_id, {"current_value": row.value}, expected_version=None,
                    actor=actor)
    return int(row.id)


def approve_candidate(session: Session, *, actor: Actor, project_id: int, expected_version: int) -> int:
    """Approve a candidate (status proposed): it becomes an active project."""
    access.require(actor, "approve", "approve candidate projects")
    project = core.get(session, m.Project, project_id)
    if project.status != "proposed":
        raise ValidationError(f"'{project.name}' is not a candidate (its status is {project.status}); only proposed "
                              "projects can be approved here.", field="status")
    core.update(session, m.Project, project_id, {"status": "active"}, expected_version=expected_version, actor=actor)
    core.log(session, actor, "approve", "project", project_id, f"approved candidate '{project.name}': now an active "
             "project")
    return project_id


def align_work(session: Session, *, actor: Actor, kind: str, work_id: int, goal_id: int,
               expected_version: int) -> int:
    """Link a project or an operation to an active goal."""
    model = {"Project": m.Project, "Operation": m.Operation}.get(kind)
    if model is None:
        raise ValidationError(f"Only projects and operations can serve a goal, not '{kind}'.", field="kind")
    _live_goal(session, goal_id, "goal_id", core.entity_label(model))
    core.update(session, model, work_id, {"goal_id": goal_id}, expected_version=expected_version, actor=actor)
    return work_id
