"""Charts stay legible at 1280 and 1600 px wide (UX.md; issue "One truth per figure" point 19): heatmap text ≥ 11 px
at 26 weeks and a block that fits a 1280 px page, room for the last milestone name, end labels that never overlap,
candidate names beside their bubble, long titles wrapped instead of cut."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from worksmith import charts
from worksmith.charts import budget as bc
from worksmith.charts import gantt as gc
from worksmith.charts import goals as goc
from worksmith.charts import workload as wc

PAGE_1280 = 820  # px of a Streamlit page's main column at 1280 × 720 with the sidebar open (measured in Chromium)
ROW_LABELS = 160  # px the heatmap's row names may take (labelLimit)


def heat(weeks: int, people: int = 3) -> pd.DataFrame:
    rows = []
    for p in range(people):
        for w in range(weeks):
            monday = date(2026, 11, 23) + timedelta(weeks=w)
            rows.append({"row": f"Person {p}", "group": "Engineering" if p < 2 else "Finance", "week": monday,
                         "week_axis": f"W{w + 1:02d} · {monday:%d %b}", "week_range": "…", "load": 50.0,
                         "capacity": 40.0 if w else 0.0, "utilisation": 1.25 if w else float("nan"), "over": True,
                         "work": "x"})
    return pd.DataFrame(rows)


def walk(node, found: list[dict]) -> list[dict]:
    """Every dict in a spec (marks, axes, encodings)."""
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)
    return found


def text_sizes(spec: dict) -> list[float]:
    sizes = []
    for node in walk(spec, []):
        if node.get("type") == "text" and "fontSize" in node:
            sizes.append(node["fontSize"])
        for key in ("labelFontSize", "titleFontSize"):
            if key in node:
                sizes.append(node[key])
    return sizes


def widths(spec: dict) -> list[int]:
    return [node["width"]["step"] for node in walk(spec, []) if isinstance(node.get("width"), dict)
            and "step" in node["width"]]


@pytest.mark.parametrize("weeks", [4, 8, 12, 13, 26])
@pytest.mark.parametrize("grouped", [True, False])
def test_heatmap_text_is_at_least_11_px_and_a_block_fits_1280(weeks, grouped):
    spec = wc.heatmap(heat(weeks), "t", grouped=grouped).to_dict()
    sizes = text_sizes(spec)
    assert sizes and min(sizes) >= 11, sizes
    block = min(weeks, wc.MAX_BLOCK_WEEKS)
    for step in widths(spec):
        assert step * block + ROW_LABELS <= PAGE_1280, (step, block)
        assert step >= 40  # '▲125%' at 11 px fits its cell


def test_a_26_week_heatmap_is_two_blocks_of_13_weeks_under_each_other():
    spec = wc.heatmap(heat(26), "Six over capacity", grouped=True).to_dict()
    assert len(spec["vconcat"]) == 2
    assert spec["title"]["text"] == "Six over capacity"
    weeks_per_block = [len({r["week_axis"] for r in spec["datasets"][b["data"]["name"]]}) for b in spec["vconcat"]]
    assert weeks_per_block == [13, 13]


def test_the_last_milestone_name_fits_right_of_its_diamond():
    frame = pd.DataFrame({"project": ["A", "B"], "name": ["Kick-off", "Release candidate sign-off"],
                          "day": pd.to_datetime(["2026-12-01", "2026-12-24"]), "status": ["on track", "off track"]})
    spec = charts.milestone_timeline(frame, pd.Timestamp("2026-11-25"), "t").to_dict()
    scale = spec["layer"][0]["encoding"]["x"]["scale"]
    longest = charts.text_width("Release candidate sign-off", charts.MILESTONE_FONT)
    assert scale["padding"] >= longest + charts.MILESTONE_DX
    assert scale["domainMin"] == {"year": 2026, "month": 11, "date": 25}  # no room wasted on the left


def test_text_width_is_generous():
    assert charts.text_width("Release", 13) >= 7 * 13 * 0.55
    assert charts.text_width("EAC €128,189", 13, bold=True) > charts.text_width("EAC €128,189", 13)


@pytest.mark.parametrize("amounts", [(114_240.0, 114_240.0), (128_189.0, 114_240.0), (50.0, 51.0, 49.0)])
def test_end_labels_never_overlap(amounts):
    ends = pd.DataFrame({"series": [f"s{i}" for i in range(len(amounts))], "amount": amounts})
    placed = bc.end_offsets(ends).reset_index(drop=True)
    assert list(placed["amount"]) == sorted(amounts, reverse=True)
    # pixel y grows downwards and a lower amount is never higher up: the middles are at least a line apart
    assert placed["offset"].iloc[0] < 0
    assert all(b - a >= bc.END_LABEL_GAP for a, b in zip(placed["offset"], placed["offset"].iloc[1:], strict=False))


def test_burn_chart_keeps_room_for_the_end_labels_and_wraps_its_title():
    series = pd.DataFrame({"date": pd.to_datetime(["2026-10-01", "2026-11-25", "2026-12-30"]),
                           "pv": [10.0, 80.0, 114_240.0], "ev": [5.0, 85.0, None], "ac": [8.0, 95.0, None],
                           "forecast": [None, 95.0, 118_000.0]})
    title = "ERP migration: forecast €128,189 at completion, 12 % over the €114,240 budget (CPI 0.89)"
    spec = bc.burn_chart(series, today=date(2026, 11, 25), title=title, currency="€", bac=114_240).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["padding"] >= charts.text_width("EAC €118,000", bc.LABEL_FONT, bold=True)
    assert isinstance(spec["title"]["text"], list) and " ".join(spec["title"]["text"]) == title
    end_layers = [la for la in spec["layer"] if la.get("mark", {}).get("type") == "text"
                  and la["mark"].get("align") == "left" and "dy" in la["mark"] and la["mark"].get("baseline")]
    assert sorted(la["mark"]["dy"] for la in end_layers) == [-bc.END_LABEL_OFFSET, bc.END_LABEL_OFFSET]


def test_candidate_names_sit_beside_their_bubble_and_stay_on_the_chart():
    assert goc.label_sides(pd.Series([10.0, 290.0, 560.0]), 700.0) == ["right", "right", "left"]
    cands = pd.DataFrame({"name": ["Warehouse", "Portal"], "rank": [1, 2], "score": [80.0, 40.0],
                          "value": [5.0, 1.0], "effort_hours": [0.0, 560.0], "cost": [3e4, 4e4], "risk": [2.0, 4.0],
                          "fits": [True, False]})
    spec = goc.value_effort(cands, "A long finding about which candidate ranks first and why it does", "€").to_dict()
    for layer in spec["layer"][1:]:
        assert "dy" not in layer["mark"]  # never above the bubble (the legend, the axis title)
        assert abs(layer["mark"]["dx"]) > goc.BUBBLE_RADIUS
    assert isinstance(spec["title"]["text"], list)


def test_program_chart_keeps_room_right_of_the_last_bar():
    items = pd.DataFrame({"project": ["A", "A", "B"], "task": ["Build", "Go-live", "Results report"],
                          "kind": ["critical task", "milestone", "critical task"],
                          "start": pd.to_datetime(["2026-11-01", "2026-12-24", "2027-01-07"]),
                          "end": pd.to_datetime(["2026-12-01", "2026-12-25", "2027-01-12"]), "critical": True})
    spec = gc.program_chart(items, pd.DataFrame(), today=date(2026, 11, 25), title="t").to_dict()
    scale = spec["layer"][0]["encoding"]["x"]["scale"]
    assert scale["padding"] >= charts.text_width("Go-live", 11) + 8
    assert scale["domainMin"] == {"year": 2026, "month": 11, "date": 1}


def test_capacity_facets_wrap_two_a_row_and_fit_three_fifths_of_1280():
    detail = pd.DataFrame({"rank": [1, 2, 3], "name": ["a", "b", "c"], "team_id": ["Eng", "Fin", "Mkt"],
                           "month": pd.to_datetime(["2027-01-01"] * 3), "hours": [10.0, 20.0, 30.0],
                           "fits": [True, False, True]})
    free = pd.DataFrame({"team_id": ["Eng", "Fin", "Mkt"] * 3,
                         "month": pd.to_datetime(["2027-01-01"] * 3 + ["2027-02-01"] * 3 + ["2027-03-01"] * 3),
                         "free_hours": [100.0] * 9})
    spec = goc.capacity(detail, free, "t").to_dict()
    assert spec["columns"] == 2
    assert 2 * spec["spec"]["width"] + 120 <= PAGE_1280 * 3 / 5
