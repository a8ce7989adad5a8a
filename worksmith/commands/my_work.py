"""Quick actions of "My work" that the plan commands do not already offer: set a task's % complete."""

from __future__ import annotations

from sqlmodel import Session

from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.commands.p80 import update_progress
from worksmith.store import models as m


def status_for(percent: float, status: str) -> str:
    """The board column that fits a new % complete (the plan grid's rule): 100 → done; below 100 a done task goes
    back to in progress, a todo task with progress starts; otherwise the column stays."""
    if percent >= 100:
        return "done"
    if status == "done" or (percent > 0 and status == "todo"):
        return "in progress"
    return status


def set_progress(session: Session, *, actor: Actor, task_id: int, percent_complete: float,
                 expected_version: int | None) -> m.Task:
    """Set a task's % complete (0–100) and move it to the column that fits, checked against ``expected_version``."""
    task = core.get(session, m.Task, task_id)
    return update_progress(session, task=task, changes={"percent_complete": percent_complete,
                                                        "status": status_for(percent_complete, task.status)},
                           expected_version=expected_version, actor=actor)
