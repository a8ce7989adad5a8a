"""The hand-worked budget project stored, shared by the budgets view and command tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from worksmith.commands.core import Actor, create
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

ALICE = Actor(None, "Alice")
HAND_TODAY = date(2026, 1, 14)  # a Wednesday


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


def store_hand(engine) -> dict:
    """The hand-worked project of tests/unit/test_evm.py, stored: BAC 10,000; baseline task 1 (30 h, Mon 5 – Fri
    9 Jan) and task 2 (10 h, Mon 12 – Fri 16 Jan); task 1 done, task 2 20 %; a 1,600 licence on 6 Jan and
    100 h × 80 booked (3 × 20 h on task 1, 2 × 20 h on task 2)."""
    with write_session(engine) as s:
        person = create(s, m.Person, {"name": "Pat", "cost_rate": 80}, actor=ALICE)
        project = create(s, m.Project, {"name": "Hand", "status": "active", "start": date(2026, 1, 5),
                                        "target_end": date(2026, 1, 16), "budget": 10_000,
                                        "expected_benefit": 24_000}, actor=ALICE)
        t1 = create(s, m.Task, {"project_id": project.id, "name": "Design", "duration_days": 5, "estimate_hours": 30,
                                "percent_complete": 100, "assignee_id": person.id}, actor=ALICE)
        t2 = create(s, m.Task, {"project_id": project.id, "name": "Build", "duration_days": 5, "estimate_hours": 10,
                                "percent_complete": 20, "assignee_id": person.id}, actor=ALICE)
        s.add(m.Baseline(project_id=project.id, name="Plan", budget=10_000, snapshot={
            str(t1.id): {"start": "2026-01-05", "finish": "2026-01-09", "duration": 5, "estimate_hours": 30},
            str(t2.id): {"start": "2026-01-12", "finish": "2026-01-16", "duration": 5, "estimate_hours": 10}}))
        create(s, m.Expense, {"project_id": project.id, "day": date(2026, 1, 6), "amount": 1_600,
                              "category": "software", "note": "licence"}, actor=ALICE)
        for day in (7, 8, 9):
            create(s, m.TimeEntry, {"person_id": person.id, "task_id": t1.id, "day": date(2026, 1, day), "hours": 20},
                   actor=ALICE)
        for day in (12, 13):
            create(s, m.TimeEntry, {"person_id": person.id, "task_id": t2.id, "day": date(2026, 1, day), "hours": 20},
                   actor=ALICE)
        return {"project": project.id, "owner": f"project:{project.id}", "tasks": (t1.id, t2.id)}
