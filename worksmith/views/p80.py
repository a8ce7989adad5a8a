"""The stored P80 finish of projects (``project.p80_finish``): what the Overview shows as 'P80 finish'.

:func:`p80_of` computes it for many projects at once, exactly as :func:`worksmith.views.risk.p80_finishes` does one
by one (the same inputs, :data:`~worksmith.views.risk.OVERVIEW_RUNS` runs, :data:`~worksmith.views.risk.SEED`, the
same date rule) but fast: one query per table into arrays, the finishes of every project in one
:func:`~worksmith.domain.montecarlo.simulate_finishes` (forward pass only), the deterministic schedule from the
same pass. :func:`worksmith.commands.p80.store_p80` stores it where the schedule is stored; :func:`stored_p80` reads
it back.

What differs from ``p80_finishes``: a project whose stored estimates break ``0 <= min <= days <= max`` (every save
refuses that) gets None instead of an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
from sqlalchemy import select, true
from sqlmodel import Session

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import Plans, simulate_finishes
from worksmith.store import models as m
from worksmith.views.plans import calendar_for
from worksmith.views.risk import OVERVIEW_RUNS, SEED


def stored_p80(session: Session, *, project_ids: Iterable[int]) -> dict[int, date | None]:
    """Project id -> its stored P80 finish (None: no task has an estimate, or no tasks)."""
    p = m.Project.__table__
    ids = [int(i) for i in project_ids]
    if not ids:
        return {}
    return {int(pid): value for pid, value in session.connection().execute(
        select(p.c.id, p.c.p80_finish).where(p.c.id.in_(ids)))}


def p80_of(session: Session, *, project_ids: Iterable[int] | None = None, today: date, runs: int = OVERVIEW_RUNS,
           seed: int = SEED) -> dict[int, date | None]:
    """Project id -> P80 finish date from the project's own three-point estimates (None: no task has one, or no
    tasks), for ``project_ids`` (None: every project) — equal to ``p80_finishes`` (see the module docstring)."""
    conn = session.connection()
    p, t, d, h = (x.__table__ for x in (m.Project, m.Task, m.Dependency, m.Holiday))
    ids = None if project_ids is None else sorted({int(i) for i in project_ids})
    if ids == []:
        return {}
    starts = {int(pid): start for pid, start in conn.execute(
        select(p.c.id, p.c.start).where(p.c.id.in_(ids) if ids is not None else true()))}
    out: dict[int, date | None] = dict.fromkeys(starts)
    in_scope = t.c.project_id.in_(ids) if ids is not None else true()
    estimated = sorted(set(conn.execute(select(t.c.project_id).distinct().where(
        in_scope, t.c.duration_min_days.is_not(None))).scalars()) & starts.keys())
    if not estimated:
        return out
    rows = conn.execute(select(t.c.id, t.c.project_id, t.c.duration_days, t.c.duration_min_days,
                               t.c.duration_max_days, t.c.percent_complete, t.c.start_no_earlier_than)
                        .where(t.c.project_id.in_(estimated))
                        .order_by(t.c.project_id, t.c.position, t.c.ref, t.c.id)).all()
    tid, pid, dur, low, high, pct, snet = (list(c) for c in zip(*rows, strict=True))
    tid_a, pid_a = np.array(tid, dtype=np.int64), np.array(pid, dtype=np.int64)
    mode = np.array(dur, dtype=np.int64)
    low_a, high_a = np.array(low, dtype=np.float64), np.array(high, dtype=np.float64)  # None -> nan
    done = np.array([v or 0 for v in pct], dtype=np.float64) >= 100
    ranged = ~np.isnan(low_a) & ~done
    bad = ranged & (np.isnan(high_a) | (low_a < 0) | (low_a > mode) | (mode > high_a))
    low_a = np.where(ranged & ~bad, low_a, mode).astype(np.int64)
    high_a = np.where(ranged & ~bad, high_a, mode).astype(np.int64)
    sorter = np.argsort(tid_a)

    def row_of(task_ids: np.ndarray) -> np.ndarray:
        """Rows of task ids (-1: not a task of these projects)."""
        rows = sorter[np.minimum(np.searchsorted(tid_a, task_ids, sorter=sorter), len(tid_a) - 1)]
        return np.where(tid_a[rows] == task_ids, rows, -1)

    links = conn.execute(select(d.c.pred_id, d.c.succ_id, d.c.type, d.c.lag_days).where(
        d.c.succ_id.in_(select(t.c.id).where(t.c.project_id.in_(estimated))))).all()
    pred, succ, kind, lag = (np.array(c) for c in zip(*links, strict=True)) if links else \
        (np.zeros(0, dtype=np.int64),) * 4
    pred_rows, succ_rows = row_of(pred.astype(np.int64)), row_of(succ.astype(np.int64))
    own = (pred_rows >= 0) & (pid_a[pred_rows] == pid_a[succ_rows])
    pinned = set(succ_rows[~own].tolist())  # waits for another project's task: pinned where it is scheduled
    first = dict(conn.execute(select(t.c.id, t.c.start_date).where(t.c.id.in_([tid[r] for r in pinned]))).all()) \
        if pinned else {}
    calendars = _calendars(conn.execute(select(h.c.day, h.c.project_id)).all())
    offsets = np.zeros(len(tid), dtype=np.int64)
    for row in sorted({i for i, day in enumerate(snet) if day is not None} | pinned):
        project = pid[row]
        cal, start = calendars(project), _start(starts[project], today)
        offset = cal.offset_of(snet[row], start) if isinstance(snet[row], date) else None
        if isinstance(first.get(tid[row]), date):
            offset = max(offset or 0, cal.offset_of(first[tid[row]], start))
        offsets[row] = offset or 0
    bounds = np.r_[0, np.flatnonzero(pid_a[1:] != pid_a[:-1]) + 1, len(pid_a)]
    own_links = np.flatnonzero(own)
    plans = Plans(bounds, mode, low_a, high_a, offsets, pred_rows[own_links], succ_rows[own_links],
                  kind[own_links].astype(str), lag[own_links].astype(np.int64))
    result = simulate_finishes(plans, runs=runs, seed=seed)
    refused = set(pid_a[bad].tolist())  # stored estimates every save refuses: no P80 (the Risk tab names them)
    for project, finish, shift in zip(pid_a[bounds[:-1]].tolist(), result.percentile(80).tolist(),
                                      result.ends_on_milestone.tolist(), strict=True):
        day = calendars(project).date_of(max(0, finish - 1 + int(shift)), _start(starts[project], today))
        out[project] = None if project in refused else day
    return out


def _start(start: date | None, today: date) -> date:
    return start if isinstance(start, date) else today


def _calendars(holidays: list[tuple[date, int | None]]):
    """project id -> its calendar (workspace holidays + its own), one calendar per distinct set of days."""
    common = frozenset(day for day, owner in holidays if owner is None)
    own: dict[int, set[date]] = {}
    for day, owner in holidays:
        if owner is not None:
            own.setdefault(int(owner), set()).add(day)
    made: dict[frozenset, WorkCalendar] = {}

    def calendar(project_id: int) -> WorkCalendar:
        days = common | own.get(project_id, set())
        if days not in made:
            made[days] = calendar_for(days)
        return made[days]

    return calendar
