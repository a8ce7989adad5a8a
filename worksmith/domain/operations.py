"""Operations and requests: the rules behind workflows, recurring work, templates, automation and approvals.

Pure module: plain values and DataFrames in, plain values and DataFrames out; no database, no Streamlit.

Workflow transitions
    An operation's stages are an ordered list (``Submitted → Triage → In progress → Done``). A work item may move
    **one stage forward** or **back to any earlier stage** (rework, reopening a finished item); it may never skip a
    stage forward, and a move to the stage it is already in is refused. An item whose stage is no longer in the
    workflow (the stages were renamed) may only move to the first stage. The last stage is "done".

Recurring tasks
    The next due date of a recurring task is its first occurrence on or after ``today`` (occurrences as in
    ``calendar.recurrence_dates``: its RRULE from the anchor; without one its cadence: weekly = anchor + 7k days;
    monthly/quarterly = the anchor's day of the month every 1/3 months, clamped to the month's last day). A task
    whose anchor is later than today is next due on its first occurrence (the anchor for a cadence). Its average
    weekly demand = hours × occurrences per year / 52 (weekly 52, monthly 12, quarterly 4).

Ages and bottlenecks
    Ages count calendar days: ``age`` = today − the day the item was created; ``in stage`` = today − the day it
    entered its current stage. A stay in a stage, from the move history, lasts from the move into the stage to the
    item's next move (calendar days, fractional); "average time in stage" is the mean of the finished stays.
    The bottleneck is looked for among the open stages (all but the last): the stage holding the most items (ties:
    the one whose oldest item waited longest), and the stage holding the oldest item. Waiting ≥ 5 days is "at risk",
    ≥ 10 days "off track".

Process templates
    An operation's checklist ``[{name, offset_days, hours, assignee_id}]`` becomes, for a new case (e.g. a new hire)
    starting on ``start``, one work item per entry in the first stage, due on ``start + offset_days`` (calendar days;
    negative offsets fall before the start), owned by the entry's assignee, titled "<case>: <name>".

Automation rules ("when <trigger> [matching <condition>], do <action> with <params>")
    * ``request_approved`` → ``create_work_item``: condition ``{"type": "IT"}`` (optional; the request's type, case
      and space insensitive); params ``{"operation_id", "owner_id" (optional), "stage" (optional, default the first
      stage)}``. The approved request becomes a work item in that operation.
    * ``task_overdue`` → ``flag_overview``: params ``{"grace_days": 0}``; a project task unfinished after its finish
      date, or an open work item past its due date, by more than ``grace_days`` days is flagged on the Overview.
    A rule matches an event when it is active, its trigger is the event's and every condition key equals the event's
    value. Rules run in id order.

Approval rules (requests)
    * A decision needs a named person (the "acting as" person); nobody decides on their own request.
    * approve: only a *submitted* request; a reason is optional.
    * reject: only a *submitted* request, and only with a reason (not blank).
    * convert (to a project or to a work item in an operation): a *submitted* request (approved and converted in one
      step) or an *approved* one. A rejected or converted request cannot be decided again, nor can an approved one be
      approved or rejected a second time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.calendar import cadence_rule, next_dates
from worksmith.errors import ValidationError
from worksmith.values import is_blank, is_missing

AT_RISK_DAYS = 5
OFF_TRACK_DAYS = 10
OCCURRENCES_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4}

TRIGGERS = {"request_approved": "a request is approved", "task_overdue": "a task is overdue"}
ACTIONS = {"create_work_item": "create a work item", "flag_overview": "flag it on the Overview"}
ACTION_FOR = {"request_approved": "create_work_item", "task_overdue": "flag_overview"}

DECISIONS = ("approve", "reject", "convert")
OPEN_REQUEST_STATUSES = ("submitted", "approved")

STAGE_STAT_COLUMNS = ["stage", "position", "final", "items", "oldest_days", "mean_wait_days", "avg_days_in_stage",
                      "finished_stays", "status"]
OVERDUE_COLUMNS = ["level", "item", "why", "page", "days_late"]


# --- workflow transitions -------------------------------------------------------------------------------------


def allowed_moves(stages: Sequence[str], current: str) -> list[str]:
    """The stages an item in ``current`` may move to, in workflow order: every earlier stage and the next one.

    >>> allowed_moves(["Submitted", "Triage", "In progress", "Done"], "In progress")
    ['Submitted', 'Triage', 'Done']
    """
    stages = list(stages)
    if current not in stages:
        return stages[:1]
    i = stages.index(current)
    return stages[:i] + stages[i + 1:i + 2]


def check_move(stages: Sequence[str], current: str, target: str) -> None:
    """Raise ``ValidationError`` unless an item may move from ``current`` to ``target`` (see the module docstring)."""
    stages = list(stages)
    if target not in stages:
        raise ValidationError(f"'{target}' is not a stage of this workflow ({' → '.join(stages)}).", field="stage")
    if target == current:
        raise ValidationError(f"The item is already in '{target}'.", field="stage")
    if current not in stages:
        if target != stages[0]:
            raise ValidationError(f"The item's stage '{current}' is no longer in the workflow; move it to "
                                  f"'{stages[0]}' first.", field="stage")
        return
    i, j = stages.index(current), stages.index(target)
    if j > i + 1:
        skipped = ", ".join(f"'{s}'" for s in stages[i + 1:j])
        raise ValidationError(f"Cannot jump from '{current}' to '{target}': items move one stage forward at a time "
                              f"(it would skip {skipped}).", field="stage")


def neighbours(stages: Sequence[str], current: str) -> tuple[str | None, str | None]:
    """``(previous, next)`` stage of ``current`` (None at either end, or when ``current`` is unknown)."""
    stages = list(stages)
    if current not in stages:
        return None, None
    i = stages.index(current)
    return (stages[i - 1] if i > 0 else None), (stages[i + 1] if i + 1 < len(stages) else None)


# --- recurring tasks -------------------------------------------------------------------------------------------


def next_due(cadence: str, anchor: date, today: date, rule: str = "") -> date:
    """The first occurrence on or after ``today`` of the task's RRULE (empty: its cadence from the anchor).

    >>> next_due("monthly", date(2026, 1, 31), date(2026, 2, 10))
    datetime.date(2026, 2, 28)
    """
    return next_dates(str(rule or "").strip() or cadence_rule(cadence, anchor), anchor, today, 1)[0]


def weekly_hours(cadence: str, hours: float) -> float:
    """Average hours per week of a recurring task: hours × occurrences per year / 52."""
    key = str(cadence).strip().lower()
    if key not in OCCURRENCES_PER_YEAR:
        raise ValidationError(f"Unknown cadence '{cadence}': use weekly, monthly or quarterly", field="cadence")
    return float(hours) * OCCURRENCES_PER_YEAR[key] / 52


def recurring_schedule(recurring: pd.DataFrame, today: date) -> pd.DataFrame:
    """``recurring`` [cadence, hours, anchor, ...] plus ``next_due``, ``days_until`` and ``hours_per_week``, soonest
    first."""
    out = recurring.copy()
    if out.empty:
        return out.assign(next_due=pd.Series(dtype=object), days_until=pd.Series(dtype=int),
                          hours_per_week=pd.Series(dtype=float))
    rules = out["rrule"].fillna("").tolist() if "rrule" in out else [""] * len(out)
    out["next_due"] = [next_due(c, a, today, r) for c, a, r in zip(out["cadence"], out["anchor"], rules, strict=True)]
    out["days_until"] = [(d - today).days for d in out["next_due"]]
    out["hours_per_week"] = [weekly_hours(c, h) for c, h in zip(out["cadence"], out["hours"], strict=True)]
    return out.sort_values(["next_due", "name"], kind="stable").reset_index(drop=True)


def run_hours_per_week(operations: pd.DataFrame, recurring: pd.DataFrame) -> float:
    """Standing run demand of active operations: Σ demand_hours_per_week + Σ weekly hours of their recurring tasks."""
    if operations.empty:
        return 0.0
    active = operations[operations["active"].fillna(True).astype(bool)] if "active" in operations else operations
    demand = float(active["demand_hours_per_week"].astype(float).sum())
    rec = recurring[recurring["operation_id"].isin(active["id"])] if len(recurring) else recurring
    rec_hours = sum(weekly_hours(c, h) for c, h in zip(rec["cadence"], rec["hours"], strict=True)) if len(rec) else 0
    return demand + float(rec_hours)


# --- ages, time in stage, bottlenecks --------------------------------------------------------------------------


def _days(values: Any) -> pd.Series:
    """Timestamps (aware or naive, taken as UTC) -> calendar dates."""
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object), utc=True).dt.date, dtype=object)


def wait_status(days: float | None) -> str:
    """'on track' under 5 days in a stage, 'at risk' from 5, 'off track' from 10; '' when unknown."""
    if is_missing(days):
        return ""
    return "off track" if days >= OFF_TRACK_DAYS else "at risk" if days >= AT_RISK_DAYS else "on track"


def item_ages(items: pd.DataFrame, today: date) -> pd.DataFrame:
    """``items`` [created_at, stage_entered_at, ...] plus ``age_days`` and ``days_in_stage`` (whole days, ≥ 0)."""
    out = items.copy()
    if out.empty:
        return out.assign(age_days=pd.Series(dtype=int), days_in_stage=pd.Series(dtype=int))
    out["age_days"] = [max(0, (today - d).days) for d in _days(out["created_at"])]
    out["days_in_stage"] = [max(0, (today - d).days) for d in _days(out["stage_entered_at"])]
    return out


def stage_stays(moves: pd.DataFrame) -> pd.DataFrame:
    """Finished stays from the move history [item_id, to_stage, at]: ``item_id, stage, entered, left, days``.

    A stay starts with a move into a stage and ends with the item's next move; the current stay (no later move) is
    not finished and is not listed.
    """
    cols = ["item_id", "stage", "entered", "left", "days"]
    if moves.empty:
        return pd.DataFrame(columns=cols)
    m = moves.assign(at=pd.to_datetime(moves["at"], utc=True)).sort_values(["item_id", "at", "id"]
                                                                         if "id" in moves else ["item_id", "at"])
    m["left"] = m.groupby("item_id")["at"].shift(-1)
    m = m[m["left"].notna()]
    days = (m["left"] - m["at"]).dt.total_seconds() / 86400
    return pd.DataFrame({"item_id": m["item_id"].to_numpy(), "stage": m["to_stage"].to_numpy(),
                         "entered": m["at"].to_numpy(), "left": m["left"].to_numpy(),
                         "days": days.to_numpy(float)}, columns=cols)


def stage_stats(stages: Sequence[str], items: pd.DataFrame, moves: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per stage, in workflow order (see ``STAGE_STAT_COLUMNS``).

    items / oldest_days / mean_wait_days describe the items in the stage now (``days_in_stage``); avg_days_in_stage
    is the mean finished stay in the stage from the history (NaN without one); status grades the oldest wait (the
    last stage, "done", has no status).
    """
    aged = item_ages(items, today) if "days_in_stage" not in items else items
    stays = stage_stays(moves)
    rows = []
    for position, stage in enumerate(stages):
        final = position == len(stages) - 1
        here = aged[aged["stage"] == stage]["days_in_stage"].astype(float) if len(aged) else pd.Series(dtype=float)
        past = stays[stays["stage"] == stage]["days"] if len(stays) else pd.Series(dtype=float)
        oldest = float(here.max()) if len(here) else math.nan
        rows.append({"stage": stage, "position": position, "final": final, "items": int(len(here)),
                     "oldest_days": oldest, "mean_wait_days": float(here.mean()) if len(here) else math.nan,
                     "avg_days_in_stage": float(past.mean()) if len(past) else math.nan,
                     "finished_stays": int(len(past)), "status": "done" if final else wait_status(oldest)})
    return pd.DataFrame(rows, columns=STAGE_STAT_COLUMNS)


