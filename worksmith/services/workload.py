"""Workload services: load the stored plan into the pure engine (``worksmith.workload``), shape it for the Workload
page, apply the engine's fixes, and edit people's capacity and time off.

What counts as load (the formulas are in ``worksmith.workload``'s docstring):
    * change work: tasks of projects whose status is in ``LOAD_STATUSES`` (active and approved: committed work;
      proposed candidates, work on hold, done and cancelled projects carry none), at their scheduled dates
      (``Task.start_date``/``finish_date`` from ``plans.reschedule``). A task whose status is "done" has nothing left,
      whatever its % complete says.
    * run work: active operations' recurring tasks and their ``demand_hours_per_week``.
    * the calendar is the workspace's holidays (``Holiday`` rows without a project).

Public, stable entry points (the Goals page uses :func:`team_capacity`):
    ``workload_inputs(session)`` -> :class:`WorkloadInputs` (the frames the engine is fed),
    ``load_workload(session, *, start, weeks, today)`` -> ``Workload``,
    ``team_capacity(session, *, start, weeks, today, by="month"|"week")`` -> free capacity per team and period.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import workload as engine_wl
from worksmith.domain.workload import Workload
from worksmith.errors import ConflictError, ValidationError
from worksmith.services.plans import reschedule
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame

__all__ = [
    "LOAD_STATUSES",
    "Metric",
    "WorkloadInputs",
    "WorkloadView",
    "apply_fix",
    "apply_reassign",
    "apply_shift",
    "bench",
    "capacity_table",
    "compute_workload",
    "load_workload",
    "person_labels",
    "save_capacity",
    "save_time_off",
    "team_capacity",
    "time_off_table",
    "workload_inputs",
    "workload_view",
]

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


def _read(session: Session, stmt) -> pd.DataFrame:
    """Rows as plain tuples: pandas probing SQLAlchemy ``Row`` objects one by one is several times slower."""
    result = session.connection().execute(stmt)
    return pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))


def _frame(session: Session, model: type, *where) -> pd.DataFrame:
    table = model.__table__
    stmt = select(table)
    for clause in where:
        stmt = stmt.where(clause)
    return _read(session, stmt.order_by(*table.primary_key.columns))


def _tasks_frame(session: Session) -> pd.DataFrame:
    t, p = m.Task.__table__, m.Project.__table__
    stmt = (select(t.c.id.label("task_id"), t.c.project_id, t.c.name, t.c.assignee_id,
                   t.c.start_date.label("start"), t.c.finish_date.label("finish"), t.c.estimate_hours,
                   t.c.percent_complete, t.c.required_skill, t.c.status, t.c.total_float, t.c.duration_days,
                   t.c.version, p.c.name.label("project"))
            .join(p, p.c.id == t.c.project_id)
            .where(p.c.status.in_(LOAD_STATUSES))
            .order_by(t.c.id))
    tasks = _read(session, stmt)
    if len(tasks):
        done = tasks["status"].eq("done").to_numpy(bool)
        tasks["percent_complete"] = np.where(done, 100.0, tasks["percent_complete"].astype(float))
        tasks["required_skill"] = tasks["required_skill"].fillna("")
    return tasks


def workload_inputs(session: Session) -> WorkloadInputs:
    """Read everything the workload engine needs from the database (see :class:`WorkloadInputs`)."""
    teams = _frame(session, m.Team)[["id", "name"]]
    people = _frame(session, m.Person)
    people = people.merge(teams.rename(columns={"id": "team_id", "name": "team"}), on="team_id", how="left")
    people["skills"] = [list(s) if isinstance(s, list) else [] for s in people["skills"]]
    people = people.assign(_team=people["team"].fillna("~")).sort_values(["_team", "name"], kind="stable")
    people = people.drop(columns="_team").reset_index(drop=True)
    people = people[["id", "name", "team_id", "team", "role", "weekly_hours", "availability", "skills", "active",
                     "version"]]
    tasks = _tasks_frame(session)
    holidays = _frame(session, m.Holiday, m.Holiday.project_id.is_(None))
    ops = _frame(session, m.Operation)[["id", "name", "team_id", "demand_hours_per_week", "active"]]
    rec = _frame(session, m.RecurringTask)[["id", "operation_id", "name", "cadence", "hours", "assignee_id",
                                           "anchor"]]
    time_off = _frame(session, m.TimeOff)[["id", "person_id", "start", "end", "note", "version"]]
    floats = {tid: int(f) for tid, f in zip(tasks["task_id"].tolist(), tasks["total_float"].tolist(), strict=True)
              if f is not None and not pd.isna(f)}
    return WorkloadInputs(tasks=tasks, people=people, time_off=time_off, holidays=frozenset(holidays["day"]),
                          recurring=rec, operations=ops, teams=teams, float_days=floats)


def compute_workload(inputs: WorkloadInputs, *, start: date, weeks: int, today: date) -> Workload:
    """Run the engine on ``inputs``: ``weeks`` ISO weeks from the week holding ``start``."""
    return engine_wl.compute_load(inputs.tasks, inputs.people, inputs.time_off, inputs.holidays, inputs.recurring,
                                  inputs.operations, start, weeks, today)


def load_workload(session: Session, *, start: date, weeks: int, today: date) -> Workload:
    """Load per person and ISO week, ``weeks`` weeks from the week holding ``start`` (see the module docstring)."""
    return compute_workload(workload_inputs(session), start=start, weeks=weeks, today=today)


def team_capacity(session: Session, *, start: date, weeks: int, today: date,
                  by: Literal["week", "month"] = "month") -> pd.DataFrame:
    """Capacity, load and free hours per team and period: ``team_id, team, period, capacity, load, free``.

    ``period`` is the week's Monday (``by="week"``) or the first day of a month (``by="month"``; an ISO week counts
    in the month of its Thursday, as ISO weeks count in the year of their Thursday). ``free`` = Σ max(capacity −
    load, 0) over the team's person-weeks (one person's overload does not add free time to another). People
    without a team form a row with a missing ``team_id`` and team "No team".
    """
    inputs = workload_inputs(session)
    wl = compute_workload(inputs, start=start, weeks=weeks, today=today)
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


# --- the Workload page's figures --------------------------------------------------------------------------------

HORIZONS = (4, 8, 12, 26)
DEFAULT_WEEKS = 12
MAX_HEATMAP_PEOPLE = 60
FIX_CELLS = 8
TOOLTIP_ITEMS = 6


@dataclass(eq=False)
class WorkloadView:
    """Everything the Workload page shows for one horizon and filter (frames described where they are built)."""

    empty: bool
    start: date
    weeks: int
    teams: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    team: str | None = None
    skill: str | None = None
    filter_note: str = ""
    metrics: list[Metric] = field(default_factory=list)
    heatmap: pd.DataFrame = field(default_factory=pd.DataFrame)
    heatmap_title: str = ""
    heatmap_note: str = ""
    heatmap_alt: str = ""
    run_change: pd.DataFrame = field(default_factory=pd.DataFrame)
    capacity: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_change_title: str = ""
    not_loaded: str = ""
    over: pd.DataFrame = field(default_factory=pd.DataFrame)
    fix_cells: list[dict[str, Any]] = field(default_factory=list)
    more_over: int = 0
    team_heat: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_title: str = ""
    skills_heat: pd.DataFrame = field(default_factory=pd.DataFrame)
    skills_title: str = ""
    skills_note: str = ""


def week_axis(monday: date) -> str:
    """Axis label of a week: 'W49 · 30 Nov' (ISO week number and its Monday)."""
    return f"W{monday.isocalendar().week:02d} · {monday.day} {monday:%b}"


def _week_range(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{engine_wl.iso_label(monday)}: {fmt.day(monday)} – {fmt.day(sunday)}"


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _work_text(wl: Workload, inputs: WorkloadInputs, person_ids: set) -> dict[tuple[Any, date], list[tuple]]:
    """(person, week) -> [(name, context, hours, kind)] largest first: the work behind a heatmap cell."""
    con = wl.contributions
    con = con[con["person_id"].isin(person_ids)] if len(con) else con
    if con.empty:
        return {}
    projects = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["project"].tolist(), strict=True))
    ops = dict(zip(inputs.operations["id"].tolist(), inputs.operations["name"].tolist(), strict=True))
    out: dict[tuple[Any, date], list[tuple]] = {}
    for pid, week, source, sid, name, op_id, hours, kind in zip(
            con["person_id"].tolist(), con["week"].tolist(), con["source"].tolist(), con["source_id"].tolist(),
            con["name"].tolist(), con["operation_id"].tolist(), con["hours"].tolist(), con["kind"].tolist(),
            strict=True):
        if source == "task":
            context = projects.get(sid, "")
        elif source == "recurring":
            context = ops.get(op_id, "operation")
        else:
            context = "team's share of the operation"
        out.setdefault((pid, week), []).append((str(name), str(context), float(hours), kind))
    for items in out.values():
        items.sort(key=lambda item: (-item[2], item[0]))
    return out


def _tooltip(items: list[tuple]) -> str:
    if not items:
        return "nothing planned"
    parts = [f"{name} ({context}) {hours:.1f} h" for name, context, hours, _kind in items[:TOOLTIP_ITEMS]]
    if len(items) > TOOLTIP_ITEMS:
        parts.append(f"+{len(items) - TOOLTIP_ITEMS} more")
    return " · ".join(parts)


def _select_people(inputs: WorkloadInputs, team: str | None, skill: str | None) -> pd.DataFrame:
    people = inputs.people
    if team is not None:
        people = people[people["team"].fillna(NO_TEAM) == team]
    if skill is not None:
        key = skill.casefold()
        people = people[[key in {s.casefold() for s in skills} for skills in people["skills"]]]
    return people


def _heat_frame(cells: pd.DataFrame, names: dict, groups: dict, work: dict) -> pd.DataFrame:
    """Heatmap rows: ``row`` (person), ``group`` (team), ``person_id, week, week_axis, week_range, load, capacity,
    utilisation, over, change_hours, run_hours, work`` (the tooltip's list of tasks with hours)."""
    return pd.DataFrame({
        "row": [names[p] for p in cells["person_id"]],
        "group": [groups[p] for p in cells["person_id"]],
        "person_id": cells["person_id"].to_numpy(),
        "week": cells["week"].to_numpy(),
        "week_axis": [week_axis(w) for w in cells["week"]],
        "week_range": [_week_range(w) for w in cells["week"]],
        "load": cells["load"].to_numpy(float),
        "capacity": cells["capacity"].to_numpy(float),
        "utilisation": cells["utilisation"].to_numpy(float),
        "over": cells["over"].to_numpy(bool),
        "change_hours": cells["change_hours"].to_numpy(float),
        "run_hours": cells["run_hours"].to_numpy(float),
        "work": [_tooltip(work.get((p, w), [])) for p, w in zip(cells["person_id"], cells["week"], strict=True)],
    })


def _fixes(wl: Workload, inputs: WorkloadInputs, over: pd.DataFrame, names: dict,
           work: dict) -> list[dict[str, Any]]:
    """Cards for the first over-allocated cells (soonest week first): the work causing each and the engine's fixes."""
    if over.empty:
        return []
    first = over.sort_values(["week", "excess"], ascending=[True, False], kind="stable").head(FIX_CELLS)
    # only the tasks of these people can be behind these cells (the engine looks no further)
    mine = inputs.tasks[inputs.tasks["assignee_id"].isin(first["person_id"].tolist())]
    fixes = engine_wl.suggest_fixes(wl, mine, inputs.people, inputs.float_days,
                                    person_ids=first["person_id"].tolist(), weeks=first["week"].tolist())
    version = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["version"].tolist(), strict=True))
    project = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["project"].tolist(), strict=True))
    cards = []
    for pid, week, load, cap, excess in zip(first["person_id"].tolist(), first["week"].tolist(),
                                            first["load"].tolist(), first["capacity"].tolist(),
                                            first["excess"].tolist(), strict=True):
        mine = fixes[(fixes["from_person_id"] == pid) & (fixes["week"] == week)] if len(fixes) else fixes
        cards.append({
            "person_id": int(pid), "person": names[pid], "week": week, "week_label": engine_wl.iso_label(week),
            "week_range": _week_range(week), "load": float(load), "capacity": float(cap), "excess": float(excess),
            "utilisation": _share(float(load), float(cap)),
            "causes": [{"name": n, "context": c, "hours": h, "kind": k} for n, c, h, k in work.get((pid, week), [])],
            "fixes": [{
                "kind": r["kind"], "task_id": int(r["task_id"]), "task": r["task_name"],
                "project": project.get(r["task_id"], ""), "task_version": int(version.get(r["task_id"], 1)),
                "to_person_id": None if pd.isna(r["to_person_id"]) else int(r["to_person_id"]),
                "to_person": None if pd.isna(r["to_person_id"]) else names.get(r["to_person_id"]),
                "shift_days": None if pd.isna(r["shift_days"]) else int(r["shift_days"]),
                "new_start": r["new_start"], "new_finish": r["new_finish"],
                "relieves_hours": float(r["relieves_hours"]), "explanation": r["explanation"],
                "person": names[pid], "week_label": engine_wl.iso_label(week),
            } for r in mine.to_dict("records")],
        })
    return cards


