"""A project's plan, the writes: the editable grid (validated as a whole), plan-file import, the board,
cross-project links and templates.

Every command ends with :func:`worksmith.commands.plans.reschedule_named` of the projects it touched and those
linked to them, before the change as well as after (dates, floats and the critical path stored before the
commit); a refusal (bad predecessor, cycle, stale row) rolls everything back. Predecessors use
MS Project notation with the plan ids (``ref``; :mod:`worksmith.domain.notation`). A dependency on another
project's task is a *cross-project link* (:func:`add_link`), kept when the grid is saved. Plan files are read by
:mod:`worksmith.exchange.planfile` (the page calls it); :func:`import_plan` takes the parsed rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core, p80, plan_import
from worksmith.commands.core import Actor
from worksmith.commands.plan_change import MAX_LISTED, PlanChange, pushed_over, task_change
from worksmith.commands.plans import named_cycle, reschedule_named
from worksmith.commands.projects import create_project
from worksmith.domain.notation import Link, format_predecessors, parse_predecessors
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.errors import CycleError, ValidationError
from worksmith.store import models as m
from worksmith.values import finite_or_none, is_blank, whole_number
from worksmith.views.plans import linked_projects, project_calendar
from worksmith.views.project_plan import BOARD_STATUSES, current_rows
from worksmith.views.tables import frame
from worksmith.views.workload_data import load_cells


@dataclass(frozen=True)
class GridRow:
    """One validated row of the plan grid."""

    id: int | None
    version: int | None
    ref: int
    name: str
    phase: str
    assignee_id: int | None
    duration_days: int
    links: tuple[Link, ...]
    estimate_hours: float
    percent_complete: float
    start_no_earlier_than: date | None
    skill: str = ""
    duration_min_days: int | None = None  # a three-point estimate (most likely = duration_days), or fixed
    duration_max_days: int | None = None
    has_range: bool = False  # the row carries the two columns (a row without them keeps the stored estimate)


def _date(v: Any) -> date | None:
    if is_blank(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def check_grid(rows: list[dict[str, Any]], people: dict[str, int]) -> list[GridRow]:
    """Validate the plan grid as a whole and return clean rows, or refuse it listing every problem.

    ``rows`` are the grid's rows in order (``id`` None for a new task; ``ref`` may be empty: it is then the
    next free plan id); ``people`` maps an assignee name to a person id.

    Raises
    ------
    CycleError
        The predecessors form a loop and that is the only problem; the message names the tasks by plan id.
    ValidationError
        Anything else (missing name, duplicate id, bad or unknown predecessor, negative duration...), all listed.
    """
    problems: list[str] = []
    refs = [whole_number(r.get("ref")) for r in rows]
    next_ref = max([r for r in refs if r is not None] or [0])
    parsed = []
    seen: dict[int, str] = {}
    for n, (row, ref) in enumerate(zip(rows, refs, strict=True), start=1):
        name = "" if is_blank(row.get("name")) else str(row["name"]).strip()
        if ref is None and is_blank(row.get("ref")):
            next_ref += 1
            ref = next_ref
        label = f"Task {ref} '{name}'" if name else f"Row {n}"
        if ref is None or ref < 1:
            problems.append(f"{label}: the ID must be a whole number of 1 or more, got '{row.get('ref')}'.")
            continue
        if ref in seen:
            problems.append(f"{label}: ID {ref} is also used by '{seen[ref]}'; IDs must be different.")
        seen.setdefault(ref, name)
        if not name:
            problems.append(f"{label}: the task needs a name.")
        duration = whole_number(row.get("duration_days"))
        if duration is None or duration < 0:
            problems.append(f"{label}: duration must be a whole number of working days, 0 or more (0 = milestone), "
                            f"got '{fmt.DASH if is_blank(row.get('duration_days')) else row.get('duration_days')}'.")
        estimate = finite_or_none(row.get("estimate_hours")) if not is_blank(row.get("estimate_hours")) else 0.0
        if estimate is None or estimate < 0:
            problems.append(f"{label}: estimate must be 0 or more hours, got '{row.get('estimate_hours')}'.")
        pct = finite_or_none(row.get("percent_complete")) if not is_blank(row.get("percent_complete")) else 0.0
        if pct is None or not 0 <= pct <= 100:
            problems.append(f"{label}: % complete must be between 0 and 100, got '{row.get('percent_complete')}'.")
        links: list[Link] = []
        try:
            links = parse_predecessors(row.get("predecessors"))
        except ValueError as exc:
            problems.append(f"{label}: {exc}.")
        assignee = None if is_blank(row.get("assignee")) else str(row["assignee"]).strip()
        if assignee is not None and assignee not in people:
            problems.append(f"{label}: unknown assignee '{assignee}'.")
        try:
            snet = _date(row.get("start_no_earlier_than"))
        except ValueError:
            problems.append(f"{label}: start no earlier than must be a date, got '{row.get('start_no_earlier_than')}'.")
            snet = None
        low, high, has_range = _range(row, label, duration, problems)
        task_id = whole_number(row.get("id"))
        parsed.append(GridRow(task_id, whole_number(row.get("version")), ref, name,
                              "" if is_blank(row.get("phase")) else str(row["phase"]).strip(),
                              people.get(assignee) if assignee else None, max(duration or 0, 0), tuple(links),
                              max(estimate or 0.0, 0.0), min(max(pct or 0.0, 0.0), 100.0), snet,
                              "" if is_blank(row.get("skill")) else str(row["skill"]), low, high, has_range))
    known: dict[int, GridRow] = {}
    for r in parsed:
        known.setdefault(r.ref, r)
    for r in parsed:
        label = f"Task {r.ref} '{r.name}'"
        preds = [link.pred for link in r.links]
        for p in sorted({p for p in preds if preds.count(p) > 1}):
            problems.append(f"{label}: predecessor {p} is listed twice; keep one link per pair of tasks.")
        for link in r.links:
            if link.pred == r.ref:
                problems.append(f"{label}: a task cannot be its own predecessor ({link}).")
            elif link.pred not in known:
                problems.append(f"{label}: unknown predecessor {link.pred} — no task in this plan has ID {link.pred}.")
    try:
        compute_schedule([TaskSpec(r.ref, r.duration_days, None, r.name) for r in known.values()],
                         [Dep(link.pred, r.ref, link.type, link.lag) for r in parsed for link in r.links
                          if link.pred in known and link.pred != r.ref])
    except CycleError as cycle:
        if not problems:
            cycle.args = (f"Plan not saved, nothing changed — {cycle}. Remove one of these links.",)
            raise
        problems.append(str(cycle) + ".")
    if problems:
        count = len(problems)
        lines = [f"Plan not saved, nothing changed — {count} problem{'s' if count > 1 else ''}:"]
        lines += [f"- {p}" for p in problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"- … and {count - MAX_LISTED} more.")
        raise ValidationError("\n".join(lines))
    return parsed


def _range(row: dict[str, Any], label: str, duration: int | None,
           problems: list[str]) -> tuple[int | None, int | None, bool]:
    """A row's three-point estimate (min days, max days, whether the row has the columns); problems appended:
    both or neither, whole numbers, ``0 <= min <= days <= max``."""
    if "duration_min_days" not in row and "duration_max_days" not in row:
        return None, None, False
    raw = (row.get("duration_min_days"), row.get("duration_max_days"))
    low, high = (None if is_blank(v) else whole_number(v) for v in raw)
    if is_blank(raw[0]) and is_blank(raw[1]):
        return None, None, True
    if is_blank(raw[0]) or is_blank(raw[1]):
        problems.append(f"{label}: give both min days and max days (a three-point estimate), or neither.")
    elif low is None or high is None or low < 0 or high < 0:
        problems.append(f"{label}: min days and max days must be whole numbers of 0 or more, got "
                        f"'{raw[0]}' and '{raw[1]}'.")
    elif duration is not None and low > duration:
        problems.append(f"{label}: min days {low} is more than the most likely days {duration}.")
    elif duration is not None and duration > high:
        problems.append(f"{label}: the most likely days {duration} is more than max days {high}.")
    else:
        return low, high, True
    return None, None, True


# --------------------------------------------------------------------------------------------- saving
OVER_WEEKS = 26  # the workload horizon a save is checked over


def _utilisation(session: Session, today: date, teams: set[int | None]) -> dict[tuple[int, date], float]:
    """Load / capacity per (person of ``teams``, week) over the next :data:`OVER_WEEKS` weeks, where over capacity
    (a person's figures do not depend on other teams: :func:`~worksmith.views.workload_data.workload_inputs`)."""
    if not teams:
        return {}
    cells = load_cells(session, start=today, weeks=OVER_WEEKS, today=today, teams=teams)
    cells = cells[cells["over"]]
    return {(int(p), w): float(u) for p, w, u in zip(cells["person_id"], cells["week"], cells["utilisation"],
                                                     strict=True)}


def _teams(session: Session, project_ids: set[int], assignees: set[int | None]) -> set[int | None]:
    """The teams (None: no team) of the people assigned to the projects' tasks or in ``assignees``: whose load a
    save of those projects can change."""
    t, p = m.Task.__table__, m.Person.__table__
    on_tasks = select(t.c.assignee_id).where(t.c.project_id.in_(sorted(project_ids)))
    named = sorted(a for a in assignees if a is not None)
    return set(session.connection().execute(select(p.c.team_id).distinct()
                                            .where(p.c.id.in_(on_tasks) | p.c.id.in_(named))).scalars())


def _people(session: Session) -> dict[str, int]:
    p = m.Person.__table__  # two columns, not whole rows (their skills are JSON to parse)
    return {name: int(pid) for pid, name in session.connection().execute(select(p.c.id, p.c.name).order_by(p.c.id))}


def _dates(session: Session, project_id: int) -> dict[int, tuple[date | None, date | None]]:
    t = m.Task.__table__
    rows = session.connection().execute(select(t.c.id, t.c.start_date, t.c.finish_date)
                                        .where(t.c.project_id == project_id)).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _status_for(pct: float, status: str) -> str:
    if pct >= 100:
        return "done"
    if status == "done":
        return "in progress"
    if pct > 0 and status == "todo":
        return "in progress"
    return status


def save_plan(session: Session, *, project_id: int, rows: list[dict[str, Any]], actor: Actor,
              today: date) -> PlanChange:
    """Make the project's tasks and in-project dependencies exactly the grid's ``rows``; reschedule.

    A row with an ``id`` updates that task (if its values differ, checked against ``version``), a row without
    one adds a task, a task missing from ``rows`` is deleted with its links. Cross-project links are kept.
    All or nothing: any refusal leaves the plan as it was.
    """
    project = core.get(session, m.Project, project_id)
    people = _people(session)
    clean = check_grid(rows, people)
    scope = linked_projects(session, [project_id])  # what the save can move, before its links to others go
    teams = _teams(session, scope, {r.assignee_id for r in clean})
    over_before = _utilisation(session, today, teams)
    existing = {t.id: t for t in session.exec(select(m.Task).where(m.Task.project_id == project_id)).scalars()}
    foreign = [r.id for r in clean if r.id is not None and r.id not in existing]
    if foreign:
        raise ValidationError(f"Plan not saved — task {foreign[0]} is not (or no longer) in '{project.name}'; "
                              "reload the page.")
    change = PlanChange()
    before = _dates(session, project_id)
    change.finish_before = max((f for _s, f in before.values() if f), default=None)
    phases = {p.name: p for p in session.exec(select(m.Phase).where(m.Phase.project_id == project_id)).scalars()}
    order = list(dict.fromkeys(r.phase or "Plan" for r in clean))  # phases in the grid's (or file's) order
    for position, name in enumerate(order):
        if name not in phases:
            phases[name] = core.create(session, m.Phase, {"project_id": project_id, "name": name,
                                                          "position": position}, actor=actor)
        elif phases[name].position != position:
            phases[name].position = position  # display order only: no audit entry
    for extra, phase in enumerate(p for name, p in phases.items() if name not in order):
        phase.position = len(order) + extra
    keep = {r.id for r in clean if r.id is not None}
    doomed = [tid for tid in existing if tid not in keep]
    d = m.Dependency
    all_ids = list(existing)
    deps = list(session.exec(select(d).where(d.pred_id.in_(all_ids) | d.succ_id.in_(all_ids))).scalars()) \
        if all_ids else []
    for dep in [dep for dep in deps if dep.pred_id in doomed or dep.succ_id in doomed]:
        core.delete(session, d, dep.id, actor=actor)
        change.links_removed += 1
    deps = [dep for dep in deps if dep.pred_id not in doomed and dep.succ_id not in doomed]
    for risk in session.exec(select(m.Risk).where(m.Risk.task_id.in_(doomed))).scalars().all() if doomed else []:
        core.update(session, m.Risk, risk.id, {"task_id": None}, expected_version=risk.version, actor=actor)
    for tid in doomed:
        core.delete(session, m.Task, tid, actor=actor, expected_version=None)
        change.deleted += 1
    next_pos = max((t.position for t in existing.values()), default=0) + 1
    id_of: dict[int, int] = {}
    edits: dict[int, tuple[int, str, dict[str, tuple[Any, Any]]]] = {}
    for r in clean:
        values = {"ref": r.ref, "name": r.name, "phase_id": phases[r.phase or "Plan"].id,
                  "assignee_id": r.assignee_id, "duration_days": r.duration_days, "estimate_hours": r.estimate_hours,
                  "percent_complete": r.percent_complete, "start_no_earlier_than": r.start_no_earlier_than}
        if r.has_range:
            values |= {"duration_min_days": r.duration_min_days, "duration_max_days": r.duration_max_days}
        if r.id is None:
            values |= {"project_id": project_id, "position": next_pos, "required_skill": r.skill,
                       "status": _status_for(r.percent_complete, "todo")}
            next_pos += 1
            id_of[r.ref] = core.create(session, m.Task, values, actor=actor).id
            change.added += 1
            continue
        task = existing[r.id]
        id_of[r.ref] = task.id
        values["status"] = _status_for(r.percent_complete, task.status) \
            if r.percent_complete != task.percent_complete else task.status
        diff = {k: v for k, v in values.items() if getattr(task, k) != v}
        if diff:
            edits[task.id] = (r.ref, r.name, {k: (getattr(task, k), v) for k, v in diff.items() if k != "status"})
            core.update(session, m.Task, task.id, diff, expected_version=r.version, actor=actor)
            change.updated += 1
    own = set(id_of.values())
    wanted = {(id_of[link.pred], id_of[r.ref]): link for r in clean for link in r.links}
    for dep in deps:
        if dep.pred_id not in own or dep.succ_id not in own:
            continue  # a cross-project link: managed with add_link/remove_link
        link = wanted.pop((dep.pred_id, dep.succ_id), None)
        if link is None:
            core.delete(session, d, dep.id, actor=actor)
            change.links_removed += 1
        elif (dep.type, dep.lag_days) != (link.type, link.lag):
            core.log(session, actor, "update", "dependency", dep.id,
                     f"link {dep.pred_id} → {dep.succ_id}: {dep.type}{dep.lag_days:+d}d → {link.type}{link.lag:+d}d")
            dep.type, dep.lag_days = link.type, link.lag
            change.links_changed += 1
    try:
        for (pred, succ), link in wanted.items():
            core.create(session, d, {"pred_id": pred, "succ_id": succ, "type": link.type, "lag_days": link.lag},
                        actor=actor)
            change.links_added += 1
    except CycleError as exc:  # a loop through another project's tasks: name it by project and plan id
        raise named_cycle(session, exc.cycle) from None
    session.flush()
    used = {r.phase or "Plan" for r in clean}
    for name, phase in phases.items():  # a phase left without tasks goes, unless the RACI still names it
        if name not in used and not session.exec(select(m.Raci.id).where(m.Raci.phase_id == phase.id)).first():
            core.delete(session, m.Phase, phase.id, actor=actor)
    reschedule_named(session, today=today, project_ids=scope)
    after = _dates(session, project_id)
    change.finish_after = max((f for _s, f in after.values() if f), default=None)
    by_ref = {v: k for k, v in id_of.items()}
    cal = project_calendar(session, project_id)
    change.moved = [f"#{by_ref[tid]} {fmt.days(cal.working_days_between(before[tid][0], start))}"
                    for tid, (start, _finish) in sorted(after.items(), key=lambda kv: by_ref.get(kv[0], 0))
                    if tid in by_ref and before.get(tid, (None,))[0] and start and before[tid][0] != start]
    names = {"assignee_id": {v: k for k, v in people.items()}, "phase_id": {p.id: n for n, p in phases.items()}}
    for tid, (ref, name, diff) in sorted(edits.items(), key=lambda kv: kv[1][0]):
        if before.get(tid, (None, None))[1] != after.get(tid, (None, None))[1]:
            diff = diff | {"finish": (before[tid][1], after[tid][1])}
        change.changes.append(task_change(ref, name, diff, names))
    change.overloaded = pushed_over(over_before, _utilisation(session, today, teams),
                                   names["assignee_id"])
    return change


def preview_plan(session: Session, *, project_id: int, rows: list[dict[str, Any]], actor: Actor,
                 today: date) -> PlanChange:
    """What :func:`save_plan` would do with ``rows`` — every change, the finish, people over capacity — without
    keeping it (run in a savepoint that is rolled back)."""
    savepoint = session.begin_nested()
    try:
        return save_plan(session, project_id=project_id, rows=rows, actor=actor, today=today)
    finally:
        savepoint.rollback()


def import_plan(session: Session, *, project_id: int, plan_rows: Sequence[Any], replace: bool, actor: Actor,
                today: date) -> PlanChange:
    """Import a plan file's parsed ``plan_rows`` (:attr:`worksmith.exchange.planfile.Plan.rows`, read and checked by
    :func:`~worksmith.exchange.planfile.parse_plan`) into a project, all or nothing: ``replace`` deletes the current
    tasks first, otherwise the file's tasks are added after them (their ids shifted past the plan's highest id).

    The rows are checked as a whole (ids, predecessors, cycles: :func:`check_grid`) and against the model bounds
    before the first database statement, so on SQLite the write lock is held only for the bulk write
    (:mod:`worksmith.commands.plan_import`): a 12,000-task file takes about a second, not minutes. One audit row
    summarises the import.
    """
    check_grid([{"id": None, "ref": r.id, "name": r.name or f"Task {r.id}", "phase": r.phase,
                 "duration_days": r.duration_days, "estimate_hours": r.estimate_hours or 0,
                 "duration_min_days": getattr(r, "duration_min_days", None),
                 "duration_max_days": getattr(r, "duration_max_days", None),
                 "predecessors": format_predecessors(list(r.links))} for r in plan_rows], {})
    prepared = plan_import.prepare(plan_rows, project_id=project_id)
    done = plan_import.apply(session, prepared, project_id=project_id, replace=replace, actor=actor, today=today)
    cal = project_calendar(session, project_id)
    moved = [f"#{ref} {fmt.days(cal.working_days_between(before, after))}" for ref, before, after in done.moved]
    return PlanChange(added=done.added, deleted=done.deleted, links_added=done.links_added,
                      links_removed=done.links_removed, moved=moved, finish_before=done.finish_before,
                      finish_after=done.finish_after)


def move_task(session: Session, *, task_id: int, status: str, expected_version: int, actor: Actor) -> m.Task:
    """Move a card to another status column (optimistic locking on ``expected_version``).

    Moving to *todo* sets 0 % complete and to *done* 100 %; moving a done task back keeps its work but no longer
    counts it finished (90 %). Other moves keep % complete.
    """
    task = core.get(session, m.Task, task_id)
    if status not in BOARD_STATUSES:
        raise ValidationError(f"Task '{task.name}' not moved — unknown status '{status}'; use "
                              f"{', '.join(BOARD_STATUSES)}.", field="status")
    changes: dict[str, Any] = {"status": status}
    if status == "done":
        changes["percent_complete"] = 100.0
    elif status == "todo":
        changes["percent_complete"] = 0.0
    elif task.percent_complete >= 100:
        changes["percent_complete"] = 90.0
    return p80.update_progress(session, task=task, changes=changes, expected_version=expected_version, actor=actor)


def add_link(session: Session, *, pred_task_id: int, succ_task_id: int, type: str = "FS", lag_days: int = 0,
             actor: Actor, today: date) -> str:
    """Make ``succ`` wait for ``pred`` (any project). Refuses a duplicate or a cycle. Returns what moved."""
    pred, succ = core.get(session, m.Task, pred_task_id), core.get(session, m.Task, succ_task_id)
    d = m.Dependency
    if session.exec(select(d.id).where(d.pred_id == pred.id, d.succ_id == succ.id)).scalars().first():
        raise ValidationError(f"Link not added — '{succ.name}' already waits for '{pred.name}'; change it on the "
                              "Plan tab or remove it first.")
    before = succ.start_date
    try:
        core.create(session, d, {"pred_id": pred.id, "succ_id": succ.id, "type": type, "lag_days": int(lag_days)},
                    actor=actor)
    except CycleError as exc:  # refused before it is stored: name the loop by project and plan id
        raise named_cycle(session, exc.cycle) from None
    session.flush()
    reschedule_named(session, today=today, project_ids={pred.project_id, succ.project_id})
    session.refresh(succ)
    moved = (f"'{succ.name}' now starts {fmt.day(succ.start_date)} (was {fmt.day(before)})."
             if succ.start_date != before else f"'{succ.name}' keeps its start {fmt.day(succ.start_date)}.")
    return f"'{succ.name}' now waits for '{pred.name}' ({type}{int(lag_days):+d}d). {moved}"


def remove_link(session: Session, *, dep_id: int, actor: Actor, today: date) -> str:
    """Delete a dependency (e.g. a cross-project link) and reschedule; returns what was removed."""
    dep = core.get(session, m.Dependency, dep_id)
    pred, succ = core.get(session, m.Task, dep.pred_id), core.get(session, m.Task, dep.succ_id)
    core.delete(session, m.Dependency, dep_id, actor=actor)
    reschedule_named(session, today=today, project_ids={pred.project_id, succ.project_id})  # both: unlinked now
    return f"'{succ.name}' no longer waits for '{pred.name}'."


def template_plan(rows: list[dict[str, Any]], skills: dict[int, str] | None = None) -> dict[str, Any]:
    """Grid rows -> a template plan ``{"tasks": [{ref, name, phase, duration, estimate_hours, skill}],
    "deps": [{pred, succ, type, lag}]}`` (the demo's shape; pure)."""
    skills = skills or {}
    tasks = [{"ref": int(r["ref"]), "name": r["name"], "phase": r.get("phase") or "",
              "duration": int(r["duration_days"]), "estimate_hours": float(r.get("estimate_hours") or 0),
              "skill": skills.get(int(r["ref"]), "")} for r in rows]
    deps = [{"pred": link.pred, "succ": int(r["ref"]), "type": link.type, "lag": link.lag}
            for r in rows for link in parse_predecessors(r.get("predecessors"))]
    return {"tasks": tasks, "deps": deps}


def template_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """A template plan -> new grid rows (inverse of :func:`template_plan`; pure)."""
    preds: dict[int, list[Link]] = {}
    for dep in plan.get("deps", []):
        preds.setdefault(int(dep["succ"]), []).append(Link(int(dep["pred"]), dep.get("type", "FS"),
                                                           int(dep.get("lag", 0))))
    return [{"id": None, "ref": int(t["ref"]), "name": t["name"], "phase": t.get("phase", ""),
             "duration_days": int(t.get("duration", 1)), "predecessors": format_predecessors(preds.get(int(t["ref"]),
                                                                                                          [])),
             "estimate_hours": float(t.get("estimate_hours") or 0), "skill": t.get("skill", "")}
            for t in plan.get("tasks", [])]


def save_template(session: Session, *, project_id: int, name: str, description: str = "", actor: Actor) -> int:
    """Save the project's plan (tasks, phases, durations, estimates, skills, links) as a reusable template."""
    project = core.get(session, m.Project, project_id)
    clean = (name or "").strip()
    if session.exec(select(m.Template.id).where(m.Template.name == clean)).scalars().first():
        raise ValidationError(f"Template not saved — a template called '{clean}' already exists.", field="name")
    rows = current_rows(session, project_id=project_id)
    if not rows:
        raise ValidationError(f"Template not saved — '{project.name}' has no tasks yet.", field="project_id")
    tasks = frame(session, m.Task, m.Task.project_id == project_id)
    skills = {int(r): s for r, s in zip(tasks["ref"], tasks["required_skill"], strict=True)}
    return core.create(session, m.Template, {"name": clean, "description": description or f"Saved from "
                                             f"'{project.name}'", "source_project_id": project_id,
                                             "plan": template_plan(rows, skills)}, actor=actor).id


def create_from_template(session: Session, *, template_id: int, data: dict[str, Any], actor: Actor,
                         today: date) -> int:
    """A new project with the template's plan; the engine computes the dates from the new start date.

    Without a target end the project's target becomes the computed finish. Returns the project id.
    """
    template = session.get(m.Template, template_id)
    if template is None:
        raise ValidationError(f"Template {template_id} does not exist (any more) — reload.", field="template_id")
    if not data.get("start"):
        raise ValidationError("Project not created — a project from a template needs a start date.", field="start")
    project_id = create_project(session, data=data, actor=actor)
    save_plan(session, project_id=project_id, rows=template_rows(template.plan), actor=actor, today=today)
    project = core.get(session, m.Project, project_id)
    if project.target_end is None:
        finish = max((f for _s, f in _dates(session, project_id).values() if f), default=None)
        if finish:
            core.update(session, m.Project, project_id, {"target_end": finish}, expected_version=project.version,
                        actor=actor)
    return project_id


def create_from_plan(session: Session, *, data: dict[str, Any], plan_rows: Sequence[Any], actor: Actor,
                     today: date, holidays: Sequence[date] = ()) -> int:
    """A new project (``data`` as for :func:`~worksmith.commands.projects.create_project`) with a plan file's
    parsed rows, in one transaction: a refused plan creates no project. Returns the project id. ``holidays`` (an
    MS Project file's non-working exceptions) become the project's own holidays before the plan is scheduled."""
    project_id = create_project(session, data=data, actor=actor)
    days = sorted(set(holidays))
    if days:
        session.add_all(m.Holiday(day=day, name="From the MS Project calendar", project_id=project_id)
                        for day in days)
        session.flush()
        core.log(session, actor, "create", m.Holiday.__tablename__, None, f"added {len(days)} project holiday"
                 f"{'s' * (len(days) != 1)} from the MS Project calendar ({days[0]:%d %b %Y} to {days[-1]:%d %b %Y})")
    import_plan(session, project_id=project_id, plan_rows=plan_rows, replace=True, actor=actor, today=today)
    return project_id
