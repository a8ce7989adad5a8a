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
