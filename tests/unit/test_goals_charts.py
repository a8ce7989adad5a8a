"""The Goals page's Altair charts, checked through their Vega-Lite specs (``chart.to_dict()``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from worksmith.charts import goals as charts
from worksmith.status import STATUS_COLOURS, STATUS_ICONS, chip


def spec_rows(spec: dict) -> list[dict]:
    """All rows of every inline dataset of a spec."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def layers(spec: dict) -> list[dict]:
    inner = spec.get("spec", spec)
    return inner["layer"]


TREE = pd.DataFrame({
    "label": ["Grow", "\u2003└ Site", "Keep"], "title": ["Grow", "Site", "Keep"],
    "progress": [0.38, 0.41, None], "expected": [0.52, 0.52, 0.52], "status": ["on track", "at risk", "no data"],
    "ratio": [0.73, 0.79, None], "owner": ["Ava", None, "Eve"]})


def test_chip_and_fit_css():
    assert chip("at risk") == f"{STATUS_ICONS['at risk']} at risk"
    assert chip("no data") == f"{STATUS_ICONS['not started']} no data"
    assert charts.fit_css("● fits") == f"color: {STATUS_COLOURS['on track']}; font-weight: 600"
    assert charts.fit_css("■ no: Eng 10 h short in Jan 2027").startswith(f"color: {STATUS_COLOURS['off track']}")
    assert charts.fit_css("○ needs an estimate").startswith(f"color: {STATUS_COLOURS['not started']}")


