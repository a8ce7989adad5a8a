"""Plan vs actual, labour cost, earned value, ROI and budget alerts (DESIGN §3 "Budget / earned value").

Pure module: plain data in (DataFrames with the columns documented per function, dates, numbers), plain data out.
No database, no Streamlit. A number that cannot be computed (division by zero, overflow) is ``None`` — shown as
"—" by ``fmt_ratio``/``fmt_money`` — never NaN or inf.

Formulas
--------
``BAC`` budget at completion (the project budget) · ``PV`` planned value to date (baseline) · ``EV`` earned value
· ``AC`` actual cost to date.

* ``PV(t)`` spreads each baseline task's budget evenly over its working days (Mon–Fri, minus optional holidays)
  from its start to its finish, both included, and sums what is planned up to and including day ``t``.
  A task with no working day in its range (a milestone on a weekend) books its whole budget on its finish date.
* Task budget = ``BAC × baseline estimate hours / Σ baseline estimate hours`` (by baseline duration when no task
  has an estimate), :func:`task_budgets`. Without a usable baseline, PV spreads the budget lines over their months'
  working days (:func:`lines_baseline`).
* ``EV = Σ task % complete / 100 × task budget``; when no task has a budget, ``EV = overall % complete / 100 × BAC``.
* ``AC(t) = Σ expenses up to t + Σ hours × cost rate up to t`` (labour cost).
* ``CV = EV − AC``, ``SV = EV − PV``, ``CPI = EV / AC``, ``SPI = EV / PV``.
* ``EAC = AC + (BAC − EV) / CPI``; with nothing spent (AC = 0) CPI is undefined and the forecast assumes the plan:
  ``EAC = BAC``. With money spent but nothing earned (EV = 0 < AC) CPI is 0 and EAC is undefined (``None``).
* ``ETC = EAC − AC``, ``VAC = BAC − EAC``, ``TCPI = (BAC − EV) / (BAC − AC)`` (``None`` when BAC = AC).
* Plan vs actual: ``variance = actual − planned`` (positive = spent more than planned),
  ``variance_pct = variance / planned`` as a fraction (0.2 = 20 %, as ``worksmith.fmt.percent`` expects; ``None``
  when nothing was planned).
* ``ROI = (benefit − cost) / cost``; payback month = the first month where cumulative benefit ≥ cumulative cost
  (and some benefit has arrived).
* Forecast finish = project start + planned duration / SPI (calendar days), never before today; the planned finish
  when SPI is undefined or 0.
* Planned to date = past months' budget lines in full, the current month pro rata by calendar days.
* Expenses (form or CSV, :func:`check_expense`, :func:`parse_expense_csv`): a positive finite amount, a date from
  1 January five years back to 90 days ahead, a category from ``CATEGORIES``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.errors import ValidationError
from worksmith.values import is_missing as _missing
from worksmith.values import to_date as _to_date
from worksmith.values import to_number

DASH = "—"
CPI_WARNING, CPI_CRITICAL = 0.9, 0.8
EAC_OVER_WARNING, EAC_OVER_CRITICAL = 0.05, 0.10
MONTH_OVER_WARNING, MONTH_OVER_CRITICAL = 0.10, 0.20
_EPS = 1e-9

METRICS = ("BAC", "PV", "EV", "AC", "CV", "SV", "CPI", "SPI", "EAC", "ETC", "VAC", "TCPI")
PLAN_VS_ACTUAL_COLUMNS = ["owner", "category", "month", "planned", "actual", "variance", "variance_pct"]
ALERT_COLUMNS = ["owner", "name", "rule", "severity", "message"]
EVM_COLUMNS = ["date", "point", "pv", "ev", "ac", "forecast"]


# --- numbers and formatting -----------------------------------------------------------------------------------


def safe_div(a: float | None, b: float | None) -> float | None:
    """``a / b``, or ``None`` when either is missing, ``b == 0`` or the result is not finite.

    Examples
    --------
    >>> safe_div(1, 4), safe_div(1, 0)
    (0.25, None)
    """
    if _missing(a) or _missing(b):
        return None
    a, b = float(a), float(b)
    if b == 0:
        return None
    try:
        result = a / b
    except (OverflowError, ZeroDivisionError):
        return None
    return result if math.isfinite(result) else None


def _finite_or_none(x: float | None) -> float | None:
    if _missing(x):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def fmt_ratio(x: float | None, digits: int = 2) -> str:
    """A ratio such as CPI with ``digits`` decimals; "—" for None, NaN or inf."""
    x = _finite_or_none(x)
    return DASH if x is None else f"{x:.{digits}f}"


def fmt_money(x: float | None, currency: str = "") -> str:
    """Money with thousands separators: "41,000", "−12,500", "€ 12.50" (cents only below 1,000 and when there are
    any); "—" when undefined."""
    x = _finite_or_none(x)
    if x is None:
        return DASH
    size = abs(x)
    text = f"{size:,.0f}" if size >= 1000 or abs(size - round(size)) < 0.005 else f"{size:,.2f}"
    if x < 0 and text.strip("0.,"):
        text = "−" + text  # a true minus sign, as worksmith.fmt writes it; never "−0"
    return f"{currency} {text}" if currency else text


def _number(value: Any, field: str, *, default: float | None = None, minimum: float | None = None) -> float:
    number = to_number(value, field, default=default)
    if minimum is not None and number < minimum:
        raise ValidationError(f"{field} may not be below {minimum:g} ({fmt_money(number)})", field=field)
    return number


def month_start(value: Any) -> date:
    """The first day of the month of a date, datetime, Timestamp or "YYYY-MM[-DD]" string.

    Raises
    ------
    ValidationError
        A value that is not a date.
    """
    return _to_date(value, "month").replace(day=1)


def _month_end(d: date) -> date:
    first_next = (d.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValidationError(f"{what} is missing column(s): {', '.join(missing)}")


def _series(values: list, dtype: Any = None) -> pd.Series:
    return pd.Series(values, dtype=dtype)


# --- earned value ---------------------------------------------------------------------------------------------


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
    bac = _number(bac, "BAC", minimum=0)
    pv = _number(pv, "PV", minimum=0)
    ev = _number(ev, "EV", minimum=0)
    ac = _number(ac, "AC", minimum=0)
    m: dict[str, Any] = {"BAC": bac, "PV": pv, "EV": ev, "AC": ac}
    f: dict[str, str] = {}
    money, ratio = fmt_money, fmt_ratio

    m["CV"] = _finite_or_none(ev - ac)
    f["CV"] = f"CV = EV − AC = {money(ev)} − {money(ac)} = {money(m['CV'])}"
    m["SV"] = _finite_or_none(ev - pv)
    f["SV"] = f"SV = EV − PV = {money(ev)} − {money(pv)} = {money(m['SV'])}"
    m["CPI"] = safe_div(ev, ac)
    f["CPI"] = f"CPI = EV / AC = {money(ev)} / {money(ac)} = {ratio(m['CPI'])}"
    if ac == 0:
        f["CPI"] += " (nothing spent yet)"
    m["SPI"] = safe_div(ev, pv)
    f["SPI"] = f"SPI = EV / PV = {money(ev)} / {money(pv)} = {ratio(m['SPI'])}"
    if pv == 0:
        f["SPI"] += " (nothing planned yet)"

    if ac == 0:
        m["EAC"] = bac
        f["EAC"] = (f"EAC = BAC = {money(bac)} (nothing spent yet, so CPI is undefined and the forecast "
                    "assumes the plan)")
    else:
        remaining = safe_div(bac - ev, m["CPI"])
        m["EAC"] = None if remaining is None else _finite_or_none(ac + remaining)
        if m["CPI"] == 0 or m["CPI"] is None:
            f["EAC"] = (f"EAC = AC + (BAC − EV) / CPI = {DASH}: CPI is {ratio(m['CPI'])} ({money(ac)} spent, "
                        "nothing earned yet), so the cost-performance forecast has no limit")
        else:
            f["EAC"] = (f"EAC = AC + (BAC − EV) / CPI = {money(ac)} + ({money(bac)} − {money(ev)}) / "
                        f"{ratio(m['CPI'], 3)} = {money(m['EAC'])}")
    eac = m["EAC"]
    m["ETC"] = None if eac is None else _finite_or_none(eac - ac)
    f["ETC"] = f"ETC = EAC − AC = {money(eac)} − {money(ac)} = {money(m['ETC'])}"
    m["VAC"] = None if eac is None else _finite_or_none(bac - eac)
    f["VAC"] = f"VAC = BAC − EAC = {money(bac)} − {money(eac)} = {money(m['VAC'])}"
    m["TCPI"] = safe_div(bac - ev, bac - ac)
    f["TCPI"] = (f"TCPI = (BAC − EV) / (BAC − AC) = ({money(bac)} − {money(ev)}) / ({money(bac)} − {money(ac)}) "
                 f"= {ratio(m['TCPI'])}")
    if bac == ac:
        f["TCPI"] += " (BAC − AC = 0: the budget is used up)"
    elif ac > bac:
        f["TCPI"] += " (already over budget: no efficiency finishes within BAC)"
    m["formulas"] = f
    return m


# --- curves ---------------------------------------------------------------------------------------------------


def _days(values: Iterable[Any], field: str) -> np.ndarray:
    return np.array([np.datetime64(_to_date(v, field), "D") for v in values], dtype="datetime64[D]")


def _sorted_dates(dates: Iterable[Any]) -> list[date]:
    return sorted({_to_date(d, "date") for d in dates})


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
    _require(baseline_tasks, ["task_id", "start", "finish", "budget"], "Baseline tasks")
    days = _sorted_dates(dates)
    starts, finishes, budgets = [], [], []
    for row, rec in enumerate(baseline_tasks.to_dict("records")):
        budget = _number(rec["budget"], "budget", default=0.0, minimum=0)
        if budget == 0:
            continue
        try:
            start, finish = _to_date(rec["start"], "start"), _to_date(rec["finish"], "finish")
        except ValidationError as exc:
            raise ValidationError(f"Baseline task {rec['task_id']}: {exc}", field=exc.field, row=row) from exc
        if finish < start:
            raise ValidationError(f"Baseline task {rec['task_id']}: finish {finish} is before start {start}",
                                  field="finish", row=row)
        starts.append(start)
        finishes.append(finish)
        budgets.append(budget)
    if not days:
        return pd.DataFrame({"date": _series([], object), "pv": _series([], "float64")})
    if not budgets:
        return pd.DataFrame({"date": _series(days, object), "pv": _series([0.0] * len(days), "float64")})

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
    return pd.DataFrame({"date": _series(days, object), "pv": _series(pv.tolist(), "float64")})


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
    _require(tasks, ["task_id", "budget", "percent_complete"], "Tasks")
    earned, budgeted = 0.0, 0.0
    for row, rec in enumerate(tasks.to_dict("records")):
        budget = _number(rec["budget"], "budget", default=0.0, minimum=0)
        pct = _number(rec["percent_complete"], "percent_complete", default=0.0)
        if not 0 <= pct <= 100:
            raise ValidationError(f"Task {rec['task_id']}: % complete must be between 0 and 100, not {pct:g}",
                                  field="percent_complete", row=row)
        earned += pct / 100 * budget
        budgeted += budget
    if budgeted == 0 and bac is not None and percent_complete is not None:
        pct = _number(percent_complete, "percent_complete")
        if not 0 <= pct <= 100:
            raise ValidationError(f"% complete must be between 0 and 100, not {pct:g}", field="percent_complete")
        return pct / 100 * _number(bac, "BAC", minimum=0)
    return earned


def _labour(time: pd.DataFrame) -> list[tuple[date, float]]:
    _require(time, ["day", "hours", "cost_rate"], "Time entries")
    out = []
    for rec in time.to_dict("records"):
        hours = _number(rec["hours"], "hours", default=0.0, minimum=0)
        rate = _number(rec["cost_rate"], "cost_rate", default=0.0, minimum=0)
        out.append((_to_date(rec["day"], "day"), hours * rate))
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
    _require(expenses, ["day", "amount"], "Expenses")
    days = _sorted_dates(dates)
    spent = [(_to_date(r["day"], "day"), _number(r["amount"], "amount", default=0.0, minimum=0))
             for r in expenses.to_dict("records")]
    cum_exp = _cumulative(spent, days)
    cum_lab = _cumulative(_labour(time), days)
    return pd.DataFrame({
        "date": _series(days, object),
        "expenses": _series(cum_exp, "float64"),
        "labour": _series(cum_lab, "float64"),
        "ac": _series([e + lab for e, lab in zip(cum_exp, cum_lab, strict=True)], "float64"),
    })


# --- plan vs actual -------------------------------------------------------------------------------------------


def plan_vs_actual(lines: pd.DataFrame, expenses: pd.DataFrame, labour: pd.DataFrame) -> pd.DataFrame:
    """Planned versus actual spend per owner, category and month.

    Parameters
    ----------
    lines : DataFrame
        Budget lines: ``owner`` (e.g. "project:3", "operation:1"), ``category``, ``month``, ``planned``.
    expenses : DataFrame
        ``owner``, ``category``, ``day``, ``amount``.
    labour : DataFrame
        Time booked: ``owner``, ``day``, ``hours``, ``cost_rate``; its cost goes to category "labour".

    Returns
    -------
    DataFrame
        ``owner, category, month`` (first day of the month), ``planned``, ``actual``, ``variance`` (= actual −
        planned, positive = over plan), ``variance_pct`` (= variance / planned as a fraction, 0.2 = 20 %; ``None``
        when planned is 0);
        one row per combination present in any input, sorted by owner, month, category.

    Raises
    ------
    ValidationError
        A missing column, a negative or non-finite amount, or a month/day that is not a date.
    """
    _require(lines, ["owner", "category", "month", "planned"], "Budget lines")
    _require(expenses, ["owner", "category", "day", "amount"], "Expenses")
    _require(labour, ["owner", "day", "hours", "cost_rate"], "Time entries")
    cells: dict[tuple[str, str, date], list[float]] = {}

    def add(owner: Any, category: Any, month: Any, planned: float, actual: float) -> None:
        key = (str(owner), str(category), month_start(month))
        cell = cells.setdefault(key, [0.0, 0.0])
        cell[0] += planned
        cell[1] += actual

    for rec in lines.to_dict("records"):
        add(rec["owner"], rec["category"], rec["month"], _number(rec["planned"], "planned", minimum=0), 0.0)
    for rec in expenses.to_dict("records"):
        add(rec["owner"], rec["category"], rec["day"], 0.0, _number(rec["amount"], "amount", minimum=0))
    for rec in labour.to_dict("records"):
        hours = _number(rec["hours"], "hours", default=0.0, minimum=0)
        rate = _number(rec["cost_rate"], "cost_rate", default=0.0, minimum=0)
        add(rec["owner"], "labour", rec["day"], 0.0, hours * rate)

    keys = sorted(cells, key=lambda k: (k[0], k[2], k[1]))
    planned = [cells[k][0] for k in keys]
    actual = [cells[k][1] for k in keys]
    variance = [a - p for a, p in zip(actual, planned, strict=True)]
    pct = [None if p == 0 else _finite_or_none(v / p) for v, p in zip(variance, planned, strict=True)]
    return pd.DataFrame({
        "owner": _series([k[0] for k in keys], "str" if keys else object),
        "category": _series([k[1] for k in keys], "str" if keys else object),
        "month": _series([k[2] for k in keys], object),
        "planned": _series(planned, "float64"),
        "actual": _series(actual, "float64"),
        "variance": _series(variance, "float64"),
        "variance_pct": _series(pct, object),
    }, columns=PLAN_VS_ACTUAL_COLUMNS)


# --- EVM over time --------------------------------------------------------------------------------------------


def forecast_finish(start: date, planned_finish: date, spi: float | None, today: date) -> date:
    """When the project is forecast to finish at the current schedule performance.

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
    start, finish, day = _to_date(start, "start"), _to_date(planned_finish, "planned_finish"), _to_date(today, "today")
    if finish < start:
        raise ValidationError(f"planned finish {finish} is before start {start}", field="planned_finish")
    spi = _finite_or_none(spi)
    result = finish
    if spi is not None and spi > 0:
        days = (finish - start).days / spi
        result = date.max if days > (date.max - start).days else start + timedelta(days=round(days))
    return max(result, day)


