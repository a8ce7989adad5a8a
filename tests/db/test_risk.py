"""Three-point estimates in the store and the schedule-risk reads, on SQLite and PostgreSQL: the plan grid saves and
refuses min/max days, a plan file imports and exports them, and the Risk view / Overview / status report forecast
(hand-checked plan of projects_fixtures: deterministic finish Tue 15 Dec 2026 on the 'Launch' milestone)."""

from __future__ import annotations

from datetime import date

import pytest
from projects_fixtures import ANA, PLAN, START, grid, new_project, planned, tasks_by_ref

from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.errors import ValidationError
from worksmith.exchange.planfile import parse_plan, read_plan_frame
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import project_plan as vpp
from worksmith.views import risk as vr
from worksmith.views.overview import overview

FINISH = date(2026, 12, 15)  # the plan's deterministic finish (the Launch milestone)


def _save(engine, pid, rows, today):
    with write_session(engine) as s:
        return cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)


def _with_range(engine, today, ranges: dict[int, tuple[int, int]], target: date | None = FINISH) -> int:
    pid = planned(engine, today)
    rows = grid(engine, pid)
    for r in rows:
        r["duration_min_days"], r["duration_max_days"] = ranges.get(r["ref"], (None, None))
    _save(engine, pid, rows, today)
    if target:
        with write_session(engine) as s:
            project = s.get(m.Project, pid)
            cp.update_project(s, project_id=pid, changes={"target_end": target}, expected_version=project.version,
                              actor=ANA, today=today)
    return pid


def _view(engine, pid, today, **kw) -> vr.RiskView:
    with read_session(engine) as s:
        return vr.risk_view(s, project_id=pid, today=today, **kw)


# ------------------------------------------------------------------------------------------------ plan grid
def test_the_grid_saves_min_and_max_days_and_reads_them_back(engine, today):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    assert rows[1]["duration_min_days"] is None and rows[1]["duration_max_days"] is None
    rows[1]["duration_min_days"], rows[1]["duration_max_days"] = 4, 8  # Build, 5 days most likely
    change = _save(engine, pid, rows, today)
    assert change.updated == 1 and "#2 Build: min days — → 4, max days — → 8" in change.summary()
    t = tasks_by_ref(engine, pid)[2]
    assert (t.duration_min_days, t.duration_days, t.duration_max_days) == (4, 5, 8)
    assert grid(engine, pid)[1]["duration_min_days"] == 4
    with read_session(engine) as s:
        frame = vpp.editor_frame(vpp.project_detail(s, project_id=pid, today=today).tasks)
    assert str(frame["duration_min_days"].dtype) == "Int64" and frame["duration_max_days"].tolist()[1] == 8
    # a caller whose rows lack the two columns (templates, the soak) keeps the stored estimate
    rows = [{k: v for k, v in r.items() if k not in ("duration_min_days", "duration_max_days")}
            for r in grid(engine, pid)]
    _save(engine, pid, rows, today)
    assert tasks_by_ref(engine, pid)[2].duration_max_days == 8
    rows = grid(engine, pid)
    rows[1]["duration_min_days"] = rows[1]["duration_max_days"] = None  # cleared in the grid: fixed again
    _save(engine, pid, rows, today)
    assert tasks_by_ref(engine, pid)[2].duration_min_days is None


@pytest.mark.parametrize(("low", "high", "says"), [
    (6, 8, "Task 2 'Build': min days 6 is more than the most likely days 5."),
    (2, 4, "Task 2 'Build': the most likely days 5 is more than max days 4."),
    (4, None, "Task 2 'Build': give both min days and max days (a three-point estimate), or neither."),
    (-1, 8, "Task 2 'Build': min days and max days must be whole numbers of 0 or more, got '-1' and '8'."),
])
def test_the_grid_refuses_a_bad_range_naming_the_task(engine, today, low, high, says):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    rows[1]["duration_min_days"], rows[1]["duration_max_days"] = low, high
    with pytest.raises(ValidationError) as err:
        _save(engine, pid, rows, today)
    assert says in str(err.value)
    assert tasks_by_ref(engine, pid)[2].duration_min_days is None


