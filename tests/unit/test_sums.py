"""The vectorised sums give exactly the floats of the row-by-row loops they replace (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from worksmith.domain.evm import actual_cost_curve, bottom_up_etc, ev_to_date
from worksmith.domain.money import planned_to_date
from worksmith.domain.sums import running_sum
from worksmith.errors import ValidationError

RNG = np.random.default_rng(7)
N = 500  # long enough that numpy's pairwise sum differs from a loop


def loop_sum(values) -> float:
    total = 0.0
    for v in values:
        total += v
    return total


def test_running_sum_is_the_loop_sum_not_the_pairwise_one():
    values = RNG.random(N) * 1e6 / 3
    assert running_sum(values) == loop_sum(values.tolist())
    assert running_sum(np.zeros(0)) == 0.0


def test_ev_to_date_equals_the_loop():
    budget, pct = RNG.random(N) * 1000, RNG.integers(0, 101, N).astype(float)
    tasks = pd.DataFrame({"task_id": range(N), "budget": budget, "percent_complete": pct})
    assert ev_to_date(tasks) == loop_sum(p / 100 * b for p, b in zip(pct.tolist(), budget.tolist(), strict=True))
    with pytest.raises(ValidationError, match="between 0 and 100"):
        ev_to_date(tasks.assign(percent_complete=150.0))


def test_bottom_up_equals_the_loop():
    est, pct, rate = RNG.random(N) * 40, RNG.integers(0, 101, N).astype(float), RNG.random(N) * 90
    rate[::7] = np.nan  # unassigned: the default rate
    tasks = pd.DataFrame({"estimate_hours": est, "percent_complete": pct, "cost_rate": rate})
    out = bottom_up_etc(tasks, pd.DataFrame({"category": [], "planned": [], "actual": []}), default_rate=55.0)
    left = [e * (1 - p / 100) for e, p in zip(est.tolist(), pct.tolist(), strict=True)]
    rates = [55.0 if r != r else r for r in rate.tolist()]
    assert out["hours"] == loop_sum(left)
    assert out["labour"] == loop_sum(x * r for x, r in zip(left, rates, strict=True))


def test_actual_cost_equals_the_row_path():
    days = [date(2026, 1, 1) + timedelta(days=int(d)) for d in RNG.integers(0, 300, N)]
    expenses = pd.DataFrame({"day": days, "amount": RNG.random(N) * 500})
    time = pd.DataFrame({"day": days, "hours": RNG.random(N) * 8, "cost_rate": RNG.random(N) * 90})
    at = [date(2026, 3, 1), date(2026, 11, 25)]
    fast = actual_cost_curve(expenses, time, at)
    # ISO text instead of dates takes the row-by-row path
    slow = actual_cost_curve(expenses.assign(day=[d.isoformat() for d in days]),
                             time.assign(day=[d.isoformat() for d in days]), at)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_planned_to_date_equals_the_row_path():
    months = [date(2026, int(m), 1) for m in RNG.integers(1, 13, N)]
    lines = pd.DataFrame({"month": months, "planned": RNG.random(N) * 9000, "owner": RNG.integers(0, 5, N)})
    fast = planned_to_date(lines, date(2026, 6, 17))
    slow = planned_to_date(lines.assign(month=[f"{m:%Y-%m}" for m in months]), date(2026, 6, 17))
    pd.testing.assert_series_equal(fast, slow, check_exact=True)
    with pytest.raises(ValidationError):
        planned_to_date(lines.assign(planned=-1.0), date(2026, 6, 17))
