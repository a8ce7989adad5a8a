"""Schedule risk of a stored project, the read side: its tasks, links and calendar run through the Monte Carlo
engine (:mod:`worksmith.domain.montecarlo`), as the Risk tab, the Overview and the status report show it.

What is simulated, per project:

* every task of the project with its links inside the project, the 'not before' dates as working-day offsets from
  the project's start (or today without one), on the project's calendar (workspace + project holidays);
* a task that waits for another project's task is pinned to its scheduled start (the other project is not
  simulated, as in the float of :func:`worksmith.views.plans.schedule_frames`);
* a task 100 % done is fixed (its duration is history); every other task with a three-point estimate
  (``duration_min_days ≤ duration_days ≤ duration_max_days``) is uncertain, the rest fixed;
* the **Estimate uncertainty** helper (``assume_low`` / ``assume_high`` percentages, −20 % / +50 % by default) gives
  every not-done task of one day or more *without* an estimate the assumed range
  ``min = round(d × (1 − low %))``, ``max = round(d × (1 + high %))`` (rounded half up to whole days). It is applied
  here, in the read, and never saved: the page labels the forecast as using assumed ranges.

A finish offset F (the maximum early finish of a run) reads as the date of working day F − 1, like a task's finish;
when the plan ends on a milestone (a 0-day task finishing last in the deterministic schedule) as working day F, the
milestone's date. So the deterministic date equals the stored forecast finish. The chance of making the target =
the share of runs whose finish date is on or before the project's target end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import Estimate, RiskResult, simulate
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.plans import calendar_for
from worksmith.views.tables import frame

DEFAULT_RUNS = 2_000
OVERVIEW_RUNS = 500
RUN_CHOICES = (500, 1_000, 2_000, 5_000, 10_000)
SEED = 7  # fixed: the same plan gives the same forecast on every rerun and replica
ASSUME_LOW, ASSUME_HIGH = 20, 50  # the helper's default assumed range: −20 % / +50 %
DRIVERS = 5
CHART_TASKS = 20


def short_day(value: date | None) -> str:
    """'18 Feb' (the headline's and the axes' date)."""
    return fmt.DASH if value is None else f"{value.day} {value:%b}"


def tile_day(value: date | None) -> str:
    """'Thu 24 Dec' (a metric tile's date, as the project's Forecast finish tile)."""
    return fmt.DASH if value is None else f"{value:%a} {value.day} {value:%b}"


def assumed_range(duration: int, low_pct: float, high_pct: float) -> tuple[int, int]:
    """The helper's range of a duration ``d``: (round(d × (1 − low %)), round(d × (1 + high %))), half up (pure)."""
    low = int(np.floor(duration * (1 - low_pct / 100) + 0.5))
    high = int(np.floor(duration * (1 + high_pct / 100) + 0.5))
    return max(0, min(low, duration)), max(high, duration)


@dataclass
class Inputs:
    """One project's simulation inputs, read from the store."""

    project: dict[str, Any]  # id, name, start, target_end
    start: date
    calendar: WorkCalendar
    tasks: pd.DataFrame  # [id, ref, name, duration_days, low, high, assumed, done]
    specs: list[TaskSpec]
    deps: list[Dep]

    def estimates(self) -> dict[int, Estimate]:
        t = self.tasks[self.tasks["low"].notna() & ~self.tasks["done"]]
        return {int(i): Estimate(int(lo), int(hi)) for i, lo, hi in zip(t["id"], t["low"], t["high"], strict=True)}


