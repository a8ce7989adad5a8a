"""Altair chart builders: DataFrames in, charts out (no Streamlit). Colours and status names come from ``status``.

Shared pieces and the Overview's charts are here; each page's own charts live in a submodule
(``charts.gantt``, ``charts.goals``, ``charts.workload``, ``charts.budget``, ``charts.operations``).
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, BASELINE, CRITICAL, STATUS_COLOURS, STATUS_ICONS  # noqa: F401 - used by every chart


def text_width(text: str, font_size: float, *, bold: bool = False) -> float:
    """A generous estimate of a label's width in pixels (Vega sizes a chart before it measures its text): room
    kept at a chart's edge for its last label so it is not cut off (UX.md: legible at 1280 and 1600 wide)."""
    return len(str(text)) * font_size * (0.66 if bold else 0.6)


def vega_date(day: object) -> dict[str, int]:
    """A date as a Vega-Lite DateTime (for ``domainMin``: with ``padding`` the room is kept on the right only)."""
    stamp = pd.Timestamp(day)
    return {"year": stamp.year, "month": stamp.month, "date": stamp.day}


def wrapped(title: str, width: int = 52) -> str | list[str]:
    """A long chart title as lines of at most ``width`` characters (Vega draws a list as lines; a single long line
    it cuts with "…" at the chart's width)."""
    lines = textwrap.wrap(title.replace(" h ", "\u00a0h "), width)
    return lines if len(lines) > 1 else title


def status_scale(domain: list[str] | None = None) -> alt.Scale:
    domain = domain or list(STATUS_COLOURS)
    return alt.Scale(domain=domain, range=[STATUS_COLOURS[s] for s in domain])


MILESTONE_FONT, MILESTONE_DX = 13, 10


def milestone_padding(milestones: pd.DataFrame) -> int:
    """Pixels kept at each end of the milestone axis: the widest name and its offset from the diamond."""
    widest = max((text_width(n, MILESTONE_FONT) for n in milestones["name"]), default=0.0)
    return int(min(240, widest + MILESTONE_DX + 6))


@remembered
def milestone_timeline(milestones: pd.DataFrame, today: pd.Timestamp, title: str) -> alt.LayerChart:
    """Portfolio milestones: [project, name, day, status] -> diamonds per project row, a dashed today line."""
    order = milestones.sort_values("day").drop_duplicates("project")["project"].tolist()
    base = alt.Chart(milestones).encode(
        # padding (px) keeps room for the longest milestone name right of the last diamond
        x=alt.X("day:T", title="Date", axis=alt.Axis(format="%d %b", labelFontSize=13, titleFontSize=13),
                scale=alt.Scale(padding=milestone_padding(milestones),
                                domainMin=vega_date(min(today, milestones["day"].min())))),
        y=alt.Y("project:N", title=None, sort=order, axis=alt.Axis(labelFontSize=14, labelLimit=260)),
    )
    points = base.mark_point(shape="diamond", size=260, filled=True, opacity=1).encode(
        color=alt.Color("status:N", scale=status_scale(), title="Status",
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip("name:N", title="Milestone"),
                 alt.Tooltip("day:T", title="Date", format="%a %d %b %Y"), alt.Tooltip("status:N", title="Status")],
    )
    labels = base.mark_text(align="left", dx=MILESTONE_DX, dy=-12, fontSize=MILESTONE_FONT).encode(text="name:N")
    rule = alt.Chart(pd.DataFrame({"day": [today]})).mark_rule(strokeDash=[6, 4], color="#37474F").encode(
        x="day:T", tooltip=[alt.Tooltip("day:T", title="Today", format="%a %d %b %Y")])
    return (points + labels + rule).properties(title=title, height=alt.Step(56))


@remembered
def spend_by_month(frame: pd.DataFrame, title: str, currency: str) -> alt.Chart:
    """[month, kind ('planned'|'actual'), amount] -> grouped bars per month."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y")),
        xOffset=alt.XOffset("kind:N"),
        y=alt.Y("amount:Q", title=f"Amount ({currency})", axis=alt.Axis(format=",.0f")),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["planned", "actual"],
                                                                range=[BASELINE, ACCENT])),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"), alt.Tooltip("kind:N", title=""),
                 alt.Tooltip("amount:Q", title=f"Amount ({currency})", format=",.0f")],
    ).properties(title=title, height=260)
