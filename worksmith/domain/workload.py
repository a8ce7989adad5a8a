"""Workload: effort spread, capacity, over-allocation and fix suggestions (DESIGN §3 "Workload").

Pure module: plain DataFrames in, DataFrames out; no database, no Streamlit. The same functions run on the stored
plan and on a what-if copy of it.

Calendar
    A working day is Monday–Friday and not in ``holidays`` (the workspace calendar). Load is counted per ISO week; a
    week is keyed by its Monday (``week``, a ``datetime.date``) and labelled ``"2026-W07"`` (``week_label``). The
    horizon is ``weeks`` whole ISO weeks starting with the week that contains ``horizon_start``.

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
    * Recurring task: ``hours`` on each occurrence, in the ISO week of the occurrence. Occurrences start at
      ``anchor`` (the first due date): weekly = anchor + 7k days; monthly = the anchor's day of the month every
      month, clamped to the month's last day (the 31st falls on 28/29 Feb, 30 Apr...); quarterly = the same every
      3 months.
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
person's load.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.errors import ValidationError

__all__ = [
    "CELL_COLUMNS",
    "CONTRIBUTION_COLUMNS",
    "OVER_COLUMNS",
    "SKILL_COLUMNS",
    "SUGGESTION_COLUMNS",
    "TASK_COLUMNS",
    "TEAM_COLUMNS",
    "UNASSIGNED_COLUMNS",
    "UNSCHEDULED_COLUMNS",
    "Workload",
    "apply_shift",
    "bench",
    "compute_load",
    "iso_label",
    "over_allocations",
    "recurrence_dates",
    "remaining_hours",
    "skills_demand_supply",
    "suggest_fixes",
    "team_totals",
    "week_start",
]

EPS = 1e-9
DEFAULT_WEEKLY_HOURS = 40.0
DEFAULT_AVAILABILITY = 80.0
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}

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
OVER_COLUMNS = ["person_id", "week", "week_label", "load", "capacity", "excess", "tasks"]
SUGGESTION_COLUMNS = [
    "kind", "task_id", "task_name", "project_id", "from_person_id", "to_person_id", "shift_days", "new_start",
    "new_finish", "week", "week_label", "excess_hours", "relieves_hours", "explanation",
]
SKILL_COLUMNS = ["skill", "week", "week_label", "demand_hours", "supply_hours"]
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


# --- small calendar helpers -----------------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_label(day: date) -> str:
    """ISO week label of ``day``, e.g. ``"2026-W07"`` (the ISO year, which may differ from the calendar year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _calendar(holidays: Iterable[date] | None) -> np.busdaycalendar:
    days = _to_days(list(holidays or []))
    return np.busdaycalendar(weekmask="1111100", holidays=days[~np.isnat(days)])


def _to_days(values: Any, column: str = "date") -> np.ndarray:
    """Anything date-like (date objects, strings, Timestamps, None) -> ``datetime64[D]`` array (NaT when missing)."""
    try:
        stamps = pd.to_datetime(pd.Series(values, dtype=object) if isinstance(values, list) else values)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"{column}: not a date ({exc})", field=column) from exc
    return np.asarray(stamps, dtype="datetime64[D]")


def _as_date(day: np.datetime64) -> date:
    return day.astype("datetime64[D]").astype(object)


def _np_day(day: date) -> np.datetime64:
    return np.datetime64(day, "D")


def remaining_hours(estimate_hours: Any, percent_complete: Any) -> np.ndarray:
    """remaining = estimate × (1 − % complete / 100); missing estimate = 0, % complete clipped to 0..100."""
    est = np.nan_to_num(np.asarray(estimate_hours, dtype=float), nan=0.0)
    pct = np.clip(np.nan_to_num(np.asarray(percent_complete, dtype=float), nan=0.0), 0.0, 100.0)
    return np.clip(est, 0.0, None) * (1.0 - pct / 100.0)


def recurrence_dates(cadence: str, anchor: date, start: date, end: date) -> list[date]:
    """Occurrences of a recurring task from ``anchor`` on, within ``start``..``end`` inclusive.

    ``weekly``: anchor + 7k days. ``monthly``/``quarterly``: the anchor's day of the month every 1/3 months, clamped
    to the last day of shorter months (anchor 31 Jan -> 28 Feb, 31 Mar, 30 Apr...). Raises ``ValidationError`` for an
    unknown cadence.

    >>> recurrence_dates("monthly", date(2026, 1, 31), date(2026, 2, 1), date(2026, 4, 30))
    [datetime.date(2026, 2, 28), datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)]
    """
    days = _occurrences(cadence, _np_day(anchor), _np_day(start), _np_day(end))
    return [_as_date(d) for d in days]


