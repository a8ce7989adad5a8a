"""Budgets, the read side for one project or operation: metrics, the burn chart's data, the EVM table with its
formulas, spend by category, budget lines and expenses (see :mod:`worksmith.views.budgets` for where the numbers
come from)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.budget_plan import EAC_OVER_WARNING, forecast_vs_budget, planned_to_date
from worksmith.domain.evm import (
    EVM_COLUMNS,
    METRICS,
    actual_cost_curve,
    evm_series,
    lines_baseline,
    planned_value_curve,
)
from worksmith.domain.money import month_end, month_range, safe_div
from worksmith.domain.portfolio import working_days_late
from worksmith.errors import NotFoundError
from worksmith.views.budgets import (
    BudgetData,
    Evm,
    alerts_of,
    by_category_to_date,
    compare_title,
    evm_of,
    load,
    long_bars,
    month_figures,
    parse_owner,
    pct,
    present_alerts,
    project_rows,
    signed,
    variance_colour,
)
from worksmith.views.metric import Metric

LINE_COLUMNS = ["id", "version", "month", "category", "planned"]
EXPENSE_COLUMNS = ["id", "version", "day", "category", "amount", "note"]
MEANINGS = {
    "BAC": "Budget at completion: the approved budget",
    "PV": "Planned to date (planned value): budget lines of past months in full, this month pro rata",
    "EV": "Earned value: budget of the work actually done",
    "AC": "Actual cost: expenses plus booked hours × cost rate",
    "CV": "Cost variance: negative = the work done cost more than budgeted",
    "SV": "Schedule variance: negative = less work done than planned",
    "CPI": "Cost performance: value earned per unit spent (< 1 = overspending)",
    "SPI": "Schedule performance: work done per unit planned (< 1 = behind)",
    "EAC": "Estimate at completion: forecast total cost at today's CPI (the bottom-up one is on the tiles)",
    "ETC": "Estimate to complete: forecast cost still to come",
    "VAC": "Variance at completion: negative = forecast over budget",
    "TCPI": "CPI needed on the remaining work to finish within BAC",
}


@dataclass
class OwnerView:
    owner: str
    kind: str
    name: str
    status: str
    metrics: list[Metric]
    series: pd.DataFrame
    chart_title: str
    bac: float | None
    method: str
    evm_table: pd.DataFrame
    by_category: pd.DataFrame
    category_title: str
    lines: pd.DataFrame
    expenses: pd.DataFrame
    alerts: pd.DataFrame


def _evm_table(evm: Evm, currency: str) -> pd.DataFrame:
    """[metric, value, formula, meaning]: each figure with its formula and the numbers substituted."""
    mtr, money = evm.metrics, partial(fmt.money, currency="", cents=True)
    spent_on = actual_cost_curve(evm.expenses, evm.time, [evm.today]).iloc[0]
    inputs = {
        "BAC": f"BAC = project budget = {money(evm.bac)}",
        "PV": f"PV = planned to date = budget lines of past months + this month pro rata = {money(evm.pv)}",
        "EV": f"EV = Σ task % complete × task budget = {money(evm.ev)}" if "baseline" in evm.method
        else f"EV = overall % complete × BAC = {money(evm.ev)}",
        "AC": f"AC = expenses + hours × cost rate = {money(spent_on['expenses'])} + "
              f"{money(spent_on['labour'])} = {money(evm.ac)}",
    }
    formulas = {**inputs, **mtr["formulas"]}
    rows = []
    for key in METRICS:
        value = mtr[key]
        text = fmt.ratio(value) if key in ("CPI", "SPI", "TCPI") else fmt.money(value, currency)
        rows.append({"metric": key, "value": text, "formula": formulas[key], "meaning": MEANINGS[key]})
    return pd.DataFrame(rows, columns=["metric", "value", "formula", "meaning"])


def owner_view(session: Session, *, owner: str, today: date) -> OwnerView:
    """Everything the project/operation view shows: metrics, burn chart data, EVM table, categories, lines,
    expenses and alerts.

    Raises
    ------
    NotFoundError
        No such project or operation.
    """
    kind, owner_id = parse_owner(owner)
    data = load(session, today)
    match = data.owners[data.owners["owner"] == owner]
    if match.empty:
        raise NotFoundError(f"There is no {kind} {owner_id} (it may have been deleted) — choose another one.")
    row = match.iloc[0]
    # plain Python values (object columns): the editor's identity hashes the data, and a frame must serialise the
    # same whether it comes fresh from this function or unpickled from the page's cache (pandas' string dtype does not)
    lines = data.of(data.lines, owner).sort_values(["month", "category"])[LINE_COLUMNS].reset_index(drop=True)
    lines = lines.astype({"id": "int64", "version": "int64", "month": object, "category": object,
                          "planned": "float64"})
    expenses = data.of(data.expenses, owner).sort_values(["day", "id"], ascending=False)[EXPENSE_COLUMNS].astype(
        {"id": "int64", "version": "int64", "day": object, "category": object, "amount": "float64", "note": object})
    alert_all = alerts_of(data, project_rows(data)) if kind == "project" else alerts_of(data, [])
    alert_frame = present_alerts(alert_all[alert_all["owner"] == owner], data)
    if kind == "project":
        project = data.projects[data.projects["id"] == owner_id].iloc[0].to_dict()
        evm = evm_of(data, project)
        metrics, series, title, table = _project_figures(evm, project, data)
        by_cat = by_category_to_date(data, owner)
        bac, method = evm.bac, evm.method
    else:
        metrics, series, title = _operation_figures(data, owner, str(row["name"]))
        table, bac, method = pd.DataFrame(columns=["metric", "value", "formula", "meaning"]), None, ""
        by_cat = by_category_to_date(data, owner, since=date(today.year, 1, 1))
    by_cat = by_cat.rename(columns={"category": "group"})
    cat_title = compare_title(by_cat, "category")
    return OwnerView(owner, kind, str(row["name"]), str(row["status"]), metrics, series, title, bac, method, table,
                     long_bars(by_cat), cat_title, lines, expenses.reset_index(drop=True), alert_frame)


def _finish_tile(evm: Evm, project: Mapping[str, Any]) -> Metric:
    """The schedule's forecast finish (as on Projects), against the target; the earned-value projection in the help."""
    finish, target = evm.forecast_finish, project["target_end"] if pd.notna(project["target_end"]) else None
    if finish is None:
        return Metric("Forecast finish", fmt.DASH, "no scheduled tasks yet", "off",
                      help="The schedule's finish is the latest task finish from the plan, as on Projects; this "
                           "project has no scheduled tasks yet.")
    late = working_days_late(target, finish)
    projection = evm.ev_projection
    why = ("the same date" if projection == finish else
           f"{'later' if projection > finish else 'earlier'}, because it assumes the remaining work goes at today's "
           f"SPI {fmt.ratio(evm.metrics['SPI'])}, while the schedule uses the tasks' own dates and links")
    return Metric("Forecast finish", f"{finish.day} {finish:%b %Y}",
                  "no target" if late is None else f"{fmt.days(late)} vs target".replace("−", "-"),
                  "inverse" if late else "off",
                  help=f"The schedule's finish: the latest task finish from the plan, as on Projects (working days "
                       f"vs the target end). Earned-value projection (start + planned duration / SPI): "
                       f"{fmt.day(projection)} — {why}.")


