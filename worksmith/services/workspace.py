"""Workspace settings (name, currency, demo flag) and starting over."""

from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlmodel import Session, SQLModel, select

from worksmith import models as m
from worksmith.services.core import Actor, log

DEFAULTS = {"name": "My workspace", "currency": "€", "demo": "0"}


def settings(session: Session) -> dict[str, str]:
    stored = {row.key: row.value for row in session.exec(select(m.Setting))}
    return {**DEFAULTS, **stored}


def set_setting(session: Session, key: str, value: str, *, actor: Actor) -> None:
    row = session.get(m.Setting, key) or m.Setting(key=key)
    before = row.value
    row.value = value
    session.add(row)
    log(session, actor, "update", "setting", None, f"{key}: {before or '—'} → {value}")


def is_empty(session: Session) -> bool:
    """No people, projects, goals or operations: a new workspace."""
    return all(session.exec(select(model).limit(1)).first() is None
               for model in (m.Person, m.Project, m.Goal, m.Operation))


def is_new(session: Session) -> bool:
    """Never used: empty and no settings saved (a workspace emptied on purpose keeps its settings)."""
    return session.exec(select(m.Setting).limit(1)).first() is None and is_empty(session)


def clear(session: Session) -> None:
    """Delete every row (children first). Used by demo reset and "start an empty workspace"."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in ("alembic_version", m.Setting.__tablename__):
            session.execute(sql_delete(table))
