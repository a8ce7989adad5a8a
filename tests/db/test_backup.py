"""Backup and restore (file copy and portable JSON), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.exchange.backup import backup_json, backup_sqlite, restore_json
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, upgrade, write_session
from worksmith.views.overview import overview

TESTER = Actor(None, "tester", "admin")


def n_tasks(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(m.Task)).one()[0]


def test_json_backup_restores_into_the_other_kind_of_database(engine, tmp_path, today):
    """Back up the demo from one database and restore it into an empty SQLite file: same rows, same figures."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        document = json.loads(json.dumps(backup_json(s)))
        before = overview(s, today=today)
    target = get_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    upgrade(target)
    with write_session(target) as s:
        counts = restore_json(s, document, actor=TESTER)
    assert counts["task"] == n_tasks(engine) == n_tasks(target)
    with read_session(target) as s:
        after = overview(s, today=today)
    assert [x.value for x in after.metrics] == [x.value for x in before.metrics]


def test_restore_refuses_what_is_not_a_backup(engine):
    with pytest.raises(ValidationError, match="not a Worksmith backup"), write_session(engine) as s:
        restore_json(s, {"tables": {}}, actor=TESTER)


def test_sqlite_online_backup_is_a_working_copy(tmp_path, today):
    engine = get_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    demo.seed(engine, "S", today=today)
    copy = backup_sqlite(engine, tmp_path / "copy.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from task").fetchone()[0] == n_tasks(engine)
