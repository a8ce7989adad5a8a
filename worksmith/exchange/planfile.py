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
:mod:`worksmith.exchange.planrows` and :mod:`worksmith.exchange.planread`, which read the file; the command line
takes more rows). Text cells are written safe and read back (:mod:`worksmith.exchange.cells`).

Export adds ``early_start,early_finish,late_start,late_finish,total_float_days,critical`` (offsets in working
days from day 0, ``critical`` as ``true``/``false``) and, when a start date is given, ``start_date,finish_date``
(ISO dates; finish = day EF - 1, a milestone's finish = its start). See :mod:`worksmith.domain.schedule`.

Import is all-or-nothing: every problem of every row is collected and the whole file is refused with one
:class:`PlanFileError` (a :class:`ValidationError`) listing them. Row numbers count data rows the way a
person reads them: row 1 is the first row below the header.

The checks, the data model and the export table are in :mod:`worksmith.exchange.plancheck` (no spreadsheet library,
for the command line); this module adds .xlsx files and keeps the one import path for all of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO, Any

import pandas as pd

from worksmith.domain.calendar import WorkCalendar
from worksmith.errors import ValidationError
from worksmith.exchange.cells_xlsx import xlsx_bytes
from worksmith.exchange.plancheck import (
    DATE_COLUMNS,
    EXPORT_COLUMNS,
    SCHEDULE_COLUMNS,
    Plan,
    PlanFileError,
    PlanRow,
    RowError,
    annotate_errors,
    file_format,
    parse_plan,
    plan_csv_bytes,
    schedule_plan,
    validate_plan,
)
from worksmith.exchange.planread import MAX_PLAN_ROWS, PLAN_COLUMNS, read_plan_frame, source_name

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


def read_plan(source: str | Path | bytes | IO[Any], filename: str | None = None, *, start: date | None = None,
              calendar: WorkCalendar | None = None, max_rows: int | None = None) -> Plan:
    """Read and validate a plan file (.csv or .xlsx); all-or-nothing.

    Parameters
    ----------
    source:
        A path, raw bytes or a binary file-like object (e.g. Streamlit's ``UploadedFile``).
    filename:
        Name used for the format and in messages when ``source`` carries none.
    start, calendar:
        As for :func:`validate_plan` (the CLI passes ``--start``).
    max_rows:
        The most task rows taken (default :data:`MAX_PLAN_ROWS`; see :func:`read_plan_frame`).

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
    return parse_plan(read_plan_frame(source, filename, max_rows=max_rows), Path(name).name if name else None,
                      start=start, calendar=calendar)


def plan_bytes(df: pd.DataFrame, fmt: str = "csv") -> bytes:
    """Serialise a plan table for a download: ``fmt`` ``"csv"`` (UTF-8) or ``"xlsx"`` (sheet ``plan``); text
    cells are written safe (:mod:`worksmith.exchange.cells`: ``=x`` as ``'=x``, read back as ``=x``), numbers as
    numbers."""
    if fmt == "csv":
        return plan_csv_bytes(df)
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

