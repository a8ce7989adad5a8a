"""The Goals page's charts: goal tree progress, key-result check-ins, value vs effort, capacity cut line.

DataFrames in, Altair charts out; no Streamlit. Status colours, icons and chips come from ``worksmith.status``.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from worksmith.charts import wrapped
from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, STATUS_COLOURS, STATUS_ICONS, chip

GOAL_STATUSES = ["on track", "at risk", "off track", "done", "no data"]
GOAL_COLOURS = {**STATUS_COLOURS, "no data": STATUS_COLOURS["not started"]}
FITS, MISFITS = "fits", "does not fit"
FIT_COLOURS = {FITS: STATUS_COLOURS["on track"], MISFITS: STATUS_COLOURS["off track"]}
EXPECTED_COLOUR = "#78909C"
TARGET_COLOUR = "#37474F"
AXIS = {"labelFontSize": 13, "titleFontSize": 13}


def fit_css(text: object) -> str:
    """Table cell style for '● fits' / '■ no: …' / '○ needs an estimate' (the chips of the ranking table)."""
    if str(text).startswith(STATUS_ICONS["not started"]):
        return f"color: {STATUS_COLOURS['not started']}; font-weight: 600"
    colour = FIT_COLOURS[FITS if str(text).startswith(STATUS_ICONS["on track"]) else MISFITS]
    return f"color: {colour}; font-weight: 600"


def _status_scale() -> alt.Scale:
    return alt.Scale(domain=GOAL_STATUSES, range=[GOAL_COLOURS[s] for s in GOAL_STATUSES])


@remembered
def goal_tree(tree: pd.DataFrame, title: str) -> alt.LayerChart:
    """Goals in tree order as progress bars coloured by status, a black tick at the progress expected by today.

    ``tree``: ``label`` (indented title), ``progress`` (0..1 or None), ``expected``, ``status``, ``ratio``, ``owner``.
    """
    data = pd.DataFrame({
        "goal": tree["label"].tolist(),
        "progress": [0.0 if p is None or pd.isna(p) else float(p) for p in tree["progress"]],
        "expected": tree["expected"].astype(float).tolist(),
        "status": tree["status"].tolist(),
        "chip": [chip(s) for s in tree["status"]],
        "ratio": [None if r is None or pd.isna(r) else round(float(r), 2) for r in tree["ratio"]],
        "owner": tree["owner"].fillna("—").tolist(),
    })
    data["text"] = [f"{p:.0%} · {c}" for p, c in zip(data["progress"], data["chip"], strict=True)]
    order = data["goal"].tolist()
    y = alt.Y("goal:N", sort=order, title=None, axis=alt.Axis(labelFontSize=14, labelLimit=320, labelAlign="left",
                                                             labelPadding=310, labelColor="#263238"))
    tooltip = [alt.Tooltip("goal:N", title="Goal"), alt.Tooltip("chip:N", title="Status"),
               alt.Tooltip("progress:Q", title="Progress", format=".0%"),
               alt.Tooltip("expected:Q", title="Expected by today", format=".0%"),
               alt.Tooltip("ratio:Q", title="Progress ÷ expected"), alt.Tooltip("owner:N", title="Owner")]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    track = base.mark_bar(color="#ECEFF1", size=22).encode(x=alt.X("one:Q", scale=alt.Scale(domain=[0, 1])))
    bars = base.mark_bar(size=22).encode(
        x=alt.X("progress:Q", title="Progress (share of the goal achieved)", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", **AXIS)),
        color=alt.Color("status:N", scale=_status_scale(), title="Status",
                        legend=alt.Legend(orient="top", labelFontSize=13, titleFontSize=13)))
    ticks = base.mark_tick(color="#212121", thickness=3, size=30).encode(x="expected:Q")
    labels = base.mark_text(align="left", dx=6, fontSize=13, fontWeight="bold").encode(
        x=alt.X("progress:Q"), text="text:N", color=alt.Color("status:N", scale=_status_scale(), legend=None))
    return (track.transform_calculate(one="1") + bars + ticks + labels).properties(
        title=alt.Title(title, subtitle="Bar: progress · black tick: progress expected by today", fontSize=16),
        height=alt.Step(40))


@remembered
def kr_history(check_ins: pd.DataFrame, *, start_value: float, target_value: float, period_start: date,
               period_end: date, today: date, unit: str, title: str) -> alt.LayerChart:
    """A key result's check-ins (line with points), its target (dotted) and the expected path from the start value
    at the period start to the target at the period end (dashed), with a line for today.

    ``check_ins``: ``day``, ``value``, ``confidence``, ``note``, optional ``author``.
    """
    unit_title = f"Value ({unit})" if unit else "Value"
    actual = pd.DataFrame({
        "day": pd.to_datetime(check_ins["day"]), "value": check_ins["value"].astype(float),
        "confidence": check_ins["confidence"].astype(int), "note": check_ins["note"].fillna(""),
        "author": check_ins["author"].fillna("—") if "author" in check_ins else "—", "series": "actual"})
    guide = pd.DataFrame({
        "day": pd.to_datetime([period_start, period_end, period_start, period_end]),
        "value": [start_value, target_value, target_value, target_value],
        "series": ["expected", "expected", "target", "target"]})
    series = ["actual", "expected", "target"]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=series,
                                                               range=[ACCENT, EXPECTED_COLOUR, TARGET_COLOUR]),
                       legend=alt.Legend(orient="top", labelFontSize=12, symbolType="stroke", symbolStrokeWidth=3))
    x = alt.X("day:T", title="Date", axis=alt.Axis(format="%d %b", **AXIS),
              scale=alt.Scale(domain=[pd.Timestamp(period_start).isoformat(), pd.Timestamp(period_end).isoformat()]))
    y = alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False), axis=alt.Axis(**AXIS))
    lines = alt.Chart(guide).mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, detail="series:N",
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=["expected", "target"],
                                                              range=[[6, 4], [2, 3]]), legend=None),
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("day:T", title="Date", format="%a %d %b %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.2f")])
    points = alt.Chart(actual).mark_line(point=alt.OverlayMarkDef(size=70, filled=True), strokeWidth=3).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip("day:T", title="Check-in", format="%a %d %b %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.2f"),
                 alt.Tooltip("confidence:Q", title="Confidence (0–10)"), alt.Tooltip("author:N", title="By"),
                 alt.Tooltip("note:N", title="Note")])
    rule = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(today)]})).mark_rule(
        strokeDash=[4, 4], color="#37474F").encode(x="day:T", tooltip=[alt.Tooltip("day:T", title="Today",
                                                                                   format="%a %d %b %Y")])
    return (lines + points + rule).properties(title=alt.Title(title, fontSize=14), height=320)


BUBBLE_RADIUS = 31  # px: the largest bubble (area 3000 px²)


def label_sides(effort: pd.Series, top: float) -> list[str]:
    """Where each candidate's name goes: 'right' of a bubble in the left half of the effort axis, else 'left'."""
    return ["right" if e <= top / 2 else "left" for e in effort]


