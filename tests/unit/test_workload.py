"""Unit tests for worksmith.workload — tiny literal plans, numbers worked out by hand in the comments.

Calendar used throughout (2026): ISO week W07 = Mon 9 Feb .. Sun 15 Feb, W08 = Mon 16 Feb .. Sun 22 Feb.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.workload import (
    CELL_COLUMNS,
    CONTRIBUTION_COLUMNS,
    SUGGESTION_COLUMNS,
    UNASSIGNED_COLUMNS,
    Workload,
    apply_shift,
    bench,
    compute_load,
    iso_label,
    over_allocations,
    recurrence_dates,
    skills_demand_supply,
    suggest_fixes,
    team_totals,
    week_start,
)
from worksmith.errors import ValidationError

W06, W07, W08, W09 = date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23)


def d(day: int, month: int = 2) -> date:
    return date(2026, month, day)


def people_frame(*rows: dict) -> pd.DataFrame:
    base = {"name": None, "team_id": 1, "weekly_hours": 40.0, "availability": 100.0, "skills": []}
    return pd.DataFrame([{**base, **r} for r in rows])


ALICE = {"id": 1, "name": "Alice"}


def task(task_id: int, start: date | None, finish: date | None, hours: float, assignee: int | None = 1,
         pct: float = 0.0, name: str | None = None, skill: str = "", project: int = 10) -> dict:
    return {"task_id": task_id, "project_id": project, "name": name or f"T{task_id}", "assignee_id": assignee,
            "start": start, "finish": finish, "estimate_hours": hours, "percent_complete": pct,
            "required_skill": skill}


def load(tasks: list[dict], people: pd.DataFrame | None = None, *, time_off: pd.DataFrame | None = None,
         holidays: set[date] | None = None, recurring: pd.DataFrame | None = None,
         operations: pd.DataFrame | None = None, start: date = W07, weeks: int = 2,
         today: date | None = None) -> Workload:
    frame = pd.DataFrame(tasks, columns=list(task(0, None, None, 0).keys()))
    return compute_load(frame, people if people is not None else people_frame(ALICE), time_off, holidays or set(),
                        recurring, operations, start, weeks, today or start)


def cell(wl: Workload, person_id: int, week: date) -> pd.Series:
    cells = wl.cells
    row = cells[(cells["person_id"] == person_id) & (cells["week"] == week)]
    assert len(row) == 1
    return row.iloc[0]


class TestCalendarHelpers:
    def test_week_start_is_monday(self):
        assert week_start(d(15)) == W07  # Sunday 15 Feb -> Monday 9 Feb
        assert week_start(W07) == W07

    def test_iso_label_uses_iso_year(self):
        assert iso_label(d(11)) == "2026-W07"
        assert iso_label(date(2025, 12, 29)) == "2026-W01"  # Monday of the week holding Thu 1 Jan 2026


class TestComputeLoadChange:
    def test_frames_have_documented_columns(self):
        wl = load([task(1, d(9), d(13), 8)])
        assert list(wl.cells.columns) == CELL_COLUMNS
        assert list(wl.contributions.columns) == CONTRIBUTION_COLUMNS
        assert list(wl.unassigned.columns) == UNASSIGNED_COLUMNS
        assert wl.weeks == (W07, W08)
        assert wl.horizon_end == d(22)

    def test_task_spanning_holiday_spreads_over_working_days(self):
        # Mon 9 – Fri 13 Feb, Wednesday 11 a holiday: 4 working days, 40 h -> 10 h/day, all in W07.
        # Capacity 40 h × 100 % × 4 days / 5 = 32 h -> over by 8 h.
        wl = load([task(1, d(9), d(13), 40)], holidays={d(11)})
        c = cell(wl, 1, W07)
        assert c.change_hours == pytest.approx(40)
        assert c.capacity == pytest.approx(32)
        assert c.excess == pytest.approx(8)
        assert bool(c.over)

    def test_holiday_changes_daily_rate_across_weeks(self):
        # Thu 12 – Tue 17 Feb with Mon 16 a holiday: Thu, Fri, Tue = 3 days, 30 h -> 10 h/day:
        # W07 gets Thu + Fri = 20 h, W08 gets Tue = 10 h.
        wl = load([task(1, d(12), d(17), 30)], holidays={d(16)})
        assert cell(wl, 1, W07).change_hours == pytest.approx(20)
        assert cell(wl, 1, W08).change_hours == pytest.approx(10)

    def test_task_spanning_two_iso_weeks(self):
        # Wed 11 – Tue 17 Feb: Wed, Thu, Fri | Mon, Tue = 5 days, 50 h -> 10 h/day: W07 30 h, W08 20 h.
        wl = load([task(1, d(11), d(17), 50)])
        con = wl.contributions.sort_values("week")
        assert con["week_label"].tolist() == ["2026-W07", "2026-W08"]
        assert con["hours"].tolist() == pytest.approx([30, 20])
        assert con["kind"].tolist() == ["change", "change"]
        assert con["project_id"].tolist() == [10, 10]

    @pytest.mark.parametrize(("pct", "expected"), [(0, 40), (50, 20), (100, 0)])
    def test_percent_complete_leaves_remaining_hours(self, pct, expected):
        # remaining = 40 × (1 − pct/100)
        wl = load([task(1, d(9), d(13), 40, pct=pct)])
        assert cell(wl, 1, W07).change_hours == pytest.approx(expected)
        assert len(wl.contributions) == (0 if pct == 100 else 1)

    def test_milestone_carries_hours_only_with_an_estimate(self):
        # Two milestones on Fri 13 Feb: 4 h estimate -> 4 h in W07; 0 h -> nothing.
        wl = load([task(1, d(13), d(13), 4), task(2, d(13), d(13), 0)])
        assert cell(wl, 1, W07).change_hours == pytest.approx(4)
        assert wl.contributions["source_id"].tolist() == [1]

    def test_milestone_on_weekend_moves_to_next_working_day(self):
        # Saturday 14 Feb -> Monday 16 Feb (W08).
        wl = load([task(1, d(14), d(14), 4)])
        assert cell(wl, 1, W07).change_hours == 0
        assert cell(wl, 1, W08).change_hours == pytest.approx(4)

    def test_overdue_task_is_spread_from_today_over_its_duration(self):
        # Mon 2 – Wed 4 Feb (3 days, 30 h) still 0 % done on Thu 12 Feb: 3 days from Thu 12 = Thu, Fri, Mon 16
        # -> W07 20 h, W08 10 h.
        wl = load([task(1, d(2), d(4), 30)], today=d(12))
        assert cell(wl, 1, W07).change_hours == pytest.approx(20)
        assert cell(wl, 1, W08).change_hours == pytest.approx(10)

    def test_in_progress_task_spreads_remaining_from_today(self):
        # Mon 9 – Fri 20 Feb, 100 h, 40 % done -> 60 h left; today Mon 16: 5 days left, all in W08.
        wl = load([task(1, d(9), d(20), 100, pct=40)], today=d(16))
        assert cell(wl, 1, W07).change_hours == 0
        assert cell(wl, 1, W08).change_hours == pytest.approx(60)

    def test_today_on_weekend_starts_next_working_day(self):
        # Overdue 1-day task, today Saturday 14 Feb -> its 8 h land on Monday 16 Feb.
        wl = load([task(1, d(2), d(2), 8)], today=d(14))
        assert cell(wl, 1, W08).change_hours == pytest.approx(8)

    def test_hours_outside_horizon_are_not_shown(self):
        # W06 task seen from a horizon starting in W07, today still in W06: nothing in the horizon.
        wl = load([task(1, W06, d(6), 40)], today=W06)
        assert wl.cells["change_hours"].sum() == 0

    def test_horizon_starts_on_monday_of_its_week(self):
        wl = load([], start=d(11), weeks=1)
        assert wl.weeks == (W07,)

    def test_finish_before_start_is_treated_as_start(self):
        wl = load([task(1, d(12), d(10), 8)])
        assert cell(wl, 1, W07).change_hours == pytest.approx(8)

    def test_dates_may_be_strings_or_timestamps(self):
        wl = load([task(1, "2026-02-09", pd.Timestamp("2026-02-13"), 40)])
        assert cell(wl, 1, W07).change_hours == pytest.approx(40)

    def test_unassigned_and_unknown_assignee_are_in_no_persons_load(self):
        wl = load([task(1, d(9), d(13), 40, assignee=None), task(2, d(9), d(13), 8, assignee=99)])
        assert wl.cells["load"].sum() == 0
        un = wl.unassigned.sort_values("source_id")
        assert un["reason"].tolist() == ["no assignee", "assignee not found"]
        assert un["hours"].tolist() == pytest.approx([40, 8])
        assert un["assignee_id"].isna().tolist() == [True, False]

    def test_task_without_start_is_unscheduled(self):
        wl = load([task(1, None, None, 16, pct=50)])
        assert wl.unscheduled["task_id"].tolist() == [1]
        assert wl.unscheduled["remaining_hours"].tolist() == [8.0]
        assert wl.contributions.empty

    def test_empty_inputs(self):
        wl = compute_load(pd.DataFrame(columns=list(task(0, None, None, 0))), people_frame(ALICE).iloc[:0],
                          None, None, None, None, W07, 3, W07)
        assert wl.cells.empty and wl.contributions.empty and wl.unassigned.empty

    def test_missing_column_is_refused(self):
        with pytest.raises(ValidationError, match="estimate_hours"):
            compute_load(pd.DataFrame([{"task_id": 1}]), people_frame(ALICE), None, None, None, None, W07, 1, W07)

    def test_horizon_of_zero_weeks_is_refused(self):
        with pytest.raises(ValidationError, match="at least one week"):
            load([], weeks=0)

    def test_repeated_person_id_is_refused(self):
        with pytest.raises(ValidationError, match="repeated id"):
            load([], people_frame(ALICE, ALICE))


class TestComputeLoadCapacity:
    def test_part_time_person(self):
        # 20 h/week at 100 % availability: capacity = full capacity = 20 h.
        wl = load([], people_frame({"id": 1, "weekly_hours": 20, "availability": 100}))
        c = cell(wl, 1, W07)
        assert (c.capacity, c.full_capacity) == pytest.approx((20, 20))

    def test_two_days_off_in_a_week(self):
        # Off Tue 10 – Wed 11: 3 days left. capacity = 40 × 0.8 × 3/5 = 19.2; full = 40 × 3/5 = 24.
        off = pd.DataFrame([{"person_id": 1, "start": d(10), "end": d(11)}])
        wl = load([], people_frame({"id": 1, "availability": 80}), time_off=off)
        c = cell(wl, 1, W07)
        assert c.capacity == pytest.approx(19.2)
        assert c.full_capacity == pytest.approx(24)
        assert cell(wl, 1, W08).capacity == pytest.approx(32)  # 40 × 0.8 × 5/5

    def test_overlapping_time_off_over_a_weekend_counts_each_working_day_once(self):
        # Thu 12 – Mon 16 and Fri 13 – Fri 13: off Thu, Fri (W07) and Mon (W08).
        # W07: 40 × 0.8 × 3/5 = 19.2, W08: 40 × 0.8 × 4/5 = 25.6.
        off = pd.DataFrame([{"person_id": 1, "start": d(12), "end": d(16)},
                            {"person_id": 1, "start": d(13), "end": d(13)}])
        wl = load([], people_frame({"id": 1, "availability": 80}), time_off=off)
        assert cell(wl, 1, W07).capacity == pytest.approx(19.2)
        assert cell(wl, 1, W08).capacity == pytest.approx(25.6)

    def test_time_off_on_a_holiday_is_not_subtracted_twice(self):
        # Holiday Wed 11, off Wed 11 – Thu 12: 5 − 1 (holiday) − 1 (Thu) = 3 days -> 40 × 0.8 × 3/5 = 19.2.
        off = pd.DataFrame([{"person_id": 1, "start": d(11), "end": d(12)}])
        wl = load([], people_frame({"id": 1, "availability": 80}), time_off=off, holidays={d(11)})
        assert cell(wl, 1, W07).capacity == pytest.approx(19.2)

    def test_time_off_of_unknown_person_is_ignored(self):
        off = pd.DataFrame([{"person_id": 42, "start": d(9), "end": d(13)}])
        wl = load([], time_off=off)
        assert cell(wl, 1, W07).capacity == pytest.approx(40)

    def test_utilisation_and_free(self):
        # 40 h × 80 % = 32 h capacity, 16 h of work: utilisation 0.5, free 16 h, not over.
        wl = load([task(1, d(9), d(13), 16)], people_frame({"id": 1, "availability": 80}))
        c = cell(wl, 1, W07)
        assert (c.utilisation, c.free, c.excess, bool(c.over)) == pytest.approx((0.5, 16, 0, False))

    def test_inactive_person_has_no_capacity(self):
        wl = load([task(1, d(9), d(13), 8)], people_frame({"id": 1, "active": False}))
        c = cell(wl, 1, W07)
        assert c.capacity == 0 and math.isnan(c.utilisation) and bool(c.over)
        assert math.isnan(cell(wl, 1, W08).utilisation) and not bool(cell(wl, 1, W08).over)

    def test_missing_hours_take_model_defaults(self):
        # weekly_hours and availability missing -> 40 h at 80 % = 32 h.
        wl = load([], people_frame({"id": 1, "weekly_hours": None, "availability": None}))
        assert cell(wl, 1, W07).capacity == pytest.approx(32)


def recurring_frame(*rows: dict) -> pd.DataFrame:
    base = {"operation_id": 1, "name": "Chore", "cadence": "weekly", "hours": 2.0, "assignee_id": 1}
    return pd.DataFrame([{**base, **r} for r in rows])


class TestRecurrenceDates:
    def test_monthly_on_the_31st_clamps_to_month_end(self):
        got = recurrence_dates("monthly", d(31, 1), d(1, 1), d(31, 5))
        assert got == [d(31, 1), d(28, 2), d(31, 3), d(30, 4), d(31, 5)]

    def test_monthly_in_a_leap_year(self):
        assert recurrence_dates("monthly", date(2028, 1, 30), date(2028, 2, 1), date(2028, 3, 31)) == [
            date(2028, 2, 29), date(2028, 3, 30)]

    def test_quarterly_every_three_months_from_the_anchor(self):
        assert recurrence_dates("quarterly", d(15, 1), d(1, 3), d(31, 12)) == [d(15, 4), d(15, 7), d(15, 10)]

    def test_weekly_starts_at_the_anchor(self):
        assert recurrence_dates("Weekly", d(11), d(1), d(28)) == [d(11), d(18), d(25)]

    def test_nothing_before_the_anchor(self):
        assert recurrence_dates("monthly", d(15, 6), d(1, 1), d(31, 5)) == []

    def test_unknown_cadence_is_refused(self):
        with pytest.raises(ValidationError, match="fortnightly"):
            recurrence_dates("fortnightly", d(1), d(1), d(28))


class TestComputeLoadRun:
    def test_monthly_on_31st_across_february(self):
        # Anchor 31 Jan, 3 h. Horizon W09 (Mon 23 Feb) .. W14 (Mon 30 Mar): Sat 28 Feb -> W09, Tue 31 Mar -> W14.
        rec = recurring_frame({"id": 7, "cadence": "monthly", "hours": 3.0, "anchor": d(31, 1)})
        wl = load([], recurring=rec, start=W09, weeks=6)
        run = wl.cells.set_index("week_label")["run_hours"]
        assert run.to_dict() == {"2026-W09": 3.0, "2026-W10": 0.0, "2026-W11": 0.0, "2026-W12": 0.0,
                                 "2026-W13": 0.0, "2026-W14": 3.0}
        assert set(wl.contributions["kind"]) == {"run"}
        assert set(wl.contributions["source"]) == {"recurring"}
        assert wl.contributions["operation_id"].tolist() == [1, 1]

    def test_quarterly(self):
        # Anchor Thu 15 Jan, 4 h; horizon W07 for 14 weeks (to Sun 17 May): only Wed 15 Apr (W16).
        rec = recurring_frame({"id": 1, "cadence": "quarterly", "hours": 4.0, "anchor": d(15, 1)})
        wl = load([], recurring=rec, weeks=14)
        con = wl.contributions
        assert con["week_label"].tolist() == ["2026-W16"] and con["hours"].tolist() == [4.0]

    def test_weekly_counts_against_capacity(self):
        # 2 h every Wednesday from 11 Feb plus a 38 h task in W07 -> load 40 = capacity, not over.
        rec = recurring_frame({"id": 1, "cadence": "weekly", "anchor": d(11)})
        wl = load([task(1, d(9), d(13), 38)], recurring=rec)
        c = cell(wl, 1, W07)
        assert (c.change_hours, c.run_hours, c.load, bool(c.over)) == pytest.approx((38, 2, 40, False))

    def test_recurring_without_assignee_is_unassigned_run_work(self):
        rec = recurring_frame({"id": 1, "anchor": d(9), "assignee_id": None})
        wl = load([], recurring=rec)
        assert wl.cells["run_hours"].sum() == 0
        assert wl.unassigned["kind"].tolist() == ["run", "run"]
        assert wl.unassigned["hours"].sum() == 4.0

    def test_inactive_operation_has_no_demand(self):
        ops = pd.DataFrame([{"id": 1, "name": "Support", "team_id": 1, "demand_hours_per_week": 10.0,
                             "active": False}])
        rec = recurring_frame({"id": 1, "anchor": d(9)})
        wl = load([], recurring=rec, operations=ops)
        assert wl.cells["run_hours"].sum() == 0 and wl.unassigned.empty

    def test_operation_demand_split_equally_over_active_team_members(self):
        # 10 h/week over the 2 active members of team 1 (Carol is inactive, Dan in team 2): 5 h each;
        # W07 has a holiday (Wed 11): 10 × 4/5 / 2 = 4 h each.
        people = people_frame({"id": 1, "name": "Alice"}, {"id": 2, "name": "Bob"},
                              {"id": 3, "name": "Carol", "active": False}, {"id": 4, "name": "Dan", "team_id": 2})
        ops = pd.DataFrame([{"id": 5, "name": "Support", "team_id": 1, "demand_hours_per_week": 10.0}])
        wl = load([], people, operations=ops, holidays={d(11)})
        run = wl.cells.pivot(index="person_id", columns="week_label", values="run_hours")
        assert run.loc[[1, 2], "2026-W07"].tolist() == pytest.approx([4, 4])
        assert run.loc[[1, 2], "2026-W08"].tolist() == pytest.approx([5, 5])
        assert run.loc[[3, 4]].to_numpy().sum() == 0
        assert set(wl.contributions["source"]) == {"operation"}

    def test_operation_without_people_is_unassigned(self):
        ops = pd.DataFrame([{"id": 5, "name": "Support", "team_id": 9, "demand_hours_per_week": 10.0},
                            {"id": 6, "name": "Facilities", "team_id": None, "demand_hours_per_week": 5.0}])
        wl = load([], operations=ops, weeks=1)
        assert sorted(wl.unassigned["reason"]) == ["operation has no team", "team has no active people"]
        assert wl.unassigned["hours"].sum() == pytest.approx(15)


class TestOverAllocations:
    def test_over_allocated_week_lists_its_tasks_largest_first(self):
        # Capacity 40 × 80 % = 32 h; 'Small' 16 h + 'Big' 24 h in W07 = 40 h -> excess 8 h. W08 is empty.
        wl = load([task(1, d(9), d(13), 16, name="Small"), task(2, d(9), d(13), 24, name="Big")],
                  people_frame({"id": 1, "availability": 80}))
        over = over_allocations(wl)
        assert len(over) == 1
        row = over.iloc[0]
        assert (row.person_id, row.week, row.week_label) == (1, W07, "2026-W07")
        assert (row.load, row.capacity, row.excess) == pytest.approx((40, 32, 8))
        assert row.tasks == ["Big", "Small"]

    def test_load_equal_to_capacity_is_not_over(self):
        wl = load([task(1, d(9), d(13), 40)])
        assert over_allocations(wl).empty

    def test_worst_first(self):
        people = people_frame(ALICE, {"id": 2, "name": "Bob"})
        wl = load([task(1, d(9), d(13), 45), task(2, d(9), d(13), 50, assignee=2)], people)
        assert over_allocations(wl)["person_id"].tolist() == [2, 1]


class TestApplyShift:
    def test_shift_over_weekend(self):
        # Thu 12 – Fri 13 one working day later -> Fri 13 – Mon 16.
        assert apply_shift({"start": d(12), "finish": d(13)}, 1) == (d(13), d(16))

    def test_shift_skips_holidays(self):
        assert apply_shift({"start": d(12), "finish": d(13)}, 1, {d(16)}) == (d(13), d(17))

    def test_shift_earlier(self):
        assert apply_shift(pd.Series({"start": d(16), "finish": d(17)}), -1) == (d(13), d(16))

    def test_milestone_keeps_one_date(self):
        assert apply_shift({"start": d(13), "finish": None}, 3) == (d(18), d(18))

    def test_start_on_weekend_rolls_forward_first(self):
        # Sat 14 -> Mon 16, then +1 -> Tue 17.
        assert apply_shift({"start": d(14), "finish": d(14)}, 1) == (d(17), d(17))

    def test_task_without_start_is_refused(self):
        with pytest.raises(ValidationError):
            apply_shift({"start": None, "finish": None}, 1)


def fix_people() -> pd.DataFrame:
    return people_frame({"id": 1, "name": "Alice", "skills": ["python"]},
                        {"id": 2, "name": "Bob", "skills": ["Python"]},
                        {"id": 3, "name": "Carol", "skills": ["sql"]})


def fix_tasks(extra: list[dict] | None = None, docs_skill: str = "") -> pd.DataFrame:
    """Alice (capacity 40) in W07: 'Build API' 40 h (python, critical) + 'Write docs' 10 h = 50 h, excess 10 h.
    Bob (python) has a 20 h task in W07 -> 20 h free in W07, 40 h in W08. Carol (sql) is free."""
    rows = [task(1, d(9), d(13), 40, name="Build API", skill="python"),
            task(2, d(9), d(13), 10, name="Write docs", skill=docs_skill),
            task(3, d(9), d(13), 20, assignee=2, name="Bob's work")]
    return pd.DataFrame(rows + (extra or []))


def fixes_for(tasks: pd.DataFrame, floats: dict, people: pd.DataFrame | None = None, **kw) -> pd.DataFrame:
    people = fix_people() if people is None else people
    wl = compute_load(tasks, people, None, set(), None, None, W07, 3, W07)
    return suggest_fixes(wl, tasks, people, floats, **kw)


class TestSuggestFixes:
    def test_reassign_and_shift_for_an_over_allocated_week(self):
        # 'Write docs' (10 h, any skill): Carol has 40 h free (slack 30) and Bob 20 h (slack 10) -> Carol.
        # Relieves min(10 excess, 10 h) = 10. Shift: 2 h/day; k = 5 moves it all to W08 (10 h ≤ 40) -> relieves 10,
        # smaller k relieve less (k = 1 moves 2 h). 'Build API' has no float and Bob's 20 h free < 40 h -> nothing.
        fixes = fixes_for(fix_tasks(), {1: 0, 2: 5})
        assert list(fixes.columns) == SUGGESTION_COLUMNS
        assert fixes["kind"].tolist() == ["reassign", "shift"]
        assert fixes["task_id"].tolist() == [2, 2]
        reassign, shift = fixes.iloc[0], fixes.iloc[1]
        assert (reassign.from_person_id, reassign.to_person_id) == (1, 3)
        assert reassign.relieves_hours == pytest.approx(10)
        assert (shift.shift_days, shift.new_start, shift.new_finish) == (5, d(16), d(20))
        assert shift.relieves_hours == pytest.approx(10)
        assert pd.isna(shift.to_person_id) and pd.isna(reassign.shift_days)
        assert (shift.week, shift.week_label, shift.excess_hours) == (W07, "2026-W07", pytest.approx(10))
        assert "Carol" in reassign.explanation and "float" in shift.explanation

    def test_reassign_needs_the_skill(self):
        # 'Write docs' now needs cobol, which nobody has -> no reassign; the shift remains.
        fixes = fixes_for(fix_tasks(docs_skill="cobol"), {2: 5})
        assert fixes["kind"].tolist() == ["shift"]

    def test_reassign_goes_to_a_skilled_person_with_room(self):
        # 'Write docs' needs python (any case): Bob (Python) has 20 h free in W07 and 40 h in W08 -> Bob.
        fixes = fixes_for(fix_tasks(docs_skill="PYTHON"), {})
        assert fixes[["kind", "to_person_id"]].values.tolist() == [["reassign", 2]]
        assert "has the skill 'python'" in fixes.iloc[0].explanation

    @pytest.mark.parametrize(("bob_w08_hours", "expected"), [(35, []), (30, [2])])
    def test_reassign_checks_every_week_of_the_task(self, bob_w08_hours, expected):
        # 'Spread' (python) Mon 9 – Fri 20: 20 h -> 10 h in W07 and 10 h in W08. Bob: 20 h free in W07 and
        # 40 − bob_w08_hours free in W08: 5 h (too little) or 10 h (just enough). Carol lacks python.
        tasks = pd.DataFrame([task(1, d(9), d(13), 35, name="Build API", skill="python"),
                              task(2, d(9), d(20), 20, name="Spread", skill="python"),
                              task(3, d(9), d(13), 20, assignee=2),
                              task(4, d(16), d(20), bob_w08_hours, assignee=2)])
        fixes = fixes_for(tasks, {})
        assert fixes.loc[fixes["task_id"] == 2, "to_person_id"].tolist() == expected

    def test_shift_that_would_overload_the_next_week_is_not_suggested(self):
        # Alice already has 40 h in W08 ('Next week', = capacity): moving any of 'Write docs' into W08 over-allocates
        # her there -> no shift; only the reassignment to Carol is left.
        extra = [task(4, d(16), d(20), 40, name="Next week")]
        fixes = fixes_for(fix_tasks(extra), {2: 5})
        assert fixes["kind"].tolist() == ["reassign"]

    def test_shift_picks_smallest_k_that_removes_the_excess(self):
        # Excess 10 in W07 with 'Long' Mon 9 – Fri 20 (10 days, 40 h = 4 h/day: 20 h per week) and a 30 h task:
        # W07 = 50. Shifting 'Long' by k moves 4k h from W07 to later weeks: k = 3 relieves 12 ≥ 10 -> the excess
        # is gone, but k = 3 already relieves it all: min(10, 12) = 10. W08 gets 20 + 0 (still ≤ 40), W09 12 ≤ 40.
        tasks = pd.DataFrame([task(1, d(9), d(13), 30, name="Fixed"), task(2, d(9), d(20), 40, name="Long")])
        fixes = fixes_for(tasks, {2: 8}, people_frame(ALICE))
        shift = fixes[fixes["kind"] == "shift"].iloc[0]
        assert shift.shift_days == 3 and shift.relieves_hours == pytest.approx(10)

    def test_no_float_no_shift(self):
        fixes = fixes_for(fix_tasks(), {}, people_frame(ALICE))
        assert fixes.empty and list(fixes.columns) == SUGGESTION_COLUMNS

    def test_at_most_max_per_cell(self):
        fixes = fixes_for(fix_tasks(), {1: 5, 2: 5}, max_per_cell=1)
        assert len(fixes) == 1

    def test_only_selected_people_and_weeks(self):
        # Only Alice in W07 is over: asking for Bob, or for W08, gives nothing.
        assert fixes_for(fix_tasks(), {2: 5}, person_ids=[2]).empty
        assert fixes_for(fix_tasks(), {2: 5}, weeks=[W08]).empty
        assert len(fixes_for(fix_tasks(), {2: 5}, person_ids=[1], weeks=[W07])) == 2

    def test_deterministic(self):
        a = fixes_for(fix_tasks(), {1: 5, 2: 5})
        b = fixes_for(fix_tasks(), {1: 5, 2: 5})
        pd.testing.assert_frame_equal(a, b)

    def test_nothing_over_nothing_suggested(self):
        tasks = pd.DataFrame([task(1, d(9), d(13), 8)])
        assert fixes_for(tasks, {1: 3}).empty

    def test_other_people_frame_is_refused(self):
        tasks = fix_tasks()
        wl = compute_load(tasks, fix_people(), None, set(), None, None, W07, 3, W07)
        with pytest.raises(ValidationError, match="same people"):
            suggest_fixes(wl, tasks, people_frame(ALICE), {})


class TestSkillsDemandSupply:
    def test_demand_and_supply_per_skill(self):
        # python: 'Build API' 40 h in W07 (+ an unassigned 8 h python task) = 48 h; supply Alice + Bob = 80 h.
        # sql: no demand, Carol's 40 h.
        tasks = fix_tasks([task(9, d(9), d(9), 8, assignee=None, skill="python")])
        people = fix_people()
        wl = compute_load(tasks, people, None, set(), None, None, W07, 2, W07)
        out = skills_demand_supply(wl, tasks, people).set_index(["skill", "week_label"])
        out = out[["demand_hours", "supply_hours"]]
        assert out.loc[("python", "2026-W07")].tolist() == pytest.approx([48, 80])
        assert out.loc[("python", "2026-W08")].tolist() == pytest.approx([0, 80])
        assert out.loc[("sql", "2026-W07")].tolist() == pytest.approx([0, 40])


class TestTeamTotals:
    def test_sums_per_team(self):
        # Team 1 = Alice + Bob (W07: 50 + 20 = 70 h over 80 h), team 2 = Carol (nothing).
        people = fix_people()
        people.loc[people["id"] == 3, "team_id"] = 2
        tasks = fix_tasks()
        wl = compute_load(tasks, people, None, set(), None, None, W07, 1, W07)
        out = team_totals(wl, people).set_index("team_id")
        assert out.loc[1, ["load", "capacity", "utilisation"]].tolist() == pytest.approx([70, 80, 0.875])
        assert out.loc[2, ["load", "capacity", "utilisation"]].tolist() == pytest.approx([0, 40, 0])


def test_bench_runs_on_a_small_plan():
    assert bench(n_people=20, n_tasks=300, weeks=4) > 0
