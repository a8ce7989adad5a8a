"""Workload writes: apply a fix (reassign a task, or shift it within its float), and save the edited time-off and
capacity tables. Each runs in the caller's transaction (``ui.run``), logs an activity row and checks row versions;
nothing is written when one refuses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.commands.plans import reschedule
from worksmith.domain.allocation import apply_shift as shift_dates
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.values import is_blank
from worksmith.views.plans import linked_projects
from worksmith.views.tables import frame
from worksmith.views.workload import person_labels
from worksmith.views.workload_data import NO_TEAM

__all__ = ["apply_fix", "apply_reassign", "apply_shift", "save_capacity", "save_time_off"]

def _task(session: Session, task_id: int, expected_version: int | None) -> m.Task:
    task = core.get(session, m.Task, task_id)
    if expected_version is not None and task.version != expected_version:
        raise ConflictError(
            f"Task '{task.name}' was changed by someone else since this suggestion was computed (version "
            f"{task.version}, yours {expected_version}) — reload to see fresh suggestions; nothing was changed.")
    return task


def apply_reassign(session: Session, *, actor: Actor, task_id: int, to_person_id: int,
                   expected_version: int | None) -> m.Task:
    """Give a task to another person: refused if that person is inactive or lacks the task's required skill."""
    task = _task(session, task_id, expected_version)
    person = core.get(session, m.Person, to_person_id)
    if not person.active:
        raise ValidationError(f"{person.name} is inactive: '{task.name}' was not reassigned.", field="assignee_id")
    skill = (task.required_skill or "").strip()
    if skill and skill.casefold() not in {s.casefold() for s in person.skills or []}:
        raise ValidationError(f"{person.name} does not have the skill '{skill}' that '{task.name}' needs: "
                              "it was not reassigned.", field="assignee_id")
    before = core.get(session, m.Person, task.assignee_id).name if task.assignee_id else "nobody"
    task = core.update(session, m.Task, task_id, {"assignee_id": to_person_id}, expected_version=task.version,
                       actor=actor)
    core.log(session, actor, "workload fix", "task", task.id,
             f"Workload fix: '{task.name}' reassigned from {before} to {person.name}")
    return task


def _finishes(session: Session, project_ids: list[int] | None = None) -> dict[int, date]:
    """Each project's (or each of ``project_ids``') finish: its tasks' latest scheduled finish."""
    t = m.Task.__table__
    query = select(t.c.project_id, func.max(t.c.finish_date)).group_by(t.c.project_id)
    rows = session.connection().execute(query if project_ids is None else
                                        query.where(t.c.project_id.in_(project_ids))).all()
    return {pid: finish for pid, finish in rows if finish is not None}


def _affected_projects(session: Session, task_id: int, linked: list[int]) -> set[int]:
    """The projects of a task and of every task that depends on it, directly or through others (any link type);
    all among ``linked``, the projects linked to the task's project."""
    d, t = m.Dependency.__table__, m.Task.__table__
    successors: dict[int, list[int]] = {}
    for pred, succ in session.connection().execute(select(d.c.pred_id, d.c.succ_id).join(t, t.c.id == d.c.pred_id)
                                                   .where(t.c.project_id.in_(linked))).all():
        successors.setdefault(pred, []).append(succ)
    seen, todo = {task_id}, [task_id]
    while todo:
        for nxt in successors.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    project_of = dict(session.connection().execute(select(t.c.id, t.c.project_id)
                                                   .where(t.c.project_id.in_(linked))).all())
    return {project_of[tid] for tid in seen if tid in project_of}


