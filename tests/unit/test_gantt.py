"""Gantt, risk heat grid and program timeline: data preparation and chart specs (no Streamlit, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from worksmith.charts.gantt import (
    KIND_COLOURS,
    KINDS,
    ROW_STEP,
    gantt_chart,
    gantt_links,
    gantt_rows,
    program_chart,
    risk_grid,
    risk_heatmap,
)
from worksmith.status import BASELINE, CRITICAL

TODAY = date(2026, 11, 25)


def tasks_frame(rows: list[tuple]) -> pd.DataFrame:
    """(id, ref, name, phase, phase_pos, duration, start, finish, float, critical, pct, b_start, b_finish, var)"""
    cols = ["id", "ref", "name", "phase", "phase_position", "duration_days", "start_date", "finish_date",
            "total_float", "critical", "percent_complete", "baseline_start", "baseline_finish", "finish_variance"]
    df = pd.DataFrame(rows, columns=cols)
    df["position"] = df["ref"]
    df["assignee"] = ["Ana", "", "Bo", ""][: len(df)] + [""] * max(0, len(df) - 4)
    return df


SMALL = tasks_frame([
    (11, 1, "Design", "Shape", 0, 3, date(2026, 11, 30), date(2026, 12, 2), 0, True, 100, date(2026, 11, 30),
     date(2026, 12, 2), 0),
    (12, 2, "Build", "Make", 1, 5, date(2026, 12, 7), date(2026, 12, 11), 0, True, 20, date(2026, 12, 3),
     date(2026, 12, 9), 2),
    (13, 3, "Docs", "Make", 1, 2, date(2026, 12, 8), date(2026, 12, 9), 3, False, 0, None, None, None),
    (14, 4, "Launch", "Ship", 2, 0, date(2026, 12, 15), date(2026, 12, 15), 0, True, 0, date(2026, 12, 11),
     date(2026, 12, 11), 2),
])
DEPS = pd.DataFrame({"id": [1, 2, 3], "pred_id": [11, 12, 12], "succ_id": [12, 13, 14], "type": ["FS", "SS", "FS"]})


class TestGanttRows:
    def test_phase_headers_then_tasks_in_plan_order(self):
        rows = gantt_rows(SMALL)
        assert rows["row"].tolist() == ["▸ Shape", "#1 Design", "▸ Make", "#2 Build", "#3 Docs", "▸ Ship",
                                        "#4 Launch"]
        assert rows["kind"].tolist() == ["phase", "task", "phase", "task", "task", "phase", "milestone"]
        assert rows["order"].tolist() == list(range(7))

    def test_bars_end_the_day_after_the_finish_and_milestones_are_points(self):
        rows = gantt_rows(SMALL).set_index("row")
        # Build works Mon 7 – Fri 11 Dec: the bar covers Friday, so it ends at Sat 12 Dec 00:00
        assert (rows.loc["#2 Build", "start"], rows.loc["#2 Build", "end"]) == (pd.Timestamp("2026-12-07"),
                                                                                 pd.Timestamp("2026-12-12"))
        assert rows.loc["#4 Launch", "start"] == rows.loc["#4 Launch", "end"] == pd.Timestamp("2026-12-15")
        # the Make phase spans its tasks: 7 Dec to the day after 11 Dec
        assert (rows.loc["▸ Make", "start"], rows.loc["▸ Make", "end"]) == (pd.Timestamp("2026-12-07"),
                                                                             pd.Timestamp("2026-12-12"))
        # a phase of milestones only is a point too (no bar past the milestone)
        assert rows.loc["▸ Ship", "start"] == rows.loc["▸ Ship", "end"] == pd.Timestamp("2026-12-15")

    def test_colour_says_done_critical_or_not(self):
        rows = gantt_rows(SMALL).set_index("row")
        assert rows.loc["#1 Design", "colour"] == "done"  # 100 % beats critical
        assert rows.loc["#2 Build", "colour"] == "critical"
        assert rows.loc["#3 Docs", "colour"] == "not critical"

    def test_tooltip_texts_and_baseline(self):
        rows = gantt_rows(SMALL).set_index("row")
        build = rows.loc["#2 Build"]
        assert (build["start_txt"], build["finish_txt"], build["duration"], build["float_txt"]) == (
            "Mon 7 Dec 2026", "Fri 11 Dec 2026", "5 working days", "0 working days")
        assert (build["baseline_txt"], build["variance_txt"]) == ("Wed 9 Dec 2026", "+2 working days (late)")
        assert build["b_end"] == pd.Timestamp("2026-12-10")
        docs = rows.loc["#3 Docs"]
        assert (docs["baseline_txt"], docs["variance_txt"]) == ("no baseline", "—") and pd.isna(docs["b_start"])
        assert rows.loc["#1 Design", "variance_txt"] == "on baseline"

    def test_unscheduled_tasks_are_left_out_and_empty_plans_give_no_rows(self):
        assert gantt_rows(SMALL.assign(start_date=None)).empty
        assert list(gantt_rows(SMALL.iloc[0:0]).columns)[:3] == ["id", "row", "order"]


class TestGanttLinks:
    def test_elbows_from_the_predecessor_end_or_start(self):
        rows = gantt_rows(SMALL)
        links = gantt_links(DEPS, rows)
        fs = links[links["link"] == 1]
        # FS Design -> Build: down from Design's bar end (3 Dec) to Build's row, then across to its start (7 Dec)
        assert fs[["x", "row"]].values.tolist() == [[pd.Timestamp("2026-12-03"), "#1 Design"],
                                                    [pd.Timestamp("2026-12-03"), "#2 Build"],
                                                    [pd.Timestamp("2026-12-07"), "#2 Build"]]
        ss = links[links["link"] == 2]
        assert ss["x"].iloc[0] == pd.Timestamp("2026-12-07")  # SS leaves from the predecessor's start
        assert links.groupby("link")["critical"].first().to_dict() == {1: True, 2: False, 3: True}

    def test_links_to_tasks_not_drawn_are_skipped(self):
        rows = gantt_rows(SMALL)
        other = pd.DataFrame({"id": [9], "pred_id": [999], "succ_id": [12], "type": ["FS"]})
        assert gantt_links(other, rows).empty


class TestGanttChart:
    def test_layers_colours_and_today(self):
        rows = gantt_rows(SMALL)
        spec = gantt_chart(rows, gantt_links(DEPS, rows), today=date(2026, 12, 9), title="T").to_dict()
        marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
                 for layer in spec["layer"]]
        assert marks == ["bar", "bar", "bar", "line", "line", "point", "rule", "text"]
        baseline, _phases, bars = spec["layer"][:3]
        assert baseline["mark"]["color"] == BASELINE
        assert bars["encoding"]["color"]["scale"] == {"domain": KINDS, "range": KIND_COLOURS}
        assert KIND_COLOURS[0] == CRITICAL
        assert spec["layer"][5]["mark"]["shape"] == "diamond"
        assert spec["layer"][6]["mark"]["strokeDash"] == [6, 4]
        assert spec["height"] == {"step": ROW_STEP}
        assert {t["title"] for t in bars["encoding"]["tooltip"]} >= {"Start", "Finish", "Total float", "Assignee",
                                                                      "Vs baseline"}

    def test_today_far_from_the_plan_is_not_drawn(self):
        rows = gantt_rows(SMALL)
        spec = gantt_chart(rows, None, today=date(2026, 6, 1), title="T").to_dict()
        assert "rule" not in [layer["mark"]["type"] for layer in spec["layer"]]

    def test_150_tasks_stay_readable(self):
        start = date(2027, 1, 4)
        rows = []
        for i in range(150):
            s = start + timedelta(days=i)
            rows.append((i + 1, i + 1, f"Task {i + 1}", f"Phase {i // 30}", i // 30, 0 if i % 25 == 24 else 3, s,
                         s + timedelta(days=2), i % 5, i % 3 == 0, 0, None, None, None))
        tasks = tasks_frame(rows)
        deps = pd.DataFrame({"id": range(149), "pred_id": range(1, 150), "succ_id": range(2, 151), "type": "FS"})
        frame = gantt_rows(tasks)
        spec = gantt_chart(frame, gantt_links(deps, frame), today=start, title="150").to_dict()
        assert len(frame) == 155  # 150 tasks + 5 phase headers, one row each of ROW_STEP px: ~3,400 px tall
        assert spec["height"] == {"step": ROW_STEP}


class TestRisks:
    def test_grid_counts_open_risks_per_cell_with_levels(self):
        risks = pd.DataFrame({"title": ["A", "B", "C"], "probability": [4, 4, 1], "impact": [5, 5, 2],
                              "status": ["open", "mitigating", "closed"]})
        grid = risk_grid(risks)
        assert len(grid) == 25
        cell = grid[(grid["probability"] == 4) & (grid["impact"] == 5)].iloc[0]
        assert (cell["count"], cell["score"], cell["level"], cell["titles"]) == (2, 20, "high", "A; B")
        assert grid.loc[(grid["probability"] == 1) & (grid["impact"] == 2), "count"].item() == 0  # closed
        assert grid.loc[(grid["probability"] == 1) & (grid["impact"] == 4), "level"].item() == "low"  # 4
        assert grid.loc[(grid["probability"] == 3) & (grid["impact"] == 3), "level"].item() == "medium"  # 9

    def test_heatmap_spec(self):
        spec = risk_heatmap(risk_grid(pd.DataFrame(columns=["title", "probability", "impact", "status"])),
                            title="0 open risks").to_dict()
        cells = spec["layer"][0]
        assert cells["mark"]["type"] == "rect"
        assert cells["encoding"]["y"]["sort"] == "descending"
        assert cells["encoding"]["color"]["scale"]["range"] == ["#2E7D32", "#F9A825", "#C62828"]


def test_program_chart_draws_links_red_when_driving():
    items = pd.DataFrame({"project": ["Web", "Campaign"], "task": ["Site live", "Launch"],
                          "kind": ["milestone", "milestone"],
                          "start": pd.to_datetime(["2026-12-08", "2026-12-15"]),
                          "end": pd.to_datetime(["2026-12-08", "2026-12-15"]), "critical": [True, True]})
    links = pd.DataFrame({"from_project": ["Web"], "from_task": ["Site live"], "from_day": [pd.Timestamp("2026-12-08")],
                          "to_project": ["Campaign"], "to_task": ["Launch"], "to_day": [pd.Timestamp("2026-12-15")],
                          "type": ["FS"], "lag": [2], "slack": [0], "driving": [True]})
    spec = program_chart(items, links, today=TODAY, title="P").to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert line["encoding"]["color"]["condition"]["value"] == CRITICAL
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Campaign", "Web"]


@pytest.mark.parametrize("n", [0, 1])
def test_gantt_chart_with_only_milestones_or_nothing(n):
    rows = gantt_rows(SMALL.iloc[3:3 + n])
    if n == 0:
        assert rows.empty
    else:
        spec = gantt_chart(rows, None, today=TODAY, title="M").to_dict()
        assert [layer["mark"]["type"] for layer in spec["layer"]][:2] == ["bar", "point"]
