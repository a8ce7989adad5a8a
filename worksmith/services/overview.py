"""The Overview page's figures, computed from the data (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith import charts, fmt
from worksmith.services import portfolio as portfolio_service
from worksmith.services.workspace import is_empty, settings


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None


@dataclass
class Overview:
    empty_workspace: bool
    metrics: list[Metric] = field(default_factory=list)
    attention: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)
    milestone_title: str = ""
    portfolio: pd.DataFrame = field(default_factory=pd.DataFrame)
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)
    spend_title: str = ""


def overview(session: Session, *, today: date) -> Overview:
    if is_empty(session):
        return Overview(empty_workspace=True)
    currency = settings(session)["currency"]
    health = portfolio_service.portfolio(session, today=today)
    active = health[health["status"] == "active"]
    off = active[active["health"] == "off track"]
    risky = active[active["health"] == "at risk"]
    spend = portfolio_service.spend_by_month(session, year=today.year, today=today)
    actual_ytd = spend.loc[spend["kind"] == "actual", "amount"].sum()
    planned = spend[spend["kind"] == "planned"]
    month_start = today.replace(day=1)
    planned_ytd = planned.loc[planned["month"] < month_start, "amount"].sum() + planned.loc[
        planned["month"] == month_start, "amount"].sum() * today.day / pd.Timestamp(today).days_in_month
    variance = actual_ytd - planned_ytd
    metrics = [
        Metric("Active projects", f"{len(active)}",
               f"{int((health['status'] == 'proposed').sum())} proposed", "off",
               help="Projects with status active; proposed ones wait for approval on the Goals page."),
        Metric("Projects off track", f"{len(off)}", f"{len(risky)} at risk", "off",
               help="Health from schedule slip, cost against plan to date and overdue tasks (see the Why column)."),
        Metric(f"Spent {today.year} to date", fmt.money(actual_ytd, currency),
               f"{fmt.money(variance, currency)} vs plan "
               f"({fmt.percent(variance / planned_ytd) if planned_ytd else fmt.DASH})",
               "inverse",
               help="Expenses plus booked hours × cost rate, against budget lines to date (this month pro rata)."),
    ]
    attention = pd.DataFrame(
        [{"status": f"{charts.STATUS_ICONS[h]} {h}", "item": f"Project · {name}", "why": "; ".join(reasons),
          "page": "/projects"}
         for name, h, reasons in zip(active["name"], active["health"], active["reasons"], strict=True)
         if h in ("off track", "at risk")],
        columns=["status", "item", "why", "page"])
    attention = attention.sort_values("status", key=lambda s: s.str.contains("off").map({True: 0, False: 1}))
    miles = portfolio_service.milestones(session, today=today, health=health)
    upcoming = miles[(miles["day"] >= pd.Timestamp(today)) & (miles["status"] != "done")]
    title = (f"{len(upcoming)} milestones ahead; next: {upcoming.sort_values('day').iloc[0]['name']} "
             f"on {upcoming['day'].min():%d %b}" if len(upcoming) else "No milestone ahead")
    table = pd.DataFrame({
        "project": health["name"],
        "health": [f"{charts.STATUS_ICONS[h]} {h}" for h in health["health"]],
        "status": health["status"],
        "team": health["team"],
        "manager": health["manager"],
        "percent_complete": health["percent_complete"],
        "finish": [fmt.day(d) for d in health["forecast_finish"]],
        "vs_target": [fmt.days(d) for d in health["slip_days"]],
        "budget": [fmt.money(b, currency) for b in health["budget"]],
        "budget_used": health["budget_used"],
        "goal": health["goal"].fillna("— unaligned —"),
        "reasons": ["; ".join(r) for r in health["reasons"]],
    })
    order = {"active": 0, "on hold": 1, "approved": 2, "proposed": 3, "done": 4, "cancelled": 5}
    table = table.iloc[health["status"].map(order).argsort(kind="stable")].reset_index(drop=True)
    over_months = spend.pivot_table(index="month", columns="kind", values="amount", aggfunc="sum").fillna(0)
    past = over_months[over_months.index < month_start]
    n_over = int((past.get("actual", 0) > past.get("planned", 0)).sum()) if len(past) else 0
    spend_title = (f"Spend {today.year}: {n_over} of {len(past)} past months above plan" if len(past)
                   else f"Spend {today.year} by month")
    return Overview(False, metrics, attention.reset_index(drop=True), miles, title, table, spend, spend_title)
