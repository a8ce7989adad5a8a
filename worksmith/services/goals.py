"""The Goals page's reads and commands: OKR tree with roll-up, alignment of work, initiative ranking, cut line.

Reads return dataclasses of DataFrames computed by the pure ``worksmith.goals`` (roll-up, ranking, cut line) and
``worksmith.workload`` (free capacity) from the stored rows; nothing is hard-coded. Commands validate, write through
``worksmith.services.core`` (audit log, optimistic locking) and raise ``WorksmithError`` with a sentence a person can
act on.

Definitions used on the page
----------------------------
* **Live work**: projects not done or cancelled (proposed candidates included) and active operations.
  A project's planned hours = Σ its tasks' estimates, its budget = its BAC. An operation's planned hours and budget
  are those within the **planning period** (the span of the non-archived goals' periods; the current quarter when
  there are none): demand × working days / 5 + recurring occurrences × hours, and its budget lines of those months.
* **Unaligned**: live work whose goal is empty or archived.
* **Capacity check**: the calendar quarter after today. Free hours per team and month = Σ over the team's people of
  ``max(capacity − load, 0)`` per ISO week from ``worksmith.workload.compute_load``, fed by the Workload page's loader
  ``services.workload.workload_inputs`` (committed work: projects with a status in ``LOAD_STATUSES`` — active or
  approved — and active operations), each person-week split over months by its working days. Candidate demand =
  each task's remaining estimate spread evenly over its scheduled working days, booked to the assignee's team (else
  the project's team).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from worksmith import fmt
from worksmith.charts.goals import chip
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import goals as g
from worksmith.errors import ValidationError
from worksmith.services.workload import NO_TEAM, compute_workload, workload_inputs
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame
from worksmith.views.workspace import is_empty, settings

TOP_LEVEL = "— top-level goal —"
CLOSED = ("done", "cancelled")
FORMULA = (
    "**KR progress** = clamp((current − start) / (target − start), 0, 1) — the sign of target − start makes it work "
    "for “reduce” KRs too.  \n**Goal progress** = Σ weight × progress / Σ weight over its key results and child "
    "goals (weights default 1).  \n**Expected** = days of the period elapsed / days in the period.  \n"
    "**Status** from ratio = progress / expected: ≥ 0.7 on track · 0.4–0.7 at risk · < 0.4 off track "
    "(progress ≥ 1 is done; before the period starts, on track).")
RANKING_FORMULA = (
    "Each criterion is scaled across the candidates to 0–1 (1 = best; cost, effort and risk count less-is-better), "
    "then **score = 100 × Σ weight × scaled / Σ weight**. **Value** comes from the ROI (benefit − cost) / cost where "
    "known: 1 + log₂(benefit ÷ cost), clamped to 1–5 (break-even 1, each doubling of benefit ÷ cost +1); otherwise "
    "the project's value score. **Alignment** from the status of the goal it serves: off track 1, at risk 0.75, on "
    "track 0.5, done 0.25, none 0. **Capacity**: candidates in rank order take free hours per team and month; one "
    "that would overrun any team-month is skipped and commits nothing.")
GOAL_FIELDS = ("title", "description", "owner_id", "team_id", "parent_id", "period_start", "period_end", "weight")
KR_FIELDS = ("title", "start_value", "target_value", "unit", "direction", "weight")


# --- reads ------------------------------------------------------------------------------------------------------



@dataclass
class GoalsView:
    empty_workspace: bool
    metrics: list[Metric] = field(default_factory=list)
    tree: pd.DataFrame = field(default_factory=pd.DataFrame)
    tree_title: str = ""
    archived: pd.DataFrame = field(default_factory=pd.DataFrame)
    unaligned: pd.DataFrame = field(default_factory=pd.DataFrame)
    unaligned_title: str = ""
    unaligned_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    tree_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels: dict[int, str] = field(default_factory=dict)
    parents: dict[int | None, str] = field(default_factory=lambda: {None: TOP_LEVEL})
    unaligned_options: dict[int, str] = field(default_factory=dict)
    default_goal: int | None = None
    window: tuple[date, date] | None = None
    people: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    currency: str = "€"


@dataclass
class GoalDetail:
    goal: dict[str, Any]
    krs: pd.DataFrame
    check_ins: pd.DataFrame
    work: pd.DataFrame
    why: str
    work_title: str
    work_table: pd.DataFrame
    kr_table: pd.DataFrame


@dataclass
class Ranking:
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    demand: pd.DataFrame = field(default_factory=pd.DataFrame)
    free: pd.DataFrame = field(default_factory=pd.DataFrame)
    detail: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarter: tuple[date, date] | None = None
    quarter_label: str = ""
    scatter_title: str = ""
    capacity_title: str = ""
    notes: list[str] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    why: pd.DataFrame = field(default_factory=pd.DataFrame)
    options: dict[int, str] = field(default_factory=dict)


def _holidays(session: Session) -> list[date]:
    h = frame(session, m.Holiday)
    return list(h.loc[h["project_id"].isna(), "day"]) if len(h) else []


def _names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    people = frame(session, m.Person)
    teams = frame(session, m.Team)
    return dict(zip(people["id"], people["name"], strict=True)), dict(zip(teams["id"], teams["name"], strict=True))


def _live_krs(session: Session) -> pd.DataFrame:
    krs = frame(session, m.KeyResult)
    return krs[~krs["archived"].astype(bool)].reset_index(drop=True)


def _quarter_label(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def _window(goals: pd.DataFrame, today: date) -> tuple[date, date]:
    live = goals[~goals["archived"].astype(bool)] if len(goals) else goals
    if len(live):
        return min(live["period_start"]), max(live["period_end"])
    q = (today.month - 1) // 3
    last = 3 * q + 3
    return date(today.year, 3 * q + 1, 1), date(today.year, last, calendar.monthrange(today.year, last)[1])

def _work(session: Session, goals: pd.DataFrame, window: tuple[date, date], holidays: list[date],
          teams: dict[int, str]) -> pd.DataFrame:
    """Live projects and operations with planned hours, budget, goal and whether they are aligned."""
    projects = frame(session, m.Project)
    projects = projects[~projects["status"].isin(CLOSED)]
    tasks = frame(session, m.Task)
    hours = tasks.groupby("project_id")["estimate_hours"].sum() if len(tasks) else pd.Series(dtype=float)
    ops = frame(session, m.Operation)
    ops = ops[ops["active"].astype(bool)]
    op_hours = g.operation_hours(ops, frame(session, m.RecurringTask), window[0], window[1], holidays)
    lines = frame(session, m.BudgetLine, m.BudgetLine.operation_id.is_not(None))
    months = (window[0].replace(day=1), window[1])
    lines = lines[(lines["month"] >= months[0]) & (lines["month"] <= months[1])]
    op_budget = lines.groupby("operation_id")["planned"].sum() if len(lines) else pd.Series(dtype=float)
    rows = [{"kind": "Project", "id": int(p.id), "name": p.name, "status": p.status, "team": teams.get(p.team_id),
             "goal_id": None if pd.isna(p.goal_id) else int(p.goal_id), "hours": float(hours.get(p.id, 0.0)),
             "budget": float(p.budget), "version": int(p.version)} for p in projects.itertuples()]
    rows += [{"kind": "Operation", "id": int(o.id), "name": o.name, "status": "ongoing", "team": teams.get(o.team_id),
              "goal_id": None if pd.isna(o.goal_id) else int(o.goal_id), "hours": float(op_hours.get(o.id, 0.0)),
              "budget": float(op_budget.get(o.id, 0.0)), "version": int(o.version)} for o in ops.itertuples()]
    work = pd.DataFrame(rows, columns=["kind", "id", "name", "status", "team", "goal_id", "hours", "budget",
                                       "version"])
    work["goal_id"] = pd.array([None if pd.isna(x) else int(x) for x in work["goal_id"]], dtype="Int64")
    titles = dict(zip(goals["id"], goals["title"], strict=True))
    archived = set(goals.loc[goals["archived"].astype(bool), "id"])
    ids = [None if pd.isna(x) else int(x) for x in work["goal_id"]]
    work["goal"] = pd.Series([titles.get(gid) for gid in ids], index=work.index, dtype=object)
    work["aligned"] = pd.Series([gid in titles and gid not in archived for gid in ids], index=work.index, dtype=bool)
    work["reason"] = ["" if ok else "no goal" if gid not in titles else f"goal '{titles[gid]}' is archived"
                      for ok, gid in zip(work["aligned"], ids, strict=True)]
    return work


def _work_table(work: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Work rows as shown: kind, name, status, team, goal or why unaligned, planned hours, budget."""
    why = work["via"] if "via" in work else work["reason"]
    return pd.DataFrame({"Kind": work["kind"], "Name": work["name"], "Status": work["status"],
                         "Team": work["team"].fillna(fmt.DASH), "Via" if "via" in work else "Why": why,
                         "Planned hours": work["hours"].map(fmt.hours),
                         "Budget": [fmt.money(b, currency) for b in work["budget"]]})


