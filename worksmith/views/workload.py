"""The Workload page's figures: heatmaps of utilisation per person, team and skill, run vs change against capacity,
the over-allocated person-weeks with the engine's fixes, and the time-off and capacity tables to edit.

Load and capacity come from :mod:`worksmith.views.workload_data` (formulas in ``worksmith.domain.workload``); the fixes
from ``worksmith.domain.allocation``. Numbers are formatted with ``worksmith.fmt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.allocation import suggest_fixes
from worksmith.domain.calendar import iso_label, week_start, working_days_between
from worksmith.domain.skills import skills_demand_supply
from worksmith.domain.workload import Workload, team_totals
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame
from worksmith.views.workload_data import NO_TEAM, WorkloadInputs, compute_workload, people_frame, workload_inputs

__all__ = ["DEFAULT_WEEKS", "HORIZONS", "NO_TEAM", "WorkloadView", "capacity_table", "person_labels",
           "time_off_table", "week_axis", "workload_view"]

HORIZONS = (4, 8, 12, 26)
DEFAULT_WEEKS = 12
MAX_HEATMAP_PEOPLE = 60
FIX_CELLS = 8
TOOLTIP_ITEMS = 6


@dataclass(eq=False)
class WorkloadView:
    """Everything the Workload page shows for one horizon and filter (frames described where they are built)."""

    empty: bool
    start: date
    weeks: int
    teams: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    team: str | None = None
    skill: str | None = None
    filter_note: str = ""
    metrics: list[Metric] = field(default_factory=list)
    heatmap: pd.DataFrame = field(default_factory=pd.DataFrame)
    heatmap_title: str = ""
    heatmap_note: str = ""
    heatmap_alt: str = ""
    run_change: pd.DataFrame = field(default_factory=pd.DataFrame)
    capacity: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_change_title: str = ""
    not_loaded: str = ""
    over: pd.DataFrame = field(default_factory=pd.DataFrame)
    fix_cells: list[dict[str, Any]] = field(default_factory=list)
    more_over: int = 0
    team_heat: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_title: str = ""
    skills_heat: pd.DataFrame = field(default_factory=pd.DataFrame)
    skills_title: str = ""
    skills_note: str = ""


@lru_cache(maxsize=1024)  # one label per week, asked for once per person-week cell
def week_axis(monday: date) -> str:
    """Axis label of a week: 'W49 · 30 Nov' (ISO week number and its Monday)."""
    return f"W{monday.isocalendar().week:02d} · {monday.day} {monday:%b}"


@lru_cache(maxsize=1024)
def _week_range(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{iso_label(monday)}: {fmt.day(monday)} – {fmt.day(sunday)}"


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _work_text(wl: Workload, inputs: WorkloadInputs, person_ids: set) -> dict[tuple[Any, date], list[tuple]]:
    """(person, week) -> [(name, context, hours, kind)] largest first: the work behind a heatmap cell."""
    con = wl.contributions
    con = con[con["person_id"].isin(person_ids)] if len(con) else con
    if con.empty:
        return {}
    projects = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["project"].tolist(), strict=True))
    ops = dict(zip(inputs.operations["id"].tolist(), inputs.operations["name"].tolist(), strict=True))
    out: dict[tuple[Any, date], list[tuple]] = {}
    for pid, week, source, sid, name, op_id, hours, kind in zip(
            con["person_id"].tolist(), con["week"].tolist(), con["source"].tolist(), con["source_id"].tolist(),
            con["name"].tolist(), con["operation_id"].tolist(), con["hours"].tolist(), con["kind"].tolist(),
            strict=True):
        if source == "task":
            context = projects.get(sid, "")
        elif source == "recurring":
            context = ops.get(op_id, "operation")
        else:
            context = "team's share of the operation"
        out.setdefault((pid, week), []).append((str(name), str(context), float(hours), kind))
    for items in out.values():
        items.sort(key=lambda item: (-item[2], item[0]))
    return out


def _tooltip(items: list[tuple]) -> str:
    if not items:
        return "nothing planned"
    parts = [f"{name} ({context}) {hours:.1f} h" for name, context, hours, _kind in items[:TOOLTIP_ITEMS]]
    if len(items) > TOOLTIP_ITEMS:
        parts.append(f"+{len(items) - TOOLTIP_ITEMS} more")
    return " · ".join(parts)


def _select_people(inputs: WorkloadInputs, team: str | None, skill: str | None) -> pd.DataFrame:
    people = inputs.people
    if team is not None:
        people = people[people["team"].fillna(NO_TEAM) == team]
    if skill is not None:
        key = skill.casefold()
        people = people[[key in {s.casefold() for s in skills} for skills in people["skills"]]]
    return people


def _heat_frame(cells: pd.DataFrame, names: dict, groups: dict, work: dict) -> pd.DataFrame:
    """Heatmap rows: ``row`` (person), ``group`` (team), ``person_id, week, week_axis, week_range, load, capacity,
    utilisation, over, change_hours, run_hours, work`` (the tooltip's list of tasks with hours)."""
    return pd.DataFrame({
        "row": [names[p] for p in cells["person_id"]],
        "group": [groups[p] for p in cells["person_id"]],
        "person_id": cells["person_id"].to_numpy(),
        "week": cells["week"].to_numpy(),
        "week_axis": [week_axis(w) for w in cells["week"]],
        "week_range": [_week_range(w) for w in cells["week"]],
        "load": cells["load"].to_numpy(float),
        "capacity": cells["capacity"].to_numpy(float),
        "utilisation": cells["utilisation"].to_numpy(float),
        "over": cells["over"].to_numpy(bool),
        "change_hours": cells["change_hours"].to_numpy(float),
        "run_hours": cells["run_hours"].to_numpy(float),
        "work": [_tooltip(work.get((p, w), [])) for p, w in zip(cells["person_id"], cells["week"], strict=True)],
    })


def _fixes(wl: Workload, inputs: WorkloadInputs, over: pd.DataFrame, names: dict,
           work: dict) -> list[dict[str, Any]]:
    """Cards for the first over-allocated cells (soonest week first): the work causing each and the engine's fixes."""
    if over.empty:
        return []
    first = over.sort_values(["week", "excess"], ascending=[True, False], kind="stable").head(FIX_CELLS)
    # only the tasks of these people can be behind these cells (the engine looks no further)
    mine = inputs.tasks[inputs.tasks["assignee_id"].isin(first["person_id"].tolist())]
    fixes = suggest_fixes(wl, mine, inputs.people, inputs.float_days,
                                    person_ids=first["person_id"].tolist(), weeks=first["week"].tolist())
    version = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["version"].tolist(), strict=True))
    project = dict(zip(inputs.tasks["task_id"].tolist(), inputs.tasks["project"].tolist(), strict=True))
    cards = []
    for pid, week, load, cap, excess in zip(first["person_id"].tolist(), first["week"].tolist(),
                                            first["load"].tolist(), first["capacity"].tolist(),
                                            first["excess"].tolist(), strict=True):
        mine = fixes[(fixes["from_person_id"] == pid) & (fixes["week"] == week)] if len(fixes) else fixes
        cards.append({
            "person_id": int(pid), "person": names[pid], "week": week, "week_label": iso_label(week),
            "week_range": _week_range(week), "load": float(load), "capacity": float(cap), "excess": float(excess),
            "utilisation": _share(float(load), float(cap)),
            "causes": [{"name": n, "context": c, "hours": h, "kind": k} for n, c, h, k in work.get((pid, week), [])],
            "fixes": [{
                "kind": r["kind"], "task_id": int(r["task_id"]), "task": r["task_name"],
                "project": project.get(r["task_id"], ""), "task_version": int(version.get(r["task_id"], 1)),
                "to_person_id": None if pd.isna(r["to_person_id"]) else int(r["to_person_id"]),
                "to_person": None if pd.isna(r["to_person_id"]) else names.get(r["to_person_id"]),
                "shift_days": None if pd.isna(r["shift_days"]) else int(r["shift_days"]),
                "new_start": r["new_start"], "new_finish": r["new_finish"],
                "relieves_hours": float(r["relieves_hours"]), "explanation": r["explanation"],
                "person": names[pid], "week_label": iso_label(week),
            } for r in mine.to_dict("records")],
        })
    return cards


