"""The schedule-risk report of a plan file: ``python -m worksmith risk plan.csv --runs N --seed S -o tasks.csv
--json summary.json [--target-day D] [--start YYYY-MM-DD]`` (formulas in :mod:`worksmith.domain.montecarlo`).

``summary.json``: ``runs``, ``deterministic_finish`` (the ``schedule`` finish), ``finish_p50``, ``finish_p80``,
``finish_p95`` (project finish = the maximum early finish, working-day offsets), ``probability_by_target`` (the
share of runs finishing on or before ``--target-day``, with ``target_day``); with ``--start`` the same figures as
dates too (``…_date``: the working day the finish offset ends on, i.e. day F − 1, the start for F = 0).

``tasks.csv``: ``id, criticality_index, finish_p50, finish_p80`` (early-finish percentiles; with ``--start`` also
``finish_p50_date, finish_p80_date``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.montecarlo import RiskResult, simulate
from worksmith.errors import ValidationError
from worksmith.exchange.planfile import Plan


def finish_date(offset: int, start: date, calendar: WorkCalendar) -> date:
    """The working day a finish offset ends on (a finish at day F is the end of working day F − 1)."""
    return calendar.date_of(max(0, int(offset) - 1), start)


def run_risk(plan: Plan, *, runs: int, seed: int, target_day: int | None = None, start: date | None = None,
             calendar: WorkCalendar | None = None) -> tuple[dict[str, Any], pd.DataFrame, RiskResult]:
    """Simulate ``plan`` and return (summary, tasks table, raw result)."""
    if target_day is not None and (not isinstance(target_day, int) or target_day < 0):
        raise ValidationError(f"--target-day must be a working-day offset of 0 or more, got {target_day!r}.",
                              field="target_day")
    result = simulate(plan.tasks, plan.deps, plan.estimates(), runs=runs, seed=seed)
    summary: dict[str, Any] = {"runs": result.runs, "deterministic_finish": result.deterministic_finish,
                               "finish_p50": result.percentile(50), "finish_p80": result.percentile(80),
                               "finish_p95": result.percentile(95)}
    if target_day is not None:
        summary["target_day"] = target_day
        summary["probability_by_target"] = result.probability(target_day)
    tasks = pd.DataFrame({"id": result.task_ids, "criticality_index": result.criticality,
                          "finish_p50": result.task_p50, "finish_p80": result.task_p80})
    if start is not None:
        cal = calendar or WorkCalendar()
        for key in ("deterministic_finish", "finish_p50", "finish_p80", "finish_p95", "target_day"):
            if key in summary:
                summary[f"{key}_date"] = finish_date(summary[key], start, cal).isoformat()
        for key in ("finish_p50", "finish_p80"):
            tasks[f"{key}_date"] = [finish_date(v, start, cal).isoformat() for v in tasks[key]]
    return summary, tasks, result
