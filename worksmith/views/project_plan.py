"""One project's plan, the read side: the project detail behind every tab, baseline variance, cross-project
links, the plan grid's rows, the plan-file export table, the board and link targets.

Baseline variance (shown per task and for the project) is in working days of the project's calendar:
``variance = working days from the baseline finish to the current finish`` — positive = late, negative = early.

Predecessors are shown in MS Project notation with the tasks' plan ids (``ref``): ``3``, ``3FS+2d``, ``5SS``,
``7FF-1d`` (see :mod:`worksmith.domain.notation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.notation import Link, format_predecessors
from worksmith.domain.portfolio import planned_to_date, project_health
from worksmith.domain.schedule import WorkCalendar
from worksmith.errors import NotFoundError
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.plans import project_calendar
from worksmith.views.portfolio import HEALTH_TASK_COLUMNS, project_money
from worksmith.views.project_team import risks
from worksmith.views.projects import RAG_OF_HEALTH, days_delta, lessons, lookup, status_updates, tile
from worksmith.views.risk import DEFAULT_RUNS, project_p80
from worksmith.views.tables import frame
from worksmith.views.workspace import settings

EDITOR_COLUMNS = ["id", "version", "ref", "name", "phase", "assignee", "duration_days", "duration_min_days",
                  "duration_max_days", "predecessors",
                  "estimate_hours", "percent_complete", "start_no_earlier_than", "start_date", "finish_date",
                  "total_float", "critical", "finish_variance", "waits_for"]
GRID_ORDER = ["ref", "name", "phase", "assignee", "duration_days", "duration_min_days", "duration_max_days",
              "predecessors", "start_date", "finish_date",
              "total_float", "critical", "finish_variance", "estimate_hours", "percent_complete",
              "start_no_earlier_than", "waits_for"]
MAIN_COLUMNS = ["ref", "name", "assignee", "duration_days", "percent_complete", "estimate_hours",
                "start_no_earlier_than", "start_date", "finish_date", "predecessors", "critical"]  # fit 1600 px
EDITABLE = ["ref", "name", "phase", "assignee", "duration_days", "duration_min_days", "duration_max_days",
            "predecessors", "estimate_hours", "percent_complete", "start_no_earlier_than"]
COMPUTED = ["start_date", "finish_date", "total_float", "critical", "finish_variance", "waits_for"]
BOARD_STATUSES = list(m.TASK_STATUSES)


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
    tiles: list[Metric]
    tasks: pd.DataFrame
    deps: pd.DataFrame
    links: pd.DataFrame
    baseline: dict[str, Any] | None
    finish_variance: int | None
    gantt_title: str
    lessons: pd.DataFrame


TASK_COLUMNS = ["id", "version", "ref", "name", "phase", "phase_position", "assignee", "assignee_id",
                "duration_days", "duration_min_days", "duration_max_days", "predecessors", "estimate_hours",
                "percent_complete", "status", "start_no_earlier_than", "start_date", "finish_date", "total_float",
                "critical", "position", "baseline_start", "baseline_finish", "finish_variance", "waits_for"]


def _names(session: Session, model) -> pd.Series:
    """id -> name of every row of ``model``, reading the two columns only (whole rows carry JSON to parse)."""
    table = model.__table__
    return pd.Series(dict(session.connection().execute(select(table.c.id, table.c.name)).all()), dtype=object)


def project_row(session: Session, project_id: int) -> m.Project:
    """The project, or NotFoundError."""
    project = session.get(m.Project, project_id)
    if project is None:
        raise NotFoundError(f"Project {project_id} does not exist (it may have been deleted) — reload.")
    return project


def project_detail(session: Session, *, project_id: int, today: date) -> ProjectDetail:
    """Everything the project tabs show (a refused id raises NotFoundError)."""
    project = project_row(session, project_id)
    currency = settings(session)["currency"]
    row = health_row(session, project_id=project_id, today=today)
    tasks = frame(session, m.Task, m.Task.project_id == project_id, order_by=[m.Task.position, m.Task.ref])
    phases = frame(session, m.Phase, m.Phase.project_id == project_id).set_index("id")
    people, names = _names(session, m.Person), _names(session, m.Project)
    d = m.Dependency
    ids = tasks["id"].tolist()
    deps = frame(session, d, (d.succ_id.in_(ids)) | (d.pred_id.in_(ids))) if ids else frame(session, d, d.id < 0)
    own = set(ids)
    others = sorted({int(t) for t in pd.concat([deps["pred_id"], deps["succ_id"]])} - own)  # cross links' ends
    shown = ["id", "project_id", "ref", "name", "start_date", "finish_date"]
    all_tasks = pd.concat([tasks[shown], frame(session, m.Task, m.Task.id.in_(others))[shown]], ignore_index=True) \
        if others else tasks[shown]
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
        tile("Forecast finish", f"{finish:%a %d %b}" if pd.notna(finish) else fmt.DASH,
             days_delta(row["slip_days"], "target"), "inverse" if row["slip_days"] else "off",
             help="The latest scheduled task finish (critical path method); delta in working days against the "
                  "target end."),
        tile("Complete", fmt.percent(row["percent_complete"]), f"{int((out['percent_complete'] >= 100).sum())} of "
             f"{len(out)} tasks done", "off", help="Σ estimate × % complete / Σ estimate."),
        tile("Critical tasks", f"{critical}", f"{int((out['total_float'].fillna(99) <= 3).sum()) - critical} "
             "more within 3 days of float", "off", help="Tasks with no total float: any delay moves the finish."),
        tile("Vs baseline", fmt.days(variance) if variance is not None else fmt.DASH,
             f"{baseline['name']}" if baseline else "no baseline yet", "off",
             help="Working days from the baseline's finish to the forecast finish (+ late, − early)."),
        tile("Budget used", fmt.percent(row["budget_used"]) if pd.notna(row["budget_used"]) else fmt.DASH,
             f"{fmt.money(row['spent'], currency)} of {fmt.money(project.budget, currency)}", "off",
             help="Expenses plus booked hours × cost rate against the budget (BAC)."),
    ]
    title = _gantt_title(out, finish, variance)
    fields = {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in project.model_dump().items()}
    return ProjectDetail(fields | {"start": project.start, "target_end": project.target_end,
                                                   "closed_on": project.closed_on},
                         row["health"], list(row["reasons"]), tiles, out,
                         inner[["id", "pred_id", "succ_id", "type", "lag_days"]].reset_index(drop=True), links,
                         baseline, variance, title, lessons(session, exclude_project_id=project_id))


def health_row(session: Session, *, project_id: int, today: date) -> pd.Series:
    """The project's row of :func:`~worksmith.views.portfolio.portfolio` (health, reasons, forecast finish, slip,
    complete, spent, budget used), reading only this project's rows: its tasks, expenses and booked hours to date
    and budget lines (what ``portfolio`` sums per project; each row of ``project_health`` is its project's alone)."""
    projects = frame(session, m.Project, m.Project.id == project_id)
    tasks = frame(session, m.Task, m.Task.project_id == project_id, columns=HEALTH_TASK_COLUMNS)
    spent, lines = project_money(session, today, [project_id])
    planned = planned_to_date(lines.rename(columns={"project_id": "owner"}), today)
    return project_health(projects, tasks, spent, planned, today, settings(session)["currency"],
                          holidays=frame(session, m.Holiday)).iloc[0]


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


def editor_frame(tasks: pd.DataFrame) -> pd.DataFrame:
    """The plan grid's input: :data:`EDITOR_COLUMNS` with dtypes st.data_editor can edit, even with no rows."""
    out = tasks.reindex(columns=EDITOR_COLUMNS).reset_index(drop=True)
    for col in ("name", "phase", "assignee", "predecessors", "waits_for"):
        out[col] = out[col].astype(object).where(out[col].notna(), "").astype("string")
    for col in ("id", "version", "ref", "duration_days", "duration_min_days", "duration_max_days", "total_float",
                "finish_variance"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    for col in ("estimate_hours", "percent_complete"):
        out[col] = pd.to_numeric(out[col]).astype(float)
    for col in ("start_no_earlier_than", "start_date", "finish_date"):
        out[col] = pd.to_datetime(out[col])
    out["critical"] = out["critical"].astype("boolean")
    return out


def current_rows(session: Session, *, project_id: int) -> list[dict[str, Any]]:
    """The project's plan as grid rows (what :func:`save_plan` takes) — unchanged rows save nothing."""
    tasks = frame(session, m.Task, m.Task.project_id == project_id, order_by=[m.Task.position, m.Task.ref])
    phases = frame(session, m.Phase, m.Phase.project_id == project_id).set_index("id")["name"]
    people = _names(session, m.Person)
    d = m.Dependency
    ids = tasks["id"].tolist()
    deps = frame(session, d, d.succ_id.in_(ids), d.pred_id.in_(ids)) if ids else pd.DataFrame(
        columns=["pred_id", "succ_id", "type", "lag_days", "id"])
    ref_of = dict(zip(tasks["id"], tasks["ref"], strict=True))
    preds = {tid: format_predecessors([Link(int(ref_of[p]), t, int(lag)) for p, t, lag in
                                       zip(g["pred_id"], g["type"], g["lag_days"], strict=True)])
             for tid, g in deps.sort_values("id").groupby("succ_id")}
    return [{"id": int(t.id), "version": int(t.version), "ref": int(t.ref) if pd.notna(t.ref) else None,
             "name": t.name, "phase": phases.get(t.phase_id, ""), "assignee": people.get(t.assignee_id, ""),
             "duration_days": int(t.duration_days), "duration_min_days": _whole(t.duration_min_days),
             "duration_max_days": _whole(t.duration_max_days), "predecessors": preds.get(t.id, ""),
             "estimate_hours": float(t.estimate_hours), "percent_complete": float(t.percent_complete),
             "start_no_earlier_than": t.start_no_earlier_than} for t in tasks.itertuples()]


def _whole(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def plan_export(session: Session, *, project_id: int) -> pd.DataFrame:
    """The plan as a plan-file table (DESIGN §4 columns) with its scheduled dates, float and critical flag; the
    page writes it with :func:`worksmith.exchange.planfile.plan_bytes`. With any three-point estimate in the plan,
    ``duration_min_days`` and ``duration_max_days`` follow ``duration_days`` (empty for a fixed task)."""
    project = project_row(session, project_id)
    rows = current_rows(session, project_id=project_id)
    tasks = frame(session, m.Task, m.Task.project_id == project_id).set_index("id")
    cal = project_calendar(session, project_id)
    start = project.start
    table = pd.DataFrame([{
        "id": r["ref"], "name": r["name"], "phase": r["phase"], "duration_days": r["duration_days"],
        "predecessors": r["predecessors"], "assignee": r["assignee"], "estimate_hours": r["estimate_hours"],
        "start_no_earlier_than": cal.offset_of(r["start_no_earlier_than"], start)
        if r["start_no_earlier_than"] and start else None,
        "total_float_days": tasks.loc[r["id"], "total_float"],
        "critical": "true" if tasks.loc[r["id"], "critical"] else "false",
        "start_date": tasks.loc[r["id"], "start_date"], "finish_date": tasks.loc[r["id"], "finish_date"]}
        for r in rows], columns=["id", "name", "phase", "duration_days", "predecessors", "assignee", "estimate_hours",
                                 "start_no_earlier_than", "total_float_days", "critical", "start_date", "finish_date"])
    table["start_no_earlier_than"] = table["start_no_earlier_than"].astype("Int64")
    if any(r["duration_min_days"] is not None for r in rows):
        at = table.columns.get_loc("duration_days") + 1
        for k, col in enumerate(("duration_min_days", "duration_max_days")):
            table.insert(at + k, col, pd.array([r[col] for r in rows], dtype="Int64"))
    return table


def plan_tasks(session: Session, *, project_id: int) -> pd.DataFrame:
    """The project's tasks [id, ref, name] (how many an import would replace)."""
    return frame(session, m.Task, m.Task.project_id == project_id)[["id", "ref", "name"]]


def board(session: Session, *, project_id: int) -> pd.DataFrame:
    """Cards: [id, version, ref, name, status, assignee, start_date, finish_date, critical, percent_complete]."""
    tasks = frame(session, m.Task, m.Task.project_id == project_id, order_by=[m.Task.start_date, m.Task.ref])
    people = _names(session, m.Person)
    tasks["assignee"] = lookup(tasks["assignee_id"], people, "unassigned")
    return tasks[["id", "version", "ref", "name", "status", "assignee", "start_date", "finish_date", "critical",
                  "percent_complete", "duration_days"]]


def link_targets(session: Session, *, project_id: int) -> pd.DataFrame:
    """Tasks of *other* projects a task can wait for: [id, project, label] (not closed or cancelled)."""
    projects = frame(session, m.Project, m.Project.id != project_id,
                     m.Project.status.not_in(["done", "cancelled"])).set_index("id")["name"]
    t = m.Task.__table__  # every open project's tasks are listed: read only the columns shown, as plain tuples
    rows = [tuple(r) for r in session.connection().execute(
        select(t.c.id, t.c.project_id, t.c.ref, t.c.name, t.c.start_date).where(t.c.project_id.in_(
            projects.index.tolist())).order_by(t.c.project_id, t.c.position, t.c.ref))]
    shown = {d: fmt.day(d) for d in {r[4] for r in rows} if d is not None}  # each date formatted once
    names = projects.to_dict()
    return pd.DataFrame({"id": [r[0] for r in rows], "project": [names.get(r[1]) for r in rows],
                         "label": [f"#{r[2]} {r[3]}" + (f" · {shown[r[4]]}" if r[4] is not None else "")
                                   for r in rows]}, columns=["id", "project", "label"])


# --------------------------------------------------------------------------------------------- status report
def status_report_content(session: Session, *, project_id: int, today: date) -> tuple[ProjectDetail, dict[str, Any]]:
    """The project detail (for its Gantt chart) and what its status report says: the fields of
    :class:`worksmith.exchange.report.StatusReport` but the chart images."""
    detail = project_detail(session, project_id=project_id, today=today)
    rag = RAG_OF_HEALTH.get(detail.health, detail.health)
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
    p80, chance = project_p80(session, project_id=project_id, today=today)  # next to the deterministic finish
    figures.insert(1, ("P80 finish", f"{fmt.day(p80)} (80 % of {DEFAULT_RUNS:,} simulated runs finish by then"
                       + (f"; {fmt.percent(chance)} chance of making the target)" if chance is not None else ")")
                       if p80 else f"{fmt.DASH} (no three-point estimates yet: see the Risk tab)"))
    return detail, {"project": detail.project["name"], "day": today, "rag": rag, "reasons": detail.reasons,
                    "figures": figures, "milestones": milestones, "risks": risk_rows, "updates": update_rows,
                    "summary": updates["summary"].iloc[0] if len(updates) else "",
                    "workspace": settings(session)["name"]}


# --------------------------------------------------------------------------------------------- pending grid edits
def _blank(v: Any) -> bool:
    return v is None or (v == "" if isinstance(v, str) else bool(pd.isna(v)))


def _same(a: Any, b: Any) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def pending_edits(grid: pd.DataFrame, edited: pd.DataFrame) -> int:
    """Unsaved edits of the plan grid: changed cells of kept rows + added rows + deleted rows (pure)."""
    old = grid.set_index("id") if len(grid) else grid
    kept = edited[edited["id"].notna()]
    added = int(edited["id"].isna().sum())
    deleted = len(set(grid["id"].dropna()) - set(kept["id"]))
    cells = sum(not _same(old.loc[r["id"], c], r[c]) for r in kept.to_dict("records") if r["id"] in old.index
                for c in EDITABLE)
    return cells + added + deleted


def finished_edits(grid: pd.DataFrame, edited: pd.DataFrame) -> list[str]:
    """Tasks 100 % done whose duration or 'not before' date the edit changes: '#3 Design: days 3 → 5' (pure)."""
    old = grid.set_index("id") if len(grid) else grid
    out = []
    for r in edited[edited["id"].notna()].to_dict("records"):
        if r["id"] not in old.index or not old.loc[r["id"], "percent_complete"] >= 100:
            continue
        was = old.loc[r["id"]]
        parts = [f"{label} {fmt.DASH if pd.isna(was[c]) else fmt.day(was[c]) if c != 'duration_days' else int(was[c])}"
                 f" → {fmt.DASH if pd.isna(r[c]) else fmt.day(r[c]) if c != 'duration_days' else int(r[c])}"
                 for c, label in (("duration_days", "days"), ("start_no_earlier_than", "not before"))
                 if not _same(was[c], r[c])]
        if parts:
            out.append(f"#{was['ref']} {was['name']}: " + ", ".join(parts))
    return out
