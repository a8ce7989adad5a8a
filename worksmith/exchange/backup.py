"""Backup and restore of the whole workspace (DESIGN §5).

- ``backup_sqlite``: a consistent file copy of a live SQLite database through the online backup API (never a
  plain file copy);
- ``backup_json`` / ``restore_json``: every table's rows as one JSON document, portable between SQLite and
  PostgreSQL; a restore replaces the workspace all or nothing, after ``backup_check`` found nothing wrong with
  the file. The activity log is append-only: a restore keeps it and adds the backup's entries marked restored.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from worksmith.commands import access
from worksmith.commands.core import Actor, log
from worksmith.commands.p80 import store_p80
from worksmith.commands.workspace import bulk_insert, clear, refuse_in_public_demo, require_named
from worksmith.errors import ValidationError
from worksmith.exchange.backup_check import (
    BACKUP_FORMAT,
    BackupRefused,
    backup_tables,
    check_backup,
    parse_backup,
    read_backup,
)

__all__ = ["BACKUP_FORMAT", "RESTORED", "BackupRefused", "backup_json", "backup_sqlite", "parse_backup", "read_backup",
           "restore_json"]

RESTORED = "restored:"  # prefix of the action of a log entry that came from a backup


def backup_sqlite(engine: Any, dest: str | Path) -> Path:
    """Copy a live SQLite database with the online backup API (consistent while others write)."""
    if engine.dialect.name != "sqlite":
        raise ValidationError("A file backup needs SQLite; for PostgreSQL use the JSON backup (or pg_dump).")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(dest)
        with target:
            raw.driver_connection.backup(target)
        target.close()
    finally:
        raw.close()
    return dest


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def backup_json(session: Any) -> dict[str, Any]:
    """Every table's rows as JSON-ready dicts (portable between SQLite and PostgreSQL)."""
    tables = {}
    conn = session.connection()
    for table in backup_tables().values():
        result = conn.execute(select(table))
        tables[table.name] = [{k: _json_value(v) for k, v in row._mapping.items()} for row in result]
    return {"format": BACKUP_FORMAT, "tables": tables}


def restore_json(session: Any, data: Any, *, actor: Actor) -> dict[str, int]:
    """Replace the workspace with a :func:`backup_json` document, all or nothing. Returns rows per table.

    ``data`` is the parsed document (or what :func:`read_backup` returned): it is checked first and refused as a
    whole (:class:`BackupRefused`, listing the problems) before anything is deleted. The activity log is kept:
    the backup's entries are appended marked as restored (action ``restored:<action>``), then one entry names who
    restored it. Restoring needs a named actor, and is off in a public demo.
    """
    refuse_in_public_demo("Restoring a backup")
    require_named(actor, "Restoring a backup")
    access.require(actor, "admin", "restore a backup")
    checked = check_backup(data)
    rows = {name: list(table_rows) for name, table_rows in checked.rows.items()}
    rows["activity_log"] = [_restored_entry(r) for r in sorted(rows.get("activity_log", []), key=lambda r: r["id"])]
    clear(session)
    session.execute(delete(backup_tables()["setting"]))
    try:
        bulk_insert(session, rows)
    except IntegrityError as exc:  # a rule the checks above do not know: still a refusal, never a traceback
        raise BackupRefused([f"the database refused a row: {str(exc.orig).splitlines()[0]}"]) from None
    store_p80(session, today=date.today())  # computed: a backup from before migration 0007 has none
    total = sum(len(r) for name, r in rows.items() if name != "activity_log")
    log(session, actor, "restore", "workspace", None,
        f"restored a backup ({total:,} rows; {len(rows['activity_log']):,} log entries kept, marked restored)")
    return checked.counts()


def _restored_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A backup's log entry appended to this log (a new id), marked so it is never taken for a live entry."""
    entry = {k: v for k, v in row.items() if k != "id"}
    action = str(entry.get("action") or "")
    entry["action"] = action if action.startswith(RESTORED) else RESTORED + action
    return entry
