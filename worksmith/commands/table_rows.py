"""Which fields each importable table has, and the check of every row of an import (the wizard's rules).

Tables: people, teams, projects, tasks (into a project), budget lines and expenses. :func:`prepare` reads each row
field by field (numbers, dates, lists separated by ``;`` or ``,``), resolves references by name, case-insensitively
("team = Marketing"), and validates the row by the table's ``Create`` model, so the bounds are the ones every other
write obeys. A name that matches nothing is *missing*: the wizard offers to create it (teams, people, projects,
phases) or the row is refused. A row whose duplicate key (the user's choice, e.g. a person's name or email) matches
an existing row is an update or a skip; two rows of the file with the same key are a problem. Nothing here writes:
:mod:`worksmith.commands.table_import` does, all or nothing. Reading files and guessing the mapping live in
:mod:`worksmith.exchange.tables_import` (exchange sits above commands).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
import pydantic
from sqlmodel import Session

from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.values import cell_text
from worksmith.views.tables import frame

SHOWN_PROBLEMS = 30


class ImportRefused(ValidationError):
    """The file (or some of its rows) cannot be imported; ``problems`` lists each one. Nothing was written."""

    def __init__(self, headline: str, problems: list[str]):
        self.headline, self.problems = headline, list(problems)
        shown = "\n".join(f"- {p}" for p in self.problems[:SHOWN_PROBLEMS])
        more = len(self.problems) - SHOWN_PROBLEMS
        super().__init__(headline + ("\n" + shown if shown else "") + (f"\n- … and {more} more" if more > 0 else ""))


@dataclass(frozen=True)
class Field:
    """One importable field: ``kind`` text/number/int/date/month/list/choice/ref; ``ref`` the table it names."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    ref: str = ""
    aliases: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    model: type
    fields: tuple[Field, ...]
    keys: dict[str, tuple[str, ...]]  # duplicate key label -> the fields that form it

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_OWNER = (Field("project", "Project", "ref", ref="project", aliases=("project name",), example="Website relaunch"),
          Field("operation", "Operation", "ref", ref="operation", aliases=("operation name",), example=""))
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("team", "Teams", m.Team, (
        Field("name", "Name", required=True, aliases=("team", "team name"), example="Marketing"),
        Field("description", "Description", aliases=("about",), example="Brand and campaigns"),
    ), {"Name": ("name",)}),
    Table("person", "People", m.Person, (
        Field("name", "Name", required=True, aliases=("person", "full name", "employee", "member"),
              example="Ana Lopez"),
        Field("email", "Email", aliases=("e-mail", "mail", "email address"), example="ana@example.com"),
        Field("team", "Team", "ref", ref="team", aliases=("team name", "department", "group"), example="Marketing"),
        Field("role", "Role", aliases=("job title", "title", "position"), example="Designer"),
        Field("weekly_hours", "Weekly hours", "number", aliases=("capacity", "hours per week", "hours/week",
                                                                 "weekly capacity"), example="40"),
        Field("availability", "Availability %", "number", aliases=("availability", "available %", "project %"),
              example="80"),
        Field("cost_rate", "Cost rate", "number", aliases=("hourly rate", "rate", "cost per hour", "hourly cost"),
              example="65"),
        Field("skills", "Skills", "list", aliases=("skill", "competences"), example="design; research"),
    ), {"Name": ("name",), "Email": ("email",)}),
    Table("project", "Projects", m.Project, (
        Field("name", "Name", required=True, aliases=("project", "project name", "title"), example="Website relaunch"),
        Field("description", "Description", example=""),
        Field("status", "Status", "choice", example="proposed"),
        Field("priority", "Priority", "int", example="3"),
        Field("start", "Start", "date", aliases=("start date", "begins"), example="2027-01-04"),
        Field("target_end", "Target end", "date", aliases=("end", "end date", "due", "deadline", "finish"),
              example="2027-06-30"),
        Field("budget", "Budget", "number", aliases=("bac", "budget at completion"), example="120000"),
        Field("expected_benefit", "Expected benefit", "number", aliases=("benefit",), example="200000"),
        Field("team", "Team", "ref", ref="team", aliases=("team name",), example="Marketing"),
        Field("manager", "Manager", "ref", ref="person", aliases=("project manager", "owner", "pm"),
              example="Ana Lopez"),
    ), {"Name": ("name",)}),
    Table("task", "Tasks", m.Task, (
        _OWNER[0],
        Field("name", "Name", required=True, aliases=("task", "task name", "title"), example="Design mock-ups"),
        Field("phase", "Phase", "ref", ref="phase", aliases=("stage", "summary task"), example="Design"),
        Field("assignee", "Assignee", "ref", ref="person", aliases=("owner", "resource", "assigned to", "who"),
              example="Ana Lopez"),
        Field("duration_days", "Duration (days)", "int", aliases=("duration", "days"), example="5"),
        Field("estimate_hours", "Estimate (hours)", "number", aliases=("estimate", "hours", "work"), example="32"),
        Field("percent_complete", "% complete", "number", aliases=("percent complete", "progress", "done %"),
              example="0"),
        Field("status", "Status", "choice", example="todo"),
        Field("start_no_earlier_than", "Start no earlier than", "date", aliases=("snet", "earliest start"),
              example=""),
    ), {"Project + name": ("project", "name")}),
    Table("budget_line", "Budget lines", m.BudgetLine, (
        *_OWNER,
        Field("category", "Category", "choice", example="software"),
        Field("month", "Month", "month", required=True, aliases=("period", "date"), example="2027-01"),
        Field("planned", "Planned", "number", required=True, aliases=("amount", "plan", "budget"), example="5000"),
    ), {"Owner + category + month": ("project", "operation", "category", "month")}),
    Table("expense", "Expenses", m.Expense, (
        *_OWNER,
        Field("day", "Date", "date", required=True, aliases=("date", "day", "spent on"), example="2027-01-15"),
        Field("amount", "Amount", "number", required=True, aliases=("cost", "value", "sum"), example="1200"),
        Field("category", "Category", "choice", example="travel"),
        Field("note", "Note", aliases=("description", "memo", "comment"), example="Train tickets"),
    ), {"Owner + date + amount + note": ("project", "operation", "day", "amount", "note"),
        "Never (always add)": ()}),
)}
REF_MODELS = {"team": m.Team, "person": m.Person, "project": m.Project, "operation": m.Operation, "phase": m.Phase}
CREATABLE = ("team", "person", "project", "phase")  # an operation needs more than a name: it is never created here



