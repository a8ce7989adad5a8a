"""Earned value of many projects at once: the formulas of :mod:`worksmith.domain.evm` on arrays that hold the rows of
every project, each row tagged with its project's index ``0 … n−1`` (DESIGN §3 "Budget / earned value").

Pure module: numpy arrays in, numpy arrays out. Every function gives, for each project, the float the one-project
function gives on that project's rows alone — the same sums added in the same order (``worksmith.domain.sums``) —
so the portfolio figures equal the single-project view's to the last bit. Inputs are clean (finite, in range,
plain days); the caller routes a project with a bad value to the one-project path, which names the value.

Formulas (per project ``p``; rows ``i`` of ``p``)
-------------------------------------------------
* Task budget (:func:`task_budgets_all`, as ``evm.task_budgets``): ``budget_i = BAC_p × w_i / Σ w``, ``w`` the
  baseline estimate hours, the baseline durations when ``p`` has no hours, 0 when it has neither.
* ``EV_p = Σ pct_i / 100 × budget_i`` over the baseline tasks sorted by (start, task id); when no task has a
  budget, ``EV_p = overall % complete / 100 × BAC_p`` (:func:`earned_values`, as ``evm.ev_to_date``).
* Overall % complete (:func:`percent_complete_all`): ``Σ estimate × pct / Σ estimate``, by duration when there are
  no estimates, the plain mean when there is neither, 0 without tasks.
* ``AC_p = Σ amounts up to today`` (:func:`cost_to_date`, as ``evm.actual_cost_to_date``).
* Bottom-up (:func:`bottom_up_all`, as ``evm.bottom_up_etc``): hours left ``= Σ estimate × (1 − pct / 100)``,
  labour left ``= Σ estimate × (1 − pct / 100) × rate`` (an unassigned task at the project's default rate), plus
  :func:`non_labour_left` ``= Σ max(planned − actual, 0)`` over the non-labour categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

import numpy as np

from worksmith import fmt
from worksmith.domain.money import checked_number
from worksmith.domain.sums import group_latest, group_running_sums, group_sums

LAST_DAY = np.datetime64(date.max, "D")


def _nan_to(values: np.ndarray, default: float | np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype="float64")
    return np.where(np.isnan(values), default, values)


def task_budgets_all(project: np.ndarray, hours: np.ndarray, duration: np.ndarray, bac: np.ndarray) -> np.ndarray:
    """Each baseline task's budget, ``BAC × w / Σ w`` per project (see the module docstring).

    ``project``, ``hours``, ``duration``: one entry per baseline task, in snapshot order (the order the totals are
    added in); hours and durations finite and ≥ 0, missing as 0. ``bac``: per project, finite and ≥ 0.

    >>> task_budgets_all(np.array([0, 0, 1]), np.array([30., 10., 0.]), np.array([5., 5., 4.]),
    ...                  np.array([1000., 80.])).tolist()
    [750.0, 250.0, 80.0]
    """
    n = len(bac)
    total_hours = group_running_sums(project, hours, n)[project]
    total_days = group_running_sums(project, duration, n)[project]
    by_hours = total_hours > 0
    weight = np.where(by_hours, hours, duration)
    total = np.where(by_hours, total_hours, total_days)
    return np.where(total > 0, bac[project] * weight / np.where(total > 0, total, 1.0), 0.0)


def earned_values(project: np.ndarray, budget: np.ndarray, pct: np.ndarray, start: np.ndarray,
                  task_key: np.ndarray, *, bac: np.ndarray, overall_pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(EV, has_budget)`` per project (see the module docstring).

    Parameters
    ----------
    project, budget, pct, start, task_key : array
        Per baseline task: project index, budget (:func:`task_budgets_all`), the task's current % complete (0–100,
        0 for a task no longer in the project), baseline start (datetime64[D], NaT when missing: sorted last) and
        ``str(task id)`` (the tie-break of the sort).
    bac, overall_pct : array
        Per project: BAC and overall % complete (0–100), for the fallback.

    Returns
    -------
    (ndarray, ndarray)
        EV, and whether any baseline task of the project has a budget (else EV is the fallback).
    """
    n = len(bac)
    order = np.lexsort((task_key, np.where(np.isnat(start), LAST_DAY, start), project))
    earned = group_running_sums(project[order], (pct / 100 * budget)[order], n)
    has_budget = group_running_sums(project, budget, n) > 0
    return np.where(has_budget, earned, overall_pct / 100 * bac), has_budget


def baseline_finish(project: np.ndarray, start: np.ndarray, finish: np.ndarray, n: int) -> np.ndarray:
    """Per project the latest baseline finish among its tasks with both dates and finish ≥ start (NaT if none)."""
    dated = ~np.isnat(start) & ~np.isnat(finish)
    dated[dated] = finish[dated] >= start[dated]
    return group_latest(project[dated], finish[dated], n)


