"""Compare two workspaces (live and a scenario, or two scenarios) by running the same views on both.

Sections, each with a one-sentence headline naming its largest change:

* **Projects**: forecast finish (the schedule's: the latest task finish) and its slip in working days against the
  target, whether the project drives a linked project (a cross-project link with no slack: on the critical
  chain), and health — side by side, with the change in working days.
* **Roadmap**: one bar per project from start to forecast finish for each side, the target as a tick.
* **Workload**: over-allocated person-weeks (load > capacity) in the coming weeks on each side, per team, and the
  change of each person-week's utilisation in percentage points (scenario − base).
* **Budget**: estimate at completion (EAC, earned value) and variance at completion (VAC = BAC − EAC) per
  project, and the totals.
* **Goals**: each goal's status and progress against the expected progress, and which candidates fit next
  quarter's capacity cut line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.views import budgets, goals, initiatives
from worksmith.views.portfolio import portfolio
from worksmith.views.projects import program
from worksmith.views.tables import people
from worksmith.views.workload_data import load_cells

WEEKS = 12
SIDES = ("base", "scenario")


@dataclass
class Comparison:
    base_name: str
    scenario_name: str
    headline: str
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)
    projects_headline: str = ""
    roadmap: pd.DataFrame = field(default_factory=pd.DataFrame)
    workload: pd.DataFrame = field(default_factory=pd.DataFrame)  # per team: over person-weeks base, scenario
    heat: pd.DataFrame = field(default_factory=pd.DataFrame)  # person, week_label, change (points)
    workload_headline: str = ""
    budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget_headline: str = ""
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    goals_headline: str = ""


def _projects(session: Session, today: date, *, drivers: bool = True) -> pd.DataFrame:
    """Open projects for the roadmap: dates, target, slip, health and (``drivers``) whether a cross-project link
    of theirs drives another project's dates (the program view: the costlier half of this read)."""
    p = portfolio(session, today=today)
    driving = program(session, today=today).links if drivers else pd.DataFrame()
    drives = set(driving.loc[driving["driving"], "from_project"]) if len(driving) else set()
    p = p[p["status"].isin(["active", "approved", "proposed", "on hold"])]
    return pd.DataFrame({"id": p["id"], "project": p["name"], "status": p["status"], "start": p["start"],
                         "finish": p["forecast_finish"], "target": p["target_end"], "slip": p["slip_days"],
                         "health": p["health"], "drives": p["name"].isin(drives)})


def roadmap_frame(session: Session, *, today: date, side: str = "Live") -> pd.DataFrame:
    """One workspace's roadmap, the frame of Compare's roadmap chart: ``project, side, start, finish, target,
    health`` for active, approved, proposed and on-hold projects."""
    return _projects(session, today, drivers=False).assign(side=side)[["project", "side", "start", "finish", "target",
                                                                       "health"]]


def _over(session: Session, today: date) -> pd.DataFrame:
    monday = today - timedelta(days=today.weekday())
    cells = load_cells(session, start=monday, weeks=WEEKS, today=today)
    who = people(session)[["id", "name", "team"]].rename(columns={"id": "person_id", "name": "person"})
    return cells.merge(who, on="person_id", how="left")[["person", "team", "week_label", "utilisation", "over"]]


BUDGETED = ("active", "approved", "on hold")


