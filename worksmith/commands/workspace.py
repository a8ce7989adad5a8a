"""Workspace settings and starting over: writes (the reads are in ``views.workspace``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

from worksmith.commands.core import Actor, log
from worksmith.store import models as m


def set_setting(session: Session, key: str, value: str, *, actor: Actor) -> None:
    row = session.get(m.Setting, key) or m.Setting(key=key)
    before = row.value
    row.value = value
    session.add(row)
    log(session, actor, "update", "setting", None, f"{key}: {before or '—'} → {value}")


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


def clear(session: Session) -> int:
    """Delete every row (children first) and return how many. Used by demo reset, restore and
    :func:`start_empty`."""
    deleted = 0
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in ("alembic_version", m.Setting.__tablename__, m.WorkspaceRevision.__tablename__):
            deleted += session.execute(sql_delete(table)).rowcount or 0
    return deleted


def start_empty(session: Session, *, actor: Actor) -> int:
    """"Start an empty workspace" (DESIGN §6): delete every row and turn demo mode off. Returns the rows deleted."""
    deleted = clear(session)
    set_setting(session, "demo", "0", actor=actor)
    return deleted