def workload_view(session: Session, *, today: date, weeks: int = DEFAULT_WEEKS, team: str | None = None,
                  skill: str | None = None) -> WorkloadView:
    """The Workload page's figures for ``weeks`` ISO weeks from this week, for one team and/or skill (or all)."""
    if weeks not in HORIZONS:
        weeks = DEFAULT_WEEKS
    inputs = workload_inputs(session)
    start = engine_wl.week_start(today)
    if inputs.people.empty:
        return WorkloadView(empty=True, start=start, weeks=weeks)
    teams = sorted({t if isinstance(t, str) else NO_TEAM for t in inputs.people["team"]})
    skills_held = {s for skills in inputs.people["skills"] for s in skills}
    skills = sorted(skills_held | {s for s in inputs.tasks["required_skill"] if s}, key=str.casefold)
    notes = []
    if team is not None and team not in teams:
        notes.append(f"There is no team '{team}': showing every team.")
        team = None
    if skill is not None and skill.casefold() not in {s.casefold() for s in skills}:
        notes.append(f"Nobody has the skill '{skill}': showing every skill.")
        skill = None
    wl = compute_workload(inputs, start=start, weeks=weeks, today=today)
    view = WorkloadView(empty=False, start=start, weeks=weeks, teams=teams, skills=skills, team=team, skill=skill,
                        filter_note=" ".join(notes))
    chosen = _select_people(inputs, team, skill)
    names = dict(zip(inputs.people["id"].tolist(), inputs.people["name"].tolist(), strict=True))
    groups = dict(zip(inputs.people["id"].tolist(), inputs.people["team"].fillna(NO_TEAM).tolist(), strict=True))
    loaded = set(wl.cells.loc[wl.cells["load"] > 0, "person_id"].tolist())
    ids = [p for p, active in zip(chosen["id"].tolist(), chosen["active"].tolist(), strict=True)
           if active or p in loaded]  # someone who left still shows while work is assigned to them
    cells = wl.cells[wl.cells["person_id"].isin(ids)]
    scope = "" if team is None and skill is None else " (" + ", ".join(
        x for x in (team, f"skill {skill}" if skill else None) if x) + ")"
    view.metrics = _metrics(cells, wl.weeks, weeks, scope)

    over = cells[cells["over"]]
    shown = ids
    if len(ids) > MAX_HEATMAP_PEOPLE:
        peak = cells.assign(u=cells["load"] / cells["capacity"].where(cells["capacity"] > 0, np.nan))
        peak = peak.groupby("person_id", sort=False)["u"].max().fillna(np.inf).sort_values(ascending=False)
        top = set(peak.index[:MAX_HEATMAP_PEOPLE].tolist())
        shown = [p for p in ids if p in top]
        view.heatmap_note = (f"Showing the {len(shown)} most loaded of {len(ids)} people; choose a team or a skill "
                             "to see everyone in it.")
    work = _work_text(wl, inputs, set(shown) | set(over["person_id"].tolist()))
    view.heatmap = _heat_frame(cells[cells["person_id"].isin(shown)], names, groups, work)
    view.heatmap_title = _heat_title(over, names, len(ids), weeks)
    view.heatmap_alt = (f"Utilisation heatmap, people by week. {view.heatmap_title}. Over capacity: " + "; ".join(
        f"{names[p]} in {engine_wl.iso_label(w)} ({fmt.percent(_share(lo, c))})" for p, w, lo, c in zip(
            over["person_id"], over["week"], over["load"], over["capacity"], strict=True)) + "."
        if len(over) else f"Utilisation heatmap, people by week. {view.heatmap_title}.")

    change = cells.groupby("week", sort=True)[["change_hours", "run_hours", "capacity"]].sum().reindex(wl.weeks,
                                                                                                   fill_value=0.0)
    view.run_change = pd.DataFrame({
        "week": np.repeat(np.array(wl.weeks, dtype=object), 2),
        "week_axis": np.repeat([week_axis(w) for w in wl.weeks], 2),
        "kind": ["change (projects)", "run (operations)"] * len(wl.weeks),
        "hours": np.column_stack([change["change_hours"], change["run_hours"]]).ravel(),
    })
    view.capacity = pd.DataFrame({"week": list(wl.weeks), "week_axis": [week_axis(w) for w in wl.weeks],
                                  "kind": "capacity", "hours": change["capacity"].to_numpy(float)})
    total = change["change_hours"] + change["run_hours"]
    n_above = int((total > change["capacity"] + 1e-9).sum())
    run_share = _share(float(change["run_hours"].sum()), float(total.sum()))
    view.run_change_title = (
        f"Run work is {fmt.percent(run_share)} of the load; the total exceeds capacity in {n_above} of {weeks} weeks"
        if n_above else f"Run work is {fmt.percent(run_share)} of the load; the total stays within capacity every week")
    view.not_loaded = _not_loaded(wl)

    over_rows = over.sort_values(["week", "excess"], ascending=[True, False], kind="stable")
    view.over = pd.DataFrame({
        "person": [names[p] for p in over_rows["person_id"]],
        "team": [groups[p] for p in over_rows["person_id"]],
        "week": [_week_range(w) for w in over_rows["week"]],
        "load": [fmt.hours(v) for v in over_rows["load"]],
        "capacity": [fmt.hours(v) for v in over_rows["capacity"]],
        "over_by": [fmt.hours(v) for v in over_rows["excess"]],
        "utilisation": [fmt.percent(_share(lo, c)) for lo, c in zip(over_rows["load"], over_rows["capacity"],
                                                                  strict=True)],
        "work": [_tooltip(work.get((p, w), [])) for p, w in zip(over_rows["person_id"], over_rows["week"],
                                                                strict=True)],
    }, columns=["person", "team", "week", "load", "capacity", "over_by", "utilisation", "work"])
    view.fix_cells = _fixes(wl, inputs, over_rows, names, work)
    view.more_over = max(0, len(over_rows) - len(view.fix_cells))

    _teams(view, wl, inputs)
    _skills(view, wl, inputs)
    return view


