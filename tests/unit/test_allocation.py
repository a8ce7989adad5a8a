"""Unit tests for worksmith.domain.allocation: over-allocated person-weeks, shifting a task, fix suggestions."""

from __future__ import annotations

import pandas as pd
import pytest
from workload_plans import ALICE, W07, W08, d, fix_people, fix_tasks, load, people_frame, task

from worksmith.domain.allocation import SUGGESTION_COLUMNS, apply_shift, over_allocations, suggest_fixes
from worksmith.domain.workload import compute_load
from worksmith.errors import ValidationError


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
