"""Invariants of the goals, initiatives and budget domains (goals, initiatives, evm, money), with hypothesis."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.domain.evm import (
    METRICS,
    actual_cost_curve,
    bottom_up_etc,
    earned_value,
    evm_series,
    planned_value_curve,
)
from worksmith.domain.goals import STATUSES, expected_progress, goal_status, kr_progress, roll_up
from worksmith.domain.initiatives import capacity_cut_line_detail, rank_initiatives, spread_monthly
from worksmith.domain.money import safe_div

# database=None: no example database in the repo; 100 examples keep the whole file at a few seconds
FAST = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

any_float = st.floats(allow_nan=False, allow_infinity=False)
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
money = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e12, allow_nan=False))
weights = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
days_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


def is_clean(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def frame_is_clean(df: pd.DataFrame) -> bool:
    return all(is_clean(v) and v is not pd.NA for column in df.columns for v in df[column].tolist())


# --- goals ----------------------------------------------------------------------------------------------------


@FAST
@given(any_float, any_float, any_float, st.sampled_from(["up", "down"]))
def test_kr_progress_between_0_and_1(start, target, current, direction):
    assert 0.0 <= kr_progress(start, target, current, direction) <= 1.0


@FAST
@given(days_2026, st.integers(0, 400), st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 1, 1)))
def test_expected_progress_between_0_and_1(start, length, today):
    value = expected_progress(start, start + timedelta(days=length), today)
    assert 0.0 <= value <= 1.0


@FAST
@given(st.one_of(st.none(), st.floats(0, 1)), st.floats(0, 1))
def test_goal_status_is_known(progress, expected):
    status, ratio = goal_status(progress, expected)
    assert status in STATUSES
    assert ratio is None or math.isfinite(ratio)


@st.composite
def goal_forest(draw):
    n = draw(st.integers(1, 8))
    goals = []
    for i in range(1, n + 1):
        parent = draw(st.one_of(st.none(), st.integers(1, i - 1))) if i > 1 else None
        goals.append({"id": i, "parent_id": parent, "title": f"G{i}", "weight": draw(weights),
                      "period_start": date(2026, 4, 1), "period_end": date(2026, 6, 30),
                      "archived": draw(st.booleans()) and draw(st.booleans())})
    krs = []
    for goal in goals:
        for _ in range(draw(st.integers(0, 3))):
            krs.append({"id": len(krs) + 1, "goal_id": goal["id"], "title": f"K{len(krs) + 1}",
                        "start_value": draw(values), "target_value": draw(values), "current_value": draw(values),
                        "direction": draw(st.sampled_from(["up", "down"])), "weight": draw(weights)})
    columns = ["id", "goal_id", "title", "start_value", "target_value", "current_value", "direction", "weight"]
    return pd.DataFrame(goals), pd.DataFrame(krs, columns=columns)


@FAST
@given(goal_forest(), days_2026)
def test_roll_up_parent_between_its_items(forest, today):
    goals, krs = forest
    out = roll_up(goals, krs, today)
    assert len(out) == int((~goals["archived"]).sum())
    assert frame_is_clean(out)
    assert set(out["status"]) <= set(STATUSES)
    progress = dict(zip(out["id"], out["progress"], strict=True))
    for row in out.to_dict("records"):
        items = [kr_progress(k["start_value"], k["target_value"], k["current_value"], k["direction"])
                 for k in krs.to_dict("records") if k["goal_id"] == row["id"]]
        items += [progress[c] for c in out.loc[out["parent_id"] == row["id"], "id"] if progress[c] is not None]
        assert row["n_krs"] + row["n_children"] >= len(items)
        if not items:
            assert row["progress"] is None and row["status"] == "no data"
            continue
        assert 0.0 <= row["progress"] <= 1.0
        assert min(items) - 1e-9 <= row["progress"] <= max(items) + 1e-9


candidate = st.fixed_dictionaries({
    "value": st.integers(1, 5), "alignment": st.floats(0, 1), "cost": st.floats(0, 1e7),
    "effort_hours": st.floats(0, 1e4), "risk": st.integers(1, 5)})


@FAST
@given(st.lists(candidate, max_size=8),
       st.dictionaries(st.sampled_from(["value", "alignment", "cost", "effort_hours", "risk"]), weights))
def test_initiative_scores_between_0_and_100(cands, w):
    frame = pd.DataFrame([{"id": i, "name": f"C{i}", **c} for i, c in enumerate(cands)],
                         columns=["id", "name", "value", "alignment", "cost", "effort_hours", "risk"])
    out = rank_initiatives(frame, w)
    scored = out[out["estimated"]]  # a candidate without hours or cost is not scored
    assert scored["rank"].tolist() == list(range(1, len(scored) + 1))
    assert out[~out["estimated"]]["rank"].tolist() == [None] * (len(out) - len(scored))
    assert all(0.0 <= s <= 100.0 for s in scored["score"])
    scores = scored["score"].tolist()
    assert all(a >= b - 1e-9 for a, b in zip(scores, scores[1:], strict=False))  # ranked best first
    # absolute scores: dropping the last candidate changes no other candidate's score
    if len(frame):
        fewer = rank_initiatives(frame.iloc[:-1], w).set_index("id")["score"]
        mine = out.set_index("id")["score"]
        for cid, score in fewer.items():
            assert (score is None and mine[cid] is None) or math.isclose(score, mine[cid], abs_tol=1e-9)


spread_items = st.lists(st.tuples(
    st.sampled_from(["a", "b", 3]), days_2026, st.one_of(st.none(), st.integers(0, 120)),
    st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e6, allow_nan=False), st.integers(0, 500))),
    max_size=30)


@FAST
@given(spread_items, st.lists(days_2026, max_size=10))
def test_spread_monthly_whole_arrays_equal_row_by_row(items, holidays):
    """The vectorised spread (plain dates, numeric hours) gives exactly the rows of the row-by-row one (taken for
    hours of object dtype), and keeps every item's hours."""
    frame = pd.DataFrame({"key": [k for k, *_ in items], "start": [d for _, d, _, _ in items],
                          "finish": [None if n is None else d + timedelta(days=n) for _, d, n, _ in items],
                          "hours": pd.Series([float(h) for *_, h in items], dtype=float)})
    fast = spread_monthly(frame, holidays)
    slow = spread_monthly(frame.astype({"hours": object}), holidays)
    assert fast.to_dict("records") == slow.to_dict("records")
    assert list(fast.columns) == list(slow.columns)
    assert math.isclose(fast["hours"].sum(), frame["hours"].sum(), rel_tol=1e-9, abs_tol=1e-6)