def _metrics(cells: pd.DataFrame, weeks: tuple[date, ...], n_weeks: int, scope: str) -> list[Metric]:
    near = cells[cells["week"].isin(weeks[:4])]
    u_near = _share(float(near["load"].sum()), float(near["capacity"].sum()))
    u_all = _share(float(cells["load"].sum()), float(cells["capacity"].sum()))
    delta = None
    if n_weeks > 4 and u_near is not None and u_all is not None:
        delta = f"{(u_near - u_all) * 100:+.0f} pts vs {n_weeks}-week avg"
    over = cells[cells["over"]]
    free = float(near["free"].sum())
    run, change = float(cells["run_hours"].sum()), float(cells["change_hours"].sum())
    return [
        Metric(f"Utilisation · next 4 weeks{scope}", fmt.percent(u_near), delta, "off",
               help="Load ÷ capacity, summed over people and the next 4 weeks, compared with the whole horizon. "
                    "Capacity = weekly hours × availability × working days not off ÷ 5.", delta_arrow="auto"),
        Metric("Over-allocated person-weeks", f"{len(over)}",
               f"{over['person_id'].nunique()} people, {fmt.hours(float(over['excess'].sum()))} over"
               if len(over) else "nobody over capacity", "inverse" if len(over) else "off",
               help=f"In the {n_weeks}-week horizon. A person-week is over-allocated when its load is above its "
                    "capacity.", delta_arrow="up" if len(over) else "off"),
        Metric("Free hours · next 4 weeks", fmt.hours(free),
               f"{fmt.percent(_share(free, float(near['capacity'].sum())))} of capacity", "off", "off",
               help="Σ max(capacity − load, 0) per person and week: one person's overload does not free anybody "
                    "else's time."),
        Metric("Run vs change",
               f"{fmt.percent(_share(run, run + change))} / {fmt.percent(_share(change, run + change))}",
               f"{fmt.hours(run)} run · {fmt.hours(change)} change", "off", "off",
               help="Run = operations' recurring work and demand; change = remaining hours of project tasks "
                    "(active and approved projects), over the horizon."),
    ]


