"""What a scenario changed, compared with live: one :class:`Change` per row, in words a person reads aloud.

A scenario is a branch of the workspace (``worksmith.store.branches``) that remembers, for every live row, the
version it had when the branch chain began (``branch_base``). Per table:

* a row in the branch and in the base whose version differs from its base version was **changed** in the
  scenario (tables without a version column: the row differs from live's);
* a row in the branch without a base entry was **created** in the scenario;
* a base entry without a row in the branch was **deleted** in the scenario.

The "before" of a change is live's row; when live's version is no longer the base version, live moved since the
branch was made and the change is a **conflict**: shown, never applied. Computed columns (a task's scheduled dates,
float and critical flag, a project's P80 finish) are not changes: they follow from the plan and are recomputed on
live after an apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from worksmith import fmt
from worksmith.store import branches
from worksmith.store import models as m
from worksmith.views.tables import entity_label, field_label

NOT_COMPARED = {"activity_log", "setting", "workspace_revision", "work_item_move"}  # history and bookkeeping
COMPUTED = {"version", "start_date", "finish_date", "total_float", "critical", "p80_finish"}
NAMED_BY = {"person": "name", "team": "name", "goal": "title", "project": "name", "phase": "name", "task": "name",
            "operation": "name", "request": "title", "key_result": "title"}


@dataclass(frozen=True)
class Change:
    """One row changed, created or deleted in a scenario."""

    key: str  # "project:4" — stable across reruns, for selection
    table: str
    row_id: int
    kind: str  # "update" | "create" | "delete"
    label: str  # "Project 'ERP migration': start Tue 1 Dec 2026 → Tue 5 Jan 2027"
    fields: dict[str, Any] = field(default_factory=dict)  # update: new values; create: the row without id
    base_version: int | None = None
    conflict: str | None = None  # why it cannot be applied (live moved since the branch)


def _rows(session: Session, table) -> dict[int, dict[str, Any]]:
    result = session.connection().execute(select(table))
    return {row.id: dict(row._mapping) for row in result}


def _names(branch: dict[str, dict[int, dict]], live: dict[str, dict[int, dict]]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for source in (live, branch):  # the scenario's names win (a renamed project reads by its new name)
        for table, attr in NAMED_BY.items():
            for row_id, row in source.get(table, {}).items():
                names[(table, row_id)] = str(row.get(attr) or row_id)
    return names


def _value_text(column, value: Any, names: dict[tuple[str, int], str]) -> str:
    if value is None or value == "":
        return fmt.DASH
    for fk in column.foreign_keys:
        return names.get((fk.column.table.name, value), str(value))
    if isinstance(value, datetime):
        return fmt.day(value.date())
    if isinstance(value, date):
        return fmt.day(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _subject(table, row_id: int, row: dict, names) -> str:
    label = entity_label_of(table)
    name = names.get((table.name, row_id)) or row.get("name") or row.get("title")
    return f"{label} '{name}'" if name else f"{label} #{row_id}"


def entity_label_of(table) -> str:
    model = model_of(table.name)
    return entity_label(model) if model is not None else table.name.replace("_", " ").capitalize()


def model_of(table_name: str) -> type[SQLModel] | None:
    for mapper in SQLModel._sa_registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == table_name:
            return cls
    return None


def scenario_changes(branch_session: Session, live_session: Session) -> list[Change]:
    """Every change of the scenario against live, parents before children (the order an apply needs)."""
    base = branches.base_versions(branch_session)
    base_ids: dict[str, dict[int, int | None]] = {}
    for (table, row_id), version in base.items():
        base_ids.setdefault(table, {})[row_id] = version
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_COMPARED and "id" in t.c]
    branch_rows = {t.name: _rows(branch_session, t) for t in tables}
    live_rows = {t.name: _rows(live_session, t) for t in tables}
    names = _names(branch_rows, live_rows)
    out: list[Change] = []
    for table in tables:
        mine, theirs, based = branch_rows[table.name], live_rows[table.name], base_ids.get(table.name, {})
        versioned = "version" in table.c
        compared = [c for c in table.columns if c.name not in COMPUTED and c.name != "id"]
        for row_id, row in mine.items():
            if row_id not in based:
                out.append(_created(table, row_id, row, compared, names))
                continue
            live = theirs.get(row_id)
            if versioned and row["version"] == based[row_id]:
                continue
            if live is None:
                out.append(Change(f"{table.name}:{row_id}", table.name, row_id, "update",
                                  f"{_subject(table, row_id, row, names)}: deleted on live since the scenario "
                                  "was made", base_version=based[row_id], conflict="deleted on live since"))
                continue
            diff = {c.name: (live[c.name], row[c.name]) for c in compared if live[c.name] != row[c.name]}
            if not diff:
                continue
            conflict = None
            if versioned and live["version"] != based[row_id]:
                conflict = f"changed on live since (version {live['version']}, the scenario started from " \
                           f"{based[row_id]})"
            words = ", ".join(f"{field_label(name)} {_value_text(table.c[name], before, names)} → "
                              f"{_value_text(table.c[name], after, names)}" for name, (before, after) in diff.items())
            out.append(Change(f"{table.name}:{row_id}", table.name, row_id, "update",
                              f"{_subject(table, row_id, row, names)}: {words}",
                              {name: after for name, (_before, after) in diff.items()}, based[row_id], conflict))
        for row_id, version in based.items():
            if row_id in mine:
                continue
            live = theirs.get(row_id)
            subject = _subject(table, row_id, live or {}, names)
            conflict = None
            if live is None:
                conflict = "already deleted on live"
            elif versioned and live["version"] != version:
                conflict = f"changed on live since (version {live['version']}, the scenario started from {version})"
            out.append(Change(f"{table.name}:{row_id}", table.name, row_id, "delete", f"{subject}: deleted",
                              base_version=version, conflict=conflict))
    return out


def _created(table, row_id: int, row: dict, compared, names) -> Change:
    values = {c.name: row[c.name] for c in compared}
    shown = [f"{field_label(c.name)} {_value_text(c, row[c.name], names)}" for c in compared
             if c.name not in ("name", "title") and row[c.name] not in (None, "", 0, 0.0, False, [], {})][:4]
    detail = f" ({', '.join(shown)})" if shown else ""
    return Change(f"{table.name}:{row_id}", table.name, row_id, "create",
                  f"{_subject(table, row_id, row, names)}: new{detail}", values)


def change_count(branch_session: Session) -> int:
    """How many edits the scenario has had: its audit entries since it was made (cheap, for the banner)."""
    start = branches.log_start(branch_session)
    log = m.ActivityLog.__table__
    rows = branch_session.connection().execute(select(log.c.id).where(log.c.id > start)).fetchall()
    return len(rows)
