"""Bench rows measured in processes of their own: the ``schedule`` CLI against MPXJ's MicrosoftScheduler, schedule risk
(the ``risk`` CLI and 1,000 runs × 30,000 tasks in a fresh process) and the soak (many processes editing at once).
:mod:`worksmith.bench` prints them with the rest."""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import Estimate, simulate
from worksmith.domain.notation import Link, format_predecessors
from worksmith.domain.schedule import Dep, TaskSpec, bench_network
from worksmith.exchange.mspdi_write import mspdi_bytes
from worksmith.exchange.planfile import read_plan, schedule_plan
from worksmith.soak import run_soak
from worksmith.store.db import get_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent


def verdict(seconds: float, limit: float, goal: str) -> str:
    """The goal column of a bench row: the target and whether it was met."""
    return f"{goal} ({limit:.2f} s): {'met' if seconds <= limit else 'MISSED'}"


def print_rows(what: str, rows: list[tuple]) -> None:
    """Rows ``(step, seconds, notes[, goal])``; the goal column says the target and whether it was met."""
    width = max(len(r[0]) for r in rows)
    print(f"Worksmith bench — {what}")
    print(f"{'step':<{width}}  {'seconds':>8}  notes")
    for name, seconds, note, *goal in rows:
        shown = f"{seconds:8.3f}" if seconds else " " * 8
        print(f"{name:<{width}}  {shown}  {note}" + (f"  [goal {goal[0]}]" if goal and goal[0] else ""))


# --- schedule risk ----------------------------------------------------------------------------------------------
RISK_RATIO_GOAL = 3.0  # 10,000 runs × 150 tasks vs one schedule run, whole processes
RISK_LARGE_GOAL_S, RISK_LARGE_GOAL_MB = 60.0, 2048.0  # 1,000 runs × 30,000 tasks


def risk_estimates(tasks: list[TaskSpec], seed: int = 0) -> dict[int, Estimate]:
    """Three-point estimates for a generated network: every task of a day or more gets min = 50–100 % and max =
    100–250 % of its duration (rounded), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    low, high = rng.uniform(0.5, 1.0, len(tasks)), rng.uniform(1.0, 2.5, len(tasks))
    return {t.id: Estimate(int(t.duration * lo), int(np.ceil(t.duration * hi)))
            for t, lo, hi in zip(tasks, low, high, strict=True) if t.duration > 0}


def risk_plan_file(path: Path, n_tasks: int = 150, n_deps: int = 225, seed: int = 3, *,
                   estimates: bool = True) -> Path:
    """A generated plan file, with three-point estimates unless ``estimates`` is False (one link per pair of tasks,
    as plan files require)."""
    tasks, deps = bench_network(n_tasks, n_deps, seed=seed)
    three = risk_estimates(tasks, seed) if estimates else {}
    links: dict[int, dict[int, Dep]] = {}
    for d in deps:
        links.setdefault(d.succ, {}).setdefault(d.pred, d)
    pd.DataFrame({
        "id": [t.id for t in tasks], "name": [t.name for t in tasks], "phase": "Work",
        "duration_days": [t.duration for t in tasks],
        "predecessors": [format_predecessors([Link(d.pred, d.type, d.lag) for d in links.get(t.id, {}).values()])
                         for t in tasks],
        "start_no_earlier_than": pd.array([t.snet for t in tasks], dtype="Int64"),
        **({"duration_min_days": pd.array([three[t.id].low if t.id in three else None for t in tasks], dtype="Int64"),
            "duration_max_days": pd.array([three[t.id].high if t.id in three else None for t in tasks], dtype="Int64")}
           if estimates else {}),
    }).to_csv(path, index=False)
    return path


# MPXJ (Java) reads the same plan as MS Project XML, runs MicrosoftScheduler and writes SDEF (its quickest writer
# holding the computed dates; MSPDIWriter takes seconds more); prints its in-JVM schedule time and the finish.
MPXJ_SCRIPT = """import json, sys, time, jpype, mpxj
jpype.startJVM()
from org.mpxj import Duration, TimeUnit
from org.mpxj.cpm import MicrosoftScheduler
from org.mpxj.reader import UniversalProjectReader
from org.mpxj.writer import FileFormat, UniversalProjectWriter
project = UniversalProjectReader().read(sys.argv[1])
for task in project.getTasks():
    if task.getActualDuration() is None:
        task.setActualDuration(Duration.getInstance(0, TimeUnit.DAYS))
    if task.getRemainingDuration() is None:
        task.setRemainingDuration(task.getDuration())
