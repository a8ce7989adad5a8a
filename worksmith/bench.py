"""``python -m worksmith bench``: seed a temporary database and time what a person waits for.

Rows: seeding the demo of the chosen size, the schedule engine on a 30,000-task / 60,000-link network, each page's
queries on the seeded data, each page's full render (Streamlit's AppTest, no browser), and the peak memory of the
process. A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def page_queries() -> dict[str, list[tuple[str, Callable[..., Any]]]]:
    """Page -> the read functions it calls (``fn(session, today=...)``). Pages add theirs here."""
    from worksmith.services import budgets, goals, operations, overview, requests, workload
    from worksmith.views import projects

    return {
        "Overview": [("overview", overview.overview)],
        "Goals": [("goals_view", goals.goals_view)],
        "Projects": [("portfolio_view", projects.portfolio_view), ("program", projects.program)],
        "Operations": [("summary", operations.summary)],
        "Requests": [("view", requests.view)],
        "Workload": [("workload_view", workload.workload_view)],
        "Budgets": [("organisation", budgets.organisation), ("value_and_roi", budgets.value_and_roi)],
    }


def run(size: str = "S", *, pages: bool = True, today: date | None = None) -> list[tuple[str, float, str]]:
    from worksmith import demo
    from worksmith.domain.schedule import bench_network, compute_schedule
    from worksmith.domain.workload import bench as workload_bench
    from worksmith.commands.plans import reschedule
    from worksmith.services.workload import load_workload
    from worksmith.store.db import get_engine, read_session, upgrade, write_session

    today = today or date.today()
    rows: list[tuple[str, float, str]] = []
    tmp = tempfile.mkdtemp(prefix="worksmith-bench-")
    url = f"sqlite:///{tmp}/bench.db"
    engine = get_engine(url)
    upgrade(engine)
    seconds, counts = _timed(lambda: demo.seed(engine, size, today=today))
    rows.append((f"seed demo {size}", seconds, f"{counts.get('task', 0):,} tasks, {counts.get('dependency', 0):,} "
                 f"dependencies, {counts.get('person', 0):,} people, {counts.get('budget_line', 0):,} budget lines"))

    tasks, deps = bench_network(30_000, 60_000, seed=1)
    seconds, result = _timed(lambda: compute_schedule(tasks, deps), repeat=3)
    rows.append(("schedule engine 30k tasks / 60k links", seconds, f"finish day {result.project_finish}, "
                 f"{len(result.critical_ids()):,} critical; best of 3"))

    def _reschedule():
        with write_session(engine) as session:
            return reschedule(session, today=today)

    seconds, n = _timed(_reschedule)
    rows.append(("reschedule all stored projects", seconds, f"{n:,} tasks written"))
    seconds = workload_bench(n_people=500, n_tasks=30_000, weeks=26)
    rows.append(("workload engine 500 people × 26 weeks, 30k tasks", seconds, "compute_load on generated data"))

    def _workload():
        with read_session(engine) as session:
            return load_workload(session, start=today, weeks=26, today=today)

    seconds, wl = _timed(_workload)
    rows.append((f"workload from the {size} database, 26 weeks", seconds,
                 f"{wl.cells['person_id'].nunique():,} people, {int(wl.cells['over'].sum()):,} over-allocated "
                 "person-weeks"))

    for page, queries in page_queries().items():
        for name, fn in queries:
            def _query(fn=fn):
                with read_session(engine) as session:
                    return fn(session, today=today)

            seconds, _ = _timed(_query)
            rows.append((f"query {page}: {name}", seconds, ""))

    if pages:
        rows += _render_pages(url, today)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory (process)", 0.0, f"{peak_mb:,.0f} MB"))
    _print(size, rows)
    return rows


def _render_pages(url: str, today: date) -> list[tuple[str, float, str]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from worksmith.ui.navigation import LAYOUT

    os.environ["DATABASE_URL"] = url
    os.environ["WORKSMITH_TODAY"] = today.isoformat()
    out = []
    for entries in LAYOUT.values():
        for file, title, _icon in entries:
            app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
            app.run()  # the first run opens the engine; time the page itself, with cold caches
            st.cache_data.clear()
            t0 = time.perf_counter()
            app.switch_page(f"pages/{file}")
            app.run()
            seconds = time.perf_counter() - t0
            problems = len(app.exception)
            out.append((f"render {title}", seconds, f"{problems} exceptions" if problems else "ok"))
    return out


def _print(size: str, rows: list[tuple[str, float, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"Worksmith bench — size {size}")
    print(f"{'step':<{width}}  {'seconds':>8}  notes")
    for name, seconds, note in rows:
        shown = f"{seconds:8.3f}" if seconds else " " * 8
        print(f"{name:<{width}}  {shown}  {note}")
