"""What the Scenarios page offers: the choices for workshop moves, and the scenario's changes to review."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from worksmith.store import models as m
from worksmith.views.changes import Change, scenario_changes
from worksmith.views.tables import frame

CANDIDATE_STATUSES = ("proposed", "approved")


@dataclass
class MoveOptions:
    projects: pd.DataFrame  # id, name, status, version, start, budget — projects that can be shifted or scaled
    candidates: pd.DataFrame  # id, name, status, version — proposed or approved
    teams: dict[int, str]
    people: pd.DataFrame  # id, name, team_id, weekly_hours, version


def move_options(session: Session) -> MoveOptions:
    projects = frame(session, m.Project)[["id", "name", "status", "version", "start", "budget"]]
    live = projects[~projects["status"].isin(["done", "cancelled"])].sort_values("name")
    people = frame(session, m.Person)
    people = people[people["active"].astype(bool)][["id", "name", "team_id", "weekly_hours", "version"]]
    teams = frame(session, m.Team)
    return MoveOptions(live.reset_index(drop=True),
                       live[live["status"].isin(CANDIDATE_STATUSES)].reset_index(drop=True),
                       dict(zip(teams["id"].tolist(), teams["name"], strict=True)),
                       people.sort_values("name").reset_index(drop=True))


@dataclass
class Review:
    changes: list[Change]
    table: pd.DataFrame  # key, change, kind, conflict — one row per change, for the review grid
    applicable: int
    conflicts: int


KIND_WORDS = {"update": "changed", "create": "new", "delete": "deleted"}


def review(base: Session, scenario: Session) -> Review:
    """The scenario's changes against ``base`` (live), with the conflicts that cannot be applied."""
    changes = scenario_changes(scenario, base)
    table = pd.DataFrame({"key": [c.key for c in changes], "change": [c.label for c in changes],
                          "kind": [KIND_WORDS[c.kind] for c in changes],
                          "conflict": [c.conflict or "" for c in changes]})
    conflicts = sum(1 for c in changes if c.conflict)
    return Review(changes, table, len(changes) - conflicts, conflicts)