def _budgets(base: Session, scenario: Session, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EAC and VAC per budgeted project on each side. Earned value is the slow part, so a scenario project whose
    inputs (its row, tasks, budget lines, baseline, expenses and labour; the holidays) equal the base's reuses the
    base's figures: the same inputs give the same result."""
    da, db = budgets.load(base, today), budgets.load(scenario, today)
    changed = _changed_owners(da, db)
    done: dict[int, budgets.Evm] = {}
    frames = []
    for data, reuse in ((da, False), (db, True)):
        rows = []
        for p in data.projects.to_dict("records"):
            if p.get("status") not in BUDGETED:
                continue
            pid = int(p["id"])
            same = reuse and changed is not None and budgets.owner_key("project", pid) not in changed
            e = done[pid] if same and pid in done else budgets.evm_of(data, p)
            done.setdefault(pid, e)
            rows.append((p["name"], e.bac, e.metrics.get("EAC")))
        out = pd.DataFrame(rows, columns=["project", "bac", "eac"])
        out["eac"] = out["eac"].astype(float)
        out["vac"] = out["bac"] - out["eac"]
        frames.append(out)
    return frames[0], frames[1]


def _changed_owners(da: budgets.BudgetData, db: budgets.BudgetData) -> set[str] | None:
    """The project owner keys whose earned-value inputs differ between the two sides; None: assume all do."""
    try:
        if da.today != db.today or len(_differing(da.holidays, db.holidays)):
            return None
        changed: set[str] = set()
        for a, b in ((da.lines, db.lines), (da.expenses, db.expenses), (da.labour, db.labour)):
            changed |= set(_differing(a, b)["owner"])
        changed |= {budgets.owner_key("project", int(i))
                    for i in _differing(da.tasks, db.tasks)["project_id"]}
        rows_a = {int(r["id"]): repr(sorted(r.items())) for r in da.projects.to_dict("records")}
        rows_b = {int(r["id"]): repr(sorted(r.items())) for r in db.projects.to_dict("records")}
        changed |= {budgets.owner_key("project", i) for i in rows_a.keys() | rows_b.keys()
                    if rows_a.get(i) != rows_b.get(i)}
        changed |= {budgets.owner_key("project", i) for i in da.baselines.keys() | db.baselines.keys()
                    if repr(da.baselines.get(i)) != repr(db.baselines.get(i))}
    except (TypeError, KeyError, ValueError):  # unhashable or unexpected columns: recompute everything
        return None
    return changed


def _differing(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The rows found on only one side (all columns compared)."""
    if list(a.columns) != list(b.columns):
        raise ValueError("different columns")
    return pd.concat([a, b], ignore_index=True).drop_duplicates(keep=False)


def _goals(session: Session, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    view = goals.goals_view(session, today=today)
    tree = view.tree[["title", "status", "progress", "expected"]] if len(view.tree) else pd.DataFrame(
        columns=["title", "status", "progress", "expected"])
    ranked = initiatives.ranking(session, today=today).candidates
    fits = ranked[["name", "fits"]] if len(ranked) else pd.DataFrame(columns=["name", "fits"])
    return tree, fits


def _pair(base: pd.DataFrame, scenario: pd.DataFrame, on: str) -> pd.DataFrame:
    return base.merge(scenario, on=on, how="outer", suffixes=("_base", "_scenario"))


def compare(base: Session, scenario: Session, *, today: date, base_name: str = "Live",
            scenario_name: str = "Scenario") -> Comparison:
    """Run the same views on ``base`` and ``scenario`` and put them side by side (see the module docstring)."""
    out = Comparison(base_name, scenario_name, "")
    # projects
    pa, pb = _projects(base, today), _projects(scenario, today)
    projects = _pair(pa.drop(columns=["id"]), pb.drop(columns=["id"]), "project")
    projects["change"] = projects["slip_scenario"].astype(float) - projects["slip_base"].astype(float)
    moved = projects[[_differs(a, b) for a, b in zip(projects["finish_base"], projects["finish_scenario"],
                                                      strict=True)]]
    if len(moved):
        worst = moved.assign(size=moved["change"].abs().fillna(np.inf)).sort_values("size", ascending=False).iloc[0]
        change = worst["change"]
        finish = fmt.day(worst["finish_scenario"]) if pd.notna(worst["finish_scenario"]) else "no finish"
        verb = "project finishes" if len(moved) == 1 else "projects finish"
        out.projects_headline = (f"{worst['project']} {_days(change)} (forecast finish {finish}); "
                                 f"{len(moved)} {verb} on another date")
    else:
        out.projects_headline = "Every project finishes on the same date in both"
    out.projects = projects.sort_values(["change", "project"], ascending=[False, True], na_position="last")
    out.roadmap = pd.concat([pa.assign(side=base_name), pb.assign(side=scenario_name)], ignore_index=True)[
        ["project", "side", "start", "finish", "target", "health"]]
    # workload
    wa, wb = _over(base, today), _over(scenario, today)
    teams = _pair(wa.groupby("team", dropna=False)["over"].sum().rename("over").reset_index(),
                  wb.groupby("team", dropna=False)["over"].sum().rename("over").reset_index(), "team").fillna(0)
    teams["team"] = teams["team"].fillna("no team")
    teams["change"] = teams["over_scenario"] - teams["over_base"]
    out.workload = teams.sort_values("change")
    heat = _pair(wa[["person", "week_label", "utilisation"]], wb[["person", "week_label", "utilisation"]],
                 ["person", "week_label"])
    heat["change"] = (heat["utilisation_scenario"].fillna(0) - heat["utilisation_base"].fillna(0)) * 100
    changed = heat.groupby("person")["change"].transform(lambda c: c.abs().max()) > 0.5
    out.heat = heat[changed][["person", "week_label", "change", "utilisation_base", "utilisation_scenario"]]
    total_a, total_b = int(wa["over"].sum()), int(wb["over"].sum())
    if len(teams) and teams["change"].abs().max() > 0:
        t = teams.loc[teams["change"].abs().idxmax()]
        n = int(abs(t["change"]))
        out.workload_headline = (f"{t['team']} over capacity in {n} {'fewer' if t['change'] < 0 else 'more'} "
                                 f"person-week{'s' * (n != 1)}; {total_a} → {total_b} over-allocated person-weeks "
                                 f"in the next {WEEKS} weeks")
    else:
        out.workload_headline = f"Over-allocation unchanged: {total_a} person-weeks in the next {WEEKS} weeks"
    # budget
    ba, bb = _budgets(base, scenario, today)
    money = _pair(ba, bb, "project")
    money["change"] = money["eac_scenario"] - money["eac_base"]
    out.budget = money.sort_values("change", key=lambda c: c.abs(), ascending=False, na_position="last")
    delta = float(np.nansum(money["eac_scenario"])) - float(np.nansum(money["eac_base"]))
    if money["change"].abs().fillna(0).max() > 0.5:
        top = out.budget.iloc[0]
        out.budget_headline = (f"EAC {_signed_money(delta)} in total; largest: {top['project']} "
                               f"{_signed_money(top['change'])}")
    else:
        out.budget_headline = "Estimates at completion unchanged"
    # goals
    (ga, ca), (gb, cb) = _goals(base, today), _goals(scenario, today)
    out.goals = _pair(ga, gb, "title")
    out.candidates = _pair(ca, cb, "name")
    flipped = out.goals[out.goals["status_base"] != out.goals["status_scenario"]]
    fit_changed = out.candidates[out.candidates["fits_base"] != out.candidates["fits_scenario"]]
    parts = [f"'{r.title}' {r.status_base} → {r.status_scenario}" for r in flipped.head(2).itertuples()]
    parts += [f"{r.name} {'now fits' if r.fits_scenario is True else 'no longer fits'}"
              for r in fit_changed.head(2).itertuples()]
    out.goals_headline = "; ".join(parts) if parts else "Goal statuses and the capacity cut line unchanged"
    out.headline = "; ".join(h for h in (_first(out.projects_headline), _first(out.workload_headline),
                                         _budget_short(delta)) if h)
    return out


def _differs(a, b) -> bool:
    """Two forecast finishes differ (both missing — a project without a schedule on either side — is no change)."""
    if pd.isna(a) and pd.isna(b):
        return False
    return pd.isna(a) or pd.isna(b) or pd.Timestamp(a) != pd.Timestamp(b)


def _days(change: float) -> str:
    return "now has a finish date" if pd.isna(change) else f"{change:+.0f} d"


def _signed_money(value: float) -> str:
    return ("+" if value > 0 else "") + fmt.money(value)


def _first(headline: str) -> str:
    return headline.split(";")[0] if not headline.startswith(("Every", "Over-allocation unchanged")) else ""


def _budget_short(delta: float) -> str:
    return f"EAC {_signed_money(delta)}" if abs(delta) >= 0.5 else ""
