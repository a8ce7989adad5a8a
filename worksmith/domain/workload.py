"""Workload: effort spread, run work and capacity per person and ISO week (DESIGN §3 "Workload").

Pure module: plain DataFrames in, DataFrames out; no database, no Streamlit. The same functions run on the stored
plan and on a what-if copy of it.

Calendar
    Working days and ISO weeks as defined in :mod:`worksmith.domain.calendar` (Monday–Friday minus ``holidays``, the
    workspace calendar). Load is counted per ISO week, keyed by its Monday (``week``) and labelled ``"2026-W07"``
    (``week_label``). The horizon is ``weeks`` whole ISO weeks starting with the week that contains ``horizon_start``.

Change work (project tasks)
    remaining = estimate_hours × (1 − percent_complete / 100)
    The remaining hours are spread evenly over the task's working days, start..finish inclusive:
    hours per working day = remaining / n, and a week gets (working days of the window in that week) × that rate.
    Work left cannot be done in the past, so the window is clipped to ``today`` (MS Project's "reschedule remaining
    work after the status date"), with ``today'`` = the first working day on or after ``today``:
      * in progress (start < today' ≤ finish): the window is today'..finish, n = its working days;
      * overdue (finish < today' and remaining > 0): the remaining hours are spread over the same number of working
        days the task had (n = its working days start..finish, at least 1), starting at today';
      * a window without a working day (a milestone, start = finish, on a weekend or holiday) moves to the next
        working day; a milestone carries hours only if its estimate is > 0, all on its day.
    Hours falling outside the horizon are not shown. A task without a start date cannot be placed: it is listed in
    ``Workload.unscheduled``. Time off does not move task hours (it lowers capacity; the schedule is the CPM's).

Run work (operations)
    * Recurring task: ``hours`` on each occurrence, in the ISO week of the occurrence (occurrences from ``anchor``,
      the first due date, by its cadence: :func:`worksmith.domain.calendar.recurrence_dates`).
    * Operation demand: ``demand_hours_per_week`` × (working days in the week / 5), split equally among the active
      people of the operation's team (an operation with no team or no active member is unassigned demand).
    Run work is placed in every week of the horizon, past or not (it is a standing plan, not remaining work).

Capacity (per person and week)
    available days = working days of the week − the person's time-off days that are working days
    capacity       = weekly_hours × availability / 100 × available days / 5
    full_capacity  = weekly_hours × available days / 5
    Availability is the share of a person's time for planned work: change AND run load are both measured against
    ``capacity`` (not ``full_capacity``, which is shown for reference). An inactive person has capacity 0.

Per person and week
    load = change_hours + run_hours;  free = max(capacity − load, 0);  excess = max(load − capacity, 0)
    utilisation = load / capacity (missing, NaN, when capacity is 0 — show "—");  over ⇔ load > capacity + 1e-9.

Tasks, recurring tasks or demand without a (known) person are reported in ``Workload.unassigned`` and are in no
person's load. The input frames are checked by :mod:`worksmith.domain.workload_inputs`; over-allocations and
the fixes for them are in :mod:`worksmith.domain.allocation`, demand and supply per skill in
:mod:`worksmith.domain.skills`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.calendar import as_date, busday_calendar, iso_label, np_day, occurrences, to_days, week_start
from worksmith.domain.workload_inputs import (
    PeopleArrays,
    column_or,
    id_array,
    objects,
    prepare_people,
    prepare_tasks,
    require_columns,
)
from worksmith.errors import ValidationError
from worksmith.values import is_missing

__all__ = [
    "CELL_COLUMNS",
    "CONTRIBUTION_COLUMNS",
    "TEAM_COLUMNS",
    "UNASSIGNED_COLUMNS",
    "UNSCHEDULED_COLUMNS",
    "Workload",
    "compute_load",
    "team_totals",
]

EPS = 1e-9

CELL_COLUMNS = [
    "person_id", "week", "week_label", "change_hours", "run_hours", "load",
    "capacity", "full_capacity", "free", "excess", "utilisation", "over",
]
CONTRIBUTION_COLUMNS = [
    "person_id", "week", "week_label", "kind", "source", "source_id", "name", "project_id", "operation_id", "hours",
]
UNASSIGNED_COLUMNS = [
    "week", "week_label", "kind", "source", "source_id", "name", "project_id", "operation_id", "assignee_id",
    "reason", "hours",
]
UNSCHEDULED_COLUMNS = ["task_id", "name", "project_id", "assignee_id", "remaining_hours"]
TEAM_COLUMNS = [
    "team_id", "week", "week_label", "change_hours", "run_hours", "load", "capacity", "full_capacity", "utilisation",
]


@dataclass(frozen=True, eq=False)
class Workload:
    """The result of :func:`compute_load`.

    cells
        One row per person (in the order of the ``people`` frame) and week: ``person_id, week (Monday date),
        week_label ("2026-W07"), change_hours, run_hours, load, capacity, full_capacity, free, excess,
        utilisation (float, NaN when capacity is 0), over (bool)``.
    contributions
        The work behind each cell: ``person_id, week, week_label, kind ('change'|'run'), source ('task'|'recurring'|
        'operation'), source_id, name, project_id, operation_id, hours``; only rows with hours > 0.
    unassigned
        Demand no person carries: the contribution columns without ``person_id``, plus ``assignee_id`` (the unknown id,
        if any) and ``reason`` ('no assignee', 'assignee not found', 'operation has no team', 'team has no active
        people').
    unscheduled
        Tasks with remaining hours but no start date: ``task_id, name, project_id, assignee_id, remaining_hours``.
    weeks
        The Mondays of the horizon, in order.
    """

    cells: pd.DataFrame
    contributions: pd.DataFrame
    unassigned: pd.DataFrame
    unscheduled: pd.DataFrame
    weeks: tuple[date, ...]
    today: date
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def horizon_start(self) -> date:
        """Monday of the first week."""
        return self.weeks[0]

    @property
    def horizon_end(self) -> date:
        """Sunday of the last week (inclusive)."""
        return self.weeks[-1] + timedelta(days=6)



# --- the spread -----------------------------------------------------------------------------------------------


@dataclass
class WeekGrid:
    weeks: tuple[date, ...]
    labels: np.ndarray         # object, per week
    bounds: np.ndarray         # datetime64[D], W + 1 Mondays
    cal: np.busdaycalendar
    today: np.datetime64       # first working day on or after today
    working_days: np.ndarray   # per week

    @property
    def n(self) -> int:
        return len(self.weeks)


def week_grid(horizon_start: date, weeks: int, holidays: Iterable[date] | None, today: date) -> WeekGrid:
    if int(weeks) < 1:
        raise ValidationError("The horizon needs at least one week", field="weeks")
    first = np_day(week_start(horizon_start))
    bounds = first + 7 * np.arange(int(weeks) + 1)
    monday = tuple(as_date(b) for b in bounds[:-1])
    cal = busday_calendar(holidays)
    return WeekGrid(
        weeks=monday, labels=np.array([iso_label(m) for m in monday], dtype=object), bounds=bounds, cal=cal,
        today=np.busday_offset(np_day(today), 0, roll="forward", busdaycal=cal),
        working_days=np.busday_count(bounds[:-1], bounds[1:], busdaycal=cal),
    )


def spread_hours(start: np.ndarray, finish: np.ndarray, remaining: np.ndarray, grid: WeekGrid) -> np.ndarray:
    """Hours per task (rows) and week (columns) by the rule in the module docstring. Dates must not be NaT."""
    cal, t = grid.cal, grid.today
    if len(start) == 0:
        return np.zeros((0, grid.n))
    n_total = np.busday_count(start, finish + 1, busdaycal=cal)
    empty = n_total <= 0
    if empty.any():
        rolled = np.busday_offset(start, 0, roll="forward", busdaycal=cal)
        start = np.where(empty, rolled, start)
        finish = np.where(empty, rolled, finish)
        n_total = np.where(empty, 1, n_total)
    s_eff = np.maximum(start, t)
    n_eff = np.clip(np.busday_count(s_eff, finish + 1, busdaycal=cal), 0, None)
    overdue = n_eff == 0
    f_eff = finish
    if overdue.any():
        s_eff = np.where(overdue, t, s_eff)
        f_eff = np.where(overdue, np.busday_offset(t, np.maximum(n_total - 1, 0), roll="forward", busdaycal=cal),
                         finish)
        n_eff = np.where(overdue, n_total, n_eff)
    anchor = grid.bounds[0]
    c_start = np.busday_count(anchor, s_eff, busdaycal=cal)
    c_end = np.busday_count(anchor, f_eff + 1, busdaycal=cal)
    c_bounds = np.busday_count(anchor, grid.bounds, busdaycal=cal)
    days = np.minimum(c_end[:, None], c_bounds[None, 1:]) - np.maximum(c_start[:, None], c_bounds[None, :-1])
    return np.clip(days, 0, None) * (remaining / n_eff)[:, None]


def _days_off(time_off: pd.DataFrame | None, people: PeopleArrays, grid: WeekGrid) -> np.ndarray:
    """Working days off per person and week; overlapping ranges count once."""
    n_p, n_w = len(people), grid.n
    off = np.zeros((n_p, n_w), dtype=np.int64)
    time_off = require_columns(time_off, ["person_id", "start", "end"], "time off")
    if time_off.empty or n_p == 0:
        return off
    pidx = people.index.get_indexer(pd.Index(objects(time_off["person_id"]), dtype=object))
    s = to_days(time_off["start"], "start")
    e = to_days(time_off["end"], "end")
    keep = (pidx >= 0) & ~np.isnat(s) & ~np.isnat(e)
    s = np.maximum(s[keep], grid.bounds[0])
    e = np.minimum(e[keep], grid.bounds[-1] - 1)
    pidx = pidx[keep]
    ok = s <= e
    s, e, pidx = s[ok], e[ok], pidx[ok]
    if len(s) == 0:
        return off
    lengths = (e - s).astype(np.int64) + 1
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    days = np.repeat(s, lengths) + (np.arange(lengths.sum()) - offsets)
    who = np.repeat(pidx, lengths)
    work = np.is_busday(days, busdaycal=grid.cal)
    day_no = (days[work] - grid.bounds[0]).astype(np.int64)
    n_days = 7 * n_w
    key = np.unique(who[work] * n_days + day_no)
    cell = (key // n_days) * n_w + (key % n_days) // 7
    return np.bincount(cell, minlength=n_p * n_w).reshape(n_p, n_w)


def _frame(columns: list[str], data: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({c: data[c] for c in columns}) if data else pd.DataFrame(columns=columns)


class _Parts:
    """Collects long rows (per week) for contributions / unassigned; builds one frame at the end."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {}

    def add(self, **cols: np.ndarray) -> None:
        for k, v in cols.items():
            self.cols.setdefault(k, []).append(np.asarray(v, dtype=object) if v.dtype.kind in "OUS" else v)

    def build(self, columns: list[str], grid: WeekGrid, person_ids: np.ndarray | None = None) -> pd.DataFrame:
        if not self.cols:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
            frame["hours"] = frame["hours"].astype(float)
            return frame
        cat = {k: np.concatenate(v) for k, v in self.cols.items()}
        week = cat.pop("week_idx").astype(np.int64)
        data: dict[str, Any] = {
            "week": np.array(grid.weeks, dtype=object)[week] if len(week) else np.array([], dtype=object),
            "week_label": grid.labels[week],
            "hours": cat.pop("hours").astype(float),
        }
        if person_ids is not None:
            data["person_id"] = id_array(person_ids[cat.pop("person_idx").astype(np.int64)])
        for k in ("source_id", "project_id", "operation_id", "assignee_id"):
            if k in cat:
                data[k] = id_array(cat.pop(k))
        data.update(cat)
        return _frame(columns, data)


def _none(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _const(value: str, n: int) -> np.ndarray:
    return np.full(n, value, dtype=object)


def compute_load(
    tasks: pd.DataFrame,
    people: pd.DataFrame,
    time_off: pd.DataFrame | None,
    holidays: Iterable[date] | None,
    recurring: pd.DataFrame | None,
    operations: pd.DataFrame | None,
    horizon_start: date,
    weeks: int,
    today: date,
    *,
    cells_only: bool = False,
) -> Workload:
    """Spread change and run work over people and ISO weeks and compare it with capacity.

    Parameters
    ----------
    tasks
        ``task_id, project_id, name, assignee_id, start, finish, estimate_hours, percent_complete`` and optionally
        ``required_skill``. Dates may be ``date`` objects, Timestamps or ISO strings.
    people
        ``id, weekly_hours, availability`` and optionally ``name, team_id, skills (list or comma text), active``.
        Missing weekly hours / availability take the model defaults (40 h, 80 %).
    time_off
        ``person_id, start, end`` (inclusive ranges); ``None`` = nobody is off.
    holidays
        Non-working dates for everybody.
    recurring
        ``id, operation_id, name, cadence ('weekly'|'monthly'|'quarterly'), hours, assignee_id, anchor``; or ``None``.
    operations
        ``id, name, team_id, demand_hours_per_week`` and optionally ``active``; or ``None``. The recurring tasks of an
        inactive operation carry no demand.
    horizon_start, weeks
        The horizon is ``weeks`` ISO weeks from the week containing ``horizon_start``.
    today
        Remaining change work is never placed before today (see the module docstring).
    cells_only
        Leave ``contributions`` and ``unassigned`` empty (their columns only): for callers that need the cells, such
        as free capacity per team, building the work behind every cell is most of the time at L.

    Returns
    -------
    Workload
        See :class:`Workload` for the frames and their columns; the formulas are in the module docstring.

    Raises
    ------
    ValidationError
        A required column is missing, a date cannot be read, ``weeks`` < 1, a cadence is unknown or people ids repeat.
    """
    grid = week_grid(horizon_start, weeks, holidays, today)
    ppl = prepare_people(people)
    n_p, n_w = len(ppl), grid.n
    contrib, unassigned = _Parts(), _Parts()
    change = np.zeros(n_p * n_w)
    run = np.zeros(n_p * n_w)

    # change work
    tk = prepare_tasks(tasks, ppl)
    live = tk.remaining > EPS
    no_date = live & np.isnat(tk.start)
    unscheduled = pd.DataFrame({
        "task_id": id_array(tk.ids[no_date]), "name": tk.names[no_date],
        "project_id": id_array(tk.project_ids[no_date]), "assignee_id": id_array(tk.assignee_ids[no_date]),
        "remaining_hours": tk.remaining[no_date],
    }, columns=UNSCHEDULED_COLUMNS)
    tk = tk.take(np.flatnonzero(live & ~no_date))
    hours = spread_hours(tk.start, tk.finish, tk.remaining, grid)
    rows, wk = np.nonzero(hours > EPS)
    h = hours[rows, wk]
    p = tk.person[rows]
    mine = p >= 0
    np.add.at(change, p[mine] * n_w + wk[mine], h[mine])
    contrib.add(person_idx=p[mine], week_idx=wk[mine], kind=_const("change", mine.sum()),
                source=_const("task", mine.sum()), source_id=tk.ids[rows[mine]], name=tk.names[rows[mine]],
                project_id=tk.project_ids[rows[mine]], operation_id=_none(mine.sum()), hours=h[mine])
    lost = ~mine
    unassigned.add(
        week_idx=wk[lost], kind=_const("change", lost.sum()), source=_const("task", lost.sum()),
        source_id=tk.ids[rows[lost]], name=tk.names[rows[lost]], project_id=tk.project_ids[rows[lost]],
        operation_id=_none(lost.sum()), assignee_id=tk.assignee_ids[rows[lost]],
        reason=np.where(pd.isna(tk.assignee_ids[rows[lost]]), "no assignee", "assignee not found").astype(object),
        hours=h[lost],
    )

    # run work
    ops = require_columns(operations, ["id", "name", "team_id", "demand_hours_per_week"], "operations")
    op_active = column_or(ops, "active", True).fillna(True).astype(bool).to_numpy()
    inactive_ops = set(objects(ops["id"])[~op_active].tolist())
    _recurring_demand(recurring, inactive_ops, ppl, grid, run, contrib, unassigned)
    _operation_demand(ops[op_active], ppl, grid, run, contrib, unassigned)

    # capacity
    off = _days_off(time_off, ppl, grid)
    avail_days = np.clip(grid.working_days[None, :] - off, 0, None)
    full = (ppl.weekly * ppl.active)[:, None] * avail_days / 5.0
    capacity = full * (ppl.availability / 100.0)[:, None]
    change_m, run_m = change.reshape(n_p, n_w), run.reshape(n_p, n_w)
    load = change_m + run_m
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, load / np.where(capacity > 0, capacity, 1.0), np.nan)
    cells = pd.DataFrame({
        "person_id": id_array(np.repeat(ppl.ids, n_w)),
        "week": np.tile(np.array(grid.weeks, dtype=object), n_p),
        "week_label": np.tile(grid.labels, n_p),
        "change_hours": change_m.ravel(), "run_hours": run_m.ravel(), "load": load.ravel(),
        "capacity": capacity.ravel(), "full_capacity": full.ravel(),
        "free": np.clip(capacity - load, 0, None).ravel(), "excess": np.clip(load - capacity, 0, None).ravel(),
        "utilisation": util.ravel(), "over": (load > capacity + EPS).ravel(),
    }, columns=CELL_COLUMNS)
    return Workload(
        cells=cells,
        contributions=(_Parts() if cells_only else contrib).build(CONTRIBUTION_COLUMNS, grid, ppl.ids),
        unassigned=(_Parts() if cells_only else unassigned).build(UNASSIGNED_COLUMNS, grid),
        unscheduled=unscheduled,
        weeks=grid.weeks,
        today=today,
        holidays=frozenset(as_date(d) for d in grid.cal.holidays),
    )


def _recurring_demand(recurring: pd.DataFrame | None, inactive_ops: set, ppl: PeopleArrays, grid: WeekGrid,
                      run: np.ndarray, contrib: _Parts, unassigned: _Parts) -> None:
    rec = require_columns(recurring, ["id", "operation_id", "name", "cadence", "hours", "assignee_id", "anchor"],
                          "recurring")
    if rec.empty:
        return
    anchors = to_days(rec["anchor"], "anchor")
    hours = np.nan_to_num(pd.to_numeric(rec["hours"], errors="coerce").to_numpy(float), nan=0.0)
    ids, op_ids, names = objects(rec["id"]), objects(rec["operation_id"]), objects(rec["name"])
    assignees = objects(rec["assignee_id"])
    pidx = ppl.index.get_indexer(pd.Index(assignees, dtype=object)) if len(ppl) else np.full(len(rec), -1)
    first, last = grid.bounds[0], grid.bounds[-1] - 1
    row_list, week_list = [], []
    rules = rec["rrule"].fillna("").astype(str).tolist() if "rrule" in rec else [""] * len(rec)
    for i, cadence in enumerate(rec["cadence"].tolist()):
        if hours[i] <= 0 or np.isnat(anchors[i]) or op_ids[i] in inactive_ops:
            continue
        days = occurrences(cadence, anchors[i], first, last, rules[i])
        row_list.append(np.full(len(days), i))
        week_list.append(((days - first).astype(np.int64)) // 7)
    if not row_list:
        return
    rows, wk = np.concatenate(row_list), np.concatenate(week_list)
    # several occurrences in one week (never for these cadences, but be safe) stay separate rows
    p, h = pidx[rows], hours[rows]
    mine = p >= 0
    np.add.at(run, p[mine] * grid.n + wk[mine], h[mine])
    n_m, n_l = int(mine.sum()), int((~mine).sum())
    contrib.add(person_idx=p[mine], week_idx=wk[mine], kind=_const("run", n_m), source=_const("recurring", n_m),
                source_id=ids[rows[mine]], name=names[rows[mine]], project_id=_none(n_m),
                operation_id=op_ids[rows[mine]], hours=h[mine])
    lost = ~mine
    unassigned.add(week_idx=wk[lost], kind=_const("run", n_l), source=_const("recurring", n_l),
                   source_id=ids[rows[lost]], name=names[rows[lost]], project_id=_none(n_l),
                   operation_id=op_ids[rows[lost]], assignee_id=assignees[rows[lost]],
                   reason=np.where(pd.isna(assignees[rows[lost]]), "no assignee", "assignee not found").astype(object),
                   hours=h[lost])


def _operation_demand(ops: pd.DataFrame, ppl: PeopleArrays, grid: WeekGrid, run: np.ndarray, contrib: _Parts,
                      unassigned: _Parts) -> None:
    demand = np.nan_to_num(pd.to_numeric(ops["demand_hours_per_week"], errors="coerce").to_numpy(float), nan=0.0)
    weekly = grid.working_days / 5.0
    all_weeks = np.arange(grid.n)
    members_of: dict[Any, list[int]] = {}  # team → its active people's positions, ascending
    for position in np.flatnonzero(ppl.active).tolist():
        team = ppl.team_ids[position]
        if not is_missing(team):
            members_of.setdefault(team, []).append(position)
    for op_id, name, team, hours in zip(objects(ops["id"]), objects(ops["name"]), objects(ops["team_id"]), demand,
                                        strict=True):
        if hours <= 0:
            continue
        per_week = hours * weekly
        keep = per_week > EPS
        members = np.array(members_of.get(team, []) if team is not None else [], dtype=np.int64)
        if len(members) == 0:
            n = int(keep.sum())
            unassigned.add(week_idx=all_weeks[keep], kind=_const("run", n), source=_const("operation", n),
                           source_id=np.full(n, op_id, dtype=object), name=np.full(n, name, dtype=object),
                           project_id=_none(n), operation_id=np.full(n, op_id, dtype=object), assignee_id=_none(n),
                           reason=_const("operation has no team" if team is None else "team has no active people", n),
                           hours=per_week[keep])
            continue
        share = per_week[keep] / len(members)
        wk = np.tile(all_weeks[keep], len(members))
        p = np.repeat(members, int(keep.sum()))
        h = np.tile(share, len(members))
        np.add.at(run, p * grid.n + wk, h)
        n = len(p)
        contrib.add(person_idx=p, week_idx=wk, kind=_const("run", n), source=_const("operation", n),
                    source_id=np.full(n, op_id, dtype=object), name=np.full(n, name, dtype=object),
                    project_id=_none(n), operation_id=np.full(n, op_id, dtype=object), hours=h)


# --- reading the result ---------------------------------------------------------------------------------------

def load_matrices(workload: Workload) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person ids in cell order, load P×W, capacity P×W)."""
    cells = workload.cells
    n_w = len(workload.weeks)
    ids = objects(cells["person_id"].iloc[::n_w]) if len(cells) else np.array([], dtype=object)
    return ids, cells["load"].to_numpy(float).reshape(-1, n_w), cells["capacity"].to_numpy(float).reshape(-1, n_w)



def team_totals(workload: Workload, people: pd.DataFrame) -> pd.DataFrame:
    """Cells summed per team and week: ``team_id, week, week_label, change_hours, run_hours, load, capacity,
    full_capacity, utilisation`` (load / capacity, NaN when capacity is 0). People without a team form a group
    with a missing ``team_id``. Unassigned demand is in no team.
    """
    people = require_columns(people, ["id"], "people")
    team = dict(zip(objects(people["id"]).tolist(), objects(column_or(people, "team_id", None)).tolist(), strict=True))
    cells = workload.cells
    if cells.empty:
        return pd.DataFrame(columns=TEAM_COLUMNS)
    frame = cells.assign(team_id=id_array(np.array([team.get(p) for p in objects(cells["person_id"])], dtype=object)))
    sums = ["change_hours", "run_hours", "load", "capacity", "full_capacity"]
    out = frame.groupby(["team_id", "week", "week_label"], dropna=False, sort=True)[sums].sum().reset_index()
    cap = out["capacity"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["utilisation"] = np.where(cap > 0, out["load"].to_numpy(float) / np.where(cap > 0, cap, 1.0), np.nan)
    return out[TEAM_COLUMNS]
