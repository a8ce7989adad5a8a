"""Workspace commands: starting an empty workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

from worksmith import demo
from worksmith.commands.core import Actor
from worksmith.commands.workspace import start_empty
from worksmith.store.db import read_session, write_session
from worksmith.views.workspace import is_empty, is_new, settings


def test_start_empty_deletes_every_row_and_turns_the_demo_off(engine, today):
    demo.seed(engine, "S", today=today)
    with write_session(engine) as s:
        deleted = start_empty(s, actor=Actor(None, "tester"))
    assert deleted > 100
    with read_session(engine) as s:
        assert is_empty(s) and not is_new(s)  # emptied on purpose: the settings stay, no demo is seeded again
        assert settings(s)["demo"] == "0"
