"""The Risk tab's charts: the histogram of simulated finish dates, the S-curve (cumulative probability) and the
criticality ranking. Frames in (from :func:`worksmith.views.risk.risk_view`), Altair out; no Streamlit."""

from __future__ import annotations

import altair as alt
import pandas as pd

from worksmith import fmt
from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, CRITICAL, STATUS_COLOURS

MARKER_COLOURS = {"P50": "#78909C", "P80": ACCENT, "P95": "#37474F", "Target": STATUS_COLOURS["on track"]}
ON_PATH, OFF_PATH = "on the critical path (plan)", "not on the critical path (plan)"
AXIS = {"labelFontSize": 13, "titleFontSize": 13}
DATE_AXIS = alt.Axis(format="%d %b", labelAngle=0, **AXIS)


def _markers(markers: pd.DataFrame, height: int) -> alt.LayerChart:
    """Vertical lines at P50/P80/P95 (and the target, dashed) with their label and date on top."""
    data = markers.assign(text=[f"{label} {d.day} {d:%b}" for label, d in zip(markers["label"], markers["day"],
                                                                            strict=True)],
                          date=[fmt.day(d) for d in markers["day"]],
                          pos=[0.96 - 0.08 * (k % 2) for k in range(len(markers))])
    scale = alt.Scale(domain=list(MARKER_COLOURS), range=list(MARKER_COLOURS.values()))
    base = alt.Chart(data).encode(x=alt.X("day:T"), color=alt.Color("label:N", scale=scale, legend=None),
                                  tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("date:N", title="Date")])
    rules = base.mark_rule(size=2).encode(strokeDash=alt.condition(alt.datum.label == "Target", alt.value([6, 4]),
                                                                   alt.value([1, 0])))
    labels = base.mark_text(align="left", dx=4, fontSize=13, fontWeight="bold").encode(
        text="text:N", y=alt.Y("pos:Q", axis=None, scale=alt.Scale(domain=[0, 1])))
    return alt.layer(rules, labels).properties(height=height)


@remembered
def finish_histogram(hist: pd.DataFrame, markers: pd.DataFrame, title: str, height: int = 320) -> alt.LayerChart:
    """Bars: the share of runs finishing on each date; lines at P50/P80/P95 and the target.

    ``hist``: [finish (datetime), runs, share, cumulative]; ``markers``: [label, day]."""
    data = hist.assign(date=[fmt.day(d) for d in hist["finish"]])
    bars = alt.Chart(data).mark_bar(color="#90A4AE", opacity=0.9, size=10).encode(
        x=alt.X("finish:T", title="Finish date", axis=DATE_AXIS),
        y=alt.Y("share:Q", title="Share of runs (%)", axis=alt.Axis(format=".0%", **AXIS)),
        tooltip=[alt.Tooltip("date:N", title="Finish"), alt.Tooltip("runs:Q", title="Runs", format=","),
                 alt.Tooltip("share:Q", title="Share of runs", format=".1%"),
                 alt.Tooltip("cumulative:Q", title="Finished by then", format=".0%")])
    return alt.layer(bars, _markers(markers, height)).resolve_scale(y="independent").properties(title=title,
                                                                                                height=height)


@remembered
def s_curve(hist: pd.DataFrame, markers: pd.DataFrame, title: str, height: int = 320) -> alt.LayerChart:
    """The cumulative probability of finishing on or before each date (a step line), with the same lines."""
    data = hist.assign(date=[fmt.day(d) for d in hist["finish"]])
    line = alt.Chart(data).mark_line(interpolate="step-after", color=ACCENT, strokeWidth=3, point=True).encode(
        x=alt.X("finish:T", title="Finish date", axis=DATE_AXIS),
        y=alt.Y("cumulative:Q", title="Chance of finishing by the date (%)",
                axis=alt.Axis(format=".0%", **AXIS), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("date:N", title="Finish on or before"),
                 alt.Tooltip("cumulative:Q", title="Chance", format=".0%"),
                 alt.Tooltip("runs:Q", title="Runs finishing that day", format=",")])
    return alt.layer(line, _markers(markers, height)).resolve_scale(y="independent").properties(title=title,
                                                                                                height=height)


@remembered
def criticality_chart(tasks: pd.DataFrame, title: str, limit: int = 20) -> alt.Chart:
    """Tasks ranked by criticality index (share of runs with no float), coloured by whether they are on the plan's
    critical path (never colour alone: the legend and the tooltip say it too).

    ``tasks``: [ref, name, criticality, on_critical_path, duration_days, low, high, assumed, uncertain, finish_p80].
    """
    top = tasks.sort_values(["criticality", "duration_days"], ascending=[False, False], kind="stable").head(limit)
    data = pd.DataFrame({
        "task": [f"#{r} {n}" for r, n in zip(top["ref"], top["name"], strict=True)],
        "criticality": top["criticality"].astype(float).to_numpy(),
        "path": [ON_PATH if c else OFF_PATH for c in top["on_critical_path"]],
        "range": [(f"{int(lo)}–{int(hi)} d (most likely {d})" + (", assumed" if a else "")) if u else f"fixed {d} d"
                  for lo, hi, d, a, u in zip(top["low"], top["high"], top["duration_days"], top["assumed"],
                                             top["uncertain"], strict=True)],
        "p80": [fmt.day(d) for d in top["finish_p80"]],
    })
    scale = alt.Scale(domain=[ON_PATH, OFF_PATH], range=[CRITICAL, STATUS_COLOURS["not started"]])
    return alt.Chart(data).mark_bar(size=16).encode(
        x=alt.X("criticality:Q", title="Criticality index (% of runs on the critical path)",
                axis=alt.Axis(format=".0%", **AXIS), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("task:N", sort=data["task"].tolist(), title=None, axis=alt.Axis(labelLimit=280, **AXIS)),
        color=alt.Color("path:N", scale=scale, title=None, legend=alt.Legend(orient="bottom", labelFontSize=13,
                                                                              labelLimit=400)),
        tooltip=[alt.Tooltip("task:N", title="Task"), alt.Tooltip("criticality:Q", title="Criticality", format=".0%"),
                 alt.Tooltip("path:N", title="Plan"), alt.Tooltip("range:N", title="Duration"),
                 alt.Tooltip("p80:N", title="P80 finish")],
    ).properties(title=title, height=alt.Step(26))
