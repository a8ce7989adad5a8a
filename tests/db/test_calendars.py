"""Recurring work as RRULEs (migration 0006, the picker's command) and the iCalendar feeds, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from tests.unit.rrule_reference import old_next_due
from worksmith.commands import operations as commands
from worksmith.commands.core import Actor, create
from worksmith.domain.calendar import LAST_WORKING_DAY
from worksmith.domain.operations import next_due
from worksmith.errors import ConflictError, ValidationError
from worksmith.exchange import ical
from worksmith.exchange import tables_import as ti
from worksmith.store import models as m
from worksmith.store.db import read_session, run_in_transaction, write_session
from worksmith.store.migrations import alembic_config

ME = Actor(None, "tester")
TODAY = date(2026, 11, 25)
ANCHORS = [("weekly", date(2026, 1, 7)), ("monthly", date(2025, 1, 31)), ("monthly", date(2026, 3, 30)),
           ("quarterly", date(2024, 2, 29)), ("quarterly", date(2026, 1, 15)), ("monthly", date(2026, 12, 29))]


def _migrate(engine, target: str, down: bool = False) -> None:
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(conn), target)


def test_migration_0006_fills_rules_and_keeps_every_next_due_date(engine):
    _migrate(engine, "0005", down=True)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO operation (version, name, description, demand_hours_per_week, stages, "
                          "checklist, active) VALUES (1, 'Ops', '', 0, '[]', '[]', true)"))
        op = conn.execute(text("SELECT id FROM operation")).scalar_one()
        for i, (cadence, anchor) in enumerate(ANCHORS):
            conn.execute(text("INSERT INTO recurring_task (version, operation_id, name, cadence, hours, anchor, rrule)"
                              " VALUES (1, :op, :name, :cadence, 1, :anchor, '')"),
                         {"op": op, "name": f"r{i}", "cadence": cadence, "anchor": anchor})
    _migrate(engine, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT cadence, anchor, rrule FROM recurring_task ORDER BY name")).all()
    assert [r.rrule for r in rows][:3] == ["FREQ=WEEKLY;BYDAY=WE", "FREQ=MONTHLY;BYMONTHDAY=-1",
                                           "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"]
    for r in rows:
        anchor = r.anchor if isinstance(r.anchor, date) else date.fromisoformat(str(r.anchor))
        for today in (TODAY, date(2027, 2, 27), date(2028, 2, 28), date(2026, 12, 31)):
            assert next_due(r.cadence, anchor, today, r.rrule) == old_next_due(r.cadence, anchor, today)
    _migrate(engine, "0005", down=True)
    with engine.connect() as conn:
        assert {r[0] for r in conn.execute(text("SELECT rrule FROM recurring_task"))} == {""}
    _migrate(engine, "head")


@pytest.fixture
def recurring(engine) -> int:
    with write_session(engine) as s:
        op = create(s, m.Operation, {"name": "Finance"}, actor=ME)
        ann = create(s, m.Person, {"name": "Ann"}, actor=ME)
        return create(s, m.RecurringTask, {"operation_id": op.id, "name": "Close the books", "cadence": "monthly",
                                           "assignee_id": ann.id, "anchor": date(2026, 1, 30)}, actor=ME).id


def test_the_picker_rule_is_saved_with_its_cadence(engine, recurring):
    run_in_transaction(engine, lambda s: commands.set_recurrence(
        s, actor=ME, recurring_task_id=recurring, rule=LAST_WORKING_DAY, expected_version=1))
    with read_session(engine) as s:
        row = s.get(m.RecurringTask, recurring)
        assert (row.rrule, row.cadence, row.version) == (LAST_WORKING_DAY, "monthly", 2)
        assert next_due(row.cadence, row.anchor, date(2027, 1, 1), row.rrule) == date(2027, 1, 29)
    with pytest.raises(ConflictError):
        run_in_transaction(engine, lambda s: commands.set_recurrence(
            s, actor=ME, recurring_task_id=recurring, rule="FREQ=WEEKLY;BYDAY=MO", expected_version=1))
    for bad in ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31", "FREQ=DAILY"):
        with pytest.raises(ValidationError):
            run_in_transaction(engine, lambda s, bad=bad: commands.set_recurrence(
                s, actor=ME, recurring_task_id=recurring, rule=bad, expected_version=2))


def test_feeds_parse_back_with_every_date(engine, recurring):
    raw = (b"Project,Task,Assignee,Duration\nLaunch,Design,Ann,5\nLaunch,Go live,Ann,0\nOther,Kick-off,,0\n")
    run_in_transaction(engine, lambda s: ti.import_file(
        s, actor=ME, table="task", data=raw, filename="t.csv", create_missing=True, today=TODAY,
        mapping=ti.guess_mapping("task", ["Project", "Task", "Assignee", "Duration"])))
    stamp = datetime(2026, 11, 25, 9, tzinfo=UTC)
    with read_session(engine) as s:
        tasks = {t.name: t for t in s.exec(select(m.Task)).all()}
        launch = tasks["Design"].project_id
        ann = tasks["Design"].assignee_id
        project = ical.read_events(ical.project_ics(s, project_id=launch, stamp=stamp))
        person = ical.read_events(ical.person_ics(s, person_id=ann, stamp=stamp))
        workspace = ical.read_events(ical.workspace_ics(s, stamp=stamp))
    design, live = tasks["Design"], tasks["Go live"]
    assert project == {f"task-{design.id}-deadline@worksmith": (design.finish_date, design.finish_date, ""),
                       f"task-{live.id}-milestone@worksmith": (live.start_date, live.start_date, "")}
    assert person[f"task-{design.id}@worksmith"][:2] == (design.start_date, design.finish_date)
    assert person[f"recurring-{recurring}@worksmith"] == (date(2026, 1, 30), date(2026, 1, 30),
                                                          "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1")
    assert set(workspace) == {f"task-{live.id}-milestone@worksmith",
                              f"task-{tasks['Kick-off'].id}-milestone@worksmith"}


def test_a_calendar_that_reads_back_wrong_is_refused():
    event = ical.Event("x@worksmith", "X", date(2026, 1, 1), date(2026, 1, 1))
    data = ical.calendar_bytes("t", [event])
    with pytest.raises(ical.CalendarError):
        ical.check_calendar(data, [ical.Event("x@worksmith", "X", date(2026, 1, 2), date(2026, 1, 2))])
    with pytest.raises(ical.CalendarError):
        ical.check_calendar(data, [event, ical.Event("y@worksmith", "Y", date(2026, 1, 1), date(2026, 1, 1))])
