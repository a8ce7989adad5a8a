"""Checking a plan file's table (DESIGN §4; the file format is described in :mod:`worksmith.exchange.planfile`) and
scheduling the plan: the data model (:class:`Plan`, :class:`PlanRow`, :class:`RowError`), the checks, the export
table. No spreadsheet library here: the command line schedules a CSV plan with this module,
:mod:`worksmith.exchange.planrows` and :mod:`worksmith.exchange.cells` (issue 16).

Every rule is written once, per row, in :func:`_check_row`. Cells of the plain kind a generated or exported file
mostly holds (digits, canonical predecessors ``3,5SS,7FF-1d``, empty optional cells, no three-point estimate) are
read a column at a time instead; a row with any other cell goes through :func:`_check_row`, so messages are the
same either way. A plan without errors is scheduled once: the cycle check is that CPM pass, kept in
:attr:`Plan.schedule` for :func:`schedule_plan`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import Estimate, check_estimates
from worksmith.domain.notation import Link, parse_predecessors
from worksmith.domain.schedule import Dep, ScheduleResult, TaskSpec, compute_schedule, schedule_dates
from worksmith.errors import CycleError, ValidationError
from worksmith.exchange.cells import csv_bytes
from worksmith.exchange.planrows import EXTRA_CELLS_COLUMN, PLAN_COLUMNS, RISK_COLUMNS, frame_of, header_key
from worksmith.values import cell_text, finite_or_none, is_blank, whole_number

__all__ = [
    "DATE_COLUMNS",
    "EXPORT_COLUMNS",
    "SCHEDULE_COLUMNS",
    "Plan",
    "PlanFileError",
    "PlanRow",
    "RowError",
    "annotate_errors",
    "file_format",
    "parse_plan",
    "plan_csv_bytes",
    "schedule_plan",
    "validate_plan",
]

SCHEDULE_COLUMNS: list[str] = ["early_start", "early_finish", "late_start", "late_finish", "total_float_days",
                               "critical"]
DATE_COLUMNS: list[str] = ["start_date", "finish_date"]
EXPORT_COLUMNS: list[str] = PLAN_COLUMNS + SCHEDULE_COLUMNS + DATE_COLUMNS
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "duration_days")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ROW_CONVENTION = "row 1 = the first row below the header"
MAX_LISTED_ERRORS = 25




# ------------------------------------------------------------------------------------------- data model
@dataclass(frozen=True)
class RowError:
    """One problem found in a plan file.

    ``row`` is the data row (1 = first row below the header) or None for a whole-file problem;
    ``task_id`` the row's id when it could be read; ``column`` the column concerned, if one.
    """

    row: int | None
    message: str
    task_id: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"Row {self.row}" + (f" (id {self.task_id})" if self.task_id is not None else "")
        return f"{where}: {self.message}"


class PlanFileError(ValidationError):
    """A plan file refused as a whole; ``errors`` lists every :class:`RowError` found."""

    def __init__(self, errors: Sequence[RowError], source: str | None = None):
        self.errors = list(errors)
        what = f"Plan file '{source}'" if source else "Plan file"
        count = len(self.errors)
        lines = [f"{what} refused, nothing imported: {count} problem{'s' if count != 1 else ''} ({ROW_CONVENTION})."]
        lines += [f"- {e}" for e in self.errors[:MAX_LISTED_ERRORS]]
        if count > MAX_LISTED_ERRORS:
            lines.append(f"- … and {count - MAX_LISTED_ERRORS} more.")
        first = self.errors[0] if self.errors else None
        super().__init__("\n".join(lines), field=first.column if first else None, row=first.row if first else None)


@dataclass(frozen=True)
class PlanRow:
    """One valid task row of a plan file (``row`` = data row number, 1 = first row below the header)."""

    row: int
    id: int
    name: str
    phase: str
    duration_days: int
    predecessors: str
    assignee: str
    estimate_hours: float | int | None
    start_no_earlier_than: int | None
    links: tuple[Link, ...] = ()
    duration_min_days: int | None = None  # with duration_max_days: a three-point estimate (see domain.montecarlo)
    duration_max_days: int | None = None


@dataclass(frozen=True)
class Plan:
    """A validated plan: its rows, and the same as :class:`TaskSpec` / :class:`Dep` for the scheduler."""

    rows: list[PlanRow]
    tasks: list[TaskSpec]
    deps: list[Dep]
    # The schedule of tasks and deps when parse_plan computed it (its cycle check is that CPM pass); not compared.
    schedule: ScheduleResult | None = field(default=None, compare=False, repr=False)

    @property
    def names(self) -> dict[int, str]:
        """Task id -> name."""
        return {r.id: r.name for r in self.rows}

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the import columns (optional numbers as int/float or None)."""
        return frame_of(
            {
                "id": [r.id for r in self.rows],
                "name": [r.name for r in self.rows],
                "phase": [r.phase for r in self.rows],
                "duration_days": [r.duration_days for r in self.rows],
                "predecessors": [r.predecessors for r in self.rows],
                "assignee": [r.assignee for r in self.rows],
                "estimate_hours": [r.estimate_hours for r in self.rows],
                "start_no_earlier_than": [r.start_no_earlier_than for r in self.rows],
                **({"duration_min_days": [r.duration_min_days for r in self.rows],
                    "duration_max_days": [r.duration_max_days for r in self.rows]} if self.has_estimates else {}),
            }
        )

    @property
    def has_estimates(self) -> bool:
        """Any row with a three-point estimate (the optional columns are then written back)."""
        return any(r.duration_min_days is not None for r in self.rows)

    def estimates(self) -> dict[int, Estimate]:
        """Task id -> three-point estimate, for :func:`worksmith.domain.montecarlo.simulate`."""
        return {r.id: Estimate(r.duration_min_days, r.duration_max_days) for r in self.rows
                if r.duration_min_days is not None}