def test_goal_tree_keeps_tree_order_and_status_colours():
    spec = charts.goal_tree(TREE, "1 at risk").to_dict()
    assert spec["title"]["text"] == "1 at risk"
    assert spec["height"] == {"step": 40}
    bars = layers(spec)[1]
    assert bars["encoding"]["y"]["sort"] == ["Grow", "\u2003└ Site", "Keep"]
    scale = bars["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["at risk"] == STATUS_COLOURS["at risk"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["no data"] == STATUS_COLOURS["not started"]
    tick = layers(spec)[2]
    assert tick["mark"]["type"] == "tick" and tick["encoding"]["x"]["field"] == "expected"
    rows = spec_rows(spec)
    # no data draws an empty bar (0) but says so, with its icon
    assert [r["progress"] for r in rows] == [0.38, 0.41, 0.0]
    assert [r["text"] for r in rows] == ["38% · ● on track", "41% · ▲ at risk", "0% · ○ no data"]
    assert rows[1]["owner"] == "—"


CHECK_INS = pd.DataFrame({"day": [date(2026, 10, 6), date(2026, 11, 24)], "value": [33.0, 34.4],
                          "confidence": [5, 4], "note": ["", "slow"], "author": ["Ethan", None]})


def test_kr_history_has_actual_target_and_expected_lines():
    chart = charts.kr_history(CHECK_INS, start_value=32, target_value=45, period_start=date(2026, 8, 24),
                              period_end=date(2027, 2, 21), today=date(2026, 11, 25), unit="points",
                              title="NPS: 34.4 now, 38.7 expected by today — well behind pace")
    spec = chart.to_dict()
    assert spec["title"]["text"].startswith("NPS: 34.4 now")
    guide, actual, today = layers(spec)
    assert guide["encoding"]["y"]["title"] == "Value (points)"
    assert guide["encoding"]["x"]["axis"]["format"] == "%d %b"
    rows = spec_rows(spec)
    expected = sorted((r["day"][:10], r["value"]) for r in rows if r.get("series") == "expected")
    target = sorted((r["day"][:10], r["value"]) for r in rows if r.get("series") == "target")
    assert expected == [("2026-08-24", 32), ("2027-02-21", 45)]  # start value at period start → target at end
    assert target == [("2026-08-24", 45), ("2027-02-21", 45)]
    assert [r["value"] for r in rows if r.get("series") == "actual"] == [33.0, 34.4]
    assert {t["title"] for t in actual["encoding"]["tooltip"]} >= {"Confidence (0–10)", "Note", "By"}
    assert today["mark"]["type"] == "rule"


def test_kr_history_without_check_ins_or_unit():
    empty = CHECK_INS.iloc[0:0]
    spec = charts.kr_history(empty, start_value=8, target_value=5, period_start=date(2026, 10, 1),
                             period_end=date(2026, 12, 31), today=date(2026, 11, 25), unit="", title="t").to_dict()
    assert layers(spec)[0]["encoding"]["y"]["title"] == "Value"


CANDIDATES = pd.DataFrame({"name": ["Warehouse", "Portal"], "rank": [1, 2], "score": [80.0, 40.0],
                           "value": [3.63, 4.21], "effort_hours": [295.0, 388.0], "cost": [33_820.0, 41_200.0],
                           "risk": [2.0, 4.0], "fits": [True, False], "roi": [5.2, None]})


def test_value_effort_bubbles():
    spec = charts.value_effort(CANDIDATES, "Warehouse ranks first", "€").to_dict()
    bubbles, right, left = layers(spec)  # names right of the bubbles in the left half, left of the others
    enc = bubbles["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["size"]["field"]) == ("effort", "value", "cost")
    assert enc["color"]["scale"]["domain"] == ["fits", "does not fit"]
    assert enc["color"]["scale"]["range"] == [STATUS_COLOURS["on track"], STATUS_COLOURS["off track"]]
    assert "Effort" in enc["x"]["title"] and "Value" in enc["y"]["title"]
    rows = spec_rows(spec)
    assert [r["label"] for r in rows] == ["#1 Warehouse", "#2 Portal"]
    assert [r["capacity"] for r in rows] == ["fits", "does not fit"]
    assert rows[1]["roi"] is None
    assert right["encoding"]["text"]["field"] == left["encoding"]["text"]["field"] == "label"
    assert (right["mark"]["align"], left["mark"]["align"]) == ("left", "right")


def test_value_effort_leaves_out_a_candidate_that_needs_an_estimate():
    waiting = pd.DataFrame({"name": ["Loyalty"], "rank": [None], "score": [None], "value": [4.0],
                            "effort_hours": [0.0], "cost": [0.0], "risk": [3.0], "fits": [None], "roi": [None],
                            "estimated": [False]})
    both = pd.concat([CANDIDATES.assign(estimated=True), waiting], ignore_index=True).astype({"rank": object})
    rows = spec_rows(charts.value_effort(both, "t", "€").to_dict())
    assert [r["label"] for r in rows] == ["#1 Warehouse", "#2 Portal"]


DETAIL = pd.DataFrame({"rank": [1, 1, 2], "name": ["W", "W", "P"], "team_id": ["Eng", "Mkt", "Eng"],
                       "month": [date(2027, 1, 1), date(2027, 2, 1), date(2027, 1, 1)], "hours": [65.4, 64.0, 244.0],
                       "fits": [True, True, False]})
FREE = pd.DataFrame({"team_id": ["Eng", "Eng", "Mkt", "Mkt", "HR"], "free_hours": [960.0, 960, 498, 518, 300],
                     "month": [date(2027, 1, 1), date(2027, 2, 1)] * 2 + [date(2027, 1, 1)]})


def test_capacity_facets_only_the_teams_needed_and_stacks_in_rank_order():
    spec = charts.capacity(DETAIL, FREE, "1 of 2 fit").to_dict()
    assert spec["title"]["text"] == "1 of 2 fit"
    assert spec["facet"]["field"] == "team"  # wrapped two a row (legible at 1280 px)
    bars, ticks = layers(spec)
    assert bars["encoding"]["order"]["field"] == "rank"
    assert bars["encoding"]["x"]["sort"] == ["Jan 2027", "Feb 2027"]
    assert ticks["mark"]["type"] == "tick" and ticks["encoding"]["y"]["field"] == "free"
    rows = spec_rows(spec)
    assert {r["team"] for r in rows} == {"Eng", "Mkt"}  # HR needs nothing: not drawn
    need = [(r["candidate"], r["team"], r["month"], r["hours"], r["capacity"]) for r in rows if r["layer"] == "need"]
    assert need == [("#1 W", "Eng", "Jan 2027", 65.0, "fits"), ("#1 W", "Mkt", "Feb 2027", 64.0, "fits"),
                    ("#2 P", "Eng", "Jan 2027", 244.0, "does not fit")]
    assert sorted(r["free"] for r in rows if r["layer"] == "free") == [498, 518, 960, 960]
