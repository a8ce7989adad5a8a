"""Workspace settings (name, currency, demo flag) and whether the workspace is empty or new."""

from __future__ import annotations

from sqlmodel import Session, select

from worksmith.store import models as m

DEFAULTS = {"name": "My workspace", "currency": "€", "demo": "0"}


def settings(session: Session) -> dict[str, str]:
    stored = {row.key: row.value for row in session.exec(select(m.Setting))}
    return {**DEFAULTS, **stored}


def is_empty(session: Session) -> bool:
    """No people, projects, goals or operations: a new workspace."""
    return all(session.exec(select(model).limit(1)).first() is None
               for model in (m.Person, m.Project, m.Goal, m.Operation))


def is_new(session: Session) -> bool:
    """Never used: empty and no settings saved (a workspace emptied on purpose keeps its settings)."""
    return session.exec(select(m.Setting).limit(1)).first() is None and is_empty(session)
