"""Invariants of the Monte Carlo schedule risk engine on random networks (hypothesis).

Links are FS and SS with lags >= 0, where the CPM finish cannot fall when a duration grows; with FF/SF links a
longer task can start its successors earlier, so the min/max bounds below hold only for such networks."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.domain.montecarlo import Estimate, simulate
from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw):
    n = draw(st.integers(1, 12))
    tasks, estimates = [], {}
    for i in range(n):
        d = draw(st.integers(0, 8))
        tasks.append(TaskSpec(i, d))
        if draw(st.booleans()):
            estimates[i] = Estimate(draw(st.integers(0, d)), draw(st.integers(d, d + 10)))
    deps = [Dep(a, b, draw(st.sampled_from(["FS", "SS"])), draw(st.integers(0, 3)))
            for b in range(n) for a in range(b) if draw(st.integers(0, 3)) == 0]
    return tasks, deps, estimates


@FAST
@given(networks(), st.integers(0, 2**16))
def test_percentiles_are_ordered_and_bounded(network, seed):
    tasks, deps, estimates = network
    r = simulate(tasks, deps, estimates, runs=300, seed=seed)
    p50, p80, p95 = (r.percentile(p) for p in (50, 80, 95))
    assert p50 <= p80 <= p95

    def finish(pick) -> int:
        specs = [TaskSpec(t.id, pick(t, estimates.get(t.id)), t.snet) for t in tasks]
        return compute_schedule(specs, deps).project_finish

    lowest = finish(lambda t, e: e.low if e else t.duration)
    highest = finish(lambda t, e: e.high if e else t.duration)
    assert lowest <= p50 and p95 <= highest
    assert lowest <= r.finishes.min() and r.finishes.max() <= highest


@FAST
@given(networks(), st.integers(0, 2**16))
def test_criticality_indexes_are_shares_and_every_run_has_a_critical_task(network, seed):
    tasks, deps, estimates = network
    r = simulate(tasks, deps, estimates, runs=200, seed=seed)
    assert ((r.criticality >= 0) & (r.criticality <= 1)).all()
    assert r.criticality.sum() >= 1 - 1e-9  # the task finishing last has no float in its run
    assert r.criticality.max() >= 1 / len(tasks) - 1e-9