t0 = time.perf_counter()
MicrosoftScheduler().schedule(project, project.getProjectProperties().getStartDate())
seconds = time.perf_counter() - t0
UniversalProjectWriter(FileFormat.SDEF).write(project, sys.argv[2])
finish = max(str(t.getEarlyFinish().toLocalDate()) for t in project.getTasks() if not t.getSummary())
print(json.dumps({"schedule_s": seconds, "finish": finish}))
"""


def schedule_cli_rows(repeat: int = 3, n_tasks: int = 30_000, n_deps: int = 45_000) -> list[tuple]:
    """``python -m worksmith schedule plan.csv -o out.csv`` vs MPXJ's MicrosoftScheduler on the same generated plan
    (as MS Project XML), both whole processes, best of ``repeat``; the project finish of both in the notes."""
    tmp = Path(tempfile.mkdtemp(prefix="worksmith-cli-"))
    path = risk_plan_file(tmp / "plan.csv", n_tasks, n_deps, seed=1, estimates=False)
    start, calendar = date(2026, 3, 2), WorkCalendar()
    plan = read_plan(path, max_rows=n_tasks)
    finish = max(schedule_plan(plan, start, calendar)["finish_date"])
    (tmp / "plan.xml").write_bytes(mspdi_bytes(plan, start, calendar, name="plan"))
    ours = min(_process("schedule", str(path), "-o", str(tmp / "out.csv")) for _ in range(repeat))
    step = f"schedule CLI {n_tasks // 1000}k tasks / {n_deps // 1000}k links (whole process)"
    if shutil.which("java") is None or importlib.util.find_spec("mpxj") is None:
        return [(step, ours, f"best of {repeat}; MPXJ skipped: no Java runtime or no mpxj package; finish {finish}")]
    best, out = float("inf"), {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", MPXJ_SCRIPT, str(tmp / "plan.xml"), str(tmp / "out.sdef")],
                             cwd=ROOT, capture_output=True, text=True)
        if run.returncode:
            return [(step, ours, f"best of {repeat}; MPXJ failed: {run.stderr.strip().splitlines()[-1:]}")]
        best = min(best, time.perf_counter() - t0)
        out = json.loads(run.stdout.strip().splitlines()[-1])
    agree = "agree" if out["finish"] == finish else f"DISAGREE (MPXJ {out['finish']})"
    return [(step, ours, f"MPXJ {best:.2f} s (its scheduler alone {out['schedule_s']:.2f} s); {ours / best:.2f}× MPXJ; "
                         f"finish {finish}: {agree}; best of {repeat}", verdict(ours, 0.8 * best, "≤ 0.8× MPXJ"))]


def _process(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "worksmith", *args], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t0


def risk_large(n_tasks: int = 30_000, n_deps: int = 45_000, runs: int = 1_000) -> dict[str, float]:
    """1,000 runs of the 30,000-task network (in this process): seconds, peak RSS in MB, P80 and deterministic."""
    tasks, deps = bench_network(n_tasks, n_deps, seed=1)
    estimates = risk_estimates(tasks, seed=1)
    t0 = time.perf_counter()
    result = simulate(tasks, deps, estimates, runs=runs, seed=1)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "p80": result.percentile(80), "deterministic": result.deterministic_finish}


def risk_rows(repeat: int = 3) -> list[tuple[str, float, str]]:
    """The schedule-risk goals: the CLI ``risk`` (10,000 runs) vs ``schedule`` on a 150-task plan, both as whole
    processes (best of ``repeat``), and 1,000 runs × 30,000 tasks in a fresh process (its own peak memory)."""
    tmp = Path(tempfile.mkdtemp(prefix="worksmith-risk-"))
    plan = str(risk_plan_file(tmp / "plan.csv"))
    schedule = min(_process("schedule", plan, "-o", str(tmp / "out.csv")) for _ in range(repeat))
    risk = min(_process("risk", plan, "--runs", "10000", "--seed", "1", "-o", str(tmp / "tasks.csv"), "--json",
                        str(tmp / "summary.json")) for _ in range(repeat))
    summary = json.loads((tmp / "summary.json").read_text())
    ratio = risk / schedule
    rows = [("schedule process, 150 tasks", schedule, f"best of {repeat}"),
            ("risk 10,000 runs × 150 tasks vs one schedule run (whole processes)", risk,
             f"{ratio:.2f}× the schedule process (goal ≤ {RISK_RATIO_GOAL:g}×: "
             f"{'met' if ratio <= RISK_RATIO_GOAL else 'MISSED'}); P80 day {summary['finish_p80']} vs "
             f"{summary['deterministic_finish']} deterministic")]
    out = subprocess.run([sys.executable, "-c", "import json; from worksmith.bench_processes import risk_large; "
                          "print(json.dumps(risk_large()))"], check=True, cwd=ROOT, capture_output=True, text=True)
    big = json.loads(out.stdout.strip().splitlines()[-1])
    met = big["seconds"] < RISK_LARGE_GOAL_S and big["peak_mb"] < RISK_LARGE_GOAL_MB
    rows.append(("risk 1,000 runs × 30,000 tasks", big["seconds"],
                 f"peak {big['peak_mb']:,.0f} MB (goal < {RISK_LARGE_GOAL_S:g} s and < {RISK_LARGE_GOAL_MB:,.0f} MB: "
                 f"{'met' if met else 'MISSED'}); P80 day {big['p80']} vs {big['deterministic']} deterministic"))
    return rows


# --- soak -------------------------------------------------------------------------------------------------------


def _soak_on(url: str, processes: int, edits: int):
    """A migrated database at ``url``, then the soak on it."""
    engine = get_engine(url)
    upgrade(engine)
    engine.dispose()
    return run_soak(url, processes=processes, edits=edits)


def soak(processes: int = 8, edits: int = 200, pg_url: str | None = None) -> list[tuple[str, float, str]]:
    """``bench --soak``: :func:`worksmith.soak.run_soak` on a temporary SQLite file and, when ``pg_url`` (or
    ``WORKSMITH_TEST_PG_URL``) names a reachable PostgreSQL, in a temporary schema there (dropped afterwards)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        result = _soak_on(f"sqlite:///{Path(tmp) / 'soak.db'}", processes, edits)
        rows.append(("soak SQLite", result.seconds, result.line()))
    pg_url = pg_url or os.environ.get("WORKSMITH_TEST_PG_URL")
    if pg_url:
        schema = f"soak_{uuid.uuid4().hex[:10]}"
        admin = get_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            result = _soak_on(f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}", processes,
                              edits)
            rows.append(("soak PostgreSQL", result.seconds, result.line()))
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        rows.append(("soak PostgreSQL", 0.0, "skipped: set WORKSMITH_TEST_PG_URL (or --db postgresql://…)"))
    print_rows(f"soak {processes} × {edits}", rows)
    return rows
