"""People and teams (commands.people, views.people) on SQLite and PostgreSQL, and the refusal of writes with no
actor (commands.core): create, edit with version checks, archive (history kept, gone from pickers), time off, the
people a plan import names, and the table the People page saves."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from worksmith.commands import core
from worksmith.commands import people as commands
from worksmith.commands.core import SYSTEM, Actor
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import people as views
from worksmith.views import workload as workload_views

ALICE = Actor(None, "Alice")


def person(engine, name: str) -> m.Person:
    with read_session(engine) as s:
        return s.exec(select(m.Person).where(m.Person.name == name)).one()[0]


def logged(engine) -> list[tuple[str, str]]:
    with read_session(engine) as s:
        return [(r.actor, r.summary) for r in s.exec(select(m.ActivityLog).order_by(m.ActivityLog.id)).scalars()]


@pytest.fixture
def team_id(engine) -> int:
    with write_session(engine) as s:
        return commands.create_team(s, actor=ALICE, name="Design", description="Brand and product design").id


def test_create_a_team_and_a_person_with_everything_the_page_asks_for(engine, team_id):
    with write_session(engine) as s:
        commands.create_person(s, actor=ALICE, name="  Ada   Lovelace ", team_id=team_id, role="Designer",
                               email="ada@example.org", weekly_hours=32, availability=75, cost_rate=88.5,
                               skills="ux, design, ux")
    ada = person(engine, "Ada Lovelace")
    assert (ada.team_id, ada.role, ada.weekly_hours, ada.availability, ada.cost_rate, ada.skills, ada.active) == (
        team_id, "Designer", 32, 75, 88.5, ["design", "ux"], True)
    with read_session(engine) as s:
        table = views.people_table(s)
        teams = views.teams_table(s)
    row = table.iloc[0]
    assert (row["name"], row["team"], row["capacity"], row["skills"]) == ("Ada Lovelace", "Design", 24.0, "design, ux")
    assert teams[["name", "people", "archived", "capacity"]].values.tolist() == [["Design", 1, 0, 24.0]]
    assert ("Alice", "created person 'Ada Lovelace'") in logged(engine)


@pytest.mark.parametrize(("changes", "field"), [
    ({"weekly_hours": 169}, "weekly_hours"), ({"availability": -1}, "availability"),
    ({"cost_rate": float("inf")}, "cost_rate"), ({"name": "   "}, "name")])
def test_out_of_bounds_values_are_refused_by_the_model(engine, changes, field):
    with pytest.raises(ValidationError) as refused, write_session(engine) as s:
        commands.create_person(s, actor=ALICE, **{"name": "Bob", **changes})
    assert refused.value.field == field
    with read_session(engine) as s:
        assert views.people_table(s).empty


def test_a_second_person_or_team_with_the_same_name_is_refused(engine, team_id):
    with write_session(engine) as s:
        commands.create_person(s, actor=ALICE, name="Bob")
    with pytest.raises(ValidationError, match="'Bob' is already in this workspace"), write_session(engine) as s:
        commands.create_person(s, actor=ALICE, name="bob")
    with pytest.raises(ValidationError, match="already a team called 'Design'"), write_session(engine) as s:
        commands.create_team(s, actor=ALICE, name="design")


def test_update_person_checks_the_version(engine):
    with write_session(engine) as s:
        bob = commands.create_person(s, actor=ALICE, name="Bob")
    with write_session(engine) as s:
        commands.update_person(s, actor=ALICE, person_id=bob.id, expected_version=1, role="Tester")
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        commands.update_person(s, actor=ALICE, person_id=bob.id, expected_version=1, weekly_hours=20)
    assert (person(engine, "Bob").role, person(engine, "Bob").weekly_hours) == ("Tester", 40)


def test_rename_a_team(engine, team_id):
    with write_session(engine) as s:
        commands.create_team(s, actor=ALICE, name="Data")
    with pytest.raises(ValidationError, match="already a team called 'Data'"), write_session(engine) as s:
        commands.update_team(s, actor=ALICE, team_id=team_id, expected_version=1, name="data")
    with write_session(engine) as s:
        commands.update_team(s, actor=ALICE, team_id=team_id, expected_version=1, name="Product design")
    with read_session(engine) as s:
        assert views.team_options(s) == {"Data": team_id + 1, "Product design": team_id}


def test_archived_people_leave_the_pickers_but_keep_their_history(engine, today):
    with write_session(engine) as s:
        bob = commands.create_person(s, actor=ALICE, name="Bob")
        project = core.create(s, m.Project, {"name": "Site"}, actor=ALICE)
        task = core.create(s, m.Task, {"project_id": project.id, "name": "Build", "assignee_id": bob.id},
                           actor=ALICE)
        commands.add_time_off(s, actor=ALICE, person_id=bob.id, start=date(2026, 12, 1), end=date(2026, 12, 2))
    with write_session(engine) as s:
        commands.archive_person(s, actor=ALICE, person_id=bob.id, expected_version=1)
    with read_session(engine) as s:
        assert views.active_people(s) == {}
        assert s.get(m.Task, task.id).assignee_id == bob.id  # history stays
        table = views.people_table(s)
        assert table[["name", "active"]].values.tolist() == [["Bob", False]]
        assert views.people_table(s, include_archived=False).empty
        assert [m_.value for m_ in views.people_metrics(s)][0::3] == ["0", "1"]
    with write_session(engine) as s:
        commands.restore_person(s, actor=ALICE, person_id=bob.id, expected_version=2)
    with read_session(engine) as s:
        assert views.active_people(s) == {bob.id: "Bob"}


def test_add_time_off_checks_the_range(engine):
    with write_session(engine) as s:
        bob = commands.create_person(s, actor=ALICE, name="Bob")
    with pytest.raises(ValidationError), write_session(engine) as s:
        commands.add_time_off(s, actor=ALICE, person_id=bob.id, start=date(2026, 12, 3), end=date(2026, 12, 1))
    with write_session(engine) as s:
        commands.add_time_off(s, actor=ALICE, person_id=bob.id, start=date(2026, 12, 1), end=date(2026, 12, 3),
                              note="dentist")
    with read_session(engine) as s:
        off = workload_views.time_off_table(s)
    assert off[["person", "working_days", "note"]].values.tolist() == [["Bob", 3, "dentist"]]


def test_create_people_for_a_plan_import_skips_blanks_repeats_and_known_names(engine, team_id):
    with write_session(engine) as s:
        commands.create_person(s, actor=ALICE, name="Bob")
    with write_session(engine) as s:
        made = commands.create_people(s, actor=ALICE, names=["Zoe", " zoe ", "", "BOB", "Yann  Le Gall", None],
                                      team_id=team_id)
        assert [p.name for p in made] == ["Zoe", "Yann Le Gall"]
    with write_session(engine) as s:  # accepting the offer twice doubles nobody
        assert commands.create_people(s, actor=ALICE, names=["Zoe", "Yann Le Gall"]) == []
    with read_session(engine) as s:
        assert sorted(views.active_people(s).values()) == ["Bob", "Yann Le Gall", "Zoe"]
    assert (person(engine, "Zoe").team_id, person(engine, "Zoe").weekly_hours) == (team_id, 40)


def test_save_people_applies_every_edit_or_none(engine, team_id):
    with write_session(engine) as s:
        commands.create_person(s, actor=ALICE, name="Ann")
        commands.create_person(s, actor=ALICE, name="Bob")
    with read_session(engine) as s:
        original = views.people_table(s)
    edited = original.copy()
    edited.loc[edited["name"] == "Ann", ["team", "cost_rate", "skills"]] = ["Design", 70.0, "ux"]
    edited.loc[edited["name"] == "Bob", "availability"] = 150.0  # out of bounds: nothing is saved
    with pytest.raises(ValidationError, match=r"People row 2 \(Bob\): availability"), write_session(engine) as s:
        commands.save_people(s, actor=ALICE, original=original, edited=edited)
    assert person(engine, "Ann").cost_rate == 0
    edited.loc[edited["name"] == "Bob", ["availability", "active"]] = [50.0, False]
    with write_session(engine) as s:
        assert commands.save_people(s, actor=ALICE, original=original, edited=edited) == \
            "People saved: 2 people changed."
    ann, bob = person(engine, "Ann"), person(engine, "Bob")
    assert (ann.team_id, ann.cost_rate, ann.skills) == (team_id, 70.0, ["ux"])
    assert (bob.availability, bob.active) == (50.0, False)
    with write_session(engine) as s:  # the same edits again: stale versions are refused
        with pytest.raises(ConflictError):
            commands.save_people(s, actor=ALICE, original=original, edited=edited.assign(role="x"))


@pytest.mark.parametrize("nobody", [Actor(None, "anonymous"), Actor(None, ""), Actor(None, "  ")])
def test_a_write_with_no_actor_is_refused_and_nothing_is_saved(engine, nobody):
    with write_session(engine) as s:
        bob = commands.create_person(s, actor=SYSTEM, name="Bob")  # system actors have a name: allowed
    for write in (lambda s: commands.create_person(s, actor=nobody, name="Eve"),
                  lambda s: commands.update_person(s, actor=nobody, person_id=bob.id, expected_version=1, role="x"),
                  lambda s: core.delete(s, m.Person, bob.id, actor=nobody),
                  lambda s: core.log(s, nobody, "update", "person", bob.id, "something")):
        with pytest.raises(ValidationError, match="Choose who you are in 'Acting as'") as refused, \
                write_session(engine) as s:
            write(s)
        assert refused.value.field == "actor"
    with read_session(engine) as s:
        assert list(views.active_people(s).values()) == ["Bob"]
        assert views.people_table(s)["role"].tolist() == [""]
    assert [who for who, _ in logged(engine)] == ["system"]
