"""Roles, write side: an admin gives each person a role (viewer / editor / approver / admin, ``commands.access``).

At least one active admin always remains, and an admin cannot take admin away from themselves (another admin
can), so the workspace never locks everyone out of its settings.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.store import models as m


def set_roles(session: Session, *, actor: Actor, roles: dict[int, tuple[str, int | None]]) -> str:
    """Set ``person id -> (role, expected version)``; returns a sentence naming the changes."""
    access.require(actor, "admin", "change roles")
    changed = []
    for person_id, (role, version) in roles.items():
        if role not in m.ACCESS_ROLES:
            raise ValidationError(f"'{role}' is not a role — choose one of {', '.join(m.ACCESS_ROLES)}.",
                                  field="access")
        person = core.get(session, m.Person, person_id)
        if person.access == role:
            continue
        if person_id == actor.id and role != "admin":
            raise ValidationError("You cannot take admin away from yourself — ask another admin. Nothing was "
                                  "saved.", field="access")
        core.update(session, m.Person, person_id, {"access": role}, expected_version=version, actor=actor)
        changed.append(f"{person.name} → {role}")
    admins = session.execute(select(func.count()).select_from(m.Person).where(
        m.Person.access == "admin", m.Person.active.is_(True))).scalar_one()
    if changed and admins == 0:
        raise ValidationError("At least one active person must stay an admin — nothing was saved.", field="access")
    return ("Roles saved: " + "; ".join(changed)) if changed else "No role changed."