def _occurrences(cadence: str, anchor: np.datetime64, first: np.datetime64, last: np.datetime64) -> np.ndarray:
    cadence = str(cadence).strip().lower()
    lo = max(first, anchor)
    if lo > last:
        return np.array([], dtype="datetime64[D]")
    if cadence == "weekly":
        k0 = -(-int((lo - anchor).astype(int)) // 7)
        k1 = int((last - anchor).astype(int)) // 7
        return anchor + 7 * np.arange(k0, k1 + 1)
    if cadence not in CADENCE_MONTHS:
        raise ValidationError(f"Unknown cadence '{cadence}': use weekly, monthly or quarterly", field="cadence")
    step = CADENCE_MONTHS[cadence]
    anchor_month = anchor.astype("datetime64[M]")
    day0 = int((anchor - anchor_month.astype("datetime64[D]")).astype(int))
    k0 = int((lo.astype("datetime64[M]") - anchor_month).astype(int)) // step
    k1 = int((last.astype("datetime64[M]") - anchor_month).astype(int)) // step
    months = anchor_month + step * np.arange(k0, k1 + 1)
    month_len = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(int)
    days = months.astype("datetime64[D]") + np.minimum(day0, month_len - 1)
    return days[(days >= lo) & (days <= last)]


def apply_shift(task_row: Mapping[str, Any], days: int, holidays: Iterable[date] | None = None) -> tuple[date, date]:
    """New ``(start, finish)`` of a task moved by ``days`` working days (negative = earlier).

    ``task_row`` needs ``start`` and ``finish`` (finish defaults to start). A date on a non-working day first rolls to
    the next working day, so a task that starts and ends on working days keeps its number of working days.

    >>> apply_shift({"start": date(2026, 2, 12), "finish": date(2026, 2, 13)}, 1)   # Thu–Fri -> Fri–Mon
    (datetime.date(2026, 2, 13), datetime.date(2026, 2, 16))
    """
    start = task_row.get("start")
    finish = task_row.get("finish")
    if start is None or pd.isna(start):
        raise ValidationError("The task has no start date to shift", field="start")
    if finish is None or pd.isna(finish):
        finish = start
    cal = _calendar(holidays)
    s, f = _to_days([start, finish], "start")
    f = max(f, s)
    new = np.busday_offset(np.array([s, f]), int(days), roll="forward", busdaycal=cal)
    return _as_date(new[0]), _as_date(new[1])


# --- input normalisation --------------------------------------------------------------------------------------


def _require(frame: pd.DataFrame | None, columns: Iterable[str], name: str) -> pd.DataFrame:
    if frame is None:
        frame = pd.DataFrame(columns=list(columns))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"The {name} table lacks the column(s): {', '.join(missing)}", field=missing[0])
    return frame


