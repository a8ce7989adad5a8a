"""Plan file rows as they are, before :mod:`worksmith.exchange.plancheck` checks them: the CSV reader, the row and
cell limits, and the table both the CSV and the .xlsx reader (:mod:`worksmith.exchange.planread`) end in.

No spreadsheet library here: the command line schedules a CSV plan with this module alone (issue 16).

Limits, checked while the file is read and before any row is parsed into a task::

    task rows   at most max_rows (MAX_PLAN_ROWS = 20,000 for an upload) non-blank rows below the header; more is
                refused as a whole ("the file has N task rows; at most 20,000"; an .xlsx is not read further
                than the limit)
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
from typing import Any

import pandas as pd

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


def is_mspdi(name: str | None) -> bool:
    """A plan file name ending in .xml (MS Project XML)."""
    return bool(name) and Path(str(name)).suffix.lower() == ".xml"


def read_bytes(source: object) -> bytes:
    """The bytes of a path, raw bytes or a file-like object (``getvalue`` or ``read``)."""
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


def csv_records(data: bytes) -> Iterator[list[str]]:
    """The rows of CSV bytes (UTF-8, else cp1252), the delimiter (``,`` ``;`` or tab) guessed from the first line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = _first_line(text)
    delimiter = max([",", ";", "\t"], key=lambda d: (first_line.count(d), d == ","))
    return csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)


def _blank_text(rec: list[str]) -> bool:
    """:func:`_blank` for a row of text cells (a CSV row), in one step."""
    return not "".join(rec).strip()


def collect(rows: Iterator[Any], name: str, *, read_all: bool, max_rows: int) -> list[list[object]]:
    """The records up to the header and at most ``max_rows`` task rows; a longer file is refused.

    ``read_all`` counts the rows past the limit (CSV, cheap) to say how many there are; otherwise reading stops
    at the first row over the limit (.xlsx)."""
    records: list[list[object]] = []
    header_at: int | None = None
    consumed = tasks = 0
    blank_row = _blank_text if read_all else _blank  # read_all: CSV rows, all text
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
        blank = blank_row(rec)
        if header_at is None:
            records.append(list(rec))
            header_at = None if blank else consumed - 1
            continue
        tasks += not blank
        if tasks <= max_rows:
            records.append(list(rec))
        elif not read_all:
            raise ValidationError(f"Plan file '{name}' has more than {max_rows:,} task rows; at most "
                                  f"{max_rows:,} can be imported at once — split the plan.", field="file")
    if tasks > max_rows:
        raise ValidationError(f"Plan file '{name}' has {tasks:,} task rows; at most {max_rows:,} can be "
                              "imported at once — split the plan.", field="file")
    return records


def _unquoted(values: list[Any]) -> list[Any]:
    """:func:`unquote` over a column, skipped when no cell begins with a quote (the common case)."""
    if any(type(v) is str and v[:1] == "'" for v in values):
        return [unquote(v) for v in values]
    return values


def records_frame(records: list[list[object]], name: str, *, is_xlsx: bool, quoted: bool = True) -> pd.DataFrame:
    """The table of a plan file's records (header first): see :func:`worksmith.exchange.planread.read_plan_frame`.
    ``quoted=False`` says no cell holds a ``'`` (nothing to unquote)."""
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
    width = len(header)
    if all(len(rec) == width for rec in body):  # the common case: every row as wide as the header
        cells = list(zip(*body, strict=True)) if body else [()] * width
        columns = {header[i]: list(cells[i]) for i in keep}
    else:
        columns = {header[i]: [rec[i] if i < len(rec) else None for rec in body] for i in keep}
    if quoted:
        columns = {h: _unquoted(values) for h, values in columns.items()}
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


def read_csv_frame(source: object, filename: str | None = None, *, max_rows: int = MAX_PLAN_ROWS) -> pd.DataFrame:
    """A CSV plan file's table, as :func:`worksmith.exchange.planread.read_plan_frame` reads a CSV file, with at
    most ``max_rows`` task rows (the command line takes more than an upload)."""
    name = source_name(source, filename) or "upload"
    try:
        data = read_bytes(source)
    except OSError as exc:
        raise ValidationError(f"Cannot read plan file '{name}': {exc.strerror or exc}.", field="file") from exc
    return records_frame(collect(csv_records(data), name, read_all=True, max_rows=max_rows), name, is_xlsx=False,
                         quoted=b"'" in data)
