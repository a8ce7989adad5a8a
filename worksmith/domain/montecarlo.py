"""Schedule risk by Monte Carlo simulation over three-point estimates. Pure: numpy in, numpy out.

Each task has a most likely duration ``d`` (the plan's ``duration_days``) and, when uncertain, a minimum ``a`` and
a maximum ``b`` (``a <= d <= b``, ``a >= 0``; ``a == b`` or no bounds: fixed). Every run:

* samples each uncertain task's duration from triangular(a, d, b) and rounds it half up to whole working days:
  ``duration = floor(x + 0.5)``;
* computes exactly the forward and backward pass of :mod:`worksmith.domain.schedule` (FS/SS/FF/SF links with
  lags, start-no-earlier-than, ES >= 0) with those durations: early finish EF, total float TF = LS − ES;
* its project finish is the maximum EF (working-day offset).

Over N runs:

* percentile p of the finish = the smallest F such that at least p % of runs finish at or before F, i.e. the
  ``ceil(p × N / 100)``-th smallest finish;
* probability of a target day D = the share of runs with finish <= D;
* criticality index of a task = the share of runs in which its total float <= 0;
* a task's finish percentiles are those of its EF over the runs.

The engine is vectorised over runs: one pass over the tasks in topological order holding each task's dates as
arrays of length N (never a Python loop over runs). Runs are simulated in chunks of :data:`CHUNK` so memory
stays bounded on 30,000-task plans; the chunk size is fixed, so the same seed gives the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from worksmith.domain.schedule import Dep, TaskSpec, compute_schedule
from worksmith.errors import ValidationError

CHUNK = 256
MAX_RUNS = 100_000
PERCENTILES = (50, 80, 95)
_ENDS = {"FS": (True, False), "SS": (False, False), "FF": (True, True), "SF": (False, True)}


@dataclass(frozen=True)
class Estimate:
    """A task's three-point estimate: ``low`` and ``high`` None for a fixed duration."""

    low: int | None = None
    high: int | None = None


@dataclass
class RiskResult:
    runs: int
    deterministic_finish: int
    finishes: np.ndarray  # (runs,) project finish per run
    task_ids: list
    criticality: np.ndarray  # (tasks,) share of runs with total float <= 0
    task_p50: np.ndarray  # (tasks,) EF percentiles
    task_p80: np.ndarray
    deterministic_critical: np.ndarray  # (tasks,) bool

    def percentile(self, p: float) -> int:
        return percentile(self.finishes, p)

    def probability(self, target_day: int) -> float:
        return float(np.mean(self.finishes <= target_day)) if self.runs else 0.0


def percentile(values: np.ndarray, p: float) -> int:
    """The smallest F such that at least ``p`` % of ``values`` are <= F."""
    ordered = np.sort(np.asarray(values))
    k = max(1, int(np.ceil(p * len(ordered) / 100 - 1e-9)))
    return int(ordered[k - 1])


def check_estimates(tasks: Sequence[TaskSpec], estimates: dict) -> list[tuple[object, str]]:
    """Per task id, what is wrong with its three-point estimate: min < 0, min > most likely, most likely > max,
    or only one bound given."""
    problems = []
    for t in tasks:
        e = estimates.get(t.id)
        if e is None or (e.low is None and e.high is None):
            continue
        if e.low is None or e.high is None:
            problems.append((t.id, "give both duration_min_days and duration_max_days, or neither"))
            continue
        if e.low < 0:
            problems.append((t.id, f"duration_min_days must be 0 or more, got {e.low}"))
        if e.low > t.duration:
            problems.append((t.id, f"duration_min_days {e.low} is more than the most likely duration_days "
                                   f"{t.duration}"))
        if t.duration > e.high:
            problems.append((t.id, f"the most likely duration_days {t.duration} is more than duration_max_days "
                                   f"{e.high}"))
    return problems


