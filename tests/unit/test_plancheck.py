"""The plan checks' fast path (issue 16): plain cells read a column at a time give exactly the rows, messages and
cycle of the per-row rules; the one CPM pass of a clean plan is its schedule; a CSV run of the command line loads
no spreadsheet library and takes more rows than an upload."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.domain.notation import Link
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.errors import CycleError
from worksmith.exchange import plancheck
from worksmith.exchange.cells import ILLEGAL_CHARACTERS_RE
from worksmith.exchange.plancheck import PlanFileError, parse_plan, schedule_plan
from worksmith.exchange.planfile import read_plan
from worksmith.exchange.planrows import PLAN_COLUMNS, RISK_COLUMNS, frame_of, read_csv_frame

ROOT = Path(__file__).resolve().parents[2]


def _check_every_row_slowly(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch):
    """``_check`` with no cell taken as plain: every row through ``_check_row`` (the reference)."""
    real = plancheck._fast_columns

    def no_plain(values, extra):
        out = real(values, extra)
        out["plain"] = [False] * len(out["plain"])
        return out

    with monkeypatch.context() as m:
        m.setattr(plancheck, "_fast_columns", no_plain)
        return plancheck._check(df)


def _same(fast, slow) -> None:
    rows, errors, cycle, result = fast
    rows_s, errors_s, cycle_s, result_s = slow
    assert rows == rows_s
    assert [(type(r.estimate_hours), type(r.duration_days)) for r in rows] == [
        (type(r.estimate_hours), type(r.duration_days)) for r in rows_s]
    assert errors == errors_s
    assert str(cycle) == str(cycle_s)
    assert (result is None) == (result_s is None)
    if result is not None:
        assert (result.rows, result.tasks, result.deps) == (rows, result_s.tasks, result_s.deps)
        assert result.schedule.tasks == result_s.schedule.tasks
        assert result.schedule.project_finish == result_s.schedule.project_finish


# ------------------------------------------------------------------------------------ plain readings by hand
@pytest.mark.parametrize(("cell", "links"), [
    ("", ()), (None, ()), (math.nan, ()), ("3", (Link(3),)),
    ("3,5SS,7FF-1d", (Link(3), Link(5, "SS"), Link(7, "FF", -1))),
    ("12FS+2d,4SF+0d", (Link(12, "FS", 2), Link(4, "SF", 0))), ("3+2d", (Link(3, "FS", 2),)), ("007", (Link(7),)),
])
def test_plain_links_read_by_hand(cell, links):
    assert plancheck._plain_links(cell) == links


@pytest.mark.parametrize("cell", ["3fs", "3 FS", "3;5", "3,,5", "3FS+2", "3FS+2 days", " 3", "x", "٣", "²", 3, 3.0])
def test_other_predecessor_cells_are_not_plain(cell):
    assert plancheck._plain_links(cell) is plancheck._SLOW


@pytest.mark.parametrize(("cell", "whole", "hours"), [
    ("0", 0, 0), ("42", 42, 42), ("007", 7, 7), (5, 5, 5), ("", plancheck._SLOW, None), (None, plancheck._SLOW, None),
    ("-1", plancheck._SLOW, plancheck._SLOW), ("3.0", plancheck._SLOW, plancheck._SLOW), (" 3", plancheck._SLOW,
     plancheck._SLOW), ("²", plancheck._SLOW, plancheck._SLOW), (True, plancheck._SLOW, plancheck._SLOW),
    (-2, plancheck._SLOW, plancheck._SLOW), (2.0, plancheck._SLOW, plancheck._SLOW),
    ("1" * 16, int("1" * 16), plancheck._SLOW),  # beyond a float's exact digits: the rules read hours as a float
])
def test_plain_numbers_read_by_hand(cell, whole, hours):
    assert plancheck._plain_whole(cell) == whole if whole is not plancheck._SLOW else (
        plancheck._plain_whole(cell) is plancheck._SLOW)
    assert plancheck._plain_hours(cell) == hours if hours is not plancheck._SLOW else (
        plancheck._plain_hours(cell) is plancheck._SLOW)


def test_a_clean_csv_is_read_plainly_and_gives_the_rows_by_hand(monkeypatch):
    df = read_csv_frame(b"id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than\n"
                        b"1, Design ,A,3,,ann,16,\n2,Build,A,5,1FS+2d,,,4\n3,Ship,B,0,\"1,2SS-1d\",,,\n", "p.csv")
    fast = plancheck._fast_columns({c: list(df[c]) if c in df else [None] * 3 for c in PLAN_COLUMNS + RISK_COLUMNS},
                                   [None] * 3)
    assert fast["plain"] == [True, True, True]
    rows, errors, cycle, result = plancheck._check(df)
    assert errors == [] and cycle is None
    assert [(r.id, r.name, r.duration_days, r.links, r.estimate_hours, r.start_no_earlier_than) for r in rows] == [
        (1, "Design", 3, (), 16, None), (2, "Build", 5, (Link(1, "FS", 2),), None, 4),
        (3, "Ship", 0, (Link(1), Link(2, "SS", -1)), None, None)]
    # ES: 1 at 0; 2 at max(snet 4, EF1 3 + 2) = 5; 3: FS from 1 -> 3, SS from 2 -> 5 - 1 = 4; finish = EF2 = 10
    assert [(t.es, t.ef) for t in result.schedule.tasks.values()] == [(0, 3), (5, 10), (4, 4)]
    _same(plancheck._check(df), _check_every_row_slowly(df, monkeypatch))


# ------------------------------------------------------------------------------------ fast == slow on messy input
_IDS = st.sampled_from(["1", "2", "3", "4", "12", "007", " 3", "3.0", "+2", "-1", "x", "", " ", "²", "٣", "1" * 20])
_WHOLE = st.one_of(st.sampled_from(["0", "3", "10", "3.0", "3.5", "-2", "", " ", "abc", " 4 ", "1" * 17, "٣"]),
                   st.integers(-3, 12), st.just(None), st.just(math.nan), st.floats(-2, 12, allow_nan=False))
_HOURS = st.one_of(_WHOLE, st.sampled_from(["7.5", "1e3", "inf", "nan", "1" * 15, "9" * 16]),
                   st.just(2**53), st.just(2**53 - 1))
_LINKS = st.one_of(st.sampled_from(["", "1", "2", "3", "1,2", "1FS+2d", "2SS", "3FF-1d", "4SF+0d", "1fs", "1 FS",
                                    "1;2", "1,,2", "1FS+2", "3+2d", "99", "1XX", "2,2", "٣", " 1", "1,"]),
                   st.just(None), st.just(math.nan), st.integers(0, 5), st.floats(0, 5, allow_nan=False))
_TEXT = st.one_of(st.sampled_from(["", " ", "Design", " padded ", "=x"]), st.just(None), st.integers(0, 3),
                  st.just(math.nan))
_SNET = st.one_of(_WHOLE, st.sampled_from(["2026-03-02", "2026-02-30"]))
_MESSY = {
    "id": st.one_of(_IDS, st.integers(-1, 5)), "name": _TEXT, "phase": _TEXT, "duration_days": _WHOLE,
    "predecessors": _LINKS, "assignee": _TEXT, "estimate_hours": _HOURS, "start_no_earlier_than": _SNET,
    "duration_min_days": st.one_of(st.just(None), st.just(""), _WHOLE),
    "duration_max_days": st.one_of(st.just(None), st.just(""), _WHOLE),
    "_extra_cells": st.one_of(st.just(None), st.just("9 cells but the header has 8 columns"), st.just(math.nan)),
}
_PLAIN = st.fixed_dictionaries({
    "id": st.sampled_from(["1", "2", "3", "4", "007"]), "name": st.sampled_from(["", "A"]), "phase": st.just(""),
    "duration_days": st.sampled_from(["0", "2", "5"]), "predecessors": st.sampled_from(["", "1", "2,3FS+1d", "4SS"]),
    "assignee": st.just(""), "estimate_hours": st.sampled_from(["", "8"]),
    "start_no_earlier_than": st.sampled_from(["", "3"]), "duration_min_days": st.just(""),
    "duration_max_days": st.just(""), "_extra_cells": st.just(None),
})
# Mostly plain rows with a few messy cells, so that plain and messy readings meet in one row and one file.
_ROW = st.builds(lambda plain, messy: {**plain, **messy}, _PLAIN,
                 st.fixed_dictionaries({}, optional=_MESSY).filter(lambda d: len(d) <= 3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=0, max_size=8), drop=st.sets(st.sampled_from(["name", "estimate_hours",
                                                                                   "duration_min_days",
                                                                                   "_extra_cells"])))
def test_fast_path_gives_the_rules_rows_messages_and_cycle(rows, drop, monkeypatch):
    columns = {c: [r[c] for r in rows] for c in [*PLAN_COLUMNS, *RISK_COLUMNS, "_extra_cells"] if c not in drop}
    df = frame_of(columns) if rows else pd.DataFrame({c: [] for c in columns}, dtype=object)
    _same(plancheck._check(df), _check_every_row_slowly(df, monkeypatch))


def test_fast_path_on_a_generated_file_with_every_kind_of_problem(monkeypatch):
    lines = ["id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than"]
    for i in range(1, 400):
        pred = {0: "", 1: str(i - 1), 2: f'"{i - 2}SS+1d,{i - 1}"', 3: f'"{i - 1}FF-1d"'}[i % 4] if i > 2 else ""
        lines.append(f"{i},T{i},P,{i % 7},{pred},,{i % 5 or ''},{i % 11 or ''}")
    lines[50] = "49,dup,P,1,,,,"  # a duplicate id
    lines[60] = "60,bad,P,x,1fs,,-3,"  # a bad duration and a negative estimate, messy notation
    lines[70] = "70,unknown,P,2,999,,,"  # an unknown predecessor
    lines[80] = "80,cycle,P,2,81,,,"  # 80 <- 81 <- 80
    lines[81] = "81,cycle,P,2,80,,,"
    lines[90] = ",,,,,,,"  # a blank row inside the table
    df = read_csv_frame(("\n".join(lines) + "\n").encode(), "messy.csv")
    fast = plancheck._check(df)
    _same(fast, _check_every_row_slowly(df, monkeypatch))
    assert [str(e) for e in fast[1]] == [
        "Row 50 (id 49): duplicate id 49, already used in row 49",
        "Row 51 (id 51): unknown predecessor 50",  # 50FF-1d: row 50 holds id 49 now
        "Row 60 (id 60): duration_days must be a whole number of working days, got 'x'",
        "Row 60 (id 60): estimate_hours must be 0 or more, got -3",
        "Row 70 (id 70): unknown predecessor 999",
        f"Row 80 (id 80): {fast[2]}",
        "Row 91 (id 91): unknown predecessor 90",  # row 90 is blank
    ]
    assert fast[2].cycle == [80, 81, 80]


# ------------------------------------------------------------------------------------ one CPM pass
def test_a_clean_plan_carries_its_schedule_and_the_export_is_the_same_without_it():
    lines = ["id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than",
             "1,A,,3,,,,", '2,B,,2,"1FS+2d",,,', "3,C,,4,1SS,,,5", '4,D,,1,"2FF-1d,3SF+1d",,,']
    plan = read_plan(("\n".join(lines) + "\n").encode(), "p.csv")
    assert plan.schedule is not None
    assert plan.tasks == [TaskSpec(r.id, r.duration_days, r.start_no_earlier_than, r.name) for r in plan.rows]
    assert plan.deps == [Dep(link.pred, r.id, link.type, link.lag) for r in plan.rows for link in r.links]
    fresh = compute_schedule(plan.tasks, plan.deps)
    assert plan.schedule.tasks == fresh.tasks and plan.schedule.order == fresh.order
    # ES/EF by hand: 1 (0,3); 2 FS+2 -> (5,7); 3 SS from 1, snet 5 -> (5,9); 4 FF-1 from 2 -> EF >= 6,
    # SF+1 from 3 -> EF >= 6, so (5,6); project finish 9
    assert [(t.es, t.ef) for t in plan.schedule.tasks.values()] == [(0, 3), (5, 7), (5, 9), (5, 6)]
    without = type(plan)(plan.rows, plan.tasks, plan.deps)
    assert without == plan  # the kept schedule is not part of a plan's value
    pd.testing.assert_frame_equal(schedule_plan(plan), schedule_plan(without))


def test_a_cycle_alone_is_the_cycle_error_and_with_other_problems_one_of_them():
    lines = ["id,name,phase,duration_days,predecessors", "1,A,,1,3", "2,B,,1,1", "3,C,,1,2"]
    with pytest.raises(CycleError) as only:
        parse_plan(read_csv_frame(("\n".join(lines) + "\n").encode(), "c.csv"))
    assert only.value.cycle == [1, 2, 3, 1]
    with pytest.raises(PlanFileError) as many:
        parse_plan(read_csv_frame(("\n".join([*lines, "4,D,,x,"]) + "\n").encode(), "c.csv"))
    assert [e.row for e in many.value.errors] == [1, 4]


# ------------------------------------------------------------------------------------ the command line
def test_illegal_characters_are_openpyxls_pattern():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL

    assert (ILLEGAL_CHARACTERS_RE.pattern, ILLEGAL_CHARACTERS_RE.flags) == (OPENPYXL.pattern, OPENPYXL.flags)
    assert ILLEGAL_CHARACTERS_RE.sub("", "a\x07b\tc\x1fd") == "ab\tcd"


def test_a_csv_run_of_the_command_line_loads_no_spreadsheet_database_or_app_library(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("id,name,phase,duration_days,predecessors\n1,A,,2,\n2,B,,3,1\n", encoding="utf-8")
    script = ("import json, sys; from worksmith.__main__ import main; code = main(sys.argv[1:]); "
              "print(json.dumps([code, sorted(sys.modules)]))")
    out = subprocess.run([sys.executable, "-c", script, "schedule", str(plan), "-o", str(tmp_path / "out.csv")],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    code, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert code == 0 and (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("id,name,")
    assert {m.split(".")[0] for m in modules}.isdisjoint({"openpyxl", "sqlalchemy", "sqlmodel", "streamlit",
                                                          "altair", "defusedxml"})
    heavy = r"worksmith\.(store|views|commands|ui|exchange\.(mspdi|planread|planfile|cells_xlsx))"
    assert not [m for m in modules if re.match(heavy, m)]


def test_the_command_line_takes_more_rows_than_an_upload(tmp_path, capsys):
    from worksmith.__main__ import run_schedule_cli
    from worksmith.exchange.planrows import MAX_PLAN_ROWS

    n = MAX_PLAN_ROWS + 1
    plan = tmp_path / "big.csv"
    plan.write_text("id,duration_days,predecessors\n" + "".join(f"{i},1,{i - 1 if i > 1 else ''}\n"
                                                                for i in range(1, n + 1)), encoding="utf-8")
    assert run_schedule_cli(plan, tmp_path / "out.csv", None) == 0
    assert f"Scheduled {n} tasks: project finish day {n}, {n} critical" in capsys.readouterr().out
