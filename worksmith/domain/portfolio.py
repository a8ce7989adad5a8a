"""Project health for the portfolio (pure): % complete, forecast vs target, money used, and a RAG with reasons.

Rules (each reason is shown to the user next to the status):

* % complete = Σ estimate × % complete / Σ estimate (by duration when no task has an estimate).
* Forecast finish = the latest scheduled task finish; slip = working days from the target end to it, counted by
  the project's calendar (:meth:`worksmith.domain.calendar.WorkCalendar.working_days_between`: Mon–Fri without the
  workspace's and the project's holidays — the same count as the baseline variance).
  slip > 5 working days → off track; slip > 0 → at risk.
* Cost: spent to date (expenses + booked hours × cost rate) against **planned to date** per project
  (:func:`worksmith.domain.money.planned_to_date`, the one rule — it is the project's PV on Budgets too: budget lines
  of past months in full, the current month pro rata). More than 15 % over → off track; more than 5 % over → at
  risk. The reason reads "spent €95,843 is 15 % over the €83,110 planned to date" (amounts in the workspace
  currency).
* Overdue: an unfinished task whose finish date has passed → at risk.
* Status done → "done". A project that is not done or cancelled and has no tasks or no budget is **"not planned"**:
  there is nothing to measure yet, so no RAG — its reasons are the next steps (add tasks, set a budget, set a
  target end, name a manager: the ones missing). Otherwise proposed / approved / on hold / cancelled → "not started".
The worst rule wins; a project with no reason against it is on track.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from worksmith import fmt
from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.money import planned_to_date  # noqa: F401 - re-exported: lines [owner, month, planned]
from worksmith.domain.sums import day_array_with_gaps

SLIP_RED_DAYS = 5
COST_RED, COST_AMBER = 1.15, 1.05
RANK = {"on track": 0, "at risk": 1, "off track": 2}
HEALTHS = ("on track", "at risk", "off track", "not started", "not planned", "done")


def working_days_late(target: date | None, forecast: date | None, calendar: WorkCalendar | None = None) -> int | None:
    """Working days of ``calendar`` (default Mon–Fri) from ``target`` to ``forecast``; negative when early.

    The one slip count: ``calendar.working_days_between(target, forecast)``, so a holiday between the two dates is
    not a day late (the baseline variance counts the same way).
    """
    if target is None or forecast is None or pd.isna(target) or pd.isna(forecast):
        return None
    return int((calendar or WorkCalendar()).working_days_between(pd.Timestamp(target).date(),
                                                                 pd.Timestamp(forecast).date()))


def project_calendars(project_ids, holidays: pd.DataFrame | None) -> Mapping[int, WorkCalendar]:
    """Each project's calendar: Mon–Fri without the workspace's holidays (``project_id`` empty) and its own.

    ``holidays``: [day, project_id] (None or empty: no holidays)."""
    if holidays is None or holidays.empty:
        return {}
    common = frozenset(holidays.loc[holidays["project_id"].isna(), "day"])
    own = holidays.dropna(subset=["project_id"]).groupby("project_id")["day"].apply(frozenset)
    shared = WorkCalendar(holidays=common)
    return {int(p): WorkCalendar(holidays=common | own[p]) if p in own.index else shared for p in project_ids}


def project_health(projects: pd.DataFrame, tasks: pd.DataFrame, spent: pd.Series, planned: pd.Series,
                   today: date, currency: str = "", holidays: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per project with the computed columns and ``health`` + ``reasons`` (see the module docstring).

    ``projects``: [id, name, status, target_end, budget] (and ``manager_id`` for the next steps); ``tasks``:
    [project_id, duration_days, estimate_hours, percent_complete, finish_date]; ``spent`` / ``planned``: Series
    indexed by project id; ``currency``: prefix of the amounts in the reasons ("€"); ``holidays``: [day,
    project_id] for the slip count (see :func:`project_calendars`).
    """
    out = projects.copy()
    if tasks.empty:
        tasks = pd.DataFrame(columns=["project_id", "duration_days", "estimate_hours", "percent_complete",
                                      "finish_date"])
    t = tasks.copy()
    weight = t["estimate_hours"].astype(float)
    has_estimates = weight.groupby(t["project_id"]).transform("sum") > 0
    t["w"] = np.where(has_estimates, weight, t["duration_days"].astype(float))
    t["wp"] = t["w"] * t["percent_complete"].astype(float) / 100
    g = t.groupby("project_id")
    sums = g[["w", "wp"]].sum()
    complete = (sums["wp"] / sums["w"].replace(0, np.nan)).where(sums["w"] > 0, g["percent_complete"].mean() / 100)
    unfinished = t[(t["percent_complete"] < 100) & t["finish_date"].notna()]
    overdue = unfinished[unfinished["finish_date"] < today].groupby("project_id").size()
    out["percent_complete"] = out["id"].map(complete).astype(float)
    out["forecast_finish"] = out["id"].map(_latest(t["finish_date"], t["project_id"], g))
    out["tasks"] = out["id"].map(g.size()).fillna(0).astype(int)
    out["overdue_tasks"] = out["id"].map(overdue).fillna(0).astype(int)
    out["spent"] = out["id"].map(spent).fillna(0.0).astype(float)
    out["planned_to_date"] = out["id"].map(planned).fillna(0.0).astype(float)
    calendars = project_calendars(out["id"], holidays)
    # object dtype: whole numbers stay whole ("4 working days", never "4.0") when a project has no target (None)
    out["slip_days"] = pd.Series([working_days_late(a, b, calendars.get(pid)) for pid, a, b in
                                  zip(out["id"], out["target_end"], out["forecast_finish"], strict=True)],
                                 index=out.index, dtype=object)
    budget = out["budget"].astype(float)
    out["budget_used"] = (out["spent"] / budget.replace(0, np.nan)).astype(float)
    healths, reasons = [], []
    for row in out.itertuples():
        health, why = _rag(row, currency)
        healths.append(health)
        reasons.append(why)
    out["health"] = healths
    out["reasons"] = reasons
    return out


