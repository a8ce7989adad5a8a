"""Invariants of worksmith.workload on generated plans (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.domain.allocation import apply_shift, suggest_fixes
from worksmith.domain.workload import compute_load

START = date(2026, 3, 2)  # a Monday
WEEKS = 6
LAST_FRIDAY = START + timedelta(days=7 * (WEEKS - 1) + 4)
SKILLS = ["python", "sql", ""]

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def day_in(lo: date, hi: date) -> st.SearchStrategy[date]:
    return st.integers(0, (hi - lo).days).map(lambda n: lo + timedelta(days=n))


@st.composite
def plans(draw, *, inside: bool = True):
    """People, tasks, time off and holidays. With ``inside`` every task lies within the horizon, from today on, and no
    holiday falls in the last week (so a task with no working day, rolled forward, stays inside)."""
    n_people = draw(st.integers(1, 4))
    people = pd.DataFrame({
        "id": list(range(1, n_people + 1)),
        "name": [f"P{i}" for i in range(1, n_people + 1)],
        "team_id": draw(st.lists(st.sampled_from([1, 2]), min_size=n_people, max_size=n_people)),
        "weekly_hours": draw(st.lists(st.sampled_from([0.0, 20.0, 32.0, 40.0]), min_size=n_people,
                                      max_size=n_people)),
        "availability": draw(st.lists(st.sampled_from([0.0, 50.0, 80.0, 100.0]), min_size=n_people,
                                      max_size=n_people)),
        "skills": draw(st.lists(st.lists(st.sampled_from(SKILLS[:2]), max_size=2), min_size=n_people,
                                max_size=n_people)),
    })
    hi = LAST_FRIDAY if inside else START + timedelta(days=7 * WEEKS + 20)
    lo = START if inside else START - timedelta(days=30)
    rows = []
    for i in range(draw(st.integers(0, 12))):
        start = draw(day_in(lo, hi))
        finish = draw(day_in(start, min(hi, start + timedelta(days=20))))
        rows.append({
            "task_id": i + 1, "project_id": 1, "name": f"T{i + 1}",
            "assignee_id": draw(st.one_of(st.none(), st.integers(1, n_people + 1))),
            "start": start, "finish": finish,
            "estimate_hours": draw(st.floats(0, 120, allow_nan=False)),
            "percent_complete": draw(st.sampled_from([0.0, 10.0, 50.0, 99.0, 100.0])),
            "required_skill": draw(st.sampled_from(SKILLS)),
        })
    tasks = pd.DataFrame(rows, columns=["task_id", "project_id", "name", "assignee_id", "start", "finish",
                                        "estimate_hours", "percent_complete", "required_skill"])
    holidays = set(draw(st.lists(day_in(START, LAST_FRIDAY - timedelta(days=7)), max_size=5)))
    offs = []
    for _ in range(draw(st.integers(0, 3))):
        s = draw(day_in(START - timedelta(days=5), hi))
        offs.append({"person_id": draw(st.integers(1, n_people)), "start": s,
                     "end": s + timedelta(days=draw(st.integers(0, 9)))})
    time_off = pd.DataFrame(offs, columns=["person_id", "start", "end"])
    today = START if inside else draw(day_in(START - timedelta(days=10), START + timedelta(days=20)))
    return people, tasks, time_off, holidays, today


def remaining(tasks: pd.DataFrame) -> pd.Series:
    return tasks["estimate_hours"] * (1 - tasks["percent_complete"] / 100)


@FAST
@given(plans())
def test_spread_hours_equal_remaining_hours_inside_horizon(plan):
    people, tasks, time_off, holidays, today = plan
    wl = compute_load(tasks, people, time_off, holidays, None, None, START, WEEKS, today)
    spread = wl.cells["change_hours"].sum() + wl.unassigned["hours"].sum()
    assert spread == pytest.approx(remaining(tasks).sum(), abs=1e-6)
    per_task = pd.concat([wl.contributions, wl.unassigned]).groupby("source_id")["hours"].sum()
    expected = remaining(tasks).set_axis(tasks["task_id"])
    for tid, hours in expected.items():
        assert per_task.get(tid, 0.0) == pytest.approx(hours, abs=1e-6)


@FAST
@given(plans(inside=False))
def test_capacity_and_load_are_consistent(plan):
    people, tasks, time_off, holidays, today = plan
    wl = compute_load(tasks, people, time_off, holidays, None, None, START, WEEKS, today)
    c = wl.cells
    assert (c["capacity"] >= 0).all() and (c["load"] >= 0).all()
    assert (c["capacity"] <= c["full_capacity"] + 1e-9).all()
    assert (c["full_capacity"] <= c["person_id"].map(people.set_index("id")["weekly_hours"]) + 1e-9).all()
    assert np.allclose(c["load"] - c["capacity"], c["excess"] - c["free"])
    assert ((c["free"] >= 0) & (c["excess"] >= 0)).all()
    assert (c["over"] == (c["excess"] > 1e-9)).all()
    assert (c["load"] == c["change_hours"] + c["run_hours"]).all()
    # hours never land before today's week
    first = today - timedelta(days=today.weekday())
    assert (wl.contributions["week"] >= first).all()


@FAST
@given(day_in(date(2026, 1, 1), date(2026, 12, 31)), st.integers(-15, 15), st.sets(day_in(date(2026, 1, 1),
                                                                                          date(2027, 1, 31))))
def test_apply_shift_keeps_working_days_and_reverses(start, k, holidays):
    cal = np.busdaycalendar(holidays=sorted(holidays))
    start = np.busday_offset(start, 0, roll="forward", busdaycal=cal).astype(object)
    finish = np.busday_offset(start, 3, busdaycal=cal).astype(object)
    new_start, new_finish = apply_shift({"start": start, "finish": finish}, k, holidays)
    assert np.busday_count(new_start, new_finish, busdaycal=cal) == 3
    assert np.is_busday(new_start, busdaycal=cal) and np.is_busday(new_finish, busdaycal=cal)
    assert apply_shift({"start": new_start, "finish": new_finish}, -k, holidays) == (start, finish)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(inside=False), st.integers(0, 6))
def test_suggestions_do_what_they_say(plan, float_days):
    """Applying a suggestion and recomputing relieves the cell as stated and over-allocates nobody anew."""
    people, tasks, time_off, holidays, today = plan
    args = (time_off, holidays, None, None, START, WEEKS, today)
    wl = compute_load(tasks, people, *args)
    floats = dict.fromkeys(tasks["task_id"], float_days)
    fixes = suggest_fixes(wl, tasks, people, floats)
    before = wl.cells.set_index(["person_id", "week"])
    skills = dict(zip(people["id"], people["skills"], strict=True))
    for fix in fixes.itertuples():
        changed = tasks.copy()
        row = changed["task_id"] == fix.task_id
        if fix.kind == "shift":
            assert 1 <= fix.shift_days <= float_days
            new = apply_shift(changed.loc[row].iloc[0], fix.shift_days, holidays)
            assert new == (fix.new_start, fix.new_finish)
            changed.loc[row, "start"], changed.loc[row, "finish"] = new
            touched = [fix.from_person_id]
        else:
            need = changed.loc[row, "required_skill"].iloc[0]
            assert not need or need in skills[fix.to_person_id]
            changed.loc[row, "assignee_id"] = fix.to_person_id
            touched = [fix.from_person_id, fix.to_person_id]
        after = compute_load(changed, people, *args).cells.set_index(["person_id", "week"])
        cell = (fix.from_person_id, fix.week)
        assert after.loc[cell, "load"] <= before.loc[cell, "load"] - fix.relieves_hours + 1e-6
        for pid in touched:
            b, a = before.loc[pid], after.loc[pid]
            assert (a["load"] <= np.maximum(b["load"], b["capacity"]) + 1e-6).all()
