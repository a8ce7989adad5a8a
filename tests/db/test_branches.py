"""Branches (scenarios, sandboxes) on SQLite and PostgreSQL: a full copy, edited apart from live, removable."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from worksmith.commands.core import Actor, create, update
from worksmith.errors import NotFoundError, ValidationError
from worksmith.store import branches
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, revision, upgrade, write_session

ALICE = Actor(None, "Alice")


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _seed(engine) -> tuple[int, int]:
    with write_session(engine) as s:
        pid = create(s, m.Project, {"name": "ERP", "start": date(2026, 1, 5)}, actor=ALICE).id
        tid = create(s, m.Task, {"project_id": pid, "name": "Cutover", "duration_days": 5}, actor=ALICE).id
    return pid, tid


def _names(engine) -> list[str]:
    with read_session(engine) as s:
        return list(s.exec(select(m.Project.name).order_by(m.Project.id)).scalars())


def _fingerprint(engine) -> str:
    """Every row of every table, in order: equal fingerprints mean the workspace data is identical."""
    digest = hashlib.sha256()
    with read_session(engine) as s:
        for table in m.SQLModel.metadata.sorted_tables:
            for row in s.connection().execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_a_branch_is_a_full_copy_edited_apart_from_live(engine):
    pid, tid = _seed(engine)
    live = _url(engine)
    made = branches.create_branch(live, name="ERP later", created_by="Alice", description="what if")
    branch = get_engine(made.url)
    try:
        upgrade(branch)  # a no-op: the copy is at head
        assert _names(branch) == ["ERP"]
        with write_session(branch) as s:
            update(s, m.Project, pid, {"name": "ERP (later)"}, expected_version=1, actor=ALICE)
            new = create(s, m.Project, {"name": "Hire plan"}, actor=ALICE).id
        assert _names(branch) == ["ERP (later)", "Hire plan"]
        assert _names(engine) == ["ERP"]  # live untouched
        with write_session(engine) as s:  # live's own ids do not collide with the branch's
            assert create(s, m.Project, {"name": "Live only"}, actor=ALICE).id == new
        with read_session(branch) as s:
            base = branches.base_versions(s)
        assert base[("project", pid)] == 1 and base[("task", tid)] == 1 and ("project", new) not in base
        described = branches.info(live, made.key)
        assert (described.name, described.kind, described.created_by, described.made_from) == \
            ("ERP later", "scenario", "Alice", "live")
        assert branches.branch_keys(live) == [made.key]
    finally:
        branch.dispose()


def test_a_branch_of_a_branch_keeps_the_base_of_live(engine):
    pid, _ = _seed(engine)
    live = _url(engine)
    first = branches.create_branch(live, name="First")
    with write_session(get_engine(first.url)) as s:
        update(s, m.Project, pid, {"name": "ERP v2"}, expected_version=1, actor=ALICE)
    second = branches.create_branch(live, name="Second", source_key=first.key)
    eng = get_engine(second.url)
    try:
        assert _names(eng) == ["ERP v2"]
        with read_session(eng) as s:
            assert branches.base_versions(s)[("project", pid)] == 1  # live's version at the first branch
        assert branches.info(live, second.key).made_from == first.key
    finally:
        eng.dispose()
    assert sorted(branches.branch_keys(live)) == sorted([first.key, second.key])


def test_deleting_a_branch_leaves_live_identical(engine):
    _seed(engine)
    live = _url(engine)
    before = _fingerprint(engine)
    made = branches.create_branch(live, name="Throwaway")
    eng = get_engine(made.url)
    with write_session(eng) as s:
        create(s, m.Project, {"name": "Scratch"}, actor=ALICE)
    eng.dispose()
    branches.drop_branch(live, made.key)
    assert _fingerprint(engine) == before
    assert branches.branch_keys(live) == []
    assert not branches.exists(live, made.key)
    with pytest.raises(NotFoundError):
        branches.drop_branch(live, made.key)


def test_sqlite_live_file_bytes_do_not_change(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = get_engine(url)
    upgrade(engine)
    _seed(engine)
    engine.dispose()
    live = Path(make_url(url).database)
    before = live.read_bytes()
    made = branches.create_branch(url, name="S")
    branches.drop_branch(url, made.key)
    assert live.read_bytes() == before


def test_a_branch_counts_its_own_revision(engine):
    _seed(engine)
    live = _url(engine)
    start = revision(engine)
    made = branches.create_branch(live, name="R")
    eng = get_engine(made.url)
    with write_session(eng) as s:
        create(s, m.Project, {"name": "Only here"}, actor=ALICE)
    assert revision(eng) == start + 1 and revision(engine) == start
    eng.dispose()


@pytest.mark.parametrize(("kwargs", "message"), [({"name": " "}, "give it a name"),
                                                 ({"name": "x", "kind": "fork"}, "not 'fork'"),
                                                 ({"name": "x", "key": "../etc"}, "not a branch key"),
                                                 ({"name": "x", "source_key": "nosuch"}, "does not exist")])
def test_bad_branch_requests_are_refused(engine, kwargs, message):
    with pytest.raises((ValidationError, NotFoundError), match=message):
        branches.create_branch(_url(engine), **kwargs)


def test_every_write_bumps_the_revision_once(engine):
    start = revision(engine)
    _seed(engine)  # one write session
    assert revision(engine) == start + 1
    with pytest.raises(ValidationError), write_session(engine) as s:
        create(s, m.Project, {"name": ""}, actor=ALICE)
    assert revision(engine) == start + 1  # a refused write bumps nothing
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(m.Project)).one()[0] == 1