def test_a_plan_file_imports_and_exports_its_three_point_estimates(engine, today):
    data = (b"id,name,phase,duration_days,predecessors,duration_min_days,duration_max_days\n"
            b"1,Brief,Plan,2,,1,4\n2,Build,Make,5,1,,\n3,Ship,Make,0,2,,\n")
    plan = parse_plan(read_plan_frame(data, "p.csv"), "p.csv", start=START)
    pid = new_project(engine)
    with write_session(engine) as s:
        cpp.import_plan(s, project_id=pid, plan_rows=plan.rows, replace=True, actor=ANA, today=today)
    t = tasks_by_ref(engine, pid)
    assert (t[1].duration_min_days, t[1].duration_max_days) == (1, 4) and t[2].duration_min_days is None
    with read_session(engine) as s:
        table = vpp.plan_export(s, project_id=pid)
    cols = list(table.columns)
    assert cols[cols.index("duration_days") + 1: cols.index("duration_days") + 3] == ["duration_min_days",
                                                                                      "duration_max_days"]
    assert table["duration_min_days"].isna().tolist() == [False, True, True]
    assert (table.loc[0, "duration_min_days"], table.loc[0, "duration_max_days"]) == (1, 4)
    plain = new_project(engine, name="Plain")  # no estimates
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=plain, rows=[dict(r) for r in PLAN], actor=ANA, today=today)  # no min/max out
    with read_session(engine) as s:
        assert "duration_min_days" not in vpp.plan_export(s, project_id=plain).columns


# ------------------------------------------------------------------------------------------------ risk view
def test_fixed_ranges_give_the_deterministic_finish_everywhere(engine, today):
    pid = _with_range(engine, today, {r["ref"]: (r["duration_days"],) * 2 for r in PLAN if r["duration_days"]})
    view = _view(engine, pid, today)
    assert view.deterministic == view.p50 == view.p80 == view.p95 == FINISH  # the stored forecast (milestone)
    assert view.probability == 1.0 and view.uncertain == 0
    assert view.headline == "P80 finish 15 Dec — 100 % chance of making the 15 Dec target"
    assert view.histogram[["runs", "cumulative"]].values.tolist() == [[vr.DEFAULT_RUNS, 1.0]]


def test_an_uncertain_critical_task_moves_the_percentiles_within_its_bounds(engine, today):
    # Build 5 (4..8) is on the critical path: at 8 days Test (FF+1) ends day 14, Launch is Fri 18 Dec
    pid = _with_range(engine, today, {2: (4, 8)})
    view = _view(engine, pid, today)
    assert date(2026, 12, 14) <= view.p50 <= view.p80 <= view.p95 <= date(2026, 12, 18)
    assert view.p80 > FINISH and 0 < view.probability < 1
    crit = dict(zip(view.tasks["ref"], view.tasks["criticality"], strict=True))
    assert crit[2] == 1.0 and crit[3] < 1.0  # Docs has float 3 at the most likely durations
    assert view.drivers[0].startswith("#2 Build — on the critical path in 100 % of runs; 4–8 days (most likely 5)")
    assert view.uncertain == 1 and view.assumed == 0
    assert set(view.markers["label"]) == {"P50", "P80", "P95", "Target"}
    # a done task is history: its range no longer counts
    rows = grid(engine, pid)
    rows[1]["percent_complete"] = 100
    _save(engine, pid, rows, today)
    done = _view(engine, pid, today)
    assert done.uncertain == 0 and done.p95 == FINISH


def test_the_helper_assumes_ranges_for_tasks_without_them(engine, today):
    pid = _with_range(engine, today, {})
    assert _view(engine, pid, today).uncertain == 0
    view = _view(engine, pid, today, assume_low=20, assume_high=50)
    ranges = {r: (lo, hi) for r, lo, hi, a in zip(view.tasks["ref"], view.tasks["low"], view.tasks["high"],
                                                 view.tasks["assumed"], strict=True) if a}
    assert ranges == {1: (2, 5), 2: (4, 8), 3: (2, 3), 4: (2, 5)}  # round(d × 0.8), round(d × 1.5), half up
    assert view.assumed == view.uncertain == 4 and view.p80 > FINISH
    with read_session(engine) as s:  # assumptions are never stored: the P80 elsewhere needs real estimates
        assert vr.p80_finishes(s, project_ids=[pid], today=today) == {pid: None}
        assert vr.project_p80(s, project_id=pid, today=today) == (None, None)
    assert tasks_by_ref(engine, pid)[1].duration_min_days is None


def test_overview_and_status_report_show_the_p80_next_to_the_forecast(engine, today):
    pid = _with_range(engine, today, {2: (4, 8)})
    with read_session(engine) as s:
        p80 = vr.p80_finishes(s, project_ids=[pid], today=today)[pid]
        table = overview(s, today=today).portfolio
        _detail, content = vpp.status_report_content(s, project_id=pid, today=today)
        p80_report, _chance = vr.project_p80(s, project_id=pid, today=today)  # 2,000 runs, the overview 500
    assert FINISH < p80 <= date(2026, 12, 18)
    row = table[table["project"] == "Website"].iloc[0]
    assert row["finish"] == "Tue 15 Dec 2026" and row["p80_finish"] == f"{p80:%a} {p80.day} {p80:%b %Y}"
    labels = [label for label, _value in content["figures"]]
    assert labels[:2] == ["Forecast finish", "P80 finish"]
    assert content["figures"][1][1].startswith(f"{p80_report:%a} {p80_report.day} {p80_report:%b %Y} (80 % of "
                                               "2,000 simulated runs")
