"""People and teams: create, edit and archive them, record time off, and create the people a plan file names.

Every command runs in the caller's transaction (``ui.run``), validates through the models (``PersonCreate``,
``TeamCreate``, ``TimeOffCreate``: the bounds live there), checks row versions and logs an activity row. Archiving
sets ``Person.active = False``: the person leaves every picker but keeps their tasks, hours and history. The edited
time-off table is saved by :func:`worksmith.commands.workload.save_time_off` (one implementation for both pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.commands.workload import save_time_off
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.values import is_blank
from worksmith.views.people import NO_TEAM, team_options

__all__ = ["add_time_off", "archive_person", "create_people", "create_person", "create_team", "restore_person",
           "save_people", "save_time_off", "update_person", "update_team"]

PERSON_FIELDS = ("name", "email", "role", "team_id", "weekly_hours", "availability", "cost_rate", "skills", "active")


def _clean_name(name: Any, what: str) -> str:
    text = "" if is_blank(name) else " ".join(str(name).split())
    if not text:
        raise ValidationError(f"{what} not saved — the name is required.", field="name")
    return text


def _same_name(session: Session, model, name: str, *, except_id: int | None = None):
    table = model.__table__
    stmt = select(table.c.id, table.c.name).where(func.lower(table.c.name) == name.casefold())
    if except_id is not None:
        stmt = stmt.where(table.c.id != except_id)
    return session.connection().execute(stmt).first()


# --------------------------------------------------------------------------------------------- teams
def create_team(session: Session, *, actor: Actor, name: str, description: str = "") -> m.Team:
    """A new team; a name already used (in any letter case) is refused."""
    clean = _clean_name(name, "Team")
    if (same := _same_name(session, m.Team, clean)) is not None:
        raise ValidationError(f"Team not saved — there is already a team called '{same.name}'.", field="name")
    return core.create(session, m.Team, {"name": clean, "description": (description or "").strip()}, actor=actor)


def update_team(session: Session, *, actor: Actor, team_id: int, expected_version: int | None,
                name: str | None = None, description: str | None = None) -> m.Team:
    """Rename a team or change its description (read at ``expected_version``)."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_name(name, "Team")
        if (same := _same_name(session, m.Team, changes["name"], except_id=team_id)) is not None:
            raise ValidationError(f"Team not renamed — there is already a team called '{same.name}'.", field="name")
    if description is not None:
        changes["description"] = description.strip()
    return core.update(session, m.Team, team_id, changes, expected_version=expected_version, actor=actor)


# --------------------------------------------------------------------------------------------- people
def create_person(session: Session, *, actor: Actor, name: str, team_id: int | None = None, role: str = "",
                  email: str = "", weekly_hours: float = 40.0, availability: float = 80.0, cost_rate: float = 0.0,
                  skills: Iterable[str] | str = ()) -> m.Person:
    """A new, active person. Two people with the same name (any letter case) are refused: plan files and pickers
    find people by name."""
    clean = _clean_name(name, "Person")
    if (same := _same_name(session, m.Person, clean)) is not None:
        raise ValidationError(f"Person not saved — '{same.name}' is already in this workspace (archived people "
                              "too: restore them on the People page).", field="name")
    return core.create(session, m.Person, {
        "name": clean, "team_id": team_id, "role": (role or "").strip(), "email": (email or "").strip(),
        "weekly_hours": weekly_hours, "availability": availability, "cost_rate": cost_rate,
        "skills": skills if isinstance(skills, str) else list(skills), "active": True}, actor=actor)


def create_people(session: Session, *, actor: Actor, names: Iterable[str], team_id: int | None = None,
                  ) -> list[m.Person]:
    """The people a plan file names but the workspace does not know, with default capacity (40 h, 80 %).

    Blank names and repeats (any letter case) are skipped, and so are names already in the workspace, so the
    offer can be accepted twice without doubling anyone. Returns the people created, in the order given.
    """
    created: list[m.Person] = []
    seen: set[str] = set()
    for raw in names:
        if is_blank(raw):
            continue
        name = " ".join(str(raw).split())
        if name.casefold() in seen or _same_name(session, m.Person, name):
            continue
        seen.add(name.casefold())
        created.append(create_person(session, actor=actor, name=name, team_id=team_id))
    return created


