"""Who may do what, read side: each person's role (``person.access``) for sign-in, "Acting as" and the roles table.

A signed-in user is matched to a person by email, compared without case and surrounding spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from worksmith.store import models as m
from worksmith.views.tables import frame

ROLES_COLUMNS = ["id", "name", "email", "access", "active", "version"]


@dataclass(frozen=True)
class Member:
    """One active person as the shell needs them to act: name, sign-in email and role."""

    id: int
    name: str
    email: str
    access: str


def email_key(email: str | None) -> str:
    return (email or "").strip().casefold()


def members(session: Session) -> dict[int, Member]:
    """Id -> :class:`Member` of the active people (archived people cannot act)."""
    people = frame(session, m.Person, m.Person.active.is_(True), order_by=[m.Person.name, m.Person.id])
    return {int(r.id): Member(int(r.id), str(r.name), str(r.email or ""), str(r.access or "editor"))
            for r in people.itertuples()}


def member_by_email(session: Session, *, email: str) -> Member | None:
    """The active person whose email is ``email`` (case-insensitive), or None."""
    key = email_key(email)
    if not key:
        return None
    return next((p for p in members(session).values() if email_key(p.email) == key), None)


def roles_table(session: Session) -> pd.DataFrame:
    """``id, name, email, access, active, version`` for every person, active people first, then by name."""
    people = frame(session, m.Person, order_by=[m.Person.name, m.Person.id])
    out = people.reindex(columns=ROLES_COLUMNS)
    out["email"] = out["email"].fillna("")
    out["access"] = out["access"].fillna("editor")
    out["active"] = out["active"].astype(bool)
    return out.sort_values(["active", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
