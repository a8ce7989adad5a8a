"""Projects: the portfolio table, one project's view, project commands, baselines, status updates, close-out.

Reads return DataFrames or small dataclasses ready to render; commands validate, write through
:mod:`worksmith.services.core` (audit log, optimistic locking) and reschedule with
:func:`worksmith.services.plans.reschedule` when dates can move. Health (RAG) comes from
:mod:`worksmith.portfolio` — schedule slip, cost against plan to date and overdue tasks — with its reasons.

Baseline variance (shown per task and for the project) is in working days of the project's calendar:
``variance = working days from the baseline finish to the current finish`` — positive = late, negative = early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import charts, fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain.schedule import WorkCalendar
from worksmith.errors import ValidationError
from worksmith.services.plans import calendar_for, reschedule
from worksmith.services.portfolio import portfolio
from worksmith.store import models as m
from worksmith.views.tables import frame
from worksmith.views.workspace import settings

RAG_OF_HEALTH = {"on track": "green", "at risk": "amber", "off track": "red"}
HEALTH_OF_RAG = {v: k for k, v in RAG_OF_HEALTH.items()}
PROJECT_FIELDS = ("name", "description", "goal_id", "team_id", "manager_id", "status", "priority", "start",
                  "target_end", "budget", "expected_benefit")


@dataclass(frozen=True)
class Tile:
    """One st.metric tile."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None

    @property
    def arrow(self) -> str:
        """Descriptive deltas ('of 12 tasks') get no arrow."""
        return "off" if self.delta_color == "off" else "auto"


def lookup(keys, mapping, default: str = "") -> list:
    """``mapping[k]`` per key (dict or Series), ``default`` for a missing or empty key: text columns stay text."""
    return [mapping.get(k, default) if k is not None and not pd.isna(k) else default for k in keys]


def sentence(parts: list[str]) -> str:
    """['forecast late', 'over budget'] -> 'Forecast late; over budget.'"""
    text = "; ".join(parts)
    return (text[:1].upper() + text[1:] + ".") if text else ""


def health_label(health: str) -> str:
    """'at risk' -> '🟡 at risk' (never colour alone)."""
    return f"{charts.STATUS_ICONS.get(health, '')} {health}".strip()


def _days_delta(n: int | float | None, what: str) -> str | None:
    if n is None or pd.isna(n):
        return f"no {what}"
    n = int(n)
    if n == 0:
        return f"on {what}"
    return f"{n:+d} working days vs {what}"


# --------------------------------------------------------------------------------------------- portfolio
@dataclass
class PortfolioView:
    empty: bool
    tiles: list[Tile] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    teams: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


PORTFOLIO_COLUMNS = ["project", "health", "status", "percent_complete", "finish", "vs_target", "budget_used",
                     "reasons", "goal", "team", "manager"]


def portfolio_view(session: Session, *, today: date) -> PortfolioView:
    """Every project with its health and reasons, plus the portfolio tiles."""
    health = portfolio(session, today=today)
    if health.empty:
        return PortfolioView(empty=True)
    currency = settings(session)["currency"]
    active = health[health["status"] == "active"]
    off, risky = (active["health"] == "off track").sum(), (active["health"] == "at risk").sum()
    budget, spent = active["budget"].astype(float).sum(), active["spent"].astype(float).sum()
    miles = frame(session, m.Task, m.Task.duration_days == 0)
    miles = miles[miles["project_id"].isin(active["id"]) & miles["start_date"].notna()
                  & (miles["percent_complete"] < 100)]
    soon = miles[[today <= d <= today + pd.Timedelta(days=30) for d in miles["start_date"]]]
    late = miles[[d < today for d in miles["start_date"]]]
    tiles = [
        Tile("Active projects", f"{len(active)}", f"{int((health['status'] == 'proposed').sum())} proposed", "off",
             help="Projects with status active."),
        Tile("Off track", f"{off}", f"{risky} more at risk", "off",
             help="Health = the worst of: schedule slip against the target end (> 5 working days off track), "
                  "spend against plan to date (> 15 % off track, > 5 % at risk), unfinished tasks past their "
                  "finish (at risk)."),
        Tile("Milestones next 30 days", f"{len(soon)}", f"{len(late)} overdue" if len(late) else "none overdue",
             "inverse" if len(late) else "off", help="Unfinished zero-day tasks of active projects."),
        Tile("Budget used (active)", fmt.percent(spent / budget) if budget else fmt.DASH,
             f"{fmt.money(spent, currency)} of {fmt.money(budget, currency)}", "off",
             help="Expenses plus booked hours × cost rate, against the active projects' budgets (BAC)."),
    ]
    table = pd.DataFrame({
        "id": health["id"],
        "project": health["name"],
        "status": health["status"],
        "status_key": health["status"],
        "health": [health_label(h) for h in health["health"]],
        "health_key": health["health"],
        "percent_complete": (health["percent_complete"].astype(float).fillna(0.0) * 100).round(),
        "finish": [fmt.day(d) for d in health["forecast_finish"]],
        "vs_target": [fmt.days(s) for s in health["slip_days"]],
        "budget_used": (health["budget_used"].astype(float) * 100).round(),
        "goal": health["goal"].fillna(fmt.DASH),
        "team": health["team"].fillna(fmt.DASH),
        "manager": health["manager"].fillna(fmt.DASH),
        "reasons": ["; ".join(r) for r in health["reasons"]],
        "priority": health["priority"],
    })
    order = {"off track": 0, "at risk": 1, "on track": 2, "not started": 3, "done": 4}
    table = table.sort_values(["health_key", "priority"], key=lambda s: s.map(order) if s.name == "health_key"
                              else s, kind="stable").reset_index(drop=True)
    return PortfolioView(False, tiles, table, sorted(set(health["team"].dropna())),
                         sorted(set(health["goal"].dropna())))


