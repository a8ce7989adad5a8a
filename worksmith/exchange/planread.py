"""Reading a plan file (.csv or .xlsx) into a table as it is, before :mod:`worksmith.exchange.planfile` checks it.

Limits, checked while the file is read and before any row is parsed into a task::

    task rows   at most MAX_PLAN_ROWS (20,000) non-blank rows below the header; more is refused as a whole
                ("the file has N task rows; at most 20,000"; an .xlsx is not read further than the limit)
    CSV cell    at most csv.field_size_limit() characters (131,072); a longer cell is refused with its row

Text cells a spreadsheet export of ours protected with a leading quote (``'=x``, see
:mod:`worksmith.exchange.cells`) are read back without it.
"""

from __future__ import annotations

import csv
import io as _io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook

from worksmith.errors import ValidationError
from worksmith.exchange.cells import unquote
from worksmith.values import cell_text

PLAN_COLUMNS: list[str] = ["id", "name", "phase", "duration_days", "predecessors", "assignee", "estimate_hours",
                           "start_no_earlier_than"]
RISK_COLUMNS: list[str] = ["duration_min_days", "duration_max_days"]  # optional three-point estimate
EXTRA_CELLS_COLUMN = "_extra_cells"  # set by read_plan_frame on CSV rows longer than the header
MAX_PLAN_ROWS = 20_000


def frame_of(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """Build a DataFrame keeping Python values (ints stay ints next to None, no float conversion)."""
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})


def header_key(name: object) -> str:
    """Normalise a column header: ``' Duration Days'`` -> ``'duration_days'``."""
    return re.sub(r"[\s-]+", "_", cell_text(name).lower())


def source_name(source: object, filename: str | None) -> str | None:
    if filename:
        return str(filename)
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def _read_bytes(source: object) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "getvalue"):
        data = source.getvalue()  # type: ignore[union-attr]
    elif hasattr(source, "read"):
        data = source.read()  # type: ignore[union-attr]
    else:
        raise ValidationError(f"Cannot read a plan from {type(source).__name__}.", field="file")
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _blank(rec: Iterable[object]) -> bool:
    """A row with no value (fast: CSV rows hold text, .xlsx rows None for an empty cell)."""
    return all(v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)
               for v in rec)


def _first_line(text: str) -> str:
    for line in _io.StringIO(text):
        if line.strip():
            return line
    return ""


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = _first_line(text)
    delimiter = max([",", ";", "\t"], key=lambda d: (first_line.count(d), d == ","))
    return csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)


def _collect(rows: Iterator[Any], name: str, *, read_all: bool) -> list[list[object]]:
    """The records up to the header and at most MAX_PLAN_ROWS task rows; a longer file is refused.

    ``read_all`` counts the rows past the limit (CSV, cheap) to say how many there are; otherwise reading stops
    at the first row over the limit (.xlsx)."""
    records: list[list[object]] = []
    header_at: int | None = None
    consumed = tasks = 0
    while True:
        try:
            rec = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            where = "the header row" if header_at is None else f"row {consumed - header_at}"
            if "field larger than field limit" in str(exc):
                raise ValidationError(
                    f"Plan file '{name}', {where}: a cell is longer than {csv.field_size_limit():,} characters; a "
                    "plan cell holds a name, a phase or a list of predecessors — shorten it.", field="file",
                    row=None if header_at is None else consumed - header_at) from exc
            raise ValidationError(f"Plan file '{name}', {where} cannot be read as CSV: {exc}.", field="file") from exc
        consumed += 1
        blank = _blank(rec)
        if header_at is None:
            records.append(list(rec))
            header_at = None if blank else consumed - 1
            continue
        tasks += not blank
        if tasks <= MAX_PLAN_ROWS:
            records.append(list(rec))
        elif not read_all:
            raise ValidationError(f"Plan file '{name}' has more than {MAX_PLAN_ROWS:,} task rows; at most "
                                  f"{MAX_PLAN_ROWS:,} can be imported at once — split the plan.", field="file")
    if tasks > MAX_PLAN_ROWS:
        raise ValidationError(f"Plan file '{name}' has {tasks:,} task rows; at most {MAX_PLAN_ROWS:,} can be "
                              "imported at once — split the plan.", field="file")
    return records