def apply_shift(session: Session, *, actor: Actor, task_id: int, days: int, expected_version: int | None,
                today: date) -> m.Task:
    """Start a task ``days`` working days later (its duration unchanged) and reschedule its project and the projects
    linked to it.

    The task gets a start-no-earlier-than date = its scheduled start moved by ``days`` working days (workspace
    holidays skipped); then ``plans.reschedule``. The finish of the task's project, and of every project that
    depends on the task, is compared with the stored schedule before the move: if one would finish later, the
    command is refused and nothing is changed.
    """
    if int(days) < 1:
        raise ValidationError("A shift must move the task at least one working day later.", field="shift_days")
    task = _task(session, task_id, expected_version)
    if task.start_date is None:
        raise ValidationError(f"'{task.name}' has no scheduled start to move: schedule its project first.",
                              field="start_date")
    linked = sorted(linked_projects(session, [task.project_id]))  # all the shift can move
    before = _finishes(session, linked)
    holidays = frame(session, m.Holiday, m.Holiday.project_id.is_(None))["day"].tolist()
    new_start, _ = shift_dates({"start": task.start_date, "finish": task.finish_date}, int(days), holidays)
    old_start = task.start_date
    task = core.update(session, m.Task, task_id, {"start_no_earlier_than": new_start},
                       expected_version=task.version, actor=actor)
    reschedule(session, today=today, project_ids=linked)
    session.refresh(task)
    after = _finishes(session, linked)
    names = dict(session.connection().execute(select(m.Project.__table__.c.id, m.Project.__table__.c.name)).all())
    for pid in sorted(_affected_projects(session, task_id, linked)):
        if pid in before and pid in after and after[pid] > before[pid]:
            raise ValidationError(
                f"Moving '{task.name}' {days} working day{'s' if days != 1 else ''} later would move the finish of "
                f"'{names.get(pid, pid)}' from {fmt.day(before[pid])} to {fmt.day(after[pid])}: not applied.",
                field="shift_days")
    core.log(session, actor, "workload fix", "task", task.id,
             f"Workload fix: '{task.name}' moved {days} working day{'s' if days != 1 else ''} later, "
             f"start {fmt.day(old_start)} → {fmt.day(task.start_date)}, within its float")
    return task


def apply_fix(session: Session, *, actor: Actor, fix: dict[str, Any], today: date) -> m.Task:
    """Apply one suggestion from :func:`worksmith.views.workload.workload_view` (``kind`` 'reassign' or 'shift')."""
    if fix.get("kind") == "reassign":
        return apply_reassign(session, task_id=int(fix["task_id"]), to_person_id=int(fix["to_person_id"]),
                              expected_version=fix.get("task_version"), actor=actor)
    if fix.get("kind") == "shift":
        return apply_shift(session, task_id=int(fix["task_id"]), days=int(fix["shift_days"]),
                           expected_version=fix.get("task_version"), actor=actor, today=today)
    raise ValidationError(f"Unknown kind of fix: {fix.get('kind')!r}.", field="kind")



# --- the edited time-off and capacity tables ----------------------------------------------------------------

def _as_day(value: Any, where: str, field_name: str) -> date:
    if is_blank(value):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} is required. Nothing was saved.",
                              field=field_name)
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise ValidationError(f"{where}: {field_name} '{value}' is not a date. Nothing was saved.",
                              field=field_name) from None


def _row_error(where: str, error: ValidationError) -> ValidationError:
    text = str(error)
    if " not saved — " in text:
        text = text.split(" not saved — ", 1)[1]
    text = text.rstrip(".") + ". Nothing was saved."
    return ValidationError(f"{where}: {text}", field=error.field)


def _row_id(value: Any) -> int | None:
    return None if is_blank(value) else int(value)