def filter_portfolio(table: pd.DataFrame, *, statuses: list[str] | None = None, healths: list[str] | None = None,
                     team: str | None = None, goal: str | None = None, text: str = "") -> pd.DataFrame:
    """Rows matching every given filter (an empty filter keeps everything); ``text`` searches name and reasons."""
    keep = pd.Series(True, index=table.index)
    if statuses:
        keep &= table["status_key"].isin(statuses)
    if healths:
        keep &= table["health_key"].isin(healths)
    if team:
        keep &= table["team"] == team
    if goal:
        keep &= table["goal"] == goal
    if text and text.strip():
        needle = text.strip().lower()
        keep &= (table["project"].str.lower().str.contains(needle, regex=False)
                 | table["reasons"].str.lower().str.contains(needle, regex=False))
    return table[keep]


def project_names(session: Session) -> pd.DataFrame:
    """[id, name, status] of every project, by name."""
    return frame(session, m.Project, order_by=[m.Project.name])[["id", "name", "status"]]


def choices(session: Session) -> dict[str, dict[int, str]]:
    """Id -> label for the pickers: people (active), teams, goals, templates, projects."""
    people = frame(session, m.Person, m.Person.active.is_(True), order_by=[m.Person.name])
    return {
        "people": dict(zip(people["id"], people["name"], strict=True)),
        "teams": dict(frame(session, m.Team, order_by=[m.Team.name])[["id", "name"]].itertuples(index=False)),
        "goals": dict(frame(session, m.Goal, order_by=[m.Goal.title])[["id", "title"]].itertuples(index=False)),
        "templates": dict(frame(session, m.Template, order_by=[m.Template.name])[["id", "name"]]
                          .itertuples(index=False)),
        "projects": dict(frame(session, m.Project, order_by=[m.Project.name])[["id", "name"]]
                         .itertuples(index=False)),
    }


# --------------------------------------------------------------------------------------------- one project
def project_calendar(session: Session, project_id: int) -> WorkCalendar:
    h = frame(session, m.Holiday)
    days = h.loc[h["project_id"].isna() | (h["project_id"] == project_id), "day"] if len(h) else []
    return calendar_for(days)


def latest_baseline(session: Session, project_id: int) -> m.Baseline | None:
    return session.exec(select(m.Baseline).where(m.Baseline.project_id == project_id)
                        .order_by(m.Baseline.taken_at.desc(), m.Baseline.id.desc())).scalars().first()