def _status_counts(roll: pd.DataFrame) -> dict[str, int]:
    return {s: int((roll["status"] == s).sum()) for s in g.STATUSES}


def _delta(now: int, then: int, good_up: bool) -> tuple[str, str, str]:
    diff = now - then
    if diff == 0:
        return "no change vs last week", "off", "off"
    return f"{diff:+d} vs last week", "normal" if good_up else "inverse", "auto"


def goals_view(session: Session, *, today: date) -> GoalsView:
    """Metrics, the goal tree with roll-up and linked work totals, archived goals and unaligned work."""
    if is_empty(session):
        return GoalsView(empty_workspace=True, window=_window(pd.DataFrame(columns=["archived"]), today))
    currency = settings(session)["currency"]
    people, teams = _names(session)
    goals = frame(session, m.Goal)
    krs = _live_krs(session)
    holidays = _holidays(session)
    window = _window(goals, today)
    work = _work(session, goals, window, holidays, teams)
    unaligned = work[~work["aligned"]].sort_values("hours", ascending=False).reset_index(drop=True)
    total_hours = float(work["hours"].sum())
    lost = float(unaligned["hours"].sum())
    archived = goals[goals["archived"].astype(bool)][["id", "title", "version", "period_start", "period_end"]]
    view = GoalsView(False, archived=archived.reset_index(drop=True), unaligned=unaligned, window=window,
                     people=people, teams=teams, currency=currency, unaligned_table=_work_table(unaligned, currency))
    view.unaligned_options = {i: f"{k} · {n}" for i, (k, n) in enumerate(zip(unaligned["kind"], unaligned["name"],
                                                                                 strict=True))}
    share = fmt.percent(lost / total_hours) if total_hours else fmt.DASH
    view.unaligned_title = (
        f"{len(unaligned)} live item{'s' if len(unaligned) != 1 else ''} serve{'s' if len(unaligned) == 1 else ''} "
        f"no goal: {fmt.hours(lost)} and {fmt.money(float(unaligned['budget'].sum()), currency)} ({share} of "
        "planned hours)" if len(unaligned) else "All live work serves a goal")
    view.unaligned_title += (". Live projects (not done or cancelled) and active operations; operations' hours and "
                             f"budget within the planning period {fmt.day(window[0])} – {fmt.day(window[1])}.")
    unaligned_tile = Metric("Unaligned work", fmt.hours(lost), f"{share} of planned hours", "off", "off",
                            help="Planned hours of live projects and operations that serve no (active) goal; "
                                 "operations counted within the planning period.")
    if goals.empty or goals["archived"].astype(bool).all():
        view.metrics = [*(Metric(f"Goals {st}", "0") for st in ("on track", "at risk", "off track")), unaligned_tile]
        view.tree = pd.DataFrame()
        view.tree_title = "No goals yet"
        return view
    roll = g.roll_up(goals, krs, today)
    check_ins = frame(session, m.CheckIn)
    history = []  # status counts at the end of each of the last 8 weeks, then today
    for weeks_back in range(8, 0, -1):
        day = today - timedelta(weeks=weeks_back)
        history.append(_status_counts(g.roll_up(goals, g.values_as_of(krs, check_ins, day), day)))
    now_n = _status_counts(roll)
    history.append(now_n)
    tiles = []
    rules = {"on track": "≥ 0.7", "at risk": "0.4–0.7", "off track": "< 0.4"}
    for status, good_up in (("on track", True), ("at risk", False), ("off track", False)):
        delta, colour, arrow = _delta(now_n[status], history[-2][status], good_up)
        tiles.append(Metric(f"Goals {status}", str(now_n[status]), delta, colour, arrow,
                            help=f"Goals whose progress ÷ expected progress is {rules[status]}. The change and the "
                                 "line compare with the status at the end of past weeks, from the check-ins recorded "
                                 f"up to then. Also: {now_n['done']} done, {now_n['no data']} without data.",
                            trend=tuple(float(h[status]) for h in history)))
    view.metrics = [*tiles, unaligned_tile]

    info = goals.set_index("id")
    direct = work[work["aligned"]].groupby("goal_id").agg(n_work=("id", "size"), hours=("hours", "sum"),
                                                          budget=("budget", "sum"))
    tree = roll.copy()
    tree["owner"] = [people.get(info.at[i, "owner_id"]) for i in tree["id"]]
    tree["team"] = [teams.get(info.at[i, "team_id"]) for i in tree["id"]]
    for col in ("period_start", "period_end", "weight", "version", "description"):
        tree[col] = [info.at[i, col] for i in tree["id"]]
    for col, source in (("owner_id", "owner_id"), ("team_id", "team_id"), ("raw_parent_id", "parent_id")):
        tree[col] = pd.Series([None if pd.isna(info.at[i, source]) else int(info.at[i, source]) for i in tree["id"]],
                              index=tree.index, dtype=object)
    tree["n_work"] = [int(direct["n_work"].get(i, 0)) for i in tree["id"]]
    tree["hours"] = [float(direct["hours"].get(i, 0.0)) for i in tree["id"]]
    tree["budget"] = [float(direct["budget"].get(i, 0.0)) for i in tree["id"]]
    tree["label"] = [("\u2003" * d + "└ " if d else "") + t for d, t in zip(tree["depth"], tree["title"], strict=True)]
    view.tree = tree
    view.tree_title = _tree_title(roll)
    view.labels = {int(i): f"{chip(st)} · {t}" for i, st, t in zip(tree["id"], tree["status"], tree["title"],
                                                                    strict=True)}
    view.parents = {None: TOP_LEVEL, **{int(i): t for i, t in zip(tree["id"], tree["title"], strict=True)}}
    behind = tree[tree["status"].isin(["off track", "at risk"])]
    view.default_goal = int((behind.sort_values("ratio", key=lambda r: r.astype(float)) if len(behind) else tree)
                            .iloc[0]["id"])
    view.tree_table = pd.DataFrame({
        "Goal": tree["label"], "Status": [chip(x) for x in tree["status"]],
        "Progress": [None if p is None else round(100 * float(p)) for p in tree["progress"]],
        "Owner": tree["owner"].fillna(fmt.DASH), "Team": tree["team"].fillna(fmt.DASH),
        "Period": [f"{fmt.day(a)} – {fmt.day(b)}" for a, b in zip(tree["period_start"], tree["period_end"],
                                                                  strict=True)],
        "Work items": tree["n_work"], "Planned hours": tree["hours"].map(fmt.hours),
        "Budget": [fmt.money(b, currency) for b in tree["budget"]]})
    return view


