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
            dur[uncertain] = _draw(rng, low[uncertain], mode[uncertain], high[uncertain], size)
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


def _draw(rng: np.random.Generator, low: np.ndarray, mode: np.ndarray, high: np.ndarray, size: int) -> np.ndarray:
    """One chunk's durations of the uncertain tasks (float arrays ``low < high``): triangular draws rounded half up,
    (tasks, size). Always draws a full :data:`CHUNK` per task, so a run's durations depend only on the seed and its
    position, never on the run count."""
    draws = rng.triangular(low[:, None], mode[:, None], high[:, None], size=(len(low), CHUNK))[:, :size]
    return np.floor(draws + 0.5).astype(np.int64)


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


# ------------------------------------------------------------------------------------- finishes only, many plans
MAX_CELLS = 1 << 21  # tasks × runs held at once by simulate_finishes (a batch of plans × one chunk of runs)


@dataclass(frozen=True)
class Plans:
    """Independent plans as flat arrays, the input of :func:`simulate_finishes`.

    The tasks of plan ``k`` are rows ``bounds[k]:bounds[k + 1]`` (every plan has a task), in the order
    :func:`simulate` would be given them (it decides which draws a task gets). Per task: the most likely
    ``duration``, ``low`` and ``high`` (both = ``duration`` for a fixed task; ``low < high``: uncertain) and the
    start-no-earlier-than offset ``snet`` (0: none). Per link (both ends in one plan, as rows): ``pred``, ``succ``,
    ``kind`` FS/SS/FF/SF and ``lag``.
    """

    bounds: np.ndarray
    duration: np.ndarray
    low: np.ndarray
    high: np.ndarray
    snet: np.ndarray
    pred: np.ndarray
    succ: np.ndarray
    kind: np.ndarray
    lag: np.ndarray

    @classmethod
    def of(cls, plans: Sequence[tuple[Sequence[TaskSpec], Sequence[Dep], dict]]) -> Plans:
        """The arrays of (tasks, deps, estimates) plans, as :func:`simulate` takes each (estimates: task id ->
        :class:`Estimate`, a done task left out)."""
        bounds, rows, links = [0], [], []
        for tasks, deps, estimates in plans:
            index = {t.id: bounds[-1] + i for i, t in enumerate(tasks)}
            for t in tasks:
                e = estimates.get(t.id)
                ranged = e is not None and e.low is not None and e.high is not None
                rows.append((t.duration, e.low if ranged else t.duration, e.high if ranged else t.duration,
                             t.snet or 0))
            links += [(index[d.pred], index[d.succ], d.type, d.lag) for d in deps]
            bounds.append(bounds[-1] + len(tasks))
        dur, low, high, snet = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)) if rows else \
            (np.zeros(0, dtype=np.int64),) * 4
        pred, succ, kind, lag = zip(*links, strict=True) if links else ((), (), (), ())
        return cls(np.array(bounds), dur, low, high, snet, np.array(pred, dtype=np.int64),
                   np.array(succ, dtype=np.int64), np.array(kind, dtype=str), np.array(lag, dtype=np.int64))


@dataclass
class FinishRuns:
    """Per plan: the finish of every run (plans, runs), the deterministic finish (every task at its most likely
    duration, as ``compute_schedule``'s ``project_finish``) and whether a 0-day task finishes last in it."""

    finishes: np.ndarray
    deterministic: np.ndarray
    ends_on_milestone: np.ndarray

    def percentile(self, p: float) -> np.ndarray:
        """Per plan, :func:`percentile` of its finishes."""
        runs = self.finishes.shape[1]
        k = max(1, int(np.ceil(p * runs / 100 - 1e-9)))
        return np.partition(self.finishes, k - 1, axis=1)[:, k - 1].astype(np.int64)