def _inputs(project: dict[str, Any], tasks: list[dict[str, Any]], deps: list[tuple[int, int, str, int]],
            holidays: list[tuple[date, int | None]], *, today: date, assume: tuple[float, float] | None) -> Inputs:
    """Build :class:`Inputs` from rows (tasks: the project's; deps: (pred, succ, type, lag) of every link touching
    them; holidays: (day, project id or None))."""
    pid = project["id"]
    cal = calendar_for(day for day, owner in holidays if owner is None or owner == pid)
    start = project["start"] if isinstance(project["start"], date) else today
    own = {t["id"] for t in tasks}
    links = [Dep(int(p), int(s), t, int(lag)) for p, s, t, lag in deps if p in own and s in own]
    external = {s for p, s, _t, _lag in deps if s in own and p not in own}
    specs, rows = [], []
    for t in tasks:
        snet, first, dur = t["start_no_earlier_than"], t["start_date"], int(t["duration_days"])
        offset = cal.offset_of(snet, start) if isinstance(snet, date) else None
        if t["id"] in external and isinstance(first, date):  # driven by another project: pinned where scheduled
            offset = max(offset or 0, cal.offset_of(first, start))
        specs.append(TaskSpec(int(t["id"]), dur, offset, t["name"]))
        done = float(t["percent_complete"] or 0) >= 100
        low, high, assumed = t["duration_min_days"], t["duration_max_days"], False
        if low is None and assume is not None and not done and dur > 0:
            (low, high), assumed = assumed_range(dur, *assume), True
        rows.append((int(t["id"]), t["ref"], t["name"], dur, low, high, assumed, done))
    table = pd.DataFrame(rows, columns=["id", "ref", "name", "duration_days", "low", "high", "assumed", "done"])
    table["assumed"], table["done"] = table["assumed"].astype(bool), table["done"].astype(bool)
    for col in ("low", "high"):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    return Inputs({"id": pid, "name": project["name"], "start": project["start"], "target_end":
                   project["target_end"]}, start, cal, table, specs, links)


@dataclass
class Read:
    """What :func:`_read` loads: projects, their tasks (by project), links touching them, holidays."""

    projects: list[dict[str, Any]]
    tasks: dict[int, list[dict[str, Any]]]
    deps: dict[int, list[tuple[int, int, str, int]]]  # by project of either end
    holidays: list[tuple[date, int | None]]


def _read(session: Session, project_ids: list[int]) -> Read:
    """Projects [id, name, start, target_end, status], their tasks, every link touching them, the holidays."""
    conn = session.connection()
    p, t, d, h = (x.__table__ for x in (m.Project, m.Task, m.Dependency, m.Holiday))
    projects = [dict(r._mapping) for r in conn.execute(
        select(p.c.id, p.c.name, p.c.start, p.c.target_end, p.c.status).where(p.c.id.in_(project_ids)))]
    cols = ["id", "project_id", "ref", "name", "duration_days", "duration_min_days", "duration_max_days",
            "percent_complete", "start_no_earlier_than", "start_date"]
    tasks: dict[int, list[dict[str, Any]]] = {}
    project_of: dict[int, int] = {}
    for r in conn.execute(select(*(t.c[c] for c in cols)).where(t.c.project_id.in_(project_ids))
                          .order_by(t.c.position, t.c.ref)):
        row = dict(r._mapping)
        tasks.setdefault(row["project_id"], []).append(row)
        project_of[row["id"]] = row["project_id"]
    ids = select(t.c.id).where(t.c.project_id.in_(project_ids)).scalar_subquery()
    deps: dict[int, list[tuple[int, int, str, int]]] = {}
    for pred, succ, typ, lag in conn.execute(select(d.c.pred_id, d.c.succ_id, d.c.type, d.c.lag_days)
                                             .where(d.c.succ_id.in_(ids) | d.c.pred_id.in_(ids))):
        for owner in {project_of.get(pred), project_of.get(succ)} - {None}:
            deps.setdefault(owner, []).append((pred, succ, typ, lag))
    holidays = [(day, owner) for day, owner in conn.execute(select(h.c.day, h.c.project_id))]
    return Read(projects, tasks, deps, holidays)


class Dates:
    """Finish offsets -> dates (see the module docstring): working day F − 1, or F when the plan ends on a
    milestone."""

    def __init__(self, inputs: Inputs):
        self.start, self.calendar = inputs.start, inputs.calendar
        self.shift = 0
        if inputs.specs:
            base = compute_schedule(inputs.specs, inputs.deps)
            last = [r for r in base.tasks.values() if r.ef == base.project_finish]
            self.shift = int(any(r.es == r.ef for r in last))
        self._memo: dict[int, date] = {}

    def __call__(self, offset: int) -> date:
        offset = int(offset)
        if offset not in self._memo:
            self._memo[offset] = self.calendar.date_of(max(0, offset - 1 + self.shift), self.start)
        return self._memo[offset]


def _simulate(inputs: Inputs, runs: int, seed: int) -> RiskResult:
    return simulate(inputs.specs, inputs.deps, inputs.estimates(), runs=runs, seed=seed)


