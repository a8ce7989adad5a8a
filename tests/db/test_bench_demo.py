"""The workload benchmark on a seeded demo database (``worksmith.bench``)."""

from __future__ import annotations

from datetime import date

from worksmith import bench


def test_bench_reports_load_workload_timings():
    # S only here (seconds); M and L are measured by `python -m worksmith bench`
    (row,) = bench.workload_database(("S",), weeks=12, today=date(2026, 11, 25), repeat=1)
    assert row["size"] == "S" and row["people"] == 25 and row["over"] > 0
    assert 0 < row["read_s"] < row["total_s"] and 0 < row["compute_s"] < row["total_s"]
