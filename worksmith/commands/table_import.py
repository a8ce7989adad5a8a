"""The import wizard's write: one file into one table, all or nothing.

The file (read by ``exchange.tables_import``) has every row checked again here, inside the transaction
(``table_rows.prepare``, against the names in the database now), so what the preview showed cannot go stale into a
half-import. Any problem
refuses the whole file with the list of problems (``ImportRefused``). Otherwise, in this order:

1. with ``create_missing``, every team, person, project and phase a row names that does not exist is created by
   name (else such names refuse the file, listed);
2. each row whose duplicate key matches an existing row updates it (``on_duplicate="update"``, through
   ``core.update``: validation, version check, one audit row each) or is skipped (``"skip"``);
3. the other rows are created: through ``core.create`` (validation, reference checks, one audit row each) up to
   ``BULK_FROM`` rows, else validated by the same ``Create`` model and inserted in batches of ``BATCH`` with one audit
   row for the import (12k rows in seconds, not minutes);
4. the column mapping is remembered for this file shape; tasks are rescheduled.

``progress(fraction, message)`` is called along the way for the page's progress bar.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.commands.plans import reschedule_named
from worksmith.commands.table_rows import (
    ID_FIELD,
    REF_MODELS,
    TABLES,
    ImportRefused,
    Prepared,
    load_refs,
    prepare,
    text_key,
)
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import lock_plans

SETTING_PREFIX = "import_map:"
BULK_FROM = 500
BATCH = 1000
Progress = Callable[[float, str], None]


@dataclass
class ImportResult:
    table: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    unchanged: int = 0
    made: dict[str, list[str]] = field(default_factory=dict)  # ref table -> names created for the rows

    def summary(self) -> str:
        label = TABLES[self.table].label.lower()
        parts = [f"{self.created:,} {label} added"]
        if self.updated:
            parts.append(f"{self.updated:,} updated")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped (already there)")
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already up to date")
        for ref, names in self.made.items():
            parts.append(f"{len(names)} new {ref.replace('_', ' ')}{'s' if len(names) != 1 else ''} "
                         f"({', '.join(names[:5])}{'…' if len(names) > 5 else ''})")
        return "Imported: " + ", ".join(parts) + "."


def _noop(_fraction: float, _message: str) -> None:
    return None


def import_rows(session: Session, *, actor: Actor, table: str, frame: pd.DataFrame, filename: str = "",
                mapping: dict[str, str | None], key: str = "", on_duplicate: str = "skip",
                create_missing: bool = False, project: str = "", today: date | None = None,
                progress: Progress | None = None, shape: str = "") -> ImportResult:
    """Import the rows of a file (text cells, as ``exchange.tables_import.read_table`` gives them) into ``table``
    (see the module docstring); refuses the whole file on any problem. ``shape``: the setting key under which the
    mapping is remembered (empty: not remembered)."""
    core.require_actor(actor)
    if table not in TABLES:
        raise ValidationError(f"Unknown table '{table}': choose one of {', '.join(TABLES)}.")
    if on_duplicate not in ("update", "skip"):
        raise ValidationError("For rows that are already there choose 'update' or 'skip'.")
    spec = TABLES[table]
    key = key or next(iter(spec.keys))
    if key not in spec.keys:
        raise ValidationError(f"Duplicates of {spec.label.lower()} are found by {', '.join(spec.keys)}, not '{key}'.")
    tick = progress or _noop
    tick(0.0, "Checking the file")
    refs = load_refs(session, table=table, key=key)
    prepared = prepare(frame, table=table, mapping=mapping, refs=refs, key=key, project=project,
                       progress=lambda f: tick(0.4 * f, "Checking rows"))
    total = len(prepared.rows)
    if prepared.problems:
        raise ImportRefused(f"{len(prepared.problems):,} of {total:,} rows cannot be imported; nothing was saved.",
                            prepared.problem_list())
    if prepared.missing and not create_missing:
        raise ImportRefused("Some names in the file do not exist yet; nothing was saved. Tick “create what is "
                            "missing” to add them, or correct the file.",
                            [f"{ref.replace('_', ' ')} '{n}'" for ref, names in sorted(prepared.missing.items())
                             for n in sorted(names)])
    result = ImportResult(table)
    if table in ("task", "project"):
        lock_plans(session)  # Core writes of plan rows below: the plan lock first (see store.db.lock_plans)
    tick(0.45, "Adding what is missing")
    _create_missing(session, prepared, refs, actor, result)
    creates: list[dict[str, Any]] = []
    touched: set[int | None] = set()  # the projects whose plans change (a task moved: its old and new project)
    for n, (values, row_refs) in enumerate(zip(prepared.values, prepared.refs, strict=True), start=1):
        clean = _filled(spec, values, row_refs, prepared.rows[n - 1], refs)
        if n in prepared.matches:
            row_id, version = prepared.matches[n]
            if on_duplicate == "skip":
                result.skipped += 1
                continue
            before = session.get(spec.model, row_id)
            changes = {k: v for k, v in clean.items() if getattr(before, k, None) != v}
            if changes:
                touched |= {row_id} if table == "project" else {getattr(before, "project_id", None),
                                                                  clean.get("project_id")}
                core.update(session, spec.model, row_id, changes, expected_version=version, actor=actor)
                result.updated += 1
            else:
                result.unchanged += 1
        else:
            creates.append(clean)
        if n % 500 == 0:
            tick(0.5 + 0.2 * n / total, f"Row {n:,} of {total:,}")
    _insert(session, spec, creates, actor, filename, tick)
    result.created = len(creates)
    if shape:
        _remember(session, shape, list(frame.columns), mapping)
    if table in ("task", "project") and (result.created or result.updated):
        tick(0.95, "Rescheduling")
        touched |= {c.get("project_id") for c in creates} if table == "task" else set()  # a new project: no tasks
        reschedule_named(session, today=today or date.today(), project_ids=touched - {None})
    tick(1.0, "Done")
    return result


def _create_missing(session: Session, prepared: Prepared, refs, actor: Actor, result: ImportResult) -> None:
    for ref in ("team", "person", "project"):
        for name in sorted(prepared.missing.get(ref, ())):
            row = core.create(session, REF_MODELS[ref], {"name": name}, actor=actor)
            refs.names.setdefault(ref, {})[text_key(name)] = row.id
            result.made.setdefault(ref, []).append(name)
    positions: dict[int, int] = {}
    for shown, row_refs in zip(prepared.rows, prepared.refs, strict=True):
        if "phase" not in row_refs:
            continue
        project_key = text_key(shown.get("project") or "")
        lookup = (project_key, text_key(row_refs["phase"]))
        if lookup in refs.names.setdefault("phase", {}):
            continue
        project_id = refs.names["project"][project_key]
        if project_id not in positions:
            positions[project_id] = len(session.exec(
                m.Phase.__table__.select().where(m.Phase.__table__.c.project_id == project_id)).all())
        row = core.create(session, m.Phase, {"project_id": project_id, "name": row_refs["phase"],
                                             "position": positions[project_id]}, actor=actor)
        positions[project_id] += 1
        refs.names["phase"][lookup] = row.id
        result.made.setdefault("phase", []).append(row_refs["phase"])


def _filled(spec, values: dict[str, Any], row_refs: dict[str, Any], shown: dict[str, Any], refs) -> dict[str, Any]:
    """The row's model values with the references created for it filled in, validated by the Create model."""
    out = {k: v for k, v in values.items() if k != "_fill"}
    for name, value in row_refs.items():
        f = spec.field(name)
        lookup = (text_key(shown.get("project") or ""), text_key(value)) if f.ref == "phase" else text_key(value)
        out[ID_FIELD[name]] = refs.names[f.ref][lookup]
    given = {k: v for k, v in out.items() if v is not None or k in ID_FIELD.values()}
    return {k: v for k, v in core.validate(spec.model, given).items() if k in given}