@dataclass
class RiskView:
    """What the Risk tab shows (``empty``: the project has no tasks)."""

    project: str
    runs: int
    empty: bool = False
    headline: str = ""
    metrics: list[Metric] = field(default_factory=list)
    target: date | None = None
    deterministic: date | None = None
    p50: date | None = None
    p80: date | None = None
    p95: date | None = None
    probability: float | None = None
    uncertain: int = 0  # tasks simulated with a range (own estimate or assumed)
    assumed: int = 0  # of which with the helper's assumed range
    histogram: pd.DataFrame = field(default_factory=pd.DataFrame)  # [finish, runs, share, cumulative]
    markers: pd.DataFrame = field(default_factory=pd.DataFrame)  # [label, day] P50/P80/P95/Target
    tasks: pd.DataFrame = field(default_factory=pd.DataFrame)
    drivers: list[str] = field(default_factory=list)
    criticality_title: str = ""
    histogram_title: str = ""
    curve_title: str = ""


def headline(p80: date | None, probability: float | None, target: date | None) -> str:
    """'P80 finish 18 Feb — 34 % chance of making the 1 Feb target' (pure)."""
    text = f"P80 finish {short_day(p80)}"
    if target is None or probability is None:
        return text + " — no target date set (Details tab)"
    return text + f" — {chance(probability)} chance of making the {short_day(target)} target"


def chance(probability: float | None) -> str:
    """'34 %'; a chance that rounds to 0 % or 100 % but is not says so: '< 1 %', '> 99 %' (pure)."""
    if probability is None:
        return fmt.DASH
    if 0 < probability < 0.005:
        return "< 1 %"
    if 0.995 <= probability < 1:
        return "> 99 %"
    return fmt.percent(probability)


