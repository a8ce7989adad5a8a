"""Scheduling stored plans, the read side: load tasks, dependencies and holidays, run the pure engine.

Projects linked by cross-project dependencies are scheduled together (one portfolio run per linked group), so a
campaign that waits for a website release moves when the release moves. :func:`worksmith.commands.plans.reschedule`
stores what :func:`schedule_frames` computes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith.domain.schedule import (
    Dep,
    PortfolioResult,
    ProjectSpec,
    ScheduleResult,
    TaskSpec,
    WorkCalendar,
    compute_portfolio,
    compute_schedule,
    schedule_dates,
)
from worksmith.store import models as m
from worksmith.views.tables import frame as table_frame


def calendar_for(holidays: Iterable[date]) -> WorkCalendar:
    return WorkCalendar(holidays=frozenset(holidays))


def linked_groups(project_ids: Iterable[int], cross_links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Projects joined (directly or through others) by cross-project dependencies, as sorted groups."""
    parent = {p: p for p in project_ids}

    def find(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for a, b in cross_links:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for p in parent:
        groups[find(p)].append(p)
    return sorted(sorted(g) for g in groups.values())


def schedule_frames(projects: pd.DataFrame, tasks: pd.DataFrame, deps: pd.DataFrame, holidays: pd.DataFrame,
                    *, today: date) -> pd.DataFrame:
    """Schedule every project in ``projects``; returns [id, start_date, finish_date, total_float, critical].

    A project without a start date starts ``today``. Start-no-earlier-than dates become working-day offsets
    from the project start. Raises the engine's errors (cycle, unknown task) unchanged.
    """
    if tasks.empty:
        return pd.DataFrame(columns=["id", "start_date", "finish_date", "total_float", "critical"])
    task_project = dict(zip(tasks["id"], tasks["project_id"], strict=True))
    cross = [(task_project[p], task_project[s]) for p, s in zip(deps["pred_id"], deps["succ_id"], strict=True)
             if p in task_project and s in task_project and task_project[p] != task_project[s]]
    global_holidays = set(holidays.loc[holidays["project_id"].isna(), "day"]) if len(holidays) else set()
    by_project_holidays = holidays.dropna(subset=["project_id"]).groupby("project_id")["day"].apply(set) \
        if len(holidays) else pd.Series(dtype=object)
    starts = {pid: (start if isinstance(start, date) else today)
              for pid, start in zip(projects["id"], projects["start"], strict=True)}
    tasks_by_project = {pid: frame for pid, frame in tasks.groupby("project_id")}
    groups = [[p for p in group if p in tasks_by_project] for group in linked_groups(starts, cross)]
    group_of = {p: k for k, group in enumerate(groups) for p in group}
    deps_by_group: dict[int, list[Dep]] = defaultdict(list)
    for p, s, t, lag in zip(deps["pred_id"].tolist(), deps["succ_id"].tolist(), deps["type"].tolist(),
                            deps["lag_days"].tolist(), strict=True):
        if p in task_project and s in task_project:
            deps_by_group[group_of[task_project[p]]].append(Dep(int(p), int(s), t, int(lag)))
    out = []
    for k, group in enumerate(groups):
        if not group:
            continue
        cal = calendar_for(global_holidays.union(*(by_project_holidays.get(p, set()) for p in group)))
        specs = []
        for pid in group:
            frame = tasks_by_project[pid]
            start = starts[pid]
            specs.append(ProjectSpec(pid, start, [
                TaskSpec(int(tid), int(dur), cal.offset_of(snet, start) if isinstance(snet, date) else None, name)
                for tid, dur, snet, name in zip(frame["id"].tolist(), frame["duration_days"].tolist(),
                                                frame["start_no_earlier_than"].tolist(), frame["name"].tolist(),
                                                strict=True)]))
        joint = compute_portfolio(specs, deps_by_group[k], cal)
        for result in _per_project_floats(joint, specs, deps_by_group[k]):
            dates = schedule_dates(result, cal, joint.base_start)
            for tid, r in result.tasks.items():
                start, finish = dates[tid]
                out.append((tid, start, finish, r.total_float, r.critical))
    return pd.DataFrame(out, columns=["id", "start_date", "finish_date", "total_float", "critical"])


def _per_project_floats(joint: PortfolioResult, specs: list[ProjectSpec], deps: list[Dep]) -> list[ScheduleResult]:
    """Floats and the critical path of each project against its own finish, keeping the linked dates.

    The joint run gives every task its early dates with cross-project links honoured; a task's float should still
    say how far it can slip before *its own project* finishes later (as MS Project shows it). So each project of a
    linked group is run again alone, a task driven by another project pinned to its joint early start.
    """
    if len(specs) == 1:
        return [joint.schedule]
    external = {d.succ for d in deps if joint.task_project[d.pred] != joint.task_project[d.succ]}
    results = []
    for spec in specs:
        own = {t.id for t in spec.tasks}
        offset = joint.project_offsets[spec.key]
        tasks = [TaskSpec(t.id, t.duration, joint.schedule[t.id].es if t.id in external else offset + (t.snet or 0),
                          t.name) for t in spec.tasks]
        results.append(compute_schedule(tasks, [d for d in deps if d.pred in own and d.succ in own]))
    return results


@dataclass
class PlanFrames:
    """What :func:`schedule_frames` needs: every project's start, task, dependency and holiday."""

    projects: pd.DataFrame  # [id, start]
    tasks: pd.DataFrame  # [id, project_id, duration_days, start_no_earlier_than, name]
    deps: pd.DataFrame  # [pred_id, succ_id, type, lag_days]
    holidays: pd.DataFrame  # [day, project_id]


def plan_frames(session: Session, project_ids: Iterable[int] | None = None) -> PlanFrames:
    """The scheduling inputs (only the columns the engine reads) of the whole workspace, or of the projects
    ``project_ids`` only: their tasks, the dependencies into their tasks, the global holidays and their own.

    ``project_ids`` must be closed under cross-project links (:func:`linked_projects`), so every dependency read
    has both ends among the tasks read. Rows come in id order, whatever the database's plan."""
    conn = session.connection()
    p, t, d, h = m.Project.__table__, m.Task.__table__, m.Dependency.__table__, m.Holiday.__table__
    ids = None if project_ids is None else sorted(set(project_ids))
    projects_q = select(p.c.id, p.c.start).order_by(p.c.id)
    tasks_q = select(t.c.id, t.c.project_id, t.c.duration_days, t.c.start_no_earlier_than, t.c.name).order_by(t.c.id)
    deps_q = select(d.c.pred_id, d.c.succ_id, d.c.type, d.c.lag_days).order_by(d.c.id)
    holidays_q = select(h.c.day, h.c.project_id).order_by(h.c.id)
    if ids is not None:
        projects_q = projects_q.where(p.c.id.in_(ids))
        tasks_q = tasks_q.where(t.c.project_id.in_(ids))
        deps_q = deps_q.join(t, t.c.id == d.c.succ_id).where(t.c.project_id.in_(ids))
        holidays_q = holidays_q.where(h.c.project_id.is_(None) | h.c.project_id.in_(ids))
    def read(query, columns: list[str]) -> pd.DataFrame:  # plain tuples: pandas probes Row objects one by one
        return pd.DataFrame([tuple(r) for r in conn.execute(query)], columns=columns)

    return PlanFrames(read(projects_q, ["id", "start"]),
                      read(tasks_q, ["id", "project_id", "duration_days", "start_no_earlier_than", "name"]),
                      read(deps_q, ["pred_id", "succ_id", "type", "lag_days"]), read(holidays_q, ["day", "project_id"]))


def linked_projects(session: Session, project_ids: Iterable[int]) -> set[int]:
    """``project_ids`` and every project joined to them by cross-project dependencies (either direction, directly
    or through others): the connected components a change in those projects can move. Reads only the links of the
    projects found so far, one round per step outwards."""
    conn = session.connection()
    t, d = m.Task.__table__, m.Dependency.__table__
    pred, succ = t.alias("pred"), t.alias("succ")
    found = set(project_ids)
    frontier = set(found)
    while frontier:
        ids = sorted(frontier)
        both = d.join(pred, pred.c.id == d.c.pred_id).join(succ, succ.c.id == d.c.succ_id)
        rows = conn.execute(
            select(pred.c.project_id, succ.c.project_id).select_from(both)
            .where(pred.c.project_id.in_(ids), succ.c.project_id != pred.c.project_id)
            .union(select(pred.c.project_id, succ.c.project_id).select_from(both)
                   .where(succ.c.project_id.in_(ids), succ.c.project_id != pred.c.project_id))).fetchall()
        frontier = {p for row in rows for p in row} - found
        found |= frontier
    return found


def project_calendar(session: Session, project_id: int) -> WorkCalendar:
    """The working-day calendar of a project: Mon–Fri without the global holidays and the project's own."""
    h = table_frame(session, m.Holiday)
    days = h.loc[h["project_id"].isna() | (h["project_id"] == project_id), "day"] if len(h) else []
    return calendar_for(days)
