"""Operations, read side: the figures of the Operations page, the automation rules as sentences, and the overdue
flags the Overview shows.

Reads return DataFrames and small view objects (rules in ``worksmith.domain.operations``); the writes (workflow
moves, cases, checklists, rules) are in ``worksmith.commands.operations``. ``overdue_flags`` is the "flag overdue
work on the Overview" automation, for the Overview to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import operations as ops
from worksmith.domain.calendar import cadence_rule, describe_rule
from worksmith.errors import NotFoundError
from worksmith.status import chip
from worksmith.store import models as m
from worksmith.values import is_missing
from worksmith.views.metric import Metric
from worksmith.views.tables import frame

UNALIGNED = "— unaligned —"
# the card colours of the workflow board, for its caption
WAIT_LEGEND = (f"{chip('at risk', f'waiting {ops.AT_RISK_DAYS}+ days')}, "
               f"{chip('off track', f'{ops.OFF_TRACK_DAYS}+ days')}")


def moment(today: date) -> datetime:
    """'Now' on the app's day: ``today`` (which tests and demos may pin) at the current UTC time of day."""
    return datetime.combine(today, datetime.now(UTC).time(), tzinfo=UTC)


def names(session: Session, model: type, column: str = "name") -> dict[int, str]:
    """``{id: name}`` of every row of ``model`` (``column`` names it)."""
    df = frame(session, model)
    return dict(zip(df["id"].astype(int), df[column].astype(str), strict=True)) if len(df) else {}


def open_mask(items: pd.DataFrame, stages_of: dict[int, list[str]]) -> pd.Series:
    """An item is open unless it sits in the last stage of its operation's workflow."""
    return pd.Series([stage != (stages_of.get(op) or [None])[-1] for op, stage in
                      zip(items["operation_id"], items["stage"], strict=True)], index=items.index, dtype=bool)


def info(label: str, value: str, delta: str | None, help: str) -> Metric:
    """A metric whose delta is information, not a trend: grey, no arrow."""
    return Metric(label, value, delta, "off", help=help, delta_arrow="off")


def fmt_days(value: float | None) -> str:
    """'3.5 d' (one decimal under 10 days), '—' when unknown."""
    if is_missing(value):
        return fmt.DASH
    return f"{value:.1f} d" if value < 10 else f"{value:.0f} d"


@dataclass
class OperationsSummary:
    empty_workspace: bool
    metrics: list[Metric] = field(default_factory=list)
    operations: pd.DataFrame = field(default_factory=pd.DataFrame)
    awaiting: int = 0


def summary(session: Session, *, today: date) -> OperationsSummary:
    """Metrics across operations and one row per operation (name, team, owner, goal, run hours, open items...)."""
    opf = frame(session, m.Operation)
    if opf.empty:
        return OperationsSummary(empty_workspace=True)
    people, teams, goals = names(session, m.Person), names(session, m.Team), names(session, m.Goal, "title")
    rec = frame(session, m.RecurringTask)
    items = ops.item_ages(frame(session, m.WorkItem), today)
    stages_of = dict(zip(opf["id"], opf["stages"], strict=True))
    items["open"] = open_mask(items, stages_of) if len(items) else pd.Series(dtype=bool)
    open_items = items[items["open"]] if len(items) else items
    requests = frame(session, m.Request)
    status = requests["status"] if len(requests) else pd.Series(dtype=str)
    open_req, awaiting = int(status.isin(ops.OPEN_REQUEST_STATUSES).sum()), int((status == "submitted").sum())
    waiting = requests[status == "submitted"]
    oldest_req = int(ops.request_age_days(waiting["submitted_at"], today).max()) if len(waiting) else None
    new_week = int((ops.request_age_days(requests["submitted_at"], today) < 7).sum()) if len(requests) else 0
    run = ops.run_hours_per_week(opf, rec)
    rec_week = ops.run_hours_per_week(opf.assign(demand_hours_per_week=0.0), rec)
    oldest = open_items.sort_values("age_days", ascending=False).head(1)
    op_names = dict(zip(opf["id"], opf["name"], strict=True))
    metrics = [
        info("Open requests", f"{open_req}", f"{new_week} submitted in the last 7 days",
             help="Requests submitted or approved and not yet converted into work (see the Requests page)."),
        info("Awaiting approval", f"{awaiting}",
             f"oldest waits {oldest_req} d" if oldest_req is not None else "none waiting",
             help="Submitted requests nobody has approved, rejected or converted yet."),
        info("Oldest open item", fmt.DASH if oldest.empty else f"{int(oldest['age_days'].iloc[0])} d",
             None if oldest.empty else f"{oldest['title'].iloc[0]} · {op_names[oldest['operation_id'].iloc[0]]}",
             help="Calendar days since the oldest work item not yet in its workflow's last stage was created."),
        info("Recurring hours per week", fmt.hours(run), f"{fmt.hours(rec_week)} from recurring tasks",
             help="Run demand of active operations: their standing hours per week plus recurring tasks averaged "
                  "per week (hours × occurrences per year / 52). It feeds the Workload page as 'run' work."),
    ]
    rows = []
    for op in opf.itertuples():
        mine = open_items[open_items["operation_id"] == op.id] if len(open_items) else open_items
        op_rec = ops.recurring_schedule(rec[rec["operation_id"] == op.id], today) if len(rec) else rec
        rows.append({
            "id": int(op.id), "operation": op.name, "team": teams.get(op.team_id, fmt.DASH),
            "owner": people.get(op.owner_id, fmt.DASH), "goal": goals.get(op.goal_id, UNALIGNED),
            "run_hours": fmt.hours(float(op.demand_hours_per_week) + float(op_rec["hours_per_week"].sum()
                                                                            if len(op_rec) else 0)),
            "open_items": int(len(mine)),
            "oldest_wait": fmt.DASH if mine.empty else f"{int(mine['days_in_stage'].max())} d",
            "next_due": fmt.DASH if op_rec.empty else f"{fmt.day(op_rec['next_due'].iloc[0])} · "
                                                      f"{op_rec['name'].iloc[0]}",
            "active": bool(op.active)})
    return OperationsSummary(False, metrics, pd.DataFrame(rows), awaiting)