def workload_view(session: Session, *, today: date, weeks: int = DEFAULT_WEEKS, team: str | None = None,
                  skill: str | None = None) -> WorkloadView:
    """The Workload page's figures for ``weeks`` ISO weeks from this week, for one team and/or skill (or all)."""
    if weeks not in HORIZONS:
        weeks = DEFAULT_WEEKS
    inputs = workload_inputs(session)
    start = week_start(today)
    if inputs.people.empty:
        return WorkloadView(empty=True, start=start, weeks=weeks)
    teams = sorted({t if isinstance(t, str) else NO_TEAM for t in inputs.people["team"]})
    skills_held = {s for skills in inputs.people["skills"] for s in skills}
    skills = sorted(skills_held | {s for s in inputs.tasks["required_skill"] if s}, key=str.casefold)
    notes = []
    if team is not None and team not in teams:
        notes.append(f"There is no team '{team}': showing every team.")
        team = None
    if skill is not None and skill.casefold() not in {s.casefold() for s in skills}:
        notes.append(f"Nobody has the skill '{skill}': showing every skill.")
        skill = None
    wl = compute_workload(inputs, start=start, weeks=weeks, today=today)
    view = WorkloadView(empty=False, start=start, weeks=weeks, teams=teams, skills=skills, team=team, skill=skill,
                        filter_note=" ".join(notes))
    chosen = _select_people(inputs, team, skill)
    names = dict(zip(inputs.people["id"].tolist(), inputs.people["name"].tolist(), strict=True))
    groups = dict(zip(inputs.people["id"].tolist(), inputs.people["team"].fillna(NO_TEAM).tolist(), strict=True))
    loaded = set(wl.cells.loc[wl.cells["load"] > 0, "person_id"].tolist())
    ids = [p for p, active in zip(chosen["id"].tolist(), chosen["active"].tolist(), strict=True)
           if active or p in loaded]  # someone who left still shows while work is assigned to them
    cells = wl.cells[wl.cells["person_id"].isin(ids)]
    scope = "" if team is None and skill is None else " (" + ", ".join(
        x for x in (team, f"skill {skill}" if skill else None) if x) + ")"
    view.metrics = _metrics(cells, wl.weeks, weeks, scope)

    over = cells[cells["over"]]
    shown = ids
    if len(ids) > MAX_HEATMAP_PEOPLE:
        peak = cells.assign(u=cells["load"] / cells["capacity"].where(cells["capacity"] > 0, np.nan))
        peak = peak.groupby("person_id", sort=False)["u"].max().fillna(np.inf).sort_values(ascending=False)
        top = set(peak.index[:MAX_HEATMAP_PEOPLE].tolist())
        shown = [p for p in ids if p in top]
        view.heatmap_note = (f"Showing the {len(shown)} most loaded of {len(ids)} people; choose a team or a skill "
                             "to see everyone in it.")
    work = _work_text(wl, inputs, set(shown) | set(over["person_id"].tolist()))
    view.heatmap = _heat_frame(cells[cells["person_id"].isin(shown)], names, groups, work)
    view.heatmap_title = _heat_title(over, names, len(ids), weeks)
    view.heatmap_alt = (f"Utilisation heatmap, people by week. {view.heatmap_title}. Over capacity: " + "; ".join(
        f"{names[p]} in {iso_label(w)} ({fmt.percent(_share(lo, c))})" for p, w, lo, c in zip(
            over["person_id"], over["week"], over["load"], over["capacity"], strict=True)) + "."
        if len(over) else f"Utilisation heatmap, people by week. {view.heatmap_title}.")

    change = cells.groupby("week", sort=True)[["change_hours", "run_hours", "capacity"]].sum().reindex(wl.weeks,
                                                                                                   fill_value=0.0)
    view.run_change = pd.DataFrame({
        "week": np.repeat(np.array(wl.weeks, dtype=object), 2),
        "week_axis": np.repeat([week_axis(w) for w in wl.weeks], 2),
        "kind": ["change (projects)", "run (operations)"] * len(wl.weeks),
        "hours": np.column_stack([change["change_hours"], change["run_hours"]]).ravel(),
    })
    view.capacity = pd.DataFrame({"week": list(wl.weeks), "week_axis": [week_axis(w) for w in wl.weeks],
                                  "kind": "capacity", "hours": change["capacity"].to_numpy(float)})
    total = change["change_hours"] + change["run_hours"]
    n_above = int((total > change["capacity"] + 1e-9).sum())
    run_share = _share(float(change["run_hours"].sum()), float(total.sum()))
    view.run_change_title = (
        f"Run work is {fmt.percent(run_share)} of the load; the total exceeds capacity in {n_above} of {weeks} weeks"
        if n_above else f"Run work is {fmt.percent(run_share)} of the load; the total stays within capacity every week")
    view.not_loaded = _not_loaded(wl)

    over_rows = over.sort_values(["week", "excess"], ascending=[True, False], kind="stable")
    view.over = pd.DataFrame({
        "person": [names[p] for p in over_rows["person_id"]],
        "team": [groups[p] for p in over_rows["person_id"]],
        "week": [_week_range(w) for w in over_rows["week"]],
        "load": [fmt.hours(v) for v in over_rows["load"]],
        "capacity": [fmt.hours(v) for v in over_rows["capacity"]],
        "over_by": [fmt.hours(v) for v in over_rows["excess"]],
        "utilisation": [fmt.percent(_share(lo, c)) for lo, c in zip(over_rows["load"], over_rows["capacity"],
                                                                  strict=True)],
        "work": [_tooltip(work.get((p, w), [])) for p, w in zip(over_rows["person_id"], over_rows["week"],
                                                                strict=True)],
    }, columns=["person", "team", "week", "load", "capacity", "over_by", "utilisation", "work"])
    view.fix_cells = _fixes(wl, inputs, over_rows, names, work)
    view.more_over = max(0, len(over_rows) - len(view.fix_cells))

    _teams(view, wl, inputs)
    _skills(view, wl, inputs)
    return view