def percent_complete_all(project: np.ndarray, estimate: np.ndarray, duration: np.ndarray, pct: np.ndarray,
                         n: int) -> np.ndarray:
    """Overall % complete per project (0–100): weighted by estimate hours, by duration when there are none, the plain
    mean when there is neither; 0 without tasks. Missing values are left out of the sums (as pandas does).

    >>> percent_complete_all(np.array([0, 0, 1]), np.array([30., 10., 0.]), np.array([5., 5., 0.]),
    ...                      np.array([100., 20., 40.]), 3).tolist()
    [80.0, 40.0, 0.0]
    """
    estimate, duration, pct = (np.asarray(a, dtype="float64") for a in (estimate, duration, pct))
    tasks = np.bincount(project, minlength=n) if len(project) else np.zeros(n, dtype=np.int64)
    by_estimate = group_sums(project, _nan_to(estimate, 0.0), n)
    by_duration = group_sums(project, _nan_to(duration, 0.0), n)
    use_estimate = by_estimate > 0
    use_duration = ~use_estimate & (by_duration > 0)
    weighted = np.where(use_estimate[project], estimate, duration) * pct
    numerator = group_sums(project, _nan_to(weighted, 0.0), n)
    known = np.bincount(project[~np.isnan(pct)], minlength=n) if len(project) else tasks
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = group_sums(project, _nan_to(pct, 0.0), n) / known
        out = np.where(use_estimate, numerator / np.where(use_estimate, by_estimate, 1.0),
                       np.where(use_duration, numerator / np.where(use_duration, by_duration, 1.0), mean))
    return np.where(tasks > 0, out, 0.0)


def cost_to_date(project: np.ndarray, day: np.ndarray, amount: np.ndarray, today: date, n: int) -> np.ndarray:
    """Per project ``Σ amount`` of its rows up to and including ``today``, added in day order (rows of one day in row
    order) as ``evm.actual_cost_to_date`` adds them. ``day`` datetime64[D]; amounts finite and ≥ 0."""
    upto = day <= np.datetime64(today, "D")
    project, day, amount = project[upto], day[upto], amount[upto]
    order = np.lexsort((day, project))
    return group_running_sums(project[order], amount[order], n)


def default_rates(project: np.ndarray, rate: np.ndarray, n: int, fallback: float) -> np.ndarray:
    """Per project the mean cost rate of its tasks' assignees (NaN: unassigned, left out); ``fallback`` (the mean of
    everyone's) for a project without one."""
    known = ~np.isnan(rate)
    count = np.bincount(project[known], minlength=n) if known.any() else np.zeros(n, dtype=np.int64)
    total = group_sums(project[known], rate[known], n)
    return np.where(count > 0, total / np.where(count > 0, count, 1), fallback)


def bottom_up_all(project: np.ndarray, estimate: np.ndarray, pct: np.ndarray, rate: np.ndarray,
                  default_rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(hours left, labour left)`` per project (see the module docstring), rows added in task order.

    ``estimate`` ≥ 0, ``pct`` 0–100 (missing as 0); ``rate`` ≥ 0, NaN for unassigned work, priced at the project's
    ``default_rate`` (a missing default counts 0).

    >>> hours, labour = bottom_up_all(np.array([0, 0]), np.array([100., 40.]), np.array([50., 0.]),
    ...                               np.array([80., np.nan]), np.array([60.]))
    >>> hours.tolist(), labour.tolist()
    ([90.0], [6400.0])
    """
    n = len(default_rate)
    default = _nan_to(default_rate, 0.0)
    left = _nan_to(estimate, 0.0) * (1 - _nan_to(pct, 0.0) / 100)
    priced = left * np.where(np.isnan(rate), default[project], rate)
    return group_running_sums(project, left, n), group_running_sums(project, priced, n)


def non_labour_left(planned: Sequence[Any], actual: Sequence[Any]) -> float:
    """``Σ max(planned − actual, 0)`` over categories, in the given order (``0`` for none); a negative or
    non-finite amount raises ValidationError."""
    return sum(max(checked_number(p, "planned", default=0.0, minimum=0)
                   - checked_number(a, "actual", default=0.0, minimum=0), 0.0)
               for p, a in zip(planned, actual, strict=True))


def bottom_up_figures(hours: float, labour: float, rest: float) -> dict[str, Any]:
    """The bottom-up ETC result: ``hours`` left, ``labour``, ``non_labour`` (= ``rest``), ``etc`` and the
    ``formula`` with the numbers."""
    money, etc = partial(fmt.money, currency=""), labour + rest
    return {"hours": hours, "labour": labour, "non_labour": rest, "etc": etc,
            "formula": f"ETC = {fmt.hours(hours)} left × cost rates + non-labour budget left = {money(labour)} + "
                       f"{money(rest)} = {money(etc)}"}