def _tree_title(roll: pd.DataFrame) -> str:
    n = _status_counts(roll)
    behind = roll[roll["status"].isin(["at risk", "off track"])]
    head = f"{n['off track']} off track, {n['at risk']} at risk of {len(roll)} goals"
    if behind.empty:
        return f"All {len(roll)} goals on track or done" if len(roll) else "No goals yet"
    worst = behind.sort_values("ratio", key=lambda s: s.astype(float)).iloc[0]
    return (f"{head}; furthest behind: {worst['title']} ({fmt.percent(worst['progress'])} done, "
            f"{fmt.percent(worst['expected'])} expected)")


def goal_detail(session: Session, *, goal_id: int, today: date) -> GoalDetail | None:
    """One goal: its KRs with progress, expected value by today and check-ins, the work serving it and why."""
    view = goals_view(session, today=today)
    if view.tree.empty or goal_id not in set(view.tree["id"]):
        return None
    tree = view.tree.set_index("id")
    goal = {"id": goal_id, **tree.loc[goal_id].to_dict()}
    krs = _live_krs(session)
    krs = g.kr_frame(krs[krs["goal_id"] == goal_id].reset_index(drop=True))
    check_ins = frame(session, m.CheckIn, m.CheckIn.key_result_id.in_([int(k) for k in krs["id"]]),
                      order_by=[m.CheckIn.day, m.CheckIn.id])
    check_ins["author"] = check_ins["author_id"].map(view.people)
    expected = float(goal["expected"])
    rows = []
    for kr in krs.itertuples():
        mine = check_ins[check_ins["key_result_id"] == kr.id]
        exp_value = kr.start_value + (kr.target_value - kr.start_value) * expected
        status = g.goal_status(kr.progress, expected).status
        last = mine.iloc[-1] if len(mine) else None
        unit = f" {kr.unit}" if kr.unit and kr.unit not in ("€", "$", "£", "%") else kr.unit
        caption = "" if last is None else (f"Last check-in {fmt.day(last['day'])} · confidence "
                                           f"{int(last['confidence'])}/10" + (f" · “{last['note']}”" if last["note"]
                                                                              else ""))
        rows.append({"expected_value": exp_value, "status": status, "caption": caption,
                     "last_day": None if last is None else last["day"],
                     "confidence": None if last is None else int(last["confidence"]),
                     "note": "" if last is None else last["note"],
                     "chart_title": f"{kr.title}: {_n(kr.current_value)}{unit} now, {_n(exp_value)}{unit} expected "
                                    f"by today — {_pace(status)}"})
    krs = pd.concat([krs, pd.DataFrame(rows, index=krs.index)], axis=1) if rows else krs.assign(
        expected_value=[], status=[], caption=[], last_day=[], confidence=[], note=[], chart_title=[])
    # work serving this goal, directly or through its child goals
    tree_ids = _descendants(view.tree, goal_id)
    work = _work(session, frame(session, m.Goal), view.window, _holidays(session), view.teams)
    work = work[work["aligned"] & work["goal_id"].isin(tree_ids)].copy()
    work["via"] = ["direct" if gid == goal_id else f"child goal '{t}'" for gid, t in zip(work["goal_id"], work["goal"],
                                                                                strict=True)]
    work = work.sort_values(["via", "kind", "hours"], ascending=[True, False, False], key=lambda c: c.replace(
        "direct", "") if c.name == "via" else c).reset_index(drop=True)
    work_title = (f"{len(work)} item{'s serve' if len(work) != 1 else ' serves'} this goal: "
                  f"{fmt.hours(work['hours'].sum())}"
                  f", {fmt.money(work['budget'].sum(), view.currency)}" if len(work)
                  else "No project or operation serves this goal yet")
    why = f"{FORMULA}\n\n**{goal['title']}**: {goal['explanation']}"
    goal["headline"] = (f"progress **{fmt.percent(goal['progress'])}** vs **{fmt.percent(goal['expected'])}** expected "
                        f"by today · owner {goal['owner'] or fmt.DASH} · {fmt.day(goal['period_start'])} – "
                        f"{fmt.day(goal['period_end'])}")
    kr_table = pd.DataFrame({
        "Key result": krs["title"], "Direction": krs["direction"].map({"up": "↑ up", "down": "↓ down"}),
        "Start": krs["start_value"], "Target": krs["target_value"], "Current": krs["current_value"],
        "Unit": krs["unit"], "Progress": (100 * krs["progress"].astype(float)).round(),
        "How": krs["explanation"], "Weight": krs["weight"], "Status": [chip(x) for x in krs["status"]]})
    return GoalDetail(goal, krs, check_ins, work, why, work_title, _work_table(work, view.currency), kr_table)


