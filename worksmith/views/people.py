"""People and teams to read and edit (the People page): one row per person with team, role, capacity, availability,
cost rate, skills and whether they are active; one row per team with its head count.

Capacity for planned work (h/week) = weekly hours × availability ÷ 100, the same figure the Workload page uses
before time off.
"""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from worksmith import fmt
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame

__all__ = ["NO_TEAM", "PEOPLE_COLUMNS", "TEAM_COLUMNS", "active_people", "people_metrics", "people_table",
           "team_options", "teams_table"]

NO_TEAM = "No team"
PEOPLE_COLUMNS = ["id", "name", "team", "role", "email", "weekly_hours", "availability", "capacity", "cost_rate",
                  "skills", "active", "version"]
TEAM_COLUMNS = ["id", "name", "description", "people", "archived", "capacity", "version"]


def _people(session: Session) -> pd.DataFrame:
    people = frame(session, m.Person, order_by=[m.Person.name, m.Person.id])
    teams = dict(frame(session, m.Team)[["id", "name"]].itertuples(index=False))
    people["team"] = [teams.get(t, NO_TEAM) if not pd.isna(t) else NO_TEAM for t in people["team_id"]]
    return people


def people_table(session: Session, *, include_archived: bool = True) -> pd.DataFrame:
    """People to edit: ``id, name, team, role, email, weekly_hours, availability, capacity (h/week for planned work,
    read-only), cost_rate, skills (comma text), active, version``; active people first, then by name."""
    people = _people(session)
    if not include_archived:
        people = people[people["active"].astype(bool)]
    out = pd.DataFrame({
        "id": people["id"], "name": people["name"], "team": people["team"], "role": people["role"],
        "email": people["email"], "weekly_hours": people["weekly_hours"].astype(float),
        "availability": people["availability"].astype(float),
        "capacity": people["weekly_hours"].astype(float) * people["availability"].astype(float) / 100.0,
        "cost_rate": people["cost_rate"].astype(float),
        "skills": [", ".join(s or []) for s in people["skills"]], "active": people["active"].astype(bool),
        "version": people["version"],
    }, columns=PEOPLE_COLUMNS)
    for column in ("name", "team", "role", "email", "skills"):  # text even when empty (the editor checks types)
        out[column] = out[column].fillna("").astype(str).astype(object)
    out["active"] = out["active"].astype(bool)
    return out.sort_values(["active", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def active_people(session: Session) -> dict[int, str]:
    """Id -> name of the people who can be picked (archived people are left out; their history stays)."""
    people = frame(session, m.Person, m.Person.active.is_(True), order_by=[m.Person.name, m.Person.id])
    return {int(i): str(n) for i, n in zip(people["id"], people["name"], strict=True)}


def teams_table(session: Session) -> pd.DataFrame:
    """Teams with head counts: ``id, name, description, people (active), archived, capacity (h/week of the active
    members for planned work), version``, by name; people without a team are counted in a last row (id empty)."""
    teams = frame(session, m.Team, order_by=[m.Team.name])
    people = _people(session)
    people["capacity"] = people["weekly_hours"].astype(float) * people["availability"].astype(float) / 100.0
    active = people[people["active"].astype(bool)]
    heads = active.groupby("team_id").size()
    gone = people[~people["active"].astype(bool)].groupby("team_id").size()
    capacity = active.groupby("team_id")["capacity"].sum()
    rows = [{"id": int(t.id), "name": t.name, "description": t.description, "people": int(heads.get(t.id, 0)),
             "archived": int(gone.get(t.id, 0)), "capacity": float(capacity.get(t.id, 0.0)), "version": int(t.version)}
            for t in teams.itertuples()]
    loose = people[people["team_id"].isna()]
    if len(loose):
        loose_active = loose[loose["active"].astype(bool)]
        rows.append({"id": None, "name": NO_TEAM, "description": "People not in a team", "people": len(loose_active),
                     "archived": len(loose) - len(loose_active), "capacity": float(loose_active["capacity"].sum()),
                     "version": None})
    out = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    out["id"] = out["id"].astype("Int64")
    out["version"] = out["version"].astype("Int64")
    return out


def team_options(session: Session) -> dict[str, int]:
    """Team name -> id, by name."""
    teams = frame(session, m.Team, order_by=[m.Team.name])
    return {str(n): int(i) for i, n in zip(teams["id"], teams["name"], strict=True)}


def people_metrics(session: Session) -> list[Metric]:
    """Active people, teams, weekly capacity for planned work, archived people."""
    people = _people(session)
    active = people[people["active"].astype(bool)]
    capacity = float((active["weekly_hours"].astype(float) * active["availability"].astype(float) / 100.0).sum())
    n_teams = len(frame(session, m.Team))
    return [
        Metric("Active people", f"{len(active):,}", help="People who can be assigned work and chosen in pickers."),
        Metric("Teams", f"{n_teams:,}"),
        Metric("Capacity for planned work", f"{fmt.hours(capacity)}/week",
               help="Σ weekly hours × availability of the active people, before time off."),
        Metric("Archived", f"{len(people) - len(active):,}",
               help="Archived people keep their history (tasks, hours, activity) but are no longer offered."),
    ]