def baseline_variance(tasks: pd.DataFrame, snapshot: dict[str, Any], calendar: WorkCalendar) -> pd.DataFrame:
    """Per task: baseline start/finish and the finish variance in working days (+ late, − early).

    ``tasks``: [id, start_date, finish_date]; ``snapshot``: task id (as text) -> {start, finish, ...} (ISO dates).
    A task added after the baseline has no variance (None). Hand check: baseline finish Fri 6 Mar, current
    finish Tue 10 Mar -> +2 (Mon 9 and Tue 10 are the working days gained... i.e. counted from the day after).
    """
    rows = []
    for tid, finish in zip(tasks["id"], tasks["finish_date"], strict=True):
        snap = snapshot.get(str(int(tid)))
        if not snap or pd.isna(finish) or not snap.get("finish"):
            rows.append((tid, None, None, None))
            continue
        b_start, b_finish = date.fromisoformat(snap["start"]), date.fromisoformat(snap["finish"])
        rows.append((tid, b_start, b_finish, calendar.working_days_between(b_finish, finish)))
    out = pd.DataFrame(rows, columns=["id", "baseline_start", "baseline_finish", "finish_variance"])
    out["finish_variance"] = out["finish_variance"].astype("Int64")
    return out


def project_finish_variance(tasks: pd.DataFrame, snapshot: dict[str, Any], calendar: WorkCalendar) -> int | None:
    """Working days from the baseline's last finish to the current last finish (+ late, − early)."""
    finishes = [date.fromisoformat(v["finish"]) for v in snapshot.values() if v.get("finish")]
    current = tasks["finish_date"].dropna()
    if not finishes or current.empty:
        return None
    return calendar.working_days_between(max(finishes), max(current))


@dataclass
class ProjectDetail:
    project: dict[str, Any]
    health: str
    reasons: list[str]
    tiles: list[Tile]
    tasks: pd.DataFrame
    deps: pd.DataFrame
    links: pd.DataFrame
    baseline: dict[str, Any] | None
    finish_variance: int | None
    gantt_title: str
    lessons: pd.DataFrame


TASK_COLUMNS = ["id", "version", "ref", "name", "phase", "phase_position", "assignee", "assignee_id",
                "duration_days", "predecessors", "estimate_hours", "percent_complete", "status",
                "start_no_earlier_than", "start_date", "finish_date", "total_float", "critical", "position",
                "baseline_start", "baseline_finish", "finish_variance", "waits_for"]


