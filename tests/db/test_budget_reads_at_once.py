"""Earned value for all projects at once (issue 16) gives every project exactly evm_of's figures, and the budget
reads built on it (alerts, organisation, value and ROI) are unchanged against frozen copies of the per-owner
loops — on the S and M demo, SQLite and PostgreSQL. The organisation's load (later years' lines summed) gives the
same figures as the full load, to a relative 1e-12, and the same texts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.db import legacy_budgets as legacy
from worksmith import demo
from worksmith.commands.core import Actor, create
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import budget_roi, budgets, portfolio

ALICE = Actor(None, "Alice")


@pytest.fixture(params=["S", "M"])
def seeded(request, engine, today):
    demo.seed(engine, request.param, today=today)
    return engine


@pytest.mark.parametrize(("when", "reasons"), [(date(2026, 11, 25), True), (date(2027, 3, 1), False)])
def test_every_project_has_evm_of_figures_and_the_reads_are_unchanged(seeded, when, reasons, monkeypatch):
    """On the demo's day, and three months on (more work done, months without budget lines)."""
    with read_session(seeded) as s:
        data = budgets.load(s, when)
    rows, old = budgets.project_rows(data), legacy.project_rows(data)
    assert [p["id"] for p, _ in rows] == [p["id"] for p, _ in old]
    assert len(rows) >= 5
    for (p, new), (_, ref) in zip(rows, old, strict=True):
        assert legacy.evm_differences(new, ref) == [], p["name"]
    # the demo has the cases that matter: baselines, the fallback without one, closed projects, forecasts
    methods = {e.method.split("; ")[1][:14] for _, e in rows}
    assert methods == {"EV from the ba", "no baseline wi"}
    assert {"done", "active"} <= {p["status"] for p, _ in rows}

    alerts = budgets.alerts_of(data, rows)
    pd.testing.assert_frame_equal(alerts, legacy.alerts_of(data, old), check_exact=True)
    assert alerts["message"].str.contains("Why: ").any() == reasons  # on the demo's day the reasons were looked up

    pd.testing.assert_frame_equal(budget_roi.roi_rows(data, rows), legacy.roi_rows(data, old), check_exact=True)

    new_org = budgets.organisation_of(data, rows)
    monkeypatch.setattr(budgets, "alerts_of", legacy.alerts_of)
    old_org = budgets.organisation_of(data, old)
    assert new_org.metrics == old_org.metrics
    for name in ("by_team", "by_category", "over_budget", "alerts"):
        pd.testing.assert_frame_equal(getattr(new_org, name), getattr(old_org, name), check_exact=True)
    assert (new_org.team_title, new_org.category_title, new_org.over_budget_title) == (
        old_org.team_title, old_org.category_title, old_org.over_budget_title)


