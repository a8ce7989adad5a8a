"""Altair chart builders: DataFrames in, charts out (no Streamlit). Colours and status names come from ``status``.

Shared pieces and the Overview's charts are here; each page's own charts live in a submodule
(``charts.gantt``, ``charts.goals``, ``charts.workload``, ``charts.budget``, ``charts.operations``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from worksmith.status import ACCENT, BASELINE, CRITICAL, STATUS_COLOURS, STATUS_ICONS  # noqa: F401 - used by every chart


def status_scale(domain: list[str] | None = None) -> alt.Scale:
    domain = domain or list(STATUS_COLOURS)
    return alt.Scale(domain=domain, range=[STATUS_COLOURS[s] for s in domain])


def milestone_timeline(milestones: pd.DataFrame, today: pd.Timestamp, title: str) -> alt.LayerChart:
    """Portfolio milestones: [project, name, day, status] -> diamonds per project row, a dashed today line."""
    order = milestones.sort_values("day").drop_duplicates("project")["project"].tolist()
    base = alt.Chart(milestones).encode(
        x=alt.X("day:T", title="Date", axis=alt.Axis(format="%d %b", labelFontSize=13, titleFontSize=13)),
        y=alt.Y("project:N", title=None, sort=order, axis=alt.Axis(labelFontSize=14, labelLimit=260)),
    )
    points = base.mark_point(shape="diamond", size=260, filled=True, opacity=1).encode(
        color=alt.Color("status:N", scale=status_scale(), title="Status",
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip("name:N", title="Milestone"),
                 alt.Tooltip("day:T", title="Date", format="%a %d %b %Y"), alt.Tooltip("status:N", title="Status")],
    )
    labels = base.mark_text(align="left", dx=10, dy=-12, fontSize=13).encode(text="name:N")
    rule = alt.Chart(pd.DataFrame({"day": [today]})).mark_rule(strokeDash=[6, 4], color="#37474F").encode(
        x="day:T", tooltip=[alt.Tooltip("day:T", title="Today", format="%a %d %b %Y")])
    return (points + labels + rule).properties(title=title, height=alt.Step(56))


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
