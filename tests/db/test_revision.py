"""The workspace revision (``store.db.revision``) is what keeps app replicas in agreement: every read cache is keyed
by it, so a write through one engine (one replica) must be seen by another engine (another replica, its own
connection pool) on the same database — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, revision, write_session


@pytest.fixture
def replica(engine):
    """A second engine (its own pool) on the same database as ``engine``."""
    other = get_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def _rename_first_person(engine, name: str) -> None:
    with write_session(engine) as s:
        person = s.exec(select(m.Person).order_by(m.Person.id)).scalars().first()
        person.name = name
        s.add(person)


def test_two_engines_see_each_others_revision_bumps(engine, replica, today):
    demo.seed(engine, "S", today=today)
    start = revision(engine)
    assert revision(replica) == start > 0
    _rename_first_person(engine, "Ada One")
    assert revision(replica) == revision(engine) == start + 1
    _rename_first_person(replica, "Ada Two")
    assert revision(engine) == revision(replica) == start + 2
    with read_session(engine) as s:  # and the data itself, not only the counter
        assert s.exec(select(m.Person.name).order_by(m.Person.id)).scalars().first() == "Ada Two"


def test_a_refused_write_does_not_move_the_revision_for_anyone(engine, replica, today):
    demo.seed(engine, "S", today=today)
    start = revision(replica)
    with pytest.raises(ValidationError), write_session(engine) as s:
        s.add(m.Setting(key="scratch", value="x"))
        raise ValidationError("refused half-way")
    assert revision(replica) == revision(engine) == start


def test_a_read_session_does_not_move_the_revision(engine, replica, today):
    demo.seed(engine, "S", today=today)
    start = revision(engine)
    with read_session(replica) as s:
        s.exec(select(m.Person)).all()
    assert revision(engine) == start
