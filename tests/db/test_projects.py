"""Project services on SQLite and PostgreSQL: plan grid, import, board, links, baselines, templates, team, risks,
status, close-out and the portfolio/program views.

Hand-checked plan used below (project start Mon 30 Nov 2026, Mon–Fri, no holidays; day 0 = Mon 30 Nov):

    1 Design  3d                 ES 0  EF 3   Mon 30 Nov – Wed 2 Dec     critical
    2 Build   5d  1FS+2d         ES 5  EF 10  Mon 7 Dec – Fri 11 Dec     critical (3 + 2 = 5)
    3 Docs    2d  2SS+1d         ES 6  EF 8   Tue 8 Dec – Wed 9 Dec      float 3 (SF to 5 allows LF 11)
    4 Test    3d  2FF+1d         EF 11 ES 8   Thu 10 Dec – Mon 14 Dec    critical (EF >= 10 + 1)
    5 Launch  0d  4, 3SF         ES 11        Tue 15 Dec (milestone)     critical
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands import project_plan as cpp
from worksmith.commands import project_team as ct
from worksmith.commands import projects as cp
from worksmith.commands.core import Actor
from worksmith.errors import ConflictError, CycleError, ValidationError
from worksmith.exchange.planfile import parse_plan, plan_bytes, read_plan_frame
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.ui.projects.plan import preview_import
from worksmith.ui.projects.status import status_report
from worksmith.views import project_plan as vpp
from worksmith.views import project_team as vt
from worksmith.views import projects as vp

ANA = Actor(None, "Ana")
START = date(2026, 11, 30)
PLAN = [
    {"ref": 1, "name": "Design", "phase": "Shape", "duration_days": 3, "predecessors": ""},
    {"ref": 2, "name": "Build", "phase": "Make", "duration_days": 5, "predecessors": "1FS+2d"},
    {"ref": 3, "name": "Docs", "phase": "Make", "duration_days": 2, "predecessors": "2SS+1d"},
    {"ref": 4, "name": "Test", "phase": "Make", "duration_days": 3, "predecessors": "2FF+1d"},
    {"ref": 5, "name": "Launch", "phase": "Ship", "duration_days": 0, "predecessors": "4, 3SF"},
]


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


def new_project(engine, name="Website", **extra) -> int:
    with write_session(engine) as s:
        return cp.create_project(s, data={"name": name, "start": START, "status": "active", **extra}, actor=ANA)


def planned(engine, today, rows=PLAN) -> int:
    pid = new_project(engine)
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=[dict(r) for r in rows], actor=ANA, today=today)
    return pid


def tasks_by_ref(engine, pid) -> dict[int, m.Task]:
    with read_session(engine) as s:
        return {t.ref: t for t in s.exec(select(m.Task).where(m.Task.project_id == pid)).scalars()}


def grid(engine, pid) -> list[dict]:
    with read_session(engine) as s:
        return vpp.current_rows(s, project_id=pid)


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
    assert change.summary() == ("1 task changed. Finish Tue 15 Dec 2026 → Thu 17 Dec 2026. 4 tasks moved: "
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
CSV = b"""id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than
1,Brief,Plan,2,,Ana Lopez,8,
2,Research,Plan,3,1FS+1d,,12,
3,Design,Create,4,2SS+1d,Somebody Else,20,
4,Build,Create,5,3FF+2d,,40,
5,Review,Create,1,4SF,,2,
6,Launch,Run,0,"4,5",,,8
"""


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


# ------------------------------------------------------------------------------------------------ baselines
def test_baseline_then_a_longer_task_shows_variance_per_task_and_project(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name="Approved", actor=ANA)
    rows = grid(engine, pid)
    rows[1]["duration_days"] = 8  # Build +3 working days
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=rows, actor=ANA, today=today)
    with read_session(engine) as s:
        d = vpp.project_detail(s, project_id=pid, today=today)
    var = dict(zip(d.tasks["ref"], d.tasks["finish_variance"], strict=True))
    assert var == {1: 0, 2: 3, 3: 0, 4: 3, 5: 3}  # Docs hangs on Build's start (SS): not late
    assert d.finish_variance == 3
    assert d.baseline["name"] == "Approved"
    assert "3 working days later than the baseline" in d.gantt_title
    with pytest.raises(ValidationError, match="give it a name"), write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name=" ", actor=ANA)


def test_baseline_needs_scheduled_tasks(engine):
    pid = new_project(engine)
    with pytest.raises(ValidationError, match="has no scheduled tasks"), write_session(engine) as s:
        cp.save_baseline(s, project_id=pid, name="B", actor=ANA)
    assert count(engine, m.Baseline) == 0


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


# ------------------------------------------------------------------------------------------------ team, RACI, risks
def _people(engine, *names) -> list[int]:
    with write_session(engine) as s:
        rows = [m.Person(name=n) for n in names]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_members_and_raci_with_exactly_one_accountable(engine, today):
    pid = planned(engine, today)
    ana, bo = _people(engine, "Ana", "Bo")
    with write_session(engine) as s:
        ct.set_member(s, project_id=pid, person_id=ana, role="manager", allocation=40, actor=ANA)
        ct.set_member(s, project_id=pid, person_id=bo, role="member", allocation=50, actor=ANA)
        ct.set_member(s, project_id=pid, person_id=bo, role="member", allocation=80, actor=ANA)  # an update
    with read_session(engine) as s:
        team = vt.members(s, project_id=pid)
        matrix = vt.raci_matrix(s, project_id=pid)
    assert team[["person", "role", "allocation"]].values.tolist() == [["Ana", "manager", 40.0],
                                                                      ["Bo", "member", 80.0]]
    assert matrix["item"].tolist() == ["Phase · Shape", "Phase · Make", "Phase · Ship", "Milestone · Launch"]
    matrix.loc[0, ["Ana", "Bo"]] = ["A", "R"]
    matrix.loc[1, ["Ana", "Bo"]] = ["A", "A"]
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        ct.save_raci(s, project_id=pid, matrix=matrix, actor=ANA)
    assert "Phase · Make has 2 Accountable (A): Ana, Bo; keep exactly one." in str(err.value)
    assert "Phase · Ship has no Accountable (A)" in str(err.value)
    assert "Milestone" not in str(err.value)  # an empty milestone row is allowed
    assert count(engine, m.Raci) == 0
    matrix.loc[1, "Bo"] = "R"
    matrix.loc[2, ["Ana", "Bo"]] = ["A", "I"]
    with write_session(engine) as s:
        assert ct.save_raci(s, project_id=pid, matrix=matrix, actor=ANA) == 6
    with read_session(engine) as s:
        again = vt.raci_matrix(s, project_id=pid)
    assert again.loc[2, ["Ana", "Bo"]].tolist() == ["A", "I"]
    with write_session(engine) as s:
        ct.remove_member(s, member_id=int(team.loc[1, "id"]), expected_version=int(team.loc[1, "version"]),
                         actor=ANA)
    assert count(engine, m.Raci) == 3


def test_risks_register_scores_and_locking(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        rid = ct.save_risk(s, project_id=pid, values={"title": "Vendor late", "probability": 4, "impact": 5},
                           actor=ANA)
        ct.save_risk(s, project_id=pid, values={"title": "Rain", "probability": 1, "impact": 2}, actor=ANA)
    with read_session(engine) as s:
        reg = vt.risks(s, project_id=pid)
    assert reg[["title", "score", "level"]].values.tolist() == [["Vendor late", 20, "high"], ["Rain", 2, "low"]]
    with write_session(engine) as s:
        ct.save_risk(s, project_id=pid, risk_id=rid, expected_version=1, values={"status": "closed"}, actor=ANA)
    with pytest.raises(ConflictError), write_session(engine) as s:
        ct.save_risk(s, project_id=pid, risk_id=rid, expected_version=1, values={"impact": 1}, actor=ANA)
    with pytest.raises(ValidationError, match="probability"), write_session(engine) as s:
        ct.save_risk(s, project_id=pid, values={"title": "Bad", "probability": 6, "impact": 1}, actor=ANA)


# ------------------------------------------------------------------------------------------------ status, close-out
def test_status_updates_and_closing_with_lessons(engine, today):
    pid = planned(engine, today)
    other = new_project(engine, "Next one")
    with write_session(engine) as s:
        cp.add_status_update(s, project_id=pid, rag="amber", summary="Vendor late.", today=today, actor=ANA)
    with pytest.raises(ValidationError, match="write a summary"), write_session(engine) as s:
        cp.add_status_update(s, project_id=pid, rag="green", summary="  ", today=today, actor=ANA)
    with read_session(engine) as s:
        assert vp.status_updates(s, project_id=pid)[["rag", "summary"]].values.tolist() == [["amber", "Vendor late."]]
        version = s.get(m.Project, pid).version
    with pytest.raises(ValidationError, match="write the final review and the lessons learned"), \
            write_session(engine) as s:
        cp.close_project(s, project_id=pid, final_review="", lessons_learned="", expected_version=version,
                         actor=ANA, today=today)
    with write_session(engine) as s:
        cp.close_project(s, project_id=pid, final_review="Shipped.", lessons_learned="Book QA early.",
                         expected_version=version, actor=ANA, today=today)
    with read_session(engine) as s:
        project = s.get(m.Project, pid)
        assert (project.status, project.closed_on) == ("done", today)
        d = vpp.project_detail(s, project_id=other, today=today)
        assert d.lessons[["project", "lessons"]].values.tolist() == [["Website", "Book QA early."]]
        assert vpp.project_detail(s, project_id=pid, today=today).lessons.empty  # not its own


def test_project_names_are_unique_and_required(engine):
    new_project(engine)
    for name, message in (("Website", "already exists"), ("  ", "give the project a name")):
        with pytest.raises(ValidationError, match=message), write_session(engine) as s:
            cp.create_project(s, data={"name": name}, actor=ANA)
    assert count(engine, m.Project) == 1


def test_moving_the_start_date_reschedules(engine, today):
    pid = planned(engine, today)
    with read_session(engine) as s:
        version = s.get(m.Project, pid).version
    with write_session(engine) as s:
        cp.update_project(s, project_id=pid, changes={"start": date(2026, 12, 7)}, expected_version=version,
                          actor=ANA, today=today)
    assert tasks_by_ref(engine, pid)[5].start_date == date(2026, 12, 22)


# ------------------------------------------------------------------------------------------------ demo views
@pytest.fixture
def demo_engine(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_demo_portfolio_filters_and_program(demo_engine, today):
    with read_session(demo_engine) as s:
        view = vp.portfolio_view(s, today=today)
        prog = vp.program(s, today=today)
    assert not view.empty and len(view.table) == 8
    assert view.table.iloc[0]["health_key"] == "off track"  # worst first
    active = vp.filter_portfolio(view.table, statuses=["active"])
    assert set(active["project"]) == {"Website relaunch", "Spring campaign", "Mobile app v2", "ERP migration"}
    assert vp.filter_portfolio(view.table, statuses=["active"], text="mobile")["project"].tolist() == ["Mobile app v2"]
    assert vp.filter_portfolio(view.table, team="Finance")["project"].tolist() == ["ERP migration"]
    link = prog.links.iloc[0]
    assert (link["from_project"], link["from_task"], link["to_project"], link["to_task"]) == (
        "Website relaunch", "Site live", "Spring campaign", "Campaign launch")
    assert set(prog.items["kind"]) == {"milestone", "critical task"}


def test_demo_project_detail_and_status_report(demo_engine, today):
    with read_session(demo_engine) as s:
        pid = s.exec(select(m.Project.id).where(m.Project.name == "Mobile app v2")).scalars().one()
        d = vpp.project_detail(s, project_id=pid, today=today)
        files = status_report(s, project_id=pid, today=today)
    assert d.health == "off track" and d.finish_variance == 7
    assert [t.label for t in d.tiles] == ["Forecast finish", "Complete", "Critical tasks", "Vs baseline",
                                          "Budget used"]
    html, md = files["html"].decode(), files["md"].decode()
    assert "Status report — Mobile app v2" in html and "<svg" in html and "RED" in html
    assert "Offline sync harder than estimated" in md and "data:image/png;base64," in md
    assert "| Release |" not in md and "#10 Release" in md


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