# ------------------------------------------------------------------------------------------------ checking rows
@dataclass
class Refs:
    """Names already in the workspace (casefolded -> id) and the rows a duplicate key may match."""

    names: dict[str, dict[Any, int]] = field(default_factory=dict)  # ref table -> name (phase: (project, name)) -> id
    existing: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # duplicate key -> (id, version)


@dataclass
class Prepared:
    """Every row as it will be saved, its problems, and what the import would do."""

    table: str
    rows: list[dict[str, Any]]  # field values with names for references (as shown)
    values: list[dict[str, Any]]  # model values (ids resolved; missing references as None, filled at write)
    refs: list[dict[str, Any]]  # per row: ref field -> name (for references the write resolves)
    problems: dict[int, list[str]]  # row number (1 = the first data row) -> problems
    missing: dict[str, set[str]]  # ref table -> names not found
    matches: dict[int, tuple[int, int]]  # row number -> existing (id, version) with the same key

    def problem_list(self) -> list[str]:
        return [f"row {n}: {p}" for n, ps in sorted(self.problems.items()) for p in ps]


def text_key(value: Any) -> str:
    return str(value).strip().casefold()


def _list(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[;,]", text) if s.strip()]


def _convert(f: Field, text: str) -> Any:
    """One cell as the field's type; ``ValueError`` with a sentence when it cannot be."""
    if f.kind in ("number", "int"):
        try:
            number = float(text.replace(" ", "").replace(",", "").rstrip("%").lstrip("$€£"))
        except ValueError:
            raise ValueError(f"not a number ({text[:40]!r})") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number ({text[:40]!r})")
        if f.kind == "number":
            return number
        if not number.is_integer():
            raise ValueError(f"not a whole number ({text!r})")
        return int(number)
    if f.kind in ("date", "month"):
        day = _date(text)
        return day.replace(day=1) if f.kind == "month" else day
    if f.kind == "list":
        return _list(text)
    if f.kind == "choice":
        return text.strip().lower()
    return text


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%Y-%m", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%a %d %b %Y"):
        try:
            return datetime.strptime(text.strip()[:40], pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date ({text[:40]!r}; write 2027-01-31)")


def _pydantic_problems(exc: pydantic.ValidationError, labels: dict[str, str]) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        out.append(f"{labels.get(loc, loc.replace('_', ' '))}: {msg}" if loc else msg)
    return out


ID_FIELD = {"team": "team_id", "manager": "manager_id", "assignee": "assignee_id", "project": "project_id",
             "operation": "operation_id", "phase": "phase_id"}
_PLACEHOLDER = 1  # validates a reference that the write fills in (missing names, created first)


def key_of(table: str, key: str, row: dict[str, Any]) -> tuple | None:
    """The duplicate key of a row as shown (names casefolded); None when the key is "never" or empty."""
    fields = TABLES[table].keys.get(key, ())
    if not fields:
        return None
    parts = tuple("" if row.get(f) is None else text_key(row[f]) if isinstance(row[f], str) else row[f]
                  for f in fields)
    return parts if any(p not in ("", None) for p in parts) else None


def prepare(data: pd.DataFrame, *, table: str, mapping: dict[str, str | None], refs: Refs, key: str = "",
            project: str = "", progress: Callable[[float], None] | None = None) -> Prepared:
    """Check every row of ``data`` against ``table`` with ``mapping`` (field -> column); see the module docstring.

    ``project`` (tasks): the project every row goes into when no column is mapped to it.
    """
    if table not in TABLES:
        raise ValidationError(f"Unknown table '{table}'.")
    spec = TABLES[table]
    key = key or next(iter(spec.keys))
    labels = {f.name: f.label for f in spec.fields} | {v: spec.field(k).label for k, v in ID_FIELD.items()
                                                       if k in {f.name for f in spec.fields}}
    unmapped = [f.label for f in spec.fields if f.required and not mapping.get(f.name)
                and not (f.name == "project" and project)]
    if unmapped:
        raise ImportRefused("Some required fields have no column.",
                            [f"choose the column that holds {u}." for u in unmapped])
    out = Prepared(table, [], [], [], {}, {}, {})
    seen: dict[tuple, int] = {}
    records = data.to_dict("records")
    for n, record in enumerate(records, start=1):
        if progress and n % 500 == 0:
            progress(n / len(records))
        problems: list[str] = []
        shown: dict[str, Any] = {}
        for f in spec.fields:
            column = mapping.get(f.name)
            text = cell_text(record.get(column, "")) if column else ""
            if f.name == "project" and not text and project:
                text = project
            if not text:
                shown[f.name] = None
                if f.required:
                    problems.append(f"{f.label} is empty.")
                continue
            try:
                shown[f.name] = text if f.kind == "ref" else _convert(f, text)
            except (ValueError, OverflowError) as exc:
                shown[f.name] = text
                problems.append(f"{f.label}: {exc}.")
        values, row_refs = _resolve(spec, shown, refs, out.missing, problems)
        if not problems:
            try:
                _validate(spec, values)
            except pydantic.ValidationError as exc:
                problems.extend(_pydantic_problems(exc, labels))
        k = key_of(table, key, shown)
        if k is not None:
            if k in seen:
                problems.append(f"same {key.lower()} as row {seen[k]}.")
            seen.setdefault(k, n)
            if k in refs.existing:
                out.matches[n] = refs.existing[k]
        out.rows.append(shown)
        out.values.append(values)
        out.refs.append(row_refs)
        if problems:
            out.problems[n] = problems
    return out


def _validate(spec: Table, values: dict[str, Any]) -> dict[str, Any]:
    filled = {k: (_PLACEHOLDER if v is None and k in ID_FIELD.values() and k in values.get("_fill", ()) else v)
              for k, v in values.items() if k != "_fill"}
    create = getattr(m, spec.model.__name__ + "Create")
    return create.model_validate({k: v for k, v in filled.items() if v is not None}).model_dump()


def _resolve(spec: Table, shown: dict[str, Any], refs: Refs, missing: dict[str, set[str]],
             problems: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    row_refs: dict[str, Any] = {}
    fill: list[str] = []
    for f in spec.fields:
        value = shown.get(f.name)
        if f.kind != "ref":
            if value is not None:
                values[f.name] = value
            continue
        id_field = ID_FIELD[f.name]
        if value is None:
            values[id_field] = None
            continue
        name = str(value).strip()
        lookup = (text_key(shown.get("project") or ""), text_key(name)) if f.ref == "phase" else text_key(name)
        found = refs.names.get(f.ref, {}).get(lookup)
        if found is None and f.ref == "phase" and text_key(shown.get("project") or "") not in refs.names.get(
                "project", {}):
            found = None  # a phase of a project that is itself missing: created with it
        if found is not None:
            values[id_field] = found
            continue
        if f.ref not in CREATABLE:
            problems.append(f"{f.label} '{name}' does not exist (create it on its page first).")
            values[id_field] = None
            continue
        missing.setdefault(f.ref, set()).add(name if f.ref != "phase" else f"{shown.get('project')} / {name}")
        row_refs[f.name] = name
        values[id_field] = None
        fill.append(id_field)
    values["_fill"] = tuple(fill)
    return values, row_refs



# ----------------------------------------------------------------------------------------------- database side
def load_refs(session: Session, *, table: str, key: str = "") -> Refs:
    """Existing names of every table a row may name, and the existing rows by the chosen duplicate key."""
    refs = Refs()
    for ref, model in REF_MODELS.items():
        rows = frame(session, model)
        if ref == "phase":
            projects = frame(session, m.Project)
            pname = dict(zip(projects["id"], projects["name"], strict=True)) if len(projects) else {}
            refs.names[ref] = {(text_key(pname.get(p, "")), text_key(n)): int(i) for i, p, n in
                               zip(rows["id"], rows["project_id"], rows["name"], strict=True)} if len(rows) else {}
        else:
            refs.names[ref] = {text_key(n): int(i) for i, n in zip(rows["id"], rows["name"], strict=True)} if len(
                rows) else {}
    spec = TABLES[table]
    key = key or next(iter(spec.keys))
    if not spec.keys.get(key):
        return refs
    rows = frame(session, spec.model)
    back = {ref: {i: n for n, i in refs.names[ref].items()} for ref in ("project", "operation")}
    for r in rows.to_dict("records"):
        shown = {f.name: r.get(f.name) for f in spec.fields if f.kind != "ref"}
        for f in spec.fields:
            if f.kind == "ref" and f.ref in back:
                shown[f.name] = back[f.ref].get(r.get(ID_FIELD[f.name]), "")
        shown = {k: (text_key(v) if isinstance(v, str) else v) for k, v in shown.items()}
        k = key_of(table, key, shown)
        if k is not None:
            refs.existing.setdefault(k, (int(r["id"]), int(r.get("version") or 1)))
    return refs