def _descendants(tree: pd.DataFrame, goal_id: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for gid, parent in zip(tree["id"], tree["parent_id"], strict=True):
        if parent is not None:
            children.setdefault(int(parent), []).append(int(gid))
    found, stack = set(), [goal_id]
    while stack:
        gid = stack.pop()
        found.add(gid)
        stack.extend(children.get(gid, []))
    return found


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}".removesuffix(".0")


def _pace(status: str) -> str:
    return {"done": "target reached", "on track": "on pace", "at risk": "behind pace",
            "off track": "well behind pace"}.get(status, status)


# --- ranking and capacity -----------------------------------------------------------------------------------------


def free_capacity(session: Session, *, start: date, end: date, today: date) -> pd.DataFrame:
    """Free hours per team and month in ``start..end``: [team_id (the team's name), month, free_hours, capacity, load].

    The committed work is what the Workload page loads (``services.workload.workload_inputs``: projects active or
    approved, active operations); a person-week's free hours, ``max(capacity − load, 0)``, are split over months by
    its working days, like the candidates' demand.
    """
    inputs = workload_inputs(session)
    monday = start - timedelta(days=start.weekday())
    weeks = (end - timedelta(days=end.weekday()) - monday).days // 7 + 1
    load = compute_workload(inputs, start=monday, weeks=weeks, today=today)
    people = inputs.people
    team_of = dict(zip(people["id"], people["team"].fillna(NO_TEAM), strict=True))
    holidays = list(inputs.holidays)
    cells = load.cells
    parts = []
    for column in ("free", "capacity", "load"):
        items = pd.DataFrame({"team_id": [team_of.get(p, NO_TEAM) for p in cells["person_id"]], "start": cells["week"],
                              "finish": [w + timedelta(days=6) for w in cells["week"]], "hours": cells[column]})
        spread = g.spread_monthly(items, holidays)
        parts.append(spread.groupby(["team_id", "month"])["hours"].sum().rename(column))
    months = g.month_starts(start, end)
    index = pd.MultiIndex.from_product([sorted(set(team_of.values())), months], names=["team_id", "month"])
    out = pd.concat(parts, axis=1).reindex(index).fillna(0.0).reset_index()
    return out.rename(columns={"free": "free_hours"})[["team_id", "month", "free_hours", "capacity", "load"]]


