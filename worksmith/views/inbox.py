"""A person's inbox, computed from the data each time (nothing is queued); only "read" marks are stored.

Items, each with a stable key (what ``inbox_read`` stores):

- ``mention:<comment>`` — an update that mentions you (``@Your Name``), by someone else;
- ``reply:<comment>`` — a reply, by someone else, in a thread you started or replied in;
- ``update:<comment>`` — a new update, by someone else, on a project you manage (or one of its tasks) or a goal you
  own: the manager and the owner follow them;
- ``assigned:<task>:<audit row>`` — someone else assigned you a task (the latest assignment counts; done tasks
  drop out);
- ``approval:<request>`` — a submitted request awaiting your decision: you own its operation, else you own its goal,
  else you are an approver or admin; never your own request;
- ``overdue:<task>`` / ``critical:<task>`` — your unfinished task in a live project is past its finish / on the
  critical path;
- ``goal:<goal>:<status>`` — a goal you own is at risk or off track (a new key when the status changes).

A comment is listed once, by the first of mention, reply, update that applies. Each item carries the page and
query parameters that open it with the right selection (project and tab, request, goal, operation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from worksmith import fmt
from worksmith.domain import goals as g
from worksmith.domain.mentions import mentioned
from worksmith.store import models as m
from worksmith.views.goals import live_krs
from worksmith.views.tables import frame

LIVE_PROJECTS = ("approved", "active", "on hold")
KINDS = {"mention": "mentioned you", "reply": "replied", "update": "new update", "assigned": "assigned to you",
         "approval": "awaits your approval", "overdue": "overdue", "critical": "critical", "goal": "goal at risk"}
ICONS = {"mention": ":material/alternate_email:", "reply": ":material/reply:", "update": ":material/forum:",
         "assigned": ":material/assignment_ind:", "approval": ":material/approval:",
         "overdue": ":material/schedule:", "critical": ":material/priority_high:", "goal": ":material/flag:"}


@dataclass
class InboxItem:
    key: str
    kind: str
    title: str  # plain text (escape before markdown)
    detail: str  # plain text
    when: datetime
    page: str  # "pages/projects.py"
    params: dict[str, str]
    read: bool = False


@dataclass
class Inbox:
    items: list[InboxItem] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(not i.read for i in self.items)

    def keys(self) -> list[str]:
        return [i.key for i in self.items]


def _aware(value: Any, today: date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time(), tzinfo=UTC)
    return datetime.combine(today, datetime.min.time(), tzinfo=UTC)


def _short(text: str, n: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class _Where:
    """Deep links to each subject, read once per inbox."""

    def __init__(self, session: Session):
        self.session = session
        self.projects = {int(i): n for i, n in session.exec(select(m.Project.id, m.Project.name)).all()}

    def task(self, task_id: int) -> tuple[str, dict[str, str]] | None:
        row = self.session.get(m.Task, task_id)
        return None if row is None else (f"task '{row.name}' ({self.projects.get(row.project_id, '?')})",
                                          {"project": self.projects.get(row.project_id, ""), "tab": "Updates"})

    def link(self, subject: str, subject_id: int) -> tuple[str, str, dict[str, str]]:
        """(label, page, params) of a comment's subject."""
        if subject == "project":
            name = self.projects.get(subject_id, "?")
            return f"project '{name}'", "pages/projects.py", {"project": name, "tab": "Updates"}
        if subject == "task":
            found = self.task(subject_id)
            label, params = found if found else ("a deleted task", {})
            return label, "pages/projects.py", params
        if subject == "request":
            row = self.session.get(m.Request, subject_id)
            return (f"request '{row.title if row else '?'}'", "pages/requests.py", {"request": str(subject_id)})
        if subject == "goal":
            row = self.session.get(m.Goal, subject_id)
            return f"goal '{row.title if row else '?'}'", "pages/goals.py", {"goal": str(subject_id)}
        row = self.session.get(m.WorkItem, subject_id)
        return (f"work item '{row.title if row else '?'}'", "pages/operations.py",
                {"operation": str(row.operation_id) if row else ""})


def _comment_items(session: Session, person_id: int, name: str, where: _Where, today: date) -> list[InboxItem]:
    c = m.Comment
    people = {int(i): n for i, n in session.exec(select(m.Person.id, m.Person.name)).all()}
    first = name.split()[0] if name.split() else name
    pattern = "%@_" + first[1:].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    mine_roots = select(c.id).where(c.author_id == person_id, c.parent_id.is_(None))
    replied = select(c.parent_id).where(c.author_id == person_id, c.parent_id.is_not(None))
    managed = select(m.Project.id).where(m.Project.manager_id == person_id)
    managed_tasks = select(m.Task.id).where(m.Task.project_id.in_(managed))
    owned_goals = select(m.Goal.id).where(m.Goal.owner_id == person_id)
    followed = or_(and_(c.subject == "project", c.subject_id.in_(managed)),
                   and_(c.subject == "task", c.subject_id.in_(managed_tasks)),
                   and_(c.subject == "goal", c.subject_id.in_(owned_goals)))
    rows = session.exec(select(c).where(
        c.deleted.is_(False), or_(c.author_id.is_(None), c.author_id != person_id),
        or_(c.body.ilike(pattern, escape="\\"), c.parent_id.in_(mine_roots), c.parent_id.in_(replied),
            and_(c.parent_id.is_(None), followed)))).scalars().all()
    items = []
    for r in rows:
        author = people.get(r.author_id, "someone")
        label, page, params = where.link(r.subject, r.subject_id)
        if person_id in mentioned(r.body, people):
            kind, title = "mention", f"{author} mentioned you on {label}"
        elif r.parent_id is not None:
            kind, title = "reply", f"{author} replied on {label}"
        elif r.parent_id is None and r.subject in ("project", "task", "goal"):
            kind, title = "update", f"{author} posted an update on {label}"
        else:
            continue  # matched the mention pre-filter only
        if kind == "reply" and not _takes_part(session, person_id, r.parent_id):
            continue
        items.append(InboxItem(f"{kind}:{r.id}", kind, title, _short(r.body), _aware(r.created_at, today), page,
                               params | {"comment": str(r.id)}))
    return items


