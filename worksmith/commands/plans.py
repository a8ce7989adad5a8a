"""Rescheduling: store every task's computed dates, float and critical flag.

Computed columns (dates, float, critical) are written without bumping ``version``: they are outputs of the
engine, not anybody's edit, and must not make a person's open form stale. Every command that can move dates ends
with :func:`reschedule` (or :func:`reschedule_named`), so they are stored before the transaction commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, update
from sqlmodel import Session

from worksmith.errors import CycleError
from worksmith.store import models as m
from worksmith.views.plans import plan_frames, schedule_frames
from worksmith.views.tables import frame


def reschedule(session: Session, *, today: date | None = None) -> int:
    """Recompute and store every task's dates, float and critical flag. Returns the number of tasks updated."""
    inputs = plan_frames(session)
    result = schedule_frames(inputs.projects, inputs.tasks, inputs.deps, inputs.holidays,
                             today=today or date.today())
    rows = [{"tid": int(r.id), "s": r.start_date, "f": r.finish_date, "tf": int(r.total_float), "c": bool(r.critical)}
            for r in result.itertuples()]
    if rows:
        t = m.Task.__table__
        stmt = (update(t).where(t.c.id == bindparam("tid"))
                .values(start_date=bindparam("s"), finish_date=bindparam("f"), total_float=bindparam("tf"),
                        critical=bindparam("c")))
        session.connection().execute(stmt, rows)
    return len(rows)


def reschedule_named(session: Session, *, today: date) -> None:
    """Reschedule everything; a cycle (possibly through other projects) is named by project and plan id."""
    try:
        reschedule(session, today=today)
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
