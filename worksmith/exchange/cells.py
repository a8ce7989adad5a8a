"""Spreadsheet cells that are safe to open: every Excel and CSV file Worksmith writes goes through here.

Formula injection (OWASP "CSV injection"): a spreadsheet runs a text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, so a task called ``=HYPERLINK("http://x","y")`` would become a live
link, and ``+cmd|' /C calc'!A0`` a command. The rule, in one place::

    safe_text(s) = "'" + s   if s is text beginning with = + - @ TAB CR and s is not a plain number
                 = s         otherwise (numbers, dates, None, and text such as "-12.5" that is only a number)

Numbers are written as numbers (never as text), so a negative amount stays numeric and is never quoted;
:func:`unquote` is the inverse, for reading our own files back (``"'-Setup"`` -> ``"-Setup"``). Excel workbooks
are written by :func:`worksmith.exchange.cells_xlsx.xlsx_bytes` through :func:`safe_frame` (this module needs no
spreadsheet library, so a CSV export does not load one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "ILLEGAL_CHARACTERS_RE", "csv_bytes", "safe_frame", "safe_text", "unquote"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# The control characters an .xlsx cell cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE, written here so that CSV
# output needs no spreadsheet library (a test checks it is the same pattern).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unquote(value: Any) -> Any:
    """Inverse of :func:`safe_text` for a cell read back: ``"'=x"`` -> ``"=x"``; other values unchanged."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _texty(series: pd.Series) -> bool:
    dtype = series.dtype
    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def _excel_text(value: Any) -> Any:
    """Text without the control characters an .xlsx file cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _changed(values: list[Any], clean: Callable[[Any], Any], may_change: Callable[[str], bool]) -> list[Any] | None:
    """``[clean(v) for v in values]``, or None when that is ``values`` itself: ``clean`` changes only text for which
    ``may_change`` is true, so a column without such text is left as it is (the common case, and quick)."""
    if not any(may_change(v) for v in values if isinstance(v, str)):
        return None
    return [clean(v) for v in values]


def _formula_like(text: str, excel: bool = False) -> bool:
    return text.startswith(FORMULA_PREFIXES) or (excel and ILLEGAL_CHARACTERS_RE.search(text) is not None)


def safe_frame(df: pd.DataFrame, *, excel: bool = False) -> pd.DataFrame:
    """A copy of ``df`` with :func:`safe_text` applied to every text cell and column name; numeric, boolean and
    date columns are left exactly as they are (numbers stay numbers). ``excel`` also drops the control characters
    an .xlsx cell cannot hold."""
    def clean(value: Any) -> Any:
        return safe_text(_excel_text(value) if excel else value)

    out = df.copy()
    out.columns = [clean(c) for c in out.columns]
    for pos in range(out.shape[1]):
        column = out.iloc[:, pos]
        if _texty(column):
            values = column.tolist()
            cleaned = _changed(values, clean, lambda text: _formula_like(text, excel))
            if cleaned is None and pd.api.types.is_object_dtype(column.dtype):
                continue  # nothing to change: the column as it is (an object column either way)
            out.isetitem(pos, pd.Series(values if cleaned is None else cleaned, index=out.index, dtype=object))
    return out


def _csv_text(value: Any) -> Any:
    """A carriage return inside a cell as a line feed: Python's CSV writer quotes a cell with a line feed but not
    one with a lone carriage return, which would end the row early for every reader."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def csv_bytes(df: pd.DataFrame, *, lineterminator: str = "\n") -> bytes:
    """``df`` as UTF-8 CSV (no index), every text cell made safe (then carriage returns as line feeds)."""
    safe = safe_frame(df)
    for pos in range(safe.shape[1]):
        if _texty(safe.iloc[:, pos]):
            values = safe.iloc[:, pos].tolist()
            cleaned = _changed(values, _csv_text, lambda text: "\r" in text)
            if cleaned is not None or not pd.api.types.is_object_dtype(safe.iloc[:, pos].dtype):
                safe.isetitem(pos, pd.Series(values if cleaned is None else cleaned, index=safe.index, dtype=object))
    return safe.to_csv(index=False, lineterminator=lineterminator).encode("utf-8")