# ------------------------------------------------------------------------------------------- validation
def _date_cell(value: object) -> date | None:
    """A date from an Excel date cell or ISO text ``2026-03-02``; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _not_before(raw: object, start: date | None, calendar: WorkCalendar | None) -> tuple[int | None, str | None]:
    """``start_no_earlier_than`` as a working-day offset, or a problem: an offset >= 0 as it is; a date as its
    offset from ``start`` on ``calendar`` (a date on or before the start is 0; a non-working date counts as the
    next working day); a date without ``start`` is refused."""
    if is_blank(raw):
        return None, None
    offset = whole_number(raw)
    if offset is not None and not isinstance(raw, date):
        if offset < 0:
            return None, f"start_no_earlier_than must be 0 or more working days (0 = the project start), got {offset}"
        return offset, None
    day = _date_cell(raw)
    if day is None:
        return None, ("start_no_earlier_than must be a working-day offset (a whole number of 0 or more, 0 = the "
                      f"project start) or a date YYYY-MM-DD, got '{cell_text(raw)}'")
    if start is None:
        return None, (f"start_no_earlier_than is a date ({day.isoformat()}) but the plan has no start date to count "
                      "from; give one (schedule --start YYYY-MM-DD) or write working days from the start")
    return max(0, (calendar or WorkCalendar()).offset_of(day, start)), None




def _check_row(number: int, cell: dict[str, object], extra: object, first_row_of: dict[int, int],
               start: date | None, calendar: WorkCalendar | None) -> tuple[PlanRow | None, list[tuple[str, str]]]:
    """One row, every rule (the reference: :func:`_fast_columns` takes only rows this gives the same for).

    Returns the row read (None without a usable id) and its problems ``(column, message)`` in column order;
    ``first_row_of`` (id -> first row) gets the row's id when it is new."""
    problems: list[tuple[str, str]] = []
    if not is_blank(extra):
        problems.append(
            ("predecessors", f'{cell_text(extra)}; a list of predecessors must be in quotes, e.g. "2,3FS+1d"'))

    task_id: int | None = None
    raw_id = cell["id"]
    if is_blank(raw_id):
        problems.append(("id", "id is missing"))
    else:
        task_id = whole_number(raw_id)
        if task_id is None or task_id < 0:
            problems.append(("id", f"id must be a whole number of 0 or more, got '{cell_text(raw_id)}'"))
            task_id = None
        elif task_id in first_row_of:
            problems.append(("id", f"duplicate id {task_id}, already used in row {first_row_of[task_id]}"))
        else:
            first_row_of[task_id] = number

    duration = whole_number(cell["duration_days"])
    if is_blank(cell["duration_days"]):
        problems.append(("duration_days", "duration_days is missing (0 for a milestone)"))
    elif duration is None:
        problems.append(("duration_days", "duration_days must be a whole number of working days, got "
                                          f"'{cell_text(cell['duration_days'])}'"))
    elif duration < 0:
        problems.append(("duration_days", f"duration_days must be 0 (milestone) or more, got {duration}"))

    links: list[Link] = []
    try:
        links = parse_predecessors(cell["predecessors"])
    except ValueError as exc:
        problems.append(("predecessors", str(exc)))

    estimate: float | int | None = None
    if not is_blank(cell["estimate_hours"]):
        number_value = finite_or_none(cell["estimate_hours"])
        if number_value is None:
            problems.append(("estimate_hours",
                             f"estimate_hours must be a number of hours, got '{cell_text(cell['estimate_hours'])}'"))
        elif number_value < 0:
            problems.append(("estimate_hours",
                             f"estimate_hours must be 0 or more, got {cell_text(cell['estimate_hours'])}"))
        else:
            estimate = int(number_value) if number_value.is_integer() else number_value

    snet, problem = _not_before(cell["start_no_earlier_than"], start, calendar)
    if problem:
        problems.append(("start_no_earlier_than", problem))
    low, high = _three_point(cell, duration, problems)
    if task_id is None:
        return None, problems
    return PlanRow(
        row=number,
        id=task_id,
        name=cell_text(cell["name"]),
        phase=cell_text(cell["phase"]),
        duration_days=duration if duration is not None and duration >= 0 else 0,
        predecessors=cell_text(cell["predecessors"]),
        assignee=cell_text(cell["assignee"]),
        estimate_hours=estimate,
        start_no_earlier_than=snet,
        links=tuple(links),
        duration_min_days=low,
        duration_max_days=high,
    ), problems


