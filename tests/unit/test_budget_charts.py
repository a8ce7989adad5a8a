"""The Budgets charts, checked through their Vega-Lite spec (``chart.to_dict()``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worksmith.charts.budget import AC, EV, FORECAST, PV, burn_chart, burn_long, plan_actual_bars, roi_chart
from worksmith.status import STATUS_COLOURS

TODAY = date(2026, 1, 15)
# evm_series-shaped input: start, today (AC 900, EV 3,000), a month end and the forecast finish at EAC 2,130
SERIES = pd.DataFrame({
    "date": [date(2026, 1, 5), TODAY, date(2026, 1, 31), date(2026, 2, 18)],
    "point": ["start", "today", "month end", "forecast finish"],
    "pv": [1_000.0, 7_000.0, 7_100.0, 7_100.0],
    "ev": pd.Series([0.0, 3_000.0, None, None], dtype=object),
    "ac": pd.Series([0.0, 900.0, None, None], dtype=object),
    "forecast": pd.Series([None, 900.0, 1_500.0, 2_130.0], dtype=object),
})


def layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def dataset(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


class TestBurnChart:
    def test_long_form_skips_undefined(self):
        long = burn_long(SERIES)
        # PV 4 points, EV and AC 2 each (None after today), forecast 3 (None before today)
        assert long.groupby("series").size().to_dict() == {AC: 2, EV: 2, FORECAST: 3, PV: 4}
        assert long["amount"].isna().sum() == 0

    def test_layers_title_and_colours(self):
        chart = burn_chart(SERIES, today=TODAY, title="Apollo: forecast €2,130, 70 % under budget", currency="€",
                           bac=7_100)
        spec = chart.to_dict()
        assert spec["title"]["text"] == "Apollo: forecast €2,130, 70 % under budget"
        line = spec["layer"][0]
        assert line["mark"]["type"] == "line"
        assert line["encoding"]["color"]["scale"]["domain"] == [PV, EV, AC, FORECAST]
        assert line["encoding"]["strokeDash"]["scale"]["range"][-1] == [7, 5]  # the forecast is dashed
        assert line["encoding"]["y"]["title"] == "Cumulative cost (€)"
        assert {t["title"] for t in line["encoding"]["tooltip"]} == {"Series", "Date", "Cumulative cost (€)"}
        texts = [t for layer in spec["layer"] for t in dataset(spec, layer) if "label" in t]
        labels = {t["label"] for t in texts}
        assert {"AC €900", "EV €3,000", "PV €7,100", "EAC €2,130", "today 15 Jan", "Budget (BAC) €7,100"} <= labels
        rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
        assert [r["mark"]["strokeDash"] for r in rules] == [[6, 4], [2, 3]]  # dashed today line, dotted budget

    def test_operation_forecast_and_no_budget_line(self):
        spec = burn_chart(SERIES.assign(ev=None), today=TODAY, title="t", currency="$",
                          forecast_label="run rate").to_dict()
        domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
        assert domain == [PV, AC, "Forecast (run rate)"]
        assert [layer["mark"]["type"] for layer in spec["layer"]].count("rule") == 1  # today only
        labels = {t["label"] for layer in spec["layer"] for t in dataset(spec, layer) if "label" in t}
        assert "Forecast $2,130" in labels

    def test_empty_series_still_draws(self):
        empty = SERIES.iloc[:0]
        spec = burn_chart(empty, today=TODAY, title="nothing yet", currency="€").to_dict()
        assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [PV]


class TestPlanActualBars:
    def test_grouped_bars(self):
        frame = pd.DataFrame({"group": ["Finance", "Finance", "HR", "HR"],
                              "kind": ["planned to date", "actual"] * 2, "amount": [100.0, 122.0, 50.0, 40.0]})
        spec = plan_actual_bars(frame, title="Finance is 22 % over its plan to date", currency="€",
                                group_title="Team").to_dict()
        bars, text = spec["layer"]
        assert spec["title"]["text"] == "Finance is 22 % over its plan to date"
        assert bars["encoding"]["yOffset"]["field"] == "kind"
        assert bars["encoding"]["color"]["scale"]["domain"] == ["planned to date", "actual"]
        assert bars["encoding"]["x"]["title"] == "Amount (€)" and bars["encoding"]["y"]["title"] == "Team"
        assert text["mark"]["type"] == "text"  # every bar carries its amount
        assert spec["height"] == {"step": 16}


class TestRoiChart:
    def test_bars_per_project_with_sign_and_label(self):
        table = pd.DataFrame({"name": ["Apollo", "Zeus", "Hermes"], "roi": pd.Series([0.5, -0.25, None], dtype=object),
                              "cost": [100.0, 200.0, 0.0], "benefit": [150.0, 150.0, 0.0],
                              "payback_month": pd.Series([date(2027, 3, 1), None, None], dtype=object)})
        chart = roi_chart(table, title="Portfolio ROI 0 %", currency="€")
        spec = chart.to_dict()
        rows = dataset(spec, spec["layer"][0]) if "data" in spec["layer"][0] else spec["datasets"][spec["data"]["name"]]
        assert [r["name"] for r in rows] == ["Apollo", "Zeus"]  # undefined ROI left out
        assert [r["roi_pct"] for r in rows] == pytest.approx([50, -25])
        assert [r["label"] for r in rows] == ["50 %", "-25 %"]
        assert [r["payback"] for r in rows] == ["Mar 2027", "never"]
        assert [r["result"] for r in rows] == ["returns more than it costs", "costs more than it returns"]
        assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Apollo", "Zeus"]  # best first
        colour = spec["layer"][0]["encoding"]["color"]["scale"]
        assert colour["range"] == [STATUS_COLOURS["on track"], STATUS_COLOURS["off track"]]