def _metrics(cells: pd.DataFrame, weeks: tuple[date, ...], n_weeks: int, scope: str) -> list[Metric]:
    near = cells[cells["week"].isin(weeks[:4])]
    u_near = _share(float(near["load"].sum()), float(near["capacity"].sum()))
    u_all = _share(float(cells["load"].sum()), float(cells["capacity"].sum()))
    delta = None
    if n_weeks > 4 and u_near is not None and u_all is not None:
        delta = f"{(u_near - u_all) * 100:+.0f} pts vs {n_weeks}-week avg"
    over = cells[cells["over"]]
    free = float(near["free"].sum())
    run, change = float(cells["run_hours"].sum()), float(cells["change_hours"].sum())
    return [
        Metric(f"Utilisation · next 4 weeks{scope}", fmt.percent(u_near), delta, "off",
               help="Load ÷ capacity, summed over people and the next 4 weeks, compared with the whole horizon. "
                    "Capacity = weekly hours × availability × working days not off ÷ 5.", delta_arrow="auto"),
        Metric("Over-allocated person-weeks", f"{len(over)}",
               f"{over['person_id'].nunique()} people, {fmt.hours(float(over['excess'].sum()))} over"
               if len(over) else "nobody over capacity", "inverse" if len(over) else "off",
               help=f"In the {n_weeks}-week horizon. A person-week is over-allocated when its load is above its "
                    "capacity.", delta_arrow="up" if len(over) else "off"),
        Metric("Free hours · next 4 weeks", fmt.hours(free),
               f"{fmt.percent(_share(free, float(near['capacity'].sum())))} of capacity", "off", "off",
               help="Σ max(capacity − load, 0) per person and week: one person's overload does not free anybody "
                    "else's time."),
        Metric("Run vs change",
               f"{fmt.percent(_share(run, run + change))} / {fmt.percent(_share(change, run + change))}",
               f"{fmt.hours(run)} run · {fmt.hours(change)} change", "off", "off",
               help="Run = operations' recurring work and demand; change = remaining hours of project tasks "
                    "(active and approved projects), over the horizon."),
    ]


