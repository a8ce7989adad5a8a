"""Hypothesis invariants of the CPM scheduler and the work calendar.

The reference implementation below is written straight from DESIGN §3 and shares no code with
worksmith.schedule: a Bellman-Ford style relaxation of every constraint until nothing changes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.errors import CycleError

SETTINGS = settings(max_examples=150, deadline=None)


# --------------------------------------------------------------------------------------- strategies
@st.composite
def networks(draw, max_tasks: int = 10, max_deps: int = 18, acyclic: bool = True):
    """Random networks. Acyclic ones link a lower to a higher topological rank; ids and input order are
    shuffled so neither reveals that order."""
    n = draw(st.integers(1, max_tasks))
    ids = draw(st.permutations(range(100, 100 + n)))  # ids[rank]
    tasks = [
        TaskSpec(ids[k], draw(st.integers(0, 6)), draw(st.none() | st.integers(0, 12)), f"T{ids[k]}") for k in range(n)
    ]
    deps = []
    for _ in range(draw(st.integers(0, max_deps if n > 1 or not acyclic else 0))):
        if acyclic:
            i = draw(st.integers(0, n - 2))
            j = draw(st.integers(i + 1, n - 1))
        else:
            i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        deps.append(Dep(ids[i], ids[j], draw(st.sampled_from(["FS", "SS", "FF", "SF"])), draw(st.integers(-4, 4))))
    order = draw(st.permutations(range(n)))
    return [tasks[k] for k in order], deps


# --------------------------------------------------------------------------------------- reference
def reference(tasks, deps):
    """ES and LF by relaxing all constraints to a fixed point (DESIGN §3 read literally)."""
    dur = {t.id: t.duration for t in tasks}
    es = {t.id: max(0, t.snet or 0) for t in tasks}
    for _ in range(len(tasks) + 1):
        changed = False
        for d in deps:
            p, s, lag = d.pred, d.succ, d.lag
            need = {
                "FS": es[p] + dur[p] + lag,  # ES >= P.EF + L
                "SS": es[p] + lag,  # ES >= P.ES + L
                "FF": es[p] + dur[p] + lag - dur[s],  # EF >= P.EF + L
                "SF": es[p] + lag - dur[s],  # EF >= P.ES + L
            }[d.type]
            if need > es[s]:
                es[s], changed = need, True
        if not changed:
            break
    finish = max((es[t] + dur[t] for t in es), default=0)
    lf = {t.id: finish for t in tasks}
    for _ in range(len(tasks) + 1):
        changed = False
        for d in deps:
            p, s, lag = d.pred, d.succ, d.lag
            bound = {
                "FS": lf[s] - dur[s] - lag,  # P.LF <= S.LS - L
                "SS": lf[s] - dur[s] - lag + dur[p],  # P.LS <= S.LS - L
                "FF": lf[s] - lag,  # P.LF <= S.LF - L
                "SF": lf[s] - lag + dur[p],  # P.LS <= S.LF - L
            }[d.type]
            if bound < lf[p]:
                lf[p], changed = bound, True
        if not changed:
            break
    return es, lf, finish


def slack(dep, result):
    """How much the dependency's constraint is over-satisfied at early dates (>= 0 when it holds)."""
    p, s = result[dep.pred], result[dep.succ]
    return {
        "FS": s.es - (p.ef + dep.lag),
        "SS": s.es - (p.es + dep.lag),
        "FF": s.ef - (p.ef + dep.lag),
        "SF": s.ef - (p.es + dep.lag),
    }[dep.type]


def late_slack(dep, result):
    p, s = result[dep.pred], result[dep.succ]
    return {
        "FS": s.ls - (p.lf + dep.lag),
        "SS": s.ls - (p.ls + dep.lag),
        "FF": s.lf - (p.lf + dep.lag),
        "SF": s.lf - (p.ls + dep.lag),
    }[dep.type]


# --------------------------------------------------------------------------------------- properties
@SETTINGS
@given(networks())
def test_early_dates_satisfy_every_constraint(net):
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    for t in tasks:
        r = result[t.id]
        assert r.es >= 0
        assert r.es >= (t.snet or 0)
        assert r.ef == r.es + t.duration
        assert r.lf == r.ls + t.duration
        assert r.lf <= result.project_finish
    for d in deps:
        assert slack(d, result) >= 0
        assert late_slack(d, result) >= 0
    assert result.project_finish == max(result[t.id].ef for t in tasks)