def ranking(session: Session, *, today: date, weights: tuple[tuple[str, float], ...] = (),
            reserve: float = 0.0) -> Ranking:
    """Candidates (status proposed) scored with ``weights``, and the cut line against next quarter's free hours.

    ``reserve`` (0–90 %) keeps that share of every team-month's free hours out of reach of new initiatives.
    """
    if not 0 <= reserve <= 90:
        raise ValidationError(f"The reserve must be between 0 and 90 %, not {reserve:g}", field="reserve")
    projects = frame(session, m.Project)
    cands = projects[projects["status"] == "proposed"].reset_index(drop=True)
    q_start, q_end = g.next_quarter(today)
    result = Ranking(quarter=(q_start, q_end), quarter_label=_quarter_label(q_start))
    if cands.empty:
        return result
    people, teams = _names(session)
    goals = frame(session, m.Goal)
    status = {}
    if len(goals) and not goals["archived"].astype(bool).all():
        roll = g.roll_up(goals, _live_krs(session), today)
        status = dict(zip(roll["id"], roll["status"], strict=True))
    titles = {i: t for i, t, a in zip(goals["id"], goals["title"], goals["archived"], strict=True) if not a}
    tasks = frame(session, m.Task)
    tasks = tasks[tasks["project_id"].isin(cands["id"])]
    effort = tasks.groupby("project_id")["estimate_hours"].sum()
    rows = []
    for c in cands.itertuples():
        gid = None if pd.isna(c.goal_id) else int(c.goal_id)
        value, value_text = g.candidate_value(c.budget, c.expected_benefit, c.value_score)
        align, align_text = g.alignment_score(titles.get(gid), status.get(gid))
        rows.append({"id": int(c.id), "name": c.name, "value": value, "alignment": align, "cost": float(c.budget),
                     "effort_hours": float(effort.get(c.id, 0.0)), "risk": float(c.risk_score),
                     "goal": titles.get(gid), "team": teams.get(c.team_id), "version": int(c.version),
                     "roi": (c.expected_benefit - c.budget) / c.budget if c.budget > 0 and c.expected_benefit > 0
                     else None, "value_text": value_text, "alignment_text": align_text,
                     "start": c.start, "target_end": c.target_end})
    ranked = g.rank_initiatives(pd.DataFrame(rows), dict(weights))

    # demand per team and month of the quarter
    person_team = {pid: teams.get(tid) for pid, tid in zip(*_people_teams(session), strict=True)}
    project_team = dict(zip(cands["id"], [teams.get(t) for t in cands["team_id"]], strict=True))
    scheduled = tasks[tasks["start_date"].notna()]
    unscheduled = tasks[tasks["start_date"].isna() & (tasks["estimate_hours"] > 0)]
    items = pd.DataFrame({
        "id": scheduled["project_id"].astype(int),
        "team_id": [person_team.get(a) or project_team.get(p) or NO_TEAM
                    for a, p in zip(scheduled["assignee_id"], scheduled["project_id"], strict=True)],
        "start": scheduled["start_date"], "finish": scheduled["finish_date"],
        "hours": scheduled["estimate_hours"].astype(float) * (1 - scheduled["percent_complete"].astype(float) / 100)})
    spread = g.spread_monthly(items, _holidays(session))
    inside = spread[(spread["month"] >= q_start) & (spread["month"] <= q_end)]
    outside = spread[~spread.index.isin(inside.index)].groupby("id")["hours"].sum()
    demand = inside.groupby(["id", "team_id", "month"], as_index=False)["hours"].sum().round({"hours": 0})
    order = ranked[["rank", "id", "name"]]
    placeholders = order.assign(team_id=NO_TEAM, month=q_start, hours=0.0)  # every candidate is on the list
    demand = pd.concat([placeholders, order.merge(demand, on="id")], ignore_index=True).sort_values(
        ["rank", "month"], kind="stable").reset_index(drop=True)
    free = free_capacity(session, start=q_start, end=q_end, today=today)
    free["free_hours"] = (free["free_hours"] * (1 - reserve / 100)).round(0)
    cut = g.capacity_cut_line(demand, free)
    detail = g.capacity_cut_line_detail(demand, free)
    detail = detail[detail["hours"] > 0].reset_index(drop=True)
    ranked = ranked.merge(cut[["id", "hours", "fits", "above_line", "shortfall_team", "shortfall_month",
                               "shortfall_hours", "explanation"]].rename(
        columns={"hours": "quarter_hours", "explanation": "capacity_text"}), on="id")
    ranked["outside_hours"] = [float(outside.get(i, 0.0)) for i in ranked["id"]]
    result.candidates = ranked
    result.options = {int(i): f"#{r} {n}" for i, r, n in zip(ranked["id"], ranked["rank"], ranked["name"], strict=True)}
    currency = settings(session)["currency"]
    result.table = pd.DataFrame({
        "Rank": ranked["rank"], "Candidate": ranked["name"], "Score": ranked["score"].round(),
        f"Fits {result.quarter_label}": [
            "● fits" if r.fits else f"■ no: {r.shortfall_team} {fmt.hours(r.shortfall_hours)} short in "
            f"{r.shortfall_month:%b %Y}" for r in ranked.itertuples()],
        "Value": [f"{v:.2f}" for v in ranked["value"]],
        "ROI": [fmt.percent(r) for r in ranked["roi"]], "Alignment": [f"{a:.2f}" for a in ranked["alignment"]],
        "Cost": [fmt.money(c, currency) for c in ranked["cost"]], "Effort": ranked["effort_hours"].map(fmt.hours),
        "Risk": ranked["risk"].astype(int)})
    result.why = pd.DataFrame({"Candidate": ranked["name"], "Score": ranked["explanation"],
                               "Value": ranked["value_text"], "Alignment": ranked["alignment_text"],
                               f"Capacity {result.quarter_label}": ranked["capacity_text"]})
    result.demand = demand[demand["hours"] > 0].reset_index(drop=True)
    result.free = free
    result.detail = detail
    result.scatter_title, result.capacity_title = _ranking_titles(ranked, detail, result.quarter_label)
    if len(unscheduled):
        result.notes.append(f"{len(unscheduled)} candidate task(s) have no dates yet and are not in the check: "
                            + ", ".join(unscheduled["name"].tolist()))
    for r in ranked[ranked["outside_hours"] > 0].itertuples():
        result.notes.append(f"{r.name}: {fmt.hours(r.outside_hours)} fall outside {result.quarter_label} "
                            "and are not checked.")
    return result


