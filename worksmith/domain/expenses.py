"""Expenses: the rules of one expense and the CSV import of many, all or nothing.

Pure module: plain data in, plain data out.

Rules
-----
* An expense (form or CSV, :func:`check_expense`): a positive finite amount, a date from 1 January
  ``EXPENSE_PAST_YEARS`` years back to ``EXPENSE_FUTURE_DAYS`` days ahead, a category from ``CATEGORIES``, a note of
  at most ``NOTE_MAX`` characters.
* A file (:func:`parse_expense_csv`) is imported whole or not at all: any row's problem refuses every row.
* A file has at most ``MAX_EXPENSE_ROWS`` (50,000) expense rows, counted before any row is checked, and no cell
  longer than the csv module's field limit (131,072 characters); either is refused with a sentence, not a crash.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, timedelta
from typing import Any

import pandas as pd

from worksmith import fmt
from worksmith.domain.budget_plan import CATEGORIES
from worksmith.domain.money import require_columns
from worksmith.errors import ValidationError
from worksmith.values import is_blank, is_missing, to_date

EXPENSE_PAST_YEARS = 5
EXPENSE_FUTURE_DAYS = 90
NOTE_MAX = 500
MAX_EXPENSE_ROWS = 50_000
EXPENSE_CSV_COLUMNS = ("date", "project", "category", "amount", "note")
_CSV_ALIASES = {"day": "date", "owner": "project", "operation": "project", "notes": "note", "description": "note"}
IMPORT_ROW_COLUMNS = ["row", "day", "project_id", "operation_id", "owner", "category", "amount", "note"]
IMPORT_ERROR_COLUMNS = ["row", "column", "value", "problem"]


def expense_date_range(today: date) -> tuple[date, date]:
    """The dates an expense may have: from 1 January ``EXPENSE_PAST_YEARS`` years back to ``EXPENSE_FUTURE_DAYS``
    days after today (an invoice dated a little ahead is fine; a typo like 2062 is not)."""
    day = to_date(today, "today")
    return date(day.year - EXPENSE_PAST_YEARS, 1, 1), day + timedelta(days=EXPENSE_FUTURE_DAYS)


def check_expense(*, day: Any, category: Any, amount: Any, note: Any, today: date) -> list[tuple[str, str]]:
    """Problems with one expense, as ``(field, sentence)`` pairs naming the field; empty when it is valid.

    Rules: ``amount`` a positive finite number; ``day`` a date inside :func:`expense_date_range`; ``category`` one
    of ``CATEGORIES``; ``note`` at most ``NOTE_MAX`` characters.
    """
    problems: list[tuple[str, str]] = []
    first, last = expense_date_range(today)
    if is_missing(day):
        problems.append(("date", "date is missing"))
    else:
        try:
            d = to_date(day, "date")
        except ValidationError:
            problems.append(("date", f"date {day!r} is not a date (use YYYY-MM-DD)"))
        else:
            if not first <= d <= last:
                problems.append(("date", f"date {fmt.day(d)} is outside {fmt.day(first)} – {fmt.day(last)}"))
    if is_blank(category):
        problems.append(("category", f"category is missing (one of {', '.join(CATEGORIES)})"))
    elif str(category).strip().lower() not in CATEGORIES:
        problems.append(("category", f"category '{category}' is not one of {', '.join(CATEGORIES)}"))
    if amount is None or amount is pd.NA or (isinstance(amount, str) and not amount.strip()):
        problems.append(("amount", "amount is missing"))
    else:
        try:
            value = float(amount)
        except (TypeError, ValueError):
            problems.append(("amount", f"amount {amount!r} is not a number"))
        else:
            if not math.isfinite(value):
                problems.append(("amount", f"amount must be a finite number, not {amount!r}"))
            elif value <= 0:
                problems.append(("amount", f"amount must be more than 0, not {fmt.money(value, '', cents=True)}"))
    if not is_missing(note) and len(str(note)) > NOTE_MAX:
        problems.append(("note", f"note is {len(str(note))} characters long (at most {NOTE_MAX})"))
    return problems


def _parse_amount(text: str) -> float | None:
    t = re.sub(r"[\s\u00a0\u202f€$£]", "", text)
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        return float(t)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+,\d+", t):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", t):
        return float(t.replace(",", "."))
    return None


def _parse_day(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _owner_lookup(projects: pd.DataFrame, operations: pd.DataFrame):
    require_columns(projects, ["id", "name"], "Projects")
    require_columns(operations, ["id", "name"], "Operations")
    project_ids = {int(i): str(n) for i, n in zip(projects["id"], projects["name"], strict=True)}
    operation_ids = {int(i): str(n) for i, n in zip(operations["id"], operations["name"], strict=True)}
    by_name: dict[str, tuple[str, int]] = {}
    for i, n in operation_ids.items():
        by_name.setdefault(n.strip().casefold(), ("operation", i))
    for i, n in project_ids.items():
        by_name[n.strip().casefold()] = ("project", i)  # a project wins over an operation of the same name

    def resolve(text: str) -> tuple[str, int, str] | str:
        key = text.strip()
        match = re.fullmatch(r"(project|operation)\s*[:#]\s*(\d+)", key, flags=re.IGNORECASE)
        if match:
            kind, number = match.group(1).lower(), int(match.group(2))
            names = project_ids if kind == "project" else operation_ids
            return (kind, number, names[number]) if number in names else f"there is no {kind} with id {number}"
        if re.fullmatch(r"\d+", key):
            number = int(key)
            if number in project_ids:
                return "project", number, project_ids[number]
            return f"there is no project with id {number}"
        found = by_name.get(key.casefold())
        if found is None:
            return f"there is no project or operation named '{key}'"
        kind, number = found
        return kind, number, (project_ids if kind == "project" else operation_ids)[number]

    return resolve


def parse_expense_csv(data: bytes | str, *, projects: pd.DataFrame, operations: pd.DataFrame,
                      today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read expenses from CSV text: ``date, project, category, amount, note``, all or nothing.

    * Header names are matched case-insensitively (``day`` = date, ``owner``/``operation`` = project,
      ``notes``/``description`` = note); other columns are ignored; ``note`` may be left out. The delimiter is
      ``,``, ``;`` or a tab (the one the header uses most).
    * ``date`` as ``YYYY-MM-DD`` inside :func:`expense_date_range`.
    * ``project``: a project id (``7``), a project name, an operation name (case-insensitive), or ``project:7`` /
      ``operation:3``. A project wins over an operation with the same name.
    * ``category`` one of ``CATEGORIES`` (any case); ``amount`` a positive number — ``1234.5``, ``1,234.50``,
      ``1.234,50``, ``12,50`` and a currency sign (€ $ £) are understood.
    * Blank lines are skipped; row numbers count data rows as a person reads them (row 1 = the first row below the
      header), blank ones included.

    Parameters
    ----------
    data : bytes or str
        The file (UTF-8, with or without BOM; Windows-1252 is tried when it is not UTF-8).
    projects, operations : DataFrame
        ``id``, ``name`` of the existing projects and operations.
    today : date
        For the date range.

    Returns
    -------
    (rows, errors) : tuple of DataFrame
        ``rows`` (``IMPORT_ROW_COLUMNS``: row, day, project_id, operation_id, owner name, category, amount, note)
        holds every valid row; ``errors`` (``IMPORT_ERROR_COLUMNS``: row — ``None`` for a whole-file problem —,
        column, value, problem) every problem. Import only when ``errors`` is empty: the rows of a file with any
        error must not be written (all or nothing).
    """
    resolve = _owner_lookup(projects, operations)
    errors: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []

    def error(row: int | None, column: str, value: Any, problem: str) -> None:
        errors.append({"row": row, "column": column, "value": "" if value is None else str(value),
                       "problem": problem})

    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            text = bytes(data).decode("cp1252", errors="replace")
    else:
        text = str(data).lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        error(None, "", "", "the file is empty: expected a header date, project, category, amount, note")
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    first = lines[header_line]
    delimiter = max([",", ";", "\t"], key=lambda d: (first.count(d), d == ","))
    records, count, problem = _records(csv.reader(io.StringIO("\n".join(lines[header_line:])), delimiter=delimiter))
    if problem is not None:
        error(problem[0], "", "", problem[1])
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    if count > MAX_EXPENSE_ROWS:
        error(None, "", "", f"the file has {count:,} expense rows; at most {MAX_EXPENSE_ROWS:,} can be imported at "
              "once — split it into smaller files")
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in records[0]]
    missing = [c for c in EXPENSE_CSV_COLUMNS[:4] if c not in header]
    if missing:
        error(None, ", ".join(missing), "", f"missing column{'s' if len(missing) > 1 else ''} "
              f"{', '.join(missing)} (the header needs date, project, category, amount and may have note)")
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    index = {c: header.index(c) for c in EXPENSE_CSV_COLUMNS if c in header}
    for number, rec in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in rec):
            continue
        cell = {c: (rec[i].strip() if i < len(rec) else "") for c, i in index.items()}
        before, reported = len(errors), set()
        day = _parse_day(cell["date"])
        if cell["date"] and day is None:
            error(number, "date", cell["date"], f"'{cell['date']}' is not a date (use YYYY-MM-DD, e.g. 2026-03-31)")
            reported.add("date")
        amount = _parse_amount(cell["amount"]) if cell["amount"] else None
        if cell["amount"] and amount is None:
            error(number, "amount", cell["amount"], f"'{cell['amount']}' is not a number")
            reported.add("amount")
        for field, problem in check_expense(day=day, category=cell["category"], amount=amount,
                                            note=cell.get("note", ""), today=today):
            if field not in reported:
                error(number, field, cell.get(field, ""), problem)
        owner = resolve(cell["project"]) if cell["project"] else "project is missing (a project id or name)"
        if isinstance(owner, str):
            error(number, "project", cell["project"], owner)
        if len(errors) > before:
            continue
        kind, owner_id, name = owner
        rows.append({"row": number, "day": day, "project_id": owner_id if kind == "project" else None,
                     "operation_id": owner_id if kind == "operation" else None, "owner": name,
                     "category": cell["category"].lower(), "amount": amount, "note": cell.get("note", "")})
    if not rows and not errors:
        error(None, "", "", "the file has a header but no expense rows")
    return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)


def _records(reader: Any) -> tuple[list[list[str]], int, tuple[int | None, str] | None]:
    """The header and data records (at most ``MAX_EXPENSE_ROWS`` non-blank ones kept), the number of non-blank data
    rows, and the problem ``(row, sentence)`` if the CSV cannot be read (row None = the header)."""
    records: list[list[str]] = []
    consumed = count = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return records, count, None
        except csv.Error as exc:
            row = consumed or None  # the header is record 0, data row n is record n
            where = "" if row else "in the header row, "
            if "field larger than field limit" in str(exc):
                return records, count, (row, f"{where}a cell is longer than {csv.field_size_limit():,} characters "
                                             f"(a note holds at most {NOTE_MAX}); the file cannot be imported")
            return records, count, (row, f"{where}the file cannot be read as CSV: {exc}")
        if consumed and any(cell.strip() for cell in rec):
            count += 1
        consumed += 1
        if count <= MAX_EXPENSE_ROWS:
            records.append(rec)


def _frame_of(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in columns}, columns=columns)
