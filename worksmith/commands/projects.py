"""Projects, the writes: create and edit a project, close it out, baselines, status updates.

Each command validates, writes through :mod:`worksmith.commands.core` (audit log, optimistic locking) and
reschedules with :func:`worksmith.commands.plans.reschedule` when dates can move (only the project and the
projects linked to it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.commands.plans import reschedule
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.tables import frame

PROJECT_FIELDS = ("name", "description", "goal_id", "team_id", "manager_id", "status", "priority", "start",
                  "target_end", "budget", "expected_benefit")


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
        reschedule(session, today=today, project_ids=[project_id])
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
    access.require(actor, "edit", "save baselines")  # the baseline row is written before its log entry
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


def add_status_update(session: Session, *, project_id: int, rag: str, summary: str, today: date,
                      actor: Actor) -> int:
    core.get(session, m.Project, project_id)
    if not (summary or "").strip():
        raise ValidationError("Status update not saved — write a summary: what changed, what is next, what help "
                              "is needed.", field="summary")
    return core.create(session, m.StatusUpdate, {"project_id": project_id, "day": today, "rag": rag,
                                                 "summary": summary.strip(), "author_id": actor.id},
                       actor=actor).id
