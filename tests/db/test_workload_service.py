"""Workload reads (views.workload, views.workload_data) and writes (commands.workload) on SQLite and PostgreSQL:
loading the stored plan, the page's figures, applying a fix (reassign / shift within float, refused when a project
would finish later), time off and capacity editing.

The demo (Northwind Studio) is seeded for Wed 25 Nov 2026 (ISO week W48). Olivia Martin (40 h, 80 % available) is
off Mon 30 Nov – Wed 2 Dec and does 'Landing pages' (Spring campaign, estimate round(6 d × 8 h × 0.7) = 34 h,
Tue 1 – Tue 8 Dec, 4 days of total float). Worked out by hand for week W49 (30 Nov – 6 Dec):
    capacity = 40 × 0.8 × (5 − 3 days off) / 5 = 12.8 h
    load     = 34 h × 4 of its 6 working days = 22.67 h   -> 177 %, over by 9.87 h.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands import workload as commands
from worksmith.commands.core import Actor
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import workload as views
from worksmith.views import workload_data

ALICE = Actor(None, "Alice")
W49 = date(2026, 11, 30)


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def person_id(engine, name: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(m.Person.id).where(m.Person.name == name)).one()[0]


def task_row(engine, name: str) -> m.Task:
    with read_session(engine) as s:
        return s.exec(select(m.Task).where(m.Task.name == name)).one()[0]


def cell(engine, today, name: str, week: date) -> pd.Series:
    with read_session(engine) as s:
        wl = workload_data.load_workload(s, start=today, weeks=4, today=today)
    cells = wl.cells
    row = cells[(cells["person_id"] == person_id(engine, name)) & (cells["week"] == week)]
    assert len(row) == 1
    return row.iloc[0]


def olivia_card(engine, today) -> dict | None:
    with read_session(engine) as s:
        view = views.workload_view(s, today=today, weeks=12)
    return next((c for c in view.fix_cells if c["person"] == "Olivia Martin" and c["week"] == W49), None)


def log_count(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(m.ActivityLog)).one()[0]


def test_olivia_is_over_capacity_next_week_by_the_hand_computed_hours(seeded, today):
    c = cell(seeded, today, "Olivia Martin", W49)
    assert c.capacity == pytest.approx(12.8)
    assert c.change_hours == pytest.approx(34 * 4 / 6)
    assert c.run_hours == pytest.approx(0)
    assert c.utilisation == pytest.approx(34 * 4 / 6 / 12.8)  # 1.77
    assert bool(c.over)


def test_only_committed_projects_load_people(seeded, today):
    with read_session(seeded) as s:
        inputs = workload_data.workload_inputs(s)
        statuses = dict(s.exec(select(m.Project.id, m.Project.status)).all())
        proposed = s.exec(select(func.count()).select_from(m.Task).join(m.Project).where(
            m.Project.status == "proposed")).one()[0]
    assert proposed > 0
    assert {statuses[p] for p in inputs.tasks["project_id"]} <= {"active", "approved"}
    # a task marked done has nothing left, whatever its % complete says
    assert (inputs.tasks.loc[inputs.tasks["status"] == "done", "percent_complete"] == 100).all()
    assert set(inputs.people.columns) >= {"id", "name", "team", "weekly_hours", "availability", "skills", "version"}
    assert inputs.float_days  # floats come from the stored schedule


def test_team_capacity_sums_the_cells_by_team_and_month(seeded, today):
    with read_session(seeded) as s:
        months = workload_data.team_capacity(s, start=today, weeks=8, today=today)
        weeks = workload_data.team_capacity(s, start=today, weeks=8, today=today, by="week")
        wl = workload_data.load_workload(s, start=today, weeks=8, today=today)
    assert list(months.columns) == ["team_id", "team", "period", "capacity", "load", "free"]
    assert months["capacity"].sum() == pytest.approx(wl.cells["capacity"].sum())
    assert months["free"].sum() == pytest.approx(wl.cells["free"].sum())
    assert weeks["load"].sum() == pytest.approx(wl.cells["load"].sum())
    # W48..W03: the ISO weeks whose Thursday is in November, December or January
    assert sorted(set(months["period"])) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert set(months["team"]) == {"Marketing", "Engineering", "Operations", "HR", "Finance"}


def test_view_offers_a_reassign_and_a_shift_for_olivia(seeded, today):
    card = olivia_card(seeded, today)
    assert card is not None
    assert card["excess"] == pytest.approx(34 * 4 / 6 - 12.8)
    assert [c["name"] for c in card["causes"]] == ["Landing pages"]
    kinds = {f["kind"]: f for f in card["fixes"]}
    assert kinds["reassign"]["to_person"] == "Isla Novak"  # frontend skill, room in W49 and W50
    assert kinds["shift"]["shift_days"] == 2  # Thu 3 – Thu 10 Dec leaves 2 days (11.3 h) in W49 <= 12.8 h


def test_view_metrics_filters_and_empty_workspace(engine, today):
    with read_session(engine) as s:
        assert views.workload_view(s, today=today).empty
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        view = views.workload_view(s, today=today, weeks=8, team="Engineering", skill="frontend")
        unknown = views.workload_view(s, today=today, weeks=5, team="Nope")
    assert [m_.label.split(" ·")[0] for m_ in view.metrics] == [
        "Utilisation", "Over-allocated person-weeks", "Free hours", "Run vs change"]
    assert list(dict.fromkeys(view.heatmap["row"])) == ["Amelia Nguyen", "Isla Novak", "Olivia Martin"]
    assert view.heatmap["week"].nunique() == 8
    assert "Olivia Martin in 2026-W49 (177 %)" in view.heatmap_alt
    assert unknown.team is None and "no team 'Nope'" in unknown.filter_note
    assert unknown.weeks == views.DEFAULT_WEEKS  # 5 is not an offered horizon


def test_apply_reassign_clears_the_cell_and_is_audited(seeded, today):
    card = olivia_card(seeded, today)
    fix = next(f for f in card["fixes"] if f["kind"] == "reassign")
    before = log_count(seeded)
    with write_session(seeded) as s:
        commands.apply_fix(s, fix=fix, actor=ALICE, today=today)
    assert task_row(seeded, "Landing pages").assignee_id == person_id(seeded, "Isla Novak")
    assert not bool(cell(seeded, today, "Olivia Martin", W49).over)
    assert not bool(cell(seeded, today, "Isla Novak", W49).over)
    assert olivia_card(seeded, today) is None
    with read_session(seeded) as s:
        logs = s.exec(select(m.ActivityLog.summary).order_by(m.ActivityLog.id.desc()).limit(2)).all()
    assert log_count(seeded) == before + 2  # the task update and the fix itself
    assert "reassigned from Olivia Martin to Isla Novak" in logs[0][0]


def test_apply_shift_moves_the_task_within_float_and_keeps_the_finish(seeded, today):
    fix = next(f for f in olivia_card(seeded, today)["fixes"] if f["kind"] == "shift")
    with read_session(seeded) as s:
        finishes = commands._finishes(s)
    with write_session(seeded) as s:
        commands.apply_fix(s, fix=fix, actor=ALICE, today=today)
    task = task_row(seeded, "Landing pages")
    assert (task.start_no_earlier_than, task.start_date, task.finish_date) == (
        date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 10))
    assert task.duration_days == 6
    c = cell(seeded, today, "Olivia Martin", W49)
    assert c.load == pytest.approx(34 * 2 / 6)  # Thu 3 and Fri 4 Dec
    assert not bool(c.over)
    with read_session(seeded) as s:
        assert commands._finishes(s) == finishes


def test_shift_past_the_float_is_refused_and_changes_nothing(seeded, today):
    task = task_row(seeded, "Landing pages")
    before = log_count(seeded)
    with pytest.raises(ValidationError, match=r"would move the finish of 'Spring campaign' from .* to .*not applied"), \
            write_session(seeded) as s:
        commands.apply_shift(s, task_id=task.id, days=task.total_float + 3, expected_version=task.version,
                            actor=ALICE, today=today)
    after = task_row(seeded, "Landing pages")
    assert (after.start_no_earlier_than, after.start_date, after.version) == (None, task.start_date, task.version)
    assert log_count(seeded) == before


def test_stale_or_unskilled_fixes_are_refused(seeded, today):
    task = task_row(seeded, "Landing pages")
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(seeded) as s:
        commands.apply_reassign(s, task_id=task.id, to_person_id=person_id(seeded, "Isla Novak"),
                               expected_version=task.version + 1, actor=ALICE)
    with pytest.raises(ValidationError, match="does not have the skill 'frontend'"), write_session(seeded) as s:
        commands.apply_reassign(s, task_id=task.id, to_person_id=person_id(seeded, "Harper Kim"),
                               expected_version=task.version, actor=ALICE)
    with pytest.raises(ValidationError, match="Unknown kind of fix"), write_session(seeded) as s:
        commands.apply_fix(s, fix={"kind": "split"}, actor=ALICE, today=today)
    assert task_row(seeded, "Landing pages").assignee_id == person_id(seeded, "Olivia Martin")


def test_save_time_off_adds_changes_and_deletes_in_one_go(seeded, today):
    with read_session(seeded) as s:
        original = views.time_off_table(s)
    assert original["person"].tolist() == ["Zoe Andersen", "Olivia Martin", "Lucas Weber", "Emily Carter"]
    assert original["working_days"].tolist() == [2, 3, 5, 4]  # Emily: 28 Dec – 1 Jan, New Year's Day a holiday
    edited = original.copy()
    edited = edited[edited["person"] != "Lucas Weber"]  # delete
    edited.loc[edited["person"] == "Olivia Martin", "end"] = date(2026, 11, 30)  # 3 days -> 1 day
    new = {"id": None, "person": "Harper Kim", "start": "2026-12-07", "end": pd.Timestamp("2026-12-08"),
           "working_days": None, "note": "Training", "version": None}
    edited = pd.concat([edited, pd.DataFrame([new])], ignore_index=True)
    with write_session(seeded) as s:
        summary = commands.save_time_off(s, original=original, edited=edited, actor=ALICE)
    assert summary == "Time off saved: 1 added, 1 changed, 1 deleted."
    with read_session(seeded) as s:
        table = views.time_off_table(s)
    assert table["person"].tolist() == ["Zoe Andersen", "Olivia Martin", "Harper Kim", "Emily Carter"]
    assert table["working_days"].tolist() == [2, 1, 2, 4]
    # Olivia now has 4 days: 40 × 0.8 × 4 / 5 = 25.6 h >= 22.67 h -> no longer over
    c = cell(seeded, today, "Olivia Martin", W49)
    assert c.capacity == pytest.approx(25.6)
    assert not bool(c.over)


@pytest.mark.parametrize(("change", "message"), [
    ({"end": date(2026, 11, 1)}, r"Time off row 2 \(Olivia Martin\): end \(01 Nov 2026\) is before start"),
    ({"person": None}, r"Time off row 2: person is required"),
    ({"person": "Nobody"}, r"Time off row 2 \(Nobody\): person 'Nobody' is unknown"),
    ({"start": None}, r"Time off row 2 \(Olivia Martin\): start is required"),
    ({"start": "next week"}, r"Time off row 2 \(Olivia Martin\): start 'next week' is not a date"),
])
def test_a_bad_time_off_row_is_refused_by_row_and_field_and_nothing_is_saved(seeded, change, message):
    with read_session(seeded) as s:
        original = views.time_off_table(s)
    edited = original.copy().astype(object)
    edited.loc[0, "note"] = "changed first"  # a good change before the bad row must not be saved either
    for key, value in change.items():
        edited.loc[1, key] = value
    before = log_count(seeded)
    with pytest.raises(ValidationError, match=message) as err, write_session(seeded) as s:
        commands.save_time_off(s, original=original, edited=edited, actor=ALICE)
    assert "Nothing was saved" in str(err.value)
    with read_session(seeded) as s:
        assert views.time_off_table(s).equals(original)
    assert log_count(seeded) == before


def test_save_capacity_updates_people_and_refuses_bad_rows(seeded, today):
    with read_session(seeded) as s:
        original = views.capacity_table(s)
    olivia = original.index[original["name"] == "Olivia Martin"][0]
    edited = original.copy()
    edited.loc[olivia, "availability"] = 100.0
    edited.loc[olivia, "skills"] = "frontend, ux, accessibility"
    with write_session(seeded) as s:
        assert commands.save_capacity(s, original=original, edited=edited, actor=ALICE) == \
            "Capacity saved: 1 person changed."
    with read_session(seeded) as s:
        person = s.get(m.Person, person_id(seeded, "Olivia Martin"))
    assert (person.availability, person.skills) == (100.0, ["accessibility", "frontend", "ux"])
    assert cell(seeded, today, "Olivia Martin", W49).capacity == pytest.approx(40 * 1.0 * 2 / 5)

    with read_session(seeded) as s:
        original = views.capacity_table(s)
    bad = original.copy()
    bad.loc[0, "weekly_hours"] = 30.0  # a good change first
    bad.loc[3, "availability"] = 120.0
    name = original.loc[3, "name"]
    with pytest.raises(ValidationError, match=rf"People row 4 \({name}\): availability: .*less than or equal to "
                                              r"100.*Nothing was saved"), write_session(seeded) as s:
        commands.save_capacity(s, original=original, edited=bad, actor=ALICE)
    bad = original.copy()
    bad.loc[1, "team"] = "Legal"
    with pytest.raises(ValidationError, match=r"People row 2 .*team 'Legal' is unknown"), write_session(seeded) as s:
        commands.save_capacity(s, original=original, edited=bad, actor=ALICE)
    with read_session(seeded) as s:
        assert views.capacity_table(s).equals(original)


@pytest.mark.parametrize("weeks", [1, 4])
def test_load_cells_reads_only_what_loads_the_horizon_and_gives_the_same_cells(seeded, today, weeks) -> None:
    """The Overview's week, Compare and the plan grid read the horizon's tasks only; the cells must be exactly those
    of the whole workload, also for an overdue unfinished task (placed from today), a task done by status but not
    by %, and a task starting right after the horizon."""
    last_day = today - pd.Timedelta(days=today.weekday()).to_pytimedelta() + pd.Timedelta(
        days=7 * weeks - 1).to_pytimedelta()
    with write_session(seeded) as s:
        tasks = s.exec(select(m.Task).where(m.Task.assignee_id.is_not(None)).order_by(m.Task.id)).scalars().all()
        late, done, after = tasks[0], tasks[1], tasks[2]
        late.start_date, late.finish_date, late.percent_complete = date(2026, 10, 1), date(2026, 10, 9), 40.0
        done.status, done.percent_complete = "done", 10.0
        after.start_date = last_day + pd.Timedelta(days=1).to_pytimedelta()
        after.finish_date = after.start_date + pd.Timedelta(days=3).to_pytimedelta()
    with read_session(seeded) as s:
        full = workload_data.load_workload(s, start=today, weeks=weeks, today=today).cells
        part = workload_data.load_cells(s, start=today, weeks=weeks, today=today)
        n_all = len(workload_data.workload_inputs(s).tasks)
        n_read = len(workload_data.workload_inputs(s, until=last_day).tasks)
    assert n_read < n_all  # it does read fewer tasks
    pd.testing.assert_frame_equal(part.reset_index(drop=True), full.reset_index(drop=True))
    assert full["load"].sum() > 0
