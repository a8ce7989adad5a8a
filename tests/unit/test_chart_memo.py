"""Chart builders remember their charts by the content of their arguments (worksmith.charts.memo)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from worksmith.charts import budget, memo


def test_same_content_gives_the_same_chart_and_a_change_builds_a_new_one() -> None:
    calls = []

    @memo.remembered
    def build(frame: pd.DataFrame, title: str) -> object:
        calls.append(title)
        return object()

    a = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    first = build(a, "T")
    assert build(a.copy(), "T") is first  # another frame with the same values
    assert len(calls) == 1
    assert build(a.assign(x=[1, 3]), "T") is not first  # a changed value
    assert build(a, "U") is not first  # a changed title
    assert build(a.rename(columns={"y": "z"}), "T") is not first  # a renamed column
    assert build(a.astype({"x": float}), "T") is not first  # another dtype
    assert len(calls) == 5


def test_arguments_it_cannot_hash_build_every_time() -> None:
    calls = []

    @memo.remembered
    def build(frame: pd.DataFrame, options: set) -> int:
        calls.append(1)
        return len(calls)

    frame = pd.DataFrame({"x": [1]})
    assert (build(frame, options={1}), build(frame, options={1})) == (1, 2)  # a set cannot be a key: built twice


def test_a_real_chart_is_built_once_and_still_validates() -> None:
    budget.plan_actual_bars.cache_clear()
    data = pd.DataFrame({"group": ["Ops", "Ops"], "kind": ["planned to date", "actual"], "amount": [10.0, 12.0]})
    chart = budget.plan_actual_bars(data, title="Ops is 20 % over", currency="€", group_title="Team")
    assert budget.plan_actual_bars(data.copy(), title="Ops is 20 % over", currency="€", group_title="Team") is chart
    assert chart.to_dict()["title"]
    assert chart.to_dict() == type(chart).to_dict(chart)  # the same spec as a validated one


def test_a_chart_the_schema_refuses_is_refused_when_built() -> None:
    @memo.remembered
    def bad(frame: pd.DataFrame):
        return alt.Chart(frame).mark_bar().encode(x=alt.X("x:Q", bin="not a bin"))

    with pytest.raises(Exception, match="bin"):
        bad(pd.DataFrame({"x": [1]}))
