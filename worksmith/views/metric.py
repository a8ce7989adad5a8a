"""A headline figure for a page's first row of ``st.metric`` tiles (UX.md): computed by services, drawn by pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    delta_arrow: str = "auto"
    help: str | None = None
    trend: tuple[float, ...] | None = None  # the value over the last weeks, oldest first, for a sparkline
