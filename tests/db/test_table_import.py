"""The import wizard's writes on SQLite and PostgreSQL: all or nothing, references by name, duplicates, bulk."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from worksmith.commands.core import Actor
from worksmith.commands.table_rows import TABLES
from worksmith.exchange import tables_import as ti
from worksmith.exchange.tables_import import ImportRefused
from worksmith.store import models as m
from worksmith.store.db import read_session, run_in_transaction

ME = Actor(None, "importer")
TODAY = date(2026, 11, 25)


def counts(engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {model.__tablename__: s.exec(select(func.count()).select_from(model)).one()[0]
                for model in (m.Team, m.Person, m.Project, m.Phase, m.Task, m.BudgetLine, m.Expense, m.ActivityLog,
                              m.Setting)}


def load(engine, table: str, data: str | bytes, filename: str = "f.csv", **options):
    raw = data.encode() if isinstance(data, str) else data
    frame = ti.read_table(raw, filename)
    mapping = options.pop("mapping", None) or ti.guess_mapping(table, list(frame.columns))
    return run_in_transaction(engine, lambda s: ti.import_file(s, actor=ME, table=table, data=raw, filename=filename,
                                                               mapping=mapping, today=TODAY, **options))


PEOPLE = "Name;Team;Role;Hourly rate;Capacity;Skills\nAna;Marketing;Designer;65;40;design, research\nBo;Sales;;70;32;\n"


def test_people_with_new_teams_need_the_offer_then_import_whole(engine):
    before = counts(engine)
    with pytest.raises(ImportRefused, match="do not exist yet") as refused:
        load(engine, "person", PEOPLE)
    assert refused.value.problems == ["team 'Marketing'", "team 'Sales'"]
    assert counts(engine) == before
    result = load(engine, "person", PEOPLE, create_missing=True)
    assert (result.created, result.made) == (2, {"team": ["Marketing", "Sales"]})
    with read_session(engine) as s:
        ana = s.exec(select(m.Person).where(m.Person.name == "Ana")).one()[0]
        team = s.get(m.Team, ana.team_id)
        assert (team.name, ana.cost_rate, ana.weekly_hours, ana.skills) == ("Marketing", 65, 40, ["design", "research"])
    after = counts(engine)
    assert after["activity_log"] - before["activity_log"] == 4  # 2 teams + 2 people, one audit row each
    assert after["setting"] == before["setting"] + 1  # the mapping, remembered for this file shape
    with read_session(engine) as s:
        remembered = ti.saved_mapping(s, table="person", headers=["Name", "Team", "Role", "Hourly rate", "Capacity",
                                                                  "Skills"])
    assert remembered["cost_rate"] == "Hourly rate"


def test_one_bad_row_refuses_the_file_and_writes_nothing(engine):
    load(engine, "team", "Name\nMarketing\n")
    before = counts(engine)
    with pytest.raises(ImportRefused, match="1 of 3 rows") as refused:
        load(engine, "person", "Name,Team,Capacity\nAna,Marketing,40\nBo,Marketing,400\nCy,Marketing,20\n")
    assert refused.value.problems[0].startswith("row 2: Weekly hours")
    assert counts(engine) == before


def test_duplicates_by_the_chosen_key_update_or_skip(engine):
    load(engine, "person", "Name,Email,Capacity\nAna,ana@x.org,40\n")
    skipped = load(engine, "person", "Name,Email,Capacity\nANA ,ana@x.org,30\nBo,bo@x.org,20\n")
    assert (skipped.created, skipped.skipped) == (1, 1)
    updated = load(engine, "person", "Name,Email,Capacity\nAna Lopez,ana@x.org,30\n", key="Email",
                   on_duplicate="update")
    assert (updated.created, updated.updated) == (0, 1)
    with read_session(engine) as s:
        people = {p.email: (p.name, p.weekly_hours, p.version) for (p,) in s.exec(select(m.Person)).all()}
    assert people["ana@x.org"] == ("Ana Lopez", 30, 2)


def test_tasks_into_a_new_project_with_phases_are_scheduled(engine):
    result = load(engine, "task", "Project,Task,Phase,Assignee,Duration,Estimate\nLaunch,Design,Build,Ana,5,40\n"
                                  "Launch,Go live,Ship,,0,0\n", create_missing=True)
    assert result.made == {"person": ["Ana"], "project": ["Launch"], "phase": ["Build", "Ship"]}
    with read_session(engine) as s:
        tasks = {t.name: t for (t,) in s.exec(select(m.Task)).all()}
    assert tasks["Design"].start_date is not None and tasks["Design"].finish_date is not None
    assert tasks["Go live"].duration_days == 0


def test_large_files_are_inserted_in_bulk_with_one_audit_row(engine):
    load(engine, "project", "Name\nLaunch\n")
    before = counts(engine)
    rows = "".join(f"Launch,2026-{1 + i % 12:02d}-{1 + i % 28:02d},{i + 1},travel,n{i}\n" for i in range(700))
    result = load(engine, "expense", "Project,Date,Amount,Category,Note\n" + rows)
    after = counts(engine)
    assert result.created == 700 and after["expense"] == before["expense"] + 700
    assert after["activity_log"] == before["activity_log"] + 1
    again = load(engine, "expense", "Project,Date,Amount,Category,Note\n" + rows)
    assert (again.created, again.skipped) == (0, 700)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(table=st.sampled_from(list(TABLES)), body=st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(st.sampled_from(["", "Ana", "Marketing", "40", "-1", "2027-01-31", "1e400", "x" * 300, "a;b",
                                       "\ufeffName", "Launch"]), max_size=6), min_size=1, max_size=5).map(
        lambda rows: "\n".join(";".join(r) for r in rows).encode("utf-8-sig"))))
def test_fuzzed_files_import_cleanly_or_are_refused_whole(engine, table, body):
    before = counts(engine)
    try:
        load(engine, table, b"Name;Project;Date;Amount;Month;Planned;Team\n" + body, create_missing=True)
    except ImportRefused as refused:
        assert refused.problems
        assert counts(engine) == before