def save_time_off(session: Session, *, actor: Actor, original: pd.DataFrame, edited: pd.DataFrame) -> str:
    """Apply an edited time-off table (from ``views.workload.time_off_table``): added, changed and deleted rows, all
    or none.

    A bad row raises ``ValidationError`` naming the row (its number in the edited table and the person) and the
    field; the caller's transaction then writes nothing. Returns a summary such as "1 added, 2 changed, 0 deleted".
    """
    labels = person_labels(session)
    before = {int(r["id"]): r for r in original.to_dict("records")}
    seen: set[int] = set()
    added = changed = 0
    for n, row in enumerate(edited.to_dict("records"), start=1):
        person = row.get("person")
        where = f"Time off row {n}" + (f" ({person})" if not is_blank(person) else "")
        if is_blank(person):
            raise ValidationError(f"{where}: person is required. Nothing was saved.", field="person")
        if person not in labels:
            raise ValidationError(f"{where}: person '{person}' is unknown. Nothing was saved.", field="person")
        values = {"person_id": labels[person], "start": _as_day(row.get("start"), where, "start"),
                  "end": _as_day(row.get("end"), where, "end"),
                  "note": "" if is_blank(row.get("note")) else str(row["note"]).strip()}
        rid = _row_id(row.get("id"))
        try:
            if rid is None:
                core.create(session, m.TimeOff, values, actor=actor)
                added += 1
                continue
            seen.add(rid)
            old = before.get(rid)
            if old is None:
                raise ValidationError(f"{where}: this row is no longer in the table — reload. Nothing was saved.")
            if (labels.get(old["person"]), old["start"], old["end"], old["note"] or "") == (
                    values["person_id"], values["start"], values["end"], values["note"]):
                continue
            core.update(session, m.TimeOff, rid, values, expected_version=int(old["version"]), actor=actor)
            changed += 1
        except ValidationError as error:
            raise _row_error(where, error) from None
    deleted = 0
    for rid, old in before.items():
        if rid not in seen:
            core.delete(session, m.TimeOff, rid, actor=actor, expected_version=int(old["version"]))
            deleted += 1
    return f"Time off saved: {added} added, {changed} changed, {deleted} deleted."


def _number(value: Any, where: str, field_name: str) -> float:
    if is_blank(value):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} is required. Nothing was saved.",
                              field=field_name)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} '{value}' is not a number. Nothing was "
                              "saved.", field=field_name) from None


def save_capacity(session: Session, *, actor: Actor, original: pd.DataFrame, edited: pd.DataFrame) -> str:
    """Apply edits to people's team, weekly hours, availability, skills and active flag (from
    ``views.workload.capacity_table``), all or none. People are not added or removed here. Returns a summary."""
    teams = dict(session.connection().execute(select(m.Team.__table__.c.name, m.Team.__table__.c.id)).all())
    before = {int(r["id"]): r for r in original.to_dict("records")}
    changed = 0
    for n, row in enumerate(edited.to_dict("records"), start=1):
        rid = _row_id(row.get("id"))
        name = row.get("name") or (before[rid]["name"] if rid in before else "")
        where = f"People row {n}" + (f" ({name})" if name else "")
        if rid is None or rid not in before:
            raise ValidationError(f"{where}: people are added on the People page, not here. Nothing was saved.",
                                  field="name")
        team = row.get("team")
        if not is_blank(team) and team != NO_TEAM and team not in teams:
            raise ValidationError(f"{where}: team '{team}' is unknown. Nothing was saved.", field="team")
        values = {
            "team_id": None if is_blank(team) or team == NO_TEAM else teams[team],
            "weekly_hours": _number(row.get("weekly_hours"), where, "weekly_hours"),
            "availability": _number(row.get("availability"), where, "availability"),
            "skills": "" if is_blank(row.get("skills")) else str(row["skills"]),
            "active": bool(row.get("active")) if not is_blank(row.get("active")) else False,
        }
        old = before[rid]
        person = core.get(session, m.Person, rid)
        try:
            clean = core.validate(m.Person, {**{k: getattr(person, k) for k in m.PersonCreate.model_fields},
                                             **values})
        except ValidationError as error:
            raise _row_error(where, error) from None
        if all(clean[k] == getattr(person, k) for k in values):
            continue
        try:
            core.update(session, m.Person, rid, values, expected_version=int(old["version"]), actor=actor)
        except ValidationError as error:
            raise _row_error(where, error) from None
        changed += 1
    return f"Capacity saved: {changed} {'person' if changed == 1 else 'people'} changed."
