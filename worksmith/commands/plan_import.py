"""Plan-file import, the bulk write behind :func:`worksmith.commands.project_plan.import_plan`.

A 12,000-row plan used to go through the grid save: one ORM insert, reference check, cycle check and audit row per
task and per link, all inside one write transaction (on SQLite the whole workspace waits for it; a save made
meanwhile failed with "database is locked"). Now the work is split in two:

* :func:`prepare` (no database): every task and link is validated against the model bounds (``TaskCreate``,
  ``DependencyCreate``) before the transaction's first statement, so on SQLite the write lock is not taken for it;
* :func:`apply` (in the caller's transaction): a few reads, one bulk delete of the replaced tasks and their links,
  one bulk insert of the phases, tasks and links (``executemany``), ONE audit row summarising the import, and the
  reschedule of the project and the projects it was or is linked to.

Nothing is half-imported: a refusal raised by :func:`apply` rolls the caller's transaction back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, SQLModel

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.commands.plans import reschedule_named
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import lock_plans
from worksmith.views.plans import linked_projects, project_calendar

DEFAULT_PHASE = "Plan"


@dataclass(frozen=True)
class Prepared:
    """A plan file's tasks and links, validated, keyed by the file's ids (not yet shifted or stored)."""

    tasks: list[dict[str, Any]]  # TaskCreate values + "_phase", "_assignee" (a name), "_snet" (an offset or None)
    links: list[dict[str, Any]]  # DependencyCreate values with the file's ids as pred_id / succ_id


@dataclass
class Applied:
    """What :func:`apply` did (for the caller's :class:`~worksmith.commands.project_plan.PlanChange`)."""

    added: int = 0
    deleted: int = 0
    links_added: int = 0
    links_removed: int = 0
    finish_before: date | None = None
    finish_after: date | None = None
    moved: list[tuple[int, date, date]] = field(default_factory=list)  # (ref, start before, start after)


def prepare(plan_rows: Sequence[Any], *, project_id: int) -> Prepared:
    """Validate a plan file's rows (:class:`~worksmith.exchange.planfile.PlanRow`) against the model bounds.

    Pure, so it runs before the transaction opens. The rows' ids, predecessors and cycles are checked by the
    caller (``check_grid``). Raises ``ValidationError`` naming the task for a value the models refuse.
    """
    tasks, links, phases = [], [], set()
    for r in plan_rows:
        name = r.name or f"Task {r.id}"
        phase = (r.phase or "").strip() or DEFAULT_PHASE
        try:
            clean = core.validate(m.Task, {"project_id": project_id, "ref": r.id, "name": name,
                                           "duration_days": r.duration_days, "estimate_hours": r.estimate_hours or 0,
                                           "duration_min_days": getattr(r, "duration_min_days", None),
                                           "duration_max_days": getattr(r, "duration_max_days", None),
                                           "percent_complete": 0.0, "status": "todo"})
            if phase not in phases:
                core.validate(m.Phase, {"project_id": project_id, "name": phase})
                phases.add(phase)
            for link in r.links:
                links.append(core.validate(m.Dependency, {"pred_id": link.pred, "succ_id": r.id, "type": link.type,
                                                          "lag_days": link.lag}))
        except ValidationError as exc:
            raise ValidationError(f"Plan not imported, nothing changed — task {r.id} '{name}': {exc}",
                                  field=exc.field) from None
        tasks.append(clean | {"_phase": phase, "_assignee": (r.assignee or "").strip(),
                              "_snet": r.start_no_earlier_than})
    return Prepared(tasks, links)


def apply(session: Session, prepared: Prepared, *, project_id: int, replace: bool, actor: Actor,
          today: date) -> Applied:
    """Store ``prepared`` in the project (``replace``: instead of its tasks; else after them) and reschedule."""
    access.require(actor, "edit", "change plans")  # Core writes below: refuse before the first one
    lock_plans(session)  # Core writes below: take the plan lock first (PostgreSQL; see store.db.lock_plans)
    project = core.get(session, m.Project, project_id)
    scope = linked_projects(session, [project_id])  # before ``replace`` deletes its links to other projects
    conn = session.connection()
    t, d = m.Task.__table__, m.Dependency.__table__
    done = Applied()
    existing = conn.execute(select(t.c.id, t.c.ref, t.c.position, t.c.start_date, t.c.finish_date)
                            .where(t.c.project_id == project_id)).fetchall()
    done.finish_before = max((r.finish_date for r in existing if r.finish_date), default=None)
    kept = [] if replace else existing
    shift = max((r.ref or 0 for r in kept), default=0)
    if replace and existing:
        doomed = [r.id for r in existing]
        _refuse_referenced(session, doomed, project.name)
        done.links_removed = conn.execute(delete(d).where(d.c.pred_id.in_(doomed) | d.c.succ_id.in_(doomed))
                                          ).rowcount
        done.deleted = conn.execute(delete(t).where(t.c.id.in_(doomed))).rowcount
    phase_ids, phases_added, phases_removed = _phases(session, prepared, project_id, replace)
    people = {name.casefold(): pid for pid, name in conn.execute(select(m.Person.__table__.c.id,
                                                                        m.Person.__table__.c.name))}
    cal = project_calendar(session, project_id)
    start = project.start or today
    position = max((r.position for r in kept), default=0)
    rows = []
    for n, task in enumerate(prepared.tasks, start=1):
        values = {k: v for k, v in task.items() if not k.startswith("_")}
        snet = task.get("_snet")
        values |= {"ref": task["ref"] + shift, "phase_id": phase_ids[task["_phase"]], "position": position + n,
                   "assignee_id": people.get(task["_assignee"].casefold()) if task["_assignee"] else None,
                   "start_no_earlier_than": cal.date_of(snet, start) if snet is not None else None}
        rows.append(values)
    if rows:
        conn.execute(insert(t), rows)
    id_of = {ref - shift: tid for tid, ref in conn.execute(select(t.c.id, t.c.ref).where(
        t.c.project_id == project_id, t.c.ref > shift))}
    links = [link | {"pred_id": id_of[link["pred_id"]], "succ_id": id_of[link["succ_id"]]} for link in prepared.links]
    if links:
        conn.execute(insert(d), links)
    done.added, done.links_added = len(rows), len(links)
    summary = f"imported a plan file into '{project.name}': {done.added} tasks, {done.links_added} links"
    if replace:
        summary += f" (replacing {done.deleted} tasks and {done.links_removed} links)"
    core.log(session, actor, "import", "project", project_id, summary,
             after={"tasks_added": done.added, "links_added": done.links_added, "tasks_deleted": done.deleted,
                    "links_removed": done.links_removed, "phases_added": phases_added,
                    "phases_removed": phases_removed, "refs": [shift + 1, shift + len(rows)] if rows else []})
    reschedule_named(session, today=today, project_ids=scope)
    after = {tid: (ref, s, f) for tid, ref, s, f in conn.execute(
        select(t.c.id, t.c.ref, t.c.start_date, t.c.finish_date).where(t.c.project_id == project_id))}
    done.finish_after = max((f for _r, _s, f in after.values() if f), default=None)
    done.moved = [(r.ref, r.start_date, after[r.id][1]) for r in sorted(kept, key=lambda r: r.ref or 0)
                  if r.id in after and r.start_date and after[r.id][1] and r.start_date != after[r.id][1]]
    return done


def _phases(session: Session, prepared: Prepared, project_id: int, replace: bool) -> tuple[dict[str, int],
                                                                                       list[str], list[str]]:
    """The project's phases by name after the import: new ones inserted after the others (in the file's order);
    with ``replace``, phases the file does not use go unless the RACI names them. Returns (ids, added, removed)."""
    conn = session.connection()
    ph = m.Phase.__table__
    current = {name: (pid, pos) for pid, name, pos in conn.execute(
        select(ph.c.id, ph.c.name, ph.c.position).where(ph.c.project_id == project_id))}
    wanted = list(dict.fromkeys(task["_phase"] for task in prepared.tasks))
    removed: list[str] = []
    if replace:
        named = {pid for (pid,) in conn.execute(select(m.Raci.__table__.c.phase_id).where(
            m.Raci.__table__.c.project_id == project_id))}
        removed = [name for name, (pid, _pos) in current.items() if name not in wanted and pid not in named]
        if removed:
            conn.execute(delete(ph).where(ph.c.id.in_([current[name][0] for name in removed])))
            current = {k: v for k, v in current.items() if k not in removed}
    added = [name for name in wanted if name not in current]
    start = max((pos for _pid, pos in current.values()), default=-1) + 1
    if added:
        conn.execute(insert(ph), [{"project_id": project_id, "name": name, "position": start + k}
                                  for k, name in enumerate(added)])
        current = {name: (pid, pos) for pid, name, pos in conn.execute(
            select(ph.c.id, ph.c.name, ph.c.position).where(ph.c.project_id == project_id))}
    return {name: pid for name, (pid, _pos) in current.items()}, added, removed


def _refuse_referenced(session: Session, task_ids: list[int], project_name: str) -> None:
    """Replacing a plan deletes its tasks; refuse (naming what refers to them) if other records still need them."""
    found = []
    task_table = m.Task.__table__
    for table in SQLModel.metadata.sorted_tables:
        if table is m.Dependency.__table__:
            continue  # links go with their tasks
        for column in table.columns:
            if any(fk.column.table is task_table for fk in column.foreign_keys):
                n = session.connection().execute(select(func.count()).select_from(table)
                                                 .where(column.in_(task_ids))).scalar_one()
                if n:
                    found.append(f"{n} {table.name.replace('_', ' ')} {core.field_label(column.name)}")
    if found:
        raise ValidationError(f"Plan not imported, nothing changed — the current tasks of '{project_name}' cannot "
                              f"be replaced: other records still refer to them ({', '.join(found)}). Remove or "
                              "reassign them first, or import without replacing.")
