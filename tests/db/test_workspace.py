"""Workspace commands: starting an empty workspace, on SQLite and PostgreSQL. The activity log is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor
from worksmith.commands.workspace import clear, start_empty
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.workspace import is_empty, is_new, settings


def log_entries(engine) -> list[tuple]:
    with read_session(engine) as s:
        return [tuple(r) for r in s.execute(select(m.ActivityLog.id, m.ActivityLog.actor, m.ActivityLog.action,
                                                   m.ActivityLog.summary).order_by(m.ActivityLog.id))]


def test_start_empty_deletes_every_row_and_turns_the_demo_off(engine, today):
    demo.seed(engine, "S", today=today)
    with write_session(engine) as s:
        deleted = start_empty(s, actor=Actor(None, "tester", "admin"))
    assert deleted > 100
    with read_session(engine) as s:
        assert is_empty(s) and not is_new(s)  # emptied on purpose: the settings stay, no demo is seeded again
        assert settings(s)["demo"] == "0"


def test_start_empty_keeps_the_whole_log_and_names_who_did_it(engine, today):
    demo.seed(engine, "S", today=today)
    before = log_entries(engine)
    with write_session(engine) as s:
        start_empty(s, actor=Actor(4, "Noah", "admin"))
    after = log_entries(engine)
    assert after[:len(before)] == before
    added = after[len(before):]
    assert [(actor, action) for _, actor, action, _ in added] == [("Noah", "update"), ("Noah", "start over")]
    assert "rows deleted" in added[-1][3]


@pytest.mark.parametrize("who", [Actor(None, "anonymous"), Actor(None, "  "), None])
def test_start_empty_needs_a_named_actor(engine, today, who):
    demo.seed(engine, "S", today=today)
    before = log_entries(engine)
    with pytest.raises(ValidationError, match="Acting as"), write_session(engine) as s:
        start_empty(s, actor=who)
    with read_session(engine) as s:
        assert not is_empty(s)
    assert log_entries(engine) == before


def test_clear_and_a_demo_reset_keep_the_log(engine, today):
    demo.seed(engine, "S", today=today)
    before = log_entries(engine)
    with write_session(engine) as s:
        clear(s)
    assert log_entries(engine) == before
    demo.seed(engine, "S", today=today, reset=True)  # the demo's own "seed" entry is appended, not clashing
    after = log_entries(engine)
    assert after[:len(before)] == before and [a for _, _, a, _ in after[len(before):]] == ["seed"]
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(m.Task)).scalar_one() > 0