def _takes_part(session: Session, person_id: int, root_id: int) -> bool:
    c = m.Comment
    return session.exec(select(c.id).where(or_(c.id == root_id, c.parent_id == root_id),
                                           c.author_id == person_id).limit(1)).first() is not None


def _task_items(session: Session, person_id: int, where: _Where, today: date) -> list[InboxItem]:
    t, p = m.Task, m.Project
    tasks = session.exec(select(t.id, t.name, t.finish_date, t.critical, t.project_id, p.name.label("project"))
                         .join(p, p.id == t.project_id)
                         .where(t.assignee_id == person_id, t.status != "done", p.status.in_(LIVE_PROJECTS))).all()
    items = []
    for r in tasks:
        params = {"project": r.project, "tab": "Board"}
        if r.finish_date is not None and r.finish_date < today:
            items.append(InboxItem(f"overdue:{r.id}", "overdue", f"Your task '{r.name}' is overdue",
                                   f"{r.project} · was due {fmt.day(r.finish_date)}", _aware(r.finish_date, today),
                                   "pages/projects.py", params))
        if r.critical:
            items.append(InboxItem(f"critical:{r.id}", "critical", f"Your task '{r.name}' is on the critical path",
                                   f"{r.project} · due {fmt.day(r.finish_date)}: a day late moves the finish",
                                   _aware(r.finish_date, today),
                                   "pages/projects.py", params))
    open_ids = [int(r.id) for r in tasks]
    names = {int(r.id): (r.name, r.project) for r in tasks}
    a = m.ActivityLog
    logs = session.exec(select(a.id, a.entity_id, a.actor_id, a.actor, a.at, a.after).where(
        a.entity == "task", a.entity_id.in_(open_ids), a.action.in_(("create", "update")))
        .order_by(a.id)).all() if open_ids else []
    latest: dict[int, Any] = {}
    for log in logs:
        if isinstance(log.after, dict) and "assignee_id" in log.after:
            latest[int(log.entity_id)] = log
    for tid, log in latest.items():
        if log.after.get("assignee_id") != person_id or log.actor_id == person_id:
            continue
        name, project = names[tid]
        items.append(InboxItem(f"assigned:{tid}:{log.id}", "assigned", f"{log.actor} assigned you '{name}'",
                               project, _aware(log.at, today), "pages/projects.py",
                               {"project": project, "tab": "Board"}))
    return items


def approval_items(session: Session, person_id: int, today: date) -> list[InboxItem]:
    me = session.get(m.Person, person_id)
    r, o, gl = m.Request, m.Operation, m.Goal
    rows = session.exec(select(r.id, r.title, r.requester_id, r.submitted_at, o.owner_id.label("op_owner"),
                               gl.owner_id.label("goal_owner"))
                        .outerjoin(o, o.id == r.operation_id).outerjoin(gl, gl.id == r.goal_id)
                        .where(r.status == "submitted")).all()
    approver = me is not None and me.access in ("approver", "admin")
    items = []
    for row in rows:
        if row.requester_id == person_id:
            continue
        decider = row.op_owner if row.op_owner is not None else row.goal_owner
        if decider == person_id or (decider is None and approver):
            items.append(InboxItem(f"approval:{row.id}", "approval", f"Request '{row.title}' awaits your approval",
                                   f"submitted {fmt.day(_aware(row.submitted_at, today).date())}",
                                   _aware(row.submitted_at, today), "pages/requests.py", {"request": str(row.id)}))
    return items


def _goal_items(session: Session, person_id: int, today: date) -> list[InboxItem]:
    goals = frame(session, m.Goal, m.Goal.archived.is_(False))
    if goals.empty or person_id not in set(goals["owner_id"].dropna().astype(int)):
        return []
    roll = g.roll_up(goals, live_krs(session), today)
    owned = roll[roll["id"].isin(goals.loc[goals["owner_id"] == person_id, "id"])]
    return [InboxItem(f"goal:{int(r.id)}:{r.status}", "goal", f"Your goal '{r.title}' is {r.status}",
                      str(getattr(r, "summary", "") or ""), _aware(today, today),
                      "pages/goals.py", {"goal": str(int(r.id))})
            for r in owned.itertuples() if r.status in ("at risk", "off track")]


def inbox(session: Session, *, person_id: int, today: date) -> Inbox:
    """Everything that needs ``person_id``, newest first, each marked read or unread."""
    me = session.get(m.Person, person_id)
    if me is None:
        return Inbox()
    where = _Where(session)
    items = _comment_items(session, person_id, me.name, where, today)
    items += _task_items(session, person_id, where, today)
    items += approval_items(session, person_id, today)
    items += _goal_items(session, person_id, today)
    read = set(session.exec(select(m.InboxRead.item).where(m.InboxRead.person_id == person_id)).scalars().all())
    for item in items:
        item.read = item.key in read
    items.sort(key=lambda i: (i.when, i.key), reverse=True)
    return Inbox(items)


def unread_count(session: Session, *, person_id: int, today: date) -> int:
    """How many of the person's inbox items are unread (the sidebar's count)."""
    return inbox(session, person_id=person_id, today=today).unread
