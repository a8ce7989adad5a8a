"""Budgets, the read side of value and ROI: per project, cost, expected benefit, ROI and payback month.

Cost is the forecast EAC for active/on-hold projects, the actual cost for done or cancelled ones and BAC for the
rest; ROI = (expected benefit − cost) / cost (:mod:`worksmith.domain.roi`). For the payback month the benefit
accrues evenly over ``BENEFIT_MONTHS`` months from the project's benefit start (default: the month after its
finish) and the cost still to come is spread evenly until the finish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.money import add_months, month_start
from worksmith.domain.roi import BENEFIT_MONTHS, cash_flow, first_payback, roi
from worksmith.domain.sums import day_array
from worksmith.views.budgets import (
    ALERT_STATUSES,
    BudgetData,
    Evm,
    Organisation,
    load,
    organisation,
    organisation_of,
    owner_key,
    project_rows,
    signed,
)
from worksmith.views.metric import Metric
from worksmith.views.workspace import is_empty, settings


@dataclass
class Roi:
    table: pd.DataFrame  # roi_table()
    title: str
    metrics: list[Metric]
    display: pd.DataFrame  # the same for reading: ROI as "134 %", months as "Feb 2027", "—" when undefined


ROI_COLUMNS = ["project_id", "name", "status", "team", "budget", "cost", "cost_basis", "benefit", "benefit_start",
               "roi", "payback_month", "explanation"]


def roi_rows(data: BudgetData, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    today, cur = data.today, data.currency
    team = data.owners.set_index("owner")["team"]
    by_month = costs_by_month(data, [owner_key("project", p["id"]) for p, _ in evms])
    rows = []
    for p, e in evms:
        owner = owner_key("project", p["id"])
        if p["status"] in ALERT_STATUSES:
            cost, basis = (e.metrics["EAC"] if e.metrics["EAC"] is not None else max(e.bac, e.ac)), "forecast (EAC)"
            finish = e.forecast_finish or e.planned_finish  # no schedule yet: benefits from the planned finish
        elif p["status"] in ("done", "cancelled"):
            cost, basis = e.ac, "actual"
            finish = p["closed_on"] if pd.notna(p["closed_on"]) else e.planned_finish
        else:
            cost, basis = max(e.bac, e.ac), "budget"
            finish = p["target_end"] if pd.notna(p["target_end"]) else e.planned_finish
        benefit = float(p["expected_benefit"] or 0)
        start_benefit = p["benefit_start"] if pd.notna(p["benefit_start"]) else add_months(
            month_start(finish), 1)
        remaining_from = max(today.replace(day=1), month_start(e.start))
        months, cost_flow, benefit_flow = cash_flow(
            benefit=benefit, actual_by_month=by_month.get(owner, {}), remaining_cost=max(cost - e.ac, 0.0),
            remaining_from=remaining_from, remaining_until=max(finish, remaining_from), benefit_start=start_benefit)
        payback = first_payback(months, cost_flow, benefit_flow)
        value = roi(benefit, cost) if benefit > 0 else None
        explanation = (f"ROI = (benefit − cost) / cost = ({fmt.money(benefit, cur)} − {fmt.money(cost, cur)}) / "
                       f"{fmt.money(cost, cur)} = {fmt.percent(value)}; cost = {basis}; the benefit accrues over "
                       f"{BENEFIT_MONTHS} months from {start_benefit:%b %Y}" if benefit > 0 else
                       "No expected benefit recorded: add one to the project to see its ROI and payback")
        payback = payback if benefit > 0 else None
        rows.append({"project_id": int(p["id"]), "name": p["name"], "status": p["status"], "team": team.get(owner),
                     "budget": e.bac, "cost": float(cost), "cost_basis": basis, "benefit": benefit,
                     "benefit_start": start_benefit, "roi": value, "payback_month": payback,
                     "explanation": explanation})
    out = pd.DataFrame(rows, columns=ROI_COLUMNS)
    for column in ("roi", "payback_month"):  # None stays None (undefined), never NaN
        out[column] = pd.Series([r[column] for r in rows], index=out.index, dtype=object)
    return out


def costs_by_month(data: BudgetData, owners: list[str]) -> dict[str, dict[date, float]]:
    """Each owner's actual cost per month {month (1st): amount}, for all ``owners`` in one groupby: per (owner,
    month) the rows add in the order a one-owner groupby adds them, so the sums are the same floats."""
    costs = data.all_costs[data.all_costs["owner"].isin(owners)]
    if not len(costs):
        return {}
    days = day_array(costs["day"])
    if days is None:  # a day that is not a plain date: month by month in Python
        month: Any = pd.Series([month_start(d) for d in costs["day"]], index=costs.index, dtype=object)
    else:
        month = pd.Series(days.astype("datetime64[M]").astype(np.int64), index=costs.index)
    out: dict[str, dict[date, float]] = {}
    firsts: dict[Any, date] = {}
    for (owner, key), amount in costs["amount"].groupby([costs["owner"], month]).sum().items():
        if key not in firsts:
            firsts[key] = key if days is None else np.datetime64(key, "M").astype("datetime64[D]").item()
        out.setdefault(owner, {})[firsts[key]] = amount
    return out


def roi_table(session: Session, *, today: date) -> pd.DataFrame:
    """Value and ROI per project: [project_id, name, status, team, budget, cost, cost_basis, benefit, benefit_start,
    roi, payback_month, explanation].

    ``roi`` = (expected benefit − cost) / cost as a fraction (0.5 = 50 %), ``None`` when the cost is 0 or no
    expected benefit is recorded (0 means "not entered" in the model);
    ``payback_month`` the first month (a date, 1st of the month) in which cumulative benefit reaches cumulative
    cost, ``None`` if never. How cost and benefit are taken: see the module docstring. Sorted by ROI, best first
    (undefined last). The Goals page's initiative ranking reads it.
    """
    data = load(session, today, editing=False)
    return _ranked(roi_rows(data, project_rows(data)))


def _ranked(out: pd.DataFrame) -> pd.DataFrame:
    key = [float("-inf") if r is None else -r for r in out["roi"]]
    return out.iloc[sorted(range(len(out)), key=lambda i: (key[i] == float("-inf"), key[i]))].reset_index(drop=True)


def value_and_roi(session: Session, *, today: date) -> Roi:
    """The portfolio's ROI: per-project table plus a title and metrics for the page."""
    return _roi_view(roi_table(session, today=today), settings(session)["currency"])