def _people_teams(session: Session) -> tuple[list, list]:
    people = frame(session, m.Person)
    return people["id"].tolist(), people["team_id"].tolist()


def _ranking_titles(ranked: pd.DataFrame, detail: pd.DataFrame, quarter: str) -> tuple[str, str]:
    top = ranked.iloc[0]
    scatter = f"{top['name']} ranks first with a score of {top['score']:.0f} of 100"
    misfits = ranked[~ranked["fits"].astype(bool)]
    if len(misfits):
        first = misfits.iloc[0]
        capacity = (f"{len(ranked) - len(misfits)} of {len(ranked)} candidates fit {quarter}; {first['name']} does "
                    f"not: {first['shortfall_team']} is {fmt.hours(first['shortfall_hours'])} short in "
                    f"{first['shortfall_month']:%b %Y}")
        return scatter, capacity
    if detail.empty:
        return scatter, f"No candidate needs hours in {quarter}"
    used = detail.assign(share=detail["committed_after"] / detail["free_hours"].where(detail["free_hours"] > 0))
    tight = used.sort_values("share", ascending=False).iloc[0]
    every = "Both candidates fit" if len(ranked) == 2 else f"All {len(ranked)} candidates fit"
    return (scatter,
            f"{every} {quarter}; tightest: {tight['team_id']} in {tight['month']:%b %Y} "
            f"({fmt.hours(tight['committed_after'])} of {fmt.hours(tight['free_hours'])} free)")


