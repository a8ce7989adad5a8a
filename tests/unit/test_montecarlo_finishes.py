"""The finishes-only Monte Carlo of many plans at once (``simulate_finishes``): the same finishes as ``simulate``
plan by plan (same seed, same draws), and hand-checked small cases."""

from __future__ import annotations

import numpy as np
import pytest

from worksmith.domain import montecarlo as mc
from worksmith.domain.montecarlo import Estimate, Plans, simulate, simulate_finishes
from worksmith.domain.schedule import Dep, TaskSpec, bench_network, compute_schedule
from worksmith.errors import CycleError, ValidationError


def _plans(count: int, seed: int = 0) -> list[tuple[list[TaskSpec], list[Dep], dict]]:
    """Random plans with every link type, negative and positive lags, SNETs, milestones, fixed and ranged tasks."""
    out = []
    for k in range(count):
        tasks, deps = bench_network(3 + 9 * k, 4 + 15 * k, seed=seed + k)
        rng = np.random.default_rng(seed + k)
        estimates = {t.id: Estimate(max(0, t.duration - int(rng.integers(0, 4))), t.duration + int(rng.integers(0, 7)))
                     for t in tasks if rng.random() < 0.6}
        out.append((tasks, deps, estimates))
    return out


@pytest.mark.parametrize("runs", [1, 255, 256, 257, 500, 1_000])
def test_every_plan_gets_exactly_the_finishes_of_simulate(runs):
    plans = _plans(25)
    got = simulate_finishes(Plans.of(plans), runs=runs, seed=7)
    for k, (tasks, deps, estimates) in enumerate(plans):
        full = simulate(tasks, deps, estimates, runs=runs, seed=7)
        assert np.array_equal(got.finishes[k], full.finishes), k
        assert got.percentile(80)[k] == full.percentile(80) and got.percentile(50)[k] == full.percentile(50)
        base = compute_schedule(tasks, deps)
        assert got.deterministic[k] == base.project_finish == full.deterministic_finish
        last = [r for r in base.tasks.values() if r.ef == base.project_finish]
        assert got.ends_on_milestone[k] == any(r.es == r.ef for r in last)
    assert got.ends_on_milestone.any() and not got.ends_on_milestone.all()  # both cases were compared


def test_batches_of_plans_give_the_same_finishes(monkeypatch):
    plans = Plans.of(_plans(12, seed=3))
    whole = simulate_finishes(plans, runs=300, seed=1)
    monkeypatch.setattr(mc, "MAX_CELLS", 40 * 257)  # about 40 tasks a batch: many batches, some one plan alone
    split = simulate_finishes(plans, runs=300, seed=1)
    assert np.array_equal(whole.finishes, split.finishes)
    assert np.array_equal(whole.deterministic, split.deterministic)


def test_a_chain_and_a_milestone_by_hand():
    """Plan 0: A (2 days) FS→ B ~ triangular(1, 1, 3) FS+1 → M (milestone). B's CDF is 1 − (3 − x)²/4, so B rounds
    to 1 (x < 1.5) with probability 1 − 1.5²/4 = 7/16, to 2 (x < 2.5) with 15/16 − 7/16 = 1/2, to 3 with 1/16. The
    finish 2 + B + 1 is 4, 5 or 6 with P(<= 4) = 7/16 < 0.8 <= P(<= 5) = 15/16: P80 = 5; deterministic 2 + 1 + 1
    = 4, ending on the milestone. Plan 1: one fixed task of 3 days that may not start before day 4: always 7."""
    plans = Plans.of([
        ([TaskSpec("A", 2), TaskSpec("B", 1), TaskSpec("M", 0)], [Dep("A", "B"), Dep("B", "M", "FS", 1)],
         {"B": Estimate(1, 3)}),
        ([TaskSpec("X", 3, snet=4)], [], {}),
    ])
    got = simulate_finishes(plans, runs=20_000, seed=2)
    assert set(np.unique(got.finishes[0])) == {4, 5, 6}
    assert abs(np.mean(got.finishes[0] <= 4) - 7 / 16) < 0.01 and abs(np.mean(got.finishes[0] <= 5) - 15 / 16) < 0.01
    assert got.percentile(80).tolist() == [5, 7]
    assert got.deterministic.tolist() == [4, 7] and got.ends_on_milestone.tolist() == [True, False]
    assert set(got.finishes[1]) == {7}


def test_bad_inputs_are_refused():
    one = Plans.of([([TaskSpec(1, 3)], [], {1: Estimate(4, 6)})])
    with pytest.raises(ValidationError, match="minimum <= duration <= maximum"):
        simulate_finishes(one, runs=10)
    with pytest.raises(ValidationError, match="Runs must be"):
        simulate_finishes(Plans.of([([TaskSpec(1, 3)], [], {})]), runs=0)
    two = Plans.of([([TaskSpec(1, 1)], [], {}), ([TaskSpec(2, 1)], [], {})])
    across = Plans(two.bounds, two.duration, two.low, two.high, two.snet, np.array([0]), np.array([1]),
                   np.array(["FS"]), np.array([0]))
    with pytest.raises(ValidationError, match="joins two plans"):
        simulate_finishes(across, runs=5)
    with pytest.raises(ValidationError, match="FS, SS, FF or SF"):
        simulate_finishes(Plans.of([([TaskSpec(1, 1), TaskSpec(2, 1)], [Dep(1, 2, "XX")], {})]), runs=5)


def test_a_cycle_is_refused_naming_its_rows():
    plans = Plans.of([([TaskSpec(1, 1)], [], {}),
                      ([TaskSpec(2, 1), TaskSpec(3, 1), TaskSpec(4, 1)], [Dep(2, 3), Dep(3, 4), Dep(4, 3)], {})])
    with pytest.raises(CycleError) as err:
        simulate_finishes(plans, runs=5)
    assert err.value.cycle == [2, 3, 2]  # rows 2 and 3 (tasks 3 and 4)
