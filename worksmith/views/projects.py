"""Projects, the read side: the portfolio table and tiles, the program view, pickers, status history, lessons.

Health (RAG) comes from :mod:`worksmith.domain.portfolio` — schedule slip, cost against plan to date and overdue
tasks — with its reasons. The option lists pages need (statuses, roles, RAG, dependency types) are re-exposed
here so pages never import the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.status import STATUS_ICONS
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.plans import project_calendar
from worksmith.views.portfolio import portfolio
from worksmith.views.tables import frame
from worksmith.views.workspace import settings

PROJECT_STATUSES = m.PROJECT_STATUSES
DEPENDENCY_TYPES = m.DEPENDENCY_TYPES
MEMBER_ROLES = m.MEMBER_ROLES
RISK_STATUSES = m.RISK_STATUSES
RAG = m.RAG
RAG_OF_HEALTH = {"on track": "green", "at risk": "amber", "off track": "red"}
HEALTH_OF_RAG = {v: k for k, v in RAG_OF_HEALTH.items()}
HEALTHS = [*RAG_OF_HEALTH, "not planned", "not started", "done"]  # the portfolio's health filter


def tile(label: str, value: str, delta: str | None = None, delta_color: str = "normal", *,
         help: str | None = None) -> Metric:
    """A :class:`Metric`; descriptive deltas ('of 12 tasks', delta colour 'off') get no arrow."""
    return Metric(label, value, delta, delta_color, "off" if delta_color == "off" else "auto", help)


def lookup(keys, mapping, default: str = "") -> list:
    """``mapping[k]`` per key (dict or Series), ``default`` for a missing or empty key: text columns stay text."""
    return [mapping.get(k, default) if k is not None and not pd.isna(k) else default for k in keys]


def sentence(parts: list[str]) -> str:
    """['forecast late', 'over budget'] -> 'Forecast late; over budget.'"""
    text = "; ".join(parts)
    return (text[:1].upper() + text[1:] + ".") if text else ""


def header_summary(reasons: list[str], status: str) -> str:
    """The project header's sentence: the health reasons, then the status unless a reason already says it
    ('Status proposed.' once, never 'Status proposed. Status proposed')."""
    text = sentence(reasons)
    if any(r.strip().lower() == f"status {status}" for r in reasons):
        return text
    return f"{text} Status *{status}*.".strip()


def health_label(health: str) -> str:
    """'at risk' -> '🟡 at risk' (never colour alone)."""
    return f"{STATUS_ICONS.get(health, '')} {health}".strip()


def days_delta(n: int | float | None, what: str) -> str | None:
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
    tiles: list[Metric] = field(default_factory=list)
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
        tile("Active projects", f"{len(active)}", f"{int((health['status'] == 'proposed').sum())} proposed", "off",
             help="Projects with status active."),
        tile("Off track", f"{off}", f"{risky} more at risk", "off",
             help="Health = the worst of: schedule slip against the target end (> 5 working days off track), "
                  "spend against plan to date (> 15 % off track, > 5 % at risk), unfinished tasks past their "
                  "finish (at risk). A project without tasks or budget is \"not planned\": its next steps are "
                  "listed."),
        tile("Milestones next 30 days", f"{len(soon)}", f"{len(late)} overdue" if len(late) else "none overdue",
             "inverse" if len(late) else "off", help="Unfinished zero-day tasks of active projects."),
        tile("Budget used (active)", fmt.percent(spent / budget) if budget else fmt.DASH,
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
        "goal": health["goal"].astype(object).fillna(fmt.DASH),  # all missing reads as floats
        "team": health["team"].astype(object).fillna(fmt.DASH),
        "manager": health["manager"].astype(object).fillna(fmt.DASH),
        "reasons": ["; ".join(r) for r in health["reasons"]],
        "priority": health["priority"],
    })
    order = {"off track": 0, "at risk": 1, "not planned": 2, "on track": 3, "not started": 4, "done": 5}
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
    p = m.Project.__table__
    return pd.DataFrame(session.connection().execute(select(p.c.id, p.c.name, p.c.status).order_by(p.c.name, p.c.id))
                        .fetchall(), columns=["id", "name", "status"])


def _labels(session: Session, id_col, label_col, *where) -> dict[int, str]:
    """id -> label by label, reading the two columns only (whole rows carry JSON columns to parse)."""
    query = select(id_col, label_col).order_by(label_col, id_col)
    return dict(session.connection().execute(query.where(*where) if where else query).all())


def choices(session: Session) -> dict[str, dict[int, str]]:
    """Id -> label for the pickers: people (active), teams, goals, templates, projects."""
    person, team, goal, template, project = (model.__table__ for model in (m.Person, m.Team, m.Goal, m.Template,
                                                                           m.Project))
    return {
        "people": _labels(session, person.c.id, person.c.name, person.c.active.is_(True)),
        "teams": _labels(session, team.c.id, team.c.name),
        "goals": _labels(session, goal.c.id, goal.c.title),
        "templates": _labels(session, template.c.id, template.c.name),
        "projects": _labels(session, project.c.id, project.c.name),
    }


def lessons(session: Session, *, exclude_project_id: int | None = None) -> pd.DataFrame:
    """Lessons learned of closed projects: [id, project, closed_on, lessons, phases, skills]."""
    done = frame(session, m.Project, m.Project.lessons_learned != "")
    if exclude_project_id is not None:
        done = done[done["id"] != exclude_project_id]
    done = done[done["status"].isin(["done", "cancelled"])]
    ids = done["id"].tolist()  # only the closed projects' phases and skills are read
    phases = frame(session, m.Phase, m.Phase.project_id.in_(ids)).groupby("project_id")["name"].apply(
        lambda s: sorted(set(s)))
    tasks = frame(session, m.Task, m.Task.project_id.in_(ids))
    skills = tasks[tasks["required_skill"] != ""].groupby("project_id")["required_skill"].apply(
        lambda s: sorted(set(s)))
    return pd.DataFrame({"id": done["id"], "project": done["name"], "closed_on": done["closed_on"],
                         "lessons": done["lessons_learned"],
                         "phases": done["id"].map(phases).apply(lambda v: v if isinstance(v, list) else []),
                         "skills": done["id"].map(skills).apply(lambda v: v if isinstance(v, list) else [])}
                        ).reset_index(drop=True)


def rank_lessons(lessons: pd.DataFrame, phases: set[str], skills: set[str]) -> pd.DataFrame:
    """Closed projects' lessons, most similar first: similarity = shared phase names and skills / all of them
    (Jaccard). Adds ``similarity`` (0–1) and ``why`` ('shares phases Build, Launch; skills frontend') (pure)."""
    out = lessons.copy()
    sims, whys = [], []
    for ph, sk in zip(out["phases"], out["skills"], strict=True):
        mine, theirs = phases | skills, set(ph) | set(sk)
        union = mine | theirs
        sims.append(len(mine & theirs) / len(union) if union else 0.0)
        shared = [f"phases {', '.join(sorted(phases & set(ph)))}" if phases & set(ph) else "",
                  f"skills {', '.join(sorted(skills & set(sk)))}" if skills & set(sk) else ""]
        whys.append("shares " + "; ".join(s for s in shared if s) if any(shared) else "a closed project")
    out["similarity"] = sims
    out["why"] = whys
    return out.sort_values("similarity", ascending=False, kind="stable").reset_index(drop=True)


def template_lessons(session: Session, *, template_id: int) -> pd.DataFrame:
    """Lessons of closed projects ranked by similarity to a template (for 'create from template')."""
    template = session.get(m.Template, template_id)
    if template is None:
        return pd.DataFrame(columns=["project", "lessons", "similarity", "why"])
    tasks = template.plan.get("tasks", [])
    return rank_lessons(lessons(session), {t.get("phase", "") for t in tasks} - {""},
                        {t.get("skill", "") for t in tasks} - {""})


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