def project_detail(session: Session, *, project_id: int, today: date) -> ProjectDetail:
    """Everything the project tabs show (a refused id raises NotFoundError)."""
    from worksmith.exchange.planfile import Link, format_predecessors

    project = core.get(session, m.Project, project_id)
    currency = settings(session)["currency"]
    health_all = portfolio(session, today=today)
    row = health_all[health_all["id"] == project_id].iloc[0]
    tasks = frame(session, m.Task, m.Task.project_id == project_id, order_by=[m.Task.position, m.Task.ref])
    phases = frame(session, m.Phase, m.Phase.project_id == project_id).set_index("id")
    people = frame(session, m.Person).set_index("id")["name"]
    all_tasks = frame(session, m.Task)[["id", "project_id", "ref", "name", "start_date", "finish_date"]]
    names = frame(session, m.Project).set_index("id")["name"]
    d = m.Dependency
    ids = tasks["id"].tolist()
    deps = frame(session, d, (d.succ_id.in_(ids)) | (d.pred_id.in_(ids))) if ids else frame(session, d, d.id < 0)
    own = set(ids)
    inner = deps[deps["pred_id"].isin(own) & deps["succ_id"].isin(own)]
    ref_of = dict(zip(tasks["id"], tasks["ref"], strict=True))
    preds = {tid: format_predecessors([Link(int(ref_of[p]), t, int(lag)) for p, t, lag in
                                       zip(g["pred_id"], g["type"], g["lag_days"], strict=True)])
             for tid, g in inner.sort_values("id").groupby("succ_id")}
    links = cross_links(deps[~(deps["pred_id"].isin(own) & deps["succ_id"].isin(own))], all_tasks, names, own)
    waits = links[links["direction"] == "waits for"].groupby("task_id")["text"].apply("; ".join)
    out = tasks.assign(
        phase=lookup(tasks["phase_id"], phases["name"], "(no phase)"),
        phase_position=tasks["phase_id"].map(phases["position"]).fillna(-1).astype(int),
        assignee=lookup(tasks["assignee_id"], people),
        predecessors=lookup(tasks["id"], preds),
        waits_for=lookup(tasks["id"], waits),
    )
    cal = project_calendar(session, project_id)
    base = latest_baseline(session, project_id)
    if base is not None:
        out = out.merge(baseline_variance(out, base.snapshot, cal), on="id", how="left")
        variance = project_finish_variance(out, base.snapshot, cal)
        baseline = {"name": base.name, "taken_at": base.taken_at, "budget": base.budget,
                    "finish": max((v["finish"] for v in base.snapshot.values()), default=None)}
    else:
        out = out.assign(baseline_start=None, baseline_finish=None, finish_variance=pd.array([None] * len(out),
                                                                                          dtype="Int64"))
        variance, baseline = None, None
    out = out.sort_values(["phase_position", "position", "ref"], kind="stable").reset_index(drop=True)[TASK_COLUMNS]
    critical = int(out["critical"].sum())
    finish = row["forecast_finish"]
    tiles = [
        Tile("Forecast finish", f"{finish:%a %d %b}" if pd.notna(finish) else fmt.DASH,
             _days_delta(row["slip_days"], "target"), "inverse" if row["slip_days"] else "off",
             help="The latest scheduled task finish (critical path method); delta in working days against the "
                  "target end."),
        Tile("Complete", fmt.percent(row["percent_complete"]), f"{int((out['percent_complete'] >= 100).sum())} of "
             f"{len(out)} tasks done", "off", help="Σ estimate × % complete / Σ estimate."),
        Tile("Critical tasks", f"{critical}", f"{int((out['total_float'].fillna(99) <= 3).sum()) - critical} "
             "more within 3 days of float", "off", help="Tasks with no total float: any delay moves the finish."),
        Tile("Vs baseline", fmt.days(variance) if variance is not None else fmt.DASH,
             f"{baseline['name']}" if baseline else "no baseline yet", "off",
             help="Working days from the baseline's finish to the forecast finish (+ late, − early)."),
        Tile("Budget used", fmt.percent(row["budget_used"]) if pd.notna(row["budget_used"]) else fmt.DASH,
             f"{fmt.money(row['spent'], currency)} of {fmt.money(project.budget, currency)}", "off",
             help="Expenses plus booked hours × cost rate against the budget (BAC)."),
    ]
    title = _gantt_title(out, finish, variance)
    return ProjectDetail(core.snapshot(project) | {"start": project.start, "target_end": project.target_end,
                                                   "closed_on": project.closed_on},
                         row["health"], list(row["reasons"]), tiles, out,
                         inner[["id", "pred_id", "succ_id", "type", "lag_days"]].reset_index(drop=True), links,
                         baseline, variance, title, lessons(session, exclude_project_id=project_id))


def _gantt_title(tasks: pd.DataFrame, finish, variance: int | None) -> str:
    if tasks.empty or pd.isna(finish):
        return "No tasks scheduled yet"
    crit = int(tasks["critical"].sum())
    text = f"Finishes {fmt.day(finish)}; {crit} of {len(tasks)} tasks on the critical path"
    if variance:
        text += f"; {abs(variance)} working days {'later' if variance > 0 else 'earlier'} than the baseline"
    elif variance == 0:
        text += "; on baseline"
    return text


def cross_links(deps: pd.DataFrame, all_tasks: pd.DataFrame, project_names: pd.Series, own: set[int]) -> pd.DataFrame:
    """Links between this project's tasks (``own``) and other projects', described both ways.

    Returns [dep_id, direction ('waits for' | 'drives'), task_id, task, other_project, other_task, type, lag_days,
    text] — e.g. "waits for Website relaunch · #12 Site live (FS+2d)".
    """
    from worksmith.exchange.planfile import Link, format_predecessors

    by_id = all_tasks.set_index("id")
    rows = []
    for dep in deps.itertuples():
        mine_is_succ = dep.succ_id in own
        mine, other = (dep.succ_id, dep.pred_id) if mine_is_succ else (dep.pred_id, dep.succ_id)
        if other not in by_id.index or mine not in by_id.index:
            continue
        o = by_id.loc[other]
        notation = format_predecessors([Link(0, dep.type, int(dep.lag_days))]).removeprefix("0") or "FS"
        label = f"{project_names.get(o['project_id'], '?')} · #{o['ref']} {o['name']}"
        direction = "waits for" if mine_is_succ else "drives"
        rows.append((dep.id, direction, mine, by_id.loc[mine, "name"], project_names.get(o["project_id"], "?"),
                     f"#{o['ref']} {o['name']}", dep.type, int(dep.lag_days), f"{direction} {label} ({notation})"))
    return pd.DataFrame(rows, columns=["dep_id", "direction", "task_id", "task", "other_project", "other_task",
                                       "type", "lag_days", "text"])


