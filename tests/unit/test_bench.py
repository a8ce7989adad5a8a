"""The benchmark's generated data (``python -m worksmith bench`` prints the timings; this only checks it runs)."""

from __future__ import annotations

from worksmith import bench


def test_workload_engine_bench_runs_on_a_small_plan():
    assert bench.workload_engine(n_people=20, n_tasks=300, weeks=4) > 0


def test_workload_data_is_deterministic():
    first, again = bench.workload_data(20, 300, 4, seed=3), bench.workload_data(20, 300, 4, seed=3)
    assert first["tasks"].equals(again["tasks"]) and first["people"].equals(again["people"])
