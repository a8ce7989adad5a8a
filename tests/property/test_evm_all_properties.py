"""Earned value for all projects at once equals evm_of for every project, on generated workspaces (hypothesis):
baselines with and without estimates, tasks deleted or moved since, unassigned work, closed projects, budget lines
and costs before and after today — and a bad value (a negative estimate, % complete over 100, a negative budget
line) raises what evm_of raises."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.legacy_budgets import evm_differences
from worksmith.errors import ValidationError
from worksmith.views.budget_data import BudgetData
from worksmith.views.budget_evm import evm_of, project_rows

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = date(2026, 6, 17)
STATUSES = ["active", "on hold", "done", "cancelled", "proposed", "approved"]
CATEGORIES = ["labour", "software", "travel", "services"]
day = st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 12, 31))
maybe_day = st.one_of(st.none(), day)
money = st.one_of(st.just(0.0), st.floats(0, 1e6, allow_nan=False), st.integers(0, 10_000).map(float))


@st.composite
def workspaces(draw, bad: bool = False) -> BudgetData:
    n = draw(st.integers(1, 5))
    pids = list(range(1, n + 1))
    projects = pd.DataFrame({
        "id": pids, "name": [f"P{i}" for i in pids], "status": draw(st.lists(st.sampled_from(STATUSES), min_size=n,
                                                                             max_size=n)),
        "budget": draw(st.lists(st.sampled_from([0.0, 1000.0, 55_555.5]) | money, min_size=n, max_size=n)),
        "start": pd.Series(draw(st.lists(maybe_day, min_size=n, max_size=n)), dtype=object),
        "target_end": pd.Series(draw(st.lists(maybe_day, min_size=n, max_size=n)), dtype=object)})
    people = pd.Series(draw(st.lists(st.floats(0, 200, allow_nan=False), min_size=0, max_size=4)), dtype="float64")
    people.index = range(1, len(people) + 1)
    tasks, task_id = [], 1
    for pid in pids:
        for _ in range(draw(st.integers(0, 6))):
            tasks.append({"id": task_id, "project_id": pid, "estimate_hours": draw(st.sampled_from([0.0, 8.0]) | money),
                          "duration_days": draw(st.integers(0, 20)),
                          "percent_complete": draw(st.sampled_from([0.0, 50.0, 100.0]) | st.floats(0, 100)),
                          "assignee_id": draw(st.one_of(st.none(), st.integers(1, 5)).map(
                              lambda a: float("nan") if a is None else float(a))),
                          "finish_date": draw(maybe_day)})
            task_id += 1
    tasks = pd.DataFrame(tasks, columns=["id", "project_id", "estimate_hours", "duration_days", "percent_complete",
                                         "assignee_id", "finish_date"])
    baselines = {}
    for pid in draw(st.lists(st.sampled_from(pids), unique=True)):
        keys = draw(st.lists(st.integers(1, task_id + 2), max_size=8, unique=True))  # some deleted or elsewhere
        baselines[pid] = {"name": "Plan", "taken_at": pd.Timestamp("2026-01-02 09:00", tz="UTC"), "snapshot": {
            str(k): {"start": draw(maybe_day.map(lambda d: d and d.isoformat())),
                     "finish": draw(maybe_day.map(lambda d: d and d.isoformat())),
                     "estimate_hours": draw(st.one_of(st.none(), st.sampled_from([0, 10, 30]), money)),
                     "duration": draw(st.sampled_from([0, 1, 5, None]))} for k in keys}}
    owners = [f"project:{p}" for p in pids] + ["operation:1"]
    lines = pd.DataFrame([{"owner": draw(st.sampled_from(owners)), "category": draw(st.sampled_from(CATEGORIES)),
                           "month": draw(day).replace(day=1), "planned": draw(money)}
                          for _ in range(draw(st.integers(0, 25)))], columns=["owner", "category", "month", "planned"])
    expenses = pd.DataFrame([{"owner": draw(st.sampled_from(owners)), "day": draw(day),
                              "category": draw(st.sampled_from(CATEGORIES[1:])), "amount": draw(money)}
                             for _ in range(draw(st.integers(0, 15)))], columns=["owner", "day", "category", "amount"])
    labour = pd.DataFrame([{"owner": draw(st.sampled_from(owners)), "day": draw(day), "hours": draw(money),
                            "cost_rate": draw(st.floats(0, 200))} for _ in range(draw(st.integers(0, 15)))],
                          columns=["owner", "day", "hours", "cost_rate"])
    labour = labour[labour["day"] <= TODAY] if len(labour) else labour
    labour = labour.assign(cost=labour["hours"] * labour["cost_rate"])
    if bad:
        where = draw(st.sampled_from(["estimate", "pct", "line"]))
        if where == "estimate" and baselines:
            snapshot = next(iter(baselines.values()))["snapshot"]
            snapshot["999"] = {"estimate_hours": -5}
        elif where == "pct" and len(tasks):
            tasks.loc[0, "percent_complete"] = 150.0
        else:
            lines.loc[len(lines)] = {"owner": "project:1", "category": "travel", "month": date(2026, 1, 1),
                                     "planned": -10.0}
    return BudgetData(TODAY, "€", projects, pd.DataFrame({"id": [1], "name": ["Op"], "active": [True]}),
                      pd.DataFrame({"owner": owners}), lines, expenses, labour, tasks, baselines,
                      pd.DataFrame({"project_id": [], "day": []}), people)


@FAST
@given(workspaces())
def test_every_project_gets_evm_of_figures(data):
    rows = project_rows(data)
    assert [p["id"] for p, _ in rows] == data.projects["id"].tolist()
    for project, evm in rows:
        assert evm_differences(evm, evm_of(data, project)) == [], project["name"]


@FAST
@given(workspaces(bad=True))
def test_a_bad_value_raises_what_evm_of_raises(data):
    errors = []
    for project in data.projects.to_dict("records"):
        try:
            evm_of(data, project)
        except ValidationError as exc:
            errors.append(str(exc))
    if not errors:  # the bad value landed where nothing reads it
        assert len(project_rows(data)) == len(data.projects)
        return
    with pytest.raises(ValidationError) as caught:
        project_rows(data)
    assert str(caught.value) == errors[0]