def simulate(tasks: Sequence[TaskSpec], deps: Sequence[Dep], estimates: dict, *, runs: int,
             seed: int = 0) -> RiskResult:
    """Run the simulation (see the module docstring). ``estimates``: task id -> :class:`Estimate`.

    Raises
    ------
    ValidationError
        Bad run count or estimates (every problem listed), and everything ``compute_schedule`` refuses.
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= MAX_RUNS:
        raise ValidationError(f"Runs must be a whole number from 1 to {MAX_RUNS:,}, got {runs!r}.", field="runs")
    problems = check_estimates(tasks, estimates)
    if problems:
        raise ValidationError("Three-point estimates refused: " + "; ".join(f"task {i}: {why}" for i, why in problems)
                              + ".", field="duration_min_days")
    base = compute_schedule(tasks, deps)  # validates the plan and names any cycle
    n = len(tasks)
    index = {t.id: i for i, t in enumerate(tasks)}
    order = np.array([index[i] for i in base.order], dtype=np.int64)
    mode = np.array([int(t.duration) for t in tasks], dtype=np.float64)
    snet = np.array([max(0, int(t.snet or 0)) for t in tasks], dtype=np.int64)
    low, high = mode.copy(), mode.copy()
    for t in tasks:
        e = estimates.get(t.id)
        if e is not None and e.low is not None and e.high is not None:
            low[index[t.id]], high[index[t.id]] = e.low, e.high
    uncertain = np.flatnonzero(high > low)
    ins: list[list[tuple[int, bool, bool, int]]] = [[] for _ in range(n)]
    outs: list[list[tuple[int, bool, bool, int]]] = [[] for _ in range(n)]
    for dep in deps:
        p, s = index[dep.pred], index[dep.succ]
        from_finish, to_finish = _ENDS[dep.type.upper()]
        ins[s].append((p, from_finish, to_finish, int(dep.lag)))
        outs[p].append((s, from_finish, to_finish, int(dep.lag)))
    rng = np.random.default_rng(seed)
    finishes = np.empty(runs, dtype=np.int64)
    critical = np.zeros(n, dtype=np.int64)
    ef_all = np.empty((n, runs), dtype=np.int32)
    for first in range(0, runs, CHUNK):
        size = min(CHUNK, runs - first)
        dur = np.repeat(mode[:, None], size, axis=1).astype(np.int64)
        if len(uncertain):
            draws = rng.triangular(low[uncertain, None], mode[uncertain, None], high[uncertain, None],
                                   size=(len(uncertain), CHUNK))[:, :size]
            dur[uncertain] = np.floor(draws + 0.5).astype(np.int64)
        es, ef, finish = _forward(order, ins, dur, snet, size)
        ls = _backward(order, outs, dur, finish, size)
        critical += (ls - es <= 0).sum(axis=1)
        finishes[first:first + size] = finish
        ef_all[:, first:first + size] = ef
    ef_sorted = np.sort(ef_all, axis=1)
    k50, k80 = (max(1, int(np.ceil(p * runs / 100 - 1e-9))) - 1 for p in (50, 80))
    det_critical = np.array([base[t.id].critical for t in tasks], dtype=bool)
    return RiskResult(runs, base.project_finish, finishes, [t.id for t in tasks], critical / runs,
                      ef_sorted[:, k50].astype(np.int64), ef_sorted[:, k80].astype(np.int64), det_critical)


def _forward(order, ins, dur, snet, size):
    n = len(dur)
    es = np.zeros((n, size), dtype=np.int64)
    ef = np.zeros((n, size), dtype=np.int64)
    for v in order:
        start = np.full(size, snet[v], dtype=np.int64)
        for p, from_finish, to_finish, lag in ins[v]:
            bound = (ef[p] if from_finish else es[p]) + lag
            if to_finish:
                bound = bound - dur[v]
            np.maximum(start, bound, out=start)
        es[v] = start
        ef[v] = start + dur[v]
    finish = ef.max(axis=0) if n else np.zeros(size, dtype=np.int64)
    return es, ef, finish


def _backward(order, outs, dur, finish, size):
    n = len(dur)
    ls = np.zeros((n, size), dtype=np.int64)
    lf = np.zeros((n, size), dtype=np.int64)
    for u in order[::-1]:
        late = finish.copy()
        for s, from_finish, to_finish, lag in outs[u]:
            bound = (lf[s] if to_finish else ls[s]) - lag
            if not from_finish:
                bound = bound + dur[u]
            np.minimum(late, bound, out=late)
        lf[u] = late
        ls[u] = late - dur[u]
    return ls
