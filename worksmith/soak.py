"""Soak: many processes make random, overlapping edits through the commands at once.

Each process has its own engine and makes ``edits`` edits, each one a command run as the page runs it
(:func:`worksmith.store.db.run_in_transaction`: one transaction, retried whole on a deadlock or "database is
locked"):

* grid save — :func:`~worksmith.commands.project_plan.save_plan` with one task's duration and estimate changed
  (reschedules every plan: the bulk update that used to deadlock on PostgreSQL);
* board move — :func:`~worksmith.commands.project_plan.move_task` to another column;
* project start — :func:`~worksmith.commands.projects.update_project` (reschedules; one project is linked to the
  other, so a move crosses projects).

A quarter of the edits reuse what the process read for an earlier edit (a stale form), so conflicts are certain.
Every committed write is recorded as (table, row, version, values) read inside its own transaction. At the end:
every row's final state must equal its last committed write, the versions committed on a row must be exactly
``first + 1 … final`` (two writes with one version = a lost update), one audit row per commit, no unhandled
exception.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import sys
import threading
import time
import traceback
import types
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.commands.core import Actor
from worksmith.errors import BusyError, ConflictError, WorksmithError
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, run_in_transaction, write_session
from worksmith.views import project_plan as vpp

TODAY = date(2026, 11, 25)
START = date(2026, 11, 30)
KINDS = ("grid", "grid", "move", "move", "start")
STALE = 0.25  # share of edits made from an earlier read


@dataclass
class SoakResult:
    processes: int
    edits: int
    commits: int = 0
    conflicts: int = 0
    refusals: int = 0
    busy_retries: int = 0
    busy_gave_up: int = 0
    exceptions: list[str] = field(default_factory=list)
    lost_updates: list[str] = field(default_factory=list)
    audit_rows: int = 0
    no_op: int = 0  # commits that changed nothing (no audit row expected)
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (f"{self.processes} processes × {self.edits} edits: {self.commits} commits, {self.conflicts} "
                f"conflicts, {self.refusals} other refusals, {self.busy_retries} busy retries, "
                f"{self.busy_gave_up} busy after retries, {len(self.exceptions)} exceptions, "
                f"{len(self.lost_updates)} lost updates, audit rows {self.audit_rows} / commits {self.commits}"
                f"{f' ({self.no_op} changed nothing)' if self.no_op else ''}, {self.seconds:.1f} s")


def seed(engine: Engine, *, projects: int = 2, tasks: int = 6) -> None:
    """``projects`` projects of ``tasks`` chained tasks each; the first task of project k waits for the last of
    project k-1 (a cross-project link)."""
    actor = Actor(None, "soak")
    last = None
    for p in range(projects):
        with write_session(engine) as s:
            pid = cp.create_project(s, data={"name": f"Soak {p + 1}", "start": START, "status": "active"},
                                    actor=actor)
            rows = [{"ref": k, "name": f"Task {k}", "phase": "Work", "duration_days": 2,
                     "predecessors": str(k - 1) if k > 1 else ""} for k in range(1, tasks + 1)]
            cpp.save_plan(s, project_id=pid, rows=rows, actor=actor, today=TODAY)
        if last is not None:
            with write_session(engine) as s:
                first = s.exec(select(m.Task.id).where(m.Task.project_id == pid, m.Task.ref == 1)).scalars().one()
                cpp.add_link(s, pred_task_id=last, succ_task_id=first, actor=actor, today=TODAY)
        with read_session(engine) as s:
            last = s.exec(select(m.Task.id).where(m.Task.project_id == pid, m.Task.ref == tasks)).scalars().one()


def _task_state(session: Session, task_id: int) -> tuple[int, tuple]:
    t = m.Task.__table__
    r = session.connection().execute(select(t.c.version, t.c.duration_days, t.c.estimate_hours, t.c.status,
                                            t.c.percent_complete).where(t.c.id == task_id)).one()
    return r[0], (r[1], float(r[2]), r[3], float(r[4]))


def _project_state(session: Session, project_id: int) -> tuple[int, tuple]:
    p = m.Project.__table__
    r = session.connection().execute(select(p.c.version, p.c.start).where(p.c.id == project_id)).one()
    return r[0], (r[1].isoformat(),)


def _edit(engine: Engine, rng: random.Random, proc: int, n: int, cache: dict[str, Any], actor: Actor):
    """Pick one edit; returns (kind, work) where work(session) runs the command and reads back what it wrote."""
    kind = rng.choice(KINDS)
    stale = rng.random() < STALE
    with read_session(engine) as s:
        projects = [int(x) for x in s.exec(select(m.Project.id).order_by(m.Project.id)).scalars()]
        pid = rng.choice(projects)
        if kind == "start":
            if not (stale and ("project", pid) in cache):
                project = s.get(m.Project, pid)
                cache[("project", pid)] = (project.version, project.start)
            version, current = cache[("project", pid)]
            new_start = rng.choice([d for d in (START + timedelta(days=k) for k in range(21)) if d != current])

            def work(session: Session):
                before = _project_state(session, pid)
                cp.update_project(session, project_id=pid, changes={"start": new_start}, expected_version=version,
                                  actor=actor, today=TODAY)
                return _written("project", pid, before, _project_state(session, pid))
            return kind, work
        if stale and ("grid", pid) in cache:
            rows = [dict(r) for r in cache[("grid", pid)]]
        else:
            rows = vpp.current_rows(s, project_id=pid)
            cache[("grid", pid)] = [dict(r) for r in rows]
        row = rng.choice(rows)
        if kind == "move" and not (stale and ("task", row["id"]) in cache):
            task = s.get(m.Task, row["id"])
            cache[("task", row["id"])] = (task.version, task.status)
    if kind == "grid":
        row["duration_days"] = rng.randint(1, 6)
        row["estimate_hours"] = float(proc * 10_000 + n)  # unique per edit: a lost write cannot hide
        task_id = int(row["id"])

        def work(session: Session):
            before = _task_state(session, task_id)
            cpp.save_plan(session, project_id=pid, rows=[dict(r) for r in rows], actor=actor, today=TODAY)
            return _written("task", task_id, before, _task_state(session, task_id))
        return kind, work
    task_id = int(row["id"])
    version, current = cache[("task", task_id)]
    status = rng.choice([s for s in vpp.BOARD_STATUSES if s != current])

    def work(session: Session):
        before = _task_state(session, task_id)
        cpp.move_task(session, task_id=task_id, status=status, expected_version=version, actor=actor)
        return _written("task", task_id, before, _task_state(session, task_id))
    return kind, work


def _written(table: str, row_id: int, before: tuple[int, tuple], after: tuple[int, tuple]) -> tuple | None:
    """(table, id, version, values) of a write, or None when the command changed nothing (no new version)."""
    return (table, row_id, *after) if after[0] != before[0] else None


def worker(url: str, proc: int, edits: int, seed_: int, barrier: Any, out: Any) -> None:
    """One process: ``edits`` random edits; puts its tally and committed writes on ``out``."""
    engine = get_engine(url)
    rng = random.Random(seed_)
    actor = Actor(None, f"soak {proc}")
    tally: Counter[str] = Counter()
    writes: list[tuple] = []
    errors: list[str] = []
    cache: dict[str, Any] = {}
    try:
        try:
            with read_session(engine) as s:  # connect before the start line
                s.exec(select(func.count()).select_from(m.Task)).one()
        except Exception:
            barrier.abort()  # nobody waits for a process that cannot start: the error comes back in its result
            raise
        barrier.wait()
        for n in range(edits):
            calls = 0
            try:
                kind, work = _edit(engine, rng, proc, n, cache, actor)

                def counted(session: Session, work=work):
                    nonlocal calls
                    calls += 1
                    return work(session)
                written = run_in_transaction(engine, counted)
                tally["commits"] += 1
                tally[f"commits {kind}"] += 1
                if written is not None:
                    writes.append(written)
                else:
                    tally["no-op commits"] += 1
                    tally[f"no-op {kind}"] += 1
            except ConflictError:
                tally["conflicts"] += 1
            except BusyError:
                tally["busy_gave_up"] += 1
            except WorksmithError:
                tally["refusals"] += 1
            except Exception:  # the soak counts what a person would have seen as a traceback
                errors.append(traceback.format_exc())
            tally["busy_retries"] += max(calls - 1, 0)
    except Exception:
        errors.append(traceback.format_exc())
    finally:
        engine.dispose()
        out.put((proc, dict(tally), writes, errors))


def run_soak(url: str, *, processes: int = 8, edits: int = 200, seed_data: bool = True,
             start_method: str = "spawn", timeout: float = 1800) -> SoakResult:
    """Seed ``url`` (an empty, migrated database), run the processes, check the outcome."""
    engine = get_engine(url)
    if seed_data:
        seed(engine)
    with read_session(engine) as s:
        log = m.ActivityLog.__table__
        audit_before = s.connection().execute(select(func.max(log.c.id))).scalar() or 0
        first = _versions(s)
    engine.dispose()
    ctx = mp.get_context(start_method)
    barrier, out = ctx.Barrier(processes + 1), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, k, edits, 1000 + k, barrier, out)) for k in range(processes)]
    main = sys.modules["__main__"]
    # a spawned process imports the parent's __main__ first; under pytest after AppTest that is a Streamlit script
    # in a deleted temp dir (the processes died before the start): they need nothing from it
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for p in procs:
            p.start()
    finally:
        sys.modules["__main__"] = main
    deadline = time.monotonic() + timeout
    # the start line; a process that died before reaching it (it could not start or connect) must not hang us
    while barrier.n_waiting < processes and not barrier.broken:
        dead = [p.exitcode for p in procs if p.exitcode is not None]
        if dead or time.monotonic() > deadline:
            time.sleep(0.5)  # one that could not connect aborts the line and puts its error on the queue
            if not barrier.broken:
                for p in procs:
                    p.kill()
                raise RuntimeError(f"Soak processes ended before the start (exit codes {dead}); nothing measured")
        time.sleep(0.02)
    try:
        barrier.wait(timeout=timeout)
    except threading.BrokenBarrierError:
        pass  # a process could not connect: every process still puts its result (with the error) on the queue
    t0 = time.perf_counter()
    results = [out.get(timeout=timeout) for _ in procs]
    seconds = time.perf_counter() - t0
    for p in procs:
        p.join(timeout=60)
    result = SoakResult(processes, edits, seconds=seconds)
    writes: list[tuple] = []
    kinds: Counter[str] = Counter()
    for _proc, tally, proc_writes, errors in results:
        result.commits += tally.get("commits", 0)
        result.conflicts += tally.get("conflicts", 0)
        result.refusals += tally.get("refusals", 0)
        result.busy_retries += tally.get("busy_retries", 0)
        result.busy_gave_up += tally.get("busy_gave_up", 0)
        result.exceptions += errors
        result.no_op += tally.get("no-op commits", 0)
        kinds.update({k: v for k, v in tally.items() if k.startswith(("commits ", "no-op "))})
        writes += proc_writes
    result.by_kind = dict(kinds)
    engine = get_engine(url)
    with read_session(engine) as s:
        result.audit_rows = s.connection().execute(select(func.count()).select_from(log)
                                                   .where(log.c.id > audit_before)).scalar_one()
        result.lost_updates = lost_updates(first, _versions(s), writes)
    engine.dispose()
    return result


def _versions(session: Session) -> dict[tuple[str, int], tuple[int, tuple]]:
    """(table, id) -> (version, values) for every task and project."""
    ids = {("task", int(i)) for i in session.exec(select(m.Task.id)).scalars()}
    ids |= {("project", int(i)) for i in session.exec(select(m.Project.id)).scalars()}
    return {key: (_task_state if key[0] == "task" else _project_state)(session, key[1]) for key in sorted(ids)}


def lost_updates(first: dict, final: dict, writes: list[tuple]) -> list[str]:
    """Rows whose committed writes do not explain their final state (empty = no lost update).

    ``first`` and ``final``: (table, id) -> (version, values) before and after; ``writes``: (table, id, version,
    values) of every committed write. The versions written on a row must be exactly ``first + 1 … final`` and the
    newest write's values must be the row's final values.
    """
    by_row: dict[tuple[str, int], list[tuple[int, tuple]]] = defaultdict(list)
    for table, row_id, version, values in writes:
        by_row[(table, row_id)].append((version, tuple(values)))
    problems = []
    for key, (version, values) in final.items():
        done = sorted(by_row.get(key, []))
        start = first.get(key, (version, values))[0]
        if [v for v, _ in done] != list(range(start + 1, version + 1)):
            problems.append(f"{key}: versions written {[v for v, _ in done]}, row went {start} → {version}")
        elif done and done[-1][1] != tuple(values):
            problems.append(f"{key}: last write {done[-1][1]}, row holds {tuple(values)}")
    return problems