def _column(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _obj(values: Any) -> np.ndarray:
    """Object array with ``None`` for missing values (ids, names)."""
    arr = np.array(pd.Series(values).astype(object), dtype=object)
    if arr.size:
        arr[pd.isna(arr)] = None
    return arr


def _id_array(values: np.ndarray) -> Any:
    """Ids as nullable integers when they are integral numbers, else left as they are."""
    try:
        return pd.array(values, dtype="Int64")
    except (TypeError, ValueError):
        return pd.array(values, dtype=object)


def _skill_key(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip().casefold()


def _skill_set(value: Any) -> set[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return set()
    if isinstance(value, str):
        value = value.split(",")
    return {_skill_key(s) for s in value if _skill_key(s)}


@dataclass
class _People:
    ids: np.ndarray            # object
    index: pd.Index
    names: np.ndarray          # object
    team_ids: np.ndarray       # object
    weekly: np.ndarray
    availability: np.ndarray
    active: np.ndarray
    skills: list[set[str]]
    skill_labels: dict[str, str]

    def __len__(self) -> int:
        return len(self.ids)


def _prepare_people(people: pd.DataFrame) -> _People:
    people = _require(people, ["id", "weekly_hours", "availability"], "people")
    ids = _obj(people["id"])
    if len(set(ids.tolist())) != len(ids):
        raise ValidationError("The people table has a repeated id", field="id")
    names = _obj(_column(people, "name", None))
    names = np.array([n if n is not None else f"person {i}" for n, i in zip(names, ids, strict=True)], dtype=object)
    weekly = pd.to_numeric(people["weekly_hours"], errors="coerce").fillna(DEFAULT_WEEKLY_HOURS).to_numpy(float)
    avail = pd.to_numeric(people["availability"], errors="coerce").fillna(DEFAULT_AVAILABILITY).to_numpy(float)
    active = _column(people, "active", True).fillna(True).astype(bool).to_numpy()
    raw_skills = _column(people, "skills", None).tolist()
    skills = [_skill_set(v) for v in raw_skills]
    labels: dict[str, str] = {}
    for v in raw_skills:
        for s in (v.split(",") if isinstance(v, str) else (v if isinstance(v, (list, tuple, set)) else [])):
            labels.setdefault(_skill_key(s), str(s).strip())
    labels.pop("", None)
    return _People(
        ids=ids, index=pd.Index(ids, dtype=object), names=names, team_ids=_obj(_column(people, "team_id", None)),
        weekly=np.clip(weekly, 0, None), availability=np.clip(avail, 0, 100), active=active, skills=skills,
        skill_labels=labels,
    )


@dataclass
class _Tasks:
    ids: np.ndarray
    names: np.ndarray
    project_ids: np.ndarray
    assignee_ids: np.ndarray
    person: np.ndarray         # index into people, -1 = none/unknown
    start: np.ndarray          # datetime64[D]
    finish: np.ndarray
    remaining: np.ndarray
    skills: np.ndarray         # casefolded required skill, "" = anyone
    skill_labels: dict[str, str]

    def take(self, rows: np.ndarray) -> _Tasks:
        return _Tasks(self.ids[rows], self.names[rows], self.project_ids[rows], self.assignee_ids[rows],
                      self.person[rows], self.start[rows], self.finish[rows], self.remaining[rows], self.skills[rows],
                      self.skill_labels)


TASK_COLUMNS = ["task_id", "project_id", "name", "assignee_id", "start", "finish", "estimate_hours", "percent_complete"]


def _prepare_tasks(tasks: pd.DataFrame, people: _People) -> _Tasks:
    tasks = _require(tasks, TASK_COLUMNS, "tasks")
    start = _to_days(tasks["start"], "start")
    finish = _to_days(tasks["finish"], "finish")
    finish = np.where(np.isnat(finish) | (finish < start), start, finish)
    assignees = _obj(tasks["assignee_id"])
    person = people.index.get_indexer(pd.Index(assignees, dtype=object)) if len(people) else np.full(len(tasks), -1)
    raw_skill = _column(tasks, "required_skill", "").tolist()
    labels: dict[str, str] = {}
    for s in raw_skill:
        key = _skill_key(s)
        if key:
            labels.setdefault(key, str(s).strip())
    return _Tasks(
        ids=_obj(tasks["task_id"]), names=_obj(tasks["name"]), project_ids=_obj(tasks["project_id"]),
        assignee_ids=assignees, person=np.asarray(person, dtype=np.int64), start=start, finish=finish,
        remaining=remaining_hours(pd.to_numeric(tasks["estimate_hours"], errors="coerce"),
                                  pd.to_numeric(tasks["percent_complete"], errors="coerce")),
        skills=np.array([_skill_key(s) for s in raw_skill], dtype=object), skill_labels=labels,
    )


# --- the spread -----------------------------------------------------------------------------------------------


@dataclass
class _Grid:
    weeks: tuple[date, ...]
    labels: np.ndarray         # object, per week
    bounds: np.ndarray         # datetime64[D], W + 1 Mondays
    cal: np.busdaycalendar
    today: np.datetime64       # first working day on or after today
    working_days: np.ndarray   # per week

    @property
    def n(self) -> int:
        return len(self.weeks)


def _grid(horizon_start: date, weeks: int, holidays: Iterable[date] | None, today: date) -> _Grid:
    if int(weeks) < 1:
        raise ValidationError("The horizon needs at least one week", field="weeks")
    first = _np_day(week_start(horizon_start))
    bounds = first + 7 * np.arange(int(weeks) + 1)
    monday = tuple(_as_date(b) for b in bounds[:-1])
    cal = _calendar(holidays)
    return _Grid(
        weeks=monday, labels=np.array([iso_label(m) for m in monday], dtype=object), bounds=bounds, cal=cal,
        today=np.busday_offset(_np_day(today), 0, roll="forward", busdaycal=cal),
        working_days=np.busday_count(bounds[:-1], bounds[1:], busdaycal=cal),
    )


def _spread(start: np.ndarray, finish: np.ndarray, remaining: np.ndarray, grid: _Grid) -> np.ndarray:
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


def _days_off(time_off: pd.DataFrame | None, people: _People, grid: _Grid) -> np.ndarray:
    """Working days off per person and week; overlapping ranges count once."""
    n_p, n_w = len(people), grid.n
    off = np.zeros((n_p, n_w), dtype=np.int64)
    time_off = _require(time_off, ["person_id", "start", "end"], "time off")
    if time_off.empty or n_p == 0:
        return off
    pidx = people.index.get_indexer(pd.Index(_obj(time_off["person_id"]), dtype=object))
    s = _to_days(time_off["start"], "start")
    e = _to_days(time_off["end"], "end")
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

    def build(self, columns: list[str], grid: _Grid, person_ids: np.ndarray | None = None) -> pd.DataFrame:
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
            data["person_id"] = _id_array(person_ids[cat.pop("person_idx").astype(np.int64)])
        for k in ("source_id", "project_id", "operation_id", "assignee_id"):
            if k in cat:
                data[k] = _id_array(cat.pop(k))
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

    Returns
    -------
    Workload
        See :class:`Workload` for the frames and their columns; the formulas are in the module docstring.

    Raises
    ------
    ValidationError
        A required column is missing, a date cannot be read, ``weeks`` < 1, a cadence is unknown or people ids repeat.
    """
    grid = _grid(horizon_start, weeks, holidays, today)
    ppl = _prepare_people(people)
    n_p, n_w = len(ppl), grid.n
    contrib, unassigned = _Parts(), _Parts()
    change = np.zeros(n_p * n_w)
    run = np.zeros(n_p * n_w)

    # change work
    tk = _prepare_tasks(tasks, ppl)
    live = tk.remaining > EPS
    no_date = live & np.isnat(tk.start)
    unscheduled = pd.DataFrame({
        "task_id": _id_array(tk.ids[no_date]), "name": tk.names[no_date],
        "project_id": _id_array(tk.project_ids[no_date]), "assignee_id": _id_array(tk.assignee_ids[no_date]),
        "remaining_hours": tk.remaining[no_date],
    }, columns=UNSCHEDULED_COLUMNS)
    tk = tk.take(np.flatnonzero(live & ~no_date))
    hours = _spread(tk.start, tk.finish, tk.remaining, grid)
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
    ops = _require(operations, ["id", "name", "team_id", "demand_hours_per_week"], "operations")
    op_active = _column(ops, "active", True).fillna(True).astype(bool).to_numpy()
    inactive_ops = set(_obj(ops["id"])[~op_active].tolist())
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
        "person_id": _id_array(np.repeat(ppl.ids, n_w)),
        "week": np.tile(np.array(grid.weeks, dtype=object), n_p),
        "week_label": np.tile(grid.labels, n_p),
        "change_hours": change_m.ravel(), "run_hours": run_m.ravel(), "load": load.ravel(),
        "capacity": capacity.ravel(), "full_capacity": full.ravel(),
        "free": np.clip(capacity - load, 0, None).ravel(), "excess": np.clip(load - capacity, 0, None).ravel(),
        "utilisation": util.ravel(), "over": (load > capacity + EPS).ravel(),
    }, columns=CELL_COLUMNS)
    return Workload(
        cells=cells,
        contributions=contrib.build(CONTRIBUTION_COLUMNS, grid, ppl.ids),
        unassigned=unassigned.build(UNASSIGNED_COLUMNS, grid),
        unscheduled=unscheduled,
        weeks=grid.weeks,
        today=today,
        holidays=frozenset(_as_date(d) for d in grid.cal.holidays),
    )


def _recurring_demand(recurring: pd.DataFrame | None, inactive_ops: set, ppl: _People, grid: _Grid,
                      run: np.ndarray, contrib: _Parts, unassigned: _Parts) -> None:
    rec = _require(recurring, ["id", "operation_id", "name", "cadence", "hours", "assignee_id", "anchor"], "recurring")
    if rec.empty:
        return
    anchors = _to_days(rec["anchor"], "anchor")
    hours = np.nan_to_num(pd.to_numeric(rec["hours"], errors="coerce").to_numpy(float), nan=0.0)
    ids, op_ids, names = _obj(rec["id"]), _obj(rec["operation_id"]), _obj(rec["name"])
    assignees = _obj(rec["assignee_id"])
    pidx = ppl.index.get_indexer(pd.Index(assignees, dtype=object)) if len(ppl) else np.full(len(rec), -1)
    first, last = grid.bounds[0], grid.bounds[-1] - 1
    row_list, week_list = [], []
    for i, cadence in enumerate(rec["cadence"].tolist()):
        if hours[i] <= 0 or np.isnat(anchors[i]) or op_ids[i] in inactive_ops:
            continue
        days = _occurrences(cadence, anchors[i], first, last)
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


def _operation_demand(ops: pd.DataFrame, ppl: _People, grid: _Grid, run: np.ndarray, contrib: _Parts,
                      unassigned: _Parts) -> None:
    demand = np.nan_to_num(pd.to_numeric(ops["demand_hours_per_week"], errors="coerce").to_numpy(float), nan=0.0)
    weekly = grid.working_days / 5.0
    all_weeks = np.arange(grid.n)
    team_of = pd.Series(ppl.team_ids, dtype=object)
    for op_id, name, team, hours in zip(_obj(ops["id"]), _obj(ops["name"]), _obj(ops["team_id"]), demand,
                                        strict=True):
        if hours <= 0:
            continue
        per_week = hours * weekly
        keep = per_week > EPS
        members = (np.flatnonzero(team_of.eq(team).to_numpy(bool) & ppl.active) if team is not None
                   else np.array([], dtype=np.int64))
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


def _matrices(workload: Workload) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person ids in cell order, load P×W, capacity P×W)."""
    cells = workload.cells
    n_w = len(workload.weeks)
    ids = _obj(cells["person_id"].iloc[::n_w]) if len(cells) else np.array([], dtype=object)
    return ids, cells["load"].to_numpy(float).reshape(-1, n_w), cells["capacity"].to_numpy(float).reshape(-1, n_w)


def _cell_names(workload: Workload) -> dict[tuple[Any, str], list[str]]:
    """(person_id, week_label) -> names of the work in that cell, largest first."""
    con = workload.contributions
    rows = sorted(zip(_obj(con["person_id"]).tolist(), con["week_label"].tolist(), con["hours"].tolist(),
                      con["name"].astype(str).tolist(), strict=True), key=lambda r: (-r[2], r[3]))
    names: dict[tuple[Any, str], list[str]] = {}
    for pid, label, _hours, name in rows:
        names.setdefault((pid, label), []).append(name)
    return names


def over_allocations(workload: Workload) -> pd.DataFrame:
    """Over-allocated person-weeks, worst first (then by week).

    Returns ``person_id, week, week_label, load, capacity, excess (= load − capacity), tasks`` where ``tasks`` lists
    the names of the work in that cell (change and run), largest first.
    """
    cells = workload.cells
    over = cells.loc[cells["over"], ["person_id", "week", "week_label", "load", "capacity", "excess"]]
    if over.empty:
        return pd.DataFrame(columns=OVER_COLUMNS)
    names = _cell_names(workload)
    keys = zip(_obj(over["person_id"]).tolist(), over["week_label"].tolist(), strict=True)
    over = over.assign(tasks=[names.get(k, []) for k in keys])
    over = over.sort_values(["excess", "week_label"], ascending=[False, True], kind="stable")
    return over.reset_index(drop=True)[OVER_COLUMNS]


def _reassign_targets(rows: np.ndarray, old: np.ndarray, tk: _Tasks, ppl: _People,
                      free: np.ndarray) -> list[tuple[int, float] | None]:
    """Per task: (best person index, room left in the tightest week) or None. See :func:`suggest_fixes`."""
    skill_masks: dict[str, np.ndarray] = {}
    out: list[tuple[int, float] | None] = []
    for r, h in zip(rows, old, strict=True):
        skill = tk.skills[r]
        if skill not in skill_masks:
            skill_masks[skill] = ppl.active & np.array([not skill or skill in s for s in ppl.skills], dtype=bool)
        need = h > EPS
        slack = (free[:, need] - h[need]).min(axis=1) if need.any() else np.full(len(ppl), np.inf)
        fits = skill_masks[skill] & (slack >= -EPS)
        fits[tk.person[r]] = False
        if fits.any():
            cand = np.flatnonzero(fits)
            best = cand[np.argmax(slack[cand])]  # argmax keeps the first of equals: people order
            out.append((int(best), float(slack[best])))
        else:
            out.append(None)
    return out


def _best_shifts(pairs: np.ndarray, excess: np.ndarray, k_max: np.ndarray, rows: np.ndarray, old: np.ndarray,
                 tk: _Tasks, grid: _Grid, load: np.ndarray, cap: np.ndarray, chunk: int = 100_000
                 ) -> list[tuple[int, float] | None]:
    """Per (task position, person, week) pair: (smallest k with the largest relief, relief) or None.

    ``pairs`` columns: position in ``rows``/``old``, person index, week index. All k of one pair are evaluated at
    once: the task's spread moved by k working days replaces its current spread in the person's load.
    """
    result: list[tuple[int, float] | None] = [None] * len(pairs)
    # shifted spreads per task position: block offset[t] .. offset[t] + k_max[t]
    offset = np.concatenate([[0], np.cumsum(k_max)[:-1]]).astype(np.int64)
    total = int(k_max.sum())
    if total == 0:
        return result
    t_of = np.repeat(np.arange(len(k_max)), k_max)
    ks = np.arange(total) - np.repeat(offset, k_max) + 1
    src = rows[t_of]
    starts = np.busday_offset(tk.start[src], ks, roll="forward", busdaycal=grid.cal)
    finishes = np.busday_offset(tk.finish[src], ks, roll="forward", busdaycal=grid.cal)
    new = _spread(starts, finishes, tk.remaining[src], grid)
    pair_k = k_max[pairs[:, 0]]
    todo = np.flatnonzero(pair_k > 0)
    # chunks of pairs so that the expanded (pair, k) rows stay below `chunk`
    bounds_ = np.searchsorted(np.cumsum(pair_k[todo]), np.arange(chunk, int(pair_k[todo].sum()) + chunk, chunk))
    start_i = 0
    for stop_i in [*bounds_.tolist(), len(todo)]:
        sel = todo[start_i:stop_i]
        start_i = max(start_i, stop_i)
        if len(sel) == 0:
            continue
        kk = pair_k[sel]
        which = np.repeat(np.arange(len(sel)), kk)
        k_in = np.arange(int(kk.sum())) - np.repeat(np.cumsum(kk) - kk, kk)
        t, p, w = pairs[sel, 0][which], pairs[sel, 1][which], pairs[sel, 2][which]
        new_rows = new[offset[t] + k_in]
        new_load = load[p] - old[t] + new_rows
        no_harm = (new_load <= np.maximum(cap[p], load[p]) + EPS).all(axis=1)
        relief = np.minimum(excess[sel][which], old[t, w] - new_rows[np.arange(len(w)), w])
        good = no_harm & (relief > EPS)
        score = np.where(good, relief, -np.inf)
        firsts = np.cumsum(kk) - kk
        top = np.maximum.reduceat(score, firsts)
        pick = good & (score >= top[which] - 1e-6)
        first_k = np.minimum.reduceat(np.where(pick, k_in, np.iinfo(np.int64).max), firsts)
        for j, (best, k0) in enumerate(zip(top, first_k, strict=True)):
            if np.isfinite(best):
                result[int(sel[j])] = (int(k0) + 1, float(best))
    return result


def suggest_fixes(
    workload: Workload,
    tasks: pd.DataFrame,
    people: pd.DataFrame,
    float_days: Mapping[Any, int],
    holidays: Iterable[date] | None = None,
    *,
    max_per_cell: int = 3,
    person_ids: Iterable[Any] | None = None,
    weeks: Iterable[date] | None = None,
) -> pd.DataFrame:
    """Ways to relieve each over-allocated person-week, best first within a cell.

    For every over-allocated cell (person p, week w, excess E) and every change task assigned to p with hours h_w in w:

    * ``reassign``: the task goes to another active person who has its ``required_skill`` (empty = anyone) and
      free capacity (capacity − load) ≥ the task's hours in EVERY horizon week it falls in. Among those, the one
      with the most room left in the tightest week (ties: people-frame order). Relieves min(E, h_w).
    * ``shift``: the task starts k working days later, 1 ≤ k ≤ its total float (``float_days``, missing = 0), so the
      project finish does not move. p's load is recomputed with the moved task (same spread rule, so an in-progress
      task keeps starting today and only its finish moves); k is accepted if no week of p becomes over-allocated or
      more over-allocated than now, and week w gets lighter. Relieves min(E, h_w − h'_w); the smallest k with the
      largest relief is proposed (ideally the whole excess). k is tried only while the task still touches the horizon.

    Suggestions of a cell are ranked by relieves_hours (desc), then kind, task id; at most ``max_per_cell`` per
    cell. Each is judged alone against the current plan: after applying one, recompute before the next. Only the
    horizon weeks are checked.

    Parameters
    ----------
    workload
        From :func:`compute_load` on the same ``tasks`` and ``people``.
    tasks, people
        As for :func:`compute_load` (``tasks.required_skill`` optional).
    float_days
        task_id -> total float in working days (from the schedule).
    holidays
        The calendar; defaults to the holidays the workload was computed with.
    max_per_cell
        At most this many suggestions per over-allocated person-week.
    person_ids, weeks
        Only suggest for these people / these weeks (Mondays); default all. Candidates for a reassignment are
        still everybody.

    Returns
    -------
    DataFrame
        ``kind ('reassign'|'shift'), task_id, task_name, project_id, from_person_id, to_person_id (reassign),
        shift_days (shift), new_start, new_finish (shift), week, week_label, excess_hours, relieves_hours,
        explanation``; ordered by week, then person (people order), then rank.
    """
    hol = workload.holidays if holidays is None else holidays
    grid = _grid(workload.horizon_start, len(workload.weeks), hol, workload.today)
    ppl = _prepare_people(people)
    ids, load, cap = _matrices(workload)
    if len(ids) != len(ppl) or any(a != b for a, b in zip(ids.tolist(), ppl.ids.tolist(), strict=True)):
        raise ValidationError("suggest_fixes needs the same people as compute_load", field="people")
    free = np.clip(cap - load, 0, None)
    over = load > cap + EPS
    if person_ids is not None:
        over &= ppl.index.isin(list(person_ids))[:, None]
    if weeks is not None:
        over &= np.isin(np.array(workload.weeks, dtype=object), list(weeks))[None, :]
    if not over.any():
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)

    tk = _prepare_tasks(tasks, ppl)
    ok = (tk.remaining > EPS) & ~np.isnat(tk.start) & (tk.person >= 0)
    row_of = {tid: i for i, tid in enumerate(tk.ids.tolist()) if ok[i]}
    week_of = {w: i for i, w in enumerate(workload.weeks)}
    con = workload.contributions
    con = con[con["source"] == "task"]
    pcon = ppl.index.get_indexer(pd.Index(_obj(con["person_id"]), dtype=object)) if len(con) else []
    wcon = [week_of[w] for w in con["week"]]
    # (task row, person, week) for every change task in an over-allocated cell, largest contribution first
    found = sorted(
        ((row_of[tid], int(pi), wk, hours)
         for pi, wk, tid, hours in zip(pcon, wcon, _obj(con["source_id"]), con["hours"], strict=True)
         if pi >= 0 and tid in row_of and over[pi, wk]),
        key=lambda r: (r[2], r[1], -r[3], str(tk.ids[r[0]])),
    )
    if not found:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    rows = np.array(sorted({f[0] for f in found}), dtype=np.int64)
    pos = {r: i for i, r in enumerate(rows.tolist())}
    old = _spread(tk.start[rows], tk.finish[rows], tk.remaining[rows], grid)
    targets = _reassign_targets(rows, old, tk, ppl, free)
    horizon_end = grid.bounds[-1]
    reach = np.busday_count(np.minimum(tk.start[rows], grid.today), horizon_end, busdaycal=grid.cal) + 1
    floats = np.array([int(float_days.get(tk.ids[r], 0) or 0) for r in rows], dtype=np.int64)
    k_max = np.clip(np.minimum(floats, reach), 0, None)
    pairs = np.array([(pos[r], p, w) for r, p, w, _h in found], dtype=np.int64)
    excess = load[pairs[:, 1], pairs[:, 2]] - cap[pairs[:, 1], pairs[:, 2]]
    shifts = _best_shifts(pairs, excess, k_max, rows, old, tk, grid, load, cap)

    # rank light candidates per cell first; only the kept ones get dates and an explanation
    cells: dict[tuple[int, int], list[tuple[float, str, str, int, int, int, float, Any]]] = {}
    for (t, p, w), e, shift in zip(pairs.tolist(), excess.tolist(), shifts, strict=True):
        out = cells.setdefault((w, p), [])
        tid = str(tk.ids[rows[t]])
        if targets[t] is not None:
            relief = min(e, float(old[t, w]))
            out.append((-round(relief, 9), "reassign", tid, t, p, w, relief, targets[t]))
        if shift is not None:
            out.append((-round(shift[1], 9), "shift", tid, t, p, w, shift[1], shift[0]))
    rows_out: list[dict[str, Any]] = []
    for key in sorted(cells):
        for _rank, kind, _tid, t, p, w, relief, detail in sorted(cells[key], key=lambda c: c[:3])[:max_per_cell]:
            r = int(rows[t])
            name, who, label = tk.names[r], ppl.names[p], grid.labels[w]
            e = float(load[p, w] - cap[p, w])
            row = {"kind": kind, "task_id": tk.ids[r], "task_name": name, "project_id": tk.project_ids[r],
                   "from_person_id": ppl.ids[p], "to_person_id": None, "shift_days": None, "new_start": None,
                   "new_finish": None, "week": workload.weeks[w], "week_label": label, "excess_hours": e,
                   "relieves_hours": relief}
            if kind == "reassign":
                q, slack = detail
                skill = tk.skills[r]
                why = f"has the skill '{tk.skill_labels.get(skill, skill)}' and " if skill else ""
                row["to_person_id"] = ppl.ids[q]
                row["explanation"] = (
                    f"Reassign '{name}' from {who} to {ppl.names[q]}, who {why}has room for its hours in every week "
                    f"it falls in (at least {slack:.1f} h to spare); relieves {relief:.1f} h of {who}'s {e:.1f} h "
                    f"excess in {label}.")
            else:
                k = int(detail)
                new_start, new_finish = (_as_date(x) for x in np.busday_offset(
                    np.array([tk.start[r], tk.finish[r]]), k, roll="forward", busdaycal=grid.cal))
                row.update(shift_days=k, new_start=new_start, new_finish=new_finish)
                row["explanation"] = (
                    f"Move '{name}' {k} working day{'s' if k != 1 else ''} later (to {new_start:%d %b} – "
                    f"{new_finish:%d %b}): within its {int(floats[t])} days of total float, so the project finish "
                    f"does not move; relieves {relief:.1f} h of {who}'s {e:.1f} h excess in {label} without "
                    f"over-allocating {who} in another week.")
            rows_out.append(row)
    if not rows_out:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    result = pd.DataFrame(rows_out, columns=SUGGESTION_COLUMNS)
    for c in ("task_id", "project_id", "from_person_id", "to_person_id"):
        result[c] = _id_array(_obj(result[c]))
    result["shift_days"] = pd.array(_obj(result["shift_days"]), dtype="Int64")
    return result


def skills_demand_supply(workload: Workload, tasks: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Hours asked of each skill per week versus the capacity of the people who hold it.

    demand_hours = the spread remaining hours (assigned or not) of tasks whose ``required_skill`` is that skill;
    supply_hours = Σ capacity of the people holding the skill (a person with several skills counts fully for each).
    Skills match case-insensitively. Returns ``skill, week, week_label, demand_hours, supply_hours`` for every skill
    named by a task or a person and every week.
    """
    ppl = _prepare_people(people)
    ids, _, cap = _matrices(workload)
    cap_by_id = dict(zip(ids.tolist(), cap, strict=True))
    n_w = len(workload.weeks)
    tasks = _require(tasks, ["task_id"], "tasks")
    skill_of = dict(zip(_obj(tasks["task_id"]).tolist(),
                        [_skill_key(s) for s in _column(tasks, "required_skill", "").tolist()], strict=True))
    labels = dict(ppl.skill_labels)
    for s in _column(tasks, "required_skill", "").tolist():
        if _skill_key(s):
            labels.setdefault(_skill_key(s), str(s).strip())
    skills = sorted(labels)
    if not skills:
        return pd.DataFrame(columns=SKILL_COLUMNS)
    s_index = {s: i for i, s in enumerate(skills)}
    week_of = {w: i for i, w in enumerate(workload.weeks)}
    demand = np.zeros((len(skills), n_w))
    for frame in (workload.contributions, workload.unassigned):
        part = frame[frame["source"] == "task"]
        for tid, wk, hrs in zip(_obj(part["source_id"]), part["week"], part["hours"], strict=True):
            key = skill_of.get(tid, "")
            if key:
                demand[s_index[key], week_of[wk]] += hrs
    supply = np.zeros((len(skills), n_w))
    for pid, held in zip(ppl.ids.tolist(), ppl.skills, strict=True):
        if pid in cap_by_id:
            for s in held:
                supply[s_index[s]] += cap_by_id[pid]
    return pd.DataFrame({
        "skill": np.repeat(np.array([labels[s] for s in skills], dtype=object), n_w),
        "week": np.tile(np.array(workload.weeks, dtype=object), len(skills)),
        "week_label": np.tile(np.array([iso_label(w) for w in workload.weeks], dtype=object), len(skills)),
        "demand_hours": demand.ravel(), "supply_hours": supply.ravel(),
    }, columns=SKILL_COLUMNS)


def team_totals(workload: Workload, people: pd.DataFrame) -> pd.DataFrame:
    """Cells summed per team and week: ``team_id, week, week_label, change_hours, run_hours, load, capacity,
    full_capacity, utilisation`` (load / capacity, NaN when capacity is 0). People without a team form a group
    with a missing ``team_id``. Unassigned demand is in no team.
    """
    people = _require(people, ["id"], "people")
    team = dict(zip(_obj(people["id"]).tolist(), _obj(_column(people, "team_id", None)).tolist(), strict=True))
    cells = workload.cells
    if cells.empty:
        return pd.DataFrame(columns=TEAM_COLUMNS)
    frame = cells.assign(team_id=_id_array(np.array([team.get(p) for p in _obj(cells["person_id"])], dtype=object)))
    sums = ["change_hours", "run_hours", "load", "capacity", "full_capacity"]
    out = frame.groupby(["team_id", "week", "week_label"], dropna=False, sort=True)[sums].sum().reset_index()
    cap = out["capacity"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["utilisation"] = np.where(cap > 0, out["load"].to_numpy(float) / np.where(cap > 0, cap, 1.0), np.nan)
    return out[TEAM_COLUMNS]


# --- benchmark ------------------------------------------------------------------------------------------------


def _bench_data(n_people: int, n_tasks: int, weeks: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 5)
    first = _np_day(start)
    skills = [f"skill{i}" for i in range(12)]
    n_teams = max(1, n_people // 20)
    people = pd.DataFrame({
        "id": np.arange(1, n_people + 1), "name": [f"Person {i}" for i in range(1, n_people + 1)],
        "team_id": rng.integers(1, n_teams + 1, n_people),
        "weekly_hours": rng.choice([40.0, 40.0, 32.0, 20.0], n_people),
        "availability": rng.choice([80.0, 100.0, 60.0], n_people),
        "skills": [sorted(set(rng.choice(skills, 2).tolist())) for _ in range(n_people)],
    })
    t_start = first + rng.integers(-10, 7 * weeks, n_tasks)
    t_finish = np.busday_offset(t_start, rng.integers(0, 20, n_tasks), roll="forward")
    assignee = rng.integers(1, n_people + 1, n_tasks).astype(object)
    assignee[rng.random(n_tasks) < 0.05] = None
    tasks = pd.DataFrame({
        "task_id": np.arange(1, n_tasks + 1), "project_id": rng.integers(1, 200, n_tasks),
        "name": [f"Task {i}" for i in range(1, n_tasks + 1)], "assignee_id": assignee,
        "start": t_start.astype(object), "finish": t_finish.astype(object),
        "estimate_hours": rng.integers(2, 31, n_tasks).astype(float),  # load ≈ capacity on average
        "percent_complete": rng.choice([0.0, 0.0, 25.0, 50.0, 100.0], n_tasks),
        "required_skill": rng.choice(skills + [""] * 6, n_tasks),
    })
    off_start = first + rng.integers(0, 7 * weeks, n_people * 2)
    time_off = pd.DataFrame({
        "person_id": rng.integers(1, n_people + 1, n_people * 2), "start": off_start.astype(object),
        "end": (off_start + rng.integers(0, 10, n_people * 2)).astype(object),
    })
    n_ops = max(1, n_teams)
    operations = pd.DataFrame({"id": np.arange(1, n_ops + 1), "name": [f"Op {i}" for i in range(1, n_ops + 1)],
                               "team_id": np.arange(1, n_ops + 1), "demand_hours_per_week": 20.0})
    n_rec = max(1, n_people // 2)
    recurring = pd.DataFrame({
        "id": np.arange(1, n_rec + 1), "operation_id": rng.integers(1, n_ops + 1, n_rec),
        "name": [f"Chore {i}" for i in range(1, n_rec + 1)],
        "cadence": rng.choice(["weekly", "monthly", "quarterly"], n_rec), "hours": 2.0,
        "assignee_id": rng.integers(1, n_people + 1, n_rec),
        "anchor": (first + rng.integers(-60, 60, n_rec)).astype(object),
    })
    holidays = {date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25)}
    return {"tasks": tasks, "people": people, "time_off": time_off, "holidays": holidays, "recurring": recurring,
            "operations": operations, "horizon_start": start, "weeks": weeks, "today": start}


def bench(n_people: int = 500, n_tasks: int = 30000, weeks: int = 26) -> float:
    """Seconds :func:`compute_load` takes on generated data of the given size (data generation not timed)."""
    data = _bench_data(n_people, n_tasks, weeks)
    t0 = time.perf_counter()
    compute_load(**data)
    return time.perf_counter() - t0


if __name__ == "__main__":  # python -m worksmith.workload
    data = _bench_data(500, 30000, 26)
    t0 = time.perf_counter()
    wl = compute_load(**data)
    t1 = time.perf_counter()
    over = over_allocations(wl)
    t2 = time.perf_counter()
    floats = {tid: 5 for tid in data["tasks"]["task_id"].tolist()}
    fixes = suggest_fixes(wl, data["tasks"], data["people"], floats)
    t3 = time.perf_counter()
    print(f"compute_load 500 people × 26 weeks, 30,000 tasks: {t1 - t0:.3f} s "
          f"({len(wl.contributions):,} contributions)")
    print(f"over_allocations: {t2 - t1:.3f} s ({len(over):,} over-allocated person-weeks)")
    print(f"suggest_fixes: {t3 - t2:.3f} s ({len(fixes):,} suggestions)")
