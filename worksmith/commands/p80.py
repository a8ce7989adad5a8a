"""Storing each project's P80 finish (``project.p80_finish``), a computed column like a task's scheduled dates.

:func:`store_p80` computes the P80 finish (:func:`worksmith.views.p80.p80_of`) of the projects given and writes
those that changed, without bumping ``version`` (an output of the engine, not anybody's edit). It runs at the end
of :func:`worksmith.commands.plans.reschedule` for every project that reschedule covers — whether or not any task
row was rewritten, since a changed estimate or order moves no date but does move the P80 — and after the writes
that change a P80 input without rescheduling (a task of a project with estimates done / not done any more), the
demo seed and a restore. As in reschedule, the rows are locked and written in id order on PostgreSQL.

Like the stored schedule, a project without a start date is simulated from the ``today`` of the write that
stored it (the Overview used to take its own ``today``; every demo and most real projects have a start).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, true, update
from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.store import models as m
from worksmith.views.p80 import p80_of


def store_p80(session: Session, *, project_ids: Iterable[int] | None = None, today: date) -> int:
    """Compute and store the P80 finish of ``project_ids`` (None: every project). Returns the rows written."""
    session.flush()  # the read goes through the connection: pending ORM changes must be in the database
    values = p80_of(session, project_ids=project_ids, today=today)
    if not values:
        return 0
    conn = session.connection()
    p = m.Project.__table__
    scope = p.c.id.in_(list(values)) if project_ids is not None else true()
    stored = dict(conn.execute(select(p.c.id, p.c.p80_finish).where(scope)).all())
    rows = [{"pid": pid, "p80": value} for pid, value in sorted(values.items()) if stored.get(pid) != value]
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":  # one lock order for every writer of project rows: by id
        conn.execute(select(p.c.id).where(p.c.id.in_([r["pid"] for r in rows])).order_by(p.c.id).with_for_update())
    conn.execute(update(p).where(p.c.id == bindparam("pid")).values(p80_finish=bindparam("p80")), rows)
    return len(rows)


def update_progress(session: Session, *, task: m.Task, changes: dict[str, Any], expected_version: int | None,
                    actor: Actor) -> m.Task:
    """``core.update`` of a task's % complete / status (no reschedule); when a task with an estimate becomes done
    (fixed: its duration is history) or not done any more, its project's P80 is stored again."""
    was_done = float(task.percent_complete or 0) >= 100
    row = core.update(session, m.Task, task.id, changes, expected_version=expected_version, actor=actor)
    if row.duration_min_days is not None and was_done != (float(row.percent_complete or 0) >= 100):
        store_p80(session, project_ids=[row.project_id], today=date.today())
    return row
