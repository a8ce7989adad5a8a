"""Reading and checking a JSON backup before anything is replaced (DESIGN §5).

A backup file is refused as a whole, with a list of what is wrong, before the workspace is touched:

- the bytes must be UTF-8 JSON (not cut short), with no repeated key in an object and no NaN/Infinity;
- the document is ``{"format": "worksmith-backup-1", "tables": {name: [row, ...]}}`` with known tables and
  columns only;
- every value has its column's type and the generic bounds of ``store.models._check_value`` (finite, at most
  1e12, dates in 1900–2200, no control characters, text that fits the column);
- every row of a table with an ``XCreate`` model passes it, through ``commands.core.validate`` — the same rules
  as a save from a page;
- primary keys and unique names are not repeated, every foreign key points at a row of the backup, and neither
  dependencies nor a self-reference (a goal's parent) form a loop.

``check_backup`` returns a :class:`CheckedBackup` (rows typed for insertion) or raises :class:`BackupRefused`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String
from sqlmodel import SQLModel

from worksmith.commands.core import CREATE_MODELS, validate
from worksmith.errors import ValidationError
from worksmith.store import models as m

__all__ = ["BACKUP_FORMAT", "NOT_BACKED_UP", "SHOWN", "BackupRefused", "CheckedBackup", "backup_tables",
           "check_backup", "read_backup"]

BACKUP_FORMAT = "worksmith-backup-1"
NOT_BACKED_UP = {"workspace_revision"}  # bookkeeping of this database, not workspace data
SHOWN = 20  # problems listed in a refusal; the rest are counted
_CREATE = {model.__tablename__: model for model in CREATE_MODELS}
# unique keys besides the primary key (the database's unique indexes); None counts as a value of its own
UNIQUE_KEYS: dict[str, list[tuple[str, ...]]] = {
    "team": [("name",)],
    "project": [("name",)],
    "budget_line": [("project_id", "operation_id", "category", "month")],
    "work_item": [("operation_id", "case", "title")],  # only for rows of a case (case not empty)
}


class BackupRefused(ValidationError):
    """A backup that cannot be restored; ``problems`` lists every reason. ``str()`` is one line (CLI, logs)."""

    def __init__(self, problems: list[str]):
        self.problems = [p if len(p) <= 300 else p[:299] + "…" for p in problems]
        self.headline = (f"This backup was not restored (the workspace is unchanged): "
                         f"{_plural(len(self.problems), 'problem')}.")
        super().__init__(f"{self.headline} " + "; ".join(self.shown()) + ".")

    def shown(self) -> list[str]:
        """The first :data:`SHOWN` problems, then "and N more"."""
        more = len(self.problems) - SHOWN
        return self.problems[:SHOWN] + ([f"and {more:,} more"] if more > 0 else [])


@dataclass
class CheckedBackup:
    """A backup that passed every check: typed rows per table, ready for ``bulk_insert``."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def backup_tables() -> dict[str, Any]:
    """The tables a backup holds, parents first."""
    return {t.name: t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_BACKED_UP}


# --- reading --------------------------------------------------------------------------------------------------


def read_backup(raw: bytes | str) -> CheckedBackup:
    """Parse a backup file's contents and check it (see the module docstring); raises :class:`BackupRefused`."""
    return check_backup(parse_backup(raw))