def _latest(finish: pd.Series, project: pd.Series, groups) -> pd.Series:
    """The latest finish date per project (missing dates left out): on day numbers when every finish is a plain date
    or missing, the same dates as the groupby of date objects, which compares them one pair at a time."""
    days, ok = day_array_with_gaps(finish.tolist())
    if not ok.all():
        return groups["finish_date"].max()
    dated = ~np.isnat(days)
    latest = pd.Series(days[dated]).groupby(project.to_numpy()[dated]).max()
    return pd.Series(latest.to_numpy().astype("datetime64[D]").astype(object), index=latest.index, dtype=object)


def next_steps(row) -> list[str]:
    """What an empty project still needs, in the order to do it (empty when it has tasks and a budget)."""
    steps = []
    if not row.tasks:
        steps.append("add tasks (import a plan or add them on Projects)")
    if not (row.budget or 0) > 0:
        steps.append("set a budget and plan it under Budgets")
    if not steps:
        return []
    if row.target_end is None or pd.isna(row.target_end):
        steps.append("set a target end")
    if getattr(row, "manager_id", None) is None or pd.isna(row.manager_id):
        steps.append("name a manager")
    return ["next: " + s for s in steps]


def _rag(row, currency: str = "") -> tuple[str, list[str]]:
    if row.status == "done":
        return "done", ["closed"]
    steps = next_steps(row) if row.status != "cancelled" else []
    if steps:
        return "not planned", steps
    if row.status != "active":
        return "not started", [f"status {row.status}"]
    found: list[tuple[str, str]] = []
    if row.slip_days is not None and row.slip_days > 0:
        level = "off track" if row.slip_days > SLIP_RED_DAYS else "at risk"
        found.append((level, f"forecast finish {row.forecast_finish:%d %b} is {row.slip_days} working days after "
                             f"the target {row.target_end:%d %b}"))
    if row.planned_to_date > 0:
        ratio = row.spent / row.planned_to_date
        if ratio > COST_AMBER:
            level = "off track" if ratio > COST_RED else "at risk"
            found.append((level, f"spent {fmt.money(row.spent, currency)} is {fmt.percent(ratio - 1)} over the "
                                 f"{fmt.money(row.planned_to_date, currency)} planned to date"))
    if row.overdue_tasks:
        plural = row.overdue_tasks > 1
        found.append(("at risk", f"{row.overdue_tasks} unfinished task{'s' if plural else ''} past "
                                 f"{'their' if plural else 'its'} finish date"))
    if not found:
        return "on track", ["on schedule and within budget"]
    worst = max(found, key=lambda f: RANK[f[0]])[0]
    return worst, [text for _level, text in sorted(found, key=lambda f: -RANK[f[0]])]
