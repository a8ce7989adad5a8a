"""The Goals page's initiative reads: candidates ranked by score and the cut line against next quarter's capacity.

Scores and the cut line are computed by the pure ``worksmith.domain.initiatives`` from the stored rows; goal status
(for alignment) by ``worksmith.domain.goals``; free capacity by ``worksmith.domain.workload``. Approving a candidate
is ``commands.goals.approve_candidate``.

Definitions used on the page
----------------------------
* **Capacity check**: the months a ranked candidate's work falls in (next quarter at least, from this month up to
  ``HORIZON_MONTHS`` after next quarter starts). Free hours per team and month = Σ over the team's people of
  ``max(capacity − load, 0)`` per ISO week from ``worksmith.workload.compute_load``, fed by the Workload page's loader
  ``views.workload_data.workload_inputs`` (committed work: projects with a status in ``LOAD_STATUSES`` — active or
  approved — and active operations), each person-week split over months by its working days. Candidate demand =
  each task's remaining estimate spread evenly over its scheduled working days, booked to the assignee's team (else
  the project's team).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import initiatives as ini
from worksmith.domain.goals import roll_up
from worksmith.domain.initiatives import CRITERIA  # noqa: F401 - the page's weight sliders
from worksmith.errors import ValidationError
from worksmith.status import NOT_STARTED, OFF_TRACK, ON_TRACK, chip
from worksmith.store import models as m
from worksmith.values import month_starts
from worksmith.views.goals import live_krs, names, workspace_holidays
from worksmith.views.tables import frame, grouped_sum
from worksmith.views.workload_data import NO_TEAM, compute_workload, workload_inputs
from worksmith.views.workspace import settings

RANKING_FORMULA = (
    "Each candidate is scored on its own numbers, never against the other candidates (adding one moves no other "
    "score). Each criterion is put on a fixed 0–1 scale (1 = best): **value** (1–5) → (value − 1) / 4; **alignment** "
    "as it is; **risk** (1–5) → (5 − risk) / 4; **cost** and **effort** → reference / (reference + x), so ½ at the "
    "reference (the median of this workspace's committed projects, named below). Then **score = 100 × Σ weight × "
    "scaled / Σ weight**. **Value** comes from the ROI (benefit − cost) / cost where known: 1 + log₂(benefit ÷ cost), "
    "clamped to 1–5 (break-even 1, each doubling of benefit ÷ cost +1); otherwise the project's value score. "
    "**Alignment** from the status of the goal it serves: off track 1, at risk 0.75, on track 0.5, done 0.25, none 0. "
    "A candidate without task hours or a budget *needs an estimate* and is not scored. **Capacity**: candidates in "
    "rank order take free hours per team in the months their work falls in; one that would overrun any team-month is "
    "skipped and commits nothing, and its worst shortfall is named first.")
HORIZON_MONTHS = 24  # candidate work is checked up to this many months after next quarter starts
NEEDS_ESTIMATE = "needs an estimate"


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
    references: str = ""


def _quarter_label(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def free_capacity(session: Session, *, start: date, end: date, today: date,
                  teams: Collection[str] | None = None) -> pd.DataFrame:
    """Free hours per team and month in ``start..end``: [team_id (the team's name), month, free_hours, capacity, load].

    The committed work is what the Workload page loads (``views.workload_data.workload_inputs``: projects active or
    approved, active operations); a person-week's free hours, ``max(capacity − load, 0)``, are split over months by
    its working days, like the candidates' demand. ``teams`` (names; ``NO_TEAM`` for the people without one): only
    those teams, each with the same figures as in the whole workspace.
    """
    monday = start - timedelta(days=start.weekday())
    weeks = (end - timedelta(days=end.weekday()) - monday).days // 7 + 1
    wanted = None
    if teams is not None:
        named = frame(session, m.Team, columns=["id", "name"])
        wanted = [int(i) for i, n in zip(named["id"], named["name"], strict=True) if n in teams]
        wanted += [None] if NO_TEAM in teams else []
    # only the tasks that can load the horizon (as views.workload_data.load_cells): the same cells
    inputs = workload_inputs(session, teams=wanted, until=monday + timedelta(days=7 * weeks - 1))
    load = compute_workload(inputs, start=monday, weeks=weeks, today=today, cells_only=True)
    people = inputs.people
    team_of = dict(zip(people["id"], people["team"].fillna(NO_TEAM), strict=True))
    cells = load.cells
    # The spread is linear in the hours and the same for every person and team of a week: each week's share of
    # each month is worked out once (1 h spread), then the team-weeks' sums are multiplied by it — the same monthly
    # totals as spreading each person-week (500 people × 26 weeks at L).
    team_weeks = cells.assign(team_id=[team_of.get(p, NO_TEAM) for p in cells["person_id"]]).groupby(
        ["team_id", "week"], as_index=False)[["free", "capacity", "load"]].sum()
    week_list = sorted(set(team_weeks["week"]))
    shares = ini.spread_monthly(pd.DataFrame({"week": week_list, "start": week_list,
                                              "finish": [w + timedelta(days=6) for w in week_list], "hours": 1.0}),
                                list(inputs.holidays)).rename(columns={"hours": "share"})
    spread = team_weeks.merge(shares, on="week")
    parts = [(spread[column] * spread["share"]).groupby([spread["team_id"], spread["month"]]).sum().rename(column)
             for column in ("free", "capacity", "load")]
    months = month_starts(start, end)
    index = pd.MultiIndex.from_product([sorted(set(team_of.values())), months], names=["team_id", "month"])
    out = pd.concat(parts, axis=1).reindex(index).fillna(0.0).reset_index()
    return out.rename(columns={"free": "free_hours"})[["team_id", "month", "free_hours", "capacity", "load"]]


def _references(session: Session, projects: pd.DataFrame) -> tuple[dict[str, float], str]:
    """Cost and effort at which those criteria score ½: the medians of the workspace's committed projects (not
    proposed, not cancelled) that have them, else ``ini.DEFAULT_REFERENCES``; and a sentence saying which."""
    committed = projects[~projects["status"].isin(["proposed", "cancelled"])]
    budgets = committed["budget"].astype(float)
    budgets = budgets[budgets > 0]
    hours = grouped_sum(session, m.Task.estimate_hours, m.Task.project_id)
    hours = hours[hours.index.isin(committed["id"]) & (hours > 0)]
    refs = dict(ini.DEFAULT_REFERENCES)
    currency = settings(session)["currency"]
    parts = []
    if len(budgets):
        refs["cost"] = float(budgets.median())
        parts.append(f"cost {fmt.money(refs['cost'], currency)} (median budget of {len(budgets)} committed projects)")
    else:
        parts.append(f"cost {fmt.money(refs['cost'], currency)} (no committed project has a budget: a default)")
    if len(hours):
        refs["effort_hours"] = float(hours.median())
        parts.append(f"effort {fmt.hours(refs['effort_hours'])} (median task hours of {len(hours)} committed "
                     "projects)")
    else:
        parts.append(f"effort {fmt.hours(refs['effort_hours'])} (no committed project has task hours: a default)")
    return refs, "Scores are absolute; half marks at " + " and ".join(parts) + "."


def _late_days(tasks: pd.DataFrame, cands: pd.DataFrame, holidays: list[date]) -> dict[int, tuple[int, date]]:
    """Candidates whose scheduled finish is after their target end: id → (working days late, finish)."""
    finish = tasks[tasks["finish_date"].notna()].groupby("project_id")["finish_date"].max()
    out = {}
    for c in cands.itertuples():
        end = finish.get(c.id)
        if end is None or pd.isna(end) or c.target_end is None or pd.isna(c.target_end) or end <= c.target_end:
            continue
        late = int(np.busday_count(c.target_end + timedelta(days=1), end + timedelta(days=1), holidays=holidays))
        out[int(c.id)] = (late, end)
    return out


def ranking(session: Session, *, today: date, weights: tuple[tuple[str, float], ...] = (),
            reserve: float = 0.0) -> Ranking:
    """Candidates (status proposed) scored with ``weights``, and the cut line against the free hours of the months
    their work falls in (next quarter at least, from this month up to ``HORIZON_MONTHS`` after it).

    ``reserve`` (0–90 %) keeps that share of every team-month's free hours out of reach of new initiatives.
    """
    if not 0 <= reserve <= 90:
        raise ValidationError(f"The reserve must be between 0 and 90 %, not {reserve:g}", field="reserve")
    projects = frame(session, m.Project)
    cands = projects[projects["status"] == "proposed"].reset_index(drop=True)
    q_start, q_end = ini.next_quarter(today)
    result = Ranking(quarter=(q_start, q_end), quarter_label=_quarter_label(q_start))
    if cands.empty:
        return result
    people, teams = names(session)
    goals = frame(session, m.Goal)
    status = {}
    if len(goals) and not goals["archived"].astype(bool).all():
        roll = roll_up(goals, live_krs(session), today)
        status = dict(zip(roll["id"], roll["status"], strict=True))
    titles = {i: t for i, t, a in zip(goals["id"], goals["title"], goals["archived"], strict=True) if not a}
    tasks = frame(session, m.Task, m.Task.project_id.in_([int(i) for i in cands["id"]]),
                  columns=["id", "project_id", "name", "assignee_id", "estimate_hours", "percent_complete",
                           "start_date", "finish_date"])
    refs, result.references = _references(session, projects)
    effort = tasks.groupby("project_id")["estimate_hours"].sum()
    holidays = workspace_holidays(session)
    late = _late_days(tasks, cands, holidays)
    rows = []
    for c in cands.itertuples():
        gid = None if pd.isna(c.goal_id) else int(c.goal_id)
        value, value_text = ini.candidate_value(c.budget, c.expected_benefit, c.value_score)
        align, align_text = ini.alignment_score(titles.get(gid), status.get(gid))
        rows.append({"id": int(c.id), "name": c.name, "value": value, "alignment": align, "cost": float(c.budget),
                     "effort_hours": float(effort.get(c.id, 0.0)), "risk": float(c.risk_score),
                     "goal": titles.get(gid), "team": teams.get(c.team_id), "version": int(c.version),
                     "roi": (c.expected_benefit - c.budget) / c.budget if c.budget > 0 and c.expected_benefit > 0
                     else None, "value_text": value_text, "alignment_text": align_text,
                     "start": c.start, "target_end": c.target_end})
    ranked = ini.rank_initiatives(pd.DataFrame(rows), dict(weights), refs)
    scored = ranked[ranked["estimated"]]

    # demand per team and month, in the months the work falls in (from this month, up to the horizon)
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
    spread = ini.spread_monthly(items, holidays)
    this_month = today.replace(day=1)
    horizon = month_starts(q_start, q_start + timedelta(days=31 * HORIZON_MONTHS))[HORIZON_MONTHS - 1]
    inside = spread[(spread["month"] >= this_month) & (spread["month"] <= horizon)]
    past = spread[spread["month"] < this_month].groupby("id")["hours"].sum()
    beyond = spread[spread["month"] > horizon].groupby("id")["hours"].sum()
    demand = inside.groupby(["id", "team_id", "month"], as_index=False)["hours"].sum().round({"hours": 0})
    order = scored[["rank", "id", "name"]]
    placeholders = order.assign(team_id=NO_TEAM, month=q_start, hours=0.0)  # every candidate is on the list
    demand = pd.concat([placeholders, order.merge(demand, on="id")], ignore_index=True).sort_values(
        ["rank", "month"], kind="stable").reset_index(drop=True)
    need_months = sorted(set(demand.loc[demand["hours"] > 0, "month"]))
    months = sorted(set(month_starts(q_start, q_end)) | set(need_months))
    first = today if months[0] <= this_month else months[0]
    last = (months[-1] + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    # the cut line and the chart look at the teams the candidates need, nothing else
    free = free_capacity(session, start=first, end=last, today=today, teams=set(demand.loc[demand["hours"] > 0,
                                                                                           "team_id"]))
    free = free[free["month"].isin(months)].reset_index(drop=True)
    free["free_hours"] = (free["free_hours"] * (1 - reserve / 100)).round(0)
    cut, detail = ini.capacity_cut_line_and_detail(demand, free)
    detail = detail[detail["hours"] > 0].reset_index(drop=True)
    ranked = ranked.merge(cut[["id", "hours", "fits", "above_line", "shortfall_team", "shortfall_month",
                               "shortfall_hours", "explanation"]].rename(
        columns={"hours": "checked_hours", "explanation": "capacity_text"}), on="id", how="left")
    ranked["fits"] = ranked["fits"].astype(object).where(ranked["estimated"], None)
    ranked["above_line"] = ranked["above_line"].astype(object).where(ranked["estimated"], None)
    ranked["capacity_text"] = [t if e else "not checked: it needs an estimate first"
                               for t, e in zip(ranked["capacity_text"], ranked["estimated"], strict=True)]
    spans = detail.groupby("id")["month"].agg(["min", "max"])
    ranked["work_months"] = [_span(spans.loc[i, "min"], spans.loc[i, "max"]) if i in spans.index else ""
                             for i in ranked["id"]]
    ranked["late_days"] = [late.get(i, (0, None))[0] for i in ranked["id"]]
    ranked["capacity_text"] = [t + (f"; finishes {fmt.day(late[i][1])}, {late[i][0]} working days after its target "
                                    "end: judged on the months its work falls in") if i in late else t
                               for i, t in zip(ranked["id"], ranked["capacity_text"], strict=True)]
    ranked["outside_hours"] = [float(past.get(i, 0.0) + beyond.get(i, 0.0)) for i in ranked["id"]]
    result.candidates = ranked
    result.options = {int(i): (f"#{r} {n}" if e else f"{n} ({NEEDS_ESTIMATE})")
                      for i, r, n, e in zip(ranked["id"], ranked["rank"], ranked["name"], ranked["estimated"],
                                            strict=True)}
    currency = settings(session)["currency"]
    result.table = pd.DataFrame({
        "Rank": [fmt.DASH if r is None else str(r) for r in ranked["rank"]], "Candidate": ranked["name"],
        "Score": [None if s is None else round(float(s)) for s in ranked["score"]],
        "Fits capacity": [_fit_text(r) for r in ranked.itertuples()],
        "Value": [f"{v:.2f}" for v in ranked["value"]],
        "ROI": [fmt.percent(r) for r in ranked["roi"]], "Alignment": [f"{a:.2f}" for a in ranked["alignment"]],
        "Cost": [fmt.money(c, currency) if e else fmt.DASH for c, e in zip(ranked["cost"], ranked["estimated"],
                                                                             strict=True)],
        "Effort": [fmt.hours(h) if e else fmt.DASH for h, e in zip(ranked["effort_hours"], ranked["estimated"],
                                                                    strict=True)],
        "Risk": ranked["risk"].astype(int)})
    result.why = pd.DataFrame({"Candidate": ranked["name"], "Score": ranked["explanation"],
                               "Value": ranked["value_text"], "Alignment": ranked["alignment_text"],
                               "Capacity": ranked["capacity_text"]})
    result.demand = demand[demand["hours"] > 0].reset_index(drop=True)
    result.free = free
    result.detail = detail
    result.scatter_title, result.capacity_title = _ranking_titles(ranked, detail)
    result.notes.append(result.references)
    waiting = ranked[~ranked["estimated"]]
    if len(waiting):
        result.notes.append(("1 candidate needs an estimate and is not ranked: " if len(waiting) == 1 else
                             f"{len(waiting)} candidates need an estimate and are not ranked: ")
                            + ", ".join(f"{n} ({why})" for n, why in zip(waiting["name"], waiting["needs"],
                                                                         strict=True)))
    if len(unscheduled):
        result.notes.append(f"{len(unscheduled)} candidate task(s) have no dates yet and are not in the check: "
                            + ", ".join(unscheduled["name"].tolist()))
    for r in ranked[ranked["outside_hours"] > 0].itertuples():
        result.notes.append(f"{r.name}: {fmt.hours(r.outside_hours)} fall before this month or more than "
                            f"{HORIZON_MONTHS} months ahead and are not checked.")
    return result


def _span(first: date, last: date) -> str:
    """'Jan 2027' or 'Jan–Mar 2027' or 'Dec 2026–Feb 2027'."""
    if first == last:
        return f"{first:%b %Y}"
    return f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y}–{last:%b %Y}"


def _fit_text(candidate) -> str:
    """'● fits Jan–Mar 2027', '■ no: Engineering 165 h short in Feb 2027 (+1 more month)' (the shapes of "on
    track" and "off track") or '○ needs an estimate'."""
    if not candidate.estimated:
        return chip(NOT_STARTED, NEEDS_ESTIMATE)
    late = f" ({candidate.late_days} working days late)" if candidate.late_days else ""
    if candidate.fits:
        return chip(ON_TRACK, f"fits {candidate.work_months}".strip() + late)
    more = candidate.capacity_text.split("; also short: ")
    extra = more[1].split("; ")[0].count(", ") + 1 if len(more) > 1 else 0
    return chip(OFF_TRACK, f"no: {candidate.shortfall_team} {fmt.hours(candidate.shortfall_hours)} short in "
                           f"{candidate.shortfall_month:%b %Y}" + (f" (+{extra} more)" if extra else "") + late)


def _people_teams(session: Session) -> tuple[list, list]:
    people = frame(session, m.Person, columns=["id", "team_id"])
    return people["id"].tolist(), people["team_id"].tolist()


def _ranking_titles(ranked: pd.DataFrame, detail: pd.DataFrame) -> tuple[str, str]:
    scored = ranked[ranked["estimated"]]
    if scored.empty:
        return (f"No candidate can be ranked: all {len(ranked)} {NEEDS_ESTIMATE}",
                f"No candidate is checked: all {len(ranked)} {NEEDS_ESTIMATE}")
    top = scored.iloc[0]
    scatter = f"{top['name']} ranks first with a score of {top['score']:.0f} of 100"
    misfits = scored[~scored["fits"].astype(bool)]
    where = "the months their work falls in"
    if len(misfits):
        first = misfits.iloc[0]
        capacity = (f"{len(scored) - len(misfits)} of {len(scored)} ranked candidates fit {where}; {first['name']} "
                    f"does not: {first['shortfall_team']} is {fmt.hours(first['shortfall_hours'])} short in "
                    f"{first['shortfall_month']:%b %Y}")
        return scatter, capacity
    if detail.empty:
        return scatter, "No ranked candidate needs hours from this month on"
    used = detail.assign(share=detail["committed_after"] / detail["free_hours"].where(detail["free_hours"] > 0))
    tight = used.sort_values("share", ascending=False).iloc[0]
    every = "Both ranked candidates fit" if len(scored) == 2 else f"All {len(scored)} ranked candidates fit"
    return (scatter,
            f"{every} {where}; tightest: {tight['team_id']} in {tight['month']:%b %Y} "
            f"({fmt.hours(tight['committed_after'])} of {fmt.hours(tight['free_hours'])} free)")