def parse_backup(raw: bytes | str) -> Any:
    """The JSON document in ``raw``; refuses non-UTF-8, non-JSON, truncated JSON, NaN/Infinity and repeated keys."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BackupRefused([f"the file is not UTF-8 text (byte {exc.start:,}); choose a backup made with "
                                 "“Prepare backup” or `python -m worksmith backup x.json`"]) from None
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                repeated.append(key)
            seen[key] = value
        return seen

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number a backup can hold")

    try:
        document = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(raw.rstrip()) - 1
        reason = "it ends too early (cut short?)" if cut else f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise BackupRefused([f"the file is not valid JSON: {reason}"]) from None
    except (ValueError, RecursionError) as exc:
        raise BackupRefused([f"the file is not a valid backup: {exc}"]) from None
    if repeated:
        names = ", ".join(f"'{k}'" for k in dict.fromkeys(repeated))
        raise BackupRefused([f"an object repeats the key {names}: which value is meant is ambiguous"])
    return document


# --- checking -------------------------------------------------------------------------------------------------


def check_backup(document: Any) -> CheckedBackup:
    """Check a parsed backup document; returns the typed rows or raises :class:`BackupRefused` with every problem."""
    if isinstance(document, CheckedBackup):
        return document
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise BackupRefused([f"this is not a Worksmith backup (expected an object with \"format\": "
                             f"\"{BACKUP_FORMAT}\")"])
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise BackupRefused(["the backup has no \"tables\" object (table name → list of rows)"])
    problems: list[str] = []
    known = backup_tables()
    unknown = sorted(str(name) for name in tables if name not in known)
    if unknown:
        problems.append(f"tables this version does not know: {', '.join(unknown)}")
    checked = CheckedBackup()
    for name, table in known.items():
        given = tables.get(name, [])
        if not isinstance(given, list):
            problems.append(f"table {name} must be a list of rows, not {_kind(given)}")
            continue
        checked.rows[name] = _check_table(name, table, given, problems)
    _check_unique(checked.rows, problems)
    # every id the backup holds, so a row refused above is named once, not again by the rows that refer to it
    ids = {name: {row.get("id") for row in given if isinstance(row, dict) and isinstance(row.get("id"), int)}
           for name, given in tables.items() if isinstance(given, list)}
    _check_references(checked.rows, known, ids, problems)
    _check_loops(checked.rows, problems)
    if problems:
        raise BackupRefused(problems)
    return checked


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _row_label(name: str, index: int, row: dict[str, Any]) -> str:
    key = row.get("id", row.get("key"))
    return f"{name} row {index + 1}" + (f" (id {key!r})" if key is not None else "")


def _check_table(name: str, table: Any, given: list, problems: list[str]) -> list[dict[str, Any]]:
    clean_rows = []
    create = _CREATE.get(name)
    for index, row in enumerate(given):
        if not isinstance(row, dict):
            problems.append(f"{name} row {index + 1} must be an object (column → value), not {_kind(row)}")
            continue
        label = _row_label(name, index, row)
        found: list[str] = []
        typed = _typed_row(table, row, found)
        if not found and create is not None:
            fields = CREATE_MODELS[create].model_fields
            try:
                values = validate(create, {k: v for k, v in typed.items() if k in fields})
            except ValidationError as exc:
                found.append(str(exc).partition(" — ")[2].rstrip(".") or str(exc))
            else:
                typed.update(values)
        problems.extend(f"{label}: {p}" for p in found)
        if not found:
            clean_rows.append(typed)
    return clean_rows


def _typed_row(table: Any, row: dict[str, Any], found: list[str]) -> dict[str, Any]:
    typed = {}
    for column_name in row:
        if column_name not in table.c:
            found.append(f"unknown column {column_name!r}")
    for column in table.c:
        if column.name not in row:
            required = not column.nullable and column.default is None and column.server_default is None
            if required or column.primary_key:
                found.append(f"{column.name} is missing")
            continue
        try:
            typed[column.name] = _typed(column, row[column.name])
        except ValueError as exc:
            label, message = column.name.replace("_", " "), str(exc)
            found.append(message if message.startswith(label) else f"{label}: {message}")
    return typed


def _typed(column: Any, value: Any) -> Any:
    """``value`` as the Python type of ``column``, within the generic bounds; ValueError says why not."""
    if value is None:
        if not column.nullable:
            raise ValueError("may not be empty (null)")
        return None
    kind = getattr(column.type, "impl", column.type)  # sqlmodel's UTCDateTime decorates DateTime
    if isinstance(kind, Boolean):
        if value not in (True, False) or not isinstance(value, bool | int):
            raise ValueError(f"must be true or false (got {value!r})")
        value = bool(value)
    elif isinstance(kind, Integer):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number (got {value!r})")
        if column.primary_key and value < 1:
            raise ValueError(f"must be a positive id (got {value})")
    elif isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number (got {value!r})")
        value = float(value)
    elif isinstance(kind, DateTime | Date):
        value = _moment(kind, value)
    elif isinstance(kind, String):
        if not isinstance(value, str):
            raise ValueError(f"must be text (got {value!r})")
        if kind.length and len(value) > kind.length:
            raise ValueError(f"is too long ({len(value):,} characters; at most {kind.length})")
    elif not isinstance(kind, JSON):
        raise ValueError(f"has a type a backup cannot restore ({kind})")
    m._check_value(value, column.name.replace("_", " "))  # noqa: SLF001 - the one definition of the bounds
    return value


def _moment(kind: Any, value: Any) -> date | datetime:
    wanted = "date and time" if isinstance(kind, DateTime) else "date"
    if not isinstance(value, str):
        raise ValueError(f"must be a {wanted} written YYYY-MM-DD (got {value!r})")
    try:
        return datetime.fromisoformat(value) if isinstance(kind, DateTime) else date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"must be a {wanted} written YYYY-MM-DD (got {value!r})") from None


def _check_unique(rows: dict[str, list[dict[str, Any]]], problems: list[str]) -> None:
    backed_up = backup_tables()
    for name, table_rows in rows.items():
        keys = [tuple(c.name for c in backed_up[name].primary_key.columns)] + UNIQUE_KEYS.get(name, [])
        for key in keys:
            seen: dict[tuple, int] = {}
            for row in table_rows:
                if name == "work_item" and key != ("id",) and not row.get("case"):
                    continue
                value = tuple(row.get(c) for c in key)
                seen[value] = seen.get(value, 0) + 1
            for value, n in seen.items():
                if n > 1:
                    shown = ", ".join(f"{c} {v!r}" for c, v in zip(key, value, strict=True))
                    problems.append(f"{name}: {n} rows have the same {shown}")


def _check_references(rows: dict[str, list[dict[str, Any]]], known: dict[str, Any], ids: dict[str, set],
                      problems: list[str]) -> None:
    for name, table_rows in rows.items():
        for column in known[name].c:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                for row in table_rows:
                    value = row.get(column.name)
                    if value is not None and value not in ids.get(target, ()):
                        problems.append(f"{name} id {row.get('id')}: {column.name} {value} points at no "
                                        f"{target.replace('_', ' ')} in the backup")


def _check_loops(rows: dict[str, list[dict[str, Any]]], problems: list[str]) -> None:
    links = {"dependency": [(r["pred_id"], r["succ_id"]) for r in rows.get("dependency", [])],
             "goal": [(r["parent_id"], r["id"]) for r in rows.get("goal", []) if r.get("parent_id") is not None]}
    for name, edges in links.items():
        loop = _loop(edges)
        if loop:
            what = "task" if name == "dependency" else "goal"
            problems.append(f"{name}: {what}s {' → '.join(map(str, loop))} form a loop")


def _loop(edges: list[tuple[Any, Any]]) -> list[Any] | None:
    """One cycle of the directed graph (first node repeated last), or None (iterative DFS)."""
    graph: dict[Any, list[Any]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[Any, int] = {}  # 1 on the path, 2 done
    for root in list(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(graph.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph.get(nxt, ())))
    return None
