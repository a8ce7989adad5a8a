"""Project health rules, hand-checked (worksmith/portfolio.py)."""

from datetime import date

import pandas as pd
import pytest

from worksmith.domain.portfolio import planned_to_date, project_health, working_days_late

TODAY = date(2026, 11, 25)  # a Wednesday


def projects(**overrides) -> pd.DataFrame:
    row = {"id": 1, "name": "P", "status": "active", "target_end": date(2026, 12, 4), "budget": 10_000.0}
    return pd.DataFrame([{**row, **overrides}])


def tasks(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["project_id", "duration_days", "estimate_hours", "percent_complete",
                                       "finish_date"])


def test_percent_complete_is_weighted_by_estimate():
    # 30 h at 100 % + 10 h at 0 % = 30 / 40 = 75 %
    t = tasks((1, 5, 30.0, 100.0, date(2026, 11, 27)), (1, 5, 10.0, 0.0, date(2026, 12, 4)))
    out = project_health(projects(), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "percent_complete"] == pytest.approx(0.75)
    assert out.loc[0, "health"] == "on track"


def test_percent_complete_falls_back_to_duration_without_estimates():
    # 2 days at 50 % + 6 days at 100 % = (1 + 6) / 8
    t = tasks((1, 2, 0.0, 50.0, date(2026, 12, 1)), (1, 6, 0.0, 100.0, date(2026, 12, 1)))
    out = project_health(projects(), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "percent_complete"] == pytest.approx(7 / 8)


def test_slip_over_five_working_days_is_off_track():
    # target Fri 4 Dec, forecast Mon 14 Dec: Dec 4,7,8,9,10,11 -> 6 working days late
    t = tasks((1, 5, 10.0, 0.0, date(2026, 12, 14)))
    out = project_health(projects(), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "slip_days"] == 6
    assert out.loc[0, "health"] == "off track"
    assert "6 working days after the target" in out.loc[0, "reasons"][0]


def test_small_slip_is_at_risk_and_overdue_task_too():
    t = tasks((1, 5, 10.0, 0.0, date(2026, 12, 7)), (1, 2, 4.0, 50.0, date(2026, 11, 20)))
    out = project_health(projects(), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "slip_days"] == 1
    assert out.loc[0, "overdue_tasks"] == 1
    assert out.loc[0, "health"] == "at risk"
    assert len(out.loc[0, "reasons"]) == 2


@pytest.mark.parametrize(("spent", "expected"), [(1_040.0, "on track"), (1_100.0, "at risk"),
                                                 (1_200.0, "off track")])
def test_cost_rule_against_plan_to_date(spent, expected):
    # planned to date 1,000: 4 % over is fine, 10 % over at risk, 20 % over off track
    t = tasks((1, 5, 10.0, 10.0, date(2026, 12, 4)))
    out = project_health(projects(), t, pd.Series({1: spent}), pd.Series({1: 1_000.0}), TODAY)
    assert out.loc[0, "health"] == expected


def test_not_active_projects_are_not_judged():
    t = tasks((1, 5, 10.0, 0.0, date(2027, 1, 29)))
    for status, health in [("done", "done"), ("proposed", "not started"), ("on hold", "not started")]:
        out = project_health(projects(status=status), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
        assert out.loc[0, "health"] == health


def test_planned_to_date_counts_this_month_pro_rata():
    lines = pd.DataFrame({"owner": [1, 1, 1], "planned": [3_000.0, 3_000.0, 3_000.0],
                          "month": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]})
    # October in full + 25/30 of November + nothing of December
    assert planned_to_date(lines, TODAY)[1] == pytest.approx(3_000 + 3_000 * 25 / 30)


def test_working_days_late_both_ways():
    assert working_days_late(date(2026, 12, 4), date(2026, 12, 4)) == 0
    assert working_days_late(date(2026, 12, 4), date(2026, 12, 7)) == 1
    assert working_days_late(date(2026, 12, 7), date(2026, 12, 4)) == -1
    assert working_days_late(None, date(2026, 12, 4)) is None


