"""Portfolio queries: projects with health, money to date, milestones — for Overview and Projects."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith.domain.portfolio import planned_to_date, project_health
from worksmith.store import models as m
from worksmith.views.budget_data import BudgetData, load
from worksmith.views.tables import frame


def _spent_by_project(money: BudgetData) -> pd.Series:
    """Project id -> spent to date (expenses + labour): the AC Budgets shows."""
    costs = money.all_costs
    costs = costs[costs["owner"].astype(str).str.startswith("project:")]
    spent = costs.groupby("owner")["amount"].sum()
    spent.index = [int(o.split(":")[1]) for o in spent.index]
    return spent


def portfolio(session: Session, *, today: date, money: BudgetData | None = None) -> pd.DataFrame:
    """Projects with health (see ``worksmith.domain.portfolio``) and the names of their goal, manager and team.

    ``spent`` and ``planned_to_date`` are the figures Budgets shows as a project's AC and planned to date (PV);
    ``money`` is the workspace's budget data when the caller has loaded it already (Overview), read otherwise.
    """
    money = money if money is not None else load(session, today)
    lines = money.lines[money.lines["project_id"].notna()]
    planned = planned_to_date(lines[["project_id", "month", "planned"]].rename(columns={"project_id": "owner"}),
                              today)
    out = project_health(money.projects, money.tasks, _spent_by_project(money), planned, today, money.currency,
                         holidays=money.holidays)
    names = {
        "goal": frame(session, m.Goal).set_index("id")["title"],
        "manager": frame(session, m.Person).set_index("id")["name"],
        "team": frame(session, m.Team).set_index("id")["name"],
    }
    out["goal"] = out["goal_id"].map(names["goal"])
    out["manager"] = out["manager_id"].map(names["manager"])
    out["team"] = out["team_id"].map(names["team"])
    return out


def spend_by_month(money: BudgetData, *, year: int) -> pd.DataFrame:
    """Planned (budget lines) and actual (expenses + labour) per month of ``year``: [month, kind, amount]."""
    lines = money.lines
    lines = lines[pd.to_datetime(lines["month"]).dt.year == year] if len(lines) else lines
    planned = lines.groupby("month")["planned"].sum().rename("amount").reset_index().assign(kind="planned")
    costs = money.all_costs
    costs = costs[pd.to_datetime(costs["day"]).dt.year == year] if len(costs) else costs
    months = [d.replace(day=1) for d in costs["day"]]
    actual = costs.groupby(pd.Series(months, index=costs.index, dtype=object).rename("month"))["amount"].sum() \
        .reset_index().assign(kind="actual")
    return pd.concat([planned, actual], ignore_index=True)[["month", "kind", "amount"]]


def milestones(session: Session, *, today: date, health: pd.DataFrame) -> pd.DataFrame:
    """Milestones (0-day tasks) of active projects: [project, name, day, status]."""
    tasks = frame(session, m.Task, m.Task.duration_days == 0)
    active = health[health["status"] == "active"].set_index("id")
    tasks = tasks[tasks["project_id"].isin(active.index) & tasks["start_date"].notna()]
    status = [("done" if pct >= 100 else "off track" if day < today else active.loc[pid, "health"])
              for pid, pct, day in zip(tasks["project_id"], tasks["percent_complete"], tasks["start_date"],
                                       strict=True)]
    return pd.DataFrame({"project": tasks["project_id"].map(active["name"]), "name": tasks["name"],
                         "day": pd.to_datetime(tasks["start_date"]), "status": status})
