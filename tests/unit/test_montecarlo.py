"""Monte Carlo schedule risk (worksmith.domain.montecarlo) on hand-checked networks."""

from __future__ import annotations

import numpy as np
import pytest

from worksmith.domain.montecarlo import Estimate, check_estimates, percentile, simulate
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.errors import CycleError, ValidationError


def test_percentile_is_the_smallest_value_reaching_the_share():
    values = np.array([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])
    assert (percentile(values, 50), percentile(values, 80), percentile(values, 95), percentile(values, 100)) == \
        (5, 8, 10, 10)
    assert percentile(np.array([3]), 50) == 3


def test_fixed_durations_give_the_deterministic_finish():
    tasks = [TaskSpec(1, 5), TaskSpec(2, 3, snet=2), TaskSpec(3, 4)]
    deps = [Dep(1, 2, "SS", 1), Dep(2, 3, "FF", 2), Dep(1, 3)]
    det = compute_schedule(tasks, deps).project_finish
    r = simulate(tasks, deps, {1: Estimate(5, 5), 2: Estimate(3, 3)}, runs=500, seed=4)
    assert r.deterministic_finish == det
    assert {r.percentile(p) for p in (50, 80, 95)} == {det} and set(r.finishes) == {det}


def test_a_chain_of_three_triangular_tasks_matches_the_hand_computation():
    """Each task triangular(0, 1, 2) rounds to 0, 1, 2 with probability 1/8, 3/4, 1/8 (mean 1). The chain's finish
    has mean 3; P(sum = 3) = (3/4)³ + 6 × 1/8 × 3/4 × 1/8 = 63/128 and the sum is symmetric around 3, so
    P(≤ 3) = 1/2 + 63/256 ≈ 0.746, P(≤ 4) = 1 − P(≤ 1) ≈ 0.963: P50 = 3, P80 = 4, P95 = 4."""
    tasks = [TaskSpec(i, 1) for i in (1, 2, 3)]
    deps = [Dep(1, 2), Dep(2, 3)]
    r = simulate(tasks, deps, {i: Estimate(0, 2) for i in (1, 2, 3)}, runs=40_000, seed=11)
    assert abs(r.finishes.mean() - 3.0) < 0.03
    assert (r.percentile(50), r.percentile(80), r.percentile(95)) == (3, 4, 4)
    assert abs(r.probability(3) - (0.5 + 63 / 256)) < 0.01
    assert np.allclose(r.criticality, 1.0)  # a single chain is always critical


def test_two_parallel_tasks_split_the_criticality_as_reasoned():
    """A fixed 5 days beside B ~ triangular(3, 5, 7): B rounds to 5 with probability 0.4375, below 5 with 0.28125.
    A is critical when B <= 5 (0.71875), B when B >= 5 (0.71875). P(B rounds to <= 6) = 1 − 0.5²/8 = 0.96875, so
    P95 = 6."""
    tasks = [TaskSpec("A", 5), TaskSpec("B", 5)]
    r = simulate(tasks, [], {"B": Estimate(3, 7)}, runs=40_000, seed=5)
    assert abs(r.criticality[0] - 0.71875) < 0.01 and abs(r.criticality[1] - 0.71875) < 0.01
    assert r.percentile(50) == 5 and r.percentile(95) == 6


def test_same_seed_same_result_and_another_seed_differs():
    tasks = [TaskSpec(i, 3) for i in range(1, 6)]
    deps = [Dep(i, i + 1) for i in range(1, 5)]
    est = {i: Estimate(1, 9) for i in range(1, 6)}
    a, b = simulate(tasks, deps, est, runs=700, seed=1), simulate(tasks, deps, est, runs=700, seed=1)
    assert np.array_equal(a.finishes, b.finishes) and np.array_equal(a.criticality, b.criticality)
    assert not np.array_equal(a.finishes, simulate(tasks, deps, est, runs=700, seed=2).finishes)


@pytest.mark.parametrize(("estimate", "message"), [
    (Estimate(-1, 5), "0 or more"), (Estimate(4, 6), "more than the most likely"),
    (Estimate(1, 2), "more than duration_max_days"), (Estimate(1, None), "both")])
def test_bad_three_point_estimates_are_refused_per_task(estimate, message):
    tasks = [TaskSpec(7, 3)]
    assert message in check_estimates(tasks, {7: estimate})[0][1]
    with pytest.raises(ValidationError, match="task 7"):
        simulate(tasks, [], {7: estimate}, runs=10)


@pytest.mark.parametrize("runs", [0, -5, 10**9, 2.5, True])
def test_bad_run_counts_are_refused(runs):
    with pytest.raises(ValidationError, match="Runs must be"):
        simulate([TaskSpec(1, 1)], [], {}, runs=runs)


def test_a_cycle_is_named_as_by_schedule():
    with pytest.raises(CycleError, match="depends on itself"):
        simulate([TaskSpec(1, 1), TaskSpec(2, 1)], [Dep(1, 2), Dep(2, 1)], {}, runs=5)


def test_task_finish_percentiles_follow_their_early_finish():
    r = simulate([TaskSpec(1, 2), TaskSpec(2, 1)], [Dep(1, 2)], {1: Estimate(1, 6)}, runs=5000, seed=3)
    assert r.task_p50[0] <= r.task_p80[0] and r.task_p80[1] == r.task_p80[0] + 1
