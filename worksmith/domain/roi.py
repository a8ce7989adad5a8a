"""Return on investment and payback of a project from its monthly cost and benefit.

Pure module: plain data in, plain data out; an undefined ratio is ``None``.

Formulas
--------
* ``ROI = (benefit − cost) / cost`` (``None`` when the cost is 0).
* Payback month = the first month where cumulative benefit ≥ cumulative cost (and some benefit has arrived).
* Cash flow: each past month's actual cost, then the cost still to come (forecast at completion − spent) spread
  evenly over the remaining months; the expected benefit spread evenly over ``BENEFIT_MONTHS`` months from its start.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.money import EPS, add_months, checked_number, month_range, month_start, safe_div
from worksmith.errors import ValidationError
from worksmith.values import is_missing, to_date

BENEFIT_MONTHS = 12


def roi(benefit: float, cost: float) -> float | None:
    """Return on investment ``(benefit − cost) / cost``; ``None`` when cost is 0 or a value is missing.

    Examples
    --------
    >>> roi(150_000, 100_000)
    0.5
    """
    if is_missing(benefit) or is_missing(cost):
        return None
    return safe_div(float(benefit) - float(cost), cost)


def payback_month(monthly_cost: pd.Series, monthly_benefit: pd.Series) -> Any | None:
    """The first month in which cumulative benefit reaches cumulative cost.

    Parameters
    ----------
    monthly_cost, monthly_benefit : Series
        Amounts indexed by month (any sortable labels: dates, "2026-04", period numbers). The two indexes are
        aligned on their union; a month missing from one counts 0 there.

    Returns
    -------
    month label or None
        The first month (in sorted order) where ``Σ benefit ≥ Σ cost`` and some benefit has arrived
        (``Σ benefit > 0``); ``None`` when that never happens.

    Raises
    ------
    ValidationError
        A non-finite amount.
    """
    both = pd.concat({"cost": monthly_cost, "benefit": monthly_benefit}, axis=1).sort_index()
    both = both.astype("float64").fillna(0.0)
    values = both.to_numpy()
    if not np.isfinite(values).all():
        raise ValidationError("monthly amounts must be finite numbers")
    label = first_payback(list(both.index), values[:, 0], values[:, 1])
    return label.item() if isinstance(label, np.generic) else label


def first_payback(months: list, cost: Any, benefit: Any) -> Any | None:
    """:func:`payback_month` of months already sorted, with their finite costs and benefits (lists or arrays)."""
    cum_cost, cum_benefit = np.cumsum(np.asarray(cost, dtype="float64")), np.cumsum(np.asarray(benefit, "float64"))
    for label, c, b in zip(months, cum_cost.tolist(), cum_benefit.tolist(), strict=True):
        if b > 0 and b >= c - EPS * max(1.0, abs(c)):
            return label
    return None


def roi_cash_flow(*, benefit: float, actual_by_month: Mapping[date, float], remaining_cost: float,
                  remaining_from: date, remaining_until: date, benefit_start: date,
                  benefit_months: int = BENEFIT_MONTHS) -> pd.DataFrame:
    """Monthly cost and benefit of a project, for ROI and payback.

    * cost: the actual cost of each past month, then ``remaining_cost`` (forecast at completion − spent) spread
      evenly over the months from ``remaining_from`` to ``remaining_until`` (at least one month);
    * benefit: ``benefit`` (the expected benefit) spread evenly over ``benefit_months`` months from
      ``benefit_start``'s month.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``cost``, ``benefit``, ``cum_cost``, ``cum_benefit``; sorted by month, months with
        neither cost nor benefit between the first and the last one included.

    Raises
    ------
    ValidationError
        A negative or non-finite amount, or ``benefit_months`` < 1.
    """
    keys, c, b = cash_flow(benefit=benefit, actual_by_month=actual_by_month, remaining_cost=remaining_cost,
                           remaining_from=remaining_from, remaining_until=remaining_until,
                           benefit_start=benefit_start, benefit_months=benefit_months)
    return pd.DataFrame({
        "month": pd.Series(keys, dtype=object),
        "cost": pd.Series(c, dtype="float64"),
        "benefit": pd.Series(b, dtype="float64"),
        "cum_cost": pd.Series(np.cumsum(c).tolist() if c else [], dtype="float64"),
        "cum_benefit": pd.Series(np.cumsum(b).tolist() if b else [], dtype="float64"),
    })


def cash_flow(*, benefit: float, actual_by_month: Mapping[date, float], remaining_cost: float,
              remaining_from: date, remaining_until: date, benefit_start: date,
              benefit_months: int = BENEFIT_MONTHS) -> tuple[list[date], list[float], list[float]]:
    """:func:`roi_cash_flow` as lists (months, cost, benefit), without the frame; for a loop over many projects."""
    benefit = checked_number(benefit, "benefit", default=0.0, minimum=0)
    remaining = checked_number(remaining_cost, "remaining cost", default=0.0, minimum=0)
    if benefit_months < 1:
        raise ValidationError("benefit_months must be at least 1", field="benefit_months")
    cost: dict[date, float] = {}
    for month, amount in actual_by_month.items():
        key = month_start(month)
        cost[key] = cost.get(key, 0.0) + checked_number(amount, "actual cost", minimum=0)
    if remaining > 0:
        months = month_range(remaining_from, max(to_date(remaining_until, "until"), to_date(remaining_from,
                                                                                             "from")))
        for month in months:
            cost[month] = cost.get(month, 0.0) + remaining / len(months)
    gain: dict[date, float] = {}
    if benefit > 0:
        first = month_start(benefit_start)
        for k in range(benefit_months):
            gain[add_months(first, k)] = benefit / benefit_months
    keys = sorted(set(cost) | set(gain))
    if keys:
        keys = month_range(keys[0], keys[-1])
    return keys, [cost.get(k, 0.0) for k in keys], [gain.get(k, 0.0) for k in keys]
