"""Workload inputs: the plan's people and tasks frames, checked and turned into arrays for the workload engine.

    remaining hours = estimate_hours × (1 − percent_complete / 100)   (missing estimate = 0, % complete clipped
                      to 0..100)
    weekly hours, availability: missing = the model defaults 40 h and 80 %; clipped to ≥ 0 and 0..100
    a task's finish before its start (or missing) = its start
    skills: a list or comma-separated text, matched case-insensitively (``skill_key``); the first spelling met is
            the label shown

Pure: plain DataFrames in, NumPy arrays out. Used by :mod:`worksmith.domain.workload`, ``allocation`` and ``skills``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.calendar import to_days
from worksmith.errors import ValidationError

DEFAULT_WEEKLY_HOURS = 40.0
DEFAULT_AVAILABILITY = 80.0


def remaining_hours(estimate_hours: Any, percent_complete: Any) -> np.ndarray:
    """remaining = estimate × (1 − % complete / 100); missing estimate = 0, % complete clipped to 0..100."""
    est = np.nan_to_num(np.asarray(estimate_hours, dtype=float), nan=0.0)
    pct = np.clip(np.nan_to_num(np.asarray(percent_complete, dtype=float), nan=0.0), 0.0, 100.0)
    return np.clip(est, 0.0, None) * (1.0 - pct / 100.0)



# --- input normalisation --------------------------------------------------------------------------------------


def require_columns(frame: pd.DataFrame | None, columns: Iterable[str], name: str) -> pd.DataFrame:
    if frame is None:
        frame = pd.DataFrame(columns=list(columns))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"The {name} table lacks the column(s): {', '.join(missing)}", field=missing[0])
    return frame


def column_or(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def objects(values: Any) -> np.ndarray:
    """Object array with ``None`` for missing values (ids, names)."""
    arr = np.array(pd.Series(values).astype(object), dtype=object)
    if arr.size:
        arr[pd.isna(arr)] = None
    return arr


def id_array(values: np.ndarray) -> Any:
    """Ids as nullable integers when they are integral numbers, else left as they are."""
    try:
        return pd.array(values, dtype="Int64")
    except (TypeError, ValueError):
        return pd.array(values, dtype=object)


def skill_key(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip().casefold()


def skill_set(value: Any) -> set[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return set()
    if isinstance(value, str):
        value = value.split(",")
    return {skill_key(s) for s in value if skill_key(s)}


@dataclass
class PeopleArrays:
    ids: np.ndarray            # object
    index: pd.Index
    names: np.ndarray          # object
    team_ids: np.ndarray       # object
    weekly: np.ndarray
    availability: np.ndarray
    active: np.ndarray
    skills: list[set[str]]
    skill_labels: dict[str, str]

    def __len__(self) -> int:
        return len(self.ids)


def prepare_people(people: pd.DataFrame) -> PeopleArrays:
    people = require_columns(people, ["id", "weekly_hours", "availability"], "people")
    ids = objects(people["id"])
    if len(set(ids.tolist())) != len(ids):
        raise ValidationError("The people table has a repeated id", field="id")
    names = objects(column_or(people, "name", None))
    names = np.array([n if n is not None else f"person {i}" for n, i in zip(names, ids, strict=True)], dtype=object)
    weekly = pd.to_numeric(people["weekly_hours"], errors="coerce").fillna(DEFAULT_WEEKLY_HOURS).to_numpy(float)
    avail = pd.to_numeric(people["availability"], errors="coerce").fillna(DEFAULT_AVAILABILITY).to_numpy(float)
    active = column_or(people, "active", True).fillna(True).astype(bool).to_numpy()
    raw_skills = column_or(people, "skills", None).tolist()
    skills = [skill_set(v) for v in raw_skills]
    labels: dict[str, str] = {}
    for v in raw_skills:
        for s in (v.split(",") if isinstance(v, str) else (v if isinstance(v, (list, tuple, set)) else [])):
            labels.setdefault(skill_key(s), str(s).strip())
    labels.pop("", None)
    return PeopleArrays(
        ids=ids, index=pd.Index(ids, dtype=object), names=names, team_ids=objects(column_or(people, "team_id", None)),
        weekly=np.clip(weekly, 0, None), availability=np.clip(avail, 0, 100), active=active, skills=skills,
        skill_labels=labels,
    )


@dataclass
class TaskArrays:
    ids: np.ndarray
    names: np.ndarray
    project_ids: np.ndarray
    assignee_ids: np.ndarray
    person: np.ndarray         # index into people, -1 = none/unknown
    start: np.ndarray          # datetime64[D]
    finish: np.ndarray
    remaining: np.ndarray
    skills: np.ndarray         # casefolded required skill, "" = anyone
    skill_labels: dict[str, str]

    def take(self, rows: np.ndarray) -> TaskArrays:
        return TaskArrays(self.ids[rows], self.names[rows], self.project_ids[rows], self.assignee_ids[rows],
                      self.person[rows], self.start[rows], self.finish[rows], self.remaining[rows], self.skills[rows],
                      self.skill_labels)


TASK_COLUMNS = ["task_id", "project_id", "name", "assignee_id", "start", "finish", "estimate_hours", "percent_complete"]


def prepare_tasks(tasks: pd.DataFrame, people: PeopleArrays) -> TaskArrays:
    tasks = require_columns(tasks, TASK_COLUMNS, "tasks")
    start = to_days(tasks["start"], "start")
    finish = to_days(tasks["finish"], "finish")
    finish = np.where(np.isnat(finish) | (finish < start), start, finish)
    assignees = objects(tasks["assignee_id"])
    person = people.index.get_indexer(pd.Index(assignees, dtype=object)) if len(people) else np.full(len(tasks), -1)
    raw_skill = column_or(tasks, "required_skill", "").tolist()
    known: dict[Any, str] = {}  # a handful of skills among thousands of tasks: each worked out once

    def key_of(value: Any) -> str:
        try:
            return known[value]
        except KeyError:
            known[value] = skill_key(value)
            return known[value]
        except TypeError:  # not hashable
            return skill_key(value)

    skills = [key_of(s) for s in raw_skill]
    labels: dict[str, str] = {}
    for s, key in zip(raw_skill, skills, strict=True):
        if key:
            labels.setdefault(key, str(s).strip())
    return TaskArrays(
        ids=objects(tasks["task_id"]), names=objects(tasks["name"]), project_ids=objects(tasks["project_id"]),
        assignee_ids=assignees, person=np.asarray(person, dtype=np.int64), start=start, finish=finish,
        remaining=remaining_hours(pd.to_numeric(tasks["estimate_hours"], errors="coerce"),
                                  pd.to_numeric(tasks["percent_complete"], errors="coerce")),
        skills=np.array(skills, dtype=object), skill_labels=labels,
    )


