"""Roles, write side (commands.roles.set_roles): admins only, one admin always stays, no self-demotion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from worksmith.commands.core import Actor, create
from worksmith.commands.roles import set_roles
from worksmith.errors import PermissionDenied, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

SETUP = Actor(None, "setup", "admin")


def _people(engine) -> dict[str, m.Person]:
    with write_session(engine) as s:
        ann = create(s, m.Person, {"name": "Ann", "access": "admin"}, actor=SETUP)
        bob = create(s, m.Person, {"name": "Bob"}, actor=SETUP)
    return {"ann": ann, "bob": bob}


def _access(engine, name: str) -> str:
    with read_session(engine) as s:
        return s.exec(select(m.Person).where(m.Person.name == name)).scalars().one().access


def test_an_admin_gives_roles_and_the_log_says_so(engine) -> None:
    p = _people(engine)
    ann = Actor(p["ann"].id, "Ann", "admin")
    with write_session(engine) as s:
        said = set_roles(s, actor=ann, roles={p["bob"].id: ("approver", p["bob"].version)})
    assert said == "Roles saved: Bob → approver" and _access(engine, "Bob") == "approver"
    with read_session(engine) as s:
        entry = s.exec(select(m.ActivityLog).where(m.ActivityLog.entity == "person",
                                                   m.ActivityLog.entity_id == p["bob"].id)).scalars().all()[-1]
    assert (entry.actor, entry.after) == ("Ann", {"access": "approver"})


@pytest.mark.parametrize("role", ["viewer", "editor", "approver"])
def test_only_admins_give_roles(engine, role: str) -> None:
    p = _people(engine)
    with pytest.raises(PermissionDenied, match=f"Bob is an? {role}: {role}s cannot change roles"), \
            write_session(engine) as s:
        set_roles(s, actor=Actor(p["bob"].id, "Bob", role), roles={p["bob"].id: ("admin", None)})
    assert _access(engine, "Bob") == "editor"


def test_no_self_demotion_and_one_admin_stays(engine) -> None:
    p = _people(engine)
    ann = Actor(p["ann"].id, "Ann", "admin")
    with pytest.raises(ValidationError, match="cannot take admin away from yourself"), write_session(engine) as s:
        set_roles(s, actor=ann, roles={p["ann"].id: ("editor", None)})
    with pytest.raises(ValidationError, match="At least one active person must stay an admin"), \
            write_session(engine) as s:
        set_roles(s, actor=SETUP, roles={p["ann"].id: ("viewer", None)})
    with pytest.raises(ValidationError, match="not a role"), write_session(engine) as s:
        set_roles(s, actor=ann, roles={p["bob"].id: ("owner", None)})
    assert (_access(engine, "Ann"), _access(engine, "Bob")) == ("admin", "editor")
