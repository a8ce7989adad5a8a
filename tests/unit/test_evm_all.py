"""Earned value for all projects at once (domain.evm_all, the group sums of domain.sums, roi.cash_flow): hand-
checked figures, and the same floats as the one-project functions they stand in for."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from worksmith.domain.evm import actual_cost_to_date, bottom_up_etc, ev_to_date, task_budgets
from worksmith.domain.evm_all import (
    baseline_finish,
    bottom_up_all,
    bottom_up_figures,
    cost_to_date,
    default_rates,
    earned_values,
    non_labour_left,
    percent_complete_all,
    task_budgets_all,
)
from worksmith.domain.roi import cash_flow, first_payback, payback_month, roi_cash_flow
from worksmith.domain.sums import day_array, group_latest, group_running_sums, group_sums
from worksmith.errors import ValidationError

RNG = np.random.default_rng(16)
D = np.datetime64


def days(*texts):
    return np.array([t or "NaT" for t in texts], dtype="datetime64[D]")


def test_group_sums_by_hand_and_as_the_per_group_sums():
    group, values = np.array([1, 0, 1, 1]), np.array([1.0, 2.0, 3.0, 4.0])
    assert group_running_sums(group, values, 3).tolist() == [2.0, 8.0, 0.0]
    assert group_sums(group, values, 3).tolist() == [2.0, 8.0, 0.0]
    assert group_running_sums(np.zeros(0, dtype=int), np.zeros(0), 2).tolist() == [0.0, 0.0]
    # long groups: the running sum is the loop's, the other numpy's pairwise sum (they differ in the last bits)
    group, values = RNG.integers(0, 4, 4000), RNG.random(4000) * 1e6 / 3
    running, pairwise = group_running_sums(group, values, 4), group_sums(group, values, 4)
    for g in range(4):
        loop = 0.0
        for v in values[group == g].tolist():
            loop += v
        assert running[g] == loop
        assert pairwise[g] == pd.Series(values[group == g]).sum()


def test_group_latest_and_earliest_leave_missing_days_out():
    group, when = np.array([0, 0, 2, 2]), days("2026-01-05", None, "2026-03-01", "2026-02-01")
    assert group_latest(group, when, 3).tolist() == [date(2026, 1, 5), None, date(2026, 3, 1)]
    assert group_latest(group, when, 3, earliest=True).tolist() == [date(2026, 1, 5), None, date(2026, 2, 1)]


def test_day_array_reads_plain_dates_only():
    values = [date(2026, 1, 1) + timedelta(days=int(d)) for d in RNG.integers(-3000, 3000, 500)]
    assert (day_array(values) == np.array(values, dtype="datetime64[D]")).all()
    assert (day_array(pd.Series(values + [date(1, 1, 1), date(9999, 12, 31)], dtype=object))[-2:]
            == days("0001-01-01", "9999-12-31")).all()
    assert day_array([date(2026, 1, 1), pd.Timestamp("2026-01-02")]) is None
    assert day_array(["2026-01-01"]) is None
    assert len(day_array([])) == 0


def test_task_budgets_share_bac_by_hours_else_by_duration():
    budget = task_budgets_all(np.array([0, 0, 1, 1, 2]), np.array([30.0, 10.0, 0.0, 0.0, 0.0]),
                              np.array([5.0, 5.0, 5.0, 3.0, 0.0]), np.array([1000.0, 800.0, 500.0]))
    assert budget.tolist() == [750.0, 250.0, 500.0, 300.0, 0.0]


def test_earned_value_by_hand_and_the_fallback():
    project = np.array([0, 0, 1])
    ev, has_budget = earned_values(project, np.array([750.0, 250.0, 0.0]), np.array([100.0, 20.0, 50.0]),
                                   days("2026-01-05", "2026-01-12", None), np.array(["1", "2", "3"]),
                                   bac=np.array([1000.0, 500.0, 90.0]), overall_pct=np.array([0.0, 40.0, 10.0]))
    assert ev.tolist() == [800.0, 200.0, 9.0]  # 750 + 20 % × 250; 40 % × 500; no baseline: 10 % × 90
    assert has_budget.tolist() == [True, False, False]


def test_earned_value_adds_in_task_budgets_order():
    snapshot = {str(k): {"start": f"2026-0{1 + k % 9}-1{k % 7}" if k % 5 else None, "finish": "2026-12-01",
                         "estimate_hours": float(RNG.random() * 50), "duration": 3} for k in range(300)}
    pct = {k: float(RNG.integers(0, 101)) for k in range(300)}
    tb = task_budgets(snapshot, 123_456.0)
    expected = ev_to_date(tb.assign(percent_complete=[pct[t] for t in tb["task_id"]]))
    keys = list(snapshot)
    budget = task_budgets_all(np.zeros(300, dtype=int), np.array([snapshot[k]["estimate_hours"] for k in keys]),
                              np.full(300, 3.0), np.array([123_456.0]))
    ev, _ = earned_values(np.zeros(300, dtype=int), budget, np.array([pct[int(k)] for k in keys]),
                          days(*[snapshot[k]["start"] for k in keys]), np.array(keys),
                          bac=np.array([123_456.0]), overall_pct=np.zeros(1))
    assert ev[0] == expected


def test_baseline_finish_needs_both_dates_in_order():
    finish = baseline_finish(np.array([0, 0, 0, 1]), days("2026-01-05", "2026-02-01", None, "2026-03-10"),
                             days("2026-01-09", "2026-01-20", "2026-06-01", "2026-03-11"), 3)
    assert finish.tolist() == [date(2026, 1, 9), date(2026, 3, 11), None]


def test_percent_complete_by_estimate_duration_or_mean():
    pct = percent_complete_all(np.array([0, 0, 1, 1, 2, 2]), np.array([30.0, 10.0, 0.0, 0.0, 0.0, 0.0]),
                               np.array([5.0, 5.0, 5.0, 15.0, 0.0, 0.0]),
                               np.array([100.0, 20.0, 100.0, 0.0, 30.0, 50.0]), 4)
    assert pct.tolist() == [80.0, 25.0, 40.0, 0.0]  # (3000 + 200) / 40; 500 / 20; mean; no tasks


def test_cost_to_date_counts_up_to_today_in_day_order():
    project = np.array([0, 1, 0, 0])
    cost = cost_to_date(project, days("2026-01-10", "2026-01-01", "2026-01-05", "2026-02-01"),
                        np.array([100.0, 7.0, 0.1, 1e9]), date(2026, 1, 31), 3)
    assert cost.tolist() == [100.1, 7.0, 0.0]
    amounts = RNG.random(500) * 1e5 / 7
    when = np.array([D("2026-01-01") + int(d) for d in RNG.integers(0, 60, 500)], dtype="datetime64[D]")
    one = actual_cost_to_date(pd.DataFrame({"day": when.tolist(), "amount": amounts}),
                              pd.DataFrame({"day": [], "hours": [], "cost_rate": []}), date(2026, 2, 10))
    assert cost_to_date(np.zeros(500, dtype=int), when, amounts, date(2026, 2, 10), 1)[0] == one


def test_bottom_up_by_hand_and_as_bottom_up_etc():
    assert default_rates(np.array([0, 0, 0]), np.array([80.0, np.nan, 60.0]), 2, 55.0).tolist() == [70.0, 55.0]
    hours, labour = bottom_up_all(np.array([0, 0]), np.array([100.0, 40.0]), np.array([50.0, 0.0]),
                                  np.array([80.0, np.nan]), np.array([60.0]))
    rest = non_labour_left([5_000.0, 1_000.0], [3_000.0, 2_000.0])
    assert (hours.tolist(), labour.tolist(), rest) == ([90.0], [6400.0], 2000.0)
    tasks = pd.DataFrame({"estimate_hours": [100, 40], "percent_complete": [50, 0], "cost_rate": [80, None]})
    nl = pd.DataFrame({"category": ["software", "travel"], "planned": [5_000, 1_000], "actual": [3_000, 2_000]})
    assert bottom_up_figures(90.0, 6400.0, rest) == bottom_up_etc(tasks, nl, default_rate=60)
    assert non_labour_left([], []) == 0
    with pytest.raises(ValidationError, match="planned may not be below 0"):
        non_labour_left([-1.0], [0.0])


def test_cash_flow_lists_are_the_frame_and_payback_by_hand():
    args = dict(benefit=12_000.0, actual_by_month={date(2026, 1, 1): 3_000.0, date(2026, 2, 1): 3_000.0},
                remaining_cost=0.0, remaining_from=date(2026, 3, 1), remaining_until=date(2026, 3, 1),
                benefit_start=date(2026, 3, 1))
    months, cost, benefit = cash_flow(**args)
    frame = roi_cash_flow(**args)
    assert (months, cost, benefit) == (frame["month"].tolist(), frame["cost"].tolist(), frame["benefit"].tolist())
    # 6,000 spent by February, 1,000 a month from March: paid back in August
    assert first_payback(months, cost, benefit) == date(2026, 8, 1)
    assert payback_month(frame.set_index("month")["cost"], frame.set_index("month")["benefit"]) == date(2026, 8, 1)
    assert first_payback([], [], []) is None