def _project_figures(evm: Evm, project: Mapping[str, Any], data: BudgetData):
    cur, mtr, bu = data.currency, evm.metrics, evm.bottom_up
    eac, cpi = mtr["EAC"], mtr["CPI"]
    over, words, material = forecast_vs_budget(eac, evm.bac, cur)
    spent_gap = evm.ac - evm.pv
    metrics = [
        Metric("Budget (BAC)", fmt.money(evm.bac, cur), f"{fmt.money(evm.pv, cur)} planned to date", "off",
               help=evm.method),
        Metric("Actual cost (AC)", fmt.money(evm.ac, cur),
               f"{pct(safe_div(spent_gap, evm.pv))} vs planned to date" if evm.pv else None,
               variance_colour(spent_gap, evm.pv),
               help="Expenses plus booked hours × each person's cost rate, up to today; against planned to date "
                    "(the figure the portfolio's health uses). Grey below 2 % or 1,000: noise."),
        Metric("Earned value (EV)", fmt.money(evm.ev, cur), f"CPI {fmt.ratio(cpi)} · SPI {fmt.ratio(mtr['SPI'])}",
               "off", help=mtr["formulas"]["CPI"] + " · " + mtr["formulas"]["SPI"]),
        Metric("Forecast (EAC, CPI-based)", fmt.money(eac, cur), None if over is None else f"{pct(over)} vs budget",
               "inverse" if material else "off",
               help=f"{mtr['formulas']['EAC']} · {mtr['formulas']['VAC']}. Extrapolates the cost performance so "
                    f"far: {words}."),
        Metric("Forecast (bottom-up)", fmt.money(bu.get("eac"), cur),
               f"{pct(safe_div(bu['eac'] - evm.bac, evm.bac))} vs budget" if evm.bac and bu else None,
               "inverse" if forecast_vs_budget(bu.get("eac"), evm.bac)[2] else "off",
               help=f"EAC = AC + bottom-up ETC = {fmt.money(evm.ac, '')} + {fmt.money(bu.get('etc'), '')}; "
                    f"{bu.get('formula', '')} (unassigned work at {fmt.money(bu.get('default_rate'), cur)}/h). "
                    "Re-prices the work still in the plan, so it moves when the plan changes."),
        _finish_tile(evm, project),
    ]
    series = evm_series(bac=evm.bac, ev=evm.ev, today=data.today, start=evm.start,
                          planned_finish=evm.planned_finish, planned_lines=evm.lines,
                          schedule_finish=evm.forecast_finish, expenses=evm.expenses, time=evm.time)
    name = project["name"]
    if evm.bac == 0:
        title = f"{name}: no budget yet — plan it under Budget lines ({fmt.money(evm.ac, cur)} spent so far)"
    elif eac is None:
        title = f"{name}: {fmt.money(evm.ac, cur)} spent and nothing earned yet — no cost forecast"
    elif material:
        title = f"{name}: forecast {fmt.money(eac, cur)} at completion, {words} (CPI {fmt.ratio(cpi)})"
    else:
        title = f"{name}: forecast {fmt.money(eac, cur)} at completion, {words}"
    return metrics, series, title, _evm_table(evm, cur)