def _heat_title(over: pd.DataFrame, names: dict, n_people: int, n_weeks: int) -> str:
    if n_people == 0:
        return "Nobody active matches this team and skill"
    if over.empty:
        return f"Nobody of {n_people} people is over capacity in the next {n_weeks} weeks"
    per_week = over.groupby("week")["person_id"].nunique()
    worst = per_week.idxmax()
    people = over["person_id"].nunique()
    if people == 1:
        pid = over["person_id"].iloc[0]
        return (f"{names[pid]} is over capacity in {len(over)} week{'s' if len(over) > 1 else ''} "
                f"(first {engine_wl.iso_label(over['week'].min())})")
    return (f"{people} people are over capacity in the next {n_weeks} weeks; "
            f"{int(per_week.max())} in {engine_wl.iso_label(worst)}")


def _not_loaded(wl: Workload) -> str:
    parts = []
    if len(wl.unassigned):
        tasks = wl.unassigned[wl.unassigned["source"] == "task"]
        parts.append(f"{fmt.hours(float(wl.unassigned['hours'].sum()))} of work has nobody to do it "
                     f"({tasks['source_id'].nunique()} tasks without an assignee, "
                     f"{fmt.hours(float(wl.unassigned.loc[wl.unassigned['kind'] == 'run', 'hours'].sum()))} "
                     "run work without a person)")
    if len(wl.unscheduled):
        parts.append(f"{len(wl.unscheduled)} tasks have no dates yet "
                     f"({fmt.hours(float(wl.unscheduled['remaining_hours'].sum()))})")
    return ("Not in anybody's load: " + "; ".join(parts) + ".") if parts else ""


