"""``python -m worksmith risk``: the contract of the schedule-risk command (issue: schedule risk)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from worksmith.__main__ import main

PLAN = """id,name,duration_days,predecessors,duration_min_days,duration_max_days
1,Design,5,,3,8
2,Build,10,1,8,15
3,Test,4,2,,
4,Launch,0,3,,
"""


def _run(tmp_path: Path, plan: str, *extra: str) -> tuple[int, dict, list[dict]]:
    source = tmp_path / "plan.csv"
    source.write_text(plan)
    code = main(["risk", str(source), "--runs", "4000", "--seed", "7", "-o", str(tmp_path / "tasks.csv"),
                 "--json", str(tmp_path / "summary.json"), *extra])
    if code:
        return code, {}, []
    with open(tmp_path / "tasks.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return code, json.loads((tmp_path / "summary.json").read_text()), rows


def test_summary_and_tasks_files_follow_the_contract(tmp_path):
    code, summary, rows = _run(tmp_path, PLAN, "--target-day", "20", "--start", "2027-01-04")
    assert code == 0
    assert {"runs", "deterministic_finish", "finish_p50", "finish_p80", "finish_p95", "probability_by_target"} <= \
        set(summary)
    assert summary["runs"] == 4000 and summary["deterministic_finish"] == 19
    assert 19 <= summary["finish_p50"] <= summary["finish_p80"] <= summary["finish_p95"] <= 23  # all at max: 23
    assert 0 < summary["probability_by_target"] < 1
    assert summary["deterministic_finish_date"] == "2027-01-28"  # day 18 is the 19th working day from Mon 4 Jan
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert set(rows[0]) >= {"id", "criticality_index", "finish_p50", "finish_p80"}
    assert all(float(r["criticality_index"]) == 1.0 for r in rows)  # one chain


def test_same_seed_same_output(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _run(tmp_path / "a", PLAN), _run(tmp_path / "b", PLAN)
    assert first[1:] == second[1:] and first[1]["finish_p80"] > first[1]["deterministic_finish"]


def test_fixed_plan_gives_the_deterministic_finish(tmp_path):
    code, summary, _rows = _run(tmp_path, "id,name,duration_days,predecessors\n1,A,5,\n2,B,3,1\n")
    assert code == 0
    assert summary["finish_p50"] == summary["finish_p95"] == summary["deterministic_finish"] == 8


@pytest.mark.parametrize(("plan", "message"), [
    ("id,duration_days,duration_min_days,duration_max_days\n1,5,6,8\n", "more than the most likely"),
    ("id,duration_days,duration_min_days,duration_max_days\n1,5,3,4\n", "more than duration_max_days"),
    ("id,duration_days,duration_min_days,duration_max_days\n1,5,-1,8\n", "0 or more"),
    ("id,duration_days,predecessors\n1,5,2\n2,3,1\n", "cycle"),
])
def test_bad_input_exits_2_with_the_reason(tmp_path, capsys, plan, message):
    code, _summary, _rows = _run(tmp_path, plan)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