@dataclass(frozen=True)
class Bottleneck:
    """Where work piles up: the open stage with most items, the one with the oldest item, the one with the longest
    average stay (None when two stages tie within 0.05 days; ``slowest_days`` is still the longest average) and a
    sentence."""

    most_stage: str | None
    most_items: int
    oldest_stage: str | None
    oldest_days: float
    slowest_stage: str | None
    slowest_days: float
    finding: str


def bottleneck(stats: pd.DataFrame) -> Bottleneck:
    """Read the bottleneck from :func:`stage_stats` (open stages only; see the module docstring)."""
    open_ = stats[~stats["final"].astype(bool)]
    slow = open_.dropna(subset=["avg_days_in_stage"]).sort_values(["avg_days_in_stage", "position"],
                                                                   ascending=[False, True])
    slowest_days = math.nan if slow.empty else float(slow["avg_days_in_stage"].iloc[0])
    tie = len(slow) > 1 and slowest_days - float(slow["avg_days_in_stage"].iloc[1]) < 0.05
    slowest_stage = None if slow.empty or tie else str(slow["stage"].iloc[0])
    busy = open_[open_["items"] > 0]
    if busy.empty:
        return Bottleneck(None, 0, None, math.nan, slowest_stage, slowest_days, "No open items: nothing is waiting")
    most = busy.assign(o=busy["oldest_days"].fillna(-1)).sort_values(["items", "o", "position"],
                                                                      ascending=[False, False, True]).iloc[0]
    oldest = busy.sort_values(["oldest_days", "position"], ascending=[False, True]).iloc[0]
    finding = f"{most['stage']} holds the most open items ({int(most['items'])})"
    if oldest["stage"] == most["stage"]:
        finding += f", including the oldest ({oldest['oldest_days']:.0f} days in stage)"
    else:
        finding += f"; the oldest waits in {oldest['stage']} ({oldest['oldest_days']:.0f} days)"
    return Bottleneck(str(most["stage"]), int(most["items"]), str(oldest["stage"]), float(oldest["oldest_days"]),
                      slowest_stage, slowest_days, finding)


