"""Column sums without a Python loop over rows, giving exactly the floats the row-by-row loops give.

Pure module: arrays and DataFrame columns in, floats out.

Formulas
--------
* ``running_sum(v) = ((0 + v₀) + v₁) + …`` left to right (``numpy.cumsum``), the order a loop ``s += v`` adds in,
  so a vectorised total equals the loop's to the last bit (``numpy.sum`` adds pairwise and may differ).
* ``cumulative(when, amount, t) = Σ amount[i] for when[i] ≤ t``: rows stably sorted by day, running sums, read at
  each ``t``.
* A column that holds anything but finite numbers or plain dates gives ``None``: the caller then takes its
  row-by-row path, which names the bad value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np

from worksmith.values import is_missing

_UNIX_DAY_ONE = date(1970, 1, 1).toordinal()


def running_sum(values: np.ndarray) -> float:
    """``0.0 + v0 + v1 + …`` left to right: the float a Python loop adding them one by one gives."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def clean_floats(column: Iterable[Any], default: float) -> np.ndarray | None:
    """A column as finite floats, missing values as ``default``; None when a value is not a finite number."""
    try:
        values = np.asarray(column, dtype="float64")
    except (TypeError, ValueError):
        return None
    values = np.where(np.isnan(values), default, values)
    return values if np.isfinite(values).all() else None


def day_array(column: Iterable[Any]) -> np.ndarray | None:
    """Dates as datetime64[D]; None when one is missing or not a plain ``date``. A datetime64 column (days this
    function gave before) is taken as it is when every value is a whole day."""
    dtype = getattr(column, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        stamps = np.asarray(column)
        days = stamps.astype("datetime64[D]")
        return None if np.isnat(days).any() or bool((days != stamps).any()) else days
    to_list = getattr(column, "tolist", None)  # an object column's own list: much faster than iterating it
    values = to_list() if to_list is not None and str(getattr(column, "dtype", "")) == "object" else list(column)
    if not all(type(v) is date for v in values):
        return None
    # day numbers from the ordinals: numpy converting date objects one by one is ~15× slower
    ordinals = np.fromiter((v.toordinal() for v in values), dtype=np.int64, count=len(values))
    return (ordinals - _UNIX_DAY_ONE).astype("datetime64[D]")


def day_array_with_gaps(values: list) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] with NaT where a value is not a plain date, ok): ok where a value is a plain date or missing —
    :func:`day_array` for a column that may have gaps."""
    is_day = np.array([type(v) is date for v in values], dtype=bool)
    ok = is_day | np.array([v is None or is_missing(v) for v in values], dtype=bool) if not is_day.all() else is_day
    ordinals = np.array([v.toordinal() if d else 0 for v, d in zip(values, is_day.tolist(), strict=True)],
                        dtype=np.int64)
    days = (ordinals - _UNIX_DAY_ONE).astype("datetime64[D]")
    days[~is_day] = np.datetime64("NaT")
    return days, ok


def cumulative(when: np.ndarray, amounts: np.ndarray, days: list[date]) -> list[float]:
    """Σ amounts up to and including each of ``days`` (rows stably sorted by ``when``, running sums)."""
    if not len(when):
        return [0.0] * len(days)
    order = np.argsort(when, kind="stable")
    running = np.cumsum(amounts[order])
    idx = np.searchsorted(when[order], np.array(days, dtype="datetime64[D]"), side="right")
    return [float(running[i - 1]) if i > 0 else 0.0 for i in idx]


def within(values: np.ndarray | None, low: float, high: float = np.inf) -> bool:
    """Every value in ``[low, high]`` (False for None)."""
    return values is not None and bool(((values >= low) & (values <= high)).all())


def group_running_sums(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each group ``g`` in ``0 … n−1``, :func:`running_sum` of its rows' values in row order (``0.0`` for a
    group without rows): ``numpy.bincount`` adds row by row, as a loop ``s += v`` per group does."""
    if not len(group):
        return np.zeros(n, dtype="float64")
    return np.bincount(np.asarray(group, dtype=np.int64), weights=np.asarray(values, dtype="float64"),
                       minlength=n)


def group_sums(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each group ``g`` in ``0 … n−1``, ``numpy.sum`` of its rows' values in row order — the float that
    ``Series.sum()`` of that group's rows gives (numpy adds pairwise, so it may differ from
    :func:`group_running_sums` in the last bits); ``0.0`` for a group without rows."""
    group = np.asarray(group, dtype=np.int64)
    order = np.argsort(group, kind="stable")
    ordered = np.asarray(values, dtype="float64")[order]
    bounds = np.searchsorted(group[order], np.arange(n + 1)).tolist()
    return np.array([ordered[a:b].sum() if b > a else 0.0 for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
                    dtype="float64")


def group_latest(group: np.ndarray, days: np.ndarray, n: int, *, earliest: bool = False) -> np.ndarray:
    """For each group ``g`` in ``0 … n−1``, the latest (or ``earliest``) of its rows' days (datetime64[D]);
    missing days (NaT) left out; NaT for a group without a day."""
    group, days = np.asarray(group, dtype=np.int64), np.asarray(days, dtype="datetime64[D]")
    known = ~np.isnat(days)
    as_int = days[known].astype(np.int64)
    sentinel = np.iinfo(np.int64).max if earliest else np.iinfo(np.int64).min
    out = np.full(n, sentinel, dtype=np.int64)
    (np.minimum if earliest else np.maximum).at(out, group[known], as_int)
    result = out.astype("datetime64[D]")
    result[out == sentinel] = np.datetime64("NaT")
    return result
