"""Excel workbooks (.xlsx) with cells that are safe to open: every text cell through
:func:`worksmith.exchange.cells.safe_frame` (formula injection, and the control characters a cell cannot hold)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from worksmith.exchange.cells import safe_frame

__all__ = ["xlsx_bytes"]

MAX_COLUMN_WIDTH = 60
WIDTH_SAMPLE_ROWS = 200


def _tidy(sheet: Worksheet, df: pd.DataFrame) -> None:
    """Bold header, frozen first row, columns wide enough for their header and first rows."""
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sample = df.head(WIDTH_SAMPLE_ROWS)
    for pos, name in enumerate(df.columns, start=1):
        longest = max([len(str(name)), *(len(str(v)) for v in sample.iloc[:, pos - 1].tolist())])
        sheet.column_dimensions[sheet.cell(row=1, column=pos).column_letter].width = min(longest + 2,
                                                                                         MAX_COLUMN_WIDTH)


def xlsx_bytes(sheets: dict[str, pd.DataFrame],
               on_sheet: Callable[[str, Worksheet], None] | None = None) -> bytes:
    """An .xlsx workbook with one sheet per frame (sheet names cut to Excel's 31 characters), every text cell
    made safe; ``on_sheet(name, worksheet)`` may format a sheet further (links, widths)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            title = name[:31]
            safe = safe_frame(df, excel=True)
            safe.to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            _tidy(sheet, safe)
            if on_sheet is not None:
                on_sheet(title, sheet)
    return buffer.getvalue()