@SETTINGS
@given(networks())
def test_floats_are_consistent(net):
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    for r in result.tasks.values():
        assert r.total_float == r.ls - r.es >= 0
        assert 0 <= r.free_float <= r.total_float
        assert r.critical == (r.total_float <= 0)


@SETTINGS
@given(networks())
def test_matches_bellman_ford_reference(net):
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    es, lf, finish = reference(tasks, deps)
    assert result.project_finish == finish
    assert {t: r.es for t, r in result.tasks.items()} == es
    assert {t: r.lf for t, r in result.tasks.items()} == lf


@SETTINGS
@given(networks())
def test_critical_chains_run_from_a_start_bound_to_the_project_finish(net):
    """A task ending at the project finish is critical. Every critical task is either bound at its start
    (ES = 0 or ES = its SNET) or has an incoming dependency that is tight at early dates from a critical
    predecessor; mirrored, it either ends at the project finish or has an outgoing dependency tight at late
    dates to a critical successor. So walking tight links backwards from the finishing task always reaches a
    start-bound task through critical tasks only (with SS/FF links and negative lags the chain need not be a
    finish-to-start sequence, nor begin at day 0)."""
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    snet = {t.id: t.snet for t in tasks}
    finishing = [r for r in result.tasks.values() if r.ef == result.project_finish]
    assert finishing and all(r.critical for r in finishing)

    def driving(task_id):
        return [d.pred for d in deps if d.succ == task_id and slack(d, result) == 0 and result[d.pred].critical]

    for r in result.tasks.values():
        if not r.critical:
            continue
        start_bound = r.es == 0 or r.es == snet[r.id]
        assert start_bound or driving(r.id)
        ends_project = r.lf == result.project_finish
        assert ends_project or any(
            d.pred == r.id and late_slack(d, result) == 0 and result[d.succ].critical for d in deps
        )

    # Walk back from a finishing task; the walk is finite because the network is acyclic.
    node, steps = finishing[0].id, 0
    while not (result[node].es == 0 or result[node].es == snet[node]):
        node = driving(node)[0]
        steps += 1
        assert steps <= len(tasks)


@SETTINGS
@given(networks(), st.data())
def test_removing_a_non_critical_task_keeps_the_finish(net, data):
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    victims = [t.id for t in tasks if not result[t.id].critical]
    any_id = data.draw(st.sampled_from([t.id for t in tasks]))
    for victim in [*victims[:1], any_id]:
        rest = [t for t in tasks if t.id != victim]
        rest_deps = [d for d in deps if victim not in (d.pred, d.succ)]
        finish = compute_schedule(rest, rest_deps).project_finish
        if not result[victim].critical:
            assert finish == result.project_finish
        else:
            assert finish <= result.project_finish  # removing constraints never delays


@SETTINGS
@given(networks())
def test_free_float_is_the_slip_that_moves_nothing_else(net):
    """Delaying a task by its free float (via an SNET) changes no other early date nor the finish;
    one day more does."""
    tasks, deps = net
    result = compute_schedule(tasks, deps)
    early = {t: r.es for t, r in result.tasks.items()}
    for i, t in enumerate(tasks):
        r = result[t.id]
        for delay, should_move in ((r.free_float, False), (r.free_float + 1, True)):
            pushed = [*tasks[:i], TaskSpec(t.id, t.duration, r.es + delay, t.name), *tasks[i + 1 :]]
            again = compute_schedule(pushed, deps)
            moved = again.project_finish != result.project_finish or any(
                again[u].es != early[u] for u in early if u != t.id
            )
            assert moved == should_move, (t.id, delay)


@SETTINGS
@given(networks(acyclic=False, max_tasks=7, max_deps=10))
def test_cycles_are_refused_and_reported_exactly(net):
    tasks, deps = net
    edges = {(d.pred, d.succ) for d in deps}
    # Reachability closure to know independently whether there is a cycle.
    reach = {t.id: set() for t in tasks}
    for p, s in edges:
        reach[p].add(s)
    for _ in tasks:
        for u in reach:
            for v in list(reach[u]):
                reach[u] |= reach[v]
    has_cycle = any(u in reach[u] for u in reach)
    try:
        compute_schedule(tasks, deps)
    except CycleError as error:
        assert has_cycle
        cycle = error.cycle
        assert len(cycle) >= 2 and cycle[0] == cycle[-1]
        assert len(set(cycle[:-1])) == len(cycle) - 1
        assert all((a, b) in edges for a, b in zip(cycle, cycle[1:], strict=False))
    else:
        assert not has_cycle
