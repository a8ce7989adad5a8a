"""The Goals page's reads: OKR tree with roll-up, the goal's key results and check-ins, alignment of work.

Reads return dataclasses of DataFrames computed by the pure ``worksmith.domain.goals`` (roll-up, status) from the
stored rows; nothing is hard-coded. Ranking candidates against next quarter's capacity is ``views.initiatives``;
the writes are ``commands.goals``.

Definitions used on the page
----------------------------
* **Live work**: projects not done or cancelled (proposed candidates included) and active operations.
  A project's planned hours = Σ its tasks' estimates, its budget = its BAC. An operation's planned hours and budget
  are those within the **planning period** (the span of the non-archived goals' periods; the current quarter when
  there are none): demand × working days / 5 + recurring occurrences × hours, and its budget lines of those months.
* **Unaligned**: live work whose goal is empty or archived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import goals as g
from worksmith.domain.initiatives import operation_hours
from worksmith.status import chip
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame, grouped_sum
from worksmith.views.workspace import is_empty, settings

TOP_LEVEL = "— top-level goal —"
CLOSED = ("done", "cancelled")
FORMULA = (
    "**KR progress** = clamp((current − start) / (target − start), 0, 1) — the sign of target − start makes it work "
    "for “reduce” KRs too.  \n**Goal progress** = Σ weight × progress / Σ weight over its key results and child "
    "goals (weights default 1).  \n**Expected** = days of the period elapsed / days in the period.  \n"
    "**Status** from ratio = progress / expected: ≥ 0.7 on track · 0.4–0.7 at risk · < 0.4 off track "
    "(progress ≥ 1 is done; before the period starts, on track).")


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
    detail_inputs: tuple[Any, pd.DataFrame] | None = None  # (_Base, every check-in): for :func:`detail_of`


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


def workspace_holidays(session: Session) -> list[date]:
    """The workspace-wide holidays (not a project's own days off)."""
    h = frame(session, m.Holiday)
    return list(h.loc[h["project_id"].isna(), "day"]) if len(h) else []


def names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    """People's and teams' names by id."""
    people = frame(session, m.Person, columns=["id", "name"])
    teams = frame(session, m.Team, columns=["id", "name"])
    return dict(zip(people["id"], people["name"], strict=True)), dict(zip(teams["id"], teams["name"], strict=True))


def live_krs(session: Session) -> pd.DataFrame:
    """Key results that are not archived."""
    krs = frame(session, m.KeyResult)
    return krs[~krs["archived"].astype(bool)].reset_index(drop=True)


def _window(goals: pd.DataFrame, today: date) -> tuple[date, date]:
    live = goals[~goals["archived"].astype(bool)] if len(goals) else goals
    if len(live):
        return min(live["period_start"]), max(live["period_end"])
    return g.quarter_of(today)


def _work(session: Session, goals: pd.DataFrame, window: tuple[date, date], holidays: list[date],
          teams: dict[int, str]) -> pd.DataFrame:
    """Live projects and operations with planned hours, budget, goal and whether they are aligned."""
    projects = frame(session, m.Project)
    projects = projects[~projects["status"].isin(CLOSED)]
    hours = grouped_sum(session, m.Task.estimate_hours, m.Task.project_id)
    ops = frame(session, m.Operation)
    ops = ops[ops["active"].astype(bool)]
    op_hours = operation_hours(ops, frame(session, m.RecurringTask), window[0], window[1], holidays)
    months = (window[0].replace(day=1), window[1])
    lines = frame(session, m.BudgetLine, m.BudgetLine.operation_id.is_not(None), m.BudgetLine.month >= months[0],
                  m.BudgetLine.month <= months[1], columns=["id", "operation_id", "month", "planned"])
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


@dataclass
class _Base:
    """What the goals view and one goal's detail both read."""

    currency: str
    people: dict[int, str]
    teams: dict[int, str]
    goals: pd.DataFrame
    krs: pd.DataFrame
    window: tuple[date, date]
    work: pd.DataFrame

    @property
    def has_live_goals(self) -> bool:
        return bool(len(self.goals)) and not self.goals["archived"].astype(bool).all()


def _read_base(session: Session, today: date) -> _Base:
    people, teams = names(session)
    goals = frame(session, m.Goal)
    window = _window(goals, today)
    work = _work(session, goals, window, workspace_holidays(session), teams)
    return _Base(settings(session)["currency"], people, teams, goals, live_krs(session), window, work)


def _tree(base: _Base, roll: pd.DataFrame) -> pd.DataFrame:
    """The roll-up with each goal's owner, team, period and the totals of the work serving it directly."""
    info = base.goals.set_index("id")
    work = base.work
    direct = work[work["aligned"]].groupby("goal_id").agg(n_work=("id", "size"), hours=("hours", "sum"),
                                                          budget=("budget", "sum"))
    tree = roll.copy()
    tree["owner"] = [base.people.get(info.at[i, "owner_id"]) for i in tree["id"]]
    tree["team"] = [base.teams.get(info.at[i, "team_id"]) for i in tree["id"]]
    for col in ("period_start", "period_end", "weight", "version", "description"):
        tree[col] = [info.at[i, col] for i in tree["id"]]
    for col, source in (("owner_id", "owner_id"), ("team_id", "team_id"), ("raw_parent_id", "parent_id")):
        tree[col] = pd.Series([None if pd.isna(info.at[i, source]) else int(info.at[i, source]) for i in tree["id"]],
                              index=tree.index, dtype=object)
    tree["n_work"] = [int(direct["n_work"].get(i, 0)) for i in tree["id"]]
    tree["hours"] = [float(direct["hours"].get(i, 0.0)) for i in tree["id"]]
    tree["budget"] = [float(direct["budget"].get(i, 0.0)) for i in tree["id"]]
    tree["label"] = [("\u2003" * d + "└ " if d else "") + t for d, t in zip(tree["depth"], tree["title"], strict=True)]
    return tree


def goals_view(session: Session, *, today: date) -> GoalsView:
    """Metrics, the goal tree with roll-up and linked work totals, archived goals and unaligned work."""
    if is_empty(session):
        return GoalsView(empty_workspace=True, window=_window(pd.DataFrame(columns=["archived"]), today))
    base = _read_base(session, today)
    currency, people, teams, goals, krs, window, work = (base.currency, base.people, base.teams, base.goals,
                                                          base.krs, base.window, base.work)
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
    if not base.has_live_goals:
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

    tree = _tree(base, roll)
    view.tree = tree
    view.detail_inputs = (base, check_ins)
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
    if is_empty(session):
        return None
    base = _read_base(session, today)
    if not base.has_live_goals:
        return None
    full_tree = _tree(base, g.roll_up(base.goals, base.krs, today))
    if goal_id not in set(full_tree["id"]):
        return None
    kr_ids = [int(k) for k in base.krs.loc[base.krs["goal_id"] == goal_id, "id"]]
    return _detail(base, full_tree, frame(session, m.CheckIn, m.CheckIn.key_result_id.in_(kr_ids)), goal_id)


def detail_of(view: GoalsView, goal_id: int) -> GoalDetail | None:
    """:func:`goal_detail` from what :func:`goals_view` read (the goals, their work and every check-in): the page
    shows the chosen goal without reading them again."""
    if view.detail_inputs is None or goal_id not in set(view.tree["id"]):
        return None
    base, check_ins = view.detail_inputs
    return _detail(base, view.tree, check_ins, goal_id)


def _detail(base: _Base, full_tree: pd.DataFrame, check_ins: pd.DataFrame, goal_id: int) -> GoalDetail:
    """One goal's detail from the goals' tree and check-ins (any superset of the goal's: they are picked here)."""
    goal = {"id": goal_id, **full_tree.set_index("id").loc[goal_id].to_dict()}
    krs = g.kr_frame(base.krs[base.krs["goal_id"] == goal_id].reset_index(drop=True))
    check_ins = check_ins[check_ins["key_result_id"].isin([int(k) for k in krs["id"]])]
    check_ins = check_ins.sort_values(["day", "id"], kind="stable").reset_index(drop=True)
    check_ins["author"] = check_ins["author_id"].map(base.people)
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
    tree_ids = _descendants(full_tree, goal_id)
    work = base.work
    work = work[work["aligned"] & work["goal_id"].isin(tree_ids)].copy()
    work["via"] = ["direct" if gid == goal_id else f"child goal '{t}'" for gid, t in zip(work["goal_id"], work["goal"],
                                                                                strict=True)]
    work = work.sort_values(["via", "kind", "hours"], ascending=[True, False, False], key=lambda c: c.replace(
        "direct", "") if c.name == "via" else c).reset_index(drop=True)
    work_title = (f"{len(work)} item{'s serve' if len(work) != 1 else ' serves'} this goal: "
                  f"{fmt.hours(work['hours'].sum())}"
                  f", {fmt.money(work['budget'].sum(), base.currency)}" if len(work)
                  else "No project or operation serves this goal yet")
    why = f"{FORMULA}\n\n**{goal['title']}**: {goal['explanation']}"
    goal["chip"] = chip(goal["status"])
    goal["headline"] = (f"progress {fmt.percent(goal['progress'])} vs {fmt.percent(goal['expected'])} expected "
                        f"by today · owner {goal['owner'] or fmt.DASH} · {fmt.day(goal['period_start'])} – "
                        f"{fmt.day(goal['period_end'])}")
    kr_table = pd.DataFrame({
        "Key result": krs["title"], "Direction": krs["direction"].map({"up": "↑ up", "down": "↓ down"}),
        "Start": krs["start_value"], "Target": krs["target_value"], "Current": krs["current_value"],
        "Unit": krs["unit"], "Progress": (100 * krs["progress"].astype(float)).round(),
        "How": krs["explanation"], "Weight": krs["weight"], "Status": [chip(x) for x in krs["status"]]})
    return GoalDetail(goal, krs, check_ins, work, why, work_title, _work_table(work, base.currency), kr_table)


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
