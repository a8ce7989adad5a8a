"""Budgets, earned value per project: :func:`evm_of` for one project (the Budgets project view, with the frames its
chart needs) and :func:`project_rows` for every project at once (Budgets organisation, value and ROI, Overview,
the budget report), built from :mod:`worksmith.domain.evm_all` on arrays over all projects' rows — the same
figures, without pandas calls per project. Re-exported by :mod:`worksmith.views.budgets`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worksmith import fmt
from worksmith.domain.budget_plan import planned_to_date
from worksmith.domain.evm import (
    TASK_BUDGET_COLUMNS,
    actual_cost_to_date,
    bottom_up_etc,
    earned_value,
    ev_to_date,
    forecast_finish,
    task_budgets,
)
from worksmith.domain.evm_all import (
    baseline_finish,
    bottom_up_all,
    bottom_up_figures,
    cost_to_date,
    default_rates,
    earned_values,
    non_labour_left,
    percent_complete_all,
    task_budgets_all,
)
from worksmith.domain.sums import day_array, day_array_with_gaps, group_latest, group_sums
from worksmith.errors import ValidationError
from worksmith.values import is_missing
from worksmith.views.budget_data import BudgetData, owner_key

PV_METHOD = "Planned to date (PV) = the budget lines of past months in full, this month pro rata"


@dataclass
class Evm:
    """Earned value of one project today, with what it was computed from.

    :func:`evm_of` fills every field; :func:`project_rows` (every project at once) leaves the four frames
    ``baseline_tasks``, ``expenses``, ``time`` and ``lines`` empty: the portfolio reads only the figures."""

    bac: float
    pv: float
    ev: float
    ac: float
    metrics: dict[str, Any]
    method: str
    start: date
    planned_finish: date
    forecast_finish: date | None  # the schedule's (latest task finish), as on Projects; None without scheduled tasks
    ev_projection: date  # start + planned duration / SPI: named "earned-value projection" wherever shown
    today: date
    baseline_tasks: pd.DataFrame
    expenses: pd.DataFrame
    time: pd.DataFrame
    lines: pd.DataFrame  # the project's budget lines [month, planned]: PV(t) = planned to date
    bottom_up: dict[str, Any] = field(default_factory=dict)  # evm.bottom_up_etc + "eac"


def _percent_complete(tasks: pd.DataFrame) -> float:
    """Overall % complete (0–100): weighted by estimate hours, by duration when there are none."""
    if tasks.empty:
        return 0.0
    weight = tasks["estimate_hours"].astype(float)
    if weight.sum() <= 0:
        weight = tasks["duration_days"].astype(float)
    if weight.sum() <= 0:
        return float(tasks["percent_complete"].astype(float).mean())
    return float((weight * tasks["percent_complete"].astype(float)).sum() / weight.sum())


def _bottom_up(data: BudgetData, owner: str, at: np.ndarray, ac: float, closed: bool) -> dict[str, Any]:
    """Bottom-up ETC and EAC of a project (``evm.bottom_up_etc``) from its tasks (row positions ``at``), rates,
    lines and costs; nothing left to do on a closed (done or cancelled) project."""
    rates = data.task_rates[at]
    known = rates[~np.isnan(rates)]
    default = float(known.mean()) if len(known) else float(data.rates.mean()) if len(data.rates) else 0.0
    all_planned, all_actual = data.non_labour
    planned, actual = all_planned.get(owner, {}), all_actual.get(owner, {})
    cats = [] if closed else sorted(set(planned) | set(actual))
    non_labour = pd.DataFrame({"category": cats, "planned": [float(planned.get(c, 0.0)) for c in cats],
                               "actual": [float(actual.get(c, 0.0)) for c in cats]})
    out = bottom_up_etc(pd.DataFrame({"estimate_hours": data.task_column("estimate_hours")[at],
                                      "percent_complete": data.task_column("percent_complete")[at],
                                      "cost_rate": rates}),
                        non_labour, default_rate=default)
    out["eac"] = ac + out["etc"]
    out["default_rate"] = default
    return out


def evm_of(data: BudgetData, project: Mapping[str, Any]) -> Evm:
    pid, today = int(project["id"]), data.today
    owner = owner_key("project", pid)
    lines = data.of(data.lines, owner)
    bac = float(project["budget"] or 0) or float(lines["planned"].sum())
    at = data.task_positions.get(pid, np.zeros(0, dtype=np.int64))
    baseline = data.baselines.get(pid)
    tb = task_budgets(baseline["snapshot"] or {}, bac) if baseline else pd.DataFrame(columns=TASK_BUDGET_COLUMNS)
    if tb["budget"].sum() > 0:
        pct = dict(zip(data.task_column("id")[at].astype(int).tolist(),
                       data.task_column("percent_complete")[at].astype(float).tolist(), strict=True))
        ids = tb["task_id"].tolist()
        ev = ev_to_date(pd.DataFrame({"task_id": ids, "budget": tb["budget"].to_numpy(),
                                        "percent_complete": [pct.get(t, 0.0) for t in ids]}))
        dated = [f for st, f in zip(tb["start"].tolist(), tb["finish"].tolist(), strict=True)
                 if st is not None and f is not None and f >= st]
        method = (f"{PV_METHOD}; EV from the baseline '{baseline['name']}' of {fmt.day(baseline['taken_at'])}: "
                  "each task's budget is its share of BAC by baseline estimate hours")
        planned_finish = max(dated) if dated else None
    else:
        ev = ev_to_date(pd.DataFrame({"task_id": [], "budget": [], "percent_complete": []}), bac=bac,
                          percent_complete=_percent_complete(data.tasks_by_project.get(pid, data.tasks.iloc[:0])))
        method = f"{PV_METHOD}; no baseline with estimates: EV = overall % complete × BAC"
        planned_finish = None
    start = project["start"] if pd.notna(project["start"]) else (min(lines["month"]) if len(lines) else today)
    if planned_finish is None:
        planned_finish = project["target_end"] if pd.notna(project["target_end"]) else start
    planned_finish = max(planned_finish, start)
    pv = float(planned_to_date(lines, today, None).sum())
    exp = data.of(data.expenses, owner, ("day", "amount"))
    time = data.of(data.labour, owner, ("day", "hours", "cost_rate"))
    ac = float(actual_cost_to_date(exp, time, today))
    metrics = earned_value(bac, pv, ev, ac)
    done = bac > 0 and metrics["EV"] >= bac
    finishes = [f for f in data.task_column("finish_date")[at].tolist() if not is_missing(f)]
    schedule = max(finishes) if finishes else None  # no plan yet: "—", as on Projects
    closed = project["status"] in ("done", "cancelled")
    if closed:
        projection = schedule or planned_finish
    else:
        projection = today if done else forecast_finish(start, planned_finish, metrics["SPI"], today)
    bottom_up = _bottom_up(data, owner, at[:0] if closed else at, ac, closed)
    return Evm(bac, pv, metrics["EV"], ac, metrics, method, start, planned_finish, schedule, projection, today,
               tb, exp, time, lines[["month", "planned"]], bottom_up)


# --- every project at once ------------------------------------------------------------------------------------

_NO_TASKS = pd.DataFrame(columns=TASK_BUDGET_COLUMNS)  # the empty frames of project_rows' Evm (read only)
_NO_COSTS = {name: pd.DataFrame(columns=list(cols)) for name, cols in
             (("expenses", ("day", "amount")), ("time", ("day", "hours", "cost_rate")),
              ("lines", ("month", "planned")))}


@dataclass
class _Figures:
    """Per project (by position in ``data.projects``): the arrays project_rows reads, and ``exact``: False where a
    value needs the one-project path (it names a bad value, or takes the row-by-row route)."""

    exact: np.ndarray
    bac: np.ndarray
    pv: np.ndarray
    ev: np.ndarray
    ac: np.ndarray
    has_budget: np.ndarray
    baseline_end: np.ndarray
    first_month: np.ndarray
    schedule: np.ndarray
    hours: np.ndarray
    labour: np.ndarray
    default_rate: np.ndarray


def project_rows(data: BudgetData, statuses: Collection[str] | None = None) -> list[tuple[Mapping[str, Any], Evm]]:
    """(project record, Evm) for every project in ``data.projects`` order (only those with one of ``statuses`` when
    given: a project's figures do not depend on the others): :func:`evm_of`'s figures, computed for all projects at
    once; the Evm frames are empty (see :class:`Evm`). A project whose values the arrays cannot take goes through
    :func:`evm_of` (which names a bad value)."""
    projects = [p for p in data.projects.to_dict("records") if statuses is None or p["status"] in statuses]
    figures = _figures(data, projects) if projects else None
    if figures is None:
        return [(p, evm_of(data, p)) for p in projects]
    rest = _non_labour(data, projects, figures.exact)
    return [(p, _evm_from(data, p, i, figures, rest[i]) if figures.exact[i] else evm_of(data, p))
            for i, p in enumerate(projects)]


def _evm_from(data: BudgetData, project: Mapping[str, Any], i: int, f: _Figures, rest: float) -> Evm:
    """The Evm of project ``i`` from the arrays: evm_of's scalar steps."""
    today = data.today
    bac, pv, ev, ac = float(f.bac[i]), float(f.pv[i]), float(f.ev[i]), float(f.ac[i])
    if f.has_budget[i]:
        baseline = data.baselines[int(project["id"])]
        method = (f"{PV_METHOD}; EV from the baseline '{baseline['name']}' of {fmt.day(baseline['taken_at'])}: "
                  "each task's budget is its share of BAC by baseline estimate hours")
        planned_finish = None if np.isnat(f.baseline_end[i]) else f.baseline_end[i].item()
    else:
        method = f"{PV_METHOD}; no baseline with estimates: EV = overall % complete × BAC"
        planned_finish = None
    start = project["start"] if pd.notna(project["start"]) else (
        today if np.isnat(f.first_month[i]) else f.first_month[i].item())
    if planned_finish is None:
        planned_finish = project["target_end"] if pd.notna(project["target_end"]) else start
    planned_finish = max(planned_finish, start)
    metrics = earned_value(bac, pv, ev, ac)
    done = bac > 0 and metrics["EV"] >= bac
    schedule = None if np.isnat(f.schedule[i]) else f.schedule[i].item()
    closed = project["status"] in ("done", "cancelled")
    if closed:
        projection = schedule or planned_finish
    else:
        projection = today if done else forecast_finish(start, planned_finish, metrics["SPI"], today)
    bottom_up = bottom_up_figures(float(f.hours[i]), float(f.labour[i]), rest)
    bottom_up["eac"] = ac + bottom_up["etc"]
    bottom_up["default_rate"] = float(f.default_rate[i])
    return Evm(bac, pv, metrics["EV"], ac, metrics, method, start, planned_finish, schedule, projection, today,
               _NO_TASKS, _NO_COSTS["expenses"], _NO_COSTS["time"], _NO_COSTS["lines"], bottom_up)


def _non_labour(data: BudgetData, projects: list[dict], exact: np.ndarray) -> list[float]:
    """Per project the non-labour budget left (0 when closed), as evm_of's bottom-up takes it."""
    all_planned, all_actual = data.non_labour
    out: list[float] = []
    for i, p in enumerate(projects):
        owner = owner_key("project", p["id"])
        planned, actual = all_planned.get(owner, {}), all_actual.get(owner, {})
        cats = [] if p["status"] in ("done", "cancelled") else sorted(set(planned) | set(actual))
        try:
            out.append(non_labour_left([float(planned.get(c, 0.0)) for c in cats],
                                       [float(actual.get(c, 0.0)) for c in cats]))
        except ValidationError:
            exact[i] = False
            out.append(0.0)
    return out


def _finite(values: Any, low: float = 0.0, high: float = np.inf) -> np.ndarray:
    values = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values >= low) & (values <= high)


