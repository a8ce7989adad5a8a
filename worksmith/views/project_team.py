"""A project's people and risks, the read side: team members with roles and allocation, the RACI matrix, the risk
register.

RACI rule: every phase row has exactly one Accountable (A); a milestone row is optional, but once it names anyone
it needs exactly one A too. Risk score = probability × impact (1–25), levelled by
:func:`worksmith.domain.risks.risk_level`: 15 or more is high, 5–14 medium, below low. A risk still open or
mitigating while its task is done is *stale* (:func:`worksmith.domain.risks.is_stale`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.risks import is_stale, risk_level
from worksmith.store import models as m
from worksmith.views.projects import lookup
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


# --------------------------------------------------------------------------------------------- risks
def risks(session: Session, *, project_id: int) -> pd.DataFrame:
    """The register, highest score first: [id, version, title, probability, impact, score, level, owner, owner_id,
    mitigation, status, task_id, task ('#8 Beta test' or ''), stale]."""
    r = frame(session, m.Risk, m.Risk.project_id == project_id)
    people = frame(session, m.Person).set_index("id")["name"]
    tasks = frame(session, m.Task, m.Task.project_id == project_id).set_index("id")
    score = (r["probability"] * r["impact"]).astype(int)
    label = {tid: f"#{ref} {name}" for tid, ref, name in zip(tasks.index, tasks["ref"], tasks["name"], strict=True)}
    out = r.assign(score=score, level=[risk_level(s) for s in score],
                   owner=lookup(r["owner_id"], people, fmt.DASH), task=lookup(r["task_id"], label),
                   stale=[is_stale(st, tasks["status"].get(t) if pd.notna(t) else None)
                          for st, t in zip(r["status"], r["task_id"], strict=True)])
    out["task_id"] = pd.array([None if pd.isna(t) else int(t) for t in out["task_id"]], dtype="Int64")
    out = out.sort_values(["status", "score"], ascending=[True, False], key=lambda s: s.map(
        {"open": 0, "mitigating": 1, "closed": 2}) if s.name == "status" else s, kind="stable")
    return out[["id", "version", "title", "probability", "impact", "score", "level", "owner", "owner_id",
                "mitigation", "status", "task_id", "task", "stale"]].reset_index(drop=True)


def stale_risks(session: Session) -> pd.DataFrame:
    """Open or mitigating risks whose task is done, in every project: [project, title, task, level, status]."""
    r = frame(session, m.Risk, m.Risk.task_id.is_not(None))
    t = frame(session, m.Task, m.Task.status == "done", m.Task.id.in_(select(m.Risk.task_id)),
              columns=["id", "ref", "name"])  # only the done tasks that carry a risk
    r = r[r["task_id"].isin(t["id"])]
    r = r[pd.Series([is_stale(s, "done") for s in r["status"]], index=r.index, dtype=bool)]
    tasks = t.set_index("id")
    names = frame(session, m.Project, columns=["id", "name"]).set_index("id")["name"]
    return pd.DataFrame({"project": r["project_id"].map(names), "title": r["title"],
                         "task": [f"#{tasks.loc[i, 'ref']} {tasks.loc[i, 'name']}" for i in r["task_id"]],
                         "level": [risk_level(int(p * i)) for p, i in zip(r["probability"], r["impact"], strict=True)],
                         "status": r["status"]}).reset_index(drop=True)