def _teams(view: WorkloadView, wl: Workload, inputs: WorkloadInputs) -> None:
    totals = engine_wl.team_totals(wl, inputs.people)
    if totals.empty:
        return
    team_names = dict(zip(inputs.teams["id"].tolist(), inputs.teams["name"].tolist(), strict=True))
    totals["row"] = [team_names.get(t, NO_TEAM) if not pd.isna(t) else NO_TEAM for t in totals["team_id"]]
    totals = totals.sort_values(["row", "week"], kind="stable").reset_index(drop=True)
    over_weeks = wl.cells.assign(team_id=wl.cells["person_id"].map(
        dict(zip(inputs.people["id"], inputs.people["team_id"], strict=True))))
    n_over = over_weeks[over_weeks["over"]].groupby("team_id", dropna=False).size()
    view.team_heat = pd.DataFrame({
        "row": totals["row"], "group": totals["row"], "person_id": totals["team_id"], "week": totals["week"],
        "week_axis": [week_axis(w) for w in totals["week"]], "week_range": [_week_range(w) for w in totals["week"]],
        "load": totals["load"].astype(float), "capacity": totals["capacity"].astype(float),
        "utilisation": totals["utilisation"].astype(float),
        "over": (totals["load"] > totals["capacity"] + 1e-9).to_numpy(bool),
        "change_hours": totals["change_hours"].astype(float), "run_hours": totals["run_hours"].astype(float),
        "work": [f"change {c:.0f} h · run {r:.0f} h" for c, r in zip(totals["change_hours"], totals["run_hours"],
                                                                   strict=True)],
    })
    per_team = totals.groupby("row", sort=True)[["capacity", "load", "change_hours", "run_hours"]].sum()
    people = inputs.people.assign(row=inputs.people["team"].fillna(NO_TEAM)).groupby("row").size()
    team_ids = totals.drop_duplicates("row").set_index("row")["team_id"]
    view.team_table = pd.DataFrame({
        "team": per_team.index,
        "people": [int(people.get(t, 0)) for t in per_team.index],
        "capacity": [fmt.hours(v) for v in per_team["capacity"]],
        "load": [fmt.hours(v) for v in per_team["load"]],
        "utilisation": [(100 * lo / c) if c > 0 else None for lo, c in zip(per_team["load"], per_team["capacity"],
                                                                          strict=True)],
        "run_share": [fmt.percent(_share(r, r + c)) for r, c in zip(per_team["run_hours"], per_team["change_hours"],
                                                                   strict=True)],
        "over_weeks": [int(n_over.get(team_ids[t], 0)) if not pd.isna(team_ids[t]) else
                       int(n_over[n_over.index.isna()].sum()) for t in per_team.index],
    })
    busiest = per_team.assign(u=per_team["load"] / per_team["capacity"].where(per_team["capacity"] > 0))["u"]
    view.team_title = (f"{busiest.idxmax()} is the busiest team at {fmt.percent(busiest.max())} of its capacity"
                       if busiest.notna().any() else "Team load by week")


