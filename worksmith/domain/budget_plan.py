"""Plan versus actual: budget lines against what was spent, money planned to date, and budget alerts.

Pure module: plain data in (DataFrames with the columns documented per function, dates, numbers), plain data out.

Formulas
--------
* Planned to date = past months' budget lines in full, the current month pro rata by calendar days
  (``planned × day / days in month``), later months not at all (:func:`planned_to_date`; the one rule, also for the
  portfolio's project health).
* Actual = expenses + booked hours × the person's cost rate (labour, category "labour").
* ``variance = actual − planned`` (positive = spent more than planned), ``variance_pct = variance / planned`` as a
  fraction (0.2 = 20 %, as ``worksmith.fmt.percent`` expects; ``None`` when nothing was planned).
* **Noise threshold** (:func:`is_material`): a variance is shown neutral, never red or green, when
  ``|variance| < 2 %`` of its base **or** ``|variance| < 1,000`` (money units). A forecast against the budget is
  neutral within the 5 % tolerance of the forecast alert (:func:`forecast_vs_budget`, one wording for tile and
  headline: "on the €136,000 budget (+3 %, within 5 %)").
* Alerts (:func:`budget_alerts`; "critical" beyond the second threshold): ``CPI = EV / AC`` < 0.9 (< 0.8);
  ``EAC`` more than 5 % over BAC (10 %); spent this month more than 10 % over the month's plan (20 %), any spending
  with no plan for the month a warning — a monthly overspend below the noise threshold raises nothing.
* CPI and EAC are **not meaningful before work has started** (EV = 0: nothing earned) **or while a project is on
  hold** (its work is stopped; the cost-performance extrapolation describes nothing). Such a project gets no CPI or
  forecast alert; an active project with nothing earned but material spending (≥ 1,000 and ≥ 2 % of BAC) gets one
  warning "not started (nothing earned), €X spent"; smaller amounts (€290 on a project that has not started) raise
  nothing. Nothing spent → no cost alert at all.
* An overrun is explained by the categories whose spend to date exceeds their plan to date, biggest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from worksmith import fmt
from worksmith.domain.evm import earned_value
from worksmith.domain.money import (  # noqa: F401 - planned_to_date re-exported: the one rule lives in money
    checked_number,
    exceeds,
    month_end,
    month_start,
    planned_to_date,
    require_columns,
)
from worksmith.errors import ValidationError
from worksmith.values import finite_or_none

CATEGORIES = ("labour", "software", "travel", "services", "other")  # as models.BUDGET_CATEGORIES
CPI_WARNING, CPI_CRITICAL = 0.9, 0.8
EAC_OVER_WARNING, EAC_OVER_CRITICAL = 0.05, 0.10
MONTH_OVER_WARNING, MONTH_OVER_CRITICAL = 0.10, 0.20
NOISE_PCT, NOISE_ABS = 0.02, 1_000.0  # |variance| below either is noise: shown neutral, never alerted
PLAN_VS_ACTUAL_COLUMNS = ["owner", "category", "month", "planned", "actual", "variance", "variance_pct"]
ALERT_COLUMNS = ["owner", "name", "rule", "severity", "message"]


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
    require_columns(lines, ["owner", "category", "month", "planned"], "Budget lines")
    require_columns(expenses, ["owner", "category", "day", "amount"], "Expenses")
    require_columns(labour, ["owner", "day", "hours", "cost_rate"], "Time entries")
    cells: dict[tuple[str, str, date], list[float]] = {}

    def add(owner: Any, category: Any, month: Any, planned: float, actual: float) -> None:
        key = (str(owner), str(category), month_start(month))
        cell = cells.setdefault(key, [0.0, 0.0])
        cell[0] += planned
        cell[1] += actual

    for rec in lines.to_dict("records"):
        add(rec["owner"], rec["category"], rec["month"], checked_number(rec["planned"], "planned", minimum=0), 0.0)
    for rec in expenses.to_dict("records"):
        add(rec["owner"], rec["category"], rec["day"], 0.0, checked_number(rec["amount"], "amount", minimum=0))
    for rec in labour.to_dict("records"):
        hours = checked_number(rec["hours"], "hours", default=0.0, minimum=0)
        rate = checked_number(rec["cost_rate"], "cost_rate", default=0.0, minimum=0)
        add(rec["owner"], "labour", rec["day"], 0.0, hours * rate)

    keys = sorted(cells, key=lambda k: (k[0], k[2], k[1]))
    planned = [cells[k][0] for k in keys]
    actual = [cells[k][1] for k in keys]
    variance = [a - p for a, p in zip(actual, planned, strict=True)]
    pct = [None if p == 0 else finite_or_none(v / p) for v, p in zip(variance, planned, strict=True)]
    return pd.DataFrame({
        "owner": pd.Series([k[0] for k in keys], dtype="str" if keys else object),
        "category": pd.Series([k[1] for k in keys], dtype="str" if keys else object),
        "month": pd.Series([k[2] for k in keys], dtype=object),
        "planned": pd.Series(planned, dtype="float64"),
        "actual": pd.Series(actual, dtype="float64"),
        "variance": pd.Series(variance, dtype="float64"),
        "variance_pct": pd.Series(pct, dtype=object),
    }, columns=PLAN_VS_ACTUAL_COLUMNS)


def is_material(variance: float | None, base: float | None) -> bool:
    """Whether a variance deserves colour: ``|variance| ≥ NOISE_ABS`` and ``|variance| ≥ NOISE_PCT × |base|``.

    >>> is_material(1_675, 408_517), is_material(900, 2_000), is_material(5_000, 100_000)
    (False, False, True)
    """
    if variance is None or abs(variance) < NOISE_ABS:
        return False
    return base is None or base == 0 or abs(variance) >= NOISE_PCT * abs(base)


def forecast_vs_budget(eac: float | None, bac: float, currency: str = "") -> tuple[float | None, str, bool]:
    """``(over, words, material)``: EAC against BAC as a fraction, the one wording for tile and headline, and
    whether it is beyond the 5 % tolerance of the forecast alert.

    >>> forecast_vs_budget(103_000, 100_000)
    (0.03, 'on the 100,000 budget (+3 %, within 5 %)', False)
    >>> forecast_vs_budget(112_000, 100_000, "€")[1]
    '12 % over the €100,000 budget'
    """
    if eac is None or not bac:
        return None, "no forecast against a budget", False
    over = round((eac - bac) / bac, 12)
    if abs(over) <= EAC_OVER_WARNING:
        sign = "+" if over > 0.005 else "−" if over < -0.005 else "±"
        words = f"on the {fmt.money(bac, currency)} budget ({sign}{abs(over) * 100:.0f} %, "
        return over, words + f"within {EAC_OVER_WARNING * 100:.0f} %)", False
    word = "over" if over > 0 else "under"
    return over, f"{abs(over) * 100:.0f} % {word} the {fmt.money(bac, currency)} budget", True


def budget_alerts(rows: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """Budget warnings per project/operation, each explained with its numbers.

    Rules (severity "critical" beyond the second threshold, else "warning"; see the module docstring):

    * ``cpi`` — CPI = EV / AC < 0.9 (critical < 0.8).
    * ``forecast`` — EAC more than 5 % over BAC (critical > 10 %); skipped when BAC is 0 or EAC undefined.
    * ``not_started`` — instead of both when nothing is earned yet (EV = 0): a warning when the spending is
      material (≥ 1,000 and ≥ 2 % of BAC), else nothing. A project on hold gets neither (its work is stopped).
    * ``monthly_spend`` — spent this month more than 10 % over the month's plan (critical > 20 %); with no plan
      for the month any spending is a warning; an overspend below the noise threshold (:func:`is_material`) is not.

    Parameters
    ----------
    rows : DataFrame
        ``owner``, ``name``, ``bac``, ``ev``, ``ac``, ``pv``, ``spent_this_month``, ``planned_this_month`` and
        optionally ``status`` ("on hold" switches the cost-performance rules off; active when missing).
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
    require_columns(rows, needed, "Budget rows")
    alerts: list[dict[str, Any]] = []

    def money(x: float | None) -> str:
        return fmt.money(x, currency, cents=True)

    for row, rec in enumerate(rows.to_dict("records")):
        try:
            nums = {k: checked_number(rec[k], k, default=0.0, minimum=0) for k in needed[2:]}
        except ValidationError as exc:
            raise ValidationError(f"{rec['name']}: {exc}", field=exc.field, row=row) from exc
        m = earned_value(nums["bac"], nums["pv"], nums["ev"], nums["ac"])

        def alert(rule: str, critical: bool, message: str, _rec: Mapping[str, Any] = rec) -> None:
            alerts.append({"owner": _rec["owner"], "name": _rec["name"], "rule": rule,
                           "severity": "critical" if critical else "warning", "message": message})

        cpi, eac, bac = m["CPI"], m["EAC"], m["BAC"]
        on_hold = rec.get("status") == "on hold"
        if on_hold or m["AC"] == 0:
            pass  # stopped work or nothing spent: no cost-performance verdict
        elif m["EV"] == 0:
            if is_material(m["AC"], bac):
                alert("not_started", False, f"not started (nothing earned), {money(m['AC'])} spent")
        else:
            if cpi is not None and cpi < CPI_WARNING:
                alert("cpi", cpi < CPI_CRITICAL,
                      f"CPI {fmt.ratio(cpi)} = EV {money(m['EV'])} / AC {money(m['AC'])} < {CPI_WARNING}")
            if eac is not None and bac > 0 and exceeds(eac, bac * (1 + EAC_OVER_WARNING)):
                over = (eac - bac) / bac
                alert("forecast", exceeds(eac, bac * (1 + EAC_OVER_CRITICAL)),
                      f"Forecast EAC {money(eac)} is {over:.0%} over BAC {money(bac)} (> {EAC_OVER_WARNING:.0%}): "
                      f"EAC = AC {money(m['AC'])} + (BAC {money(bac)} − EV {money(m['EV'])}) / CPI "
                      f"{fmt.ratio(m['CPI'], 3)}")
        spent, plan = nums["spent_this_month"], nums["planned_this_month"]
        if not is_material(spent - plan, plan):
            continue
        if plan == 0:
            alert("monthly_spend", False, f"Spent {money(spent)} this month with nothing planned for it")
        elif exceeds(spent, plan * (1 + MONTH_OVER_WARNING)):
            alert("monthly_spend", exceeds(spent, plan * (1 + MONTH_OVER_CRITICAL)),
                  f"Spent {money(spent)} this month, {(spent - plan) / plan:.0%} over the plan of {money(plan)} "
                  f"(> {MONTH_OVER_WARNING:.0%})")
    alerts.sort(key=lambda a: a["severity"] != "critical")
    return pd.DataFrame({c: pd.Series([a[c] for a in alerts], dtype=None if alerts else object) for c in ALERT_COLUMNS},
                        columns=ALERT_COLUMNS)


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
    require_columns(by_category, ["category", "planned", "actual"], "Spend by category")
    rows = [(r["category"], r["planned"], r["actual"]) for r in by_category.to_dict("records")]
    return overrun_reasons_of(rows, currency=currency, top=top)


def overrun_reasons_of(rows: Iterable[tuple[Any, Any, Any]], *, currency: str = "", top: int = 3) -> list[str]:
    """:func:`overrun_reasons` of ``(category, planned, actual)`` tuples (no frame to build per owner)."""
    found = []
    for category, planned_, actual_ in rows:
        planned = checked_number(planned_, "planned", default=0.0)
        actual = checked_number(actual_, "actual", default=0.0)
        if exceeds(actual, planned) and actual - planned >= 0.5:
            found.append((actual - planned, category, planned, actual))
    found.sort(key=lambda f: (-f[0], str(f[1])))
    out = []
    for _gap, category, planned, actual in found[:top]:
        spent = fmt.money(actual, currency, cents=True)
        if planned > 0:
            out.append(f"{category} {spent} spent vs {fmt.money(planned, currency, cents=True)} planned to date "
                       f"(+{(actual - planned) / planned * 100:.0f} %)")
        else:
            out.append(f"{category} {spent} spent with nothing planned")
    return out