def evm_series(*, bac: float, ev: float, today: date, start: date, planned_finish: date,
               baseline_tasks: pd.DataFrame, expenses: pd.DataFrame, time: pd.DataFrame,
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
    baseline_tasks : DataFrame
        As for ``planned_value_curve``.
    expenses, time : DataFrame
        As for ``actual_cost_curve``.
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

        * ``pv`` — ``planned_value_curve`` at that date.
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
    day, begin = _to_date(today, "today"), _to_date(start, "start")
    finish = _to_date(planned_finish, "planned_finish")
    if finish < begin:
        raise ValidationError(f"planned finish {finish} is before start {begin}", field="planned_finish")
    if max_months < 1:
        raise ValidationError("max_months must be at least 1", field="max_months")
    pv_today = float(planned_value_curve(baseline_tasks, [day], holidays)["pv"].iloc[0])
    ac_today = float(actual_cost_curve(expenses, time, [day])["ac"].iloc[0])
    metrics = earned_value(bac, pv_today, ev, ac_today)
    eac = metrics["EAC"]
    ev = metrics["EV"]
    if metrics["BAC"] > 0 and ev >= metrics["BAC"]:
        ff = day  # complete: finishing now
    else:
        ff = forecast_finish(begin, finish, metrics["SPI"], day)

    first = month_start(min(begin, day))
    last_allowed = _month_end(_add_months(first, max_months - 1))
    horizon = min(max(finish, ff, day), last_allowed)
    points: dict[date, str] = {}
    month = first
    while month <= horizon:
        points[_month_end(month)] = "month end"
        month = _add_months(month, 1)
    if ff <= horizon:
        points[ff] = "forecast finish"
    points[begin] = "start"
    points[day] = "today"
    dates = sorted(points)

    pv = planned_value_curve(baseline_tasks, dates, holidays)["pv"].tolist()
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
            rows_fc.append(_finite_or_none(ac_today + (eac - ac_today) * (d - day).days / (ff - day).days))
    return pd.DataFrame({
        "date": _series(dates, object),
        "point": _series([points[d] for d in dates], "str" if dates else object),
        "pv": _series(pv, "float64"),
        "ev": _series(rows_ev, object),
        "ac": _series(rows_ac, object),
        "forecast": _series(rows_fc, object),
    }, columns=EVM_COLUMNS)


def _add_months(d: date, n: int) -> date:
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months after ``d``'s month (``n`` may be negative)."""
    return _add_months(_to_date(d, "date"), n)


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return _month_end(_to_date(d, "date"))


# --- ROI ------------------------------------------------------------------------------------------------------


def roi(benefit: float, cost: float) -> float | None:
    """Return on investment ``(benefit − cost) / cost``; ``None`` when cost is 0 or a value is missing.

    Examples
    --------
    >>> roi(150_000, 100_000)
    0.5
    """
    if _missing(benefit) or _missing(cost):
        return None
    return safe_div(float(benefit) - float(cost), cost)


def payback_month(monthly_cost: pd.Series, monthly_benefit: pd.Series) -> Any | None:
    """The first month in which cumulative benefit reaches cumulative cost.

    Parameters
    ----------
    monthly_cost, monthly_benefit : Series
        Amounts indexed by month (any sortable labels: dates, "2026-04", period numbers). The two indexes are
        aligned on their union; a month missing from one counts 0 there.

    Returns
    -------
    month label or None
        The first month (in sorted order) where ``Σ benefit ≥ Σ cost`` and some benefit has arrived
        (``Σ benefit > 0``); ``None`` when that never happens.

    Raises
    ------
    ValidationError
        A non-finite amount.
    """
    both = pd.concat({"cost": monthly_cost, "benefit": monthly_benefit}, axis=1).sort_index()
    both = both.astype("float64").fillna(0.0)
    values = both.to_numpy()
    if not np.isfinite(values).all():
        raise ValidationError("monthly amounts must be finite numbers")
    cum_cost = np.cumsum(values[:, 0])
    cum_benefit = np.cumsum(values[:, 1])
    for label, c, b in zip(both.index, cum_cost, cum_benefit, strict=True):
        if b > 0 and b >= c - _EPS * max(1.0, abs(c)):
            return label.item() if isinstance(label, np.generic) else label
    return None


# --- alerts ---------------------------------------------------------------------------------------------------


def _over(a: float, b: float) -> bool:
    return a > b + _EPS * max(1.0, abs(b))


def budget_alerts(rows: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """Budget warnings per project/operation, each explained with its numbers.

    Rules (severity "critical" beyond the second threshold, else "warning"):

    * ``cpi`` — CPI = EV / AC < 0.9 (critical < 0.8); skipped while nothing is spent.
    * ``forecast`` — EAC more than 5 % over BAC (critical > 10 %); skipped when BAC is 0 or EAC undefined.
    * ``monthly_spend`` — spent this month more than 10 % over the month's plan (critical > 20 %); with no plan
      for the month any spending is a warning.

    Parameters
    ----------
    rows : DataFrame
        ``owner``, ``name``, ``bac``, ``ev``, ``ac``, ``pv``, ``spent_this_month``, ``planned_this_month``.
    currency : str, optional
        Prefix for amounts in the messages ("€" gives "€41,000"); none by default.

    Returns
    -------
    DataFrame
        ``owner, name, rule, severity, message``; critical alerts first, then in input order.

    Raises
    ------
    ValidationError
        A missing column, or a negative or non-finite number (the message names the row).
    """
    needed = ["owner", "name", "bac", "ev", "ac", "pv", "spent_this_month", "planned_this_month"]
    _require(rows, needed, "Budget rows")
    alerts: list[dict[str, Any]] = []

    def money(x: float | None) -> str:
        return _cur(x, currency)

    for row, rec in enumerate(rows.to_dict("records")):
        try:
            nums = {k: _number(rec[k], k, default=0.0, minimum=0) for k in needed[2:]}
        except ValidationError as exc:
            raise ValidationError(f"{rec['name']}: {exc}", field=exc.field, row=row) from exc
        m = earned_value(nums["bac"], nums["pv"], nums["ev"], nums["ac"])

        def alert(rule: str, critical: bool, message: str, _rec: Mapping[str, Any] = rec) -> None:
            alerts.append({"owner": _rec["owner"], "name": _rec["name"], "rule": rule,
                           "severity": "critical" if critical else "warning", "message": message})

        cpi = m["CPI"]
        if cpi is not None and cpi < CPI_WARNING:
            alert("cpi", cpi < CPI_CRITICAL,
                  f"CPI {fmt_ratio(cpi)} = EV {money(m['EV'])} / AC {money(m['AC'])} < {CPI_WARNING}")
        eac, bac = m["EAC"], m["BAC"]
        if eac is not None and bac > 0 and _over(eac, bac * (1 + EAC_OVER_WARNING)):
            over = (eac - bac) / bac
            alert("forecast", _over(eac, bac * (1 + EAC_OVER_CRITICAL)),
                  f"Forecast EAC {money(eac)} is {over:.0%} over BAC {money(bac)} (> {EAC_OVER_WARNING:.0%}): "
                  f"EAC = AC {money(m['AC'])} + (BAC {money(bac)} − EV {money(m['EV'])}) / CPI "
                  f"{fmt_ratio(m['CPI'], 3)}")
        spent, plan = nums["spent_this_month"], nums["planned_this_month"]
        if plan == 0 and spent > 0:
            alert("monthly_spend", False, f"Spent {money(spent)} this month with nothing planned for it")
        elif plan > 0 and _over(spent, plan * (1 + MONTH_OVER_WARNING)):
            alert("monthly_spend", _over(spent, plan * (1 + MONTH_OVER_CRITICAL)),
                  f"Spent {money(spent)} this month, {(spent - plan) / plan:.0%} over the plan of {money(plan)} "
                  f"(> {MONTH_OVER_WARNING:.0%})")
    alerts.sort(key=lambda a: a["severity"] != "critical")
    return pd.DataFrame({c: _series([a[c] for a in alerts], None if alerts else object) for c in ALERT_COLUMNS},
                        columns=ALERT_COLUMNS)


# --- task budgets from a baseline -----------------------------------------------------------------------------

TASK_BUDGET_COLUMNS = ["task_id", "start", "finish", "estimate_hours", "budget"]


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
    bac = _number(bac, "BAC", minimum=0)
    rows = []
    for key, rec in snapshot.items():
        rec = rec or {}
        task_id = int(key) if str(key).lstrip("-").isdigit() else key
        hours = _number(rec.get("estimate_hours"), "estimate_hours", default=0.0, minimum=0)
        duration = _number(rec.get("duration"), "duration", default=0.0, minimum=0)
        start = None if _missing(rec.get("start")) else _to_date(rec.get("start"), "start")
        finish = None if _missing(rec.get("finish")) else _to_date(rec.get("finish"), "finish")
        rows.append((task_id, start, finish, hours, duration))
    total_hours = sum(r[3] for r in rows)
    total_days = sum(r[4] for r in rows)
    weights = [r[3] for r in rows] if total_hours > 0 else [r[4] for r in rows]
    total = total_hours if total_hours > 0 else total_days
    budgets = [bac * w / total if total > 0 else 0.0 for w in weights]
    rows = sorted(zip(rows, budgets, strict=True), key=lambda x: (x[0][1] or date.max, str(x[0][0])))
    return pd.DataFrame({
        "task_id": _series([r[0] for r, _ in rows], object),
        "start": _series([r[1] for r, _ in rows], object),
        "finish": _series([r[2] for r, _ in rows], object),
        "estimate_hours": _series([r[3] for r, _ in rows], "float64"),
        "budget": _series([b for _, b in rows], "float64"),
    }, columns=TASK_BUDGET_COLUMNS)


def lines_baseline(lines: pd.DataFrame) -> pd.DataFrame:
    """Budget lines as pseudo baseline tasks, one per month, for :func:`planned_value_curve`.

    The fallback when a project has no baseline (or its baseline has no estimates): PV(t) is the money planned
    in the budget lines, each month's total spread evenly over that month's working days.

    Parameters
    ----------
    lines : DataFrame
        ``month``, ``planned`` (≥ 0).

    Returns
    -------
    DataFrame
        ``task_id`` ("YYYY-MM"), ``start`` (first day of the month), ``finish`` (last day), ``budget``; one row per
        month, sorted.

    Raises
    ------
    ValidationError
        A missing column, a month that is not a date, or a negative amount.
    """
    _require(lines, ["month", "planned"], "Budget lines")
    months: dict[date, float] = {}
    for rec in lines.to_dict("records"):
        month = month_start(rec["month"])
        months[month] = months.get(month, 0.0) + _number(rec["planned"], "planned", minimum=0)
    keys = sorted(months)
    return pd.DataFrame({
        "task_id": _series([f"{k:%Y-%m}" for k in keys], object),
        "start": _series(keys, object),
        "finish": _series([_month_end(k) for k in keys], object),
        "budget": _series([months[k] for k in keys], "float64"),
    }, columns=["task_id", "start", "finish", "budget"])


def planned_to_date(lines: pd.DataFrame, today: date) -> float:
    """Money planned by the end of ``today`` in budget lines [month, planned]: past months in full, the current
    month pro rata by calendar days (``planned × day / days in month``), later months not at all."""
    return float(planned_to_date_by(lines, today).sum())


def planned_to_date_by(lines: pd.DataFrame, today: date, by: str | None = None) -> pd.Series:
    """:func:`planned_to_date` per value of column ``by`` (a Series indexed by it), or per line when ``by`` is None.

    Raises
    ------
    ValidationError
        A missing column, a month that is not a date, or a negative or non-finite amount.
    """
    _require(lines, ["month", "planned"] + ([by] if by else []), "Budget lines")
    day = _to_date(today, "today")
    this_month = day.replace(day=1)
    share_now = day.day / _month_end(day).day
    months = [month_start(v) for v in lines["month"]]
    planned = [_number(v, "planned", minimum=0) for v in lines["planned"]]
    amounts = [p if mo < this_month else p * share_now if mo == this_month else 0.0
               for mo, p in zip(months, planned, strict=True)]
    out = pd.Series(amounts, index=lines.index, dtype="float64")
    return out if by is None else out.groupby(lines[by]).sum()


# --- explaining an overrun ------------------------------------------------------------------------------------


def overrun_reasons(by_category: pd.DataFrame, *, currency: str = "", top: int = 3) -> list[str]:
    """The categories spending more than planned to date, biggest overrun first, as sentences.

    Parameters
    ----------
    by_category : DataFrame
        ``category``, ``planned`` (to date), ``actual`` (to date).
    currency : str
        Prefix for amounts ("€").
    top : int
        At most this many reasons.

    Returns
    -------
    list of str
        e.g. ``["services €41,000 spent vs €30,400 planned to date (+35 %)", ...]``; a category with nothing
        planned reads "… spent with nothing planned".
    """
    _require(by_category, ["category", "planned", "actual"], "Spend by category")
    found = []
    for rec in by_category.to_dict("records"):
        planned = _number(rec["planned"], "planned", default=0.0)
        actual = _number(rec["actual"], "actual", default=0.0)
        if _over(actual, planned) and actual - planned >= 0.5:
            found.append((actual - planned, rec["category"], planned, actual))
    found.sort(key=lambda f: (-f[0], str(f[1])))
    out = []
    for _gap, category, planned, actual in found[:top]:
        if planned > 0:
            out.append(f"{category} {_cur(actual, currency)} spent vs {_cur(planned, currency)} planned to date "
                       f"(+{(actual - planned) / planned * 100:.0f} %)")
        else:
            out.append(f"{category} {_cur(actual, currency)} spent with nothing planned")
    return out


def _cur(x: float | None, currency: str = "") -> str:
    """Money the way worksmith.fmt writes it ("€12,300", "−€500"), via fmt_money's rounding; "—" if undefined."""
    text = fmt_money(x)
    if text == DASH or not currency:
        return text
    return f"−{currency}{text[1:]}" if text.startswith("−") else f"{currency}{text}"


# --- ROI cash flow --------------------------------------------------------------------------------------------

BENEFIT_MONTHS = 12


def month_range(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s month to ``last``'s month, both included (empty if reversed)."""
    cur, end = month_start(first), month_start(last)
    out = []
    while cur <= end:
        out.append(cur)
        cur = _add_months(cur, 1)
    return out


def roi_cash_flow(*, benefit: float, actual_by_month: Mapping[date, float], remaining_cost: float,
                  remaining_from: date, remaining_until: date, benefit_start: date,
                  benefit_months: int = BENEFIT_MONTHS) -> pd.DataFrame:
    """Monthly cost and benefit of a project, for ROI and payback.

    * cost: the actual cost of each past month, then ``remaining_cost`` (forecast at completion − spent) spread
      evenly over the months from ``remaining_from`` to ``remaining_until`` (at least one month);
    * benefit: ``benefit`` (the expected benefit) spread evenly over ``benefit_months`` months from
      ``benefit_start``'s month.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``cost``, ``benefit``, ``cum_cost``, ``cum_benefit``; sorted by month, months with
        neither cost nor benefit between the first and the last one included.

    Raises
    ------
    ValidationError
        A negative or non-finite amount, or ``benefit_months`` < 1.
    """
    benefit = _number(benefit, "benefit", default=0.0, minimum=0)
    remaining = _number(remaining_cost, "remaining cost", default=0.0, minimum=0)
    if benefit_months < 1:
        raise ValidationError("benefit_months must be at least 1", field="benefit_months")
    cost: dict[date, float] = {}
    for month, amount in actual_by_month.items():
        key = month_start(month)
        cost[key] = cost.get(key, 0.0) + _number(amount, "actual cost", minimum=0)
    if remaining > 0:
        months = month_range(remaining_from, max(_to_date(remaining_until, "until"), _to_date(remaining_from,
                                                                                             "from")))
        for month in months:
            cost[month] = cost.get(month, 0.0) + remaining / len(months)
    gain: dict[date, float] = {}
    if benefit > 0:
        first = month_start(benefit_start)
        for k in range(benefit_months):
            gain[_add_months(first, k)] = benefit / benefit_months
    keys = sorted(set(cost) | set(gain))
    if keys:
        keys = month_range(keys[0], keys[-1])
    c = [cost.get(k, 0.0) for k in keys]
    b = [gain.get(k, 0.0) for k in keys]
    return pd.DataFrame({
        "month": _series(keys, object),
        "cost": _series(c, "float64"),
        "benefit": _series(b, "float64"),
        "cum_cost": _series(np.cumsum(c).tolist() if c else [], "float64"),
        "cum_benefit": _series(np.cumsum(b).tolist() if b else [], "float64"),
    })


# --- expenses: validation and CSV import ----------------------------------------------------------------------

CATEGORIES = ("labour", "software", "travel", "services", "other")  # as models.BUDGET_CATEGORIES
EXPENSE_PAST_YEARS = 5
EXPENSE_FUTURE_DAYS = 90
NOTE_MAX = 500
EXPENSE_CSV_COLUMNS = ("date", "project", "category", "amount", "note")
_CSV_ALIASES = {"day": "date", "owner": "project", "operation": "project", "notes": "note", "description": "note"}
IMPORT_ROW_COLUMNS = ["row", "day", "project_id", "operation_id", "owner", "category", "amount", "note"]
IMPORT_ERROR_COLUMNS = ["row", "column", "value", "problem"]


def expense_date_range(today: date) -> tuple[date, date]:
    """The dates an expense may have: from 1 January ``EXPENSE_PAST_YEARS`` years back to ``EXPENSE_FUTURE_DAYS``
    days after today (an invoice dated a little ahead is fine; a typo like 2062 is not)."""
    day = _to_date(today, "today")
    return date(day.year - EXPENSE_PAST_YEARS, 1, 1), day + timedelta(days=EXPENSE_FUTURE_DAYS)


def _day_text(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def check_expense(*, day: Any, category: Any, amount: Any, note: Any, today: date) -> list[tuple[str, str]]:
    """Problems with one expense, as ``(field, sentence)`` pairs naming the field; empty when it is valid.

    Rules: ``amount`` a positive finite number; ``day`` a date inside :func:`expense_date_range`; ``category`` one
    of ``CATEGORIES``; ``note`` at most ``NOTE_MAX`` characters.
    """
    problems: list[tuple[str, str]] = []
    first, last = expense_date_range(today)
    if _missing(day):
        problems.append(("date", "date is missing"))
    else:
        try:
            d = _to_date(day, "date")
        except ValidationError:
            problems.append(("date", f"date {day!r} is not a date (use YYYY-MM-DD)"))
        else:
            if not first <= d <= last:
                problems.append(("date", f"date {_day_text(d)} is outside {_day_text(first)} – {_day_text(last)}"))
    if _missing(category) or str(category).strip() == "":
        problems.append(("category", f"category is missing (one of {', '.join(CATEGORIES)})"))
    elif str(category).strip().lower() not in CATEGORIES:
        problems.append(("category", f"category '{category}' is not one of {', '.join(CATEGORIES)}"))
    if amount is None or amount is pd.NA or (isinstance(amount, str) and not amount.strip()):
        problems.append(("amount", "amount is missing"))
    else:
        try:
            value = float(amount)
        except (TypeError, ValueError):
            problems.append(("amount", f"amount {amount!r} is not a number"))
        else:
            if not math.isfinite(value):
                problems.append(("amount", f"amount must be a finite number, not {amount!r}"))
            elif value <= 0:
                problems.append(("amount", f"amount must be more than 0, not {fmt_money(value)}"))
    if not _missing(note) and len(str(note)) > NOTE_MAX:
        problems.append(("note", f"note is {len(str(note))} characters long (at most {NOTE_MAX})"))
    return problems


def _parse_amount(text: str) -> float | None:
    t = re.sub(r"[\s\u00a0\u202f€$£]", "", text)
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        return float(t)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+,\d+", t):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", t):
        return float(t.replace(",", "."))
    return None


def _parse_day(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _owner_lookup(projects: pd.DataFrame, operations: pd.DataFrame):
    _require(projects, ["id", "name"], "Projects")
    _require(operations, ["id", "name"], "Operations")
    project_ids = {int(i): str(n) for i, n in zip(projects["id"], projects["name"], strict=True)}
    operation_ids = {int(i): str(n) for i, n in zip(operations["id"], operations["name"], strict=True)}
    by_name: dict[str, tuple[str, int]] = {}
    for i, n in operation_ids.items():
        by_name.setdefault(n.strip().casefold(), ("operation", i))
    for i, n in project_ids.items():
        by_name[n.strip().casefold()] = ("project", i)  # a project wins over an operation of the same name

    def resolve(text: str) -> tuple[str, int, str] | str:
        key = text.strip()
        match = re.fullmatch(r"(project|operation)\s*[:#]\s*(\d+)", key, flags=re.IGNORECASE)
        if match:
            kind, number = match.group(1).lower(), int(match.group(2))
            names = project_ids if kind == "project" else operation_ids
            return (kind, number, names[number]) if number in names else f"there is no {kind} with id {number}"
        if re.fullmatch(r"\d+", key):
            number = int(key)
            if number in project_ids:
                return "project", number, project_ids[number]
            return f"there is no project with id {number}"
        found = by_name.get(key.casefold())
        if found is None:
            return f"there is no project or operation named '{key}'"
        kind, number = found
        return kind, number, (project_ids if kind == "project" else operation_ids)[number]

    return resolve


def parse_expense_csv(data: bytes | str, *, projects: pd.DataFrame, operations: pd.DataFrame,
                      today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read expenses from CSV text: ``date, project, category, amount, note``, all or nothing.

    * Header names are matched case-insensitively (``day`` = date, ``owner``/``operation`` = project,
      ``notes``/``description`` = note); other columns are ignored; ``note`` may be left out. The delimiter is
      ``,``, ``;`` or a tab (the one the header uses most).
    * ``date`` as ``YYYY-MM-DD`` inside :func:`expense_date_range`.
    * ``project``: a project id (``7``), a project name, an operation name (case-insensitive), or ``project:7`` /
      ``operation:3``. A project wins over an operation with the same name.
    * ``category`` one of ``CATEGORIES`` (any case); ``amount`` a positive number — ``1234.5``, ``1,234.50``,
      ``1.234,50``, ``12,50`` and a currency sign (€ $ £) are understood.
    * Blank lines are skipped; row numbers count data rows as a person reads them (row 1 = the first row below the
      header), blank ones included.

    Parameters
    ----------
    data : bytes or str
        The file (UTF-8, with or without BOM; Windows-1252 is tried when it is not UTF-8).
    projects, operations : DataFrame
        ``id``, ``name`` of the existing projects and operations.
    today : date
        For the date range.

    Returns
    -------
    (rows, errors) : tuple of DataFrame
        ``rows`` (``IMPORT_ROW_COLUMNS``: row, day, project_id, operation_id, owner name, category, amount, note)
        holds every valid row; ``errors`` (``IMPORT_ERROR_COLUMNS``: row — ``None`` for a whole-file problem —,
        column, value, problem) every problem. Import only when ``errors`` is empty: the rows of a file with any
        error must not be written (all or nothing).
    """
    resolve = _owner_lookup(projects, operations)
    errors: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []

    def error(row: int | None, column: str, value: Any, problem: str) -> None:
        errors.append({"row": row, "column": column, "value": "" if value is None else str(value),
                       "problem": problem})

    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            text = bytes(data).decode("cp1252", errors="replace")
    else:
        text = str(data).lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        error(None, "", "", "the file is empty: expected a header date, project, category, amount, note")
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    first = lines[header_line]
    delimiter = max([",", ";", "\t"], key=lambda d: (first.count(d), d == ","))
    records = list(csv.reader(io.StringIO("\n".join(lines[header_line:])), delimiter=delimiter))
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in records[0]]
    missing = [c for c in EXPENSE_CSV_COLUMNS[:4] if c not in header]
    if missing:
        error(None, ", ".join(missing), "", f"missing column{'s' if len(missing) > 1 else ''} "
              f"{', '.join(missing)} (the header needs date, project, category, amount and may have note)")
        return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)
    index = {c: header.index(c) for c in EXPENSE_CSV_COLUMNS if c in header}
    for number, rec in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in rec):
            continue
        cell = {c: (rec[i].strip() if i < len(rec) else "") for c, i in index.items()}
        before, reported = len(errors), set()
        day = _parse_day(cell["date"])
        if cell["date"] and day is None:
            error(number, "date", cell["date"], f"'{cell['date']}' is not a date (use YYYY-MM-DD, e.g. 2026-03-31)")
            reported.add("date")
        amount = _parse_amount(cell["amount"]) if cell["amount"] else None
        if cell["amount"] and amount is None:
            error(number, "amount", cell["amount"], f"'{cell['amount']}' is not a number")
            reported.add("amount")
        for field, problem in check_expense(day=day, category=cell["category"], amount=amount,
                                            note=cell.get("note", ""), today=today):
            if field not in reported:
                error(number, field, cell.get(field, ""), problem)
        owner = resolve(cell["project"]) if cell["project"] else "project is missing (a project id or name)"
        if isinstance(owner, str):
            error(number, "project", cell["project"], owner)
        if len(errors) > before:
            continue
        kind, owner_id, name = owner
        rows.append({"row": number, "day": day, "project_id": owner_id if kind == "project" else None,
                     "operation_id": owner_id if kind == "operation" else None, "owner": name,
                     "category": cell["category"].lower(), "amount": amount, "note": cell.get("note", "")})
    if not rows and not errors:
        error(None, "", "", "the file has a header but no expense rows")
    return _frame_of(rows, IMPORT_ROW_COLUMNS), _frame_of(errors, IMPORT_ERROR_COLUMNS)


def _frame_of(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: _series([r[c] for r in records], object) for c in columns}, columns=columns)