def _skills(view: WorkloadView, wl: Workload, inputs: WorkloadInputs) -> None:
    # the tasks with hours in the horizon, plus one task per skill so that every skill keeps its row
    placed = set(wl.contributions.loc[wl.contributions["source"] == "task", "source_id"].tolist())
    placed |= set(wl.unassigned.loc[wl.unassigned["source"] == "task", "source_id"].tolist())
    tasks = inputs.tasks[["task_id", "required_skill"]]
    tasks = pd.concat([tasks[tasks["task_id"].isin(placed)], tasks.drop_duplicates("required_skill")])
    frame_ = engine_wl.skills_demand_supply(wl, tasks.drop_duplicates("task_id"), inputs.people)
    if frame_.empty:
        return
    demanded = frame_.groupby("skill")["demand_hours"].sum()
    keep = set(demanded[demanded > 1e-9].index)
    if view.skill is not None:
        keep |= {s for s in demanded.index if s.casefold() == view.skill.casefold()}
    frame_ = frame_[frame_["skill"].isin(keep)]
    view.skills_note = (f"{len(demanded) - len(keep)} other skills have no task hours in the horizon. "
                        if len(demanded) > len(keep) else "")
    if frame_.empty:
        return
    demand, supply = frame_["demand_hours"].to_numpy(float), frame_["supply_hours"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(supply > 0, demand / np.where(supply > 0, supply, 1.0), np.nan)
    short = demand > supply + 1e-9
    view.skills_heat = pd.DataFrame({
        "row": frame_["skill"].to_numpy(), "group": frame_["skill"].to_numpy(), "person_id": None,
        "week": frame_["week"].to_numpy(), "week_axis": [week_axis(w) for w in frame_["week"]],
        "week_range": [_week_range(w) for w in frame_["week"]], "load": demand, "capacity": supply,
        "utilisation": ratio, "over": short, "change_hours": demand, "run_hours": 0.0,
        "work": ["nobody holds this skill" if s <= 0 and d > 0 else f"{d:.0f} h asked of {s:.0f} h"
                 for d, s in zip(demand, supply, strict=True)],
    })
    short_skills = sorted(set(frame_["skill"][short]))
    view.skills_title = (f"Demand exceeds supply for {', '.join(short_skills[:4])}"
                         f"{' and more' if len(short_skills) > 4 else ''}" if short_skills
                         else "Every skill's demand fits the capacity of the people who hold it")


# --- commands: apply a fix ------------------------------------------------------------------------------------


def _task(session: Session, task_id: int, expected_version: int | None) -> m.Task:
    task = core.get(session, m.Task, task_id)
    if expected_version is not None and task.version != expected_version:
        raise ConflictError(
            f"Task '{task.name}' was changed by someone else since this suggestion was computed (version "
            f"{task.version}, yours {expected_version}) — reload to see fresh suggestions; nothing was changed.")
    return task


def apply_reassign(session: Session, *, task_id: int, to_person_id: int, expected_version: int | None,
                   actor: Actor) -> m.Task:
    """Give a task to another person: refused if that person is inactive or lacks the task's required skill."""
    task = _task(session, task_id, expected_version)
    person = core.get(session, m.Person, to_person_id)
    if not person.active:
        raise ValidationError(f"{person.name} is inactive: '{task.name}' was not reassigned.", field="assignee_id")
    skill = (task.required_skill or "").strip()
    if skill and skill.casefold() not in {s.casefold() for s in person.skills or []}:
        raise ValidationError(f"{person.name} does not have the skill '{skill}' that '{task.name}' needs: "
                              "it was not reassigned.", field="assignee_id")
    before = core.get(session, m.Person, task.assignee_id).name if task.assignee_id else "nobody"
    task = core.update(session, m.Task, task_id, {"assignee_id": to_person_id}, expected_version=task.version,
                       actor=actor)
    core.log(session, actor, "workload fix", "task", task.id,
             f"Workload fix: '{task.name}' reassigned from {before} to {person.name}")
    return task


def _finishes(session: Session) -> dict[int, date]:
    """Each project's finish: its tasks' latest scheduled finish."""
    t = m.Task.__table__
    rows = session.connection().execute(select(t.c.project_id, func.max(t.c.finish_date))
                                        .group_by(t.c.project_id)).all()
    return {pid: finish for pid, finish in rows if finish is not None}


def _affected_projects(session: Session, task_id: int) -> set[int]:
    """The projects of a task and of every task that depends on it, directly or through others (any link type)."""
    d, t = m.Dependency.__table__, m.Task.__table__
    successors: dict[int, list[int]] = {}
    for pred, succ in session.connection().execute(select(d.c.pred_id, d.c.succ_id)).all():
        successors.setdefault(pred, []).append(succ)
    seen, todo = {task_id}, [task_id]
    while todo:
        for nxt in successors.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    project_of = dict(session.connection().execute(select(t.c.id, t.c.project_id)).all())
    return {project_of[tid] for tid in seen if tid in project_of}


def apply_shift(session: Session, *, task_id: int, days: int, expected_version: int | None, actor: Actor,
                today: date) -> m.Task:
    """Start a task ``days`` working days later (its duration unchanged) and reschedule every plan.

    The task gets a start-no-earlier-than date = its scheduled start moved by ``days`` working days (workspace
    holidays skipped); then ``plans.reschedule``. The finish of the task's project, and of every project that
    depends on the task, is compared with the stored schedule before the move: if one would finish later, the
    command is refused and nothing is changed.
    """
    if int(days) < 1:
        raise ValidationError("A shift must move the task at least one working day later.", field="shift_days")
    task = _task(session, task_id, expected_version)
    if task.start_date is None:
        raise ValidationError(f"'{task.name}' has no scheduled start to move: schedule its project first.",
                              field="start_date")
    before = _finishes(session)
    holidays = _frame(session, m.Holiday, m.Holiday.project_id.is_(None))["day"].tolist()
    new_start, _ = engine_wl.apply_shift({"start": task.start_date, "finish": task.finish_date}, int(days), holidays)
    old_start = task.start_date
    task = core.update(session, m.Task, task_id, {"start_no_earlier_than": new_start},
                       expected_version=task.version, actor=actor)
    reschedule(session, today=today)
    session.refresh(task)
    after = _finishes(session)
    names = dict(session.connection().execute(select(m.Project.__table__.c.id, m.Project.__table__.c.name)).all())
    for pid in sorted(_affected_projects(session, task_id)):
        if pid in before and pid in after and after[pid] > before[pid]:
            raise ValidationError(
                f"Moving '{task.name}' {days} working day{'s' if days != 1 else ''} later would move the finish of "
                f"'{names.get(pid, pid)}' from {fmt.day(before[pid])} to {fmt.day(after[pid])}: not applied.",
                field="shift_days")
    core.log(session, actor, "workload fix", "task", task.id,
             f"Workload fix: '{task.name}' moved {days} working day{'s' if days != 1 else ''} later, "
             f"start {fmt.day(old_start)} → {fmt.day(task.start_date)}, within its float")
    return task


def apply_fix(session: Session, *, fix: dict[str, Any], actor: Actor, today: date) -> m.Task:
    """Apply one suggestion from :func:`workload_view` (``kind`` 'reassign' or 'shift')."""
    if fix.get("kind") == "reassign":
        return apply_reassign(session, task_id=int(fix["task_id"]), to_person_id=int(fix["to_person_id"]),
                              expected_version=fix.get("task_version"), actor=actor)
    if fix.get("kind") == "shift":
        return apply_shift(session, task_id=int(fix["task_id"]), days=int(fix["shift_days"]),
                           expected_version=fix.get("task_version"), actor=actor, today=today)
    raise ValidationError(f"Unknown kind of fix: {fix.get('kind')!r}.", field="kind")


# --- commands: capacity and time off (st.data_editor tables) -------------------------------------------------

TIME_OFF_COLUMNS = ["id", "person", "start", "end", "working_days", "note", "version"]
CAPACITY_COLUMNS = ["id", "name", "team", "role", "weekly_hours", "availability", "capacity", "skills", "active",
                    "version"]


def person_labels(session: Session) -> dict[str, int]:
    """A unique label per person for pickers: the name, with '#id' added when two people share it."""
    people = frame(session, m.Person, order_by=[m.Person.name, m.Person.id])
    counts = people["name"].value_counts()
    return {(n if counts[n] == 1 else f"{n} #{i}"): int(i) for i, n in zip(people["id"], people["name"], strict=True)}


def time_off_table(session: Session) -> pd.DataFrame:
    """Time off to edit: ``id, person (label), start, end, working_days, note, version``, soonest first."""
    labels = {v: k for k, v in person_labels(session).items()}
    rows = frame(session, m.TimeOff, order_by=[m.TimeOff.start, m.TimeOff.id])
    holidays = frame(session, m.Holiday, m.Holiday.project_id.is_(None))["day"].tolist()
    cal = np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))
    days = (np.busday_count(np.array(rows["start"].tolist(), dtype="datetime64[D]"),
                            np.array(rows["end"].tolist(), dtype="datetime64[D]") + 1, busdaycal=cal)
            if len(rows) else [])
    return pd.DataFrame({"id": rows["id"], "person": [labels.get(p) for p in rows["person_id"]],
                         "start": rows["start"], "end": rows["end"], "working_days": pd.array(days, dtype="Int64"),
                         "note": rows["note"], "version": rows["version"]}, columns=TIME_OFF_COLUMNS)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_day(value: Any, where: str, field_name: str) -> date:
    if _blank(value):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} is required. Nothing was saved.",
                              field=field_name)
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise ValidationError(f"{where}: {field_name} '{value}' is not a date. Nothing was saved.",
                              field=field_name) from None


