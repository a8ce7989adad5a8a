"""The stored P80 finish (``project.p80_finish``, migration 0007) on SQLite and PostgreSQL: exactly what the
one-project-at-a-time ``views.risk.p80_finishes`` computes, kept right by every write that moves it (reschedule,
an estimate edit that moves no date, a task done / not done), carried by demo seeds, restores and branches, and
what the Overview shows."""

from __future__ import annotations

import json
from datetime import date

import pytest
from projects_fixtures import ANA, grid, planned, tasks_by_ref
from sqlalchemy import select, update

from worksmith import demo
from worksmith.commands import my_work
from worksmith.commands import project_plan as cpp
from worksmith.commands import scenarios as moves
from worksmith.commands.core import Actor
from worksmith.commands.p80 import store_p80
from worksmith.exchange.backup import backup_json, restore_json
from worksmith.store import branches
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, upgrade, write_session
from worksmith.views import risk as vr
from worksmith.views.changes import scenario_changes
from worksmith.views.overview import overview
from worksmith.views.p80 import p80_of, stored_p80

FINISH = date(2026, 12, 15)  # the fixture plan's deterministic finish (the Launch milestone)
ADMIN = Actor(None, "Admin", "admin")


def _all_ids(engine) -> list[int]:
    with read_session(engine) as s:
        return list(s.exec(select(m.Project.id)).scalars())


def _stored(engine) -> dict[int, date | None]:
    with read_session(engine) as s:
        return stored_p80(s, project_ids=_all_ids(engine))


def _old(engine, today) -> dict[int, date | None]:
    """The reference: the Risk module's one-project-at-a-time path (full ``simulate`` per project)."""
    with read_session(engine) as s:
        return vr.p80_finishes(s, project_ids=_all_ids(engine), today=today)


@pytest.mark.parametrize("size", ["S", "M"])
def test_the_demo_stores_exactly_the_p80_of_the_full_simulation(engine, today, size):
    demo.seed(engine, size, today=today)
    old = _old(engine, today)
    assert sum(v is not None for v in old.values()) >= (3 if size == "S" else 30)  # most active projects have one
    assert _stored(engine) == old
    with read_session(engine) as s:
        assert p80_of(s, project_ids=list(old)[::2], today=today) == {k: old[k] for k in list(old)[::2]}
    with write_session(engine) as s:
        assert store_p80(s, today=today) == 0  # already right: nothing written


def _ranged(engine, today, ranges: dict[int, tuple[int | None, int | None]], pid: int | None = None) -> int:
    pid = pid or planned(engine, today)
    rows = grid(engine, pid)
    for r in rows:
        r["duration_min_days"], r["duration_max_days"] = ranges.get(r["ref"], (None, None))
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    return pid


def test_an_estimate_that_moves_no_date_still_moves_the_stored_p80(engine, today):
    pid = _ranged(engine, today, {})
    assert _stored(engine) == {pid: None}  # no estimate
    _ranged(engine, today, {2: (4, 8)}, pid)  # Build 5 days most likely: the finish can slip, no date moves
    p80 = _stored(engine)[pid]
    assert FINISH < p80 <= date(2026, 12, 18) and _stored(engine) == _old(engine, today)
    _ranged(engine, today, {2: (5, 5)}, pid)  # a fixed range: the deterministic finish
    assert _stored(engine) == {pid: FINISH} == _old(engine, today)


def test_a_task_done_or_not_done_moves_the_stored_p80(engine, today):
    pid = _ranged(engine, today, {2: (4, 8)})
    ranged = _stored(engine)[pid]
    assert ranged > FINISH
    build = tasks_by_ref(engine, pid)[2]
    with write_session(engine) as s:  # done: its duration is history, fixed
        cpp.move_task(s, task_id=build.id, status="done", expected_version=build.version, actor=ANA)
    assert _stored(engine) == {pid: FINISH} == _old(engine, today)
    build = tasks_by_ref(engine, pid)[2]
    with write_session(engine) as s:
        my_work.set_progress(s, task_id=build.id, percent_complete=50, expected_version=build.version, actor=ANA)
    assert _stored(engine) == {pid: ranged} == _old(engine, today)


def test_the_overview_shows_the_stored_column(engine, today):
    pid = _ranged(engine, today, {2: (4, 8)})
    with write_session(engine) as s:  # a value the simulation never gives: the Overview must show it as stored
        s.connection().execute(update(m.Project.__table__).values(p80_finish=date(2027, 3, 1)))
    with read_session(engine) as s:
        row = overview(s, today=today).portfolio.iloc[0]
    assert row["project"] == "Website" and row["p80_finish"] == "Mon 1 Mar 2027"
    with write_session(engine) as s:
        assert store_p80(s, project_ids=[pid], today=today) == 1
    assert _stored(engine) == _old(engine, today)


def test_a_backup_without_the_column_restores_and_gets_it_recomputed(engine, today, tmp_path):
    pid = _ranged(engine, today, {2: (4, 8), 4: (2, 6)})
    expected = _stored(engine)
    assert expected[pid] is not None
    with read_session(engine) as s:
        document = json.loads(json.dumps(backup_json(s)))
    assert document["tables"]["project"][0]["p80_finish"] == expected[pid].isoformat()  # a backup carries it
    for row in document["tables"]["project"]:
        del row["p80_finish"]  # as written before migration 0007
    target = get_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    upgrade(target)
    try:
        with write_session(target) as s:
            restore_json(s, document, actor=ADMIN)
        assert _stored(target) == expected
    finally:
        target.dispose()


def test_a_branch_carries_the_stored_p80(engine, today):
    pid = _ranged(engine, today, {2: (4, 8)})
    made = branches.create_branch(engine.url.render_as_string(hide_password=False), name="P80")
    branch = get_engine(made.url)
    try:
        assert _stored(branch) == _stored(engine) and _stored(branch)[pid] is not None
    finally:
        branch.dispose()


def test_a_scenario_move_lists_no_p80_change_and_applies_with_it_recomputed(engine, today):
    """The P80 is computed, like the tasks' dates: a shifted project's new P80 is not a change to apply (live
    recomputes it when the start is applied)."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        project = s.exec(select(m.Project).where(m.Project.p80_finish.is_not(None)).order_by(m.Project.id)).scalars() \
            .first()
    made = branches.create_branch(engine.url.render_as_string(hide_password=False), name="Later")
    scenario = get_engine(made.url)
    try:
        with write_session(scenario) as s:
            moves.shift_project(s, actor=ANA, project_id=project.id, days=20, expected_version=project.version,
                                today=today)
        moved = _stored(scenario)[project.id]
        assert moved > project.p80_finish
        with read_session(scenario) as b, read_session(engine) as lv:
            changes = [c for c in scenario_changes(b, lv) if c.key == f"project:{project.id}"]
        assert len(changes) == 1 and "P80" not in changes[0].label and "p80" not in changes[0].label
        with write_session(engine) as s:
            assert moves.apply_changes(s, actor=ANA, changes=changes, scenario=made.name, today=today) == 1
        assert _stored(engine)[project.id] == moved == _old(engine, today)[project.id]
    finally:
        scenario.dispose()
