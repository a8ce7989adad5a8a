"""Rescheduling: store every task's computed dates, float and critical flag.

Computed columns (dates, float, critical) are written without bumping ``version``: they are outputs of the
engine, not anybody's edit, and must not make a person's open form stale. Every command that can move dates ends
with :func:`reschedule` (or :func:`reschedule_named`), so they are stored before the transaction commits.

Concurrency (PostgreSQL): two reschedules that ran at once used to update every task row in whatever order the
engine returned them, while grid saves and board moves held other task rows: ``DeadlockDetected``. Now
(1) every transaction that writes plan rows holds the plan lock (:func:`worksmith.store.db.lock_plans`, taken
before its first plan row is flushed, and here before reading), so such writers queue and each reschedule
computes from the others' committed work; (2) only rows whose computed values changed are written; (3) those are
locked with ``SELECT … ORDER BY id FOR UPDATE`` and updated in the same id order, so a writer that does not take
the plan lock (a Core write elsewhere) meets them in one order. A deadlock or lock timeout that remains is rolled
back whole by the database and retried by :func:`worksmith.store.db.run_in_transaction`. SQLite has one writer
at a time (``BEGIN IMMEDIATE``), so the locks are PostgreSQL-only.

Scoped reschedules (issue 16): a command that knows which projects it changed passes ``project_ids``; only those
projects and every project linked to them by cross-project dependencies (either direction, directly or through
others: their connected components) are read (``WHERE project_id IN …``) and scheduled. That stores exactly what
a full reschedule would for those tasks, and a full reschedule would leave every other task as stored, because a
task's computed columns depend only on its linked group (its tasks, links, project starts and holidays: global
and the group's own; the engine runs one group at a time) and on ``today``. ``today`` matters only for a project
without a start date (it starts today), so those projects (and their groups) are always in the scope: on a new day
the next save moves them, as every save did before. A command that adds or removes a cross-project link passes
both ends, old and new: after a removal they are two groups, and the end the change no longer reaches must be
rescheduled without the link. Commands that change the calendar (holidays) or many projects at once (seeding,
applying a scenario) reschedule everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from worksmith.commands.p80 import store_p80
from worksmith.errors import CycleError
from worksmith.store import models as m
from worksmith.store.db import lock_plans
from worksmith.views.plans import linked_projects, plan_frames, schedule_frames
from worksmith.views.tables import frame


def _computed(session: Session, project_ids: list[int] | None) -> dict[int, tuple]:
    """The stored computed columns of every task (or of the projects' tasks): id -> (start, finish, float, critical)."""
    t = m.Task.__table__
    query = select(t.c.id, t.c.start_date, t.c.finish_date, t.c.total_float, t.c.critical)
    if project_ids is not None:
        query = query.where(t.c.project_id.in_(project_ids))
    return {r[0]: (r[1], r[2], r[3], bool(r[4])) for r in session.connection().execute(query)}


def _undated(session: Session) -> list[int]:
    """Projects without a start date: they start ``today``, so any day's reschedule can move them."""
    p = m.Project.__table__
    return list(session.connection().execute(select(p.c.id).where(p.c.start.is_(None))).scalars())


def reschedule(session: Session, *, today: date | None = None, project_ids: Iterable[int] | None = None) -> int:
    """Recompute the tasks' dates, float and critical flag; store those that changed; then the P80 finish of the
    same projects (:func:`worksmith.commands.p80.store_p80`).

    Every task of the workspace, or (``project_ids``) of those projects, the projects without a start date, and
    every project linked to them by cross-project dependencies (:func:`~worksmith.views.plans.linked_projects`).
    Returns the number of task rows written (0 when the stored schedule is already right).
    """
    lock_plans(session)  # PostgreSQL: reschedules queue; each reads the others' committed dates
    session.flush()  # the engine reads through the connection: pending ORM changes must be in the database
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    scope = None if project_ids is None else sorted(linked_projects(session, {*project_ids, *_undated(session)}))
    inputs = plan_frames(session, scope)
    result = schedule_frames(inputs.projects, inputs.tasks, inputs.deps, inputs.holidays,
                             today=today or date.today())
    stored = _computed(session, scope)
    rows = []
    for r in result.itertuples():
        values = (r.start_date, r.finish_date, int(r.total_float), bool(r.critical))
        if stored.get(int(r.id)) != values:
            rows.append({"tid": int(r.id), "s": values[0], "f": values[1], "tf": values[2], "c": values[3]})
    if not rows:
        store_p80(session, project_ids=scope, today=today or date.today())  # an estimate may move the P80 alone
        return 0
    rows.sort(key=lambda row: row["tid"])  # one lock order for every writer of task rows: by id
    t = m.Task.__table__
    if postgres:
        ids = [row["tid"] for row in rows]
        conn.execute(select(t.c.id).where(t.c.id.in_(ids)).order_by(t.c.id).with_for_update())
    stmt = (update(t).where(t.c.id == bindparam("tid"))
            .values(start_date=bindparam("s"), finish_date=bindparam("f"), total_float=bindparam("tf"),
                    critical=bindparam("c")))
    conn.execute(stmt, rows)
    store_p80(session, project_ids=scope, today=today or date.today())  # after the dates (pinned tasks use them)
    return len(rows)


def reschedule_named(session: Session, *, today: date, project_ids: Iterable[int] | None = None) -> None:
    """:func:`reschedule` (everything, or ``project_ids`` and the projects linked to them); a cycle (possibly
    through other projects) is named by project and plan id."""
    try:
        reschedule(session, today=today, project_ids=project_ids)
    except CycleError as exc:
        raise named_cycle(session, exc.cycle) from None


def named_cycle(session: Session, cycle: list) -> CycleError:
    """The cycle of task ids ``cycle`` as a refusal naming each task by project and plan id:
    "Dependency cycle, nothing saved: Campaign #2 'Go' → Website #1 'Design' → …"."""
    tasks = frame(session, m.Task).set_index("id")
    names = frame(session, m.Project).set_index("id")["name"]

    def label(tid) -> str:
        if tid not in tasks.index:
            return str(tid)
        t = tasks.loc[tid]
        return f"{names.get(t['project_id'], '?')} #{t['ref']} '{t['name']}'"

    path = " → ".join(label(t) for t in cycle)
    err = CycleError(cycle)
    err.args = (f"Dependency cycle, nothing saved: {path}. Remove one of these links.",)
    return err
