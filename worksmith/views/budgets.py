"""Budgets, the read side: plan vs actual, earned value, forecasts and alerts per project and operation.

Reads return DataFrames and small dataclasses formatted with :mod:`worksmith.fmt`; the arithmetic lives in the
domain (:mod:`worksmith.domain.evm`, :mod:`~worksmith.domain.budget_plan`, :mod:`~worksmith.domain.roi`,
:mod:`~worksmith.domain.expenses`). The project/operation view is :mod:`worksmith.views.budget_owner`, value and ROI
:mod:`worksmith.views.budget_roi`; writes are :mod:`worksmith.commands.budgets`.

Where the numbers come from
---------------------------
* **Owner** — money belongs to a project or an operation, keyed ``"project:4"`` / ``"operation:2"``.
* **Planned** — ``BudgetLine`` rows (owner, category, month, amount). *Planned to date* counts past months in full
  and the current month pro rata by calendar days (:func:`worksmith.domain.money.planned_to_date`). It is *the*
  planned to date of a project — its PV for SPI, the Budgets tiles, the alerts and the portfolio's health.
* **Actual cost (AC)** — expenses plus labour: hours booked on the owner's tasks (or on the operation) × the
  person's cost rate, up to today.
* **BAC** — the project's budget; when it is 0, the sum of its budget lines.
* **PV** (projects) = planned to date from the project's budget lines (above). **EV**: with a baseline (the latest
  ``Baseline`` of the project), each baseline task's budget is its share of BAC by baseline estimate hours
  (:func:`worksmith.domain.evm.task_budgets`), EV = Σ current % complete × task budget. A task added after the
  baseline has no budget (it earns nothing until the project is re-baselined). Without a usable baseline,
  EV = overall % complete (by estimate hours) × BAC. The method in use is named next to the figures.
* **Forecast** — EAC = AC + (BAC − EV) / CPI (DESIGN §3), next to the bottom-up EAC = AC + remaining estimate hours
  × cost rates + remaining non-labour budget (:func:`worksmith.domain.evm.bottom_up_etc`; unassigned work at the
  mean cost rate of the people on the project's tasks, or of everyone). For an operation, the year's forecast is
  spent to date + the rest of the year's plan × (spent / planned to date), the current run rate.
* **Forecast finish** — the schedule's: the latest task finish (as on Projects); the earned-value projection
  (start + planned duration / SPI) is shown beside it, named so.
* **Scope** — organisation figures say theirs: "2026 to date · all budgets" (projects and operations, this year)
  or "open projects · lifetime" (active and on-hold projects, every year); a forecast is only set against actuals
  of the same scope, and is never below them.
* **Alerts** — :func:`worksmith.domain.budget_plan.budget_alerts` on active and on-hold projects and active
  operations (operations have no EV, so only the monthly rule applies to them). "This month" compares spending
  since the 1st with the month's plan pro rata. A CPI or forecast alert names the categories that overspend.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.budget_plan import (
    CATEGORIES,
    EAC_OVER_CRITICAL,
    EAC_OVER_WARNING,
    NOISE_ABS,
    NOISE_PCT,
    budget_alerts,
    forecast_vs_budget,
    is_material,
    overrun_reasons_of,
    planned_to_date,
)
from worksmith.domain.expenses import parse_expense_csv
from worksmith.domain.money import safe_div
from worksmith.domain.sums import group_sums
from worksmith.errors import NotFoundError
from worksmith.status import STATUS_ICONS
from worksmith.store import models as m
from worksmith.views.budget_data import BudgetData as BudgetData
from worksmith.views.budget_data import load as load
from worksmith.views.budget_data import owner_key as owner_key
from worksmith.views.budget_data import owners as owners
from worksmith.views.budget_data import parse_owner as parse_owner
from worksmith.views.budget_evm import Evm as Evm
from worksmith.views.budget_evm import evm_of as evm_of
from worksmith.views.budget_evm import project_rows as project_rows
from worksmith.views.metric import Metric
from worksmith.views.tables import frame
from worksmith.views.workspace import is_empty

ALERT_STATUSES = ("active", "on hold")
EVM_STATUSES = ("active", "on hold", "done")
TOP_OVER_BUDGET = 10
BUDGET_CATEGORIES = CATEGORIES  # for the page's pickers: labour, software, travel, services, other
SEVERITY_ICONS = {"critical": STATUS_ICONS["off track"], "warning": STATUS_ICONS["at risk"]}
RULE_LABELS = {"cpi": "Cost performance", "forecast": "Forecast over budget", "monthly_spend": "Spend this month"}


# --- results --------------------------------------------------------------------------------------------------


@dataclass
class Organisation:
    empty_workspace: bool
    year: int = 0
    metrics: list[Metric] = field(default_factory=list)
    by_team: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_title: str = ""
    by_category: pd.DataFrame = field(default_factory=pd.DataFrame)
    category_title: str = ""
    over_budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    over_budget_title: str = ""
    alerts: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- earned value ---------------------------------------------------------------------------------------------


def project_evm(session: Session, *, project_id: int, today: date) -> Evm:
    """Earned value of one project today (BAC, PV, EV, AC, the metrics with formulas, and the method used).

    Raises
    ------
    NotFoundError
        No such project.
    """
    data = load(session, today)
    match = data.projects[data.projects["id"] == int(project_id)]
    if match.empty:
        raise NotFoundError(f"There is no project {project_id} (it may have been deleted) — choose another one.")
    return evm_of(data, match.iloc[0].to_dict())


def month_figures(data: BudgetData, owner: str) -> tuple[float, float]:
    """(spent since the 1st of this month, this month's plan pro rata to today)."""
    today = data.today
    first = today.replace(day=1)
    days, amounts = data.cost_arrays
    if days is None:
        costs = data.costs(owner)
        spent = float(costs.loc[costs["day"] >= first, "amount"].sum())
    else:  # the same sum over the same rows, without pandas indexing per owner
        at = data.positions(data.all_costs, owner)
        spent = float(amounts[at][days[at] >= np.datetime64(first, "D")].sum())
    lines = data.of(data.lines, owner, ("month", "planned"))
    planned = float(lines.loc[lines["month"] == first, "planned"].sum())
    return spent, planned * today.day / calendar.monthrange(today.year, today.month)[1]


def by_category_to_date(data: BudgetData, owner: str, since: date | None = None) -> pd.DataFrame:
    """[category, planned, actual] to date (optionally from ``since``), categories in the usual order."""
    lines = data.of(data.lines, owner)
    costs = data.costs(owner)
    if since is not None:
        lines = lines[lines["month"] >= since]
        costs = costs[costs["day"] >= since]
    return _plan_actual(lines, costs, data.today, "category", CATEGORIES)


def _plan_actual(lines: pd.DataFrame, costs: pd.DataFrame, today: date, by: str, order=None) -> pd.DataFrame:
    """[<by>, planned, actual]: planned to date and spent per value of ``by`` (a column of lines and costs);
    groups with neither left out."""
    planned = planned_to_date(lines, today, by)
    actual = costs.groupby(by)["amount"].sum() if len(costs) else pd.Series(dtype="float64")
    keys = [k for k in (order or sorted(set(planned.index) | set(actual.index), key=str))
            if planned.get(k, 0.0) or actual.get(k, 0.0)]
    return pd.DataFrame({by: keys, "planned": [float(planned.get(k, 0.0)) for k in keys],
                         "actual": [float(actual.get(k, 0.0)) for k in keys]}, columns=[by, "planned", "actual"])


def month_figures_of(data: BudgetData, owners: list[str]) -> dict[str, tuple[float, float]]:
    """:func:`month_figures` of each of ``owners`` (distinct keys), for all at once: the same floats."""
    days, amounts = data.cost_arrays
    months = data.line_months
    if days is None or months is None:  # a day that is not a plain date: one owner at a time
        return {owner: month_figures(data, owner) for owner in owners}
    today, index, n = data.today, pd.Index(owners), len(owners)
    first = np.datetime64(today.replace(day=1), "D")
    at = index.get_indexer(data.all_costs["owner"]) if len(data.all_costs) else np.zeros(0, dtype=np.int64)
    keep = (at >= 0) & (days >= first)
    spent = group_sums(at[keep], amounts[keep], n)
    at = index.get_indexer(data.lines["owner"]) if len(data.lines) else np.zeros(0, dtype=np.int64)
    keep = (at >= 0) & (months == first)
    planned = data.lines["planned"].to_numpy(dtype="float64")[keep]
    planned = group_sums(at[keep], np.where(np.isnan(planned), 0.0, planned), n)  # Series.sum leaves NaN out
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    return {owner: (float(spent[i]), float(planned[i]) * today.day / days_in_month) for i, owner in enumerate(owners)}


def categories_of(data: BudgetData, owners: list[str]) -> dict[str, list[tuple[str, float, float]]]:
    """:func:`by_category_to_date`'s rows (category, planned, actual) of each of ``owners``, for all at once."""
    lines = data.lines[data.lines["owner"].isin(owners)]
    costs = data.all_costs[data.all_costs["owner"].isin(owners)]
    sums: tuple[dict, dict] = ({}, {})
    if len(lines):  # per (owner, category): each group adds its rows in the order a one-owner groupby does
        planned = planned_to_date(lines, data.today, None).groupby([lines["owner"], lines["category"]]).sum()
        for (owner, category), value in planned.items():
            sums[0].setdefault(owner, {})[category] = value
    if len(costs):
        for (owner, category), value in costs.groupby(["owner", "category"])["amount"].sum().items():
            sums[1].setdefault(owner, {})[category] = value
    out = {}
    for owner in owners:
        planned, actual = sums[0].get(owner, {}), sums[1].get(owner, {})
        out[owner] = [(k, float(planned.get(k, 0.0)), float(actual.get(k, 0.0))) for k in CATEGORIES
                      if planned.get(k, 0.0) or actual.get(k, 0.0)]
    return out


def alerts_of(data: BudgetData, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    """Budget alerts (:func:`alerts`) from project_rows' figures; the month's figures of every owner at once."""
    live = [(p, e) for p, e in evms if p["status"] in ALERT_STATUSES]
    ops = [op for op in data.operations.to_dict("records") if op["active"]]
    owners_ = [owner_key("project", p["id"]) for p, _ in live] + [owner_key("operation", op["id"]) for op in ops]
    month = month_figures_of(data, list(dict.fromkeys(owners_)))
    rows = []
    for (project, evm), owner in zip(live, owners_[:len(live)], strict=True):
        spent, planned = month[owner]
        rows.append({"owner": owner, "name": project["name"], "bac": evm.bac,
                     "ev": evm.ev, "ac": evm.ac, "pv": evm.pv, "spent_this_month": spent,
                     "planned_this_month": planned, "status": project["status"]})
    for op, owner in zip(ops, owners_[len(live):], strict=True):
        spent, planned = month[owner]
        rows.append({"owner": owner, "name": op["name"], "bac": 0.0, "ev": 0.0,
                     "ac": 0.0, "pv": 0.0, "spent_this_month": spent, "planned_this_month": planned,
                     "status": "active"})
    alerts = budget_alerts(pd.DataFrame(rows, columns=["owner", "name", "bac", "ev", "ac", "pv",
                                                         "spent_this_month", "planned_this_month", "status"]),
                             currency=data.currency)
    why = alerts.loc[alerts["rule"].isin(["cpi", "forecast"]), "owner"].tolist()
    categories = categories_of(data, list(dict.fromkeys(why)))
    messages = []
    for rec in alerts.to_dict("records"):
        message = rec["message"]
        if rec["rule"] in ("cpi", "forecast"):
            reasons = overrun_reasons_of(categories[rec["owner"]], currency=data.currency)
            if reasons:
                message += ". Why: " + "; ".join(reasons)
        messages.append(message)
    alerts["message"] = pd.Series(messages, index=alerts.index, dtype=object)
    return alerts


def alerts(session: Session, *, today: date) -> pd.DataFrame:
    """Budget alerts of active projects and operations: [owner, name, rule, severity, message], critical first.

    ``owner`` is ``"project:4"`` / ``"operation:2"`` (the Budgets page opens it with ``?owner=...``); rules and
    thresholds as :func:`worksmith.domain.budget_plan.budget_alerts`; CPI and forecast messages end with the
    categories that overspend ("Why: services €41,000 spent vs €30,400 planned to date (+35 %)").
    """
    data = load(session, today, editing=False)
    return alerts_of(data, project_rows(data)).reset_index(drop=True)


# --- organisation view ----------------------------------------------------------------------------------------


def signed(x: float, currency: str) -> str:
    """A delta for st.metric: '+€1,200' / '-€300' (ASCII minus: Streamlit reads the sign from it)."""
    return ("-" if x < 0 else "+") + fmt.money(abs(x), currency)


def pct(x: float | None) -> str:
    """'+12 %' / '-3 %' (ASCII minus, for st.metric); '0 %' when it rounds to zero, never '-0 %'."""
    if x is None:
        return fmt.DASH
    whole = round(abs(x) * 100)
    return f"{'+' if x > 0 and whole else '-' if x < 0 and whole else ''}{whole:.0f} %"


def compare_title(frame_: pd.DataFrame, what: str) -> str:
    """'Finance is 22 % over its plan to date' — the group furthest over plan."""
    worst, ratio = None, 0.0
    for rec in frame_.to_dict("records"):
        if rec["planned"] > 0 and rec["actual"] / rec["planned"] - 1 > ratio:
            worst, ratio = rec["group"], rec["actual"] / rec["planned"] - 1
    if worst is None:
        return f"Every {what} is within its plan to date"
    return f"{str(worst)[:1].upper()}{str(worst)[1:]} is {ratio * 100:.0f} % over its plan to date"


def long_bars(frame_: pd.DataFrame) -> pd.DataFrame:
    """[group, planned, actual] → [group, kind, amount] for grouped bars."""
    out = frame_.melt(id_vars=["group"], value_vars=["planned", "actual"], var_name="kind", value_name="amount")
    out["kind"] = out["kind"].map({"planned": "planned to date", "actual": "actual"})
    return out


def organisation(session: Session, *, today: date) -> Organisation:
    """The organisation view: this year's plan and spend, by team and category, projects most over budget, alerts."""
    if is_empty(session):
        return Organisation(empty_workspace=True)
    data = load(session, today, editing=False)
    return organisation_of(data, project_rows(data))


def year_to_date(data: BudgetData) -> dict[str, float]:
    """This year's figures over every budget (projects and operations): ``plan_year``, ``plan_ytd`` (planned to
    date), ``actual_ytd`` (spent since 1 January), ``variance`` (= actual − planned) — for Budgets and Overview."""
    first = date(data.today.year, 1, 1)
    lines = data.lines_of_year(first.year)
    costs = data.costs()
    plan_ytd = float(planned_to_date(lines, data.today, None).sum())
    actual_ytd = float(costs.loc[costs["day"] >= first, "amount"].sum())
    return {"plan_year": float(lines["planned"].sum()), "plan_ytd": plan_ytd, "actual_ytd": actual_ytd,
            "variance": actual_ytd - plan_ytd}


def forecast_of(evm: Evm) -> float:
    """A project's forecast at completion for totals: the CPI-based EAC, the bottom-up one where CPI is undefined
    (money spent, nothing earned); never below what is spent."""
    eac = evm.metrics["EAC"]
    return max(evm.ac, eac if eac is not None else evm.bottom_up.get("eac", evm.ac))


def variance_colour(variance: float | None, base: float | None) -> str:
    """st.metric delta colour: red/green only beyond the noise threshold (``budget_plan.is_material``)."""
    return "inverse" if is_material(variance, base) else "off"


def organisation_of(data: BudgetData, evms: list[tuple[Mapping[str, Any], Evm]]) -> Organisation:
    today = data.today
    cur, year = data.currency, today.year
    first = date(year, 1, 1)
    lines = data.lines_of_year(year)
    costs = data.costs()
    costs = costs[costs["day"] >= first]
    ytd = year_to_date(data)
    plan_year, plan_ytd, actual_ytd, variance = ytd["plan_year"], ytd["plan_ytd"], ytd["actual_ytd"], ytd["variance"]
    live = [(p, e) for p, e in evms if p["status"] in ALERT_STATUSES]
    bac, eac = sum(e.bac for _, e in live), sum(forecast_of(e) for _, e in live)
    spent_live = sum(e.ac for _, e in live)
    _over, _words, material = forecast_vs_budget(eac, bac)
    alert_frame = alerts_of(data, evms)
    n_crit = int((alert_frame["severity"] == "critical").sum())
    scope = f"all budgets (projects and operations), {year} only"
    metrics = [
        Metric(f"Planned {year} to date · all budgets", fmt.money(plan_ytd, cur),
               f"of {fmt.money(plan_year, cur)} for {year}", "off",
               help=f"Scope: {scope}. Budget lines of past months in full, this month pro rata by days."),
        Metric(f"Spent {year} to date · all budgets", fmt.money(actual_ytd, cur),
               f"{pct(safe_div(variance, plan_ytd))} vs planned to date", variance_colour(variance, plan_ytd),
               help=f"Scope: {scope}. Expenses plus booked hours × each person's cost rate, since 1 January."),
        Metric(f"Variance {year} to date", signed(variance, cur),
               "over plan" if variance > 0 and is_material(variance, plan_ytd) else
               "under plan" if is_material(variance, plan_ytd) else "on plan (within the noise threshold)",
               "off", help=f"Scope: {scope}. Variance = spent to date − planned to date (positive = over plan); "
                           f"below {NOISE_PCT:.0%} or {fmt.money(NOISE_ABS, cur)} it is noise."),
        Metric("Forecast at completion · open projects", fmt.money(eac, cur),
               f"{signed(eac - bac, cur)} vs budget · {fmt.money(spent_live, cur)} spent so far",
               "inverse" if material else "off",
               help=f"Scope: the {len(live)} active and on-hold projects over their whole life (every year). "
                    f"Σ EAC, EAC = AC + (BAC − EV) / CPI (bottom-up where CPI is undefined), against their Σ BAC "
                    f"{fmt.money(bac, cur)}; never below the {fmt.money(spent_live, cur)} they have spent so far."),
        Metric("Budget alerts", str(len(alert_frame)), f"{n_crit} critical", "off",
               help="CPI < 0.9 · forecast > 5 % over budget · spend this month > 10 % over plan; none before work "
                    "has started or while on hold."),
    ]
    owner_team = data.owners.set_index("owner")["team"]
    by_team = _plan_actual(lines.assign(team=lines["owner"].map(owner_team)), costs.assign(
        team=costs["owner"].map(owner_team)), today, "team").rename(columns={"team": "group"})
    by_cat = _plan_actual(lines, costs, today, "category", CATEGORIES).rename(columns={"category": "group"})
    over = _over_budget_table(data, [(p, e) for p, e in evms if p["status"] in EVM_STATUSES])
    n_over = int((over["over_pct"].fillna(0) > EAC_OVER_WARNING * 100).sum()) if len(over) else 0
    over_title = (f"{n_over} project{'s' if n_over != 1 else ''} forecast more than 5 % over budget" if n_over
                  else "No project is forecast more than 5 % over budget")
    return Organisation(False, year, metrics, long_bars(by_team), compare_title(by_team, "team") + f" ({year})",
                        long_bars(by_cat), compare_title(by_cat, "category") + f" ({year})",
                        over.head(TOP_OVER_BUDGET), over_title, present_alerts(alert_frame, data))


def _health(over: float | None) -> str:
    if over is None:
        return "not started"
    if over > EAC_OVER_CRITICAL:
        return "off track"
    return "at risk" if over > EAC_OVER_WARNING else "on track"


def _over_budget_table(data: BudgetData, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    rows = []
    for p, e in evms:
        eac = e.metrics["EAC"]
        over = safe_div(eac - e.bac, e.bac) if eac is not None else None
        health = "done" if p["status"] == "done" else _health(over)
        rows.append({
            "project": p["name"], "link": f"/budgets?owner=project:{int(p['id'])}",
            "health": f"{STATUS_ICONS[health]} {'over budget' if health == 'off track' else health}",
            "status": p["status"], "bac": e.bac, "ac": e.ac, "ev": e.ev, "cpi": e.metrics["CPI"], "eac": eac,
            "vac": e.metrics["VAC"],
            "over_pct": None if over is None else round(over * 100) + 0.0,  # whole percent, never "-0 %"
            "cpi_text": fmt.ratio(e.metrics["CPI"]), "eac_text": fmt.money(eac, data.currency),
            "vac_text": fmt.money(e.metrics["VAC"], data.currency),
            "bottom_up_text": fmt.money(e.bottom_up.get("eac"), data.currency),
        })
    out = pd.DataFrame(rows, columns=["project", "link", "health", "status", "bac", "ac", "ev", "cpi", "eac", "vac",
                                      "over_pct", "cpi_text", "eac_text", "vac_text", "bottom_up_text"])
    order = out["vac"].astype(float).fillna(float("-inf")) if len(out) else out["vac"]
    return out.iloc[order.argsort(kind="stable")].reset_index(drop=True) if len(out) else out


def present_alerts(alerts: pd.DataFrame, data: BudgetData) -> pd.DataFrame:
    """Alerts for a table: severity with icon, rule label, a link to the owner's view."""
    kinds = data.owners.set_index("owner")["kind"]
    return pd.DataFrame({
        "severity": [f"{SEVERITY_ICONS[s]} {s}" for s in alerts["severity"]],
        "name": [f"{kinds.get(o, '').capitalize()} · {n}" for o, n in zip(alerts["owner"], alerts["name"],
                                                                        strict=True)],
        "rule": [RULE_LABELS.get(r, r) for r in alerts["rule"]],
        "message": alerts["message"],
        "link": [f"/budgets?owner={o}" for o in alerts["owner"]],
        "owner": alerts["owner"],
    }, columns=["severity", "name", "rule", "message", "link", "owner"])


# --- expense import -------------------------------------------------------------------------------------------


def preview_import(session: Session, *, data: bytes, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse an expenses CSV against this workspace's projects and operations: (rows, errors); nothing written."""
    return parse_expense_csv(data, projects=frame(session, m.Project)[["id", "name"]],
                               operations=frame(session, m.Operation)[["id", "name"]], today=today)

