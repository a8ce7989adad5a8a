"""Tiny literal plans shared by the workload, allocation and skills unit tests (numbers worked out by hand in the
tests' comments).

Calendar used throughout (2026): ISO week W07 = Mon 9 Feb .. Sun 15 Feb, W08 = Mon 16 Feb .. Sun 22 Feb.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from worksmith.domain.workload import Workload, compute_load

W06, W07, W08, W09 = date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23)


def d(day: int, month: int = 2) -> date:
    return date(2026, month, day)


def people_frame(*rows: dict) -> pd.DataFrame:
    base = {"name": None, "team_id": 1, "weekly_hours": 40.0, "availability": 100.0, "skills": []}
    return pd.DataFrame([{**base, **r} for r in rows])


ALICE = {"id": 1, "name": "Alice"}


def task(task_id: int, start: date | None, finish: date | None, hours: float, assignee: int | None = 1,
         pct: float = 0.0, name: str | None = None, skill: str = "", project: int = 10) -> dict:
    return {"task_id": task_id, "project_id": project, "name": name or f"T{task_id}", "assignee_id": assignee,
            "start": start, "finish": finish, "estimate_hours": hours, "percent_complete": pct,
            "required_skill": skill}


def load(tasks: list[dict], people: pd.DataFrame | None = None, *, time_off: pd.DataFrame | None = None,
         holidays: set[date] | None = None, recurring: pd.DataFrame | None = None,
         operations: pd.DataFrame | None = None, start: date = W07, weeks: int = 2,
         today: date | None = None) -> Workload:
    frame = pd.DataFrame(tasks, columns=list(task(0, None, None, 0).keys()))
    return compute_load(frame, people if people is not None else people_frame(ALICE), time_off, holidays or set(),
                        recurring, operations, start, weeks, today or start)


def cell(wl: Workload, person_id: int, week: date) -> pd.Series:
    cells = wl.cells
    row = cells[(cells["person_id"] == person_id) & (cells["week"] == week)]
    assert len(row) == 1
    return row.iloc[0]


def fix_people() -> pd.DataFrame:
    return people_frame({"id": 1, "name": "Alice", "skills": ["python"]},
                        {"id": 2, "name": "Bob", "skills": ["Python"]},
                        {"id": 3, "name": "Carol", "skills": ["sql"]})


def fix_tasks(extra: list[dict] | None = None, docs_skill: str = "") -> pd.DataFrame:
    """Alice (capacity 40) in W07: 'Build API' 40 h (python, critical) + 'Write docs' 10 h = 50 h, excess 10 h.
    Bob (python) has a 20 h task in W07 -> 20 h free in W07, 40 h in W08. Carol (sql) is free."""
    rows = [task(1, d(9), d(13), 40, name="Build API", skill="python"),
            task(2, d(9), d(13), 10, name="Write docs", skill=docs_skill),
            task(3, d(9), d(13), 20, assignee=2, name="Bob's work")]
    return pd.DataFrame(rows + (extra or []))