def _heat_title(over: pd.DataFrame, names: dict, n_people: int, n_weeks: int) -> str:
    if n_people == 0:
        return "Nobody active matches this team and skill"
    if over.empty:
        return f"Nobody of {n_people} people is over capacity in the next {n_weeks} weeks"
    per_week = over.groupby("week")["person_id"].nunique()
    worst = per_week.idxmax()
    people = over["person_id"].nunique()
    if people == 1:
        pid = over["person_id"].iloc[0]
        return (f"{names[pid]} is over capacity in {len(over)} week{'s' if len(over) > 1 else ''} "
                f"(first {iso_label(over['week'].min())})")
    return (f"{people} people are over capacity in the next {n_weeks} weeks; "
            f"{int(per_week.max())} in {iso_label(worst)}")


def _not_loaded(wl: Workload) -> str:
    parts = []
    if len(wl.unassigned):
        tasks = wl.unassigned[wl.unassigned["source"] == "task"]
        parts.append(f"{fmt.hours(float(wl.unassigned['hours'].sum()))} of work has nobody to do it "
                     f"({tasks['source_id'].nunique()} tasks without an assignee, "
                     f"{fmt.hours(float(wl.unassigned.loc[wl.unassigned['kind'] == 'run', 'hours'].sum()))} "
                     "run work without a person)")
    if len(wl.unscheduled):
        parts.append(f"{len(wl.unscheduled)} tasks have no dates yet "
                     f"({fmt.hours(float(wl.unscheduled['remaining_hours'].sum()))})")
    return ("Not in anybody's load: " + "; ".join(parts) + ".") if parts else ""


