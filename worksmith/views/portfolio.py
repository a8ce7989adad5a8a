"""Portfolio queries: projects with health, money to date, milestones — for Overview and Projects."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith.domain.portfolio import planned_to_date, project_health
from worksmith.store import models as m
from worksmith.views.tables import frame, labour_cost
from worksmith.views.workspace import settings


def actual_costs(session: Session, *, until: date) -> pd.DataFrame:
    """Every cost to date: [project_id, operation_id, day, category, amount] (expenses + labour)."""
    expenses = frame(session, m.Expense, m.Expense.day <= until)
    labour = labour_cost(session, until=until)
    parts = [expenses[["project_id", "operation_id", "day", "category", "amount"]]]
    if len(labour):
        parts.append(labour.assign(category="labour", amount=labour["cost"])[
            ["project_id", "operation_id", "day", "category", "amount"]])
    out = pd.concat(parts, ignore_index=True)
    out["amount"] = out["amount"].astype(float)
    return out


def portfolio(session: Session, *, today: date) -> pd.DataFrame:
    """Projects with health (see ``worksmith.domain.portfolio``) and the names of their goal, manager and team.

    ``spent`` and ``planned_to_date`` are the figures Budgets shows as a project's AC and planned to date (PV).
    """
    projects = frame(session, m.Project)
    tasks = frame(session, m.Task)[["project_id", "duration_days", "estimate_hours", "percent_complete",
                                    "finish_date"]]
    costs = actual_costs(session, until=today)
    spent = costs.dropna(subset=["project_id"]).groupby("project_id")["amount"].sum()
    lines = frame(session, m.BudgetLine, m.BudgetLine.project_id.is_not(None))
    planned = planned_to_date(lines.rename(columns={"project_id": "owner"}), today)
    out = project_health(projects, tasks, spent, planned, today, settings(session)["currency"],
                         holidays=frame(session, m.Holiday))
    names = {
        "goal": frame(session, m.Goal).set_index("id")["title"],
        "manager": frame(session, m.Person).set_index("id")["name"],
        "team": frame(session, m.Team).set_index("id")["name"],
    }
    out["goal"] = out["goal_id"].map(names["goal"])
    out["manager"] = out["manager_id"].map(names["manager"])
    out["team"] = out["team_id"].map(names["team"])
    return out


def spend_by_month(session: Session, *, year: int, today: date) -> pd.DataFrame:
    """Planned (budget lines) and actual (expenses + labour) per month of ``year``: [month, kind, amount]."""
    lines = frame(session, m.BudgetLine)
    lines = lines[pd.to_datetime(lines["month"]).dt.year == year]
    planned = lines.groupby("month")["planned"].sum().rename("amount").reset_index().assign(kind="planned")
    costs = actual_costs(session, until=today)
    costs = costs[pd.to_datetime(costs["day"]).dt.year == year]
    costs["month"] = [d.replace(day=1) for d in costs["day"]]
    actual = costs.groupby("month")["amount"].sum().reset_index().assign(kind="actual")
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
