"""Money over months: the arithmetic the budget modules (evm, budget_plan, roi, expenses) share.

Pure module: plain data in, plain data out. A number that cannot be computed (division by zero, overflow) is
``None`` — shown as "—" by ``worksmith.fmt`` — never NaN or inf.

Formulas
--------
* ``safe_div(a, b) = a / b``; ``None`` when either is missing, ``b = 0`` or the result is not finite.
* A budget month is the first day of its month; ``month_end`` its last day; ``add_months(d, n)`` the first day of
  the month ``n`` months after ``d``'s.
* Amounts are finite numbers (``checked_number``), never below a given minimum (money is ≥ 0).
* **Planned to date** (:func:`planned_to_date`, the one rule, re-exported by ``budget_plan``) = budget lines of past
  months in full, the current month pro rata by calendar days (``planned × day / days in month``), later months not
  at all. For a project it *is* its planned value PV: the portfolio's health, the Budgets tiles, SPI and the alerts
  all use this one figure, named "planned to date" everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith import fmt
from worksmith.domain.sums import clean_floats, day_array, within
from worksmith.errors import ValidationError
from worksmith.values import is_missing, month_starts, to_date, to_number

EPS = 1e-9


def safe_div(a: float | None, b: float | None) -> float | None:
    """``a / b``, or ``None`` when either is missing, ``b == 0`` or the result is not finite.

    Examples
    --------
    >>> safe_div(1, 4), safe_div(1, 0)
    (0.25, None)
    """
    if is_missing(a) or is_missing(b):
        return None
    a, b = float(a), float(b)
    if b == 0:
        return None
    try:
        result = a / b
    except (OverflowError, ZeroDivisionError):
        return None
    return result if math.isfinite(result) else None


def checked_number(value: Any, field: str, *, default: float | None = None, minimum: float | None = None) -> float:
    """A finite float (``worksmith.values.to_number``) not below ``minimum``; a ValidationError naming ``field``."""
    number = to_number(value, field, default=default)
    if minimum is not None and number < minimum:
        raise ValidationError(f"{field} may not be below {minimum:g} ({fmt.money(number, '', cents=True)})",
                              field=field)
    return number


def exceeds(a: float, b: float) -> bool:
    """``a > b`` beyond rounding noise."""
    return a > b + EPS * max(1.0, abs(b))


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """A ValidationError naming the columns ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValidationError(f"{what} is missing column(s): {', '.join(missing)}")


def month_start(value: Any) -> date:
    """The first day of the month of a date, datetime, Timestamp or "YYYY-MM[-DD]" string.

    Raises
    ------
    ValidationError
        A value that is not a date.
    """
    return to_date(value, "month").replace(day=1)



def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    first_next = (to_date(d, "date").replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


def add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after ``d``'s month (``n`` may be negative)."""
    day = to_date(d, "date")
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s month to ``last``'s month, both included (empty if reversed)."""
    return month_starts(month_start(first), to_date(last, "last"))


def planned_to_date(lines: pd.DataFrame, today: date, by: str | None = "owner") -> pd.Series:
    """Money planned by the end of ``today`` in budget lines [month, planned, <by>]: past months in full, the current
    month pro rata by calendar days (``planned × day / days in month``), later months not at all.

    Returns
    -------
    Series
        Summed per value of column ``by`` (indexed by it; per owner by default), or one amount per line when ``by``
        is None (``.sum()`` gives the total). Empty for no lines.

    Raises
    ------
    ValidationError
        A missing column, a month that is not a date, or a negative or non-finite amount.
    """
    if lines.empty:
        return pd.Series(dtype="float64")
    require_columns(lines, ["month", "planned"] + ([by] if by else []), "Budget lines")
    day = to_date(today, "today")
    this_month = day.replace(day=1)
    share_now = day.day / month_end(day).day
    months_np, planned_np = day_array(lines["month"]), clean_floats(lines["planned"], float("nan"))
    if months_np is not None and within(planned_np, 0):  # the loop below, on whole columns
        month_np, now = months_np.astype("datetime64[M]"), np.datetime64(this_month, "M")
        amounts_np = np.where(month_np < now, planned_np, np.where(month_np == now, planned_np * share_now, 0.0))
        out = pd.Series(amounts_np, index=lines.index, dtype="float64")
        return out if by is None else out.groupby(lines[by]).sum()
    months = [month_start(v) for v in lines["month"]]
    planned = [checked_number(v, "planned", minimum=0) for v in lines["planned"]]
    amounts = [p if mo < this_month else p * share_now if mo == this_month else 0.0
               for mo, p in zip(months, planned, strict=True)]
    out = pd.Series(amounts, index=lines.index, dtype="float64")
    return out if by is None else out.groupby(lines[by]).sum()


def lines_baseline(lines: pd.DataFrame) -> pd.DataFrame:
    """Budget lines as pseudo baseline tasks, one per month, for :func:`planned_value_curve`.

    The fallback when a project has no baseline (or its baseline has no estimates): PV(t) is the money planned
    in the budget lines, each month's total spread evenly over that month's working days.

    Parameters
    ----------
    lines : DataFrame
        ``month``, ``planned`` (≥ 0).

    Returns
    -------
    DataFrame
        ``task_id`` ("YYYY-MM"), ``start`` (first day of the month), ``finish`` (last day), ``budget``; one row per
        month, sorted.

    Raises
    ------
    ValidationError
        A missing column, a month that is not a date, or a negative amount.
    """
    require_columns(lines, ["month", "planned"], "Budget lines")
    months: dict[date, float] = {}
    for rec in lines.to_dict("records"):
        month = month_start(rec["month"])
        months[month] = months.get(month, 0.0) + checked_number(rec["planned"], "planned", minimum=0)
    keys = sorted(months)
    return pd.DataFrame({
        "task_id": pd.Series([f"{k:%Y-%m}" for k in keys], dtype=object),
        "start": pd.Series(keys, dtype=object),
        "finish": pd.Series([month_end(k) for k in keys], dtype=object),
        "budget": pd.Series([months[k] for k in keys], dtype="float64"),
    }, columns=["task_id", "start", "finish", "budget"])
