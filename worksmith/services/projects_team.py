"""A project's people and risks: team members with roles and allocation, the RACI matrix, the risk register.

RACI rule: every phase row has exactly one Accountable (A); a milestone row is optional, but once it names anyone
it needs exactly one A too. Risk score = probability × impact (1–25): 15 or more is high, 5–14 medium, below low.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.services.projects import lookup
from worksmith.store import models as m
from worksmith.views.tables import frame

RACI_BLANK = ""
RACI_OPTIONS = [RACI_BLANK, *m.RACI_CODES]
RACI_HELP = "R responsible (does the work) · A accountable (exactly one, signs off) · C consulted · I informed"


# --------------------------------------------------------------------------------------------- members
def members(session: Session, *, project_id: int) -> pd.DataFrame:
    """[id, version, person_id, person, role, allocation, allocated_elsewhere] by role then name.

    ``allocated_elsewhere`` = the person's allocation % on other active projects (over 100 % in total is a
    warning sign the Workload page explains in hours).
    """
    pm = frame(session, m.ProjectMember)
    people = frame(session, m.Person).set_index("id")["name"]
    active = set(frame(session, m.Project, m.Project.status == "active")["id"])
    mine = pm[pm["project_id"] == project_id]
    others = pm[(pm["project_id"] != project_id) & pm["project_id"].isin(active)].groupby("person_id")[
        "allocation"].sum()
    order = {r: i for i, r in enumerate(m.MEMBER_ROLES)}
    out = pd.DataFrame({"id": mine["id"], "version": mine["version"], "person_id": mine["person_id"],
                        "person": mine["person_id"].map(people), "role": mine["role"],
                        "allocation": mine["allocation"].astype(float),
                        "allocated_elsewhere": mine["person_id"].map(others).fillna(0.0).astype(float)})
    return out.sort_values(["role", "person"], key=lambda s: s.map(order) if s.name == "role" else s,
                           kind="stable").reset_index(drop=True)


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


# --------------------------------------------------------------------------------------------- RACI
def raci_matrix(session: Session, *, project_id: int) -> pd.DataFrame:
    """Rows = phases then milestones ([kind, item_id, item]) × one column per member's name, cells R/A/C/I or ''."""
    phases = frame(session, m.Phase, m.Phase.project_id == project_id, order_by=[m.Phase.position])
    miles = frame(session, m.Task, m.Task.project_id == project_id, m.Task.duration_days == 0,
                  order_by=[m.Task.start_date, m.Task.ref])
    team = members(session, project_id=project_id)
    rows = [("phase", int(p.id), f"Phase · {p.name}") for p in phases.itertuples()]
    rows += [("milestone", int(t.id), f"Milestone · {t.name}") for t in miles.itertuples()]
    out = pd.DataFrame(rows, columns=["kind", "item_id", "item"])
    codes = frame(session, m.Raci, m.Raci.project_id == project_id)
    for pid, name in zip(team["person_id"], team["person"], strict=True):
        out[name] = RACI_BLANK
        mine = codes[codes["person_id"] == pid]
        for c in mine.itertuples():
            kind, item = ("phase", c.phase_id) if pd.notna(c.phase_id) else ("milestone", c.task_id)
            out.loc[(out["kind"] == kind) & (out["item_id"] == item), name] = c.code
    return out


def raci_problems(matrix: pd.DataFrame, people: list[str]) -> list[str]:
    """Rows breaking the rule 'exactly one A' (phases always, milestones once they name anyone); pure.

    >>> raci_problems(pd.DataFrame({"kind": ["phase"], "item": ["Phase · Build"], "Ann": ["R"], "Bo": [""]}),
    ...               ["Ann", "Bo"])
    ["Phase · Build has no Accountable (A); choose exactly one."]
    """
    problems = []
    for row in matrix.to_dict("records"):
        letters = {p: (row.get(p) or "").strip().upper() for p in people}
        bad = sorted({v for v in letters.values() if v not in RACI_OPTIONS})
        if bad:
            problems.append(f"{row['item']}: unknown letter {', '.join(bad)} (use R, A, C or I).")
        accountable = [p for p, v in letters.items() if v == "A"]
        if row["kind"] == "milestone" and not any(letters.values()):
            continue
        if not accountable:
            problems.append(f"{row['item']} has no Accountable (A); choose exactly one.")
        elif len(accountable) > 1:
            problems.append(f"{row['item']} has {len(accountable)} Accountable (A): {', '.join(accountable)}; "
                            "keep exactly one.")
    return problems


def save_raci(session: Session, *, project_id: int, matrix: pd.DataFrame, actor: Actor) -> int:
    """Replace the project's RACI letters with ``matrix`` (as from :func:`raci_matrix`); all rows validated first.

    Returns the number of letters stored.
    """
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


# --------------------------------------------------------------------------------------------- risks
def risk_level(score: int) -> str:
    """Probability × impact -> 'high' (≥ 15), 'medium' (5–14) or 'low' (≤ 4)."""
    return "high" if score >= 15 else "medium" if score >= 5 else "low"


def risks(session: Session, *, project_id: int) -> pd.DataFrame:
    """The register, highest score first: [id, version, title, probability, impact, score, level, owner, owner_id,
    mitigation, status]."""
    r = frame(session, m.Risk, m.Risk.project_id == project_id)
    people = frame(session, m.Person).set_index("id")["name"]
    score = (r["probability"] * r["impact"]).astype(int)
    out = r.assign(score=score, level=[risk_level(s) for s in score],
                   owner=lookup(r["owner_id"], people, fmt.DASH))
    out = out.sort_values(["status", "score"], ascending=[True, False], key=lambda s: s.map(
        {"open": 0, "mitigating": 1, "closed": 2}) if s.name == "status" else s, kind="stable")
    return out[["id", "version", "title", "probability", "impact", "score", "level", "owner", "owner_id",
                "mitigation", "status"]].reset_index(drop=True)


def save_risk(session: Session, *, project_id: int, values: dict[str, Any], risk_id: int | None = None,
              expected_version: int | None = None, actor: Actor) -> int:
    """Add a risk (``risk_id`` None) or edit one (checked against ``expected_version``)."""
    fields = {k: v for k, v in values.items() if k in ("title", "probability", "impact", "owner_id", "mitigation",
                                                        "status")}
    if risk_id is None:
        return core.create(session, m.Risk, {"project_id": project_id, **fields}, actor=actor).id
    return core.update(session, m.Risk, risk_id, fields, expected_version=expected_version, actor=actor).id
