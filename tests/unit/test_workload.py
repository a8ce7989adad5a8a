"""Unit tests for worksmith.domain.workload — tiny literal plans, numbers worked out by hand in the comments.

Calendar used throughout (2026): ISO week W07 = Mon 9 Feb .. Sun 15 Feb, W08 = Mon 16 Feb .. Sun 22 Feb.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from workload_plans import ALICE, W06, W07, W08, W09, cell, d, fix_people, fix_tasks, load, people_frame, task

from worksmith.domain.workload import CELL_COLUMNS, CONTRIBUTION_COLUMNS, UNASSIGNED_COLUMNS, compute_load, team_totals
from worksmith.errors import ValidationError


class TestComputeLoadChange:
    def test_frames_have_documented_columns(self):
        wl = load([task(1, d(9), d(13), 8)])
        assert list(wl.cells.columns) == CELL_COLUMNS
        assert list(wl.contributions.columns) == CONTRIBUTION_COLUMNS
        assert list(wl.unassigned.columns) == UNASSIGNED_COLUMNS
        assert wl.weeks == (W07, W08)
        assert wl.horizon_end == d(22)

    def test_cells_only_gives_the_same_cells_and_empty_detail(self):
        from worksmith.bench import workload_data

        data = workload_data(n_people=40, n_tasks=600, weeks=8, seed=3)
        full, cells = compute_load(**data), compute_load(**data, cells_only=True)
        pd.testing.assert_frame_equal(cells.cells, full.cells, check_exact=True)
        assert len(full.contributions) and len(full.unassigned)
        for got, want in ((cells.contributions, full.contributions), (cells.unassigned, full.unassigned)):
            assert got.empty and list(got.columns) == list(want.columns)
        pd.testing.assert_frame_equal(cells.unscheduled, full.unscheduled)

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
