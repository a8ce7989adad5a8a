"""Plan commands on SQLite and PostgreSQL: the plan grid, plan-file import and export, the board, templates and
cross-project links (hand-checked plan in projects_fixtures)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from projects_fixtures import ANA, CSV, START, count, grid, new_project, planned, tasks_by_ref

from worksmith.commands import project_plan as cpp
from worksmith.commands import project_team as ct
from worksmith.commands import projects as cp
from worksmith.errors import ConflictError, CycleError, ValidationError
from worksmith.exchange.planfile import parse_plan, plan_bytes, read_plan_frame
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.ui.projects.plan import preview_import
from worksmith.views import project_plan as vpp
from worksmith.views import project_team as vt
from worksmith.views import projects as vp
from worksmith.views.overview import overview
from worksmith.views.plans import project_calendar


# ------------------------------------------------------------------------------------------------ plan grid
def test_save_plan_schedules_fs_ss_ff_sf_with_lags_by_hand(engine, today):
    pid = planned(engine, today)
    t = tasks_by_ref(engine, pid)
    assert {r: (x.start_date, x.finish_date) for r, x in t.items()} == {
        1: (date(2026, 11, 30), date(2026, 12, 2)), 2: (date(2026, 12, 7), date(2026, 12, 11)),
        3: (date(2026, 12, 8), date(2026, 12, 9)), 4: (date(2026, 12, 10), date(2026, 12, 14)),
        5: (date(2026, 12, 15), date(2026, 12, 15))}
    assert {r for r, x in t.items() if x.critical} == {1, 2, 4, 5}
    assert t[3].total_float == 3
    assert count(engine, m.Dependency) == 5
    assert count(engine, m.Phase) == 3
    assert [r["predecessors"] for r in grid(engine, pid)] == ["", "1FS+2d", "2SS+1d", "2FF+1d", "4,3SF"]


def test_save_plan_refuses_a_cycle_naming_it_and_saves_nothing(engine, today):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    rows[0]["predecessors"] = "4"  # 1 waits for 4, which waits (via 2) for 1
    before = (count(engine, m.Dependency), count(engine, m.ActivityLog))
    with pytest.raises(CycleError) as err, write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert "task 1 'Design' depends on itself via 1 → 2 → 4 → 1" in str(err.value)
    assert (count(engine, m.Dependency), count(engine, m.ActivityLog)) == before
    assert tasks_by_ref(engine, pid)[1].start_date == date(2026, 11, 30)


def test_save_plan_lists_every_bad_predecessor_and_changes_nothing(engine, today):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    rows[1]["predecessors"] = "99"
    rows[2]["predecessors"] = "2XX"
    rows[3]["duration_days"] = -2
    rows.append({"id": None, "name": "", "duration_days": 1})
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    text = str(err.value)
    assert text.startswith("Plan not saved, nothing changed — 4 problems:")
    assert "Task 2 'Build': unknown predecessor 99" in text
    assert "Task 3 'Docs': bad predecessor notation '2XX'" in text
    assert "Task 4 'Test': duration must be a whole number" in text
    assert "Row 6: the task needs a name." in text
    assert count(engine, m.Task) == 5


def test_changing_a_duration_moves_successors_and_reports_it(engine, today):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    rows[0]["duration_days"] = 5  # Design +2 days: everything critical moves 2 working days
    with write_session(engine) as s:
        change = cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert (change.updated, change.added, change.deleted) == (1, 0, 0)
    assert (change.finish_before, change.finish_after) == (date(2026, 12, 15), date(2026, 12, 17))
    assert change.summary() == ("1 task changed: #1 Design: days 3 → 5, finish Wed 2 Dec 2026 → Fri 4 Dec 2026. "
                                "Finish Tue 15 Dec 2026 → Thu 17 Dec 2026. 4 tasks moved: "
                                "#2 +2 d, #3 +2 d, #4 +2 d, #5 +2 d.")
    with write_session(engine) as s:
        assert cpp.save_plan(s, project_id=pid, rows=grid(engine, pid), actor=ANA, today=today).nothing


def test_save_plan_with_a_stale_row_is_a_conflict(engine, today):
    pid = planned(engine, today)
    rows = grid(engine, pid)
    with write_session(engine) as s:  # somebody moves Build on the board meanwhile
        cpp.move_task(s, task_id=rows[1]["id"], status="in progress", expected_version=rows[1]["version"], actor=ANA)
    rows[1]["duration_days"] = 9
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert tasks_by_ref(engine, pid)[2].duration_days == 5


def test_save_plan_adds_and_deletes_tasks_with_their_links(engine, today):
    pid = planned(engine, today)
    rows = [r for r in grid(engine, pid) if r["ref"] != 3]  # Docs goes, its links too
    rows[-1]["predecessors"] = "4, 6"
    rows.append({"id": None, "ref": None, "name": "Training", "phase": "Ship", "duration_days": 4,
                 "predecessors": "2", "assignee": "", "estimate_hours": 16})
    with write_session(engine) as s:
        change = cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert (change.added, change.deleted, change.links_removed, change.links_added) == (1, 1, 2, 2)
    t = tasks_by_ref(engine, pid)
    assert sorted(t) == [1, 2, 4, 5, 6]  # the new task got the next free id
    assert t[6].start_date == date(2026, 12, 14) and t[5].start_date == date(2026, 12, 18)


# ------------------------------------------------------------------------------------------------ import

def test_import_plan_replaces_the_plan_all_or_nothing(engine, today):
    with write_session(engine) as s:
        s.add(m.Person(name="Ana Lopez"))
    pid = planned(engine, today)
    frame = read_plan_frame(CSV, "plan.csv")
    preview = preview_import(frame, ["Ana Lopez"])
    assert preview.ok and preview.warnings == ["Row 3: 'Somebody Else' is not a person in this workspace; the task "
                                               "will be unassigned."]
    with write_session(engine) as s:
        change = cpp.import_plan(s, project_id=pid, plan_rows=parse_plan(frame, "plan.csv").rows, replace=True,
                                 actor=ANA, today=today)
    assert (change.added, change.deleted) == (6, 5)
    t = tasks_by_ref(engine, pid)
    # 1: 30 Nov–1 Dec (EF 2); 2: ES 2+1 = 3 Thu 3 Dec; 3: ES 3+1 = 4 Fri 4 Dec; 4: EF >= 8+2 = 10 -> ES 5 Mon 7 Dec;
    # 5 (SF on 4): EF >= ES4 = 5 -> ES 4 Fri 4 Dec; 6: ES >= EF4 10 (and SNET 8) -> Mon 14 Dec
    assert [t[r].start_date for r in range(1, 7)] == [date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 4),
                                                      date(2026, 12, 7), date(2026, 12, 4), date(2026, 12, 14)]
    assert t[1].assignee_id is not None and t[3].assignee_id is None
    assert t[6].start_no_earlier_than == date(2026, 12, 10)  # offset 8 from Mon 30 Nov


def test_import_plan_counts_a_not_before_date_from_the_project_start_on_its_calendar(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        s.add(m.Holiday(day=date(2026, 12, 9), name="Works outing", project_id=pid))
    frame = read_plan_frame(CSV.replace(b",,,8\n", b",,,2026-12-11\n"), "plan.csv")
    assert not preview_import(frame, []).ok  # no start: the date is a problem of its row
    with read_session(engine) as s:
        start, calendar = vpp.project_row(s, pid).start, project_calendar(s, pid)
    assert start == date(2026, 11, 30)
    preview = preview_import(frame, [], start=start, calendar=calendar)
    assert preview.ok, preview.errors
    plan = parse_plan(frame, "plan.csv", start=start, calendar=calendar)
    assert plan.rows[5].start_no_earlier_than == 8  # Fri 11 Dec: 9 working days after Mon 30 Nov less the outing
    with write_session(engine) as s:
        cpp.import_plan(s, project_id=pid, plan_rows=plan.rows, replace=True, actor=ANA, today=today)
    assert tasks_by_ref(engine, pid)[6].start_no_earlier_than == date(2026, 12, 11)


def test_import_plan_with_a_cycle_names_it_and_imports_nothing(engine, today):
    pid = planned(engine, today)
    bad = CSV.replace(b"1,Brief,Plan,2,,", b"1,Brief,Plan,2,4,")
    frame = read_plan_frame(bad, "plan.csv")
    preview = preview_import(frame, [])
    assert not preview.ok and "depends on itself via 1 → 2 → 3 → 4 → 1" in preview.errors[0]
    assert "depends on itself" in preview.table.loc[1, "problems"]
    with pytest.raises(CycleError), write_session(engine) as s:
        cpp.import_plan(s, project_id=pid, plan_rows=parse_plan(frame).rows, replace=True, actor=ANA, today=today)
    assert sorted(tasks_by_ref(engine, pid)) == [1, 2, 3, 4, 5]


def test_import_plan_appends_after_the_current_tasks(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        cpp.import_plan(s, project_id=pid, plan_rows=parse_plan(read_plan_frame(CSV, "p.csv"), "p.csv").rows,
                        replace=False, actor=ANA, today=today)
    rows = grid(engine, pid)
    assert [r["ref"] for r in rows][-6:] == [6, 7, 8, 9, 10, 11]
    assert rows[-1]["predecessors"] == "9,10"


# ------------------------------------------------------------------------------------------------ board
def test_move_task_sets_status_and_progress_with_locking(engine, today):
    pid = planned(engine, today)
    t = tasks_by_ref(engine, pid)[2]
    with write_session(engine) as s:
        moved = cpp.move_task(s, task_id=t.id, status="done", expected_version=t.version, actor=ANA)
        assert (moved.status, moved.percent_complete) == ("done", 100.0)
    with pytest.raises(ConflictError), write_session(engine) as s:
        cpp.move_task(s, task_id=t.id, status="todo", expected_version=t.version, actor=ANA)
    with write_session(engine) as s:
        again = cpp.move_task(s, task_id=t.id, status="in progress", expected_version=t.version + 1, actor=ANA)
        assert (again.status, again.percent_complete) == ("in progress", 90.0)
    with pytest.raises(ValidationError, match="unknown status 'later'"), write_session(engine) as s:
        cpp.move_task(s, task_id=t.id, status="later", expected_version=t.version + 2, actor=ANA)


# ------------------------------------------------------------------------------------------------ templates
def test_template_round_trip_with_a_new_start_date(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        tid = cpp.save_template(s, project_id=pid, name="Launch kit", actor=ANA)
    with read_session(engine) as s:
        plan = s.get(m.Template, tid).plan
    assert plan["tasks"][1] == {"ref": 2, "name": "Build", "phase": "Make", "duration": 5, "estimate_hours": 0.0,
                                "skill": ""}
    assert {"pred": 2, "succ": 4, "type": "FF", "lag": 1} in plan["deps"]
    with write_session(engine) as s:
        new = cpp.create_from_template(s, template_id=tid, data={"name": "Relaunch 2", "start": date(2027, 1, 4)},
                                      actor=ANA, today=today)
    t = tasks_by_ref(engine, new)
    assert t[5].start_date == date(2027, 1, 19)  # day 11 from Mon 4 Jan 2027
    with read_session(engine) as s:
        assert s.get(m.Project, new).target_end == date(2027, 1, 19)
    with pytest.raises(ValidationError, match="already exists"), write_session(engine) as s:
        cpp.save_template(s, project_id=pid, name="Launch kit", actor=ANA)


def test_create_from_template_needs_a_unique_name_and_a_start(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        tid = cpp.save_template(s, project_id=pid, name="Kit", actor=ANA)
    for data, message in (({"name": "Website", "start": START}, "already exists"),
                          ({"name": "New", "start": None}, "needs a start date")):
        with pytest.raises(ValidationError, match=message), write_session(engine) as s:
            cpp.create_from_template(s, template_id=tid, data=data, actor=ANA, today=today)
    assert count(engine, m.Project) == 1


# ------------------------------------------------------------------------------------------------ cross links
def test_cross_project_link_moves_the_successor_and_a_cycle_is_refused(engine, today):
    web = planned(engine, today)
    with write_session(engine) as s:
        campaign = cp.create_project(s, data={"name": "Campaign", "start": START, "status": "active"}, actor=ANA)
        cpp.save_plan(s, project_id=campaign, rows=[{"ref": 1, "name": "Ads", "duration_days": 2},
                                                   {"ref": 2, "name": "Go", "duration_days": 0, "predecessors": "1"}],
                     actor=ANA, today=today)
    launch, go = tasks_by_ref(engine, web)[5], tasks_by_ref(engine, campaign)[2]
    with write_session(engine) as s:
        msg = cpp.add_link(s, pred_task_id=launch.id, succ_task_id=go.id, type="FS", lag_days=2, actor=ANA,
                          today=today)
    assert msg.endswith("'Go' now starts Thu 17 Dec 2026 (was Wed 2 Dec 2026).")  # Tue 15 Dec + 2 working days
    with read_session(engine) as s:
        d = vpp.project_detail(s, project_id=campaign, today=today)
        prog = vp.program(s, today=today)
    assert d.links.iloc[0]["text"] == "waits for Website · #5 Launch (FS+2d)"
    assert "waits for Website" in d.tasks.set_index("ref").loc[2, "waits_for"]
    link = prog.links.iloc[0]
    assert (link["from_task"], link["to_task"], link["slack"], link["driving"]) == ("Launch", "Go", 0, True)
    assert "driven by Website's 'Launch'" in prog.title
    design = tasks_by_ref(engine, web)[1]
    with pytest.raises(CycleError) as err, write_session(engine) as s:
        cpp.add_link(s, pred_task_id=go.id, succ_task_id=design.id, actor=ANA, today=today)
    assert "Campaign #2 'Go' → Website #1 'Design'" in str(err.value) or "Website #1 'Design'" in str(err.value)
    assert count(engine, m.Dependency) == 7
    with write_session(engine) as s:
        assert cpp.remove_link(s, dep_id=int(d.links.iloc[0]["dep_id"]), actor=ANA, today=today) == \
            "'Go' no longer waits for 'Launch'."
    assert tasks_by_ref(engine, campaign)[2].start_date == date(2026, 12, 2)
    with pytest.raises(ValidationError, match="already waits"), write_session(engine) as s:
        cpp.add_link(s, pred_task_id=tasks_by_ref(engine, campaign)[1].id, succ_task_id=go.id, actor=ANA,
                    today=today)


def test_export_plan_round_trips_through_import(engine, today):
    pid = planned(engine, today)
    with read_session(engine) as s:
        data = plan_bytes(vpp.plan_export(s, project_id=pid), "csv")
    lines = data.decode().splitlines()
    assert lines[0] == ("id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than,"
                        "total_float_days,critical,start_date,finish_date")
    assert lines[5] == "5,Launch,Ship,0,\"4,3SF\",,0.0,,0,true,2026-12-15,2026-12-15"
    copy = new_project(engine, "Copy")
    with write_session(engine) as s:
        cpp.import_plan(s, project_id=copy, plan_rows=parse_plan(read_plan_frame(data, "plan.csv"), "plan.csv").rows,
                        replace=True, actor=ANA, today=today)
    assert {r: (t.start_date, t.finish_date) for r, t in tasks_by_ref(engine, copy).items()} == \
        {r: (t.start_date, t.finish_date) for r, t in tasks_by_ref(engine, pid).items()}


# ------------------------------------------------------------------------------------------------ risks on tasks
def test_a_risk_on_a_finished_task_is_stale_offered_to_close_and_on_the_overview(engine, today):
    pid = planned(engine, today)
    other = new_project(engine, "Other")
    ids = {t.ref: t.id for t in tasks_by_ref(engine, pid).values()}
    with write_session(engine) as s:
        rid = ct.save_risk(s, project_id=pid, values={"title": "Build slips", "probability": 4, "impact": 4,
                                                      "task_id": ids[2]}, actor=ANA)
        ct.save_risk(s, project_id=pid, values={"title": "Unlinked", "probability": 5, "impact": 5}, actor=ANA)
    with pytest.raises(ValidationError, match="not .or no longer. in this project"), write_session(engine) as s:
        ct.save_risk(s, project_id=other, values={"title": "x", "probability": 1, "impact": 1, "task_id": ids[2]},
                     actor=ANA)
    with read_session(engine) as s:
        reg = vt.risks(s, project_id=pid).set_index("title")
    assert reg.loc["Build slips", "task"] == "#2 Build" and not reg["stale"].any()
    rows = grid(engine, pid)
    rows[1]["percent_complete"] = 100  # Build done: its risk is stale
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    with read_session(engine) as s:
        reg = vt.risks(s, project_id=pid).set_index("title")
        stale = vt.stale_risks(s)
        attention = overview(s, today=today).attention
    assert reg.loc["Build slips", "stale"] and not reg.loc["Unlinked", "stale"]
    assert stale[["project", "title", "task", "level"]].values.tolist() == [["Website", "Build slips", "#2 Build",
                                                                            "high"]]
    assert any(item == "Risk · Website" and "stale" in why for item, why in
               zip(attention["item"], attention["why"], strict=True))
    with write_session(engine) as s:
        assert ct.close_stale_risks(s, project_id=pid, actor=ANA) == ["Build slips"]
    with read_session(engine) as s:
        assert s.get(m.Risk, rid).status == "closed" and vt.stale_risks(s).empty


def test_deleting_a_task_unlinks_its_risks(engine, today):
    pid = planned(engine, today)
    ids = {t.ref: t.id for t in tasks_by_ref(engine, pid).values()}
    with write_session(engine) as s:
        rid = ct.save_risk(s, project_id=pid, values={"title": "Docs late", "probability": 2, "impact": 2,
                                                      "task_id": ids[3]}, actor=ANA)
    rows = [r for r in grid(engine, pid) if r["ref"] != 3]
    rows[-1]["predecessors"] = "4"
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    with read_session(engine) as s:
        risk = s.get(m.Risk, rid)
    assert risk.task_id is None and risk.status == "open"


# ------------------------------------------------------------------------------------------------ save effects
def test_save_lists_every_changed_task_and_people_pushed_over_capacity(engine, today):
    with write_session(engine) as s:
        s.add(m.Person(name="Ana Ruiz"))  # 40 h a week at 80 % for project work
    pid = planned(engine, today)
    rows = grid(engine, pid)
    for r in rows:
        r["assignee"] = "Ana Ruiz"
        r["estimate_hours"] = 4.0  # a few hours each: well within 40 h × 80 % a week
    with write_session(engine) as s:
        first = cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert len(first.changes) == 5 and "#1 Design: assignee — → Ana Ruiz, estimate h 0 → 4" in first.changes[0]
    assert first.overloaded == []
    rows = grid(engine, pid)
    rows[1]["estimate_hours"] = 120.0  # Build: 120 h in one week of 32 h capacity
    rows[2]["percent_complete"] = 100.0
    with write_session(engine) as s:
        preview = cpp.preview_plan(s, project_id=pid, rows=[dict(r) for r in rows], actor=ANA, today=today)
    assert grid(engine, pid)[1]["estimate_hours"] == 4.0  # the preview kept nothing
    with write_session(engine) as s:
        change = cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    assert change.changes == preview.changes == ["#2 Build: estimate h 4 → 120", "#3 Docs: % done 0 → 100"]
    assert change.overloaded == preview.overloaded
    assert len(change.overloaded) == 1 and change.overloaded[0].startswith("Ana Ruiz ")
    assert "in the week of Mon 7 Dec 2026 (was within capacity)" in change.overloaded[0]
    assert dict(change.effects())["People"].startswith("Pushed over capacity: Ana Ruiz")


def test_create_from_plan_is_one_transaction(engine, today):
    plan = parse_plan(read_plan_frame(CSV, "plan.csv"), "plan.csv")
    with write_session(engine) as s:
        pid = cpp.create_from_plan(s, data={"name": "From file", "start": START}, plan_rows=plan.rows, actor=ANA,
                                   today=today)
    assert len(tasks_by_ref(engine, pid)) == len(plan.rows)
    before = count(engine, m.Project)
    bad = [dataclasses.replace(plan.rows[0], name="")] + [dataclasses.replace(r, links=()) for r in plan.rows[1:]]
    bad = [dataclasses.replace(bad[0], id=bad[1].id)] + bad[1:]  # a duplicate ID: the plan is refused
    with pytest.raises(ValidationError), write_session(engine) as s:
        cpp.create_from_plan(s, data={"name": "Bad", "start": START}, plan_rows=bad, actor=ANA, today=today)
    assert count(engine, m.Project) == before  # no project without its plan


def test_no_stale_risks_is_an_empty_list(engine, today):
    planned(engine, today)
    with read_session(engine) as s:
        stale = vt.stale_risks(s)
    assert stale.empty and list(stale.columns) == ["project", "title", "task", "level", "status"]