def _xlsx_records(data: bytes, name: str) -> list[list[object]]:
    try:
        workbook = load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for damaged files
        raise ValidationError(f"Cannot read '{name}' as an Excel workbook (.xlsx): {exc}", field="file") from exc
    try:
        names = [s.lower() for s in workbook.sheetnames]
        sheet = workbook.worksheets[names.index("plan")] if "plan" in names else workbook.worksheets[0]
        return _collect(iter(sheet.iter_rows(values_only=True)), name, read_all=False)
    finally:
        workbook.close()


def read_plan_frame(source: str | Path | bytes | IO[Any], filename: str | None = None) -> pd.DataFrame:
    """Read a plan file as it is, without validating it (for a preview next to :func:`validate_plan`).

    Parameters
    ----------
    source:
        A path, raw bytes, or a binary file-like object (e.g. Streamlit's ``UploadedFile``).
    filename:
        Name used to pick the format (``.csv`` or ``.xlsx``) when ``source`` has none; an .xlsx content is
        also recognised by its signature.

    Returns
    -------
    pandas.DataFrame
        Object columns named by the header (stripped, lower-case), cells as read (text for CSV; numbers,
        text or None for .xlsx), index = data row numbers starting at 1. Blank rows inside the table are kept
        so positions match the row numbers a person sees; trailing blank rows are dropped. Text our exports
        protected with a leading quote is read without it (``'-Setup`` -> ``-Setup``). A CSV row with
        more cells than the header is flagged in an extra column ``_extra_cells`` that
        :func:`validate_plan` reports.

    Raises
    ------
    ValidationError
        The file cannot be read, is an old .xls, has no header, repeats a column, has more than
        :data:`MAX_PLAN_ROWS` task rows or a CSV cell longer than the csv module's field limit.
    """
    name = source_name(source, filename) or "upload"
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            f"'{name}' is an old Excel .xls file; save it as .xlsx or .csv and import that.", field="file"
        )
    try:
        data = _read_bytes(source)
    except OSError as exc:
        raise ValidationError(f"Cannot read plan file '{name}': {exc.strerror or exc}.", field="file") from exc
    is_xlsx = suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data[:4] == b"PK\x03\x04")
    records = _xlsx_records(data, name) if is_xlsx else _collect(_csv_rows(data), name, read_all=True)

    start = next((i for i, rec in enumerate(records) if not _blank(rec)), None)
    if start is None:
        raise ValidationError(
            f"Plan file '{name}' is empty; expected a header row: {','.join(PLAN_COLUMNS)}.", field="file"
        )
    header = [header_key(h) for h in records[start]]
    body = records[start + 1 :]
    while body and _blank(body[-1]):
        body.pop()
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            raise ValidationError(f"Plan file '{name}': column '{h}' appears more than once.", field=h)
        seen.add(h)
    keep = [i for i, h in enumerate(header) if h]
    columns = {header[i]: [unquote(rec[i]) if i < len(rec) else None for rec in body] for i in keep}
    if not is_xlsx:
        # A CSV row with more cells than the header usually has an unquoted "2,3" predecessor list,
        # which shifts every later cell: flag it instead of reading shifted values.
        extra = [
            f"{len(rec)} cells but the header has {len(header)} columns" if len(rec) > len(header) else None
            for rec in body
        ]
        if any(n is not None for n in extra):
            columns[EXTRA_CELLS_COLUMN] = extra
    frame = frame_of(columns)
    frame.index = pd.RangeIndex(1, len(body) + 1)
    return frame

