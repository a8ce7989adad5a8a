"""The Goals page's initiative reads: candidates ranked by score and the cut line against next quarter's capacity.

Scores and the cut line are computed by the pure ``worksmith.domain.initiatives`` from the stored rows; goal status
(for alignment) by ``worksmith.domain.goals``; free capacity by ``worksmith.domain.workload``. Approving a candidate
is ``commands.goals.approve_candidate``.

Definitions used on the page
----------------------------
* **Capacity check**: the calendar quarter after today. Free hours per team and month = Σ over the team's people of
  ``max(capacity − load, 0)`` per ISO week from ``worksmith.workload.compute_load``, fed by the Workload page's loader
  ``views.workload_data.workload_inputs`` (committed work: projects with a status in ``LOAD_STATUSES`` — active or
  approved — and active operations), each person-week split over months by its working days. Candidate demand =
  each task's remaining estimate spread evenly over its scheduled working days, booked to the assignee's team (else
  the project's team).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import initiatives as ini
from worksmith.domain.goals import roll_up
from worksmith.domain.initiatives import CRITERIA  # noqa: F401 - the page's weight sliders
from worksmith.errors import ValidationError
from worksmith.status import OFF_TRACK, ON_TRACK, chip
from worksmith.store import models as m
from worksmith.values import month_starts
from worksmith.views.goals import live_krs, names, workspace_holidays
from worksmith.views.tables import frame
from worksmith.views.workload_data import NO_TEAM, compute_workload, workload_inputs
from worksmith.views.workspace import settings

RANKING_FORMULA = (
    "Each criterion is scaled across the candidates to 0–1 (1 = best; cost, effort and risk count less-is-better), "
    "then **score = 100 × Σ weight × scaled / Σ weight**. **Value** comes from the ROI (benefit − cost) / cost where "
    "known: 1 + log₂(benefit ÷ cost), clamped to 1–5 (break-even 1, each doubling of benefit ÷ cost +1); otherwise "
    "the project's value score. **Alignment** from the status of the goal it serves: off track 1, at risk 0.75, on "
    "track 0.5, done 0.25, none 0. **Capacity**: candidates in rank order take free hours per team and month; one "
    "that would overrun any team-month is skipped and commits nothing.")


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


def _quarter_label(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def free_capacity(session: Session, *, start: date, end: date, today: date) -> pd.DataFrame:
    """Free hours per team and month in ``start..end``: [team_id (the team's name), month, free_hours, capacity, load].

    The committed work is what the Workload page loads (``views.workload_data.workload_inputs``: projects active or
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
        spread = ini.spread_monthly(items, holidays)
        parts.append(spread.groupby(["team_id", "month"])["hours"].sum().rename(column))
    months = month_starts(start, end)
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
    tasks = frame(session, m.Task)
    tasks = tasks[tasks["project_id"].isin(cands["id"])]
    effort = tasks.groupby("project_id")["estimate_hours"].sum()
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
    ranked = ini.rank_initiatives(pd.DataFrame(rows), dict(weights))

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
    spread = ini.spread_monthly(items, workspace_holidays(session))
    inside = spread[(spread["month"] >= q_start) & (spread["month"] <= q_end)]
    outside = spread[~spread.index.isin(inside.index)].groupby("id")["hours"].sum()
    demand = inside.groupby(["id", "team_id", "month"], as_index=False)["hours"].sum().round({"hours": 0})
    order = ranked[["rank", "id", "name"]]
    placeholders = order.assign(team_id=NO_TEAM, month=q_start, hours=0.0)  # every candidate is on the list
    demand = pd.concat([placeholders, order.merge(demand, on="id")], ignore_index=True).sort_values(
        ["rank", "month"], kind="stable").reset_index(drop=True)
    free = free_capacity(session, start=q_start, end=q_end, today=today)
    free["free_hours"] = (free["free_hours"] * (1 - reserve / 100)).round(0)
    cut = ini.capacity_cut_line(demand, free)
    detail = ini.capacity_cut_line_detail(demand, free)
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
        f"Fits {result.quarter_label}": [_fit_text(r) for r in ranked.itertuples()],
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


def _fit_text(candidate) -> str:
    """'● fits' or '■ no: Engineering 117 h short in Jan 2027' (the shapes of "on track" and "off track")."""
    if candidate.fits:
        return chip(ON_TRACK, "fits")
    return chip(OFF_TRACK, f"no: {candidate.shortfall_team} {fmt.hours(candidate.shortfall_hours)} short in "
                           f"{candidate.shortfall_month:%b %Y}")


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
