"""Workspace settings (name, currency, demo flag) and starting over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import insert, text
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


def bulk_insert(session: Session, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows with explicit ids, parents first (demo seeding, restore). Column defaults fill the gaps.

    On PostgreSQL the id sequences are moved past the inserted ids so later inserts get fresh ones.
    """
    conn = session.connection()
    for table in SQLModel.metadata.sorted_tables:
        table_rows = rows.get(table.name)
        if not table_rows:
            continue
        defaults = {c.name: c.default.arg for c in table.columns
                    if c.default is not None and not callable(c.default.arg)}
        blanks = {c.name: None for c in table.columns if c.nullable}
        complete = [{**defaults, **blanks, **r} for r in table_rows]
        for i in range(0, len(complete), 5000):
            conn.execute(insert(table), complete[i:i + 5000])
    if conn.dialect.name == "postgresql":
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c and rows.get(table.name):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"))


def clear(session: Session) -> None:
    """Delete every row (children first). Used by demo reset and "start an empty workspace"."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in ("alembic_version", m.Setting.__tablename__):
            session.execute(sql_delete(table))
