"""The hand-written recurrence rules as they were before RRULEs (kept verbatim as the reference the migration to
dateutil must reproduce exactly)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}


def old_occurrences(cadence: str, anchor: np.datetime64, first: np.datetime64, last: np.datetime64) -> np.ndarray:
    lo = max(first, anchor)
    if lo > last:
        return np.array([], dtype="datetime64[D]")
    if cadence == "weekly":
        k0 = -(-int((lo - anchor).astype(int)) // 7)
        k1 = int((last - anchor).astype(int)) // 7
        return anchor + 7 * np.arange(k0, k1 + 1)
    step = CADENCE_MONTHS[cadence]
    anchor_month = anchor.astype("datetime64[M]")
    day0 = int((anchor - anchor_month.astype("datetime64[D]")).astype(int))
    k0 = int((lo.astype("datetime64[M]") - anchor_month).astype(int)) // step
    k1 = int((last.astype("datetime64[M]") - anchor_month).astype(int)) // step
    months = anchor_month + step * np.arange(k0, k1 + 1)
    month_len = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(int)
    days = months.astype("datetime64[D]") + np.minimum(day0, month_len - 1)
    return days[(days >= lo) & (days <= last)]


def old_dates(cadence: str, anchor: date, start: date, end: date) -> list[date]:
    days = old_occurrences(cadence, np.datetime64(anchor, "D"), np.datetime64(start, "D"), np.datetime64(end, "D"))
    return [d.astype(object) for d in days]


def old_next_due(cadence: str, anchor: date, today: date) -> date:
    start = max(today, anchor)
    return old_dates(cadence, anchor, start, start + timedelta(days=100))[0]
