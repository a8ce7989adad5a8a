"""Workspace settings and starting over: writes (the reads are in ``views.workspace``).

The activity log is append-only: nothing here deletes or edits its rows. Starting over (and a restore, in
``exchange.backup``) keeps the whole log and adds an entry naming who did it, so they need a named actor.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

from worksmith.commands import access
from worksmith.commands.core import Actor, log
from worksmith.errors import ValidationError
from worksmith.store import models as m

KEPT = (m.Setting.__tablename__, m.WorkspaceRevision.__tablename__, m.ActivityLog.__tablename__)


def require_named(actor: Actor | None, what: str) -> None:
    """Refuse an act that replaces the workspace unless a person is named (an id, or a name but "anonymous")."""
    name = (actor.name if actor is not None else "").strip()
    if actor is None or (actor.id is None and name.lower() in ("", "anonymous")):
        raise ValidationError(f"{what} replaces the whole workspace, so the activity log must say who did it: "
                              "choose who you are under “Acting as” in the sidebar (on the command line, "
                              "--actor NAME).", field="actor")


def refuse_in_public_demo(what: str) -> None:
    """In a public demo (``WORKSMITH_PUBLIC_DEMO=1``) restore and start over are off: a visitor's sandbox is
    started fresh from the banner instead."""
    if os.environ.get("WORKSMITH_PUBLIC_DEMO") == "1":
        raise ValidationError(f"Not available in the public demo. {what} is switched off here; “Start fresh” in "
                              "the banner gives you a new copy of the demo.")


def set_setting(session: Session, key: str, value: str, *, actor: Actor) -> None:
    """Change a workspace setting (admins only)."""
    access.require(actor, "admin", "change workspace settings")
    row = session.get(m.Setting, key) or m.Setting(key=key)
    before = row.value
    row.value = value
    session.add(row)
    log(session, actor, "update", "setting", None, f"{key}: {before or '—'} → {value}")


def bulk_insert(session: Session, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows with explicit ids, parents first (demo seeding, restore). Column defaults fill the gaps.

    On PostgreSQL the id sequences are moved past the inserted ids so later inserts get fresh ones. Activity log
    rows are appended to the log that is there (which :func:`clear` keeps): the database numbers them.
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
        if table.name == m.ActivityLog.__tablename__:
            complete = [{k: v for k, v in r.items() if k != "id"} for r in complete]
        for i in range(0, len(complete), 5000):
            conn.execute(insert(table), complete[i:i + 5000])
    if conn.dialect.name == "postgresql":
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c and rows.get(table.name):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"))


def clear(session: Session) -> int:
    """Delete every row (children first) but the settings and the activity log, and return how many. Used by demo
    reset, restore and :func:`start_empty`."""
    deleted = 0
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in KEPT:
            deleted += session.execute(sql_delete(table)).rowcount or 0
    return deleted


def start_empty(session: Session, *, actor: Actor) -> int:
    """"Start an empty workspace" (DESIGN §6): delete every row but the activity log, turn demo mode off and log
    who did it. Returns the rows deleted."""
    refuse_in_public_demo("Starting an empty workspace")
    require_named(actor, "Starting an empty workspace")
    access.require(actor, "admin", "start an empty workspace")
    deleted = clear(session)
    set_setting(session, "demo", "0", actor=actor)
    log(session, actor, "start over", "workspace", None, f"started an empty workspace ({deleted:,} rows deleted; "
        "the activity log is kept)")
    return deleted
