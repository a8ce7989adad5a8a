"""Operations: the figures of the Operations page, workflow moves, cases from templates and automation rules.

Reads return DataFrames/dataclasses; commands validate (rules in ``worksmith.operations``), write through
``worksmith.services.core`` (activity log, optimistic locking) and raise ``WorksmithError``s a person can act on.
``overdue_flags`` is the "flag overdue work on the Overview" automation, for the Overview to show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import operations as ops
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame


def moment(today: date) -> datetime:
    """'Now' on the app's day: ``today`` (which tests and demos may pin) at the current UTC time of day."""
    return datetime.combine(today, datetime.now(UTC).time(), tzinfo=UTC)


def _names(session: Session, model: type, column: str = "name") -> dict[int, str]:
    df = frame(session, model)
    return dict(zip(df["id"].astype(int), df[column].astype(str), strict=True)) if len(df) else {}


def _open_mask(items: pd.DataFrame, stages_of: dict[int, list[str]]) -> pd.Series:
    """An item is open unless it sits in the last stage of its operation's workflow."""
    return pd.Series([stage != (stages_of.get(op) or [None])[-1] for op, stage in
                      zip(items["operation_id"], items["stage"], strict=True)], index=items.index, dtype=bool)


# --- reads ----------------------------------------------------------------------------------------------------


@dataclass
class OperationsSummary:
    empty_workspace: bool
    metrics: list[Metric] = field(default_factory=list)
    operations: pd.DataFrame = field(default_factory=pd.DataFrame)
    awaiting: int = 0


def _info(label: str, value: str, delta: str | None, help: str) -> Metric:
    """A metric whose delta is information, not a trend: grey, no arrow."""
    return Metric(label, value, delta, "off", help=help, delta_arrow="off")


