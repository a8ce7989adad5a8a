"""The benchmark's generated data (``python -m worksmith bench`` prints the timings; this only checks it runs)."""

from __future__ import annotations

from worksmith import bench
from worksmith.exchange.planfile import read_plan


def test_workload_engine_bench_runs_on_a_small_plan():
    assert bench.workload_engine(n_people=20, n_tasks=300, weeks=4) > 0


def test_workload_data_is_deterministic():
    first, again = bench.workload_data(20, 300, 4, seed=3), bench.workload_data(20, 300, 4, seed=3)
    assert first["tasks"].equals(again["tasks"]) and first["people"].equals(again["people"])


def test_risk_bench_plan_file_reads_back_with_its_estimates(tmp_path):
    plan = read_plan(bench.risk_plan_file(tmp_path / "plan.csv", n_tasks=60, n_deps=90))
    assert len(plan.rows) == 60 and len(plan.estimates()) == sum(r.duration_days > 0 for r in plan.rows)


def test_risk_large_bench_runs_on_a_small_network():
    out = bench.risk_large(n_tasks=300, n_deps=450, runs=50)
    assert out["seconds"] > 0 and out["p80"] >= out["deterministic"] and out["peak_mb"] > 0


def test_schedule_cli_bench_plan_file_has_no_estimates_and_the_generated_links(tmp_path):
    plan = read_plan(bench.risk_plan_file(tmp_path / "plan.csv", n_tasks=60, n_deps=90, seed=1, estimates=False))
    tasks, deps = bench.bench_network(60, 90, seed=1)
    assert not plan.has_estimates and [t.duration for t in plan.tasks] == [t.duration for t in tasks]
    assert {(d.pred, d.succ) for d in plan.deps} == {(d.pred, d.succ) for d in deps}  # one link per pair kept


def test_schedule_cli_bench_row_on_a_small_plan_says_whether_mpxj_agrees():
    (step, seconds, notes, *goal), = bench.schedule_cli_rows(repeat=1, n_tasks=40, n_deps=60)
    assert step.startswith("schedule CLI") and step.endswith("(whole process)") and seconds > 0
    assert "skipped" in notes or (": agree;" in notes and goal and "≤ 0.8× MPXJ" in goal[0]), notes