def lessons(session: Session, *, exclude_project_id: int | None = None) -> pd.DataFrame:
    """Lessons learned of closed projects: [id, project, closed_on, lessons, phases, skills]."""
    done = frame(session, m.Project, m.Project.lessons_learned != "")
    if exclude_project_id is not None:
        done = done[done["id"] != exclude_project_id]
    done = done[done["status"].isin(["done", "cancelled"])]
    phases = frame(session, m.Phase).groupby("project_id")["name"].apply(lambda s: sorted(set(s)))
    tasks = frame(session, m.Task)
    skills = tasks[tasks["required_skill"] != ""].groupby("project_id")["required_skill"].apply(
        lambda s: sorted(set(s)))
    return pd.DataFrame({"id": done["id"], "project": done["name"], "closed_on": done["closed_on"],
                         "lessons": done["lessons_learned"],
                         "phases": done["id"].map(phases).apply(lambda v: v if isinstance(v, list) else []),
                         "skills": done["id"].map(skills).apply(lambda v: v if isinstance(v, list) else [])}
                        ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- commands
def _check_name(session: Session, name: str, project_id: int | None = None) -> None:
    clean = (name or "").strip()
    if not clean:
        raise ValidationError("Project not saved — name: give the project a name.", field="name")
    clash = session.exec(select(m.Project.id).where(m.Project.name == clean)).scalars().first()
    if clash is not None and clash != project_id:
        raise ValidationError(f"Project not saved — a project called '{clean}' already exists; choose another "
                              "name (names are what links and reports use).", field="name")


def create_project(session: Session, *, data: dict[str, Any], actor: Actor) -> int:
    """Create a project from the fields of ``ProjectCreate``; the name must be unique. Returns its id."""
    values = {k: v for k, v in data.items() if k in PROJECT_FIELDS}
    _check_name(session, values.get("name", ""))
    values["name"] = values["name"].strip()
    return core.create(session, m.Project, values, actor=actor).id


def update_project(session: Session, *, project_id: int, changes: dict[str, Any], expected_version: int,
                   actor: Actor, today: date) -> m.Project:
    """Edit a project's details; a new start date reschedules its plan."""
    changes = {k: v for k, v in changes.items() if k in PROJECT_FIELDS}
    if "name" in changes:
        _check_name(session, changes["name"], project_id)
        changes["name"] = changes["name"].strip()
    before_start = core.get(session, m.Project, project_id).start
    row = core.update(session, m.Project, project_id, changes, expected_version=expected_version, actor=actor)
    if row.start != before_start:
        reschedule(session, today=today)
    return row


def close_project(session: Session, *, project_id: int, final_review: str, lessons_learned: str,
                  expected_version: int, actor: Actor, today: date) -> m.Project:
    """Close a project: status done, closed today, with its final review and lessons learned (both required)."""
    problems = [label for label, text in (("final review", final_review), ("lessons learned", lessons_learned))
                if not (text or "").strip()]
    if problems:
        raise ValidationError(f"Project not closed — write the {' and the '.join(problems)} first: they are what the "
                              "next project learns from.", field=problems[0].replace(" ", "_"))
    return core.update(session, m.Project, project_id,
                       {"status": "done", "closed_on": today, "final_review": final_review.strip(),
                        "lessons_learned": lessons_learned.strip()},
                       expected_version=expected_version, actor=actor)


def save_close_out(session: Session, *, project_id: int, final_review: str, lessons_learned: str,
                   expected_version: int, actor: Actor) -> m.Project:
    """Edit the review and lessons of a project without closing it (or after it closed)."""
    return core.update(session, m.Project, project_id,
                       {"final_review": final_review.strip(), "lessons_learned": lessons_learned.strip()},
                       expected_version=expected_version, actor=actor)


def save_baseline(session: Session, *, project_id: int, name: str, actor: Actor) -> int:
    """Snapshot every task's scheduled dates, duration and estimate plus the project budget as a baseline."""
    project = core.get(session, m.Project, project_id)
    clean = (name or "").strip()
    if not clean:
        raise ValidationError("Baseline not saved — give it a name, e.g. 'Approved plan'.", field="name")
    tasks = frame(session, m.Task, m.Task.project_id == project_id)
    if tasks.empty or tasks["start_date"].isna().all():
        raise ValidationError(f"Baseline not saved — '{project.name}' has no scheduled tasks yet; add tasks on the "
                              "Plan tab first.", field="project_id")
    snapshot = {str(int(r.id)): {"start": r.start_date.isoformat(), "finish": r.finish_date.isoformat(),
                                 "duration": int(r.duration_days), "estimate_hours": float(r.estimate_hours)}
                for r in tasks.itertuples() if pd.notna(r.start_date)}
    row = m.Baseline(project_id=project_id, name=clean[:120], budget=float(project.budget), snapshot=snapshot)
    session.add(row)
    session.flush()
    core.log(session, actor, "create", "baseline", row.id, f"saved baseline '{clean}' of '{project.name}' "
             f"({len(snapshot)} tasks, budget {project.budget:,.0f})")
    return row.id


def baselines(session: Session, *, project_id: int) -> pd.DataFrame:
    out = frame(session, m.Baseline, m.Baseline.project_id == project_id, order_by=[m.Baseline.taken_at.desc()])
    return out[["id", "name", "taken_at", "budget"]]


def status_updates(session: Session, *, project_id: int) -> pd.DataFrame:
    """Status history, newest first: [day, rag, summary, author]."""
    s = m.StatusUpdate
    out = frame(session, s, s.project_id == project_id, order_by=[s.day.desc(), s.id.desc()])
    people = frame(session, m.Person).set_index("id")["name"]
    return pd.DataFrame({"day": out["day"], "rag": out["rag"], "summary": out["summary"],
                         "author": lookup(out["author_id"], people, fmt.DASH)})


def add_status_update(session: Session, *, project_id: int, rag: str, summary: str, today: date,
                      actor: Actor) -> int:
    core.get(session, m.Project, project_id)
    if not (summary or "").strip():
        raise ValidationError("Status update not saved — write a summary: what changed, what is next, what help "
                              "is needed.", field="summary")
    return core.create(session, m.StatusUpdate, {"project_id": project_id, "day": today, "rag": rag,
                                                 "summary": summary.strip(), "author_id": actor.id},
                       actor=actor).id


# --------------------------------------------------------------------------------------------- program view
@dataclass
class Program:
    items: pd.DataFrame  # [project, task, kind ('milestone'|'critical task'), start, end, critical, label]
    links: pd.DataFrame  # [from_project, from_task, from_day, to_project, to_task, to_day, type, lag, slack, driving]
    title: str


def program(session: Session, *, today: date) -> Program:
    """Active projects' milestones and critical tasks on one timeline, and the cross-project links between them.

    A link *drives* its successor when its slack is 0: the successor starts exactly when the link allows
    (slack = working days between the date the link requires and the successor's scheduled start).
    """
    projects = frame(session, m.Project, m.Project.status == "active")
    tasks = frame(session, m.Task, m.Task.project_id.in_(projects["id"].tolist())) if len(projects) else \
        frame(session, m.Task, m.Task.id < 0)
    tasks = tasks[tasks["start_date"].notna()]
    names = projects.set_index("id")["name"]
    shown = tasks[(tasks["duration_days"] == 0) | tasks["critical"]]
    items = pd.DataFrame({
        "project": shown["project_id"].map(names), "task": shown["name"], "ref": shown["ref"],
        "kind": ["milestone" if d == 0 else "critical task" for d in shown["duration_days"]],
        "start": pd.to_datetime(shown["start_date"]),
        "end": pd.to_datetime(shown["finish_date"]) + pd.Timedelta(days=1),
        "critical": shown["critical"].astype(bool), "percent_complete": shown["percent_complete"].astype(float),
    })
    d = m.Dependency
    deps = frame(session, d)
    by_id = frame(session, m.Task).set_index("id")
    all_names = frame(session, m.Project).set_index("id")["name"]
    cal = project_calendar(session, 0)
    project_of = dict(zip(by_id.index, by_id["project_id"], strict=True))
    cross = [project_of.get(p) != project_of.get(q) for p, q in zip(deps["pred_id"], deps["succ_id"], strict=True)]
    rows = []
    for dep in deps[cross].itertuples():  # only cross-project links: a few among tens of thousands
        p, s = by_id.loc[dep.pred_id], by_id.loc[dep.succ_id]
        if p["project_id"] == s["project_id"] or pd.isna(p["start_date"]) or pd.isna(s["start_date"]):
            continue
        if p["project_id"] not in names.index and s["project_id"] not in names.index:
            continue
        from_finish = dep.type in ("FS", "FF")
        to_start = dep.type in ("FS", "SS")
        anchor = p["finish_date"] if from_finish else p["start_date"]
        # the date the link requires for the successor's start (FS/SS) or finish (FF/SF)
        base = cal.add_working_days(anchor, 1) if dep.type == "FS" and p["duration_days"] else anchor
        required = cal.date_of(int(dep.lag_days), base)
        actual = s["start_date"] if to_start else s["finish_date"]
        slack = cal.working_days_between(required, actual)
        rows.append((all_names.get(p["project_id"]), p["name"], pd.Timestamp(anchor), all_names.get(s["project_id"]),
                     s["name"], pd.Timestamp(actual), dep.type, int(dep.lag_days), slack, slack <= 0))
    links = pd.DataFrame(rows, columns=["from_project", "from_task", "from_day", "to_project", "to_task", "to_day",
                                        "type", "lag", "slack", "driving"])
    driving = links[links["driving"]]
    if links.empty:
        title = f"{len(projects)} active projects; no cross-project links"
    elif len(driving):
        first = driving.iloc[0]
        title = (f"{first['to_project']}'s '{first['to_task']}' is driven by {first['from_project']}'s "
                 f"'{first['from_task']}': any slip there moves it")
    else:
        first = links.sort_values("slack").iloc[0]
        title = (f"{len(links)} cross-project link{'s' if len(links) > 1 else ''}; {first['to_project']}'s "
                 f"'{first['to_task']}' has {first['slack']} working days of slack on {first['from_project']}")
    return Program(items.reset_index(drop=True), links, title)


# --------------------------------------------------------------------------------------------- status report
def status_report(session: Session, *, project_id: int, today: date) -> dict[str, bytes]:
    """The status report of a project as {'html': ..., 'md': ...} (see :mod:`worksmith.report`)."""
    from worksmith.charts.gantt import gantt_chart, gantt_links, gantt_rows
    from worksmith.exchange.report import StatusReport, chart_images, render_html, render_markdown
    from worksmith.services.projects_team import risks

    detail = project_detail(session, project_id=project_id, today=today)
    rag = RAG_OF_HEALTH.get(detail.health, detail.health)
    rows = gantt_rows(detail.tasks)
    svg = png = None
    if len(rows):
        chart = gantt_chart(rows, gantt_links(detail.deps, rows), today=today, title=detail.gantt_title, width=900)
        svg, png = chart_images(chart.to_json())
    tasks = detail.tasks
    miles = tasks[tasks["duration_days"] == 0]
    milestones = [{"Milestone": f"#{t.ref} {t.name}", "Date": fmt.day(t.start_date),
                   "Status": "done" if t.percent_complete >= 100 else "overdue" if pd.notna(t.start_date)
                   and t.start_date < today else "upcoming",
                   "Vs baseline": fmt.days(t.finish_variance) if pd.notna(t.finish_variance) else fmt.DASH}
                  for t in miles.itertuples()]
    register = risks(session, project_id=project_id)
    register = register[register["status"] != "closed"]
    risk_rows = [{"Risk": r.title, "P × I": f"{r.probability} × {r.impact} = {r.score}", "Level": r.level,
                  "Owner": r.owner, "Mitigation": r.mitigation, "Status": r.status} for r in register.itertuples()]
    updates = status_updates(session, project_id=project_id).head(3)
    update_rows = [{"Date": fmt.day(u.day), "RAG": f"{RAG_OF_HEALTH.get(u.rag, '')}{u.rag}", "Summary": u.summary,
                    "By": u.author} for u in updates.itertuples()]
    figures = [(t.label, f"{t.value}" + (f" ({t.delta})" if t.delta else "")) for t in detail.tiles]
    report = StatusReport(project=detail.project["name"], day=today, rag=rag, reasons=detail.reasons,
                          figures=figures, milestones=milestones, risks=risk_rows, updates=update_rows,
                          gantt_svg=svg, gantt_png=png, summary=updates["summary"].iloc[0] if len(updates) else "",
                          workspace=settings(session)["name"])
    return {"html": render_html(report).encode("utf-8"), "md": render_markdown(report).encode("utf-8")}
