"""Value coercion, one of each: missing and blank values, finite numbers, dates from loose input, month starts,
grid and spreadsheet cells as text or whole numbers."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from numbers import Integral, Real
from typing import Any

import pandas as pd

from worksmith.errors import ValidationError

_INT_RE = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA."""
    if value is None:
        return True
    kind = type(value)
    if kind is float:  # the common cases first, without pandas
        return value != value
    if kind is str or kind is int or kind is date or kind is datetime:
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_blank(value: Any) -> bool:
    """Missing, or text that is only white space (an empty grid or spreadsheet cell)."""
    return (isinstance(value, str) and not value.strip()) or is_missing(value)


def finite_or_none(value: Any) -> float | None:
    """A finite float, or None for a missing, non-numeric, NaN or infinite value (shown as "—")."""
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def to_number(value: Any, field: str, *, default: float | None = None) -> float:
    """A finite float; a missing value gives ``default`` or a ValidationError naming ``field``."""
    kind = type(value)
    if kind is float and math.isfinite(value):
        return value
    if kind is int:
        return float(value)
    if is_missing(value):
        if default is not None:
            return default
        raise ValidationError(f"{field} is missing", field=field)
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{field} is not a number: {value!r}", field=field) from exc
    if not math.isfinite(number):
        raise ValidationError(f"{field} must be a finite number, not {value!r}", field=field)
    return number


def to_date(value: Any, field: str) -> date:
    """A date from a date, datetime, Timestamp or ISO text; a ValidationError naming ``field`` otherwise."""
    kind = type(value)
    if kind is date:
        return value
    if kind is str and len(value) == 10 and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)  # what pd.Timestamp reads, without its cost
        except ValueError:
            pass  # not a real day: pandas words the error below
    if is_missing(value):
        raise ValidationError(f"{field} is missing", field=field)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{field} is not a date: {value!r}", field=field) from exc


def month_starts(first: date, last: date) -> list[date]:
    """The first day of each month from the month of ``first`` to the month of ``last``."""
    months, cur = [], first.replace(day=1)
    while cur <= last:
        months.append(cur)
        cur = (cur.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def cell_text(value: Any) -> str:
    """A grid or spreadsheet cell as stripped text: blanks become ``''``, Excel's ``3.0`` becomes ``'3'``, a
    midnight datetime its ISO date."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Real) and not isinstance(value, bool | int) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    return str(value).strip()


def whole_number(value: Any) -> int | None:
    """A cell as a whole number, or None if it is not one (``'3'``, ``3``, ``3.0`` are 3; ``'3.5'`` is None)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return int(number) if number.is_integer() else None
    text = cell_text(value)
    if _INT_RE.match(text):
        return int(float(text)) if "." in text else int(text)
    return None
