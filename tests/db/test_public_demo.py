"""Public demo (``WORKSMITH_PUBLIC_DEMO=1``): restore and start over refuse, and nothing is deleted or written —
on SQLite and PostgreSQL. The same commands work again when the variable is not "1"."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor
from worksmith.commands.workspace import refuse_in_public_demo, start_empty
from worksmith.errors import ValidationError
from worksmith.exchange.backup import backup_json, restore_json
from worksmith.store import models as m
from worksmith.store.db import read_session, revision, write_session

NOAH = Actor(4, "Noah", "admin")
REFUSAL = "Not available in the public demo."


def counts(engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {model.__tablename__: s.exec(select(func.count()).select_from(model)).one()
                for model in (m.Person, m.Project, m.Task, m.Goal, m.Request, m.ActivityLog, m.Setting)}


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


@pytest.mark.parametrize("value", [None, "0", "", "yes", "true"])
def test_only_exactly_1_switches_the_public_demo_on(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("WORKSMITH_PUBLIC_DEMO", raising=False)
    else:
        monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", value)
    refuse_in_public_demo("Restoring a backup")  # no refusal
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "1")
    with pytest.raises(ValidationError, match=REFUSAL):
        refuse_in_public_demo("Restoring a backup")


def test_start_empty_refuses_in_the_public_demo_and_deletes_nothing(seeded, monkeypatch):
    before, rev = counts(seeded), revision(seeded)
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "1")
    with pytest.raises(ValidationError, match=REFUSAL) as refused, write_session(seeded) as s:
        start_empty(s, actor=NOAH)
    assert "Starting an empty workspace" in str(refused.value)
    assert counts(seeded) == before and revision(seeded) == rev  # rolled back whole: not even the revision moved
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "0")
    with write_session(seeded) as s:
        assert start_empty(s, actor=NOAH) > 100


def test_restore_refuses_in_the_public_demo_and_replaces_nothing(seeded, monkeypatch):
    with read_session(seeded) as s:
        document = backup_json(s)
    with write_session(seeded) as s:
        start_empty(s, actor=NOAH)  # so a restore that went through would be visible
    before, rev = counts(seeded), revision(seeded)
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "1")
    with pytest.raises(ValidationError, match=REFUSAL) as refused, write_session(seeded) as s:
        restore_json(s, document, actor=NOAH)
    assert "Restoring a backup" in str(refused.value)
    assert counts(seeded) == before and revision(seeded) == rev
    monkeypatch.delenv("WORKSMITH_PUBLIC_DEMO")
    with write_session(seeded) as s:
        restored = restore_json(s, document, actor=NOAH)
    assert restored["project"] == len(document["tables"]["project"]) > 0
