"""Updates and comments on projects, tasks, requests, goals and operations work items.

Anyone acting as a person may post; only the author may edit or delete, and only within
:data:`~worksmith.domain.mentions.EDIT_WINDOW` (15 minutes) of posting. Every post, edit and delete is audited
(the edit keeps the previous text in the activity log); a deleted update stays in the thread as "deleted".
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.domain.mentions import EDIT_WINDOW, within_edit_window
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m

SUBJECTS: dict[str, type] = {"project": m.Project, "task": m.Task, "request": m.Request, "goal": m.Goal,
                             "work_item": m.WorkItem}
SUBJECT_LABELS = {"project": "project", "task": "task", "request": "request", "goal": "goal",
                  "work_item": "work item"}
_MINUTES = int(EDIT_WINDOW.total_seconds() // 60)


def aware(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite returns naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _subject_name(row) -> str:
    return str(getattr(row, "name", None) or getattr(row, "title", None) or f"#{row.id}")


def post(session: Session, *, actor: Actor, subject: str, subject_id: int, body: str, parent_id: int | None = None,
         now: datetime | None = None) -> int:
    """Post an update on ``subject`` #``subject_id`` (a reply when ``parent_id`` names a comment of that thread)."""
    access.require(actor, "edit", "post updates")  # refuse before the comment row is written
    if actor.id is None:
        raise ValidationError("Choose yourself under 'Acting as' before posting: an update needs an author.",
                              field="author_id")
    model = SUBJECTS.get(subject)
    if model is None:
        raise ValidationError(f"Updates can be posted on {', '.join(SUBJECT_LABELS.values())} — not on '{subject}'.",
                              field="subject")
    row = core.get(session, model, subject_id)
    text = (body or "").strip()
    if not text:
        raise ValidationError("Update not posted — write something first.", field="body")
    if parent_id is not None:
        parent = core.get(session, m.Comment, parent_id)
        if (parent.subject, parent.subject_id) != (subject, subject_id):
            raise ValidationError("Reply not posted — it answers an update of another thread; reload the page.",
                                  field="parent_id")
        parent_id = parent.parent_id or parent.id  # threads are one level deep: a reply to a reply joins the thread
    values = {"subject": subject, "subject_id": subject_id, "author_id": actor.id, "body": text,
              "parent_id": parent_id, "created_at": now or m.utcnow()}
    comment = core.validate(m.Comment, values)
    new = m.Comment(**comment)
    session.add(new)
    session.flush()
    core.log(session, actor, "create", "comment", new.id,
             f"{actor.name} {'replied' if parent_id else 'posted an update'} on {SUBJECT_LABELS[subject]} "
             f"'{_subject_name(row)}'", after=core.snapshot(new))
    return int(new.id)


def _own(session: Session, actor: Actor, comment_id: int, expected_version: int | None, verb: str,
         now: datetime | None) -> m.Comment:
    core.require_actor(actor)
    comment = core.get(session, m.Comment, comment_id)
    if comment.deleted:
        raise ValidationError("This update was deleted; it cannot be changed any more.", field="deleted")
    if comment.author_id is None or comment.author_id != actor.id:
        raise ValidationError(f"You can only {verb} your own updates; this one is someone else's.",
                              field="author_id")
    if not within_edit_window(aware(comment.created_at), aware(now or m.utcnow())):
        raise ValidationError(f"Updates can be {verb.removesuffix('e')}ed only within {_MINUTES} minutes of "
                              "posting; post a new update (or a reply) instead.", field="created_at")
    if expected_version is not None and comment.version != expected_version:
        raise ConflictError("This update was changed since you opened it — reload to see the change; nothing "
                                 "was saved.")
    return comment


def edit(session: Session, *, actor: Actor, comment_id: int, body: str, expected_version: int | None,
         now: datetime | None = None) -> m.Comment:
    """Change the text of your own update within 15 minutes of posting (audited with the previous text)."""
    _own(session, actor, comment_id, expected_version, "edit", now)
    text = (body or "").strip()
    if not text:
        raise ValidationError("Update not saved — it cannot be empty; delete it instead.", field="body")
    return core.update(session, m.Comment, comment_id, {"body": text, "edited_at": now or m.utcnow()},
                       expected_version=expected_version, actor=actor)


def delete(session: Session, *, actor: Actor, comment_id: int, expected_version: int | None,
           now: datetime | None = None) -> m.Comment:
    """Delete your own update within 15 minutes of posting: it shows as deleted in the thread (audited)."""
    _own(session, actor, comment_id, expected_version, "delete", now)
    return core.update(session, m.Comment, comment_id, {"deleted": True}, expected_version=expected_version,
                       actor=actor)
