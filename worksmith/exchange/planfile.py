"""Plan files: import and export of a project plan as CSV or Excel (.xlsx), DESIGN §4.

Import columns (same for CSV and .xlsx; header names are matched case-insensitively, other columns are
ignored, so an exported file can be imported again)::

    id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than
    [duration_min_days,duration_max_days]   optional: a three-point estimate with duration_days as most likely

- ``id`` a whole number >= 0, unique; ``duration_days`` a whole number >= 0 (0 = milestone);
- ``predecessors`` in MS Project notation, comma-separated ``ID[TYPE][±LAG d]``: ``3``, ``3FS+2d``, ``5SS``,
  ``7FF-1d``. Type FS/SS/FF/SF (any case) defaults to FS, lag (whole working days) to 0; spaces, ``+2``
  without the ``d`` and ``2 d``/``2 days`` are tolerated, and ``;`` also separates (see
  :mod:`worksmith.domain.notation`);
- ``estimate_hours`` empty or a number >= 0;
- ``duration_min_days`` / ``duration_max_days`` both empty (a fixed duration) or whole numbers with
  ``0 <= min <= duration_days <= max`` (see :mod:`worksmith.domain.montecarlo`);
- ``start_no_earlier_than`` empty, a working-day offset >= 0 (0 = the start), or a date (``2026-03-02`` or an Excel
  date cell) converted to its offset from the plan's start with :class:`worksmith.domain.calendar.WorkCalendar`::

      offset = max(0, calendar.offset_of(date, start))    (a non-working date counts as the next working day)

  The start is the CLI's ``--start`` or the project's start on import into a project; without one a date is
  refused on its row.

A file has at most :data:`MAX_PLAN_ROWS` task rows and no CSV cell over 131,072 characters (see
:mod:`worksmith.exchange.planread`, which reads the file). Text cells are written safe and read back
(:mod:`worksmith.exchange.cells`).

Export adds ``early_start,early_finish,late_start,late_finish,total_float_days,critical`` (offsets in working
days from day 0, ``critical`` as ``true``/``false``) and, when a start date is given, ``start_date,finish_date``
(ISO dates; finish = day EF - 1, a milestone's finish = its start). See :mod:`worksmith.domain.schedule`.

Import is all-or-nothing: every problem of every row is collected and the whole file is refused with one
:class:`PlanFileError` (a :class:`ValidationError`) listing them. Row numbers count data rows the way a
person reads them: row 1 is the first row below the header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import Estimate, check_estimates
from worksmith.domain.notation import Link, parse_predecessors
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule, schedule_dates
from worksmith.errors import CycleError, ValidationError
from worksmith.exchange.cells import csv_bytes, xlsx_bytes
from worksmith.exchange.planread import (
    EXTRA_CELLS_COLUMN,
    MAX_PLAN_ROWS,
    PLAN_COLUMNS,
    RISK_COLUMNS,
    frame_of,
    header_key,
    read_plan_frame,
    source_name,
)
from worksmith.values import cell_text, finite_or_none, is_blank, whole_number

__all__ = [
    "DATE_COLUMNS",
    "EXPORT_COLUMNS",
    "MAX_PLAN_ROWS",
    "PLAN_COLUMNS",
    "SCHEDULE_COLUMNS",
    "Plan",
    "PlanFileError",
    "PlanRow",
    "RowError",
    "annotate_errors",
    "file_format",
    "parse_plan",
    "plan_bytes",
    "read_plan",
    "read_plan_frame",
    "schedule_plan",
    "validate_plan",
    "write_plan",
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


def _check(df: pd.DataFrame, start: date | None = None,
           calendar: WorkCalendar | None = None) -> tuple[list[PlanRow], list[RowError], CycleError | None]:
    """Parse and check every row; return the rows read, all errors (a cycle included) and the cycle.
    ``start`` and ``calendar`` turn a 'not before' date into its working-day offset."""
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
        )

    def cells(col: str) -> list[object]:
        return list(df[columns[col]]) if col in columns else [None] * len(df)

    values = {col: cells(col) for col in PLAN_COLUMNS + RISK_COLUMNS}
    extra_cells = list(df[EXTRA_CELLS_COLUMN]) if EXTRA_CELLS_COLUMN in df.columns else [None] * len(df)
    errors: list[RowError] = []
    rows: list[PlanRow] = []
    first_row_of: dict[int, int] = {}
    for pos in range(len(df)):
        number = pos + 1
        cell = {col: values[col][pos] for col in PLAN_COLUMNS + RISK_COLUMNS}
        if all(is_blank(v) for v in cell.values()):
            continue
        problems: list[tuple[str, str]] = []
        if not is_blank(extra_cells[pos]):
            problems.append(
                (
                    "predecessors",
                    f'{cell_text(extra_cells[pos])}; a list of predecessors must be in quotes, e.g. "2,3FS+1d"',
                )
            )

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
            problems.append(
                (
                    "duration_days",
                    f"duration_days must be a whole number of working days, got '{cell_text(cell['duration_days'])}'",
                )
            )
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
                problems.append(
                    (
                        "estimate_hours",
                        f"estimate_hours must be a number of hours, got '{cell_text(cell['estimate_hours'])}'",
                    )
                )
            elif number_value < 0:
                problems.append(
                    ("estimate_hours", f"estimate_hours must be 0 or more, got {cell_text(cell['estimate_hours'])}")
                )
            else:
                estimate = int(number_value) if number_value.is_integer() else number_value

        snet, problem = _not_before(cell["start_no_earlier_than"], start, calendar)
        if problem:
            problems.append(("start_no_earlier_than", problem))
        low, high = _three_point(cell, duration, problems)

        errors.extend(RowError(number, msg, task_id, col) for col, msg in problems)
        if task_id is not None:
            rows.append(
                PlanRow(
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
                )
            )

    if not first_row_of and not errors:
        errors.append(RowError(None, "The plan file has no task rows below the header."))

    # Unknown predecessors (needs every id first), then a cycle among the known links.
    known = set(first_row_of)
    for r in rows:
        for link in r.links:
            if link.pred not in known:
                errors.append(RowError(r.row, f"unknown predecessor {link.pred}", r.id, "predecessors"))
    unique_rows = [r for r in rows if first_row_of.get(r.id) == r.row]
    cycle: CycleError | None = None
    try:
        compute_schedule(
            [TaskSpec(r.id, r.duration_days, None, r.name) for r in unique_rows],
            [Dep(link.pred, r.id, link.type, link.lag) for r in unique_rows for link in r.links if link.pred in known],
        )
    except CycleError as exc:
        cycle = exc
        first = exc.cycle[0]
        errors.append(RowError(first_row_of[first], str(exc), first, "predecessors"))
    errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    return rows, errors, cycle


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
    rows, errors, cycle = _check(df, start, calendar)
    if cycle is not None and len(errors) == 1:
        raise cycle
    if errors:
        raise PlanFileError(errors, source)
    tasks = [TaskSpec(r.id, r.duration_days, r.start_no_earlier_than, r.name) for r in rows]
    deps = [Dep(link.pred, r.id, link.type, link.lag) for r in rows for link in r.links]
    return Plan(rows, tasks, deps)


def read_plan(source: str | Path | bytes | IO[Any], filename: str | None = None, *, start: date | None = None,
              calendar: WorkCalendar | None = None) -> Plan:
    """Read and validate a plan file (.csv or .xlsx); all-or-nothing.

    Parameters
    ----------
    source:
        A path, raw bytes or a binary file-like object (e.g. Streamlit's ``UploadedFile``).
    filename:
        Name used for the format and in messages when ``source`` carries none.
    start, calendar:
        As for :func:`validate_plan` (the CLI passes ``--start``).

    Returns
    -------
    Plan
        Rows, :class:`TaskSpec` list and :class:`Dep` list.

    Raises
    ------
    PlanFileError
        (a ``ValidationError``) listing every problem with its row, e.g. "Row 4 (id 7): unknown predecessor 99".
    ValidationError
        The file cannot be read at all.
    CycleError
        The only problem is a dependency cycle.
    """
    name = source_name(source, filename)
    return parse_plan(read_plan_frame(source, filename), Path(name).name if name else None, start=start,
                      calendar=calendar)


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
        If the plan cannot be scheduled (not for a plan from :func:`read_plan`).
    """
    result = compute_schedule(plan.tasks, plan.deps)
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


def plan_bytes(df: pd.DataFrame, fmt: str = "csv") -> bytes:
    """Serialise a plan table for a download: ``fmt`` ``"csv"`` (UTF-8) or ``"xlsx"`` (sheet ``plan``); text
    cells are written safe (:mod:`worksmith.exchange.cells`: ``=x`` as ``'=x``, read back as ``=x``), numbers as
    numbers."""
    if fmt == "csv":
        return csv_bytes(df, lineterminator="\n")
    if fmt == "xlsx":
        return xlsx_bytes({"plan": df})
    raise ValidationError(f"Unknown plan file format '{fmt}'; use csv or xlsx.", field="format")


def write_plan(df: pd.DataFrame, path: str | Path) -> None:
    """Write a plan table to ``path``; the format follows the extension (.csv or .xlsx).

    Raises
    ------
    ValidationError
        The extension is neither .csv nor .xlsx.
    OSError
        The file cannot be written.
    """
    Path(path).write_bytes(plan_bytes(df, file_format(path)))