def _row_error(where: str, error: ValidationError) -> ValidationError:
    text = str(error)
    if " not saved — " in text:
        text = text.split(" not saved — ", 1)[1]
    text = text.rstrip(".") + ". Nothing was saved."
    return ValidationError(f"{where}: {text}", field=error.field)


def _row_id(value: Any) -> int | None:
    return None if _blank(value) else int(value)


def save_time_off(session: Session, *, original: pd.DataFrame, edited: pd.DataFrame, actor: Actor) -> str:
    """Apply an edited time-off table (from :func:`time_off_table`): added, changed and deleted rows, all or none.

    A bad row raises ``ValidationError`` naming the row (its number in the edited table and the person) and the
    field; the caller's transaction then writes nothing. Returns a summary such as "1 added, 2 changed, 0 deleted".
    """
    labels = person_labels(session)
    before = {int(r["id"]): r for r in original.to_dict("records")}
    seen: set[int] = set()
    added = changed = 0
    for n, row in enumerate(edited.to_dict("records"), start=1):
        person = row.get("person")
        where = f"Time off row {n}" + (f" ({person})" if not _blank(person) else "")
        if _blank(person):
            raise ValidationError(f"{where}: person is required. Nothing was saved.", field="person")
        if person not in labels:
            raise ValidationError(f"{where}: person '{person}' is unknown. Nothing was saved.", field="person")
        values = {"person_id": labels[person], "start": _as_day(row.get("start"), where, "start"),
                  "end": _as_day(row.get("end"), where, "end"),
                  "note": "" if _blank(row.get("note")) else str(row["note"]).strip()}
        rid = _row_id(row.get("id"))
        try:
            if rid is None:
                core.create(session, m.TimeOff, values, actor=actor)
                added += 1
                continue
            seen.add(rid)
            old = before.get(rid)
            if old is None:
                raise ValidationError(f"{where}: this row is no longer in the table — reload. Nothing was saved.")
            if (labels.get(old["person"]), old["start"], old["end"], old["note"] or "") == (
                    values["person_id"], values["start"], values["end"], values["note"]):
                continue
            core.update(session, m.TimeOff, rid, values, expected_version=int(old["version"]), actor=actor)
            changed += 1
        except ValidationError as error:
            raise _row_error(where, error) from None
    deleted = 0
    for rid, old in before.items():
        if rid not in seen:
            core.delete(session, m.TimeOff, rid, actor=actor, expected_version=int(old["version"]))
            deleted += 1
    return f"Time off saved: {added} added, {changed} changed, {deleted} deleted."


