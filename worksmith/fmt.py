"""How numbers and dates read on screen (UX.md): '1,240 h', '€12,300', '42 %', 'Mon 12 Jan 2026', '—'."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from worksmith.values import is_missing

DASH = "—"


def _missing(value: Any) -> bool:
    """Shown as "—": missing (None, NaN, NaT) or an infinite number."""
    return is_missing(value) or (isinstance(value, float) and not math.isfinite(value))


def hours(value: float | None) -> str:
    return DASH if _missing(value) else f"{value:,.0f} h"


def money(value: float | None, currency: str = "€", *, cents: bool = False) -> str:
    """'€12,300', '−€500'. With ``cents``, amounts below 1,000 keep their cents when they have any ('€12.50') and
    a rounded-away amount is never '−0' (the budget formulas show small amounts exactly)."""
    if _missing(value):
        return DASH
    size = abs(value)
    text = f"{size:,.2f}" if cents and size < 1000 and abs(size - round(size)) >= 0.005 else f"{size:,.0f}"
    sign = "−" if value < 0 and not (cents and not text.strip("0.,")) else ""
    return f"{sign}{currency}{text}"


def percent(fraction: float | None) -> str:
    """0.42 -> '42 %'."""
    return DASH if _missing(fraction) else f"{fraction * 100:.0f} %"


def ratio(value: float | None, digits: int = 2) -> str:
    return DASH if _missing(value) else f"{value:.{digits}f}"


def day(value: date | datetime | None) -> str:
    """Dates in tables: 'Mon 12 Jan 2026'."""
    if _missing(value) or value is None:
        return DASH
    return f"{value:%a} {value.day} {value:%b %Y}"


def days(value: int | float | None) -> str:
    if _missing(value):
        return DASH
    n = round(value)
    return f"{n:+d} d" if n else "0 d"
