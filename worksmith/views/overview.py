"""The Overview page's figures, computed from the data: metrics, what needs attention, milestones, the portfolio
table and spend by month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.goals import roll_up
from worksmith.status import chip
from worksmith.store import models as m
from worksmith.views import budgets
from worksmith.views import portfolio as portfolio_service
from worksmith.views.metric import Metric
from worksmith.views.operations import UNALIGNED, overdue_flags
from worksmith.views.p80 import stored_p80
from worksmith.views.project_team import stale_risks
from worksmith.views.tables import activity, frame
from worksmith.views.workload_data import load_cells
from worksmith.views.workspace import is_empty, settings

RANK = {"off track": 0, "at risk": 1, "not planned": 2}  # real problems first, then what still needs planning


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


def goal_status(session: Session, *, today: date) -> pd.DataFrame:
    """Every goal's rolled-up progress and status (``worksmith.domain.goals.roll_up``)."""
    return roll_up(frame(session, m.Goal), frame(session, m.KeyResult, m.KeyResult.archived.is_(False)), today)


def overview(session: Session, *, today: date) -> Overview:
    if is_empty(session):
        return Overview(empty_workspace=True)
    currency = settings(session)["currency"]
    # read once: health, spend by month and the budget figures share it
    money = budgets.load(session, today, editing=False)
    health = portfolio_service.portfolio(session, today=today, money=money)
    active = health[health["status"] == "active"]
    off = active[active["health"] == "off track"]
    risky = active[active["health"] == "at risk"]
    spend = portfolio_service.spend_by_month(money, year=today.year)
    month_start = today.replace(day=1)
    ytd = budgets.year_to_date(money)  # the figures Budgets shows for the whole organisation
    actual_ytd, planned_ytd, variance = ytd["actual_ytd"], ytd["plan_ytd"], ytd["variance"]
    goals = goal_status(session, today=today)
    goals_behind = goals[goals["status"].isin(["at risk", "off track"])]
    week = load_cells(session, start=today, weeks=1, today=today)
    over = week[week["over"]]
    names = frame(session, m.Person, columns=["id", "name"]).set_index("id")["name"]
    # alerts look at active and on-hold projects only: the others' earned value is not computed
    money_alerts = budgets.alerts_of(money, budgets.project_rows(money, budgets.ALERT_STATUSES))
    metrics = [
        Metric("Active projects", f"{len(active)}",
               f"{int((health['status'] == 'proposed').sum())} proposed", "off", delta_arrow="off",
               help="Projects with status active; proposed ones wait for approval on the Goals page."),
        Metric("Projects off track", f"{len(off)}", f"{len(risky)} more at risk", "off", delta_arrow="off",
               help="Health from schedule slip, cost against plan to date and overdue tasks (see the Why column)."),
        Metric("Goals at risk or off track", f"{len(goals_behind)}", f"of {len(goals)} goals", "off",
               delta_arrow="off",
               help="Goal progress (weighted mean of key results and child goals) against the share of the period "
                    "elapsed: ≥ 0.7 of it on track, 0.4–0.7 at risk, below off track."),
        Metric("Over capacity this week", f"{over['person_id'].nunique()}",
               f"{fmt.hours(over['excess'].sum())} over", "inverse" if len(over) else "off", delta_arrow="off",
               help="Load (project tasks' remaining hours spread over their working days, plus recurring operations "
                    "work) above capacity (weekly hours × availability × working days not off / 5)."),
        Metric(f"Spent {today.year} to date · all budgets", fmt.money(actual_ytd, currency),
               # ASCII minus so Streamlit points the arrow the right way
               f"{budgets.signed(variance, currency)} vs planned to date "
               f"({budgets.pct(variance / planned_ytd) if planned_ytd else fmt.DASH})",
               budgets.variance_colour(variance, planned_ytd),
               help=f"Projects and operations, {today.year} only: expenses plus booked hours × cost rate, against "
                    f"planned to date ({fmt.money(planned_ytd, currency)}: budget lines of past months, this month "
                    "pro rata) — as on Budgets. Grey below 2 % or 1,000: noise."),
    ]
    rows = [(h, f"Project · {name}", "; ".join(reasons), "projects", {"project": name})
            for name, h, reasons in zip(active["name"], active["health"], active["reasons"], strict=True)
            if h in ("off track", "at risk", "not planned")]
    rows += [(st, f"Goal · {title}", why, "goals", {"goal": str(gid)})
             for gid, title, st, why in zip(goals_behind["id"], goals_behind["title"], goals_behind["status"],
                                            goals_behind["summary"], strict=True)]
    rows += [("off track" if severity == "critical" else "at risk", f"Budget · {name}", message, "budgets",
              {"owner": owner})
             for owner, name, severity, message in zip(money_alerts["owner"], money_alerts["name"],
                                                       money_alerts["severity"], money_alerts["message"], strict=True)]
    rows += [("off track", f"Person · {names.get(pid, pid)}",
              f"{fmt.hours(load)} planned this week against {fmt.hours(cap)} capacity", "workload", {})
             for pid, load, cap in zip(over["person_id"], over["load"], over["capacity"], strict=True)]
    stale = stale_risks(session)  # open risks whose task is done: close them (Risks tab)
    rows += [("at risk", f"Risk · {project}", f"stale: '{title}' is still {status} ({level}) but its task {task} is "
              "done — close it", "projects", {"project": project, "tab": "Risks"})
             for project, title, task, level, status in stale[["project", "title", "task", "level", "status"]]
             .itertuples(index=False)]
    flags = overdue_flags(session, today=today)
    rows += [(status, item, why, page, {}) for status, item, why, page in
             zip(flags["status"], flags["item"], flags["why"], flags["page"], strict=True)]
    attention = pd.DataFrame(rows, columns=["status", "item", "why", "page", "params"])
    attention = attention.sort_values("status", key=lambda s: s.map(RANK).fillna(9), kind="stable")
    attention["status"] = [chip(h) for h in attention["status"]]
    miles = portfolio_service.milestones(session, today=today, health=health)
    window = (pd.Timestamp(today) - pd.Timedelta(weeks=3), pd.Timestamp(today) + pd.Timedelta(weeks=13))
    miles = miles[miles["day"].between(*window)]
    upcoming = miles[(miles["day"] >= pd.Timestamp(today)) & (miles["status"] != "done")]
    title = (f"{len(upcoming)} milestones ahead; next: {upcoming.sort_values('day').iloc[0]['name']} "
             f"on {upcoming['day'].min():%d %b}" if len(upcoming) else "No milestone ahead")
    p80 = stored_p80(session, project_ids=active["id"])  # computed where the schedule is stored (commands.p80)
    table = pd.DataFrame({
        "project": health["name"],
        "health": [chip(h) for h in health["health"]],
        "status": health["status"],
        "team": health["team"],
        "manager": health["manager"],
        "percent_complete": health["percent_complete"] * 100,
        "finish": [fmt.day(d) for d in health["forecast_finish"]],
        "p80_finish": [fmt.day(p80.get(int(i))) for i in health["id"]],
        "vs_target": [fmt.days(d) for d in health["slip_days"]],
        "budget": [fmt.money(b, currency) for b in health["budget"]],
        "budget_used": health["budget_used"] * 100,
        "goal": [g if isinstance(g, str) else UNALIGNED for g in health["goal"]],  # all-missing reads as floats
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


def recent_activity(session: Session, *, limit: int = 15) -> pd.DataFrame:
    """The latest activity-log entries ``at, actor, summary``, newest first, ``at`` as 'Mon 7 Dec 2026 14:05'."""
    log = activity(session, limit=limit)
    log["at"] = [fmt.day(t) + f" {t:%H:%M}" for t in log["at"]]
    return log[["at", "actor", "summary"]]
