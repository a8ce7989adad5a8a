"""The portfolio roadmap (one bar per project from start to forecast finish, the target as a tick) and the
utilisation-change heatmap of Compare. Frames in, Altair charts out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, BASELINE, CRITICAL, STATUS_COLOURS

SIDE_COLOURS = (BASELINE, ACCENT)  # the base workspace grey, the scenario in the accent colour


@remembered
def roadmap(frame: pd.DataFrame, title: str, today: pd.Timestamp | None = None) -> alt.LayerChart:
    """``frame``: ``project, side, start, finish, target, health``. One row per project; with two sides the bars
    are drawn one above the other (base grey, scenario blue); the target is a dark tick, today a dashed rule."""
    data = frame.dropna(subset=["start", "finish"]).copy()
    for column in ("start", "finish", "target"):
        data[column] = pd.to_datetime(data[column])
    sides = list(dict.fromkeys(data["side"]))
    order = data.sort_values("start").drop_duplicates("project")["project"].tolist()
    y = alt.Y("project:N", sort=order, title=None, axis=alt.Axis(labelFontSize=14, labelLimit=260))
    tooltip = [alt.Tooltip("project:N", title="Project"), alt.Tooltip("side:N", title="Workspace"),
               alt.Tooltip("start:T", title="Start", format="%a %d %b %Y"),
               alt.Tooltip("finish:T", title="Forecast finish", format="%a %d %b %Y"),
               alt.Tooltip("target:T", title="Target", format="%a %d %b %Y"),
               alt.Tooltip("health:N", title="Health")]
    bars = alt.Chart(data).mark_bar(height={"band": 0.8 / max(1, len(sides))}, cornerRadius=3).encode(
        x=alt.X("start:T", title="Date", axis=alt.Axis(format="%d %b", labelFontSize=13, titleFontSize=13)),
        x2="finish:T", y=y,
        yOffset=alt.YOffset("side:N", sort=sides),
        color=alt.Color("side:N", sort=sides, title="Workspace",
                        scale=alt.Scale(domain=sides, range=list(SIDE_COLOURS[-len(sides):]) if len(sides) == 1
                                        else list(SIDE_COLOURS)),
                        legend=alt.Legend(orient="top", labelFontSize=13) if len(sides) > 1 else None),
        tooltip=tooltip)
    ticks = alt.Chart(data.dropna(subset=["target"]).drop_duplicates(["project", "target"])).mark_tick(
        color="#263238", thickness=3, size=26).encode(
        x="target:T", y=y, tooltip=[alt.Tooltip("project:N", title="Project"),
                                    alt.Tooltip("target:T", title="Target", format="%a %d %b %Y")])
    layers = [bars, ticks]
    if today is not None:
        layers.append(alt.Chart(pd.DataFrame({"day": [today]})).mark_rule(strokeDash=[6, 4], color="#37474F")
                      .encode(x="day:T", tooltip=[alt.Tooltip("day:T", title="Today", format="%a %d %b %Y")]))
    return alt.layer(*layers).properties(title=alt.TitleParams(title, fontSize=16, anchor="start"),
                                         height=alt.Step(34 if len(sides) > 1 else 26), width="container")


@remembered
def utilisation_change(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    """``frame``: ``person, week_label, change`` (percentage points, scenario − base). Red where the scenario loads
    a person more, green where less; the number in each cell (colour is never the only signal)."""
    data = frame.copy()
    data["label"] = [f"{c:+.0f}" if abs(c) >= 0.5 else "" for c in data["change"]]
    limit = float(max(50.0, data["change"].abs().max() if len(data) else 50.0))
    x = alt.X("week_label:N", title="Week (ISO)", axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=12))
    y = alt.Y("person:N", title=None, axis=alt.Axis(labelFontSize=13, labelLimit=220))
    tooltip = [alt.Tooltip("person:N", title="Person"), alt.Tooltip("week_label:N", title="Week"),
               alt.Tooltip("change:Q", title="Change (points)", format="+.0f"),
               alt.Tooltip("utilisation_base:Q", title="Utilisation before", format=".0%"),
               alt.Tooltip("utilisation_scenario:Q", title="Utilisation after", format=".0%")]
    rects = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=1.5).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("change:Q", title="Utilisation change (points)",
                        scale=alt.Scale(domain=[-limit, 0, limit],
                                        range=[STATUS_COLOURS["on track"], "#FFFFFF", CRITICAL]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=300)))
    text = alt.Chart(data).mark_text(fontSize=12).encode(x=x, y=y, text="label:N", tooltip=tooltip)
    return alt.layer(rects, text).properties(title=alt.TitleParams(title, fontSize=16, anchor="start"),
                                             height=alt.Step(28), width=alt.Step(52))