# Fast path (issue 16): a cell of the plain kind a plan file mostly holds is read column by column here, without the
# rules above; any other cell sends its row through _check_row. Each reading below is what _check_row reads for
# such a cell, and no such cell is a problem (tests/unit/test_plancheck.py compares both on messy input).
_SLOW = object()  # "not a plain cell"
_LINK = r"[0-9]+(?:FS|SS|FF|SF)?(?:[+-][0-9]+d)?"
_PLAIN_LINKS = re.compile(rf"{_LINK}(?:,{_LINK})*")
_LINK_PARTS = re.compile(r"([0-9]+)(FS|SS|FF|SF)?(?:([+-])([0-9]+)d)?")


def _empty(v: object) -> bool:
    """None, '' or NaN (no pandas: a cell of any other kind is not plain)."""
    return v is None or (type(v) is str and not v) or (type(v) is float and v != v)  # type: ignore[comparison-overlap]


def _plain_whole(v: object) -> object:
    """A whole number >= 0 written as digits (or an int), else _SLOW."""
    kind = type(v)
    if kind is str:
        return int(v) if v.isdigit() and v.isascii() else _SLOW  # type: ignore[union-attr]
    return v if kind is int and v >= 0 else _SLOW  # type: ignore[operator]


def _plain_optional(v: object) -> object:
    """None for an empty cell, else as :func:`_plain_whole`."""
    if _empty(v):
        return None
    return _plain_whole(v)