@remembered
def value_effort(candidates: pd.DataFrame, title: str, currency: str) -> alt.LayerChart:
    """Ranked candidates: effort (hours) across, value (1–5) up, bubble area = cost, colour = fits capacity or not.

    ``candidates``: ``name, rank, score, value, effort_hours, cost, risk, fits`` and optional ``roi`` and
    ``estimated``; a candidate that needs an estimate (``estimated`` False or no rank) is not drawn.
    """
    keep = candidates["rank"].notna()
    if "estimated" in candidates.columns:
        keep &= candidates["estimated"].astype(bool)
    candidates = candidates[keep]
    data = pd.DataFrame({
        "name": candidates["name"], "rank": candidates["rank"].astype(int),
        "score": candidates["score"].astype(float).round(0), "value": candidates["value"].astype(float).round(2),
        "effort": candidates["effort_hours"].astype(float), "cost": candidates["cost"].astype(float),
        "risk": candidates["risk"].astype(float),
        "capacity": [FITS if f else MISFITS for f in candidates["fits"]],
        "roi": [None if r is None or pd.isna(r) else float(r) for r in candidates.get("roi", [None] * len(candidates))],
    })
    data["label"] = [f"#{r} {n}" for r, n in zip(data["rank"], data["name"], strict=True)]
    top = max(data["effort"].max() * 1.25, 10.0)
    data["side"] = label_sides(data["effort"], top)
    base = alt.Chart(data).encode(
        x=alt.X("effort:Q", title="Effort (hours of task estimates)",
                scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(format=",.0f", **AXIS)),
        y=alt.Y("value:Q", title="Value (1–5, from ROI where known)", scale=alt.Scale(domain=[0.5, 5.5]),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], **AXIS)))
    bubbles = base.mark_circle(opacity=0.75, stroke="#263238", strokeWidth=1).encode(
        size=alt.Size("cost:Q", title=f"Cost ({currency})", scale=alt.Scale(range=[400, 3000]), legend=None),
        color=alt.Color("capacity:N", title="Capacity",
                        scale=alt.Scale(domain=[FITS, MISFITS], range=[FIT_COLOURS[FITS], FIT_COLOURS[MISFITS]]),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=[alt.Tooltip("label:N", title="Candidate"), alt.Tooltip("score:Q", title="Score (0–100)"),
                 alt.Tooltip("value:Q", title="Value (1–5)"), alt.Tooltip("roi:Q", title="ROI", format=".0%"),
                 alt.Tooltip("effort:Q", title="Effort (h)", format=",.0f"),
                 alt.Tooltip("cost:Q", title=f"Cost ({currency})", format=",.0f"),
                 alt.Tooltip("risk:Q", title="Risk (1–5)"), alt.Tooltip("capacity:N", title="Capacity")])
    # a name beside its bubble, never above it (over a neighbour, the legend or the axis title): right of the
    # bubbles in the left half of the axis, left of those in the right half, so none runs off the chart
    right = base.transform_filter(alt.datum.side == "right").mark_text(
        align="left", dx=BUBBLE_RADIUS + 4, fontSize=13, fontWeight="bold").encode(text="label:N")
    left = base.transform_filter(alt.datum.side == "left").mark_text(
        align="right", dx=-BUBBLE_RADIUS - 4, fontSize=13, fontWeight="bold").encode(text="label:N")
    return (bubbles + right + left).properties(
        title=alt.Title(wrapped(title, 34), subtitle=wrapped("Bubble area: cost · colour: fits free hours in the "
                                                             "months of its work or not", 40), fontSize=15),
        height=440)


@remembered
def capacity(detail: pd.DataFrame, free: pd.DataFrame, title: str) -> alt.FacetChart | alt.LayerChart:
    """Cumulative hours the ranked candidates need per team and month (stacked in rank order, coloured by fit)
    against the team's free hours that month (black tick).

    ``detail``: ``rank, name, team_id, month, hours, fits`` (one row per candidate, team and month);
    ``free``: ``team_id, month, free_hours``. Only teams a candidate needs are drawn.
    """
    teams = sorted(set(detail["team_id"]))
    need = pd.DataFrame({
        "team": detail["team_id"].astype(str), "month": [f"{m:%b %Y}" for m in detail["month"]],
        "candidate": [f"#{r} {n}" for r, n in zip(detail["rank"], detail["name"], strict=True)],
        "rank": detail["rank"].astype(int), "hours": detail["hours"].astype(float).round(0),
        "capacity": [FITS if f else MISFITS for f in detail["fits"]], "layer": "need"})
    room = free[free["team_id"].isin(teams)]
    limit = pd.DataFrame({"team": room["team_id"].astype(str), "month": [f"{m:%b %Y}" for m in room["month"]],
                          "free": room["free_hours"].astype(float).round(0), "layer": "free"})
    data = pd.concat([need, limit], ignore_index=True)
    months = [f"{m:%b %Y}" for m in sorted(set(room["month"]))]
    x = alt.X("month:O", title="Month", sort=months, axis=alt.Axis(labelAngle=0, **AXIS))
    bars = alt.Chart().transform_filter(alt.datum.layer == "need").mark_bar(
        stroke="white", strokeWidth=1, size=46).encode(
        x=x, y=alt.Y("sum(hours):Q", title="Hours", axis=alt.Axis(format=",.0f", **AXIS)),
        color=alt.Color("capacity:N", title="Capacity",
                        scale=alt.Scale(domain=[FITS, MISFITS], range=[FIT_COLOURS[FITS], FIT_COLOURS[MISFITS]]),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        order=alt.Order("rank:Q", sort="ascending"),
        tooltip=[alt.Tooltip("candidate:N", title="Candidate"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip("month:O", title="Month"),
                 alt.Tooltip("sum(hours):Q", title="Hours needed", format=",.0f"),
                 alt.Tooltip("capacity:N", title="Fits?")])
    ticks = alt.Chart().transform_filter(alt.datum.layer == "free").mark_tick(
        color="#212121", thickness=3, size=60).encode(
        x=x, y=alt.Y("free:Q"),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("month:O", title="Month"),
                 alt.Tooltip("free:Q", title="Free hours", format=",.0f")])
    # two teams side by side at most, each 58 px a month: the chart fits three fifths of a 1280 px wide page
    width = max(150, min(260, 58 * len(months)))
    layered = alt.layer(bars, ticks, data=data).properties(width=width, height=260)
    return layered.facet(facet=alt.Facet("team:N", title=None, header=alt.Header(labelFontSize=14,
                                                                                 labelFontWeight="bold")),
                         columns=2).resolve_axis(x="independent").properties(
        title=alt.Title(wrapped(title), subtitle=wrapped("Bars: hours the candidates need, stacked in rank order "
                                                         "· black tick: free hours of the team"), fontSize=15))
