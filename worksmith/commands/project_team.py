"""A project's people and risks, the writes: team members, the RACI matrix (validated as a whole), the risk register.

RACI rule (see :func:`worksmith.views.project_team.raci_problems`): every phase row has exactly one Accountable.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlmodel import Session

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.domain.risks import LIVE_STATUSES
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.project_team import members, raci_problems


def set_member(session: Session, *, project_id: int, person_id: int, role: str, allocation: float,
               actor: Actor) -> int:
    """Add a person to the team, or change their role and allocation if already a member."""
    core.get(session, m.Project, project_id)
    pm = m.ProjectMember
    row = session.exec(select(pm).where(pm.project_id == project_id, pm.person_id == person_id)).scalars().first()
    values = {"project_id": project_id, "person_id": person_id, "role": role, "allocation": allocation}
    if row is None:
        return core.create(session, pm, values, actor=actor).id
    return core.update(session, pm, row.id, {"role": role, "allocation": allocation},
                       expected_version=row.version, actor=actor).id


def remove_member(session: Session, *, member_id: int, expected_version: int, actor: Actor) -> None:
    """Remove a member and their RACI letters on this project."""
    row = core.get(session, m.ProjectMember, member_id)
    r = m.Raci
    for raci in session.exec(select(r).where(r.project_id == row.project_id, r.person_id == row.person_id)).scalars():
        core.log(session, actor, "delete", "raci", raci.id, f"removed RACI {raci.code} of person {raci.person_id}")
        session.delete(raci)
    core.delete(session, m.ProjectMember, member_id, actor=actor, expected_version=expected_version)


def save_raci(session: Session, *, project_id: int, matrix: pd.DataFrame, actor: Actor) -> int:
    """Replace the project's RACI letters with ``matrix`` (as from :func:`raci_matrix`); all rows validated first.

    Returns the number of letters stored.
    """
    access.require(actor, "edit", "change RACI entries")  # before the Core delete below
    team = members(session, project_id=project_id)
    ids = dict(zip(team["person"], team["person_id"], strict=True))
    people = [c for c in matrix.columns if c not in ("kind", "item_id", "item")]
    unknown = [p for p in people if p not in ids]
    if unknown:
        raise ValidationError(f"RACI not saved — {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not on "
                              "the project team; add them on the Team tab first.")
    problems = raci_problems(matrix, people)
    if problems:
        raise ValidationError("RACI not saved, nothing changed:\n" + "\n".join(f"- {p}" for p in problems))
    session.execute(sql_delete(m.Raci.__table__).where(m.Raci.__table__.c.project_id == project_id))
    count = 0
    for row in matrix.to_dict("records"):
        for person in people:
            code = (row.get(person) or "").strip().upper()
            if not code:
                continue
            key = "phase_id" if row["kind"] == "phase" else "task_id"
            core.create(session, m.Raci, {"project_id": project_id, key: int(row["item_id"]),
                                          "person_id": int(ids[person]), "code": code}, actor=actor)
            count += 1
    core.log(session, actor, "update", "raci", None, f"RACI of project {project_id} saved ({count} letters)")
    return count


def save_risk(session: Session, *, project_id: int, values: dict[str, Any], risk_id: int | None = None,
              expected_version: int | None = None, actor: Actor) -> int:
    """Add a risk (``risk_id`` None) or edit one (checked against ``expected_version``); ``task_id`` (optional)
    must be a task of the same project."""
    fields = {k: v for k, v in values.items() if k in ("title", "probability", "impact", "owner_id", "mitigation",
                                                        "status", "task_id")}
    if fields.get("task_id") is not None:
        task = session.get(m.Task, int(fields["task_id"]))
        if task is None or task.project_id != project_id:
            raise ValidationError(f"Risk not saved — task {fields['task_id']} is not (or no longer) in this "
                                  "project; pick another task or none.", field="task_id")
        fields["task_id"] = task.id
    if risk_id is None:
        return core.create(session, m.Risk, {"project_id": project_id, **fields}, actor=actor).id
    return core.update(session, m.Risk, risk_id, fields, expected_version=expected_version, actor=actor).id


def close_stale_risks(session: Session, *, project_id: int, actor: Actor) -> list[str]:
    """Close every open or mitigating risk of the project whose task is done; returns their titles."""
    r, t = m.Risk, m.Task
    rows = session.exec(select(r).join(t, t.id == r.task_id).where(
        r.project_id == project_id, r.status.in_(LIVE_STATUSES), t.status == "done")).scalars().all()
    for risk in rows:
        core.update(session, m.Risk, risk.id, {"status": "closed"}, expected_version=risk.version, actor=actor)
    return [risk.title for risk in rows]