def _plain_hours(v: object) -> object:
    """None for an empty cell, a whole number of hours written as at most 15 digits (so that the float the
    reference reads it through is exact) or an int below 2**53, else _SLOW."""
    if _empty(v):
        return None
    kind = type(v)
    if kind is str:
        return int(v) if len(v) <= 15 and v.isdigit() and v.isascii() else _SLOW  # type: ignore[arg-type]
    return v if kind is int and 0 <= v < 2**53 else _SLOW  # type: ignore[operator]


def _plain_text(v: object) -> str:
    if v is None:
        return ""
    return v.strip() if type(v) is str else cell_text(v)  # type: ignore[union-attr]


def _plain_links(v: object) -> object:
    """The links of an empty cell or of canonical notation (``3``, ``3,5SS,7FF-1d``), else _SLOW."""
    if _empty(v):
        return ()
    if type(v) is not str:
        return _SLOW
    if v.isdigit() and v.isascii():  # type: ignore[union-attr]
        return (Link(int(v)),)  # type: ignore[arg-type]
    if _PLAIN_LINKS.fullmatch(v) is None:  # type: ignore[arg-type]
        return _SLOW
    return tuple(Link(int(pred), kind or "FS", (-int(lag) if sign == "-" else int(lag)) if lag else 0)
                 for pred, kind, sign, lag in _LINK_PARTS.findall(v))  # type: ignore[arg-type]


def _fast_columns(values: dict[str, list[object]], extra: list[object]) -> dict[str, list[object]]:
    """Each column read by its plain reading (``_SLOW`` where a cell is not plain), plus ``plain``: the rows whose
    every cell is plain (the three-point columns empty, no extra cells)."""
    out: dict[str, list[object]] = {
        "id": [_plain_whole(v) for v in values["id"]],
        "duration_days": [_plain_whole(v) for v in values["duration_days"]],
        "links": [_plain_links(v) for v in values["predecessors"]],
        "estimate_hours": [_plain_hours(v) for v in values["estimate_hours"]],
        "start_no_earlier_than": [_plain_optional(v) for v in values["start_no_earlier_than"]],
    }
    risk = [_plain_optional(v) is None and _plain_optional(w) is None
            for v, w in zip(values["duration_min_days"], values["duration_max_days"], strict=True)]
    out["plain"] = [e is None and r and _SLOW not in row for e, r, *row in zip(extra, risk, *out.values(), strict=True)]
    return out