# --- commands -------------------------------------------------------------------------------------------------------


def _clean(data: dict[str, Any], allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(f"{what} has no field {', '.join(unknown)}.", field=unknown[0])
    out = dict(data)
    if isinstance(out.get("title"), str):
        out["title"] = out["title"].strip()
    return out


def _live_goal(session: Session, goal_id: int | None, field_name: str, what: str) -> m.Goal | None:
    if goal_id is None:
        return None
    goal = session.get(m.Goal, goal_id)
    if goal is None:
        raise ValidationError(f"{what} not saved — {field_name.removesuffix('_id')} goal {goal_id} does not exist.",
                              field=field_name)
    if goal.archived:
        raise ValidationError(f"{what} not saved — goal '{goal.title}' is archived; restore it first or choose "
                              "another.", field=field_name)
    return goal


def _check_period(start: Any, end: Any) -> None:
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise ValidationError(f"Goal not saved — period end ({end:%d %b %Y}) is before period start "
                              f"({start:%d %b %Y}).", field="period_end")


def create_goal(session: Session, *, actor: Actor, **data: Any) -> int:
    """Create a goal from ``title, period_start, period_end`` and optional ``description, owner_id, team_id,
    parent_id, weight``; the parent must be an active goal. Returns the new id."""
    values = _clean(data, GOAL_FIELDS, "A goal")
    if not values.get("title"):
        raise ValidationError("Goal not saved — title: give the goal a title.", field="title")
    _check_period(values.get("period_start"), values.get("period_end"))
    _live_goal(session, values.get("parent_id"), "parent_id", "Goal")
    return int(core.create(session, m.Goal, values, actor=actor).id)


def update_goal(session: Session, *, goal_id: int, changes: dict[str, Any], expected_version: int,
                actor: Actor) -> int:
    """Edit a goal; a parent may not be the goal itself, one of its descendants or an archived goal."""
    changes = _clean(changes, GOAL_FIELDS, "A goal")
    goal = core.get(session, m.Goal, goal_id)
    _check_period(changes.get("period_start", goal.period_start), changes.get("period_end", goal.period_end))
    parent_id = changes.get("parent_id", goal.parent_id)
    if "parent_id" in changes and parent_id is not None:
        parent = _live_goal(session, parent_id, "parent_id", "Goal")
        seen, node = set(), parent
        while node is not None and node.id not in seen:
            if node.id == goal_id:
                raise ValidationError(f"Goal not saved — parent: '{parent.title}' is '{goal.title}' itself or one "
                                      "of its sub-goals, which would make a loop. Choose another parent.",
                                      field="parent_id")
            seen.add(node.id)
            node = session.get(m.Goal, node.parent_id) if node.parent_id is not None else None
    return int(core.update(session, m.Goal, goal_id, changes, expected_version=expected_version, actor=actor).version)


def archive_goal(session: Session, *, goal_id: int, expected_version: int, actor: Actor) -> list[str]:
    """Archive a goal and its sub-goals (they leave the tree and the roll-up); returns the archived titles."""
    goal = core.get(session, m.Goal, goal_id)
    if goal.archived:
        raise ValidationError(f"Goal '{goal.title}' is already archived.", field="archived")
    core.update(session, m.Goal, goal_id, {"archived": True}, expected_version=expected_version, actor=actor)
    done = [goal.title]
    children = session.exec(select(m.Goal).where(m.Goal.parent_id == goal_id, m.Goal.archived.is_(False))).all()
    for child in children:
        done += archive_goal(session, goal_id=child.id, expected_version=child.version, actor=actor)
    return done


def restore_goal(session: Session, *, goal_id: int, expected_version: int, actor: Actor) -> int:
    """Bring an archived goal back into the tree (its sub-goals stay archived until restored themselves)."""
    goal = core.get(session, m.Goal, goal_id)
    if not goal.archived:
        raise ValidationError(f"Goal '{goal.title}' is not archived.", field="archived")
    core.update(session, m.Goal, goal_id, {"archived": False}, expected_version=expected_version, actor=actor)
    return goal_id


def _check_direction(values: dict[str, Any], what: str) -> None:
    start, target, direction = values["start_value"], values["target_value"], values.get("direction", "up")
    if start is None or target is None or not (math.isfinite(start) and math.isfinite(target)) or start == target:
        return
    implied = "up" if target > start else "down"
    if direction in ("up", "down") and implied != direction:
        word = "higher" if direction == "up" else "lower"
        side = "below" if implied == "down" else "above"
        raise ValidationError(
            f"{what} not saved — direction: '{direction}' means {word} is better, but the target ({target:g}) is "
            f"{side} the start ({start:g}). Choose '{implied}' or swap start and target.", field="direction")


def create_key_result(session: Session, *, goal_id: int, actor: Actor, **data: Any) -> int:
    """Add a key result (``title, start_value, target_value`` and optional ``unit, direction, weight``) to an active
    goal; it starts at its start value. Returns the new id."""
    values = _clean(data, KR_FIELDS, "A key result")
    _live_goal(session, goal_id, "goal_id", "Key result")
    values = core.validate(m.KeyResult, {"goal_id": goal_id, "current_value": values.get("start_value", 0.0),
                                         **values})
    _check_direction(values, "Key result")
    return int(core.create(session, m.KeyResult, values, actor=actor).id)


def update_key_result(session: Session, *, key_result_id: int, changes: dict[str, Any], expected_version: int,
                      actor: Actor) -> int:
    """Edit a key result's definition (its current value changes only through check-ins)."""
    changes = _clean(changes, KR_FIELDS, "A key result")
    kr = core.get(session, m.KeyResult, key_result_id)
    merged = core.validate(m.KeyResult, {**kr.model_dump(exclude={"id", "version"}), **changes})
    _check_direction(merged, "Key result")
    core.update(session, m.KeyResult, key_result_id, changes, expected_version=expected_version, actor=actor)
    return key_result_id


def archive_key_result(session: Session, *, key_result_id: int, expected_version: int, actor: Actor) -> int:
    """Archive a key result: it leaves its goal's roll-up; its check-ins are kept."""
    kr = core.get(session, m.KeyResult, key_result_id)
    if kr.archived:
        raise ValidationError(f"Key result '{kr.title}' is already archived.", field="archived")
    core.update(session, m.KeyResult, key_result_id, {"archived": True}, expected_version=expected_version,
                actor=actor)
    return key_result_id


def record_check_in(session: Session, *, key_result_id: int, day: date, value: float, confidence: int = 7,
                    note: str = "", today: date, actor: Actor) -> int:
    """Record a key result's value on ``day`` (not in the future, not before its goal's period); the latest
    check-in becomes the KR's current value. Returns the check-in's id."""
    kr = core.get(session, m.KeyResult, key_result_id)
    if kr.archived:
        raise ValidationError(f"Check-in not saved — key result '{kr.title}' is archived.", field="key_result_id")
    if value is None:
        raise ValidationError(f"Check-in not saved — value: enter the measured value of '{kr.title}'.", field="value")
    goal = core.get(session, m.Goal, kr.goal_id)
    if goal.archived:
        raise ValidationError(f"Check-in not saved — goal '{goal.title}' is archived.", field="key_result_id")
    if isinstance(day, date) and day > today:
        raise ValidationError(f"Check-in not saved — day: {fmt.day(day)} is in the future (today is "
                              f"{fmt.day(today)}).", field="day")
    if isinstance(day, date) and day < goal.period_start:
        raise ValidationError(f"Check-in not saved — day: {fmt.day(day)} is before the goal's period starts "
                              f"({fmt.day(goal.period_start)}).", field="day")
    row = core.create(session, m.CheckIn, {"key_result_id": key_result_id, "day": day, "value": value,
                                           "confidence": confidence, "note": (note or "").strip(),
                                           "author_id": actor.id}, actor=actor)
    later = session.exec(select(m.CheckIn).where(m.CheckIn.key_result_id == key_result_id, m.CheckIn.day > day)).first()
    if later is None:
        core.update(session, m.KeyResult, key_result_id, {"current_value": row.value}, expected_version=None,
                    actor=actor)
    return int(row.id)


def approve_candidate(session: Session, *, project_id: int, expected_version: int, actor: Actor) -> int:
    """Approve a candidate (status proposed): it becomes an active project."""
    project = core.get(session, m.Project, project_id)
    if project.status != "proposed":
        raise ValidationError(f"'{project.name}' is not a candidate (its status is {project.status}); only proposed "
                              "projects can be approved here.", field="status")
    core.update(session, m.Project, project_id, {"status": "active"}, expected_version=expected_version, actor=actor)
    core.log(session, actor, "approve", "project", project_id, f"approved candidate '{project.name}': now an active "
             "project")
    return project_id


def align_work(session: Session, *, kind: str, work_id: int, goal_id: int, expected_version: int,
               actor: Actor) -> int:
    """Link a project or an operation to an active goal."""
    model = {"Project": m.Project, "Operation": m.Operation}.get(kind)
    if model is None:
        raise ValidationError(f"Only projects and operations can serve a goal, not '{kind}'.", field="kind")
    _live_goal(session, goal_id, "goal_id", core.entity_label(model))
    core.update(session, model, work_id, {"goal_id": goal_id}, expected_version=expected_version, actor=actor)
    return work_id