def test_cost_reason_names_the_currency_and_the_one_figure():
    # ERP migration on the demo: 95,843 spent against 83,110 planned to date (the budget lines, as on Budgets)
    t = tasks((1, 5, 10.0, 10.0, date(2026, 12, 4)))
    out = project_health(projects(), t, pd.Series({1: 95_843.38}), pd.Series({1: 83_110.0}), TODAY, "€")
    assert out.loc[0, "reasons"] == ["spent €95,843 is 15 % over the €83,110 planned to date"]


def test_an_empty_project_is_not_planned_with_next_steps():
    # a project converted from a request: no tasks, no budget, no target, no manager — never "on track"
    bare = projects(budget=0.0, target_end=None, manager_id=None)
    out = project_health(bare, tasks(), pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "health"] == "not planned"
    assert out.loc[0, "reasons"] == ["next: add tasks (import a plan or add them on Projects)",
                                     "next: set a budget and plan it under Budgets", "next: set a target end",
                                     "next: name a manager"]
    # tasks but no budget: still not planned; with both it is judged as usual
    t = tasks((1, 5, 10.0, 0.0, date(2026, 12, 4)))
    out = project_health(projects(budget=0.0, manager_id=3), t, pd.Series(dtype=float), pd.Series(dtype=float),
                         TODAY)
    assert (out.loc[0, "health"], out.loc[0, "reasons"]) == ("not planned",
                                                             ["next: set a budget and plan it under Budgets"])
    out = project_health(projects(manager_id=3), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "health"] == "on track"
    for status, health in [("done", "done"), ("cancelled", "not started"), ("proposed", "not planned")]:
        out = project_health(bare.assign(status=status), tasks(), pd.Series(dtype=float), pd.Series(dtype=float),
                             TODAY)
        assert out.loc[0, "health"] == health


def test_slip_skips_the_project_calendars_holidays():
    # target Fri 18 Dec 2026, forecast Mon 4 Jan 2027: 11 weekdays 18 Dec–1 Jan, minus 25 Dec and 1 Jan = 9
    target, forecast = date(2026, 12, 18), date(2027, 1, 4)
    assert working_days_late(target, forecast) == 11
    holidays = pd.DataFrame({"day": [date(2026, 12, 25), date(2027, 1, 1)], "project_id": [None, None]})
    t = tasks((1, 5, 10.0, 50.0, forecast))
    out = project_health(projects(target_end=target), t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY,
                         holidays=holidays)
    assert out.loc[0, "slip_days"] == 9
    assert "is 9 working days after" in out.loc[0, "reasons"][0]


def test_slip_uses_a_project_own_holiday_only_for_that_project():
    holidays = pd.DataFrame({"day": [date(2026, 12, 7)], "project_id": [2]})
    both = pd.concat([projects(), projects(id=2, name="Q")], ignore_index=True)
    t = tasks((1, 5, 10.0, 50.0, date(2026, 12, 8)), (2, 5, 10.0, 50.0, date(2026, 12, 8)))
    out = project_health(both, t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY, holidays=holidays)
    assert out["slip_days"].tolist() == [2, 1]


def test_a_project_without_target_keeps_the_others_slip_whole():
    # one project without a target made the column float: every reason read "4.0 working days"
    both = pd.concat([projects(), projects(id=2, name="Q", target_end=None)], ignore_index=True)
    t = tasks((1, 5, 10.0, 50.0, date(2026, 12, 10)), (2, 5, 10.0, 50.0, date(2026, 12, 10)))
    out = project_health(both, t, pd.Series(dtype=float), pd.Series(dtype=float), TODAY)
    assert out.loc[0, "slip_days"] == 4 and out.loc[1, "slip_days"] is None
    assert "is 4 working days after" in out.loc[0, "reasons"][0]
    assert "4.0" not in out.loc[0, "reasons"][0]
