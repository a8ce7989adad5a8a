"""Backup and restore of the whole workspace (DESIGN §5).

- ``backup_sqlite``: a consistent file copy of a live SQLite database through the online backup API (never a
  plain file copy);
- ``backup_json`` / ``restore_json``: every table's rows as one JSON document, portable between SQLite and
  PostgreSQL; a restore replaces the workspace all or nothing.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, delete, select
from sqlmodel import SQLModel

from worksmith.commands.core import log
from worksmith.commands.workspace import bulk_insert, clear
from worksmith.errors import ValidationError

__all__ = ["BACKUP_FORMAT", "backup_json", "backup_sqlite", "restore_json"]

BACKUP_FORMAT = "worksmith-backup-1"
NOT_BACKED_UP = {"workspace_revision"}  # bookkeeping of this database, not workspace data


def _tables() -> list:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


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
    for table in _tables():
        result = conn.execute(select(table))
        tables[table.name] = [{k: _json_value(v) for k, v in row._mapping.items()} for row in result]
    return {"format": BACKUP_FORMAT, "tables": tables}


def _typed(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = getattr(column.type, "impl", column.type)  # sqlmodel's UTCDateTime decorates DateTime
    if isinstance(kind, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def restore_json(session: Any, data: dict[str, Any], *, actor: Any = None) -> dict[str, int]:
    """Replace the workspace with a :func:`backup_json` document, all or nothing. Returns rows per table."""
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ValidationError(f"This is not a Worksmith backup (expected format {BACKUP_FORMAT}).")
    known = {t.name: t for t in _tables()}
    unknown = sorted(set(data["tables"]) - set(known))
    if unknown:
        raise ValidationError(f"The backup has tables this version does not know: {', '.join(unknown)}.")
    rows = {}
    for name, table_rows in data["tables"].items():
        columns = known[name].c
        rows[name] = [{k: _typed(columns[k], v) for k, v in r.items() if k in columns} for r in table_rows]
    clear(session)
    session.execute(delete(known["setting"]))
    bulk_insert(session, rows)
    if actor is not None:
        log(session, actor, "restore", "workspace", None, f"restored a backup ({sum(map(len, rows.values()))} rows)")
    return {name: len(r) for name, r in rows.items()}