def test_project_rows_of_some_statuses_are_those_rows_of_all(engine, today):
    """The Overview computes earned value for the projects its alerts look at only: the same figures and alerts."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        data = budgets.load(s, today)
    every = budgets.project_rows(data)
    some = budgets.project_rows(data, budgets.ALERT_STATUSES)
    want = [(p, e) for p, e in every if p["status"] in budgets.ALERT_STATUSES]
    assert 0 < len(some) < len(every)
    assert [p["id"] for p, _ in some] == [p["id"] for p, _ in want]
    for (p, got), (_, ref) in zip(some, want, strict=True):
        assert legacy.evm_differences(got, ref) == [], p["name"]
    pd.testing.assert_frame_equal(budgets.alerts_of(data, some), budgets.alerts_of(data, every), check_exact=True)


def _close(a, b) -> bool:
    """Equal, or floats within a relative 1e-12: the figure loads add later years' budget lines as sums, so a sum
    may round in its last digit where the lines are not whole amounts (the S demo's pro rata months are not)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-9) or (a != a and b != b)
    return type(a) is type(b) and a == b


def _frames_close(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-9)


def test_the_figures_read_for_the_organisation_are_the_same(engine, today):
    """The organisation's views load lines and expenses without ids, versions and notes, and later years' lines
    summed per owner and category: every figure is the same to a relative 1e-12, every text the same."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        full, lean = budgets.load(s, today), budgets.load(s, today, editing=False)
        assert {"id", "version"} <= set(full.lines) and "note" in full.expenses
        assert not {"id", "version"} & set(lean.lines) and "note" not in lean.expenses
        later = full.lines["month"] >= date(today.year + 1, 1, 1)
        assert later.sum() > 3 * (lean.lines["month"] >= date(today.year + 1, 1, 1)).sum() > 0  # summed
        _frames_close(portfolio.portfolio(s, today=today, money=lean),
                      portfolio.portfolio(s, today=today, money=full))
    rows, ref = budgets.project_rows(lean), budgets.project_rows(full)
    for (p, got), (_, want) in zip(rows, ref, strict=True):
        for name in ("bac", "pv", "ev", "ac", "method", "start", "planned_finish", "forecast_finish",
                     "ev_projection"):
            assert _close(getattr(got, name), getattr(want, name)), (p["name"], name)
        for key, value in want.metrics.items():
            if key != "formulas":
                assert _close(got.metrics[key], value), (p["name"], key)
        assert dict(got.metrics["formulas"]) == dict(want.metrics["formulas"]), p["name"]  # to the cent
        assert all(_close(got.bottom_up[k], v) for k, v in want.bottom_up.items()), p["name"]
    _frames_close(budgets.alerts_of(lean, rows), budgets.alerts_of(full, ref))
    _frames_close(budget_roi.roi_rows(lean, rows), budget_roi.roi_rows(full, ref))
    assert budgets.year_to_date(lean) == budgets.year_to_date(full)  # this year's lines: the same, added alike
    assert budgets.organisation_of(lean, rows).metrics == budgets.organisation_of(full, ref).metrics
    pd.testing.assert_frame_equal(portfolio.spend_by_month(lean, year=today.year),
                                  portfolio.spend_by_month(full, year=today.year), check_exact=True)


def test_later_years_summed_give_a_project_without_budget_or_start_its_total_and_first_month(engine):
    """A proposed project with no budget and no start whose lines are all in later years, an operation with lines
    this year and later, amounts in cents: the organisation's load sums the later years per owner and category
    (fewer rows), and BAC (the lines' total), start (the first month), PV and the bottom-up figures are those of
    the full load."""
    today = date(2026, 12, 5)
    with write_session(engine) as s:
        project = create(s, m.Project, {"name": "Later", "status": "active"}, actor=ALICE)
        op = create(s, m.Operation, {"name": "Run"}, actor=ALICE)
        for owner, month, category, planned in [
                ({"project_id": project.id}, date(2027, 3, 1), "services", 1_000.10),
                ({"project_id": project.id}, date(2027, 4, 1), "services", 2_000.20),
                ({"project_id": project.id}, date(2028, 1, 1), "labour", 3_000.30),
                ({"project_id": project.id}, date(2027, 2, 1), "travel", 400.45),
                ({"operation_id": op.id}, date(2026, 12, 1), "other", 310.0),
                ({"operation_id": op.id}, date(2027, 1, 1), "other", 120.5),
                ({"operation_id": op.id}, date(2029, 6, 1), "other", 80.25)]:
            create(s, m.BudgetLine, {**owner, "month": month, "category": category, "planned": planned}, actor=ALICE)
    with read_session(engine) as s:
        full, lean = budgets.load(s, today), budgets.load(s, today, editing=False)
    assert (len(full.lines), len(lean.lines)) == (7, 5)  # 4 project lines → 3 sums; the operation's 2 later → 1
    first = lean.lines.set_index(["owner", "category"]).loc[(f"project:{project.id}", "services")]
    assert (first["month"], first["planned"]) == (date(2027, 3, 1), pytest.approx(3_000.30))
    (_, got), = budgets.project_rows(lean)
    (_, want), = budgets.project_rows(full)
    assert got.bac == pytest.approx(want.bac) == pytest.approx(6_401.05)
    assert got.start == want.start == date(2027, 2, 1)  # the first month of its lines
    assert got.pv == want.pv == 0.0
    assert got.bottom_up == pytest.approx(want.bottom_up)
    assert budgets.month_figures_of(lean, [f"operation:{op.id}"]) == budgets.month_figures_of(full, [
        f"operation:{op.id}"])


def test_spend_by_month_over_day_numbers_is_the_row_by_row_sum(engine, today):
    """Spend by month groups the costs' day numbers; the path for a day that is not a plain date gives the same."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        data = budgets.load(s, today)
    fast = portfolio.spend_by_month(data, year=today.year)
    data.__dict__["cost_arrays"] = (None, data.cost_arrays[1])  # as when one day is not a plain date
    slow = portfolio.spend_by_month(data, year=today.year)
    assert (fast["kind"] == "actual").sum() >= 6 and isinstance(fast["month"].iloc[-1], date)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