# --- process templates ----------------------------------------------------------------------------------------


def validate_checklist(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Clean checklist rows ``{name, offset_days, hours, assignee_id}``: blank names dropped, bad numbers refused."""
    out = []
    for n, row in enumerate(rows, start=1):
        name = str(row.get("name") or "").strip()
        if not name or name.lower() == "nan":
            continue
        try:
            offset = row.get("offset_days")
            offset = 0 if is_missing(offset) else offset
            if float(offset) != int(float(offset)):
                raise ValueError
            offset = int(float(offset))
            hours = row.get("hours")
            hours = 0.0 if is_missing(hours) else float(hours)
        except (TypeError, ValueError):
            raise ValidationError(f"Checklist row {n} '{name}': the offset must be a whole number of days and the "
                                  "hours a number.", row=n) from None
        if not math.isfinite(hours) or hours < 0:
            raise ValidationError(f"Checklist row {n} '{name}': hours must be 0 or more.", row=n, field="hours")
        assignee = row.get("assignee_id")
        assignee = None if is_missing(assignee) else int(assignee)
        out.append({"name": name, "offset_days": offset, "hours": hours, "assignee_id": assignee})
    return out


def instantiate_checklist(checklist: Sequence[Mapping[str, Any]], *, case: str, start: date,
                          stage: str) -> list[dict[str, Any]]:
    """Work items for a new case: one per checklist entry, due ``start + offset_days`` (see the module docstring).

    >>> instantiate_checklist([{"name": "Laptop", "offset_days": -5, "hours": 2}], case="Ann", start=date(2026, 3, 2),
    ...                       stage="Preparing")[0]["due"]
    datetime.date(2026, 2, 25)
    """
    case = (case or "").strip()
    if not case:
        raise ValidationError("Name the case (e.g. the new hire's name) before starting it.", field="case")
    entries = validate_checklist(checklist)
    if not entries:
        raise ValidationError("This operation has no checklist to start a case from; add checklist steps first.",
                              field="checklist")
    return [{"title": f"{case}: {e['name']}"[:200], "case": case, "stage": stage, "owner_id": e["assignee_id"],
             "due": start + timedelta(days=e["offset_days"]), "estimate_hours": e["hours"]} for e in entries]


# --- automation rules -----------------------------------------------------------------------------------------


def validate_rule(trigger: str, condition: Mapping[str, Any], action: str, params: Mapping[str, Any]) -> None:
    """Raise ``ValidationError`` unless the rule is one Worksmith can run (see the module docstring)."""
    if trigger not in TRIGGERS:
        raise ValidationError(f"Unknown trigger '{trigger}': use {', '.join(TRIGGERS)}.", field="trigger")
    if ACTION_FOR[trigger] != action:
        raise ValidationError(f"When {TRIGGERS[trigger]} the rule can only {ACTIONS[ACTION_FOR[trigger]]}, not "
                              f"'{action}'.", field="action")
    if action == "create_work_item":
        if not params.get("operation_id"):
            raise ValidationError("Choose the operation the work item is created in.", field="params")
        unknown = set(condition) - {"type"}
        if unknown:
            raise ValidationError(f"A request rule can only match on the request type, not {', '.join(unknown)}.",
                                  field="condition")
    if action == "flag_overview":
        grace = params.get("grace_days", 0)
        if not isinstance(grace, int | float) or isinstance(grace, bool) or grace < 0 or grace != int(grace):
            raise ValidationError("Grace days must be a whole number of days, 0 or more.", field="params")


def _same(a: Any, b: Any) -> bool:
    norm = (lambda v: str(v).strip().casefold()) if isinstance(a, str) or isinstance(b, str) else (lambda v: v)
    return norm(a) == norm(b)


def rule_matches(rule: Mapping[str, Any], trigger: str, event: Mapping[str, Any]) -> bool:
    """An active rule for ``trigger`` whose every condition equals the event's value (strings case-insensitive)."""
    if not rule.get("active", True) or rule.get("trigger") != trigger:
        return False
    condition = rule.get("condition") or {}
    return all(key in event and _same(value, event[key]) for key, value in condition.items() if value not in ("",
                                                                                                             None))


def matching_rules(rules: Iterable[Mapping[str, Any]], trigger: str, event: Mapping[str, Any]) -> list[Mapping]:
    """The rules to run for an event, in id order."""
    found = [r for r in rules if rule_matches(r, trigger, event)]
    return sorted(found, key=lambda r: r.get("id") or 0)


def describe_rule(rule: Mapping[str, Any], operations: Mapping[int, str], people: Mapping[int, str]) -> str:
    """A plain sentence: 'When a request of type IT is approved, create a work item in IT support owned by ...'."""
    condition, params = rule.get("condition") or {}, rule.get("params") or {}
    if rule.get("trigger") == "request_approved":
        kind = f" of type {condition['type']}" if condition.get("type") else ""
        op = operations.get(params.get("operation_id"), f"operation {params.get('operation_id')}")
        owner = people.get(params.get("owner_id"))
        stage = f", stage {params['stage']}" if params.get("stage") else ""
        return (f"When a request{kind} is approved, create a work item in {op}"
                f"{f' owned by {owner}' if owner else ''}{stage}.")
    if rule.get("trigger") == "task_overdue":
        grace = int(params.get("grace_days", 0) or 0)
        after = f" by more than {grace} day{'s' if grace != 1 else ''}" if grace else ""
        return f"When a project task or a work item is overdue{after}, flag it on the Overview."
    return f"When {rule.get('trigger')}, {rule.get('action')}."


def overdue(tasks: pd.DataFrame, items: pd.DataFrame, today: date, grace_days: int = 0) -> pd.DataFrame:
    """Overdue work ``level, item, why, page, days_late`` (most overdue first; level 'off track' when more than 10
    days late, else 'at risk').

    ``tasks``: [name, project, finish_date, percent_complete] of active projects; a task is overdue when it is
    unfinished and ``today − finish_date > grace_days``. ``items``: [title, operation, stage, due, open] work items;
    an open item is overdue when ``today − due > grace_days``.
    """
    rows = []
    for t in tasks.itertuples():
        if is_missing(t.finish_date) or float(t.percent_complete) >= 100:
            continue
        late = (today - t.finish_date).days
        if late > grace_days:
            rows.append((late, f"Task · {t.name} ({t.project})",
                         f"finish date {t.finish_date:%d %b} passed {late} day{'s' if late != 1 else ''} ago, "
                         f"{float(t.percent_complete):.0f} % done", "projects"))
    for it in items.itertuples():
        if is_missing(it.due) or not it.open:
            continue
        late = (today - it.due).days
        if late > grace_days:
            rows.append((late, f"Work item · {it.title} ({it.operation})",
                         f"due {it.due:%d %b}, {late} day{'s' if late != 1 else ''} ago, still in {it.stage}",
                         "operations"))
    rows.sort(key=lambda r: -r[0])
    return pd.DataFrame([("off track" if late > OFF_TRACK_DAYS else "at risk", item, why, page, late)
                         for late, item, why, page in rows], columns=OVERDUE_COLUMNS)


# --- approval rules -------------------------------------------------------------------------------------------


def check_decision(status: str, decision: str, *, reason: str = "", decider_id: int | None,
                   requester_id: int | None) -> None:
    """Raise ``ValidationError`` unless ``decider_id`` may take ``decision`` on a request in ``status``."""
    if decision not in DECISIONS:
        raise ValidationError(f"Unknown decision '{decision}': use approve, reject or convert.", field="decision")
    if decider_id is None:
        raise ValidationError("Choose who you are ('Acting as' in the sidebar) before deciding on a request: every "
                              "decision records who took it.", field="decided_by_id")
    if requester_id is not None and decider_id == requester_id:
        raise ValidationError("You cannot decide on your own request; ask another approver.", field="decided_by_id")
    if decision in ("approve", "reject") and status != "submitted":
        raise ValidationError(f"This request was already decided (it is {status}); a decision cannot be taken "
                              "twice.", field="status")
    if decision == "convert" and status not in OPEN_REQUEST_STATUSES:
        raise ValidationError(f"Only a submitted or approved request can be converted; this one is {status}.",
                              field="status")
    if decision == "reject" and is_blank(reason):
        raise ValidationError("Give a reason to reject the request: the requester sees it.", field="reason")


def request_age_days(submitted_at: Any, today: date) -> pd.Series:
    """Whole days since each request was submitted (≥ 0)."""
    return pd.Series([max(0, (today - d).days) for d in _days(submitted_at)], dtype="Int64")


def median_or_nan(values: Iterable[float]) -> float:
    arr = np.asarray(list(values), dtype=float)
    return float(np.median(arr)) if arr.size else math.nan