def _check(df: pd.DataFrame, start: date | None = None,
           calendar: WorkCalendar | None = None) -> tuple[list[PlanRow], list[RowError], CycleError | None,
                                                           Plan | None]:
    """Parse and check every row; return the rows read, all errors (a cycle included), the cycle, and the plan
    when there is no error, with its schedule (the cycle check is that one CPM pass). ``start`` and ``calendar``
    turn a 'not before' date into its working-day offset."""
    columns: dict[str, Any] = {}
    for c in df.columns:
        columns.setdefault(header_key(c), c)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return (
            [],
            [
                RowError(
                    None,
                    f"Missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                    f"expected columns: {','.join(PLAN_COLUMNS)}.",
                    column=missing[0],
                )
            ],
            None,
            None,
        )

    def cells(col: str) -> list[object]:
        return list(df[columns[col]]) if col in columns else [None] * len(df)

    all_columns = PLAN_COLUMNS + RISK_COLUMNS
    values = {col: cells(col) for col in all_columns}
    extra_cells = list(df[EXTRA_CELLS_COLUMN]) if EXTRA_CELLS_COLUMN in df.columns else [None] * len(df)
    fast = _fast_columns(values, extra_cells)
    plain, ids, durations, links_of = fast["plain"], fast["id"], fast["duration_days"], fast["links"]
    estimates, snets = fast["estimate_hours"], fast["start_no_earlier_than"]
    names, phases, assignees = values["name"], values["phase"], values["assignee"]
    predecessors = values["predecessors"]
    errors: list[RowError] = []
    rows: list[PlanRow] = []
    first_row_of: dict[int, int] = {}
    for pos in range(len(df)):
        number = pos + 1
        task_id = ids[pos]
        if plain[pos] and task_id not in first_row_of:
            first_row_of[task_id] = number  # type: ignore[index]
            rows.append(PlanRow(number, task_id, _plain_text(names[pos]), _plain_text(phases[pos]),  # type: ignore[arg-type]
                                durations[pos], _plain_text(predecessors[pos]), _plain_text(assignees[pos]),  # type: ignore[arg-type]
                                estimates[pos], snets[pos], links_of[pos]))  # type: ignore[arg-type]
            continue
        cell = {col: values[col][pos] for col in all_columns}
        if all(is_blank(v) for v in cell.values()):
            continue
        row, problems = _check_row(number, cell, extra_cells[pos], first_row_of, start, calendar)
        errors.extend(RowError(number, msg, row.id if row else None, col) for col, msg in problems)
        if row is not None:
            rows.append(row)

    if not first_row_of and not errors:
        errors.append(RowError(None, "The plan file has no task rows below the header."))

    # Unknown predecessors (needs every id first), then a cycle among the known links.
    known = first_row_of.keys()
    for r in rows:
        for link in r.links:
            if link.pred not in known:
                errors.append(RowError(r.row, f"unknown predecessor {link.pred}", r.id, "predecessors"))
    unique_rows = [r for r in rows if first_row_of.get(r.id) == r.row] if errors else rows
    cycle: CycleError | None = None
    result: ScheduleResult | None = None
    # Without errors these are exactly the plan's tasks and links (parse_plan), so this pass is its schedule.
    tasks = [TaskSpec(r.id, r.duration_days, r.start_no_earlier_than, r.name) for r in unique_rows]
    deps = [Dep(link.pred, r.id, link.type, link.lag) for r in unique_rows for link in r.links if link.pred in known]
    try:
        result = compute_schedule(tasks, deps)
    except CycleError as exc:
        cycle = exc
        first = exc.cycle[0]
        errors.append(RowError(first_row_of[first], str(exc), first, "predecessors"))
    errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    return rows, errors, cycle, (Plan(rows, tasks, deps, result) if result is not None and not errors else None)


def _three_point(cell: dict, duration: int | None, problems: list[tuple[str, str]]) -> tuple[int | None, int | None]:
    """The optional ``duration_min_days`` / ``duration_max_days`` of a row (both or neither; min <= duration <=
    max; min >= 0); a problem is added for each rule broken."""
    raw = {col: cell[col] for col in RISK_COLUMNS}
    if all(is_blank(v) for v in raw.values()):
        return None, None
    numbers: dict[str, int | None] = {}
    for col, value in raw.items():
        numbers[col] = None if is_blank(value) else whole_number(value)
        if is_blank(value):
            problems.append((col, f"{col} is missing: give both duration_min_days and duration_max_days, or neither"))
        elif numbers[col] is None:
            problems.append((col, f"{col} must be a whole number of working days, got '{cell_text(value)}'"))
    low, high = numbers["duration_min_days"], numbers["duration_max_days"]
    if low is None or high is None:
        return None, None
    before = len(problems)
    for _task, why in check_estimates([TaskSpec(0, duration if duration is not None else low)],
                                        {0: Estimate(low, high)}):
        problems.append(("duration_min_days" if "min" in why.split()[0] else "duration_max_days", why))
    return (low, high) if len(problems) == before else (None, None)


def validate_plan(df: pd.DataFrame, *, start: date | None = None,
                  calendar: WorkCalendar | None = None) -> list[RowError]:
    """Check a plan table (e.g. from :func:`read_plan_frame`) and return every problem, for a preview.

    Parameters
    ----------
    df:
        One row per task with the import columns (extra columns are ignored). Row numbers in the errors are
        positions in ``df`` starting at 1 (= the first row below the header of the file).
    start, calendar:
        The plan's start date and working days (default Monday–Friday): a ``start_no_earlier_than`` date is
        counted from it; without ``start`` a date is a problem of its row.

    Returns
    -------
    list[RowError]
        Empty if the plan can be imported. Checks: missing columns, missing/duplicate/non-numeric id,
        missing/non-integer/negative duration, bad predecessor notation, unknown predecessor id,
        non-numeric/negative estimate, bad start-no-earlier-than, dependency cycles.
    """
    return _check(df, start, calendar)[1]


