"""The benchmark's generated data (``python -m worksmith bench`` prints the timings; this only checks it runs)."""

from __future__ import annotations

from worksmith.bench import workload_bench, workload_data


def test_workload_bench_runs_on_a_small_plan():
    assert workload_bench(n_people=20, n_tasks=300, weeks=4) > 0


def test_workload_data_is_deterministic():
    first, again = workload_data(20, 300, 4, seed=3), workload_data(20, 300, 4, seed=3)
    assert first["tasks"].equals(again["tasks"]) and first["people"].equals(again["people"])