def capacity_table(session: Session) -> pd.DataFrame:
    """People's capacity to edit: ``id, name, team, role, weekly_hours, availability, capacity (h/week for planned
    work, read-only), skills (comma text), active, version``, by team and name."""
    people = workload_inputs(session).people
    return pd.DataFrame({
        "id": people["id"], "name": people["name"], "team": people["team"].fillna(NO_TEAM), "role": people["role"],
        "weekly_hours": people["weekly_hours"].astype(float), "availability": people["availability"].astype(float),
        "capacity": people["weekly_hours"].astype(float) * people["availability"].astype(float) / 100.0,
        "skills": [", ".join(s) for s in people["skills"]], "active": people["active"].astype(bool),
        "version": people["version"],
    }, columns=CAPACITY_COLUMNS)


def _number(value: Any, where: str, field_name: str) -> float:
    if _blank(value):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} is required. Nothing was saved.",
                              field=field_name)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{where}: {field_name.replace('_', ' ')} '{value}' is not a number. Nothing was "
                              "saved.", field=field_name) from None


def save_capacity(session: Session, *, original: pd.DataFrame, edited: pd.DataFrame, actor: Actor) -> str:
    """Apply edits to people's team, weekly hours, availability, skills and active flag (from
    :func:`capacity_table`), all or none. People are not added or removed here. Returns a summary."""
    teams = dict(session.connection().execute(select(m.Team.__table__.c.name, m.Team.__table__.c.id)).all())
    before = {int(r["id"]): r for r in original.to_dict("records")}
    changed = 0
    for n, row in enumerate(edited.to_dict("records"), start=1):
        rid = _row_id(row.get("id"))
        name = row.get("name") or (before[rid]["name"] if rid in before else "")
        where = f"People row {n}" + (f" ({name})" if name else "")
        if rid is None or rid not in before:
            raise ValidationError(f"{where}: people are added on the Data page, not here. Nothing was saved.",
                                  field="name")
        team = row.get("team")
        if not _blank(team) and team != NO_TEAM and team not in teams:
            raise ValidationError(f"{where}: team '{team}' is unknown. Nothing was saved.", field="team")
        values = {
            "team_id": None if _blank(team) or team == NO_TEAM else teams[team],
            "weekly_hours": _number(row.get("weekly_hours"), where, "weekly_hours"),
            "availability": _number(row.get("availability"), where, "availability"),
            "skills": "" if _blank(row.get("skills")) else str(row["skills"]),
            "active": bool(row.get("active")) if not _blank(row.get("active")) else False,
        }
        old = before[rid]
        person = core.get(session, m.Person, rid)
        try:
            clean = core.validate(m.Person, {**{k: getattr(person, k) for k in m.PersonCreate.model_fields},
                                             **values})
        except ValidationError as error:
            raise _row_error(where, error) from None
        if all(clean[k] == getattr(person, k) for k in values):
            continue
        try:
            core.update(session, m.Person, rid, values, expected_version=int(old["version"]), actor=actor)
        except ValidationError as error:
            raise _row_error(where, error) from None
        changed += 1
    return f"Capacity saved: {changed} {'person' if changed == 1 else 'people'} changed."


# --- benchmark ------------------------------------------------------------------------------------------------


def bench(sizes: tuple[str, ...] = ("S", "M", "L"), *, weeks: int = 26, today: date | None = None,
          repeat: int = 3) -> list[dict[str, Any]]:
    """Seconds ``load_workload`` takes on demo databases of the given sizes (a temp SQLite file each).

    Seeding is not timed. For each size: ``size, people, tasks, weeks, read_s`` (reading the frames),
    ``compute_s`` (the engine), ``total_s`` (``load_workload``, best of ``repeat``), ``suggest_s`` (suggestions for
    every over-allocated person-week) and ``over`` (how many there are).
    """
    import tempfile
    from pathlib import Path

    from worksmith import demo
    from worksmith.store.db import get_engine, read_session, upgrade

    today = today or date.today()
    start = today
    out = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            engine = get_engine(f"sqlite:///{Path(tmp) / f'bench_{size}.db'}")
            try:
                upgrade(engine)
                demo.seed(engine, size, today=today)
                totals, reads, computes = [], [], []
                for _ in range(max(1, repeat)):
                    with read_session(engine) as session:
                        t0 = time.perf_counter()
                        inputs = workload_inputs(session)
                        t1 = time.perf_counter()
                        wl = compute_workload(inputs, start=start, weeks=weeks, today=today)
                        t2 = time.perf_counter()
                    reads.append(t1 - t0)
                    computes.append(t2 - t1)
                    totals.append(t2 - t0)
                t3 = time.perf_counter()
                over = engine_wl.over_allocations(wl)
                engine_wl.suggest_fixes(wl, inputs.tasks, inputs.people, inputs.float_days)
                t4 = time.perf_counter()
                out.append({"size": size, "people": len(inputs.people), "tasks": len(inputs.tasks), "weeks": weeks,
                            "read_s": min(reads), "compute_s": min(computes), "total_s": min(totals),
                            "suggest_s": t4 - t3, "over": len(over)})
            finally:
                engine.dispose()
    return out
