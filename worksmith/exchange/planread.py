"""Reading a plan file (.csv or .xlsx) into a table as it is, before :mod:`worksmith.exchange.planfile` checks it.

The CSV reader, the limits (at most :data:`MAX_PLAN_ROWS` task rows, CSV cells up to the csv module's field limit)
and the table are in :mod:`worksmith.exchange.planrows`; this module adds the .xlsx reader (openpyxl).
"""

from __future__ import annotations

import io as _io
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook

from worksmith.errors import ValidationError
from worksmith.exchange.planrows import (
    EXTRA_CELLS_COLUMN,
    MAX_PLAN_ROWS,
    PLAN_COLUMNS,
    RISK_COLUMNS,
    collect,
    csv_records,
    frame_of,
    header_key,
    read_bytes,
    records_frame,
    source_name,
)

__all__ = ["EXTRA_CELLS_COLUMN", "MAX_PLAN_ROWS", "PLAN_COLUMNS", "RISK_COLUMNS", "frame_of", "header_key",
           "read_plan_frame", "source_name"]


def _xlsx_records(data: bytes, name: str, max_rows: int) -> list[list[object]]:
    try:
        workbook = load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for damaged files
        raise ValidationError(f"Cannot read '{name}' as an Excel workbook (.xlsx): {exc}", field="file") from exc
    try:
        names = [s.lower() for s in workbook.sheetnames]
        sheet = workbook.worksheets[names.index("plan")] if "plan" in names else workbook.worksheets[0]
        return collect(iter(sheet.iter_rows(values_only=True)), name, read_all=False, max_rows=max_rows)
    finally:
        workbook.close()


def read_plan_frame(source: str | Path | bytes | IO[Any], filename: str | None = None, *,
                    max_rows: int | None = None) -> pd.DataFrame:
    """Read a plan file as it is, without validating it (for a preview next to :func:`validate_plan`).

    Parameters
    ----------
    source:
        A path, raw bytes, or a binary file-like object (e.g. Streamlit's ``UploadedFile``).
    filename:
        Name used to pick the format (``.csv`` or ``.xlsx``) when ``source`` has none; an .xlsx content is
        also recognised by its signature.
    max_rows:
        The most task rows taken (default :data:`MAX_PLAN_ROWS`, an upload's limit; the command line takes more).

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
        The file cannot be read, is an old .xls, has no header, repeats a column, has more than ``max_rows``
        task rows or a CSV cell longer than the csv module's field limit.
    """
    limit = MAX_PLAN_ROWS if max_rows is None else max_rows
    name = source_name(source, filename) or "upload"
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            f"'{name}' is an old Excel .xls file; save it as .xlsx or .csv and import that.", field="file"
        )
    try:
        data = read_bytes(source)
    except OSError as exc:
        raise ValidationError(f"Cannot read plan file '{name}': {exc.strerror or exc}.", field="file") from exc
    is_xlsx = suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data[:4] == b"PK\x03\x04")
    records = (_xlsx_records(data, name, limit) if is_xlsx
               else collect(csv_records(data), name, read_all=True, max_rows=limit))
    return records_frame(records, name, is_xlsx=is_xlsx, quoted=is_xlsx or b"'" in data)
