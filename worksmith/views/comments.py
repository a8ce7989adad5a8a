"""Threads of updates: one subject's (a request, a goal, a work item) or a project's with its tasks' threads.

A thread is an update and its replies. Threads are listed newest first (by the time of the update that opened
them), replies oldest first under it. Deleted updates stay in place as "deleted" so replies keep their context.
Posting, editing and deleting are in ``worksmith.commands.comments``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain.mentions import quote_update
from worksmith.store import models as m

COLUMNS = ["id", "subject", "subject_id", "about", "author_id", "author", "body", "parent_id", "root",
           "created_at", "edited_at", "deleted", "version"]


@dataclass
class Thread:
    """A project's (or one subject's) updates, ready to render: ``rows`` in display order, ``people`` for
    mentions (id -> name, archived people included), ``abouts`` the filter choices (label of each subject)."""

    rows: pd.DataFrame
    people: dict[int, str] = field(default_factory=dict)
    abouts: list[str] = field(default_factory=list)


def _aware(value) -> datetime | None:
    if value is None or (not isinstance(value, datetime) and pd.isna(value)):
        return None
    value = pd.Timestamp(value).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def people_names(session: Session) -> dict[int, str]:
    return {int(i): n for i, n in session.exec(select(m.Person.id, m.Person.name)).all()}


def _rows(session: Session, where, abouts: dict[tuple[str, int], str]) -> pd.DataFrame:
    c = m.Comment
    result = session.exec(select(c.id, c.subject, c.subject_id, c.author_id, c.body, c.parent_id, c.created_at,
                                 c.edited_at, c.deleted, c.version).where(where)).all()
    people = people_names(session)
    rows = []
    for r in result:
        rows.append({"id": r.id, "subject": r.subject, "subject_id": r.subject_id,
                     "about": abouts.get((r.subject, r.subject_id), r.subject), "author_id": r.author_id,
                     "author": people.get(r.author_id, fmt.DASH), "body": r.body, "parent_id": r.parent_id,
                     "root": r.parent_id or r.id, "created_at": _aware(r.created_at),
                     "edited_at": _aware(r.edited_at), "deleted": bool(r.deleted), "version": r.version})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    opened = frame[frame["parent_id"].isna()].set_index("id")["created_at"]
    frame["_opened"] = [opened.get(root, at) for root, at in zip(frame["root"], frame["created_at"], strict=True)]
    frame["_reply"] = frame["parent_id"].notna()
    frame = frame.sort_values(["_opened", "root", "_reply", "created_at"], ascending=[False, False, True, True],
                              kind="stable")
    return frame.drop(columns=["_opened", "_reply"]).reset_index(drop=True)


def subject_thread(session: Session, *, subject: str, subject_id: int) -> Thread:
    """The updates on one request, goal, work item, task or project (without its tasks)."""
    c = m.Comment
    rows = _rows(session, and_(c.subject == subject, c.subject_id == subject_id), {})
    return Thread(rows, people_names(session))


def project_thread(session: Session, *, project_id: int) -> Thread:
    """A project's updates and its tasks' updates (the Updates tab)."""
    c = m.Comment
    tasks = session.exec(select(m.Task.id, m.Task.ref, m.Task.name).where(m.Task.project_id == project_id)).all()
    abouts = {("project", project_id): "the project"}
    abouts |= {("task", t.id): f"task #{t.ref if t.ref is not None else t.id} {t.name}" for t in tasks}
    ids = [t.id for t in tasks]
    where = and_(c.subject == "project", c.subject_id == project_id)
    if ids:
        where = or_(where, and_(c.subject == "task", c.subject_id.in_(ids)))
    rows = _rows(session, where, abouts)
    return Thread(rows, people_names(session), list(dict.fromkeys(["the project", *abouts.values()])))


def filtered(rows: pd.DataFrame, *, about: str | None = None, author: str | None = None,
             text: str = "") -> pd.DataFrame:
    """Whole threads in which some update matches every given filter (about, author, words in the text)."""
    if rows.empty:
        return rows
    keep = pd.Series(True, index=rows.index)
    if about:
        keep &= rows["about"] == about
    if author:
        keep &= rows["author"] == author
    if text.strip():
        keep &= rows["body"].str.casefold().str.contains(text.strip().casefold(), regex=False) & ~rows["deleted"]
    roots = set(rows.loc[keep, "root"])
    return rows[rows["root"].isin(roots)].reset_index(drop=True)


def quotable_updates(session: Session, *, project_id: int) -> dict[int, str]:
    """Comment id -> the update quoted as status-report text, for the project's and its tasks' live updates."""
    rows = project_thread(session, project_id=project_id).rows
    out = {}
    for r in rows[~rows["deleted"]].itertuples() if not rows.empty else []:
        about = "" if r.about == "the project" else f" on {r.about}"
        out[int(r.id)] = quote_update(f"{r.author}{about}", fmt.day(r.created_at.date()), r.body)
    return out