def simulate_finishes(plans: Plans, *, runs: int, seed: int = 0) -> FinishRuns:
    """The project finish of every run of every plan: for each plan exactly ``simulate(...).finishes`` with the same
    ``runs`` and ``seed`` (the same draws: a generator per plan seeded with ``seed``), but the forward pass only (the
    finish needs no late dates) and vectorised over tasks too: all plans at once, level by level (a task's level =
    1 + the highest level of its predecessors), so the work is a few array operations per level.

    Raises
    ------
    ValidationError
        Bad run count, an estimate outside ``0 <= low <= duration <= high``, an unknown link type or a link
        between two plans.
    CycleError
        The links of a plan form a loop (ids are row numbers).
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= MAX_RUNS:
        raise ValidationError(f"Runs must be a whole number from 1 to {MAX_RUNS:,}, got {runs!r}.", field="runs")
    bounds = np.asarray(plans.bounds, dtype=np.int64)
    mode = np.asarray(plans.duration, dtype=np.int64)
    low, high = np.asarray(plans.low, dtype=np.int64), np.asarray(plans.high, dtype=np.int64)
    n, n_plans = len(mode), len(bounds) - 1
    if ((low < 0) | (low > mode) | (mode > high)).any():
        raise ValidationError("Three-point estimates need 0 <= minimum <= duration <= maximum.",
                              field="duration_min_days")
    if n_plans < 0 or bounds[0] != 0 or bounds[-1] != n or (np.diff(bounds) < 1).any():
        raise ValidationError("Every plan needs at least one task.")
    plan_of = np.repeat(np.arange(n_plans), np.diff(bounds))
    pred, succ = np.asarray(plans.pred, dtype=np.int64), np.asarray(plans.succ, dtype=np.int64)
    kind = np.char.upper(np.asarray(plans.kind, dtype=str)) if len(pred) else np.array([], dtype=str)
    if not np.isin(kind, list(_ENDS)).all():
        raise ValidationError("Link types are FS, SS, FF or SF.", field="type")
    if (plan_of[pred] != plan_of[succ]).any():
        raise ValidationError("A link joins two plans.")
    from_finish, to_finish = np.isin(kind, ("FS", "FF")), np.isin(kind, ("FF", "SF"))
    level = _levels(n, pred, succ)
    snet = np.maximum(np.asarray(plans.snet, dtype=np.int64), 0)
    finishes = np.empty((n_plans, runs), dtype=np.int64)
    deterministic = np.empty(n_plans, dtype=np.int64)
    milestone = np.zeros(n_plans, dtype=bool)
    per_batch = max(1, MAX_CELLS // (min(runs, CHUNK) + 1))
    first_plan = 0
    while first_plan < n_plans:  # a batch: consecutive plans of at most per_batch tasks (or one bigger plan)
        last = max(first_plan + 1, int(np.searchsorted(bounds, bounds[first_plan] + per_batch, side="right")) - 1)
        rows = slice(int(bounds[first_plan]), int(bounds[last]))
        links = np.flatnonzero((succ >= rows.start) & (succ < rows.stop))
        batch = _Batch(bounds[first_plan:last + 1] - rows.start, mode[rows], low[rows], high[rows], snet[rows],
                       pred[links] - rows.start, succ[links] - rows.start, from_finish[links], to_finish[links],
                       np.asarray(plans.lag, dtype=np.int64)[links], level[rows])
        batch.run(runs, seed, finishes[first_plan:last], deterministic[first_plan:last], milestone[first_plan:last])
        first_plan = last
    return FinishRuns(finishes, deterministic, milestone)


def _levels(n: int, pred: np.ndarray, succ: np.ndarray) -> np.ndarray:
    """Each task's level: 0 without predecessors, else 1 + the highest level of its predecessors (Kahn's
    algorithm, one array step per level). Raises CycleError (naming row numbers) if the links loop."""
    level = np.zeros(n, dtype=np.int64)
    indeg = np.bincount(succ, minlength=n)
    by_pred = np.argsort(pred, kind="stable")
    targets = succ[by_pred]
    ptr = np.searchsorted(pred[by_pred], np.arange(n + 1))
    frontier, depth, placed = np.flatnonzero(indeg == 0), 0, 0
    while len(frontier):
        placed += len(frontier)
        level[frontier] = depth
        counts = ptr[frontier + 1] - ptr[frontier]
        total = int(counts.sum())
        if not total:
            break
        starts = np.repeat(ptr[frontier] - np.cumsum(counts) + counts, counts)
        reached = targets[starts + np.arange(total)]
        indeg -= np.bincount(reached, minlength=n)
        reached = np.unique(reached)
        frontier, depth = reached[indeg[reached] == 0], depth + 1
    if placed < n:
        left = np.flatnonzero(indeg > 0)
        inside = np.isin(pred, left) & np.isin(succ, left)
        compute_schedule([TaskSpec(int(i), 0) for i in left],
                         [Dep(int(p), int(s)) for p, s in zip(pred[inside], succ[inside], strict=True)])
        raise AssertionError("unreachable: the left-over links loop")  # pragma: no cover
    return level


@dataclass
class _Batch:
    """Consecutive plans simulated together (rows and links rebased to the batch)."""

    bounds: np.ndarray
    mode: np.ndarray
    low: np.ndarray
    high: np.ndarray
    snet: np.ndarray
    pred: np.ndarray
    succ: np.ndarray
    from_finish: np.ndarray
    to_finish: np.ndarray
    lag: np.ndarray
    level: np.ndarray

    def run(self, runs: int, seed: int, finishes: np.ndarray, deterministic: np.ndarray,
            milestone: np.ndarray) -> None:
        n = len(self.mode)
        starts = self.bounds[:-1]
        order = np.lexsort((self.succ, self.level[self.succ]))  # links by level of the successor, then successor
        pred, succ, lag = self.pred[order], self.succ[order], self.lag[order]
        slot = pred + n * self.from_finish[order]  # x[slot]: ES of the predecessor, or its EF (row + n)
        to_finish = self.to_finish[order]
        link_level = self.level[succ]
        cuts = np.searchsorted(link_level, np.arange(1, int(link_level.max(initial=0)) + 2))
        levels = []
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            if a == b:
                continue
            s = succ[a:b]
            first = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
            targets = s[first]
            lags = lag[a:b, None] if lag[a:b].any() else None
            floor = self.snet[targets, None] if self.snet[targets].any() else 0
            group = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1  # each link's successor among targets
            rank = np.arange(b - a) - first[group]  # 0 for a successor's first link, 1 for its second, ...
            more = [(np.flatnonzero(rank == r), group[rank == r]) for r in range(1, int(rank.max()) + 1)]
            levels.append((slot[a:b], lags, s, np.flatnonzero(to_finish[a:b]), first, more, targets, floor))
        fmode = self.mode.astype(np.float64)
        uncertain = np.flatnonzero(self.high > self.low)
        plan_of = np.repeat(np.arange(len(starts)), np.diff(self.bounds))
        groups = [(np.random.default_rng(seed), rows) for rows in np.split(uncertain, np.searchsorted(
            uncertain, self.bounds[1:-1])) if len(rows)]
        flow, fhigh = self.low.astype(np.float64), self.high.astype(np.float64)
        for first_run in range(0, runs, CHUNK):
            size = min(CHUNK, runs - first_run)
            extra = int(first_run == 0)  # the first chunk carries the deterministic schedule as a last column
            dur = np.repeat(self.mode[:, None], size + extra, axis=1)
            if groups:
                drawn = [_draw(rng, flow[rows], fmode[rows], fhigh[rows], size) for rng, rows in groups]
                dur[uncertain, :size] = np.concatenate(drawn)
            x = np.empty((2 * n, size + extra), dtype=np.int64)  # rows: ES of every task, then EF
            x[:n] = self.snet[:, None]
            x[n:] = x[:n] + dur
            for slots, lags, s, to_finish_at, first, more, targets, floor in levels:
                bound = x[slots]
                if lags is not None:
                    bound += lags
                if len(to_finish_at):
                    bound[to_finish_at] -= dur[s[to_finish_at]]
                start = bound[first] if len(more) else bound
                for links, at in more:  # the max over each successor's links, one rank of links at a time
                    start[at] = np.maximum(start[at], bound[links])
                np.maximum(start, floor, out=start)  # ES >= max(0, snet)
                x[targets] = start
                start += dur[targets]
                x[targets + n] = start
            finish = np.stack([x[n + a:n + b].max(axis=0) for a, b in zip(self.bounds[:-1], self.bounds[1:],
                                                                              strict=True)])
            finishes[:, first_run:first_run + size] = finish[:, :size]
            if extra:
                deterministic[:] = finish[:, -1]
                last = (self.mode == 0) & (x[n:, -1] == finish[plan_of, -1])
                milestone[:] = np.bincount(plan_of[last], minlength=len(starts)) > 0