def _teams(view: WorkloadView, wl: Workload, inputs: WorkloadInputs) -> None:
    totals = team_totals(wl, inputs.people)
    if totals.empty:
        return
    team_names = dict(zip(inputs.teams["id"].tolist(), inputs.teams["name"].tolist(), strict=True))
    totals["row"] = [team_names.get(t, NO_TEAM) if not pd.isna(t) else NO_TEAM for t in totals["team_id"]]
    totals = totals.sort_values(["row", "week"], kind="stable").reset_index(drop=True)
    over_weeks = wl.cells.assign(team_id=wl.cells["person_id"].map(
        dict(zip(inputs.people["id"], inputs.people["team_id"], strict=True))))
    n_over = over_weeks[over_weeks["over"]].groupby("team_id", dropna=False).size()
    view.team_heat = pd.DataFrame({
        "row": totals["row"], "group": totals["row"], "person_id": totals["team_id"], "week": totals["week"],
        "week_axis": [week_axis(w) for w in totals["week"]], "week_range": [_week_range(w) for w in totals["week"]],
        "load": totals["load"].astype(float), "capacity": totals["capacity"].astype(float),
        "utilisation": totals["utilisation"].astype(float),
        "over": (totals["load"] > totals["capacity"] + 1e-9).to_numpy(bool),
        "change_hours": totals["change_hours"].astype(float), "run_hours": totals["run_hours"].astype(float),
        "work": [f"change {c:.0f} h · run {r:.0f} h" for c, r in zip(totals["change_hours"], totals["run_hours"],
                                                                   strict=True)],
    })
    per_team = totals.groupby("row", sort=True)[["capacity", "load", "change_hours", "run_hours"]].sum()
    people = inputs.people.assign(row=inputs.people["team"].fillna(NO_TEAM)).groupby("row").size()
    team_ids = totals.drop_duplicates("row").set_index("row")["team_id"]
    view.team_table = pd.DataFrame({
        "team": per_team.index,
        "people": [int(people.get(t, 0)) for t in per_team.index],
        "capacity": [fmt.hours(v) for v in per_team["capacity"]],
        "load": [fmt.hours(v) for v in per_team["load"]],
        "utilisation": [(100 * lo / c) if c > 0 else None for lo, c in zip(per_team["load"], per_team["capacity"],
                                                                          strict=True)],
        "run_share": [fmt.percent(_share(r, r + c)) for r, c in zip(per_team["run_hours"], per_team["change_hours"],
                                                                   strict=True)],
        "over_weeks": [int(n_over.get(team_ids[t], 0)) if not pd.isna(team_ids[t]) else
                       int(n_over[n_over.index.isna()].sum()) for t in per_team.index],
    })
    busiest = per_team.assign(u=per_team["load"] / per_team["capacity"].where(per_team["capacity"] > 0))["u"]
    view.team_title = (f"{busiest.idxmax()} is the busiest team at {fmt.percent(busiest.max())} of its capacity"
                       if busiest.notna().any() else "Team load by week")


