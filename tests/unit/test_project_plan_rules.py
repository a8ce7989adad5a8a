"""Pure rules of the plan commands (commands/project_plan.py): the plan grid check, templates and the change
summary; and the baseline variance of views/project_plan.py (no database)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worksmith.commands.project_plan import (
    PlanChange,
    check_grid,
    pushed_over,
    task_change,
    template_plan,
    template_rows,
)
from worksmith.domain.schedule import WorkCalendar
from worksmith.errors import CycleError, ValidationError
from worksmith.views.project_plan import baseline_variance, project_finish_variance

PEOPLE = {"Ana": 1, "Bo": 2}


def row(ref, name, duration=1, preds="", **extra):
    return {"id": None, "ref": ref, "name": name, "duration_days": duration, "predecessors": preds, **extra}


class TestCheckGrid:
    def test_clean_rows_with_new_ids_after_the_highest(self):
        rows = check_grid([row(3, "A"), row(None, "B", 2, "3SS+1d", assignee="Bo"), row(float("nan"), "C", 0, "4")],
                          PEOPLE)
        assert [(r.ref, r.name, r.duration_days) for r in rows] == [(3, "A", 1), (4, "B", 2), (5, "C", 0)]
        assert rows[1].assignee_id == 2 and rows[1].links[0].type == "SS" and rows[1].links[0].lag == 1

    def test_every_problem_is_listed_by_task(self):
        with pytest.raises(ValidationError) as err:
            check_grid([row(1, "A", preds="1"), row(1, "B", -1), row(2, "C", preds="9, 1, 1"),
                        row(3, "", 1, assignee="Zed"), row(4, "D", 1, percent_complete=140)], PEOPLE)
        text = str(err.value)
        for expected in ("Task 1 'B': ID 1 is also used by 'A'",
                         "Task 1 'B': duration must be a whole number of working days, 0 or more",
                         "Row 4: the task needs a name.",
                         "Row 4: unknown assignee 'Zed'.",
                         "Task 4 'D': % complete must be between 0 and 100, got '140'.",
                         "Task 2 'C': predecessor 1 is listed twice",
                         "Task 2 'C': unknown predecessor 9",
                         "Task 1 'A': a task cannot be its own predecessor (1)."):
            assert expected in text, expected
        assert text.startswith("Plan not saved, nothing changed — ")

    def test_a_cycle_alone_is_a_cycle_error_naming_the_tasks(self):
        with pytest.raises(CycleError) as err:
            check_grid([row(1, "Design", 2, "3"), row(2, "Build", 3, "1"), row(3, "Test", 1, "2FF")], PEOPLE)
        assert str(err.value) == ("Plan not saved, nothing changed — Dependency cycle: task 1 'Design' depends on "
                                  "itself via 1 → 2 → 3 → 1. Remove one of these links.")
        assert err.value.cycle == [1, 2, 3, 1]

    def test_a_cycle_among_other_problems_is_listed_too(self):
        with pytest.raises(ValidationError) as err:
            check_grid([row(1, "A", 1, "2"), row(2, "B", 1, "1"), row(3, "", 1)], PEOPLE)
        assert "depends on itself via 1 → 2 → 1" in str(err.value) and "Row 3: the task needs a name" in str(err.value)


def test_template_plan_round_trip_keeps_the_demo_shape():
    rows = [row(1, "Brief", 3, phase="Plan", estimate_hours=8), row(2, "Go", 0, "1FS+2d, 1SS", phase="Run")]
    plan = template_plan(rows, {1: "campaigns"})
    assert plan == {"tasks": [{"ref": 1, "name": "Brief", "phase": "Plan", "duration": 3, "estimate_hours": 8.0,
                               "skill": "campaigns"},
                              {"ref": 2, "name": "Go", "phase": "Run", "duration": 0, "estimate_hours": 0.0,
                               "skill": ""}],
                    "deps": [{"pred": 1, "succ": 2, "type": "FS", "lag": 2}, {"pred": 1, "succ": 2, "type": "SS",
                                                                              "lag": 0}]}
    back = template_rows(plan)
    assert [(r["ref"], r["predecessors"], r["skill"]) for r in back] == [(1, "", "campaigns"), (2, "1FS+2d,1SS", "")]


def test_baseline_variance_in_working_days():
    cal = WorkCalendar(holidays=frozenset({date(2026, 12, 8)}))
    tasks = pd.DataFrame({"id": [1, 2, 3], "finish_date": [date(2026, 12, 10), date(2026, 12, 3), date(2026, 12, 4)]})
    snap = {"1": {"start": "2026-12-01", "finish": "2026-12-04"}, "2": {"start": "2026-12-01", "finish": "2026-12-04"}}
    var = baseline_variance(tasks, snap, cal)
    # Fri 4 -> Thu 10 Dec: Mon 7, (Tue 8 holiday), Wed 9, Thu 10 = +3 (counted from the day after Friday)
    # Fri 4 -> Thu 3 Dec: one working day early = -1; task 3 is new since the baseline
    assert var["finish_variance"].tolist()[:2] == [3, -1] and pd.isna(var["finish_variance"].iloc[2])
    assert project_finish_variance(tasks, snap, cal) == 3
    assert project_finish_variance(tasks, {}, cal) is None


def test_plan_change_summary():
    assert PlanChange().summary() == "No changes to save."
    change = PlanChange(updated=2, added=1, links_added=1, moved=["#3 +2 d"], finish_before=date(2026, 12, 15),
                        finish_after=date(2026, 12, 17))
    assert change.summary() == ("2 tasks changed, 1 task added; 1 link added. Finish Tue 15 Dec 2026 → Thu 17 Dec "
                                "2026. 1 task moved: #3 +2 d.")
    same = PlanChange(deleted=1, finish_before=date(2026, 12, 15), finish_after=date(2026, 12, 15))
    assert same.summary() == "1 task deleted. Finish unchanged (Tue 15 Dec 2026)."


def test_task_change_and_pushed_over_capacity():
    diff = {"duration_days": (10, 6), "assignee_id": (None, 3), "finish": (date(2026, 12, 18), date(2026, 12, 14))}
    text = task_change(8, "Beta test", diff, {"assignee_id": {3: "James"}})
    assert text == "#8 Beta test: days 10 → 6, assignee — → James, finish Fri 18 Dec 2026 → Mon 14 Dec 2026"
    w1, w2 = date(2026, 12, 7), date(2026, 12, 14)
    before = {(1, w1): 1.1}
    after = {(1, w1): 1.1, (1, w2): 2.26, (2, w1): 1.3}  # 1 newly over in w2; 2 newly over; 1's w1 unchanged
    assert pushed_over(before, after, {1: "James", 2: "Olivia"}) == [
        "James 226 % in the week of Mon 14 Dec 2026 (was within capacity)",
        "Olivia 130 % in the week of Mon 7 Dec 2026 (was within capacity)"]
    assert pushed_over(after, after, {}) == []
    change = PlanChange(updated=1, changes=["#8 Beta test: days 10 → 6"], finish_before=w1, finish_after=w1,
                        overloaded=["James 226 % in the week of Mon 14 Dec 2026 (was within capacity)"])
    assert change.summary() == ("1 task changed: #8 Beta test: days 10 → 6. Finish unchanged (Mon 7 Dec 2026). "
                                "Pushed over capacity: James 226 % in the week of Mon 14 Dec 2026 (was within "
                                "capacity).")
    assert [k for k, _ in change.effects()] == ["Finish", "People"]


def test_pending_edits_and_finished_edits_of_the_grid():
    from worksmith.views.project_plan import editor_frame, finished_edits, pending_edits
    tasks = pd.DataFrame({"id": [1, 2], "version": [1, 1], "ref": [1, 2], "name": ["Design", "Build"],
                          "phase": ["A", "A"], "assignee": ["", ""], "duration_days": [3, 5], "predecessors": ["", "1"],
                          "estimate_hours": [8.0, 16.0], "percent_complete": [100.0, 0.0],
                          "start_no_earlier_than": [None, None], "start_date": [date(2026, 11, 30)] * 2,
                          "finish_date": [date(2026, 12, 2)] * 2, "total_float": [0, 0], "critical": [True, True],
                          "finish_variance": [None, None], "waits_for": ["", ""]})
    grid = editor_frame(tasks)
    assert pending_edits(grid, grid.copy()) == 0 and finished_edits(grid, grid.copy()) == []
    edited = grid.copy()
    edited.loc[0, "duration_days"] = 5  # a finished task's duration
    edited.loc[1, "name"] = "Build it"
    assert pending_edits(grid, edited) == 2
    assert finished_edits(grid, edited) == ["#1 Design: days 3 → 5"]
    added = pd.concat([edited, grid.iloc[[1]].assign(id=pd.NA, ref=3)], ignore_index=True).iloc[[1, 2]]
    assert pending_edits(grid, added) == 3  # Build renamed, one row added, Design deleted