@FAST
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 2), st.integers(4, 5), st.floats(0, 100)), max_size=15),
       st.lists(st.tuples(st.integers(1, 2), st.integers(4, 5), st.floats(0, 150)), max_size=4))
def test_cut_line_never_overcommits(demand, free):
    ranked = pd.DataFrame([{"id": c, "name": f"C{c}", "team_id": t, "month": date(2026, m, 1), "hours": h}
                           for c, t, m, h in demand], columns=["id", "name", "team_id", "month", "hours"])
    capacity = pd.DataFrame([{"team_id": t, "month": date(2026, m, 1), "free_hours": h} for t, m, h in free],
                            columns=["team_id", "month", "free_hours"])
    detail = capacity_cut_line_detail(ranked, capacity)
    for row in detail.to_dict("records"):
        assert row["committed_after"] <= row["free_hours"] + 1e-6
        expected_after = row["committed_before"] + (row["hours"] if row["fits"] else 0.0)
        assert math.isclose(row["committed_after"], expected_after, abs_tol=1e-9)


# --- budget ---------------------------------------------------------------------------------------------------


@FAST
@given(money, money, money, money)
def test_evm_outputs_finite_or_none(bac, pv, ev, ac):
    m = earned_value(bac, pv, ev, ac)
    for key in METRICS:
        assert m[key] is None or math.isfinite(m[key]), (key, m[key])
    for text in m["formulas"].values():
        assert "nan" not in text and "inf" not in text
    if ac == 0:
        assert m["EAC"] == bac


@FAST
@given(st.one_of(st.none(), any_float), st.one_of(st.none(), any_float))
def test_safe_div_finite_or_none(a, b):
    result = safe_div(a, b)
    assert result is None or math.isfinite(result)