def annotate_errors(df: pd.DataFrame, errors: Sequence[RowError]) -> pd.DataFrame:
    """Return a copy of ``df`` with a ``problems`` column (messages joined by "; ", "" when the row is fine)."""
    by_row: dict[int, list[str]] = {}
    for e in errors:
        if e.row is not None:
            by_row.setdefault(e.row, []).append(e.message)
    out = df.copy()
    out["problems"] = ["; ".join(by_row.get(pos + 1, [])) for pos in range(len(df))]
    return out


def parse_plan(df: pd.DataFrame, source: str | None = None, *, start: date | None = None,
               calendar: WorkCalendar | None = None) -> Plan:
    """Validate a plan table and build the :class:`Plan`, or refuse it as a whole.

    Parameters
    ----------
    df:
        As for :func:`validate_plan`.
    source:
        File name to mention in the error message.
    start, calendar:
        As for :func:`validate_plan`.

    Returns
    -------
    Plan

    Raises
    ------
    CycleError
        The dependencies form a loop and that is the only problem (``cycle`` lists the task ids).
    PlanFileError
        Any other problem (a :class:`ValidationError`; ``errors`` lists all of them, a cycle included).
    """
    _rows, errors, cycle, plan = _check(df, start, calendar)
    if cycle is not None and len(errors) == 1:
        raise cycle
    if errors or plan is None:
        raise PlanFileError(errors, source)
    return plan


# ------------------------------------------------------------------------------------------- export
def schedule_plan(plan: Plan, start: date | None = None, calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Schedule a plan and return the export table.

    Parameters
    ----------
    plan:
        A validated plan.
    start:
        Project start date (day 0, or the next working day). Without it there are no date columns.
    calendar:
        Working days (default Monday–Friday, no holidays).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PLAN_COLUMNS` + :data:`SCHEDULE_COLUMNS` (+ :data:`DATE_COLUMNS` with a start date), one
        row per task in file order; ``critical`` is the text ``true``/``false``; dates are ISO text.

    Raises
    ------
    ScheduleError
        If the plan cannot be scheduled (not for a plan from :func:`parse_plan`).
    """
    result = plan.schedule if plan.schedule is not None else compute_schedule(plan.tasks, plan.deps)
    frame = plan.frame()
    tasks = [result.tasks[r.id] for r in plan.rows]
    frame["early_start"] = pd.Series([t.es for t in tasks], dtype=object)
    frame["early_finish"] = pd.Series([t.ef for t in tasks], dtype=object)
    frame["late_start"] = pd.Series([t.ls for t in tasks], dtype=object)
    frame["late_finish"] = pd.Series([t.lf for t in tasks], dtype=object)
    frame["total_float_days"] = pd.Series([t.total_float for t in tasks], dtype=object)
    frame["critical"] = pd.Series(["true" if t.critical else "false" for t in tasks], dtype=object)
    if start is not None:
        dates = schedule_dates(result, calendar or WorkCalendar(), start)
        frame["start_date"] = pd.Series([dates[r.id][0].isoformat() for r in plan.rows], dtype=object)
        frame["finish_date"] = pd.Series([dates[r.id][1].isoformat() for r in plan.rows], dtype=object)
    return frame


def file_format(path: str | Path) -> str:
    """``"csv"`` or ``"xlsx"`` from a file name; any other extension is a ``ValidationError``."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    raise ValidationError(f"Cannot write '{path}': the file name must end in .csv or .xlsx.", field="file")


def plan_csv_bytes(df: pd.DataFrame) -> bytes:
    """A plan table as UTF-8 CSV, text cells written safe (:func:`worksmith.exchange.cells.csv_bytes`)."""
    return csv_bytes(df, lineterminator="\n")