def update_person(session: Session, *, actor: Actor, person_id: int, expected_version: int | None,
                  **changes: Any) -> m.Person:
    """Change a person's name, email, role, team, weekly hours, availability, cost rate, skills or active flag."""
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError(f"Person has no field {', '.join(unknown)}.", field=unknown[0])
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"], "Person")
        if (same := _same_name(session, m.Person, changes["name"], except_id=person_id)) is not None:
            raise ValidationError(f"Person not saved — '{same.name}' is already in this workspace.", field="name")
    return core.update(session, m.Person, person_id, changes, expected_version=expected_version, actor=actor)


def archive_person(session: Session, *, actor: Actor, person_id: int, expected_version: int | None) -> m.Person:
    """Archive a person: they leave the pickers and the capacity figures; their tasks, hours and history stay."""
    return update_person(session, actor=actor, person_id=person_id, expected_version=expected_version, active=False)


def restore_person(session: Session, *, actor: Actor, person_id: int, expected_version: int | None) -> m.Person:
    """Bring an archived person back."""
    return update_person(session, actor=actor, person_id=person_id, expected_version=expected_version, active=True)


def add_time_off(session: Session, *, actor: Actor, person_id: int, start: date, end: date,
                 note: str = "") -> m.TimeOff:
    """One range of days off (first and last day included) for a person."""
    core.get(session, m.Person, person_id)
    return core.create(session, m.TimeOff, {"person_id": person_id, "start": start, "end": end,
                                            "note": (note or "").strip()}, actor=actor)


# --------------------------------------------------------------------------------------------- the table
def _row_values(row: dict, teams: dict[str, int], where: str) -> dict[str, Any]:
    team = row.get("team")
    if not is_blank(team) and team != NO_TEAM and team not in teams:
        raise ValidationError(f"{where}: team '{team}' is unknown. Nothing was saved.", field="team")
    values: dict[str, Any] = {"name": row.get("name"),
                              "team_id": None if is_blank(team) or team == NO_TEAM else teams[team]}
    for key in ("role", "email", "skills"):
        values[key] = "" if is_blank(row.get(key)) else str(row[key])
    for key in ("weekly_hours", "availability", "cost_rate"):
        value = row.get(key)
        if is_blank(value):
            raise ValidationError(f"{where}: {key.replace('_', ' ')} is required. Nothing was saved.", field=key)
        try:
            values[key] = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{where}: {key.replace('_', ' ')} '{value}' is not a number. Nothing was saved.",
                                  field=key) from None
    values["active"] = bool(row.get("active")) if not is_blank(row.get("active")) else False
    return values


def save_people(session: Session, *, actor: Actor, original: pd.DataFrame, edited: pd.DataFrame) -> str:
    """Apply an edited people table (from :func:`worksmith.views.people.people_table`), all or none: every changed
    row is saved at the version it was read; a bad row is refused naming its row number, the person and the field.
    People are added with :func:`create_person` and archived (not deleted) with the ``active`` box."""
    teams = team_options(session)
    before = {int(r["id"]): r for r in original.to_dict("records")}
    changed = 0
    for n, row in enumerate(edited.to_dict("records"), start=1):
        rid = None if is_blank(row.get("id")) else int(row["id"])
        label = before[rid]["name"] if rid in before else row.get("name")
        where = f"People row {n}" + (f" ({label})" if not is_blank(label) else "")
        if rid is None or rid not in before:
            raise ValidationError(f"{where}: add people with the form above the table. Nothing was saved.",
                                  field="name")
        values = _row_values(row, teams, where)
        person = core.get(session, m.Person, rid)
        try:
            clean = core.validate(m.Person, {**{k: getattr(person, k) for k in m.PersonCreate.model_fields},
                                             **values})
            changes = {k: values[k] for k in values if clean[k] != getattr(person, k)}
            if not changes:
                continue
            update_person(session, actor=actor, person_id=rid, expected_version=int(before[rid]["version"]),
                          **changes)
        except ValidationError as error:
            text = str(error).split(" — ", 1)[-1].rstrip(".")
            raise ValidationError(f"{where}: {text}. Nothing was saved.", field=error.field) from None
        changed += 1
    return f"People saved: {changed} {'person' if changed == 1 else 'people'} changed."