baseline_task = st.tuples(days_2026, st.integers(0, 40), st.one_of(st.just(0.0), st.floats(0, 1e6)))


@FAST
@given(st.lists(baseline_task, max_size=10), st.lists(days_2026, max_size=10))
def test_pv_curve_non_decreasing_and_ends_at_total(tasks, extra_days):
    baseline = pd.DataFrame([{"task_id": i, "start": s, "finish": s + timedelta(days=d), "budget": b}
                             for i, (s, d, b) in enumerate(tasks)], columns=["task_id", "start", "finish", "budget"])
    end = date(2027, 3, 1)  # after every finish
    out = planned_value_curve(baseline, [*extra_days, end])
    pv = out["pv"].tolist()
    assert all(a <= b for a, b in zip(pv, pv[1:], strict=False))
    assert math.isclose(pv[-1], sum(b for _, _, b in tasks), rel_tol=1e-9, abs_tol=1e-6)
    assert pv[0] >= 0


@FAST
@given(st.lists(st.tuples(days_2026, st.floats(0.01, 1e6)), max_size=10),
       st.lists(st.tuples(days_2026, st.floats(0, 24), st.floats(0, 500)), max_size=10),
       st.lists(days_2026, min_size=1, max_size=10))
def test_ac_curve_non_decreasing(expenses, time, days):
    out = actual_cost_curve(pd.DataFrame(expenses, columns=["day", "amount"]),
                            pd.DataFrame(time, columns=["day", "hours", "cost_rate"]), days)
    ac = out["ac"].tolist()
    assert all(a <= b + 1e-6 for a, b in zip(ac, ac[1:], strict=False))
    assert frame_is_clean(out)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(baseline_task, max_size=6), money, st.floats(0, 1e6), days_2026,
       st.lists(st.tuples(days_2026, st.floats(0.01, 1e5)), max_size=5))
def test_evm_series_is_clean(tasks, bac, ev, today, expenses):
    baseline = pd.DataFrame([{"task_id": i, "start": s, "finish": s + timedelta(days=d), "budget": b}
                             for i, (s, d, b) in enumerate(tasks)], columns=["task_id", "start", "finish", "budget"])
    out = evm_series(bac=bac, ev=ev, today=today, start=date(2026, 1, 5), planned_finish=date(2026, 9, 30),
                     baseline_tasks=baseline, expenses=pd.DataFrame(expenses, columns=["day", "amount"]),
                     time=pd.DataFrame(columns=["day", "hours", "cost_rate"]), max_months=36)
    assert frame_is_clean(out)
    assert out["date"].is_monotonic_increasing and out["date"].is_unique
    assert (out["point"] == "today").sum() == 1
    pv = out["pv"].tolist()
    assert all(a <= b for a, b in zip(pv, pv[1:], strict=False))


@FAST
@given(money, money, money, money)
def test_forecast_at_completion_is_never_below_actuals(bac, pv, ev, ac):
    """A forecast covering the same scope as the actuals (one project, its whole life) is never below them: EAC ≥ AC
    whenever it is defined, for any EV (even past BAC), and ETC ≥ 0."""
    m = earned_value(bac, pv, ev, ac)
    if m["EAC"] is not None:
        assert m["EAC"] >= ac * (1 - 1e-12)
        assert m["ETC"] >= -1e-9 * max(1.0, ac)


@FAST
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=1e5), st.floats(min_value=0, max_value=100),
                          st.one_of(st.none(), st.floats(min_value=0, max_value=500))), max_size=8),
       st.lists(st.tuples(money, money), max_size=4), st.floats(min_value=0, max_value=500))
def test_bottom_up_etc_is_never_negative(tasks, lines, rate):
    t = pd.DataFrame(tasks, columns=["estimate_hours", "percent_complete", "cost_rate"])
    nl = pd.DataFrame([("c", p, a) for p, a in lines], columns=["category", "planned", "actual"])
    out = bottom_up_etc(t, nl, default_rate=rate)
    assert out["etc"] >= 0 and math.isfinite(out["etc"])
    assert out["etc"] == out["labour"] + out["non_labour"]