def _operation_figures(data: BudgetData, owner: str, name: str):
    today, cur = data.today, data.currency
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    lines = data.of(data.lines, owner)
    lines = lines[(lines["month"] >= first) & (lines["month"] <= last)]
    plan_year = float(lines["planned"].sum())
    plan_ytd = float(planned_to_date(lines, today, None).sum())
    exp = data.of(data.expenses, owner)
    exp = exp[exp["day"] >= first][["day", "amount"]]
    time = data.of(data.labour, owner)
    time = time[time["day"] >= first][["day", "hours", "cost_rate"]]
    ac = float(actual_cost_curve(exp, time, [today])["ac"].iloc[0])
    rate = safe_div(ac, plan_ytd)
    forecast = ac + (plan_year - plan_ytd) * (rate if rate is not None else 1.0)
    spent_month, planned_month = month_figures(data, owner)
    metrics = [
        Metric(f"Plan {today.year}", fmt.money(plan_year, cur), f"{fmt.money(plan_ytd, cur)} to date", "off",
               help="Budget lines of this year; to date = past months in full, this month pro rata."),
        Metric("Spent to date", fmt.money(ac, cur), f"{pct(safe_div(ac - plan_ytd, plan_ytd))} vs planned to date",
               variance_colour(ac - plan_ytd, plan_ytd),
               help="Expenses plus booked hours × cost rate since 1 January."),
        Metric(f"Forecast {today.year}", fmt.money(forecast, cur), f"{signed(forecast - plan_year, cur)} vs plan",
               variance_colour(forecast - plan_year, plan_year),
               help="Spent to date + rest of the year's plan × (spent / planned to date)."),
        Metric("This month", fmt.money(spent_month, cur),
               f"{pct(safe_div(spent_month - planned_month, planned_month))} vs plan to date",
               variance_colour(spent_month - planned_month, planned_month),
               help="Spent since the 1st against this month's plan pro rata by days."),
    ]
    starts = [*lines["month"], *exp["day"], *time["day"]]
    months = month_range(max(first, min(starts, default=first)), last)
    dates = sorted({*(month_end(mo) for mo in months), today})
    pv = planned_value_curve(lines_baseline(lines[["month", "planned"]]), dates)["pv"].tolist()
    acs = actual_cost_curve(exp, time, dates)["ac"].tolist()
    rows = []
    for d, p, a in zip(dates, pv, acs, strict=True):
        fc = None
        if d >= today:
            plan_then = float(planned_to_date(lines, d, None).sum()) if d > today else plan_ytd
            fc = ac + (plan_then - plan_ytd) * (rate if rate is not None else 1.0)
        rows.append({"date": d, "point": "today" if d == today else "month end", "pv": p,
                     "ev": None, "ac": a if d <= today else None, "forecast": fc})
    series = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object if c in ("ev", "ac", "forecast", "date")
                                        else None) for c in EVM_COLUMNS}, columns=EVM_COLUMNS)
    gap = safe_div(forecast - plan_year, plan_year)
    if gap is None:
        title = f"{name}: {fmt.money(ac, cur)} spent in {today.year}, no plan for the year"
    elif abs(gap) <= EAC_OVER_WARNING:
        title = f"{name}: on plan for {today.year}, forecast {fmt.money(forecast, cur)} of {fmt.money(plan_year, cur)}"
    else:
        word = "over" if gap > 0 else "under"
        title = (f"{name}: forecast {fmt.money(forecast, cur)} for {today.year}, {abs(gap) * 100:.0f} % {word} "
                 f"the {fmt.money(plan_year, cur)} plan")
    return metrics, series, title

