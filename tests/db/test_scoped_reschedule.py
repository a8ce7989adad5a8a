"""A save reschedules only the projects it touched and those linked to them (issue 16), on SQLite and PostgreSQL:
the stored rows are the ones a full reschedule gives, a cross-project link pulls the other project in, and a link
that goes reschedules the project it no longer reaches. Hand-checked plan in projects_fixtures."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from projects_fixtures import ANA, START, grid, new_project, planned, tasks_by_ref
from sqlalchemy import delete, insert, select, update

from worksmith import demo
from worksmith.commands import project_plan as cpp
from worksmith.commands.plans import reschedule
from worksmith.errors import CycleError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import project_plan as vpp
from worksmith.views.plans import linked_projects
from worksmith.views.workload_data import load_workload

T, D, P = m.Task.__table__, m.Dependency.__table__, m.Project.__table__


def computed(engine) -> dict[int, tuple]:
    with read_session(engine) as s:
        return {r[0]: tuple(r[1:]) for r in s.connection().execute(
            select(T.c.id, T.c.start_date, T.c.finish_date, T.c.total_float, T.c.critical))}


@pytest.fixture
def linked(engine, today):
    """Website (the hand-checked plan) → Campaign (Ads 2d, Go milestone after Ads; Go waits for Launch FS+2d), and
    an Other project linked to neither."""
    web = planned(engine, today)
    campaign, other = new_project(engine, "Campaign"), new_project(engine, "Other")
    with write_session(engine) as s:
        for pid in (campaign, other):
            cpp.save_plan(s, project_id=pid, rows=[{"ref": 1, "name": "Ads", "duration_days": 2},
                                                   {"ref": 2, "name": "Go", "duration_days": 0, "predecessors": "1"}],
                          actor=ANA, today=today)
    with write_session(engine) as s:
        cpp.add_link(s, pred_task_id=tasks_by_ref(engine, web)[5].id,
                     succ_task_id=tasks_by_ref(engine, campaign)[2].id, type="FS", lag_days=2, actor=ANA, today=today)
    return web, campaign, other


def test_linked_projects_follow_cross_links_both_ways(engine, linked):
    web, campaign, other = linked
    with read_session(engine) as s:
        assert linked_projects(s, [web]) == {web, campaign}
        assert linked_projects(s, [campaign]) == {web, campaign}  # against the link's direction too
        assert linked_projects(s, [other]) == {other}
        assert linked_projects(s, [other, campaign]) == {web, campaign, other}


def test_a_grid_save_moves_the_linked_project_and_leaves_the_others_unread(engine, today, linked):
    web, campaign, other = linked
    assert tasks_by_ref(engine, campaign)[2].start_date == date(2026, 12, 17)  # Launch Tue 15 Dec + 2 working days
    wrong = date(2030, 1, 1)
    with write_session(engine) as s:  # a stored value no reschedule of Website can reach
        s.connection().execute(update(T).where(T.c.project_id == other, T.c.ref == 1).values(start_date=wrong))
    rows = grid(engine, web)
    rows[0]["duration_days"] = 5  # Design 3 → 5 d: Build day 7–12, Test EF 13, Launch day 13 = Thu 17 Dec
    with write_session(engine) as s:
        change = cpp.save_plan(s, project_id=web, rows=rows, actor=ANA, today=today)
    assert change.finish_after == date(2026, 12, 17)
    assert tasks_by_ref(engine, campaign)[2].start_date == date(2026, 12, 21)  # day 13 + 2 = day 15, Mon 21 Dec
    assert tasks_by_ref(engine, other)[1].start_date == wrong  # not linked: not rescheduled
    with write_session(engine) as s:
        assert reschedule(s, today=today) == 1  # the full reschedule finds only the planted value
    assert tasks_by_ref(engine, other)[1].start_date == START


def test_deleting_a_linked_task_in_the_grid_reschedules_the_project_it_no_longer_reaches(engine, today, linked):
    web, campaign, _other = linked
    rows = [r for r in grid(engine, web) if r["ref"] != 5]  # Launch goes, and with it the link to Campaign's Go
    with write_session(engine) as s:
        change = cpp.save_plan(s, project_id=web, rows=rows, actor=ANA, today=today)
    assert (change.deleted, change.links_removed) == (1, 3)  # 4 → 5, 3 → 5 and the cross link
    assert tasks_by_ref(engine, campaign)[2].start_date == date(2026, 12, 2)  # after Ads alone: Wed 2 Dec
    before = computed(engine)
    with write_session(engine) as s:
        assert reschedule(s, today=today) == 0
    assert computed(engine) == before


def _random_edit(s, rng: random.Random, tasks: list[tuple[int, int]], projects: list[int]) -> set[int]:
    """One random edit with Core statements; returns the projects it touched (a link's two ends, old and new)."""
    tid, pid = rng.choice(tasks)
    kind = rng.choice(["duration", "snet", "start", "add link", "remove link", "remove link"])
    conn = s.connection()
    if kind == "duration":
        conn.execute(update(T).where(T.c.id == tid).values(duration_days=rng.randint(0, 12)))
    elif kind == "snet":
        conn.execute(update(T).where(T.c.id == tid).values(
            start_no_earlier_than=START + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.8 else None))
    elif kind == "start":
        conn.execute(update(P).where(P.c.id == pid).values(start=START + timedelta(days=rng.randint(-40, 40))))
    elif kind == "add link":
        succ, succ_pid = rng.choice([t for t in tasks if t[1] != pid])
        conn.execute(insert(D).values(pred_id=tid, succ_id=succ, type=rng.choice(["FS", "SS", "FF"]),
                                      lag_days=rng.randint(-1, 3)))
        return {pid, succ_pid}
    else:
        pred_of = dict(tasks)
        links = conn.execute(select(D.c.id, D.c.pred_id, D.c.succ_id).order_by(D.c.id)).fetchall()
        cross = [r for r in links if pred_of[r.pred_id] != pred_of[r.succ_id]]
        dep = rng.choice(cross or links)
        conn.execute(delete(D).where(D.c.id == dep.id))
        return {pred_of[dep.pred_id], pred_of[dep.succ_id]}
    return {pid}


def test_random_edits_scoped_reschedule_stores_what_a_full_one_would(engine, today):
    """Random edits on the demo, each followed by the scoped reschedule of what it touched: a full reschedule then
    finds nothing to write, for the touched projects and every other one."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        tasks = [tuple(r) for r in s.connection().execute(select(T.c.id, T.c.project_id).order_by(T.c.id))]
        projects = sorted({p for _t, p in tasks})
    rng = random.Random(16)
    written = grew = 0
    for _ in range(30):
        try:
            with write_session(engine) as s:
                touched = _random_edit(s, rng, tasks, projects)
                written += reschedule(s, today=today, project_ids=touched)
                grew += len(linked_projects(s, touched)) > len(touched)
        except CycleError:
            continue  # the random link closed a loop: nothing stored
        with write_session(engine) as s:
            assert reschedule(s, today=today) == 0
    assert written > 0 and grew > 0  # the edits moved tasks; links pulled other projects in


def test_workload_of_some_teams_is_the_same_as_in_the_whole_workspace(engine, today):
    demo.seed(engine, "S", today=today)
    with write_session(engine) as s:  # somebody without a team, with a task
        person = m.Person(name="Freelancer", team_id=None, weekly_hours=20)
        s.add(person)
        s.flush()
        s.connection().execute(update(T).where(T.c.id == select(T.c.id).order_by(T.c.id).limit(1).scalar_subquery())
                               .values(assignee_id=person.id))
    with read_session(engine) as s:
        teams = sorted(s.connection().execute(select(m.Team.__table__.c.id)).scalars())[:2]
        whole = load_workload(s, start=today, weeks=8, today=today).cells
        some = load_workload(s, start=today, weeks=8, today=today, teams={*teams, None}).cells
        team_of = dict(s.connection().execute(select(m.Person.__table__.c.id, m.Person.__table__.c.team_id)).all())
    wanted = [p for p in whole["person_id"].unique() if team_of[p] in {*teams, None}]
    assert len(wanted) > 3 and set(some["person_id"]) == set(wanted)
    expected = whole[whole["person_id"].isin(wanted)].sort_values(["person_id", "week"]).reset_index(drop=True)
    got = some.sort_values(["person_id", "week"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[expected.columns], expected)
    assert got["load"].sum() > 0


def test_link_targets_list_other_open_projects_tasks_with_their_start(engine, today, linked):
    web, campaign, other = linked
    with write_session(engine) as s:
        s.connection().execute(update(P).where(P.c.id == other).values(status="done"))
    with read_session(engine) as s:
        targets = vpp.link_targets(s, project_id=campaign)
    assert targets["project"].unique().tolist() == ["Website"]  # not itself, not a done project
    assert targets["label"].tolist()[:2] == ["#1 Design · Mon 30 Nov 2026", "#2 Build · Mon 7 Dec 2026"]
    assert targets["id"].tolist() == [t.id for _r, t in sorted(tasks_by_ref(engine, web).items())]


def test_a_save_on_a_new_day_moves_the_projects_without_a_start_date(engine, today, linked):
    """A project without a start date starts today: the next day's save of any project moves it, as a full
    reschedule would."""
    web, _campaign, other = linked
    with write_session(engine) as s:
        s.connection().execute(update(P).where(P.c.id == other).values(start=None))
        reschedule(s, today=START)
    assert tasks_by_ref(engine, other)[1].start_date == START
    with write_session(engine) as s:
        assert reschedule(s, today=START + timedelta(days=7), project_ids=[web]) == 2  # Ads and Go, a week on
    assert tasks_by_ref(engine, other)[1].start_date == START + timedelta(days=7)
    with write_session(engine) as s:
        assert reschedule(s, today=START + timedelta(days=7)) == 0


def test_a_loop_through_three_projects_is_refused_naming_each(engine, today, linked):
    """The cycle check reads only the links of the projects linked to the new link's ends: enough to see a loop
    Website → Campaign → Other → Website."""
    web, campaign, other = linked
    with write_session(engine) as s:
        cpp.add_link(s, pred_task_id=tasks_by_ref(engine, campaign)[2].id,
                     succ_task_id=tasks_by_ref(engine, other)[1].id, actor=ANA, today=today)
    with pytest.raises(CycleError) as err, write_session(engine) as s:
        cpp.add_link(s, pred_task_id=tasks_by_ref(engine, other)[2].id, succ_task_id=tasks_by_ref(engine, web)[1].id,
                     actor=ANA, today=today)
    assert all(f"{name} #" in str(err.value) for name in ("Website", "Campaign", "Other"))
