"""Frozen copies of the per-owner loops that the all-at-once budget reads replaced (issue 16): budget alerts one
owner at a time and value/ROI with a frame per project. Tests compare the new reads with these, on the demo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from worksmith import fmt
from worksmith.domain.budget_plan import budget_alerts, overrun_reasons
from worksmith.domain.money import add_months, month_start
from worksmith.domain.roi import BENEFIT_MONTHS, payback_month, roi, roi_cash_flow
from worksmith.views.budget_roi import ROI_COLUMNS
from worksmith.views.budgets import ALERT_STATUSES, BudgetData, by_category_to_date, evm_of, month_figures, owner_key


def project_rows(data: BudgetData) -> list:
    return [(p, evm_of(data, p)) for p in data.projects.to_dict("records")]


def alerts_of(data: BudgetData, evms: list) -> pd.DataFrame:
    rows = []
    for project, evm in evms:
        if project["status"] not in ALERT_STATUSES:
            continue
        spent, planned = month_figures(data, owner_key("project", project["id"]))
        rows.append({"owner": owner_key("project", project["id"]), "name": project["name"], "bac": evm.bac,
                     "ev": evm.ev, "ac": evm.ac, "pv": evm.pv, "spent_this_month": spent,
                     "planned_this_month": planned, "status": project["status"]})
    for op in data.operations.to_dict("records"):
        if not op["active"]:
            continue
        spent, planned = month_figures(data, owner_key("operation", op["id"]))
        rows.append({"owner": owner_key("operation", op["id"]), "name": op["name"], "bac": 0.0, "ev": 0.0,
                     "ac": 0.0, "pv": 0.0, "spent_this_month": spent, "planned_this_month": planned,
                     "status": "active"})
    alerts = budget_alerts(pd.DataFrame(rows, columns=["owner", "name", "bac", "ev", "ac", "pv",
                                                         "spent_this_month", "planned_this_month", "status"]),
                             currency=data.currency)
    messages = []
    for rec in alerts.to_dict("records"):
        message = rec["message"]
        if rec["rule"] in ("cpi", "forecast"):
            reasons = overrun_reasons(by_category_to_date(data, rec["owner"]), currency=data.currency)
            if reasons:
                message += ". Why: " + "; ".join(reasons)
        messages.append(message)
    alerts["message"] = pd.Series(messages, index=alerts.index, dtype=object)
    return alerts


def roi_rows(data: BudgetData, evms: list[tuple[Mapping[str, Any], Any]]) -> pd.DataFrame:
    today, cur = data.today, data.currency
    team = data.owners.set_index("owner")["team"]
    rows = []
    for p, e in evms:
        owner = owner_key("project", p["id"])
        if p["status"] in ALERT_STATUSES:
            cost, basis = (e.metrics["EAC"] if e.metrics["EAC"] is not None else max(e.bac, e.ac)), "forecast (EAC)"
            finish = e.forecast_finish or e.planned_finish
        elif p["status"] in ("done", "cancelled"):
            cost, basis = e.ac, "actual"
            finish = p["closed_on"] if pd.notna(p["closed_on"]) else e.planned_finish
        else:
            cost, basis = max(e.bac, e.ac), "budget"
            finish = p["target_end"] if pd.notna(p["target_end"]) else e.planned_finish
        benefit = float(p["expected_benefit"] or 0)
        start_benefit = p["benefit_start"] if pd.notna(p["benefit_start"]) else add_months(month_start(finish), 1)
        costs = data.costs(owner)
        by_month = costs.groupby([month_start(d) for d in costs["day"]])["amount"].sum().to_dict() \
            if len(costs) else {}
        remaining_from = max(today.replace(day=1), month_start(e.start))
        flow = roi_cash_flow(benefit=benefit, actual_by_month=by_month, remaining_cost=max(cost - e.ac, 0.0),
                             remaining_from=remaining_from, remaining_until=max(finish, remaining_from),
                             benefit_start=start_benefit)
        payback = payback_month(flow.set_index("month")["cost"], flow.set_index("month")["benefit"]) \
            if len(flow) else None
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
    for column in ("roi", "payback_month"):
        out[column] = pd.Series([r[column] for r in rows], index=out.index, dtype=object)
    return out


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type; NaN equals NaN."""
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def evm_differences(new: Any, old: Any) -> list[str]:
    """Where two Evm differ in their figures (the frames aside: project_rows leaves them empty)."""
    out = []
    for name in ("bac", "pv", "ev", "ac", "method", "start", "planned_finish", "forecast_finish", "ev_projection",
                 "today"):
        if not same_value(getattr(new, name), getattr(old, name)):
            out.append(f"{name}: {getattr(new, name)!r} != {getattr(old, name)!r}")
    if new.metrics.keys() != old.metrics.keys() or new.metrics["formulas"] != old.metrics["formulas"]:
        out.append("metric formulas differ")
    out += [f"{k}: {new.metrics[k]!r} != {old.metrics[k]!r}" for k in old.metrics
            if k != "formulas" and not same_value(new.metrics.get(k), old.metrics[k])]
    if list(new.bottom_up) != list(old.bottom_up):
        out.append(f"bottom-up keys {list(new.bottom_up)} != {list(old.bottom_up)}")
    out += [f"bottom_up {k}: {new.bottom_up.get(k)!r} != {v!r}" for k, v in old.bottom_up.items()
            if not same_value(new.bottom_up.get(k), v)]
    return out