def _figures(data: BudgetData, projects: list[dict]) -> _Figures | None:
    """The arrays of every project; None when a whole table needs the one-project path (a day that is not a date)."""
    n, today = len(projects), data.today
    index = pd.Index([owner_key("project", p["id"]) for p in projects])
    exact = np.ones(n, dtype=bool)

    def rows(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        at = index.get_indexer(df["owner"]) if len(df) else np.zeros(0, dtype=np.int64)
        return df[at >= 0], at[at >= 0]

    def spoil(at: np.ndarray, ok: np.ndarray) -> None:
        exact[at[~ok]] = False

    li = index.get_indexer(data.lines["owner"]) if len(data.lines) else np.zeros(0, dtype=np.int64)
    mine = li >= 0
    lines, li = data.lines[mine], li[mine]
    months = day_array(lines["month"]) if data.line_months is None else data.line_months[mine]
    planned = lines["planned"].to_numpy(dtype="float64")
    if months is None:
        return None
    clean = _finite(planned)
    spoil(li, clean)
    amounts = planned_to_date(pd.DataFrame({"month": months, "planned": np.where(
        clean, planned, 0.0)}), today, None).to_numpy(dtype="float64") if len(lines) else np.zeros(0)
    line_total = group_sums(li, np.where(np.isnan(planned), 0.0, planned), n)
    bac = np.array([float(float(p["budget"] or 0) or line_total[i]) for i, p in enumerate(projects)])
    exact &= _finite(bac)
    bac = np.where(exact, bac, 0.0)

    ac = np.zeros(n)
    for df, kind in ((data.expenses, "amount"), (data.labour, "hours")):
        part, at = rows(df)
        days = day_array(part["day"])
        if days is None:
            return None
        if kind == "amount":
            amount = part["amount"].to_numpy(dtype="float64")
            spoil(at, _finite(amount) | np.isnan(amount))
            amount = np.where(_finite(amount), amount, 0.0)
        else:
            hours, rate = part["hours"].to_numpy(dtype="float64"), part["cost_rate"].to_numpy(dtype="float64")
            spoil(at, (_finite(hours) | np.isnan(hours)) & (_finite(rate) | np.isnan(rate)))
            amount = np.where(_finite(hours), hours, 0.0) * np.where(_finite(rate), rate, 0.0)
        ac = ac + cost_to_date(at, days, amount, today, n)  # expenses, then + labour: evm_of's order

    tasks = data.tasks
    ti = pd.Index([int(p["id"]) for p in projects]).get_indexer(tasks["project_id"])
    mine = ti >= 0
    ti = ti[mine]
    estimate, duration, pct = (tasks[c].to_numpy(dtype="float64")[mine]
                               for c in ("estimate_hours", "duration_days", "percent_complete"))
    rates = data.task_rates[mine] if len(tasks) else np.zeros(0)
    finish, ok = day_array_with_gaps(tasks["finish_date"].tolist())
    finish = finish[mine]
    spoil(ti, ok[mine])
    overall = percent_complete_all(ti, estimate, duration, pct, n)

    open_ = np.array([p["status"] not in ("done", "cancelled") for p in projects], dtype=bool)
    live = open_[ti]
    fallback = float(data.rates.mean()) if len(data.rates) else 0.0
    default = default_rates(ti[live], rates[live], n, fallback)
    price = np.where(np.isnan(rates), np.where(np.isnan(default), 0.0, default)[ti], rates)
    spoil(ti[live], ((_finite(estimate) | np.isnan(estimate)) & (_finite(pct, 0, 100) | np.isnan(pct))
                     & _finite(price))[live])
    hours, labour = bottom_up_all(ti[live], estimate[live], pct[live], rates[live], default)

    ev, has_budget, baseline_end = _earned(data, projects, tasks, exact, bac, overall)
    exact &= has_budget | _finite(overall, 0, 100)
    return _Figures(exact, bac, group_sums(li, amounts, n), ev, ac, has_budget, baseline_end,
                    group_latest(li, months, n, earliest=True), group_latest(ti, finish, n), hours, labour, default)


def _earned(data: BudgetData, projects: list[dict], tasks: pd.DataFrame, exact: np.ndarray, bac: np.ndarray,
            overall: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(EV, has a budgeted baseline, latest baseline finish) per project, from every baseline's snapshot."""
    n = len(projects)
    owner, keys, recs = [], [], []
    for i, p in enumerate(projects):
        baseline = data.baselines.get(int(p["id"]))
        if baseline:
            snapshot = baseline["snapshot"] or {}
            owner.extend([i] * len(snapshot))
            keys.extend(snapshot.keys())
            recs.extend(r or {} for r in snapshot.values())
    at = np.array(owner, dtype=np.int64)
    ids, sort_key, ok = _task_ids(keys)
    hours, ok_h = _numbers([r.get("estimate_hours") for r in recs])
    duration, ok_d = _numbers([r.get("duration") for r in recs])
    start, ok_s = _iso_days([r.get("start") for r in recs])
    finish, ok_f = _iso_days([r.get("finish") for r in recs])
    with np.errstate(all="ignore"):
        budget = task_budgets_all(at, hours, duration, bac)
    exact[at[~(ok & ok_h & ok_d & ok_s & ok_f & _finite(budget))]] = False
    pos = pd.Index(tasks["id"].to_numpy(dtype=np.int64)).get_indexer(ids)
    project_ids = np.array([int(p["id"]) for p in projects], dtype=np.int64)
    same = pos >= 0  # the baseline task is still a task of the same project: its current % complete, else 0
    same[same] = tasks["project_id"].to_numpy(dtype=np.int64)[pos[same]] == project_ids[at[same]]
    pct = np.zeros(len(at))
    pct[same] = tasks["percent_complete"].to_numpy(dtype="float64")[pos[same]]
    pct = np.where(np.isnan(pct), 0.0, pct)
    ev, has_budget = earned_values(at, budget, pct, start, sort_key, bac=bac,
                                   overall_pct=np.where(np.isnan(overall), 0.0, overall))
    exact[at[has_budget[at] & ~_finite(pct, 0, 100)]] = False
    return ev, has_budget, baseline_finish(at, start, finish, n)


def _task_ids(keys: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snapshot keys → (task id, -1 when the key is not a number; str(task id), the sort tie-break; ok)."""
    if all(type(k) is str and k for k in keys):
        joined = "".join(keys)
        if joined.isascii() and joined.isdigit():  # the usual snapshot: every key a task id in ASCII digits
            try:
                ids = np.fromiter(map(int, keys), dtype=np.int64, count=len(keys))
                return ids, ids.astype(str), np.ones(len(keys), dtype=bool)
            except OverflowError:
                pass  # beyond 64 bits: one by one below
    ids = np.full(len(keys), -1, dtype=np.int64)
    sort_key, ok = [], np.ones(len(keys), dtype=bool)
    for k, key in enumerate(keys):
        try:
            task_id = int(key) if str(key).lstrip("-").isdigit() else key
        except ValueError:
            ok[k], task_id = False, key
        if type(task_id) is int and abs(task_id) < 2**63:
            ids[k] = task_id
        sort_key.append(str(task_id))
    return ids, np.array(sort_key, dtype=str), ok


def _numbers(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot numbers → (floats, missing as 0; ok where finite and ≥ 0)."""
    try:
        if any(type(v) is str for v in values):
            raise ValueError("text: read one by one")
        out = np.array([np.nan if v is None else v for v in values], dtype="float64")
    except (TypeError, ValueError):
        out = np.full(len(values), np.nan)
        for k, v in enumerate(values):
            try:
                out[k] = np.nan if is_missing(v) else float(v)
            except (TypeError, ValueError):
                out[k] = -1.0
            if not is_missing(v) and not np.isfinite(out[k]):
                out[k] = -1.0  # "nan" or "inf" as text: to_number refuses it
    ok = _finite(out) | np.isnan(out)
    return np.where(ok & ~np.isnan(out), out, 0.0), ok


def _iso_days(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot dates (ISO text or dates) → (datetime64[D], NaT when missing; ok where parsed as to_date does)."""
    plain = [v if (type(v) is str and len(v) == 10) or type(v) is date or v is None else "bad" for v in values]
    try:
        days = np.array(plain, dtype="datetime64[D]")
    except ValueError:
        days = np.full(len(plain), np.datetime64("NaT"), dtype="datetime64[D]")
        for k, v in enumerate(plain):
            try:
                days[k] = np.datetime64(v, "D") if v is not None else np.datetime64("NaT")
            except ValueError:
                plain[k] = "bad"
    ok = np.isnat(days) == np.fromiter((v is None for v in plain), dtype=bool, count=len(plain))
    return days, ok
