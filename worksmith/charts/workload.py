"""Workload charts: the utilisation heatmap (people, teams or skills × ISO weeks) and run vs change against capacity.

Builders take the frames of ``worksmith.views.workload.WorkloadView`` and return Altair charts (no Streamlit).
Utilisation is shown in bands with a legend and the percentage in each cell; anything over 100 % is red
(``status.CRITICAL`` family) and marked "▲", so the colour is never the only signal.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, CRITICAL

NO_CAPACITY = "no capacity"
BANDS: dict[str, tuple[str, str]] = {
    # band: (fill, text colour)
    NO_CAPACITY: ("#ECEFF1", "#455A64"),
    "under 50 %": ("#E3F2FD", "#263238"),
    "50–85 %": ("#90CAF9", "#263238"),
    "85–100 %": ("#1E88E5", "#FFFFFF"),
    "100–125 %": ("#EF9A9A", "#263238"),
    "over 125 %": (CRITICAL, "#FFFFFF"),
}
RUN_COLOUR = "#00897B"
CAPACITY_COLOUR = "#37474F"
RUN_CHANGE_DOMAIN = ["change (projects)", "run (operations)", "capacity"]
HEATMAP_COLUMNS = ["row", "group", "week", "week_axis", "week_range", "load", "capacity", "utilisation", "over",
                   "work"]
WEEK_TITLE = "Week (ISO week · Monday)"


def band(utilisation: float | None, over: bool, capacity: float) -> str:
    """The colour band of a cell. Over capacity is red whatever the ratio (load with no capacity at all too)."""
    if over:
        if capacity <= 0 or utilisation is None or not math.isfinite(utilisation) or utilisation > 1.25:
            return "over 125 %"
        return "100–125 %"
    if capacity <= 0 or utilisation is None or not math.isfinite(utilisation):
        return NO_CAPACITY
    if utilisation < 0.5:
        return "under 50 %"
    if utilisation < 0.85:
        return "50–85 %"
    return "85–100 %"


def cell_label(utilisation: float | None, over: bool, capacity: float, load: float) -> str:
    """The text in a cell: '42%', '▲177%' when over, 'off' with no capacity and no load, '▲ no cap.' with load."""
    if capacity <= 0 or utilisation is None or not math.isfinite(utilisation):
        return "▲ no cap." if over and load > 0 else "off"
    text = f"{utilisation * 100:.0f}%"
    return f"▲{text}" if over else text


def _prepared(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in HEATMAP_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"heatmap frame lacks {', '.join(missing)}")
    out = frame[HEATMAP_COLUMNS].copy()
    util = [None if pd.isna(u) else float(u) for u in out["utilisation"]]
    out["utilisation"] = [u if u is not None else float("nan") for u in util]
    out["band"] = [band(u, bool(o), float(c)) for u, o, c in zip(util, out["over"], out["capacity"], strict=True)]
    out["label"] = [cell_label(u, bool(o), float(c), float(lo))
                    for u, o, c, lo in zip(util, out["over"], out["capacity"], out["load"], strict=True)]
    out["text_colour"] = [BANDS[b][1] for b in out["band"]]
    out["util_text"] = ["—" if u is None else f"{u * 100:.0f} %" for u in util]
    out["week"] = pd.to_datetime(out["week"])
    return out


def _week_axis(frame: pd.DataFrame, orient: str = "bottom", step: int | None = None) -> alt.X:
    """Weeks in date order, labelled 'W49' over '30 Nov' (12 px; 11 px when there are more than 13).

    With a known cell width (``step``) the labels start at their cell's left edge: centred, the first label of a
    faceted chart is pushed right by Vega and collides with the second.
    """
    order = list(dict.fromkeys(frame.sort_values("week")["week_axis"]))
    placement = ({"labelAlign": "left", "labelOffset": -(step / 2) + 4} if step else {"labelAlign": "center"})
    return alt.X("week_axis:O", sort=order, title=WEEK_TITLE,
                 axis=alt.Axis(labelAngle=0, orient=orient, labelFontSize=12 if len(order) <= 13 else MIN_TEXT,
                               titleFontSize=13, labelExpr="split(datum.label, ' · ')", labelOverlap=False,
                               labelFlush=False, labelBound=False, **placement))


MAX_BLOCK_WEEKS = 13  # a longer horizon is drawn as blocks of up to a quarter, one under the other
CELLS_WIDTH = 640  # px the week cells of one block share: with the row labels it fits a 1280 px wide page
MIN_TEXT = 11  # px: the smallest text in a heatmap (UX.md: heatmap text ≥ 11 px)


def heatmap_step(n_weeks: int) -> int:
    """The width of a week's cell in a block of ``n_weeks``: 640 px shared, 40–80 px each."""
    return max(40, min(80, CELLS_WIDTH // max(1, min(n_weeks, MAX_BLOCK_WEEKS))))


@remembered
def heatmap(frame: pd.DataFrame, title: str, *, row_title: str = "Person", group_title: str = "Team",
            load_title: str = "Load", capacity_title: str = "Capacity", work_title: str = "Work (hours)",
            colour_title: str = "Utilisation", grouped: bool = False,
            labels: bool = True) -> alt.LayerChart | alt.FacetChart | alt.VConcatChart:
    """Rows × ISO weeks coloured by utilisation band, the % written in each cell, a tooltip with the work behind it.

    ``frame`` has ``row, group, week (Monday), week_axis ('W49 · 30 Nov'), week_range, load, capacity, utilisation
    (load / capacity, NaN without capacity), over (bool), work`` (text listing the tasks with their hours). Rows are
    drawn in the order they first appear; ``grouped`` draws one block per ``group`` (e.g. team) with its name above.
    Up to 13 weeks share 640 px (cells 49–80 px, text 11–12 px) so the chart fits a 1280 px wide page; a longer
    horizon (26 weeks) is split into blocks of 13 weeks drawn one under the other, never shrunk.
    """
    data = _prepared(frame)
    weeks = list(dict.fromkeys(data.sort_values("week")["week_axis"]))
    blocks = [weeks[i:i + MAX_BLOCK_WEEKS] for i in range(0, len(weeks), MAX_BLOCK_WEEKS)] or [weeks]
    title_params = alt.TitleParams(title, fontSize=16, anchor="start")
    kw = dict(row_title=row_title, group_title=group_title, load_title=load_title, capacity_title=capacity_title,
              work_title=work_title, colour_title=colour_title, grouped=grouped, labels=labels)
    if len(blocks) == 1:
        return _heatmap_block(data, **kw).properties(title=title_params)
    charts = [_heatmap_block(data[data["week_axis"].isin(block)], **kw) for block in blocks]
    return alt.vconcat(*charts, spacing=24).resolve_scale(x="independent").properties(title=title_params)


def _heatmap_block(data: pd.DataFrame, *, row_title: str, group_title: str, load_title: str, capacity_title: str,
                   work_title: str, colour_title: str, grouped: bool,
                   labels: bool) -> alt.LayerChart | alt.FacetChart:
    rows = list(dict.fromkeys(data["row"]))
    n_weeks = data["week_axis"].nunique()
    step = heatmap_step(n_weeks)
    x = _week_axis(data, orient="top", step=step)
    y = alt.Y("row:N", sort=rows, title=None if grouped else row_title,
              axis=alt.Axis(labelFontSize=12, titleFontSize=13, labelLimit=160))
    tooltip = [
        alt.Tooltip("row:N", title=row_title), alt.Tooltip("group:N", title=group_title),
        alt.Tooltip("week_range:N", title="Week"),
        alt.Tooltip("load:Q", title=f"{load_title} (h)", format=",.1f"),
        alt.Tooltip("capacity:Q", title=f"{capacity_title} (h)", format=",.1f"),
        alt.Tooltip("util_text:N", title=colour_title), alt.Tooltip("work:N", title=work_title),
    ]
    rects = alt.Chart().mark_rect(stroke="#FFFFFF", strokeWidth=1.5).encode(
        x=x, y=y,
        color=alt.Color("band:N", title=colour_title,
                        scale=alt.Scale(domain=list(BANDS), range=[fill for fill, _text in BANDS.values()]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=12,
                                          titleFontSize=13, symbolType="square", symbolSize=200)),
        tooltip=tooltip,
    )
    layers = [rects]
    if labels:
        layers.append(alt.Chart().mark_text(fontSize=12 if step >= 56 else MIN_TEXT).encode(
            x=x, y=y, text="label:N", color=alt.Color("text_colour:N", scale=None), tooltip=tooltip))
    if not grouped:
        return alt.layer(*layers, data=data).properties(width=alt.Step(step), height=alt.Step(30))
    groups = list(dict.fromkeys(data["group"]))
    return alt.layer(*layers).properties(width=alt.Step(step), height=alt.Step(28)).facet(
        data=data,
        row=alt.Row("group:N", sort=groups, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontSize=13, labelFontWeight="bold", labelPadding=4)),
        spacing=6,
    ).resolve_scale(y="independent")


@remembered
def run_change(bars: pd.DataFrame, capacity: pd.DataFrame, title: str) -> alt.LayerChart:
    """Stacked run and change hours per week (``week, week_axis, kind, hours``) and the capacity line
    (``week, week_axis, hours``)."""
    bars = bars.assign(week=pd.to_datetime(bars["week"]))
    capacity = capacity.assign(week=pd.to_datetime(capacity["week"]), kind="capacity")
    x = _week_axis(pd.concat([bars[["week", "week_axis"]], capacity[["week", "week_axis"]]]))
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=RUN_CHANGE_DOMAIN,
                                                            range=[ACCENT, RUN_COLOUR, CAPACITY_COLOUR]),
                       legend=alt.Legend(orient="top", labelFontSize=12))
    y = alt.Y("hours:Q", title="Hours per week", axis=alt.Axis(format=",.0f", titleFontSize=13))
    week_tip = alt.Tooltip("week_axis:N", title="Week")
    stacked = alt.Chart(bars).mark_bar(opacity=0.9).encode(
        x=x, y=alt.Y("hours:Q", title="Hours per week", stack="zero", axis=alt.Axis(format=",.0f")), color=colour,
        order=alt.Order("kind:N", sort="ascending"),
        tooltip=[week_tip, alt.Tooltip("kind:N", title="Work"), alt.Tooltip("hours:Q", title="Hours", format=",.1f")],
    )
    line = alt.Chart(capacity).mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeDash=[6, 3],
                                         strokeWidth=2.5).encode(
        x=x, y=y, color=colour,
        tooltip=[week_tip, alt.Tooltip("hours:Q", title="Capacity (h)", format=",.1f")],
    )
    return (stacked + line).properties(title=alt.TitleParams(title, fontSize=16, anchor="start"), height=300)
