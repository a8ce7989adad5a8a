"""Budgets charts: the cumulative PV/EV/AC burn with the EAC forecast, plan-vs-actual bars and ROI bars.

DataFrames in, Altair charts out (no Streamlit). Each series differs by colour *and* line style or label, so the
charts read without colour too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from worksmith import fmt
from worksmith.charts import text_width, vega_date, wrapped
from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, BASELINE, STATUS_COLOURS
from worksmith.values import is_missing

PV, EV, AC, FORECAST = "Planned value (PV)", "Earned value (EV)", "Actual cost (AC)", "Forecast (EAC)"
SERIES = {"pv": PV, "ev": EV, "ac": AC, "forecast": FORECAST}
COLOURS = {PV: "#78909C", EV: ACCENT, AC: "#E65100", FORECAST: "#E65100"}
DASHES = {PV: [1, 0], EV: [1, 0], AC: [1, 0], FORECAST: [7, 5]}
TODAY_COLOUR = "#37474F"
LABEL_FONT = 13


def _axis(fmt_: str | None = None, **kw: Any) -> alt.Axis:
    if fmt_ is not None:
        kw["format"] = fmt_
    return alt.Axis(labelFontSize=LABEL_FONT, titleFontSize=LABEL_FONT, **kw)


def burn_long(series: pd.DataFrame, forecast_name: str = FORECAST) -> pd.DataFrame:
    """``worksmith.domain.evm.evm_series`` output → [date, series, amount] with one row per defined value."""
    rows = []
    names = SERIES | {"forecast": forecast_name}
    for rec in series.to_dict("records"):
        for column, name in names.items():
            value = rec.get(column)
            if is_missing(value):
                continue
            rows.append({"date": pd.Timestamp(rec["date"]), "series": name, "amount": float(value)})
    return pd.DataFrame(rows, columns=["date", "series", "amount"])


END_LABEL_GAP = 17  # px between the middles of two end labels (13 px bold text)
END_LABEL_OFFSET = 11  # px from its point to the middle of an end label: clear of the line through the point


def end_offsets(ends: pd.DataFrame) -> pd.DataFrame:
    """The labels at the right end (PV, forecast) stacked so they never overlap: the highest amount sits above its
    point, the next below its own (lower) point, each further one ``END_LABEL_GAP`` px lower still."""
    ends = ends.sort_values("amount", ascending=False)
    offsets = [-END_LABEL_OFFSET] + [END_LABEL_OFFSET + (i - 1) * END_LABEL_GAP for i in range(1, len(ends))]
    return ends.assign(offset=offsets)


@remembered
def burn_chart(series: pd.DataFrame, *, today: date, title: str, currency: str, bac: float | None = None,
               forecast_label: str = "EAC", height: int = 360) -> alt.LayerChart:
    """Cumulative PV, EV and AC to today, the forecast from today's AC to EAC, a dashed today line and the budget.

    Parameters
    ----------
    series : DataFrame
        ``date, pv, ev, ac, forecast`` (None where undefined), as ``worksmith.domain.evm.evm_series`` returns.
    today : date
        Where the dashed vertical line goes.
    title : str
        The finding ("ERP migration: forecast €128,189, 12 % over budget").
    currency : str
        For the axis title and labels.
    bac : float, optional
        Draws a dotted horizontal "Budget (BAC)" line.
    forecast_label : str
        "EAC" for a project; anything else (e.g. "run rate" for an operation's year) names the forecast line
        "Forecast (<label>)".
    """
    forecast = FORECAST if forecast_label == "EAC" else f"Forecast ({forecast_label.lower()})"
    colours, dashes = COLOURS | {forecast: COLOURS[FORECAST]}, DASHES | {forecast: DASHES[FORECAST]}
    data = burn_long(series, forecast)
    domain = [s for s in (PV, EV, AC, forecast) if s in set(data["series"])] or [PV]
    money = f"Cumulative cost ({currency})"
    pad = int(max((text_width(f"EAC {fmt.money(a, currency)}", LABEL_FONT, bold=True) for a in data["amount"]),
                  default=0) + 12)  # the end labels right of the last points stay inside the chart
    base = alt.Chart(data).encode(
        # padding then domainMin: the room is kept on the right only, for the end labels
        x=alt.X("date:T", title="Date", axis=_axis("%d %b"),
                scale=alt.Scale(padding=pad, domainMin=vega_date(min([pd.Timestamp(today), *data["date"]])))),
        y=alt.Y("amount:Q", title=money, axis=_axis(",.0f")),
        color=alt.Color("series:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain, range=[colours[s] for s in domain]),
                        legend=alt.Legend(orient="top", labelFontSize=LABEL_FONT, symbolStrokeWidth=3, columns=2)),
        strokeDash=alt.StrokeDash("series:N", sort=domain, legend=None,
                                  scale=alt.Scale(domain=domain, range=[dashes[s] for s in domain])),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("date:T", title="Date", format="%a %d %b %Y"),
                 alt.Tooltip("amount:Q", title=money, format=",.0f")],
    )
    lines = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=40, filled=True))
    ends = data.sort_values("date").groupby("series", as_index=False).tail(1)
    short = {PV: "PV", EV: "EV", AC: "AC", forecast: "EAC" if forecast == FORECAST else "Forecast"}
    ends = ends.assign(label=[f"{short[s]} {fmt.money(a, currency)}"
                              for s, a in zip(ends["series"], ends["amount"], strict=True)])
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[colours[s] for s in domain]), legend=None)
    at_today = ends["date"] <= pd.Timestamp(today)
    later = end_offsets(ends[~at_today])
    # AC ends today above-left of the forecast's start, EV below-right; PV and the forecast at their right ends
    labels = [
        alt.Chart(ends[at_today & (ends["series"] == AC)]).mark_text(
            align="right", dx=-8, dy=-12, fontSize=LABEL_FONT, fontWeight="bold").encode(
            x="date:T", y="amount:Q", text="label:N", color=colour),
        alt.Chart(ends[at_today & (ends["series"] != AC)]).mark_text(
            align="left", dx=8, dy=14, fontSize=LABEL_FONT, fontWeight="bold").encode(
            x="date:T", y="amount:Q", text="label:N", color=colour),
        # one layer per end label: Vega's dy is per mark, not per datum
        *(alt.Chart(later.iloc[[i]]).mark_text(align="left", dx=8, dy=float(offset), fontSize=LABEL_FONT,
                                               fontWeight="bold", baseline="middle").encode(
            x="date:T", y="amount:Q", text="label:N", color=colour) for i, offset in enumerate(later["offset"])),
    ]
    rule_data = pd.DataFrame({"date": [pd.Timestamp(today)], "label": [f"today {today:%d %b}"]})
    today_rule = alt.Chart(rule_data).mark_rule(strokeDash=[6, 4], color=TODAY_COLOUR, strokeWidth=1.5).encode(
        x="date:T", tooltip=[alt.Tooltip("date:T", title="Today", format="%a %d %b %Y")])
    today_text = alt.Chart(rule_data).mark_text(align="left", dx=4, y=8, fontSize=12, color=TODAY_COLOUR).encode(
        x="date:T", text="label:N")
    layers = [lines, *labels, today_rule, today_text]
    if bac:
        bac_data = pd.DataFrame({"amount": [float(bac)], "label": [f"Budget (BAC) {fmt.money(bac, currency)}"]})
        layers.append(alt.Chart(bac_data).mark_rule(strokeDash=[2, 3], color=STATUS_COLOURS["off track"],
                                                    strokeWidth=1.5).encode(
            y="amount:Q", tooltip=[alt.Tooltip("label:N", title="Budget")]))
        layers.append(alt.Chart(bac_data).mark_text(align="left", x=6, dy=-8, fontSize=12,
                                                    color=STATUS_COLOURS["off track"]).encode(
            y="amount:Q", text="label:N"))
    return alt.layer(*layers).properties(title=alt.TitleParams(wrapped(title, 48), fontSize=16, anchor="start"),
                                         height=height)


@remembered
def plan_actual_bars(frame: pd.DataFrame, *, title: str, currency: str, group_title: str) -> alt.LayerChart:
    """[group, kind ('planned to date' | 'actual'), amount] → horizontal grouped bars per group, labelled."""
    kinds = ["planned to date", "actual"]
    money = f"Amount ({currency})"
    n = max(1, frame["group"].nunique()) if len(frame) else 1
    base = alt.Chart(frame).encode(
        y=alt.Y("group:N", title=group_title, axis=_axis(labelLimit=200)),
        yOffset=alt.YOffset("kind:N", sort=kinds),
        x=alt.X("amount:Q", title=money, axis=_axis(",.0f")),
        tooltip=[alt.Tooltip("group:N", title=group_title), alt.Tooltip("kind:N", title=""),
                 alt.Tooltip("amount:Q", title=money, format=",.0f")],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=[BASELINE, ACCENT]),
                        legend=alt.Legend(orient="top", labelFontSize=LABEL_FONT)))
    text = base.mark_text(align="left", dx=4, fontSize=11, color="#37474F").encode(
        text=alt.Text("amount:Q", format=",.0f"))
    # a numeric height is ignored by Vega-Lite for layered charts with an offset channel: size each bar instead
    return (bars + text).properties(title=alt.TitleParams(title, fontSize=15, anchor="start"),
                                    height=alt.Step(16 if n < 8 else 11))


@remembered
def roi_chart(table: pd.DataFrame, *, title: str, currency: str) -> alt.LayerChart:
    """[name, roi (fraction or None), cost, benefit, payback_month] → one bar per project, best first.

    Positive ROI bars are green, negative red, and every bar carries its percentage as text.
    """
    data = table[[r is not None for r in table["roi"]]].copy()
    data["roi_pct"] = [float(r) * 100 for r in data["roi"]]
    data["result"] = ["returns more than it costs" if r >= 0 else "costs more than it returns"
                      for r in data["roi_pct"]]
    data["label"] = [fmt.percent(r / 100) for r in data["roi_pct"]]
    data["payback"] = [p.strftime("%b %Y") if p is not None and not pd.isna(p) else "never"
                       for p in data["payback_month"]]
    data = data[["name", "roi_pct", "result", "label", "cost", "benefit", "payback"]]
    results = ["returns more than it costs", "costs more than it returns"]
    money = f"({currency})"
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", title=None, sort=data.sort_values("roi_pct", ascending=False)["name"].tolist(),
                axis=_axis(labelLimit=220)),
        x=alt.X("roi_pct:Q", title="Return on investment (%)", axis=_axis(",.0f")),
        tooltip=[alt.Tooltip("name:N", title="Project"), alt.Tooltip("label:N", title="ROI"),
                 alt.Tooltip("benefit:Q", title=f"Expected benefit {money}", format=",.0f"),
                 alt.Tooltip("cost:Q", title=f"Cost {money}", format=",.0f"),
                 alt.Tooltip("payback:N", title="Pays back in")],
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "result:N", title=None, scale=alt.Scale(domain=results, range=[STATUS_COLOURS["on track"],
                                                                     STATUS_COLOURS["off track"]]),
        legend=alt.Legend(orient="top", labelFontSize=LABEL_FONT)))
    text = base.mark_text(align="left", dx=4, fontSize=12, color="#263238").encode(text="label:N")
    return (bars + text).properties(title=alt.TitleParams(title, fontSize=15, anchor="start"), height=alt.Step(30))
