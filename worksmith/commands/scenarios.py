"""Workshop moves (ordinary commands, so a scenario audits them) and applying a scenario's changes to live.

The moves work on any workspace; in the app they are offered inside a scenario:

* shift a project by N working days (its start; linked successors follow through their dependencies when the
  workspace is rescheduled);
* include or exclude a candidate initiative (proposed ↔ approved);
* a hypothetical hire (a new person with a team, skills and capacity) or a person's weekly hours;
* scale a project's budget (the budget at completion and every budget line of the project by the same factor).

:func:`apply_changes` replays chosen :class:`~worksmith.views.changes.Change`s onto live through the generic
commands with each row's base version, so a row that live changed since the branch is refused; one refusal
refuses the whole apply (nothing is ever half-applied). New rows get new ids on live and rows that refer to them
are remapped. Afterwards live is rescheduled once and the apply is logged under the acting person with the
scenario's name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.commands.plans import reschedule_named
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.views.changes import Change, model_of
from worksmith.views.plans import project_calendar

MAX_SHIFT_DAYS = 520  # two working years either way
MAX_BUDGET_FACTOR = 10.0


def shift_project(session: Session, *, actor: Actor, project_id: int, days: int, expected_version: int,
                  today: date) -> str:
    """Move a project's start by ``days`` working days (negative: earlier); returns what moved."""
    if not isinstance(days, int) or isinstance(days, bool) or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError(f"Shift by a whole number of working days between −{MAX_SHIFT_DAYS} and "
                              f"{MAX_SHIFT_DAYS}.", field="days")
    project = core.get(session, m.Project, project_id)
    if project.start is None:
        raise ValidationError(f"'{project.name}' has no start date to shift; set one in its Details first.",
                              field="start")
    before = project.start
    after = project_calendar(session, project_id).add_working_days(before, days)
    core.update(session, m.Project, project_id, {"start": after}, expected_version=expected_version, actor=actor)
    reschedule_named(session, today=today, project_ids=[project_id])  # and the projects linked to it
    return f"'{project.name}' now starts {after:%a %d %b %Y} (was {before:%a %d %b %Y}, {days:+d} working days)"


def set_candidate(session: Session, *, actor: Actor, project_id: int, include: bool, expected_version: int) -> str:
    """Include (approve) or exclude (back to proposed) a candidate initiative."""
    project = core.get(session, m.Project, project_id)
    allowed = ("proposed", "approved")
    if project.status not in allowed:
        raise ValidationError(f"'{project.name}' is {project.status}: only proposed or approved projects are "
                              "candidates.", field="status")
    status = "approved" if include else "proposed"
    core.update(session, m.Project, project_id, {"status": status}, expected_version=expected_version, actor=actor)
    return f"'{project.name}' is {'in' if include else 'out'} ({status})"


def add_hire(session: Session, *, actor: Actor, name: str, team_id: int | None, skills: list[str] | str,
             weekly_hours: float = 40.0, availability: float = 80.0, cost_rate: float = 0.0) -> int:
    """A hypothetical hire: a person with a team, skills and capacity. Returns the new id."""
    person = core.create(session, m.Person, {"name": name, "team_id": team_id, "skills": skills,
                                             "weekly_hours": weekly_hours, "availability": availability,
                                             "cost_rate": cost_rate, "role": "hypothetical hire"}, actor=actor)
    return int(person.id)


def set_weekly_hours(session: Session, *, actor: Actor, person_id: int, weekly_hours: float,
                     expected_version: int) -> str:
    """Change a person's weekly hours (their capacity for every week)."""
    person = core.get(session, m.Person, person_id)
    before = person.weekly_hours
    core.update(session, m.Person, person_id, {"weekly_hours": weekly_hours}, expected_version=expected_version,
                actor=actor)
    return f"{person.name}: {before:g} → {weekly_hours:g} hours a week"


def scale_budget(session: Session, *, actor: Actor, project_id: int, factor: float, expected_version: int) -> str:
    """Multiply a project's budget and each of its budget lines by ``factor`` (0 < factor ≤ 10)."""
    if not isinstance(factor, int | float) or not 0 < float(factor) <= MAX_BUDGET_FACTOR:
        raise ValidationError(f"Scale the budget by a factor above 0 and at most {MAX_BUDGET_FACTOR:g}.",
                              field="factor")
    project = core.get(session, m.Project, project_id)
    before = project.budget
    core.update(session, m.Project, project_id, {"budget": round(before * factor, 2)},
                expected_version=expected_version, actor=actor)
    lines = session.exec(select(m.BudgetLine).where(m.BudgetLine.project_id == project_id)
                         .order_by(m.BudgetLine.id)).scalars().all()
    for line in lines:
        core.update(session, m.BudgetLine, line.id, {"planned": round(line.planned * factor, 2)},
                    expected_version=line.version, actor=actor)
    return f"'{project.name}' budget ×{factor:g}: {before:,.0f} → {before * factor:,.0f} ({len(lines)} budget lines)"


def apply_changes(session: Session, *, actor: Actor, changes: list[Change], scenario: str, today: date) -> int:
    """Apply ``changes`` (from :func:`~worksmith.views.changes.scenario_changes`) to live; returns how many."""
    if not changes:
        raise ValidationError("Tick at least one change to apply.")
    conflicts = [c for c in changes if c.conflict]
    if conflicts:
        raise ConflictError("Not applied — live changed since the scenario was made: "
                            + "; ".join(f"{c.label} ({c.conflict})" for c in conflicts[:5])
                            + (f"; and {len(conflicts) - 5} more" if len(conflicts) > 5 else "") + ".")
    new_ids: dict[tuple[str, int], int] = {}
    for change in (c for c in changes if c.kind == "create"):
        model = _applicable(change)
        row = core.create(session, model, _remapped(model, change.fields, new_ids), actor=actor)
        new_ids[(change.table, change.row_id)] = int(row.id)
    for change in (c for c in changes if c.kind == "update"):
        model = _applicable(change)
        core.update(session, model, change.row_id, _remapped(model, change.fields, new_ids),
                    expected_version=change.base_version, actor=actor)
    for change in reversed([c for c in changes if c.kind == "delete"]):
        core.delete(session, _applicable(change), change.row_id, actor=actor, expected_version=change.base_version)
    reschedule_named(session, today=today)
    core.log(session, actor, "apply scenario", "scenario", None,
             f"applied {len(changes)} change{'s' * (len(changes) != 1)} from scenario '{scenario}'")
    return len(changes)


def _applicable(change: Change) -> type:
    model = model_of(change.table)
    if model is None or model not in core.CREATE_MODELS:
        raise ValidationError(f"{change.label}: this kind of record cannot be applied from a scenario.")
    return model


def _remapped(model, values: dict[str, Any], new_ids: dict[tuple[str, int], int]) -> dict[str, Any]:
    """Foreign keys that point at rows created by this apply get those rows' live ids."""
    out = dict(values)
    for column in model.__table__.columns:
        value = out.get(column.name)
        for fk in column.foreign_keys:
            if value is not None and (fk.column.table.name, value) in new_ids:
                out[column.name] = new_ids[(fk.column.table.name, value)]
    fields = core.CREATE_MODELS[model].model_fields
    return {k: v for k, v in out.items() if k in fields}
