"""Earned value: PV, EV and AC of a project, the EVM metrics and the forecast (DESIGN §3 "Budget / earned value").

Pure module: plain data in (DataFrames with the columns documented per function, dates, numbers), plain data out.
A number that cannot be computed (division by zero, overflow) is ``None`` — shown as "—" — never NaN or inf.

Formulas
--------
``BAC`` budget at completion (the project budget) · ``PV`` planned value to date (baseline) · ``EV`` earned value
· ``AC`` actual cost to date.

* ``PV(t)`` = **planned to date** (:func:`worksmith.domain.money.planned_to_date`, the one rule for every view):
  the project's budget lines of past months in full, the current month pro rata by calendar days. ``evm_series``
  takes the lines (``planned_lines``). :func:`planned_value_curve` (each baseline task's budget spread evenly over
  its working days) remains for baselines without budget lines; a task with no working day in its range (a
  milestone on a weekend) books its whole budget on its finish date.
* Task budget = ``BAC × baseline estimate hours / Σ baseline estimate hours`` (by baseline duration when no task
  has an estimate), :func:`task_budgets`. Without a usable baseline, PV spreads the budget lines over their months'
  working days (:func:`lines_baseline`).
* ``EV = Σ task % complete / 100 × task budget``; when no task has a budget, ``EV = overall % complete / 100 × BAC``.
* ``AC(t) = Σ expenses up to t + Σ hours × cost rate up to t`` (labour cost).
* ``CV = EV − AC``, ``SV = EV − PV``, ``CPI = EV / AC``, ``SPI = EV / PV``.
* ``EAC = AC + max(BAC − EV, 0) / CPI``, so a forecast never falls below what is already spent (work earned
  beyond BAC leaves nothing to do); with nothing spent (AC = 0) CPI is undefined and the forecast assumes the plan:
  ``EAC = BAC``. With money spent but nothing earned (EV = 0 < AC) CPI is 0 and EAC is undefined (``None``).
* ``ETC = EAC − AC``, ``VAC = BAC − EAC``, ``TCPI = (BAC − EV) / (BAC − AC)`` (``None`` when BAC = AC).
* **Bottom-up estimate to complete** (:func:`bottom_up_etc`), the forecast that responds to plan changes:
  ``ETC_bottom-up = Σ remaining hours × cost rate + Σ remaining non-labour budget``, remaining hours = estimate ×
  (1 − % complete), the rate the assignee's (unassigned: a default rate); remaining non-labour budget = per
  category, planned (all months) − spent, never below 0. ``EAC_bottom-up = AC + ETC_bottom-up``. The CPI-based EAC
  extrapolates past cost performance; the bottom-up one re-prices the work still in the plan.
* The **forecast finish** shown everywhere is the schedule's: the latest task finish date from the CPM. The
  **earned-value projection** (:func:`forecast_finish`) = project start + planned duration / SPI (calendar days),
  never before today; the planned finish when SPI is undefined or 0. It differs from the schedule because it
  assumes the remaining work goes at today's SPI, while the schedule uses the tasks' own dates and links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.evm_all import bottom_up_figures, non_labour_left
from worksmith.domain.evm_formulas import Formulas
from worksmith.domain.money import (
    add_months,
    checked_number,
    month_end,
    month_start,
    planned_to_date,
    require_columns,
    safe_div,
)
from worksmith.domain.money import (
    lines_baseline as lines_baseline,  # re-exported: it lives with the other budget-line arithmetic
)
from worksmith.domain.sums import clean_floats, cumulative, day_array, running_sum, within
from worksmith.errors import ValidationError
from worksmith.values import finite_or_none, is_missing, to_date

METRICS = ("BAC", "PV", "EV", "AC", "CV", "SV", "CPI", "SPI", "EAC", "ETC", "VAC", "TCPI")
EVM_COLUMNS = ["date", "point", "pv", "ev", "ac", "forecast"]
TASK_BUDGET_COLUMNS = ["task_id", "start", "finish", "estimate_hours", "budget"]


def earned_value(bac: float, pv: float, ev: float, ac: float) -> dict[str, Any]:
    """Earned-value metrics with the formula behind each one.

    Parameters
    ----------
    bac, pv, ev, ac : float
        Budget at completion, planned value, earned value and actual cost to date; finite and ≥ 0.

    Returns
    -------
    dict
        Keys ``BAC, PV, EV, AC`` (the inputs), ``CV, SV, CPI, SPI, EAC, ETC, VAC, TCPI`` (float or ``None`` when
        undefined — see the module docstring) and ``formulas``: metric → the formula with the numbers substituted,
        e.g. ``"CPI = EV / AC = 40,000 / 45,000 = 0.89"``.

    Raises
    ------
    ValidationError
        An input that is missing, not finite or negative.

    Examples
    --------
    >>> m = earned_value(100_000, 50_000, 40_000, 45_000)
    >>> m["EAC"], m["TCPI"] == 60_000 / 55_000
    (112500.0, True)
    """
    bac = checked_number(bac, "BAC", minimum=0)
    pv = checked_number(pv, "PV", minimum=0)
    ev = checked_number(ev, "EV", minimum=0)
    ac = checked_number(ac, "AC", minimum=0)
    m: dict[str, Any] = {"BAC": bac, "PV": pv, "EV": ev, "AC": ac}
    m["CV"] = finite_or_none(ev - ac)
    m["SV"] = finite_or_none(ev - pv)
    m["CPI"] = safe_div(ev, ac)
    m["SPI"] = safe_div(ev, pv)
    if ac == 0:
        m["EAC"] = bac
    else:
        remaining = safe_div(max(bac - ev, 0.0), m["CPI"])
        m["EAC"] = None if remaining is None else finite_or_none(ac + remaining)
    eac = m["EAC"]
    m["ETC"] = None if eac is None else finite_or_none(eac - ac)
    m["VAC"] = None if eac is None else finite_or_none(bac - eac)
    m["TCPI"] = safe_div(bac - ev, bac - ac)
    m["formulas"] = Formulas(m)
    return m


def _days(values: Iterable[Any], field: str) -> np.ndarray:
    return np.array([np.datetime64(to_date(v, field), "D") for v in values], dtype="datetime64[D]")


def _sorted_dates(dates: Iterable[Any]) -> list[date]:
    return sorted({to_date(d, "date") for d in dates})


def planned_value_curve(baseline_tasks: pd.DataFrame, dates: Iterable[date],
                        holidays: Iterable[date] = ()) -> pd.DataFrame:
    """Cumulative planned value PV(t) from a baseline.

    Parameters
    ----------
    baseline_tasks : DataFrame
        ``task_id``, ``start``, ``finish`` (both included), ``budget`` (≥ 0). A task with no budget may lack dates.
    dates : iterable of date
        Days to evaluate; sorted and de-duplicated in the output.
    holidays : iterable of date, optional
        Non-working days besides weekends.

    Returns
    -------
    DataFrame
        ``date`` (datetime.date), ``pv`` (float): budget planned up to the end of that day. Non-decreasing; equals
        the total budget from the last finish on.

    Raises
    ------
    ValidationError
        A missing column, a negative or non-finite budget, a budgeted task without dates, or finish before start.
    """
    require_columns(baseline_tasks, ["task_id", "start", "finish", "budget"], "Baseline tasks")
    days = _sorted_dates(dates)
    starts, finishes, budgets = [], [], []
    for row, rec in enumerate(baseline_tasks.to_dict("records")):
        budget = checked_number(rec["budget"], "budget", default=0.0, minimum=0)
        if budget == 0:
            continue
        try:
            start, finish = to_date(rec["start"], "start"), to_date(rec["finish"], "finish")
        except ValidationError as exc:
            raise ValidationError(f"Baseline task {rec['task_id']}: {exc}", field=exc.field, row=row) from exc
        if finish < start:
            raise ValidationError(f"Baseline task {rec['task_id']}: finish {finish} is before start {start}",
                                  field="finish", row=row)
        starts.append(start)
        finishes.append(finish)
        budgets.append(budget)
    if not days:
        return pd.DataFrame({"date": pd.Series([], dtype=object), "pv": pd.Series([], dtype="float64")})
    if not budgets:
        return pd.DataFrame({"date": pd.Series(days, dtype=object),
                             "pv": pd.Series([0.0] * len(days), dtype="float64")})

    hol = _days(holidays, "holiday")
    s = _days(starts, "start")[:, None]
    f = _days(finishes, "finish")[:, None]
    t = _days(days, "date")[None, :]
    b = np.array(budgets, dtype="float64")[:, None]
    one = np.timedelta64(1, "D")
    total_days = np.busday_count(s, f + one, holidays=hol)  # working days of each task
    done_days = np.maximum(np.busday_count(s, np.minimum(t, f) + one, holidays=hol), 0)
    fraction = np.where(total_days > 0, done_days / np.where(total_days > 0, total_days, 1), (t >= f) * 1.0)
    fraction = np.minimum(fraction, 1.0)
    pv = (b * fraction).sum(axis=0)
    return pd.DataFrame({"date": pd.Series(days, dtype=object), "pv": pd.Series(pv.tolist(), dtype="float64")})


def ev_to_date(tasks: pd.DataFrame, *, bac: float | None = None, percent_complete: float | None = None) -> float:
    """Earned value today.

    Parameters
    ----------
    tasks : DataFrame
        ``task_id``, ``budget`` (≥ 0), ``percent_complete`` (0–100).
    bac : float, optional
        Budget at completion, used only by the fallback.
    percent_complete : float, optional
        The project's overall % complete (0–100), used only by the fallback.

    Returns
    -------
    float
        ``Σ percent_complete / 100 × budget``. When no task has a budget (all 0, or no tasks) and both ``bac`` and
        ``percent_complete`` are given: ``percent_complete / 100 × bac``; otherwise 0.

    Raises
    ------
    ValidationError
        A missing column, a negative budget or a percentage outside 0–100.
    """
    require_columns(tasks, ["task_id", "budget", "percent_complete"], "Tasks")
    budget, pct = clean_floats(tasks["budget"], 0.0), clean_floats(tasks["percent_complete"], 0.0)
    fast = within(budget, 0) and within(pct, 0, 100)  # then the loop's sums, without the loop
    earned, budgeted = (running_sum(pct / 100 * budget), running_sum(budget)) if fast else (0.0, 0.0)
    for row, rec in enumerate([] if fast else tasks.to_dict("records")):
        budget = checked_number(rec["budget"], "budget", default=0.0, minimum=0)
        pct = checked_number(rec["percent_complete"], "percent_complete", default=0.0)
        if not 0 <= pct <= 100:
            raise ValidationError(f"Task {rec['task_id']}: % complete must be between 0 and 100, not {pct:g}",
                                  field="percent_complete", row=row)
        earned += pct / 100 * budget
        budgeted += budget
    if budgeted == 0 and bac is not None and percent_complete is not None:
        pct = checked_number(percent_complete, "percent_complete")
        if not 0 <= pct <= 100:
            raise ValidationError(f"% complete must be between 0 and 100, not {pct:g}", field="percent_complete")
        return pct / 100 * checked_number(bac, "BAC", minimum=0)
    return earned


def _labour(time: pd.DataFrame) -> list[tuple[date, float]]:
    require_columns(time, ["day", "hours", "cost_rate"], "Time entries")
    out = []
    for rec in time.to_dict("records"):
        hours = checked_number(rec["hours"], "hours", default=0.0, minimum=0)
        rate = checked_number(rec["cost_rate"], "cost_rate", default=0.0, minimum=0)
        out.append((to_date(rec["day"], "day"), hours * rate))
    return out


def _cumulative(points: list[tuple[date, float]], days: list[date]) -> list[float]:
    if not points:
        return [0.0] * len(days)
    points = sorted(points, key=lambda p: p[0])
    when = np.array([np.datetime64(d, "D") for d, _ in points])
    running = np.cumsum([a for _, a in points])
    idx = np.searchsorted(when, np.array([np.datetime64(d, "D") for d in days]), side="right")
    return [float(running[i - 1]) if i > 0 else 0.0 for i in idx]


def actual_cost_curve(expenses: pd.DataFrame, time: pd.DataFrame, dates: Iterable[date]) -> pd.DataFrame:
    """Cumulative actual cost AC(t): expenses plus labour cost (hours × cost rate) up to and including each date.

    Parameters
    ----------
    expenses : DataFrame
        ``day``, ``amount`` (≥ 0).
    time : DataFrame
        ``day``, ``hours`` (≥ 0), ``cost_rate`` (≥ 0, the person's hourly cost).
    dates : iterable of date
        Days to evaluate; sorted and de-duplicated in the output.

    Returns
    -------
    DataFrame
        ``date``, ``expenses``, ``labour``, ``ac`` (= expenses + labour), all cumulative and non-decreasing.

    Raises
    ------
    ValidationError
        A missing column, a negative or non-finite number, or a day that is not a date.
    """
    days = _sorted_dates(dates)
    cum_exp, cum_lab = _cumulative_costs(expenses, time, days)
    return pd.DataFrame({
        "date": pd.Series(days, dtype=object),
        "expenses": pd.Series(cum_exp, dtype="float64"),
        "labour": pd.Series(cum_lab, dtype="float64"),
        "ac": pd.Series([e + lab for e, lab in zip(cum_exp, cum_lab, strict=True)], dtype="float64"),
    })


def actual_cost_to_date(expenses: pd.DataFrame, time: pd.DataFrame, today: date) -> float:
    """AC today: :func:`actual_cost_curve` at ``today`` alone (the same float), without building the frame."""
    cum_exp, cum_lab = _cumulative_costs(expenses, time, [to_date(today, "today")])
    return cum_exp[0] + cum_lab[0]


def _cumulative_costs(expenses: pd.DataFrame, time: pd.DataFrame, days: list[date]) -> tuple[list, list]:
    require_columns(expenses, ["day", "amount"], "Expenses")
    require_columns(time, ["day", "hours", "cost_rate"], "Time entries")
    amount, hours, rate = (clean_floats(expenses["amount"], 0.0), clean_floats(time["hours"], 0.0),
                           clean_floats(time["cost_rate"], 0.0))
    exp_days, time_days = day_array(expenses["day"]), day_array(time["day"])
    if within(amount, 0) and within(hours, 0) and within(rate, 0) and exp_days is not None and time_days is not None:
        cum_exp, cum_lab = cumulative(exp_days, amount, days), cumulative(time_days, hours * rate, days)
    else:
        spent = [(to_date(r["day"], "day"), checked_number(r["amount"], "amount", default=0.0, minimum=0))
                 for r in expenses.to_dict("records")]
        cum_exp = _cumulative(spent, days)
        cum_lab = _cumulative(_labour(time), days)
    return cum_exp, cum_lab


def forecast_finish(start: date, planned_finish: date, spi: float | None, today: date) -> date:
    """The earned-value projection of the finish: when the project would finish at today's SPI.

    Not the forecast finish the pages show (that is the schedule's, the latest task finish); shown next to it, named
    "earned-value projection", with the reason it differs (see the module docstring).

    Parameters
    ----------
    start, planned_finish : date
        Project start and planned finish.
    spi : float or None
        Schedule performance index; ``None`` or ≤ 0 means "no basis for a forecast".
    today : date
        The forecast is never before today.

    Returns
    -------
    date
        ``start + (planned_finish − start) / spi`` (calendar days, rounded), or ``planned_finish`` when SPI is
        undefined or 0; at least ``today``.

    Raises
    ------
    ValidationError
        A value that is not a date or ``planned_finish`` before ``start``.
    """
    start, finish, day = to_date(start, "start"), to_date(planned_finish, "planned_finish"), to_date(today, "today")
    if finish < start:
        raise ValidationError(f"planned finish {finish} is before start {start}", field="planned_finish")
    spi = finite_or_none(spi)
    result = finish
    if spi is not None and spi > 0:
        days = (finish - start).days / spi
        result = date.max if days > (date.max - start).days else start + timedelta(days=round(days))
    return max(result, day)


def evm_series(*, bac: float, ev: float, today: date, start: date, planned_finish: date,
               expenses: pd.DataFrame, time: pd.DataFrame, baseline_tasks: pd.DataFrame | None = None,
               planned_lines: pd.DataFrame | None = None, schedule_finish: date | None = None,
               holidays: Iterable[date] = (), max_months: int = 60) -> pd.DataFrame:
    """Month-by-month PV, EV, AC and the EAC forecast line, for the cumulative EVM chart.

    Parameters
    ----------
    bac : float
        Budget at completion.
    ev : float
        Earned value **today** (``ev_to_date``).
    today, start, planned_finish : date
        Reference day, project start and planned finish.
    expenses, time : DataFrame
        As for ``actual_cost_curve``.
    baseline_tasks : DataFrame, optional
        As for ``planned_value_curve``; PV(t) from the baseline when no ``planned_lines`` are given.
    planned_lines : DataFrame, optional
        Budget lines [month, planned]: PV(t) = planned to date (:func:`~worksmith.domain.money.planned_to_date`),
        the figure every view shows. One of ``planned_lines`` and ``baseline_tasks`` is needed.
    schedule_finish : date, optional
        The forecast finish (the schedule's, at least today); the EAC line reaches EAC there. Without it, the
        earned-value projection (:func:`forecast_finish`).
    holidays : iterable of date, optional
        Non-working days for the PV spread.
    max_months : int
        At most this many months from the first month are shown (a very low SPI can push the forecast far out).

    Returns
    -------
    DataFrame
        Rows at each month end from the month of ``min(start, today)`` through the month of the latest of planned
        finish, forecast finish and today (capped by ``max_months``), plus rows for the project start, today and the
        forecast finish, sorted by date. Columns: ``date``; ``point`` ("month end", "start", "today" or "forecast
        finish"; when two fall on one day, today wins over start, start over the others); ``pv`` (float);
        ``ev``, ``ac``, ``forecast`` (float or ``None``, object columns).

        * ``pv`` — planned to date from ``planned_lines`` (or ``planned_value_curve``) at that date.
        * ``ac`` — ``actual_cost_curve`` up to today; ``None`` after today.
        * ``ev`` — EV is only known today (tasks keep their current % complete, not its history). Before today it
          is **interpolated**, linearly in calendar days from 0 at the project start to today's EV; it is an
          approximation for the chart, not a record. ``None`` after today.
        * ``forecast`` — from today's AC at today, a straight line to EAC at the forecast finish
          (``forecast_finish``), EAC after it; ``None`` before today and when EAC is undefined.

    Raises
    ------
    ValidationError
        Bad inputs, as for the functions used.
    """
    day, begin = to_date(today, "today"), to_date(start, "start")
    finish = to_date(planned_finish, "planned_finish")
    if finish < begin:
        raise ValidationError(f"planned finish {finish} is before start {begin}", field="planned_finish")
    if max_months < 1:
        raise ValidationError("max_months must be at least 1", field="max_months")
    if planned_lines is None and baseline_tasks is None:
        raise ValidationError("evm_series needs the budget lines or a baseline for PV", field="planned_lines")

    def planned(days: list[date]) -> list[float]:
        if planned_lines is not None:
            return [float(planned_to_date(planned_lines, d, None).sum()) for d in days]
        return planned_value_curve(baseline_tasks, days, holidays)["pv"].tolist()

    pv_today = planned([day])[0]
    ac_today = float(actual_cost_curve(expenses, time, [day])["ac"].iloc[0])
    metrics = earned_value(bac, pv_today, ev, ac_today)
    eac = metrics["EAC"]
    ev = metrics["EV"]
    if schedule_finish is not None:
        ff = max(to_date(schedule_finish, "schedule_finish"), day)
    elif metrics["BAC"] > 0 and ev >= metrics["BAC"]:
        ff = day  # complete: finishing now
    else:
        ff = forecast_finish(begin, finish, metrics["SPI"], day)

    first = month_start(min(begin, day))
    last_allowed = month_end(add_months(first, max_months - 1))
    horizon = min(max(finish, ff, day), last_allowed)
    points: dict[date, str] = {}
    month = first
    while month <= horizon:
        points[month_end(month)] = "month end"
        month = add_months(month, 1)
    if ff <= horizon:
        points[ff] = "forecast finish"
    points[begin] = "start"
    points[day] = "today"
    dates = sorted(points)

    pv = planned(dates)
    ac = actual_cost_curve(expenses, time, dates)["ac"].tolist()
    span = (day - begin).days
    rows_ev, rows_ac, rows_fc = [], [], []
    for i, d in enumerate(dates):
        if d < day:
            rows_ev.append(ev * (d - begin).days / span if d > begin and span > 0 else 0.0)
            rows_ac.append(ac[i])
            rows_fc.append(None)
            continue
        rows_ev.append(ev if d == day else None)
        rows_ac.append(ac_today if d == day else None)
        if eac is None:
            rows_fc.append(None)
        elif d >= ff and d > day:
            rows_fc.append(eac)
        elif d == day:
            rows_fc.append(ac_today)
        else:
            rows_fc.append(finite_or_none(ac_today + (eac - ac_today) * (d - day).days / (ff - day).days))
    return pd.DataFrame({
        "date": pd.Series(dates, dtype=object),
        "point": pd.Series([points[d] for d in dates], dtype="str" if dates else object),
        "pv": pd.Series(pv, dtype="float64"),
        "ev": pd.Series(rows_ev, dtype=object),
        "ac": pd.Series(rows_ac, dtype=object),
        "forecast": pd.Series(rows_fc, dtype=object),
    }, columns=EVM_COLUMNS)


def task_budgets(snapshot: Mapping[Any, Mapping[str, Any]], bac: float) -> pd.DataFrame:
    """Each baseline task's budget: its share of BAC by baseline estimate hours.

    ``budget = BAC × estimate_hours / Σ estimate_hours``. When no task has estimate hours the share is by baseline
    duration (working days); when no task has either (only milestones) every budget is 0 and the caller falls back
    to the budget lines (see :func:`lines_baseline`). Labour and non-labour money (licences, consultants) are both
    spread this way: a task "carries" the project's money in proportion to its work, so EV = Σ % complete × budget
    and PV (the same budgets spread over the baseline dates) are measured in the same units.

    Parameters
    ----------
    snapshot : mapping
        ``Baseline.snapshot``: task id → ``{start, finish, duration, estimate_hours}`` (dates as ISO strings or dates).
    bac : float
        Budget at completion, ≥ 0.

    Returns
    -------
    DataFrame
        ``task_id`` (int when the key is a number), ``start``, ``finish`` (date or None), ``estimate_hours``,
        ``budget``; sorted by start date then task id. The budgets sum to BAC unless every weight is 0.

    Raises
    ------
    ValidationError
        A negative or non-finite BAC, estimate or duration.

    Examples
    --------
    >>> task_budgets({"1": {"estimate_hours": 30}, "2": {"estimate_hours": 10}}, 1000)["budget"].tolist()
    [750.0, 250.0]
    """
    bac = checked_number(bac, "BAC", minimum=0)
    rows = []
    for key, rec in snapshot.items():
        rec = rec or {}
        task_id = int(key) if str(key).lstrip("-").isdigit() else key
        hours = checked_number(rec.get("estimate_hours"), "estimate_hours", default=0.0, minimum=0)
        duration = checked_number(rec.get("duration"), "duration", default=0.0, minimum=0)
        start = None if is_missing(rec.get("start")) else to_date(rec.get("start"), "start")
        finish = None if is_missing(rec.get("finish")) else to_date(rec.get("finish"), "finish")
        rows.append((task_id, start, finish, hours, duration))
    total_hours = sum(r[3] for r in rows)
    total_days = sum(r[4] for r in rows)
    weights = [r[3] for r in rows] if total_hours > 0 else [r[4] for r in rows]
    total = total_hours if total_hours > 0 else total_days
    budgets = [bac * w / total if total > 0 else 0.0 for w in weights]
    rows = sorted(zip(rows, budgets, strict=True), key=lambda x: (x[0][1] or date.max, str(x[0][0])))
    def objects(values: list) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    return pd.DataFrame({
        "task_id": objects([r[0] for r, _ in rows]), "start": objects([r[1] for r, _ in rows]),
        "finish": objects([r[2] for r, _ in rows]),
        "estimate_hours": np.array([r[3] for r, _ in rows], dtype="float64"),
        "budget": np.array([b for _, b in rows], dtype="float64"),
    }, columns=TASK_BUDGET_COLUMNS)


def bottom_up_etc(tasks: pd.DataFrame, non_labour: pd.DataFrame, *, default_rate: float = 0.0) -> dict[str, Any]:
    """Bottom-up estimate to complete: the work still in the plan, priced (see the module docstring).

    ``ETC = Σ estimate_hours × (1 − % complete / 100) × cost_rate + Σ max(planned − actual, 0)`` over the non-labour
    categories. It moves when the plan moves (an added task, a changed estimate), unlike the CPI-based EAC.

    ``tasks``: ``estimate_hours``, ``percent_complete`` (0–100), ``cost_rate`` (the assignee's hourly cost; missing
    for unassigned work, priced at ``default_rate``). ``non_labour``: ``category``, ``planned`` (all months),
    ``actual`` (to date) of the categories other than labour. Returns ``hours`` (remaining), ``labour``,
    ``non_labour``, ``etc`` (= labour + non_labour) and ``formula`` with the numbers. A missing column, a negative
    or non-finite number or a percentage outside 0–100 raises ValidationError.

    Examples
    --------
    >>> t = pd.DataFrame({"estimate_hours": [100, 40], "percent_complete": [50, 0], "cost_rate": [80, None]})
    >>> nl = pd.DataFrame({"category": ["software"], "planned": [5_000], "actual": [3_000]})
    >>> bottom_up_etc(t, nl, default_rate=60)["etc"]
    8400.0
    """
    require_columns(tasks, ["estimate_hours", "percent_complete", "cost_rate"], "Tasks")
    require_columns(non_labour, ["category", "planned", "actual"], "Non-labour budget")
    default = checked_number(default_rate, "default_rate", default=0.0, minimum=0)
    hours = labour = 0.0
    estimate, pct = clean_floats(tasks["estimate_hours"], 0.0), clean_floats(tasks["percent_complete"], 0.0)
    rate = clean_floats(tasks["cost_rate"], default)
    fast = within(estimate, 0) and within(pct, 0, 100) and within(rate, 0)  # the loop's sums, without the loop
    if fast:
        left = estimate * (1 - pct / 100)
        hours, labour = running_sum(left), running_sum(left * rate)
    for rec in [] if fast else tasks.to_dict("records"):
        estimate = checked_number(rec["estimate_hours"], "estimate_hours", default=0.0, minimum=0)
        pct = checked_number(rec["percent_complete"], "percent_complete", default=0.0, minimum=0)
        if pct > 100:
            raise ValidationError(f"% complete must be between 0 and 100, not {pct:g}", field="percent_complete")
        rate = checked_number(rec["cost_rate"], "cost_rate", default=default, minimum=0)
        left = estimate * (1 - pct / 100)
        hours += left
        labour += left * rate
    rest = non_labour_left(non_labour["planned"].tolist(), non_labour["actual"].tolist())
    return bottom_up_figures(hours, labour, rest)
