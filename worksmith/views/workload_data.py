"""The stored plan as the workload engine's input, and the load computed from it (read side).

What counts as load (the formulas are in ``worksmith.domain.workload``'s docstring):
    * change work: tasks of projects whose status is in ``LOAD_STATUSES`` (active and approved: committed work;
      proposed candidates, work on hold, done and cancelled projects carry none), at their scheduled dates
      (``Task.start_date``/``finish_date`` from ``plans.reschedule``). A task whose status is "done" has nothing left,
      whatever its % complete says.
    * run work: active operations' recurring tasks and their ``demand_hours_per_week``.
    * the calendar is the workspace's holidays (``Holiday`` rows without a project).

Public, stable entry points (the Goals and Overview pages use them too):
    ``workload_inputs(session)`` -> :class:`WorkloadInputs` (the frames the engine is fed),
    ``load_workload(session, *, start, weeks, today, teams=None)`` -> ``Workload``,
    ``team_capacity(session, *, start, weeks, today, by="month"|"week")`` -> free capacity per team and period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import or_, select
from sqlmodel import Session

from worksmith.domain.workload import Workload, compute_load
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.tables import frame, read

__all__ = ["LOAD_STATUSES", "NO_TEAM", "WorkloadInputs", "compute_workload", "load_cells", "load_workload",
           "people_frame", "team_capacity", "workload_inputs"]

LOAD_STATUSES = ("active", "approved")
NO_TEAM = "No team"


@dataclass(frozen=True, eq=False)
class WorkloadInputs:
    """The stored plan as the engine's input frames.

    tasks
        The engine's task columns (``task_id, project_id, name, assignee_id, start, finish, estimate_hours,
        percent_complete, required_skill``) plus ``project`` (name), ``version``, ``total_float``, ``duration_days``
        and ``status``; only tasks of projects in ``LOAD_STATUSES``.
    people
        ``id, name, team_id, team, role, weekly_hours, availability, skills (list), active, version``, ordered by
        team name then name (the heatmap's order).
    time_off
        ``id, person_id, start, end, note, version``.
    holidays
        Workspace holidays.
    recurring, operations
        Recurring tasks (``id, operation_id, name, cadence, hours, assignee_id, anchor``) and operations
        (``id, name, team_id, demand_hours_per_week, active``).
    teams
        ``id, name``.
    float_days
        task id -> total float in working days (missing = 0).
    """

    tasks: pd.DataFrame
    people: pd.DataFrame
    time_off: pd.DataFrame
    holidays: frozenset[date]
    recurring: pd.DataFrame
    operations: pd.DataFrame
    teams: pd.DataFrame
    float_days: dict[Any, int] = field(default_factory=dict)


def _tasks_frame(session: Session, assignees: list[int] | None = None, *, until: date | None = None) -> pd.DataFrame:
    """Tasks of projects in ``LOAD_STATUSES``; with ``until``, only those that can still load a day up to it (not
    done, and starting by then or not scheduled): what a horizon ending on ``until`` needs."""
    t, p = m.Task.__table__, m.Project.__table__
    stmt = (select(t.c.id.label("task_id"), t.c.project_id, t.c.name, t.c.assignee_id,
                   t.c.start_date.label("start"), t.c.finish_date.label("finish"), t.c.estimate_hours,
                   t.c.percent_complete, t.c.required_skill, t.c.status, t.c.total_float, t.c.duration_days,
                   t.c.version, p.c.name.label("project"))
            .join(p, p.c.id == t.c.project_id)
            .where(p.c.status.in_(LOAD_STATUSES))
            .order_by(t.c.id))
    if assignees is not None:
        stmt = stmt.where(t.c.assignee_id.in_(assignees))
    if until is not None:  # remaining work is never placed before today, so a finished task loads nothing
        stmt = stmt.where(or_(t.c.status.is_(None), t.c.status != "done"),
                          or_(t.c.percent_complete.is_(None), t.c.percent_complete < 100),
                          or_(t.c.start_date.is_(None), t.c.start_date <= until))
    tasks = read(session, stmt)
    if len(tasks):
        done = tasks["status"].eq("done").to_numpy(bool)
        tasks["percent_complete"] = np.where(done, 100.0, tasks["percent_complete"].astype(float))
        tasks["required_skill"] = tasks["required_skill"].fillna("")
    return tasks


def people_frame(session: Session, *where, teams: pd.DataFrame | None = None) -> pd.DataFrame:
    """People (optionally filtered) with their team's name, by team and name: ``id, name, team_id, team, role,
    weekly_hours, availability, skills (list), active, version`` — what the workload and the capacity editor use."""
    teams = frame(session, m.Team)[["id", "name"]] if teams is None else teams
    people = frame(session, m.Person, *where)
    people = people.merge(teams.rename(columns={"id": "team_id", "name": "team"}), on="team_id", how="left")
    people["skills"] = [list(s) if isinstance(s, list) else [] for s in people["skills"]]
    people = people.assign(_team=people["team"].fillna("~")).sort_values(["_team", "name"], kind="stable")
    people = people.drop(columns="_team").reset_index(drop=True)
    return people[["id", "name", "team_id", "team", "role", "weekly_hours", "availability", "skills", "active",
                   "version"]]


def workload_inputs(session: Session, team_id: int | None = None, *, teams: Iterable[int | None] | None = None,
                    until: date | None = None) -> WorkloadInputs:
    """Read everything the workload engine needs from the database (see :class:`WorkloadInputs`).

    With ``team_id`` only that team's people, their tasks, recurring tasks and time off, and the team's operations
    (operation demand is shared within a team, so the team's figures are the same as in the whole workspace);
    with ``teams`` the same for several teams (``None`` among them: the people without a team)."""
    if team_id is not None:
        teams = [team_id]
    wanted = None if teams is None else set(teams)
    real = sorted(t for t in wanted if t is not None) if wanted is not None else []
    by_team = () if wanted is None else ((m.Person.team_id.in_(real) | m.Person.team_id.is_(None)) if None in wanted
                                         else m.Person.team_id.in_(real),)
    teams_frame = frame(session, m.Team)[["id", "name"]]
    people = people_frame(session, *by_team, teams=teams_frame)
    ids = None if wanted is None else [int(i) for i in people["id"]]
    tasks = _tasks_frame(session, ids, until=until)
    holidays = frame(session, m.Holiday, m.Holiday.project_id.is_(None))
    ops = frame(session, m.Operation, *(() if wanted is None else (m.Operation.team_id.in_(real),)))[
        ["id", "name", "team_id", "demand_hours_per_week", "active"]]
    rec = frame(session, m.RecurringTask, *(() if ids is None else (m.RecurringTask.assignee_id.in_(ids),)))[
        ["id", "operation_id", "name", "cadence", "hours", "assignee_id", "anchor", "rrule"]]
    time_off = frame(session, m.TimeOff, *(() if ids is None else (m.TimeOff.person_id.in_(ids),)))[
        ["id", "person_id", "start", "end", "note", "version"]]
    floats = {tid: int(f) for tid, f in zip(tasks["task_id"].tolist(), tasks["total_float"].tolist(), strict=True)
              if f is not None and not pd.isna(f)}
    return WorkloadInputs(tasks=tasks, people=people, time_off=time_off, holidays=frozenset(holidays["day"]),
                          recurring=rec, operations=ops, teams=teams_frame, float_days=floats)


def compute_workload(inputs: WorkloadInputs, *, start: date, weeks: int, today: date,
                     cells_only: bool = False) -> Workload:
    """Run the engine on ``inputs``: ``weeks`` ISO weeks from the week holding ``start`` (``cells_only``: as
    :func:`~worksmith.domain.workload.compute_load`)."""
    return compute_load(inputs.tasks, inputs.people, inputs.time_off, inputs.holidays, inputs.recurring,
                        inputs.operations, start, weeks, today, cells_only=cells_only)


def load_workload(session: Session, *, start: date, weeks: int, today: date,
                  teams: Iterable[int | None] | None = None) -> Workload:
    """Load per person and ISO week, ``weeks`` weeks from the week holding ``start`` (see the module docstring);
    ``teams``: only the people of those teams (``None``: without a team), each with the same figures as in the
    whole workspace."""
    return compute_workload(workload_inputs(session, teams=teams), start=start, weeks=weeks, today=today)


def load_cells(session: Session, *, start: date, weeks: int, today: date,
               teams: Iterable[int | None] | None = None) -> pd.DataFrame:
    """``load_workload(...).cells`` (load against capacity per person and week; ``teams`` as there), reading only the
    tasks that can load the horizon: the Overview's week, Compare and the plan grid's over-allocation check need no
    more."""
    last_day = start - timedelta(days=start.weekday()) + timedelta(days=7 * weeks - 1)
    return compute_workload(workload_inputs(session, teams=teams, until=last_day), start=start, weeks=weeks,
                            today=today, cells_only=True).cells


def team_capacity(session: Session, *, start: date, weeks: int, today: date,
                  by: Literal["week", "month"] = "month") -> pd.DataFrame:
    """Capacity, load and free hours per team and period: ``team_id, team, period, capacity, load, free``.

    ``period`` is the week's Monday (``by="week"``) or the first day of a month (``by="month"``; an ISO week counts
    in the month of its Thursday, as ISO weeks count in the year of their Thursday). ``free`` = Σ max(capacity −
    load, 0) over the team's person-weeks (one person's overload does not add free time to another). People
    without a team form a row with a missing ``team_id`` and team "No team".
    """
    inputs = workload_inputs(session)
    wl = compute_workload(inputs, start=start, weeks=weeks, today=today, cells_only=True)
    cells = wl.cells.merge(inputs.people[["id", "team_id", "team"]].rename(columns={"id": "person_id"}),
                           on="person_id", how="left")
    cols = ["team_id", "team", "period", "capacity", "load", "free"]
    if cells.empty:
        return pd.DataFrame(columns=cols)
    cells["team"] = cells["team"].fillna(NO_TEAM)
    if by == "month":
        cells["period"] = [(w + timedelta(days=3)).replace(day=1) for w in cells["week"]]
    elif by == "week":
        cells["period"] = cells["week"]
    else:
        raise ValidationError("by must be 'week' or 'month'", field="by")
    out = (cells.groupby(["team_id", "team", "period"], dropna=False, sort=True)[["capacity", "load", "free"]]
           .sum().reset_index())
    return out[cols]
