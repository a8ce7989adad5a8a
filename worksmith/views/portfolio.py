"""Portfolio queries: projects with health, money to date, milestones — for Overview and Projects."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith.domain.portfolio import planned_to_date, project_health
from worksmith.store import models as m
from worksmith.views.budget_data import BudgetData
from worksmith.views.tables import frame
from worksmith.views.workspace import settings

HEALTH_TASK_COLUMNS = ["id", "project_id", "duration_days", "estimate_hours", "percent_complete", "finish_date"]


def _money_of(money: BudgetData) -> tuple[pd.Series, pd.DataFrame]:
    """(project id -> spent to date, budget lines [project_id, month, planned]) from loaded budget data."""
    costs = money.all_costs
    costs = costs[costs["owner"].astype(str).str.startswith("project:")]
    spent = costs.groupby("owner")["amount"].sum()
    spent.index = [int(o.split(":")[1]) for o in spent.index]
    keep = money.lines["project_id"].notna().to_numpy()
    lines = money.lines.loc[keep, ["project_id", "month", "planned"]]
    months = money.line_months  # the days read once, not every line's date object again
    return spent, lines if months is None else lines.assign(month=months[keep])


def project_money(session: Session, today: date,
                  project_ids: list[int] | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """The same as :func:`_money_of`, summed by the database: spent per project (expenses to date plus booked hours
    × cost rate) and the budget lines per project and month — 1 % of the rows the budget data reads at L; only
    ``project_ids`` when given (one project's page)."""
    conn = session.connection()
    ex, te, task, person, bl = (x.__table__ for x in (m.Expense, m.TimeEntry, m.Task, m.Person, m.BudgetLine))

    def scope(column):
        return column.is_not(None) if project_ids is None else column.in_(project_ids)

    parts = [conn.execute(select(ex.c.project_id, func.sum(ex.c.amount))
                          .where(scope(ex.c.project_id), ex.c.day <= today).group_by(ex.c.project_id)).all(),
             conn.execute(select(task.c.project_id, func.sum(te.c.hours * person.c.cost_rate))
                          .join(person, person.c.id == te.c.person_id).join(task, task.c.id == te.c.task_id)
                          .where(scope(task.c.project_id), te.c.day <= today).group_by(task.c.project_id)).all()]
    spent = pd.concat([pd.Series({int(p): float(v or 0) for p, v in rows}, dtype="float64") for rows in parts])
    spent = spent.groupby(level=0).sum()
    lines = pd.DataFrame(conn.execute(select(bl.c.project_id, bl.c.month, func.sum(bl.c.planned))
                                      .where(scope(bl.c.project_id))
                                      .group_by(bl.c.project_id, bl.c.month)).all(),
                         columns=["project_id", "month", "planned"])
    lines["planned"] = lines["planned"].astype(float)
    return spent, lines


def portfolio(session: Session, *, today: date, money: BudgetData | None = None) -> pd.DataFrame:
    """Projects with health (see ``worksmith.domain.portfolio``) and the names of their goal, manager and team.

    ``spent`` and ``planned_to_date`` are the figures Budgets shows as a project's AC and planned to date (PV);
    taken from ``money`` when the caller has loaded the budget data already (Overview), summed in SQL otherwise.
    """
    if money is not None:
        spent, lines = _money_of(money)
        projects, tasks, holidays = money.projects, money.tasks, money.holidays
    else:
        spent, lines = project_money(session, today)
        projects, holidays = frame(session, m.Project), frame(session, m.Holiday)
        tasks = frame(session, m.Task, columns=HEALTH_TASK_COLUMNS)
    planned = planned_to_date(lines.rename(columns={"project_id": "owner"}), today)
    out = project_health(projects, tasks, spent, planned, today, settings(session)["currency"], holidays=holidays)
    names = {
        "goal": frame(session, m.Goal, columns=["id", "title"]).set_index("id")["title"],
        "manager": frame(session, m.Person, columns=["id", "name"]).set_index("id")["name"],
        "team": frame(session, m.Team, columns=["id", "name"]).set_index("id")["name"],
    }
    out["goal"] = out["goal_id"].map(names["goal"])
    out["manager"] = out["manager_id"].map(names["manager"])
    out["team"] = out["team_id"].map(names["team"])
    return out


def spend_by_month(money: BudgetData, *, year: int) -> pd.DataFrame:
    """Planned (budget lines) and actual (expenses + labour) per month of ``year``: [month, kind, amount]."""
    lines = money.lines_of_year(year)
    planned = lines.groupby("month")["planned"].sum().rename("amount").reset_index().assign(kind="planned")
    days, amounts = money.cost_arrays
    if days is None:  # a day that is not a plain date: pandas words it
        costs = money.all_costs
        costs = costs[pd.to_datetime(costs["day"]).dt.year == year] if len(costs) else costs
        months = [d.replace(day=1) for d in costs["day"]]
        actual = costs.groupby(pd.Series(months, index=costs.index, dtype=object).rename("month"))["amount"].sum()
    else:  # the same groups and sums over day numbers: 24,000 costs a year at L
        in_year = days.astype("datetime64[Y]") == np.datetime64(str(year), "Y")
        sums = pd.Series(amounts[in_year]).groupby(days[in_year].astype("datetime64[M]")).sum()
        months = sums.index.to_numpy(dtype="datetime64[D]").astype(object)  # dates, as the row path gives
        actual = pd.Series(sums.to_numpy(), index=pd.Index(months, dtype=object, name="month"), name="amount")
    actual = actual.reset_index().assign(kind="actual")
    return pd.concat([planned, actual], ignore_index=True)[["month", "kind", "amount"]]


def milestones(session: Session, *, today: date, health: pd.DataFrame) -> pd.DataFrame:
    """Milestones (0-day tasks) of active projects: [project, name, day, status]."""
    tasks = frame(session, m.Task, m.Task.duration_days == 0,
                  columns=["id", "project_id", "name", "percent_complete", "start_date"])
    active = health[health["status"] == "active"].set_index("id")
    tasks = tasks[tasks["project_id"].isin(active.index) & tasks["start_date"].notna()]
    health_of = active["health"].to_dict()
    status = [("done" if pct >= 100 else "off track" if day < today else health_of[pid])
              for pid, pct, day in zip(tasks["project_id"], tasks["percent_complete"], tasks["start_date"],
                                       strict=True)]
    return pd.DataFrame({"project": tasks["project_id"].map(active["name"]), "name": tasks["name"],
                         "day": pd.to_datetime(tasks["start_date"]), "status": status})
