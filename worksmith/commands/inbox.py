"""Read marks of a person's inbox: mark items read or unread, or everything read at once.

The items themselves are computed (``worksmith.views.inbox``); only "read" is stored, one ``inbox_read`` row per
person and item key. Marks are the acting person's own: nobody marks another person's inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlmodel import Session

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.inbox import inbox

MAX_KEY = 120


def _me(actor: Actor) -> int:
    core.require_actor(actor)
    if actor.id is None:
        raise ValidationError("Choose yourself under 'Acting as': the inbox is a person's own.", field="person_id")
    return int(actor.id)


def mark(session: Session, *, actor: Actor, items: Sequence[str], read: bool = True) -> int:
    """Mark the acting person's inbox ``items`` (keys) read or unread; returns how many changed."""
    person = _me(actor)
    keys = list(dict.fromkeys(k for k in items if k))
    if any(len(k) > MAX_KEY for k in keys):
        raise ValidationError("That inbox item is not known; reload the inbox.", field="item")
    if not keys:
        return 0
    r = m.InboxRead
    already = set(session.exec(select(r.item).where(r.person_id == person, r.item.in_(keys))).scalars().all())
    if read:
        fresh = [k for k in keys if k not in already]
        session.add_all([r(person_id=person, item=k) for k in fresh])
        changed = len(fresh)
    else:
        changed = len(already)
        if already:
            session.execute(sql_delete(r).where(r.person_id == person, r.item.in_(list(already))))
    if changed:
        core.log(session, actor, "update", "inbox_read", person,
                 f"{actor.name} marked {changed} inbox item{'s' * (changed != 1)} {'read' if read else 'unread'}")
    session.flush()
    return changed


def mark_all_read(session: Session, *, actor: Actor, today: date) -> int:
    """Mark every item now in the acting person's inbox read."""
    access.require(actor, "edit", "change the workspace")  # also when nothing is unread: the same answer each time
    person = _me(actor)
    box = inbox(session, person_id=person, today=today)
    return mark(session, actor=actor, items=[i.key for i in box.items if not i.read], read=True)
