"""The save timings of ``python -m worksmith bench`` (issue 16: one edit → save → recalculated page): each edit goes
through the command the page runs, then the page's reads run on a fresh session, as after ``ui.run``'s rerun.

* plan grid save — one task's days and estimate in the largest active project (most tasks) through
  :func:`~worksmith.commands.project_plan.save_plan`, then the Projects page's reads for that project with the Plan
  tab open (:data:`PLAN_VIEW`);
* workload fix — the first suggested fix of the Workload page (:func:`~worksmith.commands.workload.apply_fix`), then
  :func:`~worksmith.views.workload.workload_view`;
* budget line edit — one line's planned amount of that project through
  :func:`~worksmith.commands.budgets.save_budget_lines`, then ``budgets.organisation`` and the project's budget view.

The plan and budget edits are made and then undone (best of the two); the fix is applied once. Each function returns
``(command seconds, page seconds, note)``; :func:`worksmith.bench.save_rows` words the rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from worksmith.commands import budgets as cb
from worksmith.commands import project_plan as cpp
from worksmith.commands import workload as cw
from worksmith.commands.core import Actor
from worksmith.exchange.ical import project_ics
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import budget_owner, project_team, workload
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp
from worksmith.views.budget_data import owners
from worksmith.views.plans import project_calendar

ACTOR = Actor(None, "bench")

# What the Projects page reads for one project with the Plan tab open (header, .ics button, grid, links)
PLAN_VIEW: list[tuple[str, Callable[..., Any]]] = [
    ("project_names", lambda s, pid, today: vp.project_names(s)), ("choices", lambda s, pid, today: vp.choices(s)),
    ("project_detail", lambda s, pid, today: vpp.project_detail(s, project_id=pid, today=today)),
    ("project_ics", lambda s, pid, today: project_ics(s, project_id=pid)),
    ("risks", lambda s, pid, today: project_team.risks(s, project_id=pid)),
    ("plan_export", lambda s, pid, today: vpp.plan_export(s, project_id=pid)),
    ("project_calendar", lambda s, pid, today: project_calendar(s, project_id=pid)),
    ("link_targets", lambda s, pid, today: vpp.link_targets(s, project_id=pid)),
]


def largest_active_project(engine: Engine) -> int:
    """The active project with the most tasks (the lowest id among equals)."""
    t = m.Task
    with read_session(engine) as s:
        return s.exec(select(t.project_id).join(m.Project, m.Project.id == t.project_id)
                      .where(m.Project.status == "active").group_by(t.project_id)
                      .order_by(func.count().desc(), t.project_id).limit(1)).one()[0]


def _page(engine: Engine, reads: Callable[[Any], Any]) -> float:
    t0 = time.perf_counter()
    with read_session(engine) as s:
        reads(s)
    return time.perf_counter() - t0


def plan_save(engine: Engine, today: date) -> tuple[float, float, str]:
    """Best of 2 (the edit, then its undo): save_plan seconds, Plan-view read seconds, note."""
    pid = largest_active_project(engine)
    best = (float("inf"), float("inf"))
    note = ""
    for step in (1, -1):
        with read_session(engine) as s:
            rows = vpp.current_rows(s, project_id=pid)
        row = next(r for r in rows if r["percent_complete"] < 100 and r["duration_days"] > 1)
        row["duration_days"] += step
        row["estimate_hours"] += 8 * step
        t0 = time.perf_counter()
        with write_session(engine) as s:
            change = cpp.save_plan(s, project_id=pid, rows=rows, actor=ACTOR, today=today)
        saved = time.perf_counter() - t0
        read = _page(engine, lambda s: [fn(s, pid, today) for _name, fn in PLAN_VIEW])
        best = min(best, (saved, read), key=sum)
        note = note or f"{len(rows)}-task project: {change.changes[0] if change.changes else 'no change'}"
    return best[0], best[1], note + "; best of edit and undo"


def workload_fix(engine: Engine, today: date) -> tuple[float, float, str]:
    """The first suggested fix, once (a fix cannot be undone through the commands, and the next one is another
    kind of work): apply_fix seconds, Workload view seconds, note."""
    with read_session(engine) as s:
        fixes = [f for card in workload.workload_view(s, today=today).fix_cells for f in card["fixes"]]
    if not fixes:
        return 0.0, 0.0, "no fix suggested"
    fix = fixes[0]
    t0 = time.perf_counter()
    with write_session(engine) as s:
        cw.apply_fix(s, fix=fix, actor=ACTOR, today=today)
    applied = time.perf_counter() - t0
    read = _page(engine, lambda s: workload.workload_view(s, today=today))
    what = f"reassign to {fix['to_person']}" if fix["kind"] == "reassign" else f"shift {fix['shift_days']} d"
    return applied, read, f"'{fix['task']}': {what}; one run"


def budget_edit(engine: Engine, today: date) -> tuple[float, float, str]:
    """Best of 2 (one line's amount +1,000, then back): save_budget_lines seconds, Budgets reads seconds, note."""
    owner = f"project:{largest_active_project(engine)}"
    best = (float("inf"), float("inf"))
    for step in (1000.0, -1000.0):
        with read_session(engine) as s:
            lines = budget_owner.owner_view(s, owner=owner, today=today).lines.to_dict("records")
        edited = [dict(r) for r in lines]
        edited[0]["planned"] = float(edited[0]["planned"]) + step
        t0 = time.perf_counter()
        with write_session(engine) as s:
            cb.save_budget_lines(s, actor=ACTOR, owner=owner, original=lines, edited=edited)
        saved = time.perf_counter() - t0
        # what the Budgets page reads with an owner open (the organisation view is drawn only without one)
        read = _page(engine, lambda s: (owners(s), budget_owner.owner_view(s, owner=owner, today=today)))
        best = min(best, (saved, read), key=sum)
    return best[0], best[1], f"{owner}, {len(lines)} lines; best of edit and undo"