def summary(session: Session, *, today: date) -> OperationsSummary:
    """Metrics across operations and one row per operation (name, team, owner, goal, run hours, open items...)."""
    opf = frame(session, m.Operation)
    if opf.empty:
        return OperationsSummary(empty_workspace=True)
    people, teams, goals = _names(session, m.Person), _names(session, m.Team), _names(session, m.Goal, "title")
    rec = frame(session, m.RecurringTask)
    items = ops.item_ages(frame(session, m.WorkItem), today)
    stages_of = dict(zip(opf["id"], opf["stages"], strict=True))
    items["open"] = _open_mask(items, stages_of) if len(items) else pd.Series(dtype=bool)
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
        _info("Open requests", f"{open_req}", f"{new_week} submitted in the last 7 days",
              help="Requests submitted or approved and not yet converted into work (see the Requests page)."),
        _info("Awaiting approval", f"{awaiting}",
              f"oldest waits {oldest_req} d" if oldest_req is not None else "none waiting",
              help="Submitted requests nobody has approved, rejected or converted yet."),
        _info("Oldest open item", fmt.DASH if oldest.empty else f"{int(oldest['age_days'].iloc[0])} d",
              None if oldest.empty else f"{oldest['title'].iloc[0]} · {op_names[oldest['operation_id'].iloc[0]]}",
              help="Calendar days since the oldest work item not yet in its workflow's last stage was created."),
        _info("Recurring hours per week", fmt.hours(run), f"{fmt.hours(rec_week)} from recurring tasks",
              help="Run demand of active operations: their standing hours per week plus recurring tasks averaged "
                   "per week (hours × occurrences per year / 52). It feeds the Workload page as 'run' work."),
    ]
    rows = []
    for op in opf.itertuples():
        mine = open_items[open_items["operation_id"] == op.id] if len(open_items) else open_items
        op_rec = ops.recurring_schedule(rec[rec["operation_id"] == op.id], today) if len(rec) else rec
        rows.append({
            "id": int(op.id), "operation": op.name, "team": teams.get(op.team_id, fmt.DASH),
            "owner": people.get(op.owner_id, fmt.DASH), "goal": goals.get(op.goal_id, "— unaligned —"),
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


def detail(session: Session, *, operation_id: int, today: date) -> OperationDetail:
    """Everything the Operations page shows for one operation."""
    op = core.get(session, m.Operation, operation_id)
    people = _names(session, m.Person)
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
        team=_names(session, m.Team).get(op.team_id, fmt.DASH), owner=people.get(op.owner_id, fmt.DASH),
        goal=_names(session, m.Goal, "title").get(op.goal_id, "— unaligned —"),
        demand_hours_per_week=float(op.demand_hours_per_week), recurring_hours_per_week=rec_week,
        stages=list(op.stages), checklist=checklist, recurring=rec, items=items, stats=stats,
        bottleneck=ops.bottleneck(stats), cases=cases)


def recurring_table(recurring: pd.DataFrame) -> pd.DataFrame:
    """The recurring tasks of :func:`detail` as the page shows them."""
    r = recurring
    return pd.DataFrame({
        "Task": r["name"], "Cadence": r["cadence"], "Hours each time": [fmt.hours(h) for h in r["hours"]],
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


# --- workflow commands ----------------------------------------------------------------------------------------


def move_item(session: Session, *, item_id: int, to_stage: str, expected_version: int | None, actor: Actor,
              now: datetime | None = None) -> m.WorkItem:
    """Move a work item to ``to_stage`` (one step forward or back to any earlier stage), recording the move."""
    item = core.get(session, m.WorkItem, item_id)
    op = core.get(session, m.Operation, item.operation_id)
    ops.check_move(op.stages, item.stage, to_stage)
    from_stage, at = item.stage, now or m.utcnow()
    item = core.update(session, m.WorkItem, item_id, {"stage": to_stage, "stage_entered_at": at},
                       expected_version=expected_version, actor=actor)
    session.add(m.WorkItemMove(item_id=item_id, from_stage=from_stage, to_stage=to_stage, at=at, actor=actor.name))
    core.log(session, actor, "move", m.WorkItem.__tablename__, item_id,
             f"moved '{item.title}' ({op.name}) from {from_stage} to {to_stage}")
    session.flush()
    return item


def create_work_item(session: Session, *, operation_id: int, title: str, owner_id: int | None, actor: Actor,
                     stage: str | None = None, due: date | None = None, estimate_hours: float = 0.0, case: str = "",
                     request_id: int | None = None, now: datetime | None = None) -> m.WorkItem:
    """A new work item in an operation's first stage (or ``stage``), with its first move recorded."""
    op = core.get(session, m.Operation, operation_id)
    stage = stage or op.stages[0]
    if stage not in op.stages:
        raise ValidationError(f"'{stage}' is not a stage of {op.name} ({' → '.join(op.stages)}).", field="stage")
    at = now or m.utcnow()
    item = core.create(session, m.WorkItem, {
        "operation_id": operation_id, "title": title, "stage": stage, "owner_id": owner_id, "created_at": at,
        "stage_entered_at": at, "request_id": request_id, "case": case, "due": due,
        "estimate_hours": estimate_hours}, actor=actor)
    session.add(m.WorkItemMove(item_id=item.id, from_stage=None, to_stage=stage, at=at, actor=actor.name))
    return item


def start_case(session: Session, *, operation_id: int, case: str, start: date, actor: Actor,
               now: datetime | None = None) -> list[m.WorkItem]:
    """Instantiate the operation's checklist for a new case: one work item per step, due relative to ``start``."""
    op = core.get(session, m.Operation, operation_id)
    rows = ops.instantiate_checklist(op.checklist or [], case=case, start=start, stage=op.stages[0])
    existing = frame(session, m.WorkItem, m.WorkItem.operation_id == operation_id, m.WorkItem.case == rows[0]["case"])
    if len(existing):
        raise ValidationError(f"{op.name} already has a case '{rows[0]['case']}' ({len(existing)} items); give the "
                              "new case another name.", field="case")
    created = [create_work_item(session, operation_id=operation_id, actor=actor, now=now, **row) for row in rows]
    core.log(session, actor, "start case", m.Operation.__tablename__, operation_id,
             f"started case '{rows[0]['case']}' in {op.name} from its checklist: {len(created)} items, "
             f"first due {min(r['due'] for r in rows):%d %b %Y}")
    return created


def update_checklist(session: Session, *, operation_id: int, checklist: list[dict[str, Any]],
                     expected_version: int | None, actor: Actor) -> m.Operation:
    """Replace the operation's process template (validated; assignees must exist)."""
    clean = ops.validate_checklist(checklist)
    people = people_options(session)
    for n, row in enumerate(clean, start=1):
        if row["assignee_id"] is not None and row["assignee_id"] not in people:
            raise ValidationError(f"Checklist row {n} '{row['name']}': unknown person {row['assignee_id']}.", row=n)
    return core.update(session, m.Operation, operation_id, {"checklist": clean}, expected_version=expected_version,
                       actor=actor)


# --- automation -----------------------------------------------------------------------------------------------


def rules(session: Session) -> pd.DataFrame:
    """Automation rules with a plain-language ``description``."""
    df = frame(session, m.AutomationRule)
    ops_names, people = operation_options(session), _names(session, m.Person)
    df["description"] = [ops.describe_rule(r, ops_names, people) for r in df.to_dict("records")] if len(df) else []
    return df


def update_rule(session: Session, *, rule_id: int, expected_version: int | None, actor: Actor,
                active: bool | None = None, condition: dict[str, Any] | None = None,
                params: dict[str, Any] | None = None) -> m.AutomationRule:
    """Switch a rule on/off and/or change its condition and params (validated; referenced rows must exist)."""
    rule = core.get(session, m.AutomationRule, rule_id)
    condition = {k: v for k, v in (rule.condition if condition is None else condition).items() if v not in ("", None)}
    params = {k: v for k, v in (rule.params if params is None else params).items() if v not in ("", None)}
    ops.validate_rule(rule.trigger, condition, rule.action, params)
    if rule.action == "create_work_item":
        op = session.get(m.Operation, params["operation_id"])
        if op is None:
            raise ValidationError(f"Unknown operation {params['operation_id']} for the rule.", field="params")
        if params.get("owner_id") is not None and session.get(m.Person, params["owner_id"]) is None:
            raise ValidationError(f"Unknown person {params['owner_id']} as the work item's owner.", field="params")
        if params.get("stage") and params["stage"] not in op.stages:
            raise ValidationError(f"'{params['stage']}' is not a stage of {op.name}.", field="params")
    changes: dict[str, Any] = {"condition": condition, "params": params}
    if active is not None:
        changes["active"] = bool(active)
    return core.update(session, m.AutomationRule, rule_id, changes, expected_version=expected_version, actor=actor)


def run_request_rules(session: Session, *, request: m.Request, actor: Actor,
                      now: datetime | None = None) -> list[m.WorkItem]:
    """Run the active 'request approved' rules matching ``request``: each creates a work item linked to it."""
    found = ops.matching_rules(frame(session, m.AutomationRule).to_dict("records"), "request_approved",
                               {"type": request.type})
    created = []
    for rule in found:
        params = rule["params"] or {}
        item = create_work_item(session, operation_id=int(params["operation_id"]), title=request.title,
                                owner_id=params.get("owner_id"), stage=params.get("stage"), due=request.needed_by,
                                estimate_hours=float(request.estimate_hours or 0), request_id=request.id,
                                actor=actor, now=now)
        core.log(session, actor, "automation", m.AutomationRule.__tablename__, int(rule["id"]),
                 f"rule '{rule['name']}' turned request '{request.title}' into work item #{item.id}")
        created.append(item)
    return created


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
    projects = frame(session, m.Project, m.Project.status == "active")
    tasks = frame(session, m.Task, m.Task.project_id.in_(projects["id"].tolist() or [-1]))
    tasks["project"] = tasks["project_id"].map(dict(zip(projects["id"], projects["name"], strict=True)))
    opf = frame(session, m.Operation)
    items = frame(session, m.WorkItem)
    if len(items):
        items["operation"] = items["operation_id"].map(dict(zip(opf["id"], opf["name"], strict=True)))
        items["open"] = _open_mask(items, dict(zip(opf["id"], opf["stages"], strict=True)))
    else:
        items = pd.DataFrame(columns=["title", "operation", "stage", "due", "open"])
    found = ops.overdue(tasks, items, today, grace)
    if found.empty:
        return empty
    return pd.DataFrame({"status": found["level"], "item": found["item"], "why": found["why"],
                         "page": found["page"]})


def fmt_days(value: float | None) -> str:
    """'3.5 d' (one decimal under 10 days), '—' when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.DASH
    return f"{value:.1f} d" if value < 10 else f"{value:.0f} d"