def _insert(session: Session, spec, creates: list[dict[str, Any]], actor: Actor, filename: str,
            tick: Progress) -> None:
    if len(creates) < BULK_FROM:
        for i, values in enumerate(creates, start=1):
            core.create(session, spec.model, values, actor=actor)
            if i % 100 == 0:
                tick(0.7 + 0.25 * i / len(creates), f"Saved {i:,} of {len(creates):,}")
        return
    table = spec.model.__table__
    has_version = "version" in table.c
    rows = [core.validate(spec.model, v) | ({"version": 1} if has_version else {}) for v in creates]
    conn = session.connection()
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start:start + BATCH])
        tick(0.7 + 0.25 * min(start + BATCH, len(rows)) / len(rows), f"Saved {min(start + BATCH, len(rows)):,} "
             f"of {len(rows):,}")
    core.log(session, actor, "import", spec.model.__tablename__, None,
             f"imported {len(rows):,} {spec.label.lower()} from {filename or 'a file'}", after={"rows": len(rows)})


def _remember(session: Session, key: str, headers: list[str], mapping: dict[str, str | None]) -> None:
    if not key.startswith(SETTING_PREFIX) or len(key) > 64:
        raise ValidationError("A remembered import mapping needs a key like import_map:<hash>.")
    value = json.dumps({f: c for f, c in mapping.items() if c in headers})
    row = session.get(m.Setting, key)
    if row is None:
        session.add(m.Setting(key=key, value=value))
    else:
        row.value = value
