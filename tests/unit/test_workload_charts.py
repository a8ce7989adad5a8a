"""Workload charts, checked through their Vega-Lite spec (``chart.to_dict()``)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.charts import CRITICAL
from worksmith.charts import workload as wc

W49, W50 = date(2026, 11, 30), date(2026, 12, 7)


def heat_frame() -> pd.DataFrame:
    rows = [
        # row, group, week, load, capacity, over, work
        ("Olivia Martin", "Engineering", W49, 22.67, 12.8, True, "Landing pages (Spring campaign) 22.7 h"),
        ("Olivia Martin", "Engineering", W50, 4.0, 32.0, False, "Landing pages (Spring campaign) 4.0 h"),
        ("Lily Park", "Finance", W49, 30.0, 32.0, False, "Close the books (Month-end close) 30.0 h"),
        ("Lily Park", "Finance", W50, 0.0, 0.0, False, "nothing planned"),
    ]
    frame = pd.DataFrame(rows, columns=["row", "group", "week", "load", "capacity", "over", "work"])
    frame["utilisation"] = [lo / c if c else math.nan for lo, c in zip(frame["load"], frame["capacity"], strict=True)]
    frame["week_axis"] = ["W49 · 30 Nov" if w == W49 else "W50 · 7 Dec" for w in frame["week"]]
    frame["week_range"] = frame["week_axis"]
    return frame


def layers_of(spec: dict) -> list[dict]:
    return spec.get("spec", spec).get("layer", [])


@pytest.mark.parametrize(("util", "over", "capacity", "expected"), [
    (0.0, False, 32.0, "under 50 %"),
    (0.49, False, 32.0, "under 50 %"),
    (0.5, False, 32.0, "50–85 %"),
    (0.85, False, 32.0, "85–100 %"),
    (1.0, False, 32.0, "85–100 %"),  # exactly at capacity is not over
    (1.1, True, 32.0, "100–125 %"),
    (1.77, True, 12.8, "over 125 %"),
    (math.nan, True, 0.0, "over 125 %"),  # work with no capacity at all
    (math.nan, False, 0.0, "no capacity"),  # a week off with nothing planned
])
def test_band(util, over, capacity, expected):
    assert wc.band(util, over, capacity) == expected


def test_cell_labels_mark_over_allocation_with_a_symbol_not_only_colour():
    assert wc.cell_label(1.77, True, 12.8, 22.67) == "▲177%"
    assert wc.cell_label(0.42, False, 32.0, 13.4) == "42%"
    assert wc.cell_label(math.nan, False, 0.0, 0.0) == "off"
    assert wc.cell_label(math.nan, True, 0.0, 2.0) == "▲ no cap."


def test_over_capacity_bands_use_the_critical_red_family():
    assert wc.BANDS["over 125 %"][0] == CRITICAL
    fills = [fill for fill, _text in wc.BANDS.values()]
    assert len(set(fills)) == len(fills)


def test_heatmap_spec_has_title_legend_labels_and_task_tooltips():
    spec = wc.heatmap(heat_frame(), "Olivia Martin is over capacity in 1 week").to_dict()
    assert spec["title"]["text"] == "Olivia Martin is over capacity in 1 week"
    rect, text = layers_of(spec)
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    colour = rect["encoding"]["color"]
    assert colour["title"] == "Utilisation" and colour["scale"]["domain"] == list(wc.BANDS)
    assert colour["scale"]["range"][-1] == CRITICAL
    assert rect["encoding"]["x"]["title"] == wc.WEEK_TITLE
    assert rect["encoding"]["x"]["sort"] == ["W49 · 30 Nov", "W50 · 7 Dec"]
    assert rect["encoding"]["y"]["sort"] == ["Olivia Martin", "Lily Park"]  # the frame's order
    titles = [t["title"] for t in rect["encoding"]["tooltip"]]
    assert titles == ["Person", "Team", "Week", "Load (h)", "Capacity (h)", "Utilisation", "Work (hours)"]
    data = next(iter(spec["datasets"].values()))
    olivia = next(r for r in data if r["row"] == "Olivia Martin" and r["week_axis"].startswith("W49"))
    assert (olivia["band"], olivia["label"], olivia["util_text"]) == ("over 125 %", "▲177%", "177 %")
    assert "Landing pages (Spring campaign) 22.7 h" in olivia["work"]
    off = next(r for r in data if r["row"] == "Lily Park" and r["week_axis"].startswith("W50"))
    assert (off["band"], off["label"], off["util_text"]) == ("no capacity", "off", "—")


def test_grouped_heatmap_draws_one_block_per_team():
    spec = wc.heatmap(heat_frame(), "t", grouped=True).to_dict()
    assert spec["facet"]["row"]["field"] == "group"
    assert spec["facet"]["row"]["sort"] == ["Engineering", "Finance"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert spec["spec"]["height"] == {"step": 28}


def test_heatmap_without_labels_and_with_other_titles():
    spec = wc.heatmap(heat_frame(), "Skills", row_title="Skill", load_title="Demand", capacity_title="Supply",
                      labels=False).to_dict()
    (rect,) = layers_of(spec)
    titles = [t["title"] for t in rect["encoding"]["tooltip"]]
    assert titles[0] == "Skill" and "Demand (h)" in titles and "Supply (h)" in titles


def test_heatmap_refuses_a_frame_without_its_columns():
    with pytest.raises(ValueError, match="work"):
        wc.heatmap(heat_frame().drop(columns="work"), "t")


def test_run_change_stacks_run_and_change_under_a_capacity_line():
    weeks = [W49, W50]
    bars = pd.DataFrame({"week": [W49, W49, W50, W50], "week_axis": ["W49 · 30 Nov"] * 2 + ["W50 · 7 Dec"] * 2,
                         "kind": ["change (projects)", "run (operations)"] * 2, "hours": [120.0, 60.0, 80.0, 60.0]})
    cap = pd.DataFrame({"week": weeks, "week_axis": ["W49 · 30 Nov", "W50 · 7 Dec"], "hours": [560.0, 700.0]})
    spec = wc.run_change(bars, cap, "Run work is 40 % of the load").to_dict()
    stacked, line = spec["layer"]
    assert stacked["mark"]["type"] == "bar" and stacked["encoding"]["y"]["stack"] == "zero"
    assert line["mark"]["type"] == "line"
    assert stacked["encoding"]["color"]["scale"]["domain"] == wc.RUN_CHANGE_DOMAIN
    assert stacked["encoding"]["y"]["title"] == "Hours per week"
    assert spec["title"]["text"] == "Run work is 40 % of the load"
    data = spec["datasets"]
    assert any(all(r.get("kind") == "capacity" for r in rows) for rows in data.values())