@dataclass
class OperationDetail:
    id: int
    name: str
    description: str
    version: int
    team: str
    owner: str
    goal: str
    demand_hours_per_week: float
    recurring_hours_per_week: float
    stages: list[str]
    checklist: pd.DataFrame
    recurring: pd.DataFrame
    items: pd.DataFrame
    stats: pd.DataFrame
    bottleneck: ops.Bottleneck
    cases: list[str]


def _board_columns(items: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """The workflow board's card fields: ``wait`` (the status of the item's wait, 'done' in the last stage) and the
    stages its Back / forward buttons move it to, '' for none (an item in an unknown stage may only move to the first
    stage)."""
    if items.empty:
        return items.assign(wait=pd.Series(dtype=str), back=pd.Series(dtype=str), forward=pd.Series(dtype=str))
    moves = [ops.neighbours(stages, s) if s in stages else (None, stages[0]) for s in items["stage"]]
    return items.assign(
        wait=["done" if s == stages[-1] else ops.wait_status(float(n))
              for s, n in zip(items["stage"], items["days_in_stage"], strict=True)],
        back=[b or "" for b, _ in moves], forward=[f or "" for _, f in moves])


def detail(session: Session, *, operation_id: int, today: date) -> OperationDetail:
    """Everything the Operations page shows for one operation."""
    op = session.get(m.Operation, operation_id)
    if op is None:
        raise NotFoundError(f"Operation {operation_id} does not exist (it may have been deleted) — reload.")
    people = names(session, m.Person)
    rec = ops.recurring_schedule(frame(session, m.RecurringTask, m.RecurringTask.operation_id == operation_id), today)
    rec["assignee"] = rec["assignee_id"].map(people).fillna(fmt.DASH) if len(rec) else pd.Series(dtype=str)
    items = ops.item_ages(frame(session, m.WorkItem, m.WorkItem.operation_id == operation_id), today)
    items["owner"] = items["owner_id"].map(people).fillna(fmt.DASH) if len(items) else pd.Series(dtype=str)
    items["open"] = items["stage"] != op.stages[-1] if len(items) else pd.Series(dtype=bool)
    items = items.sort_values(["days_in_stage", "id"], ascending=[False, True]).reset_index(drop=True)
    moves = frame(session, m.WorkItemMove, m.WorkItemMove.item_id.in_(items["id"].tolist() or [-1]))
    stats = ops.stage_stats(op.stages, items, moves, today)
    checklist = pd.DataFrame(op.checklist or [], columns=["name", "offset_days", "hours", "assignee_id"])
    cases = sorted({c for c in items["case"].dropna() if c}) if len(items) else []
    rec_week = float(rec["hours_per_week"].sum()) if len(rec) else 0.0
    return OperationDetail(
        id=int(op.id), name=op.name, description=op.description, version=int(op.version),
        team=names(session, m.Team).get(op.team_id, fmt.DASH), owner=people.get(op.owner_id, fmt.DASH),
        goal=names(session, m.Goal, "title").get(op.goal_id, UNALIGNED),
        demand_hours_per_week=float(op.demand_hours_per_week), recurring_hours_per_week=rec_week,
        stages=list(op.stages), checklist=checklist, recurring=rec, items=_board_columns(items, list(op.stages)),
        stats=stats, bottleneck=ops.bottleneck(stats), cases=cases)


def time_in_stage_title(bottleneck: ops.Bottleneck) -> str:
    """The title of the time-in-stage chart: the slowest stage, or why there is none."""
    slow, slow_days = bottleneck.slowest_stage, fmt_days(bottleneck.slowest_days)
    if slow:
        return f"Items stay longest in {slow} (average {slow_days})"
    if slow_days != fmt.DASH:
        return f"No single slowest stage: the longest average stay is {slow_days}"
    return "No finished stays in the history yet"


def _repeats(r: pd.DataFrame) -> list[str]:
    """The rule of each recurring task in plain English (its cadence's rule when it has none of its own)."""
    rules = r["rrule"].fillna("").tolist() if "rrule" in r else [""] * len(r)
    return [describe_rule(rule or cadence_rule(c, a), a) for rule, c, a in
            zip(rules, r["cadence"], r["anchor"], strict=True)]


def recurring_table(recurring: pd.DataFrame) -> pd.DataFrame:
    """The recurring tasks of :func:`detail` as the page shows them."""
    r = recurring
    return pd.DataFrame({
        "Task": r["name"], "Repeats": _repeats(r), "Hours each time": [fmt.hours(h) for h in r["hours"]],
        "Assignee": r["assignee"], "Next due": [fmt.day(x) for x in r["next_due"]],
        "In": [f"{n} d" for n in r["days_until"]],
        "Hours per week (average)": [f"{h:.1f} h" for h in r["hours_per_week"]]})


def checklist_table(checklist: pd.DataFrame, people: dict[int, str]) -> pd.DataFrame:
    """A process template as the page shows it: step, days from start (signed), hours, assignee."""
    return pd.DataFrame({"Step": checklist["name"], "Days from start": [f"{int(n):+d}" if n else "0" for n in
                                                                       checklist["offset_days"].fillna(0)],
                         "Hours": [f"{float(h):.1f} h" for h in checklist["hours"].fillna(0)],
                         "Assignee": checklist["assignee_id"].map(people).fillna(fmt.DASH)})


def people_options(session: Session) -> dict[int, str]:
    """Active people by id, for pickers."""
    df = frame(session, m.Person, m.Person.active.is_(True))
    return dict(zip(df["id"].astype(int), df["name"], strict=True))


def operation_options(session: Session) -> dict[int, str]:
    df = frame(session, m.Operation)
    return dict(zip(df["id"].astype(int), df["name"], strict=True))


# --- automation -----------------------------------------------------------------------------------------------


def rules(session: Session) -> pd.DataFrame:
    """Automation rules with a plain-language ``description``."""
    df = frame(session, m.AutomationRule)
    ops_names, people = operation_options(session), names(session, m.Person)
    df["description"] = [ops.describe_rule(r, ops_names, people) for r in df.to_dict("records")] if len(df) else []
    return df


def overdue_flags(session: Session, *, today: date) -> pd.DataFrame:
    """Overdue project tasks (active projects) and open work items past their due date, as Overview
    "needs attention" rows ``status, item, why, page`` (the Overview's attention columns), most overdue first.
    ``status`` is the plain level, 'off track' (more than 10 days late) or 'at risk', like the Overview's rows before
    it sorts them and adds the status icon; ``page`` is the page to fix it on: 'projects' or 'operations'.

    Empty unless an active ``task_overdue`` → ``flag_overview`` rule exists; its ``grace_days`` (the smallest among
    active ones) is how many days late an item may be before it is flagged.
    """
    empty = pd.DataFrame(columns=["status", "item", "why", "page"])
    rule_df = frame(session, m.AutomationRule)
    live = [r for r in rule_df.to_dict("records") if r["active"] and r["trigger"] == "task_overdue"
            and r["action"] == "flag_overview"] if len(rule_df) else []
    if not live:
        return empty
    grace = min(int((r["params"] or {}).get("grace_days", 0) or 0) for r in live)
    projects = frame(session, m.Project, m.Project.status == "active", columns=["id", "name"])
    # only what can be late (the rule of ops.overdue, in SQL): unfinished and finished more than grace days ago
    tasks = frame(session, m.Task, m.Task.project_id.in_(projects["id"].tolist() or [-1]),
                  m.Task.finish_date < today - timedelta(days=grace), m.Task.percent_complete < 100,
                  columns=["id", "project_id", "name", "finish_date", "percent_complete"])
    tasks["project"] = tasks["project_id"].map(dict(zip(projects["id"], projects["name"], strict=True)))
    opf = frame(session, m.Operation)
    items = frame(session, m.WorkItem)
    if len(items):
        items["operation"] = items["operation_id"].map(dict(zip(opf["id"], opf["name"], strict=True)))
        items["open"] = open_mask(items, dict(zip(opf["id"], opf["stages"], strict=True)))
    else:
        items = pd.DataFrame(columns=["title", "operation", "stage", "due", "open"])
    found = ops.overdue(tasks, items, today, grace)
    if found.empty:
        return empty
    return pd.DataFrame({"status": found["level"], "item": found["item"], "why": found["why"],
                         "page": found["page"]})


def flags_table(flags: pd.DataFrame) -> pd.DataFrame:
    """:func:`overdue_flags` as the Operations page lists them: the status as a chip, without the page."""
    return flags.drop(columns=["page"]).assign(status=[chip(level) for level in flags["status"]])
