"""The workload benchmark on a seeded demo database (``worksmith.bench``)."""

from __future__ import annotations

from datetime import date

from worksmith import bench, bench_saves, demo
from worksmith.store.db import get_engine, read_session, upgrade
from worksmith.views.project_plan import current_rows


def test_bench_reports_load_workload_timings():
    # S only here (seconds); M and L are measured by `python -m worksmith bench`
    (row,) = bench.workload_database(("S",), weeks=12, today=date(2026, 11, 25), repeat=1)
    assert row["size"] == "S" and row["people"] == 25 and row["over"] > 0
    assert 0 < row["read_s"] < row["total_s"] and 0 < row["compute_s"] < row["total_s"]


def test_bench_save_rows_edit_save_and_read_the_page_again(tmp_path):
    """The save rows run each page's command on the seeded demo (S: no goal) and leave the plan as it was."""
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    today = date(2026, 11, 25)
    demo.seed(engine, "S", today=today)
    pid = bench_saves.largest_active_project(engine)
    with read_session(engine) as s:
        before = current_rows(s, project_id=pid)
    rows = bench.save_rows(url, "S", today)
    assert [r[0] for r in rows] == ["save S: plan grid save → page", "save S: workload fix → page",
                                    "save S: budget line edit → page"]
    assert all(r[1] > 0 and r[3] == "" for r in rows)
    assert "task project: #" in rows[0][2] and "one run" in rows[1][2]
    with read_session(engine) as s:  # the edit and its undo: same days and estimates, new versions
        after = current_rows(s, project_id=pid)
    assert [{k: v for k, v in r.items() if k != "version"} for r in after] == \
        [{k: v for k, v in r.items() if k != "version"} for r in before]
    engine.dispose()

