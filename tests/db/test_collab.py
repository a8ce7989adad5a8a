"""Updates, mentions and the inbox on SQLite and PostgreSQL: posting, the 15-minute edit/delete window for the
author only (audited), every kind of inbox item, read marks per person, My work's buckets and quick actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.commands import comments as cc
from worksmith.commands import core
from worksmith.commands import inbox as ci
from worksmith.commands import my_work as cmw
from worksmith.commands.core import SYSTEM, Actor
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import comments as vc
from worksmith.views import inbox as vi
from worksmith.views import my_work as vmw
from worksmith.views.workload_data import load_workload

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _add(session, model, **values):
    return core.create(session, model, values, actor=SYSTEM).id


@pytest.fixture
def ws(engine):
    with write_session(engine) as s:
        team = _add(s, m.Team, name="Studio")
        ava = _add(s, m.Person, name="Ava Thompson", team_id=team, access="approver")
        liam = _add(s, m.Person, name="Liam Chen", team_id=team)
        zoe = _add(s, m.Person, name="Zoë van Dijk", team_id=team)
        project = _add(s, m.Project, name="Relaunch", manager_id=ava, status="active", start=TODAY - timedelta(30),
                       target_end=TODAY + timedelta(60))
        late = _add(s, m.Task, project_id=project, name="Copy", assignee_id=liam, estimate_hours=10,
                    start_date=TODAY - timedelta(10), finish_date=TODAY - timedelta(2))
        crit = _add(s, m.Task, project_id=project, name="Build", assignee_id=liam, critical=True, estimate_hours=16,
                    start_date=TODAY, finish_date=TODAY + timedelta(days=2))
        later = _add(s, m.Task, project_id=project, name="Launch", assignee_id=zoe, estimate_hours=8,
                     start_date=TODAY + timedelta(20), finish_date=TODAY + timedelta(25))
        goal = _add(s, m.Goal, title="Grow signups", owner_id=liam, period_start=TODAY - timedelta(60),
                    period_end=TODAY + timedelta(30))
        _add(s, m.KeyResult, goal_id=goal, title="Signups", start_value=0, target_value=100, current_value=0)
        op = _add(s, m.Operation, name="IT support", owner_id=liam, team_id=team)
        req = _add(s, m.Request, title="New laptop", requester_id=zoe, operation_id=op)
        own_req = _add(s, m.Request, title="My own ask", requester_id=liam, operation_id=op)
        other = _add(s, m.Request, title="Office chairs", requester_id=zoe)
    return dict(ava=Actor(ava, "Ava Thompson"), liam=Actor(liam, "Liam Chen"), zoe=Actor(zoe, "Zoë van Dijk"),
                project=project, late=late, crit=crit, later=later, goal=goal, req=req, own_req=own_req, other=other,
                op=op)


def _post(engine, actor, subject, subject_id, body, parent=None, now=NOW):
    with write_session(engine) as s:
        return cc.post(s, actor=actor, subject=subject, subject_id=subject_id, body=body, parent_id=parent, now=now)


def _box(engine, actor):
    with read_session(engine) as s:
        return vi.inbox(s, person_id=actor.id, today=TODAY)


def test_post_reply_and_thread_order(engine, ws):
    first = _post(engine, ws["ava"], "project", ws["project"], "Kick-off is Monday", now=NOW - timedelta(hours=3))
    task = _post(engine, ws["liam"], "task", ws["crit"], "Started", now=NOW - timedelta(hours=1))
    reply = _post(engine, ws["liam"], "project", ws["project"], "Noted", parent=first)
    with pytest.raises(ValidationError, match="another thread"):
        _post(engine, ws["liam"], "goal", ws["goal"], "x", parent=first)
    with pytest.raises(ValidationError, match="write something"):
        _post(engine, ws["liam"], "goal", ws["goal"], "   ")
    with read_session(engine) as s:
        rows = vc.project_thread(s, project_id=ws["project"]).rows
    assert list(rows["id"]) == [task, first, reply]  # newest thread first, replies under their update
    assert list(rows["about"]) == ["task #" + str(ws["crit"]) + " Build", "the project", "the project"]
    assert list(vc.filtered(rows, author="Liam Chen", about="the project")["id"]) == [first, reply]


def test_edit_and_delete_only_own_within_fifteen_minutes_and_audited(engine, ws):
    cid = _post(engine, ws["liam"], "project", ws["project"], "Draft")
    with write_session(engine) as s, pytest.raises(ValidationError, match="your own"):
        cc.edit(s, actor=ws["ava"], comment_id=cid, body="hijack", expected_version=1, now=NOW)
    with write_session(engine) as s, pytest.raises(ValidationError, match="within 15 minutes"):
        cc.edit(s, actor=ws["liam"], comment_id=cid, body="late", expected_version=1,
                now=NOW + timedelta(minutes=16))
    with write_session(engine) as s:
        cc.edit(s, actor=ws["liam"], comment_id=cid, body="Final", expected_version=1,
                now=NOW + timedelta(minutes=14))
    with write_session(engine) as s, pytest.raises(ConflictError):
        cc.edit(s, actor=ws["liam"], comment_id=cid, body="again", expected_version=1, now=NOW)
    with write_session(engine) as s, pytest.raises(ValidationError, match="deleted only within"):
        cc.delete(s, actor=ws["liam"], comment_id=cid, expected_version=2, now=NOW + timedelta(hours=1))
    with write_session(engine) as s, pytest.raises(ValidationError, match="your own"):
        cc.delete(s, actor=ws["ava"], comment_id=cid, expected_version=2, now=NOW)
    with write_session(engine) as s:
        cc.delete(s, actor=ws["liam"], comment_id=cid, expected_version=2, now=NOW + timedelta(minutes=5))
    with read_session(engine) as s:
        row = s.get(m.Comment, cid)
        assert (row.body, row.deleted, row.edited_at is not None) == ("Final", True, True)
        a = m.ActivityLog
        logs = s.exec(select(a.action, a.before, a.after).where(a.entity == "comment").order_by(a.id)).all()
    assert [x.action for x in logs] == ["create", "update", "update"]
    assert logs[1].before["body"] == "Draft" and logs[1].after["body"] == "Final"
    assert logs[2].after == {"deleted": True}


def test_inbox_mentions_replies_and_followed_updates(engine, ws):
    root = _post(engine, ws["zoe"], "project", ws["project"], "Question for @liam chen: is the copy final?")
    _post(engine, ws["liam"], "project", ws["project"], "Almost", parent=root)
    reply = _post(engine, ws["ava"], "project", ws["project"], "Thanks both", parent=root)
    goal_update = _post(engine, ws["ava"], "goal", ws["goal"], "Signups look slow")
    liam = {i.key: i for i in _box(engine, ws["liam"]).items}
    assert f"mention:{root}" in liam
    assert liam[f"mention:{root}"].params == {"project": "Relaunch", "tab": "Updates", "comment": str(root)}
    assert f"reply:{reply}" in liam  # Liam replied in the thread: Ava's reply reaches him
    assert f"update:{goal_update}" in liam  # he owns the goal: he follows its updates
    zoe = {i.key for i in _box(engine, ws["zoe"]).items}
    assert f"reply:{reply}" in zoe  # she started the thread
    ava = {i.key for i in _box(engine, ws["ava"]).items}
    assert f"update:{root}" in ava  # she manages the project
    own = {f"{kind}:{cid}" for kind in ("mention", "reply", "update") for cid in (reply, goal_update)}
    assert not own & ava  # never your own


def test_inbox_tasks_requests_goals_and_assignments(engine, ws):
    with write_session(engine) as s:
        task = s.get(m.Task, ws["later"])
        core.update(s, m.Task, task.id, {"assignee_id": ws["liam"].id}, expected_version=task.version,
                    actor=ws["ava"])
    box = _box(engine, ws["liam"])
    keys = set(box.keys())
    assert {f"overdue:{ws['late']}", f"critical:{ws['crit']}", f"goal:{ws['goal']}:off track",
            f"approval:{ws['req']}"} <= keys
    assert f"approval:{ws['own_req']}" not in keys  # never your own request
    assigned = [k for k in keys if k.startswith(f"assigned:{ws['later']}:")]
    assert len(assigned) == 1
    ava = set(_box(engine, ws["ava"]).keys())
    assert f"approval:{ws['other']}" in ava and f"approval:{ws['req']}" not in ava  # no owner → the approvers
    with write_session(engine) as s:  # a task you assign yourself is no news
        task = s.get(m.Task, ws["later"])
        core.update(s, m.Task, task.id, {"assignee_id": ws["zoe"].id}, expected_version=task.version,
                    actor=ws["liam"])
        task = s.get(m.Task, ws["later"])
        core.update(s, m.Task, task.id, {"assignee_id": ws["liam"].id}, expected_version=task.version,
                    actor=ws["liam"])
    assert not [k for k in _box(engine, ws["liam"]).keys() if k.startswith(f"assigned:{ws['later']}:")]


def test_read_marks_are_per_person_and_mark_all(engine, ws):
    cid = _post(engine, ws["ava"], "project", ws["project"], "@Liam Chen and @Zoë van Dijk: see the plan")
    key = f"mention:{cid}"
    before = _box(engine, ws["liam"]).unread
    with write_session(engine) as s:
        assert ci.mark(s, actor=ws["liam"], items=[key]) == 1
        assert ci.mark(s, actor=ws["liam"], items=[key]) == 0  # already read
    liam = _box(engine, ws["liam"])
    assert liam.unread == before - 1 and next(i for i in liam.items if i.key == key).read
    assert not next(i for i in _box(engine, ws["zoe"]).items if i.key == key).read  # Zoë's own mark
    with write_session(engine) as s:
        ci.mark(s, actor=ws["liam"], items=[key], read=False)
    assert _box(engine, ws["liam"]).unread == before
    with write_session(engine) as s:
        assert ci.mark_all_read(s, actor=ws["liam"], today=TODAY) == before
    with read_session(engine) as s:
        assert vi.unread_count(s, person_id=ws["liam"].id, today=TODAY) == 0
    with write_session(engine) as s, pytest.raises(ValidationError):
        ci.mark(s, actor=SYSTEM, items=[key])


def test_my_work_buckets_summary_and_quick_actions(engine, ws):
    with read_session(engine) as s:
        work = vmw.my_work(s, person_id=ws["liam"].id, today=TODAY)
    by_name = dict(zip(work.items["name"], work.items["bucket"], strict=True))
    assert by_name == {"Copy": "overdue", "Build": "this week"}
    assert work.summary.startswith("1 due this week (1 critical), 1 overdue, 1 approval waiting; ")
    assert work.capacity_hours > 0 and work.planned_hours > 0
    build = work.items[work.items["name"] == "Build"].iloc[0]
    assert build["next_status"] == "in progress"
    with write_session(engine) as s:
        cmw.set_progress(s, actor=ws["liam"], task_id=int(build["id"]), percent_complete=40.0,
                         expected_version=int(build["version"]))
    with write_session(engine) as s, pytest.raises(ConflictError):
        cmw.set_progress(s, actor=ws["liam"], task_id=int(build["id"]), percent_complete=60.0,
                         expected_version=int(build["version"]))
    with read_session(engine) as s:
        task = s.get(m.Task, int(build["id"]))
        assert (task.percent_complete, task.status) == (40.0, "in progress")
    assert [vmw.bucket_of(d, TODAY) for d in (date(2026, 11, 24), date(2026, 11, 29), date(2026, 12, 6),
                                              date(2026, 12, 7), None)] == \
        ["overdue", "this week", "next week", "later", "later"]


def test_my_work_hours_match_the_whole_workspace_workload(engine):
    """My work reads only the person's team; its planned hours and capacity equal the Workload page's figures."""
    demo.seed(engine, "S", today=TODAY, reset=True)
    with read_session(engine) as s:
        full = load_workload(s, start=TODAY, weeks=1, today=TODAY).cells.set_index("person_id")
        for person_id in (1, 2, 3, 8):
            work = vmw.my_work(s, person_id=person_id, today=TODAY)
            assert (work.planned_hours, work.capacity_hours) == pytest.approx(
                (float(full.loc[person_id, "load"]), float(full.loc[person_id, "capacity"])))