def organisation_and_roi(session: Session, *, today: date) -> tuple[Organisation, Roi]:
    """The Budgets page without an owner open: the organisation view and the ROI tab from one read of the budget
    data and one earned-value pass (each alone reads and computes them again)."""
    if is_empty(session):
        return organisation(session, today=today), value_and_roi(session, today=today)
    data = load(session, today, editing=False)
    evms = project_rows(data)
    return organisation_of(data, evms), _roi_view(_ranked(roi_rows(data, evms)), data.currency)


def _roi_view(table: pd.DataFrame, cur: str) -> Roi:
    valued = table[(table["benefit"] > 0) & (table["status"] != "cancelled")]
    cost, benefit = float(valued["cost"].sum()), float(valued["benefit"].sum())
    total = roi(benefit, cost)
    losing = valued[[r is not None and r < 0 for r in valued["roi"]]]
    ranked = valued[[r is not None for r in valued["roi"]]]
    if ranked.empty:
        title = "No project has both an expected benefit and a cost yet"
    else:
        best = ranked.iloc[0]
        title = f"Portfolio ROI {fmt.percent(total)}: {best['name']} returns the most ({fmt.percent(best['roi'])})"
        if len(losing) == 1:
            title += f"; {losing.iloc[0]['name']} costs more than it returns"
        elif len(losing) > 1:
            title += f"; {len(losing)} projects cost more than they return"
    paybacks = [p for p in valued["payback_month"] if p is not None]
    metrics = [
        Metric("Expected benefit", fmt.money(benefit, cur), f"{len(valued)} projects with a benefit", "off",
               help="Σ expected benefit of the projects that have one (cancelled ones left out)."),
        Metric("Their cost", fmt.money(cost, cur), "forecast, actual or budget", "off",
               help="Forecast EAC for active/on-hold projects, actual cost for done ones, BAC for the rest."),
        Metric("Portfolio ROI", fmt.percent(total), f"{signed(benefit - cost, cur)} net", "normal",
               help="ROI = (Σ benefit − Σ cost) / Σ cost."),
        Metric("Earliest payback", f"{min(paybacks):%b %Y}" if paybacks else fmt.DASH,
               f"{len(paybacks)} of {len(valued)} pay back" if len(valued) else None, "off",
               help=f"First month cumulative benefit ≥ cumulative cost; benefit accrues over {BENEFIT_MONTHS} "
                    "months from its start (default: the month after the finish)."),
    ]
    display = table.drop(columns=["project_id"]).assign(
        benefit_start=[f"{d:%b %Y}" for d in table["benefit_start"]],
        payback_month=[f"{p:%b %Y}" if p is not None else fmt.DASH for p in table["payback_month"]],
        roi=[fmt.percent(r) for r in table["roi"]])
    return Roi(table, title, metrics, display)

