"""The workload engine benchmark on generated data (``worksmith.bench``)."""

from __future__ import annotations

from worksmith import bench


def test_bench_runs_on_a_small_plan():
    assert bench.workload_engine(n_people=20, n_tasks=300, weeks=4) > 0