def _skills(view: WorkloadView, wl: Workload, inputs: WorkloadInputs) -> None:
    # the tasks with hours in the horizon, plus one task per skill so that every skill keeps its row
    placed = set(wl.contributions.loc[wl.contributions["source"] == "task", "source_id"].tolist())
    placed |= set(wl.unassigned.loc[wl.unassigned["source"] == "task", "source_id"].tolist())
    tasks = inputs.tasks[["task_id", "required_skill"]]
    tasks = pd.concat([tasks[tasks["task_id"].isin(placed)], tasks.drop_duplicates("required_skill")])
    frame_ = skills_demand_supply(wl, tasks.drop_duplicates("task_id"), inputs.people)
    if frame_.empty:
        return
    demanded = frame_.groupby("skill")["demand_hours"].sum()
    keep = set(demanded[demanded > 1e-9].index)
    if view.skill is not None:
        keep |= {s for s in demanded.index if s.casefold() == view.skill.casefold()}
    frame_ = frame_[frame_["skill"].isin(keep)]
    view.skills_note = (f"{len(demanded) - len(keep)} other skills have no task hours in the horizon. "
                        if len(demanded) > len(keep) else "")
    if frame_.empty:
        return
    demand, supply = frame_["demand_hours"].to_numpy(float), frame_["supply_hours"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(supply > 0, demand / np.where(supply > 0, supply, 1.0), np.nan)
    short = demand > supply + 1e-9
    view.skills_heat = pd.DataFrame({
        "row": frame_["skill"].to_numpy(), "group": frame_["skill"].to_numpy(), "person_id": None,
        "week": frame_["week"].to_numpy(), "week_axis": [week_axis(w) for w in frame_["week"]],
        "week_range": [_week_range(w) for w in frame_["week"]], "load": demand, "capacity": supply,
        "utilisation": ratio, "over": short, "change_hours": demand, "run_hours": 0.0,
        "work": ["nobody holds this skill" if s <= 0 and d > 0 else f"{d:.0f} h asked of {s:.0f} h"
                 for d, s in zip(demand, supply, strict=True)],
    })
    short_skills = sorted(set(frame_["skill"][short]))
    view.skills_title = (f"Demand exceeds supply for {', '.join(short_skills[:4])}"
                         f"{' and more' if len(short_skills) > 4 else ''}" if short_skills
                         else "Every skill's demand fits the capacity of the people who hold it")



# --- the tables to edit (st.data_editor) ---------------------------------------------------------------------

TIME_OFF_COLUMNS = ["id", "person", "start", "end", "working_days", "note", "version"]
CAPACITY_COLUMNS = ["id", "name", "team", "role", "weekly_hours", "availability", "capacity", "skills", "active",
                    "version"]


def person_labels(session: Session) -> dict[str, int]:
    """A unique label per person for pickers: the name, with '#id' added when two people share it."""
    people = frame(session, m.Person, order_by=[m.Person.name, m.Person.id])
    counts = people["name"].value_counts()
    return {(n if counts[n] == 1 else f"{n} #{i}"): int(i) for i, n in zip(people["id"], people["name"], strict=True)}


def time_off_table(session: Session) -> pd.DataFrame:
    """Time off to edit: ``id, person (label), start, end, working_days, note, version``, soonest first."""
    labels = {v: k for k, v in person_labels(session).items()}
    rows = frame(session, m.TimeOff, order_by=[m.TimeOff.start, m.TimeOff.id])
    holidays = frame(session, m.Holiday, m.Holiday.project_id.is_(None))["day"].tolist()
    last = np.array(rows["end"].tolist(), dtype="datetime64[D]")
    days = working_days_between(np.array(rows["start"].tolist(), dtype="datetime64[D]"), last + 1, holidays)
    return pd.DataFrame({"id": rows["id"], "person": [labels.get(p) for p in rows["person_id"]],
                         "start": rows["start"], "end": rows["end"], "working_days": pd.array(days, dtype="Int64"),
                         "note": rows["note"], "version": rows["version"]}, columns=TIME_OFF_COLUMNS)



def capacity_table(session: Session) -> pd.DataFrame:
    """People's capacity to edit: ``id, name, team, role, weekly_hours, availability, capacity (h/week for planned
    work, read-only), skills (comma text), active, version``, by team and name."""
    people = people_frame(session)
    return pd.DataFrame({
        "id": people["id"], "name": people["name"], "team": people["team"].fillna(NO_TEAM), "role": people["role"],
        "weekly_hours": people["weekly_hours"].astype(float), "availability": people["availability"].astype(float),
        "capacity": people["weekly_hours"].astype(float) * people["availability"].astype(float) / 100.0,
        "skills": [", ".join(s) for s in people["skills"]], "active": people["active"].astype(bool),
        "version": people["version"],
    }, columns=CAPACITY_COLUMNS)