def risk_view(session: Session, *, project_id: int, today: date, runs: int = DEFAULT_RUNS, seed: int = SEED,
              assume_low: float | None = None, assume_high: float | None = None) -> RiskView:
    """The Risk tab of a project: the forecast of :func:`~worksmith.domain.montecarlo.simulate` over ``runs`` runs.
    With ``assume_low`` and ``assume_high`` (percent), tasks without an estimate get the assumed range."""
    read = _read(session, [project_id])
    if not read.projects:
        return RiskView("", runs, empty=True)
    project = read.projects[0]
    target = project["target_end"] if isinstance(project["target_end"], date) else None
    if not read.tasks.get(project_id):
        return RiskView(project["name"], runs, empty=True, target=target)
    assume = (float(assume_low), float(assume_high)) if assume_low is not None and assume_high is not None else None
    inputs = _inputs(project, read.tasks[project_id], read.deps.get(project_id, []), read.holidays, today=today,
                     assume=assume)
    result = _simulate(inputs, runs, seed)
    dates = Dates(inputs)
    offsets, counts = np.unique(result.finishes, return_counts=True)
    finish_days = [dates(o) for o in offsets]
    hist = pd.DataFrame({"finish": pd.to_datetime(finish_days), "runs": counts.astype(int)})
    hist = hist.groupby("finish", as_index=False)["runs"].sum()
    hist["share"] = hist["runs"] / runs
    hist["cumulative"] = hist["runs"].cumsum() / runs
    det, p50, p80, p95 = (dates(result.deterministic_finish), *(dates(result.percentile(p)) for p in (50, 80, 95)))
    probability = float(hist.loc[hist["finish"] <= pd.Timestamp(target), "runs"].sum() / runs) if target else None
    markers = pd.DataFrame([("P50", p50), ("P80", p80), ("P95", p95)] + ([("Target", target)] if target else []),
                           columns=["label", "day"])
    markers["day"] = pd.to_datetime(markers["day"])
    table = inputs.tasks.assign(
        criticality=result.criticality, on_critical_path=result.deterministic_critical,
        finish_p50=[dates(v) for v in result.task_p50], finish_p80=[dates(v) for v in result.task_p80])
    table["uncertain"] = table["low"].notna() & ~table["done"] & (table["low"] != table["high"])
    table = table.sort_values(["criticality", "duration_days"], ascending=[False, False], kind="stable")
    uncertain, assumed = int(table["uncertain"].sum()), int((table["uncertain"] & table["assumed"]).sum())
    late_by = inputs.calendar.working_days_between(det, p80) if p80 and det else 0
    metrics = [
        Metric("P80 finish", tile_day(p80), f"{late_by:+d} working days vs plan" if late_by else "same as the plan",
               "inverse" if late_by > 0 else "off",
               help=f"80 % of {runs:,} simulated runs finish on or before this date."),
        Metric("Chance of making the target", chance(probability),
               f"target {fmt.day(target)}" if target else "no target date", "off", delta_arrow="off",
               help="The share of runs whose finish is on or before the target end."),
        Metric("Forecast finish (plan)", tile_day(det), "critical path, most likely durations", "off",
               delta_arrow="off", help="The deterministic schedule: every task at its most likely duration."),
        Metric("P50 · P95", f"{short_day(p50)} · {short_day(p95)}", "half of the runs · 95 % of the runs", "off",
               delta_arrow="off", help="The finish dates that 50 % and 95 % of the runs make."),
        Metric("Uncertain tasks", f"{uncertain} of {len(table)}",
               f"{assumed} with an assumed range" if assumed else "all from the plan's estimates", "off",
               delta_arrow="off", help="Tasks with a three-point estimate (min ≤ days ≤ max) that are not done."),
    ]
    ranked = table[table["criticality"] > 0]
    levers = ranked[ranked["uncertain"]] if ranked["uncertain"].any() else ranked[ranked["duration_days"] > 0]
    drivers = [f"#{r.ref} {r.name} — on the critical path in {fmt.percent(r.criticality)} of runs; "
               + (f"{int(r.low)}–{int(r.high)} days (most likely {r.duration_days})"
                  + (" · assumed range" if r.assumed else "") if r.uncertain else f"fixed {r.duration_days} days")
               for r in levers.head(DRIVERS).itertuples()]
    n_high = int((table["criticality"] >= 0.95).sum())
    view = RiskView(project["name"], runs, headline=headline(p80, probability, target), metrics=metrics,
                    target=target, deterministic=det, p50=p50, p80=p80, p95=p95, probability=probability,
                    uncertain=uncertain, assumed=assumed, histogram=hist, markers=markers,
                    tasks=table.reset_index(drop=True), drivers=drivers)
    view.histogram_title = (f"{runs:,} simulated finishes: half by {short_day(p50)}, 80 % by {short_day(p80)}, "
                            f"95 % by {short_day(p95)}")
    view.curve_title = (f"{chance(probability)} chance of finishing by the {short_day(target)} target"
                        if target else "Chance of finishing by each date")
    view.criticality_title = (f"{len(ranked)} of {len(table)} tasks can drive the finish; {n_high} are critical in "
                              "95 % of runs or more" if len(ranked) else "No task is ever critical")
    return view


def p80_finishes(session: Session, *, project_ids: list[int], today: date, runs: int = OVERVIEW_RUNS,
                 seed: int = SEED) -> dict[int, date | None]:
    """Project id -> P80 finish date from the projects' own three-point estimates (None: no task has one, or no
    tasks) — the Overview's and the status report's 'P80 finish'."""
    if not project_ids:
        return {}
    read = _read(session, list(project_ids))
    out: dict[int, date | None] = {}
    for project in read.projects:
        own = read.tasks.get(project["id"], [])
        if all(t["duration_min_days"] is None for t in own):
            out[int(project["id"])] = None
            continue
        inputs = _inputs(project, own, read.deps.get(project["id"], []), read.holidays, today=today, assume=None)
        out[int(project["id"])] = Dates(inputs)(_simulate(inputs, runs, seed).percentile(80))
    return out


def own_estimates(session: Session, *, project_id: int) -> int:
    """How many of the project's tasks carry a three-point estimate (the helper is on by default without any)."""
    return len(frame(session, m.Task, m.Task.project_id == project_id, m.Task.duration_min_days.is_not(None)))


def project_p80(session: Session, *, project_id: int, today: date) -> tuple[date | None, float | None]:
    """(P80 finish, chance of making the target) of one project from its own estimates, over
    :data:`DEFAULT_RUNS` runs; (None, None) without estimates (the status report)."""
    if not own_estimates(session, project_id=project_id):
        return None, None
    view = risk_view(session, project_id=project_id, today=today)
    return view.p80, view.probability
