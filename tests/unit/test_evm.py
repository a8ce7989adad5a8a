"""Hand-worked examples for worksmith.domain.evm: every expected number is worked out in the test from the inputs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.unit.budget_checks import assert_clean, assert_metrics_clean
from worksmith import fmt
from worksmith.domain.budget_plan import (
    budget_alerts,
)
from worksmith.domain.evm import (
    EVM_COLUMNS,
    actual_cost_curve,
    bottom_up_etc,
    earned_value,
    ev_to_date,
    evm_series,
    forecast_finish,
    lines_baseline,
    planned_value_curve,
    task_budgets,
)
from worksmith.errors import ValidationError


class TestEarnedValue:
    def test_worked_example(self):
        # BAC 100,000, PV 50,000, EV 40,000, AC 45,000
        m = earned_value(100_000, 50_000, 40_000, 45_000)
        assert m["CV"] == -5_000  # 40,000 − 45,000
        assert m["SV"] == -10_000  # 40,000 − 50,000
        assert m["CPI"] == pytest.approx(0.889, abs=5e-4)  # 40,000 / 45,000
        assert m["SPI"] == pytest.approx(0.8)  # 40,000 / 50,000
        assert m["EAC"] == pytest.approx(112_500)  # 45,000 + 60,000 / 0.8889
        assert m["ETC"] == pytest.approx(67_500)  # 112,500 − 45,000
        assert m["VAC"] == pytest.approx(-12_500)  # 100,000 − 112,500
        assert m["TCPI"] == pytest.approx(60_000 / 55_000)  # = 1.0909
        assert m["TCPI"] == pytest.approx(1.0909, abs=1e-4)
        assert_metrics_clean(m)

    def test_formulas_show_the_numbers(self):
        f = earned_value(100_000, 50_000, 40_000, 45_000)["formulas"]
        assert set(f) == {"CV", "SV", "CPI", "SPI", "EAC", "ETC", "VAC", "TCPI"}
        assert f["CPI"] == "CPI = EV / AC = 40,000 / 45,000 = 0.89"
        assert f["SPI"] == "SPI = EV / PV = 40,000 / 50,000 = 0.80"
        assert f["EAC"] == "EAC = AC + (BAC − EV) / CPI = 45,000 + (100,000 − 40,000) / 0.889 = 112,500"
        assert f["VAC"] == "VAC = BAC − EAC = 100,000 − 112,500 = −12,500"
        assert f["TCPI"] == "TCPI = (BAC − EV) / (BAC − AC) = (100,000 − 40,000) / (100,000 − 45,000) = 1.09"

    def test_nothing_spent(self):
        # AC = 0: CPI undefined, the forecast assumes the plan: EAC = BAC 100,000, ETC 100,000, VAC 0,
        # TCPI = (100,000 − 5,000) / (100,000 − 0) = 0.95
        m = earned_value(100_000, 10_000, 5_000, 0)
        assert m["CPI"] is None
        assert m["SPI"] == 0.5
        assert (m["EAC"], m["ETC"], m["VAC"]) == (100_000, 100_000, 0)
        assert m["TCPI"] == pytest.approx(0.95)
        assert "nothing spent yet" in m["formulas"]["EAC"]
        assert m["formulas"]["CPI"].startswith("CPI = EV / AC = 5,000 / 0 = —")
        assert_metrics_clean(m)

    def test_no_progress_but_money_spent(self):
        # EV 0, AC 5,000: CPI 0, so AC + (BAC − EV) / CPI has no limit → EAC, ETC, VAC undefined
        m = earned_value(100_000, 10_000, 0, 5_000)
        assert (m["CPI"], m["SPI"]) == (0.0, 0.0)
        assert (m["EAC"], m["ETC"], m["VAC"]) == (None, None, None)
        assert m["CV"] == -5_000 and m["SV"] == -10_000
        assert m["TCPI"] == pytest.approx(100_000 / 95_000)
        assert "nothing earned yet" in m["formulas"]["EAC"]
        assert_metrics_clean(m)

    def test_project_not_started(self):
        m = earned_value(100_000, 0, 0, 0)
        assert (m["CPI"], m["SPI"]) == (None, None)
        assert (m["EAC"], m["ETC"], m["VAC"], m["TCPI"]) == (100_000, 100_000, 0, 1.0)
        assert_metrics_clean(m)

    def test_budget_used_up(self):
        # BAC = AC: TCPI's denominator is 0 → undefined
        m = earned_value(50_000, 50_000, 40_000, 50_000)
        assert m["TCPI"] is None
        assert "budget is used up" in m["formulas"]["TCPI"]
        assert m["EAC"] == pytest.approx(62_500)  # 50,000 + 10,000 / 0.8

    def test_zero_budget(self):
        m = earned_value(0, 0, 0, 0)
        assert (m["EAC"], m["TCPI"], m["CPI"], m["SPI"]) == (0, None, None, None)
        assert_metrics_clean(m)

    @pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), None])
    def test_bad_input_refused(self, bad):
        with pytest.raises(ValidationError, match="AC"):
            earned_value(100, 50, 40, bad)


# Mon 5 Jan 2026 … : task 1 Mon 5–Fri 9 Jan (5 working days, 5,000 → 1,000 a day); task 2 Mon 12–Tue 13 Jan
# (2 days, 2,000 → 1,000 a day); milestone on Sat 24 Jan (no working day: its 100 lands on its date).
BASELINE = pd.DataFrame({
    "task_id": [1, 2, 3],
    "start": [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 24)],
    "finish": [date(2026, 1, 9), date(2026, 1, 13), date(2026, 1, 24)],
    "budget": [5_000.0, 2_000.0, 100.0],
})


class TestPlannedValueCurve:
    def test_spread_over_working_days(self):
        days = [date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 10), date(2026, 1, 12),
                date(2026, 1, 23), date(2026, 1, 24), date(2026, 2, 1)]
        out = planned_value_curve(BASELINE, days)
        assert out["date"].tolist() == days
        # Sun 4: 0 · Mon 5: 1,000 · Wed 7: 3,000 · Sat 10: 5,000 · Mon 12: 6,000 · Fri 23: 7,000 · Sat 24: 7,100
        assert out["pv"].tolist() == [0, 1_000, 3_000, 5_000, 6_000, 7_000, 7_100, 7_100]

    def test_weekend_inside_a_task_and_holidays(self):
        # Fri 9 – Mon 12 Jan, 200: 2 working days; on Sat 10 half is planned
        tasks = pd.DataFrame({"task_id": [1], "start": [date(2026, 1, 9)], "finish": [date(2026, 1, 12)],
                              "budget": [200.0]})
        assert planned_value_curve(tasks, [date(2026, 1, 10)])["pv"].tolist() == [100]
        # task 1 of BASELINE with Wed 7 Jan a holiday: 4 working days, 1,250 a day; by Wed 7 only Mon + Tue
        out = planned_value_curve(BASELINE.iloc[:1], [date(2026, 1, 7), date(2026, 1, 8)], holidays=[date(2026, 1, 7)])
        assert out["pv"].tolist() == [2_500, 3_750]

    def test_milestone_on_a_working_day(self):
        tasks = pd.DataFrame({"task_id": [1], "start": ["2026-01-14"], "finish": ["2026-01-14"], "budget": [300.0]})
        out = planned_value_curve(tasks, [date(2026, 1, 13), date(2026, 1, 14)])
        assert out["pv"].tolist() == [0, 300]

    def test_dates_sorted_and_deduplicated(self):
        out = planned_value_curve(BASELINE, [date(2026, 2, 1), date(2026, 1, 5), date(2026, 1, 5)])
        assert out["date"].tolist() == [date(2026, 1, 5), date(2026, 2, 1)]

    def test_unbudgeted_task_without_dates_ignored(self):
        tasks = pd.concat([BASELINE, pd.DataFrame({"task_id": [9], "start": [None], "finish": [None],
                                                   "budget": [0.0]})], ignore_index=True)
        assert planned_value_curve(tasks, [date(2026, 2, 1)])["pv"].tolist() == [7_100]

    def test_budgeted_task_without_dates_refused(self):
        tasks = pd.DataFrame({"task_id": [9], "start": [None], "finish": [date(2026, 1, 5)], "budget": [10.0]})
        with pytest.raises(ValidationError, match="Baseline task 9: start is missing"):
            planned_value_curve(tasks, [date(2026, 2, 1)])

    def test_finish_before_start_refused(self):
        tasks = pd.DataFrame({"task_id": [9], "start": [date(2026, 1, 9)], "finish": [date(2026, 1, 5)],
                              "budget": [10.0]})
        with pytest.raises(ValidationError, match="before start"):
            planned_value_curve(tasks, [date(2026, 2, 1)])

    def test_empty(self):
        assert planned_value_curve(BASELINE, []).empty
        empty = BASELINE.iloc[:0]
        assert planned_value_curve(empty, [date(2026, 1, 5)])["pv"].tolist() == [0]


class TestEvToDate:
    TASKS = pd.DataFrame({"task_id": [1, 2, 3], "budget": [1_000.0, 3_000.0, 0.0],
                          "percent_complete": [50.0, 10.0, 100.0]})

    def test_sum_of_budget_times_percent(self):
        # 50 % × 1,000 + 10 % × 3,000 + 100 % × 0 = 800
        assert ev_to_date(self.TASKS) == pytest.approx(800)
        assert ev_to_date(self.TASKS, bac=10_000, percent_complete=90) == pytest.approx(800)  # budgets exist

    def test_fallback_without_task_budgets(self):
        tasks = self.TASKS.assign(budget=0.0)
        assert ev_to_date(tasks, bac=10_000, percent_complete=25) == 2_500  # 25 % × 10,000
        assert ev_to_date(tasks) == 0
        assert ev_to_date(tasks.iloc[:0], bac=10_000, percent_complete=25) == 2_500

    def test_bad_percent_refused(self):
        with pytest.raises(ValidationError, match="Task 2: % complete"):
            ev_to_date(self.TASKS.assign(percent_complete=[0.0, 120.0, 0.0]))


EXPENSES = pd.DataFrame({"day": [date(2026, 1, 6), date(2026, 1, 20)], "amount": [300.0, 200.0]})
TIME = pd.DataFrame({"day": [date(2026, 1, 7), date(2026, 1, 8)], "hours": [8.0, 2.0], "cost_rate": [50.0, 100.0]})


class TestActualCostCurve:
    def test_expenses_plus_labour(self):
        # expenses 300 (6 Jan) + 200 (20 Jan); labour 8 h × 50 = 400 (7 Jan) + 2 h × 100 = 200 (8 Jan)
        out = actual_cost_curve(EXPENSES, TIME, [date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 31)])
        assert out["expenses"].tolist() == [0, 300, 500]
        assert out["labour"].tolist() == [0, 400, 600]
        assert out["ac"].tolist() == [0, 700, 1_100]

    def test_no_data(self):
        out = actual_cost_curve(EXPENSES.iloc[:0], TIME.iloc[:0], [date(2026, 1, 5)])
        assert out["ac"].tolist() == [0]

    def test_negative_refused(self):
        with pytest.raises(ValidationError, match="hours"):
            actual_cost_curve(EXPENSES, TIME.assign(hours=[-1.0, 1.0]), [date(2026, 1, 5)])


class TestForecastFinish:
    START, FINISH = date(2026, 1, 1), date(2026, 1, 31)  # 30 days

    def test_scaled_by_spi(self):
        # 30 days / SPI 0.5 = 60 days after 1 Jan = 2 Mar
        assert forecast_finish(self.START, self.FINISH, 0.5, date(2026, 1, 15)) == date(2026, 3, 2)
        # ahead of schedule: 30 / 1.5 = 20 days → 21 Jan
        assert forecast_finish(self.START, self.FINISH, 1.5, date(2026, 1, 15)) == date(2026, 1, 21)

    def test_no_spi_means_planned_finish(self):
        assert forecast_finish(self.START, self.FINISH, None, date(2026, 1, 15)) == self.FINISH
        assert forecast_finish(self.START, self.FINISH, 0.0, date(2026, 1, 15)) == self.FINISH

    def test_never_before_today(self):
        assert forecast_finish(self.START, self.FINISH, 0.95, date(2026, 3, 1)) == date(2026, 3, 1)

    def test_tiny_spi_does_not_overflow(self):
        assert forecast_finish(self.START, self.FINISH, 1e-300, date(2026, 1, 15)) == date.max


class TestEvmSeries:
    def series(self, **overrides):
        # BAC 7,100 (the BASELINE); today Thu 15 Jan: PV 7,000, EV 3,000, AC 900 (expense 300 on 6 Jan + labour 600)
        # CPI = 3,000 / 900 = 3.333; SPI = 3,000 / 7,000 = 0.4286
        # EAC = 900 + 4,100 / 3.333 = 2,130; forecast finish = 5 Jan + 19 days / 0.4286 = 5 Jan + 44 = 18 Feb
        args = dict(bac=7_100, ev=3_000, today=date(2026, 1, 15), start=date(2026, 1, 5),
                    planned_finish=date(2026, 1, 24), baseline_tasks=BASELINE, expenses=EXPENSES, time=TIME)
        return evm_series(**(args | overrides))

    def test_rows_and_values(self):
        out = self.series()
        assert list(out.columns) == EVM_COLUMNS
        assert out["date"].tolist() == [date(2026, 1, 5), date(2026, 1, 15), date(2026, 1, 31), date(2026, 2, 18),
                                        date(2026, 2, 28)]
        assert out["point"].tolist() == ["start", "today", "month end", "forecast finish", "month end"]
        assert out["pv"].tolist() == [1_000, 7_000, 7_100, 7_100, 7_100]
        assert out["ev"].tolist() == [0.0, 3_000, None, None, None]
        assert out["ac"].tolist() == [0.0, 900, None, None, None]
        eac = 900 + 4_100 / (3_000 / 900)
        assert eac == pytest.approx(2_130)
        fc = out["forecast"].tolist()
        assert fc[0] is None
        assert fc[1] == 900  # starts at today's AC
        assert fc[2] == pytest.approx(900 + (eac - 900) * 16 / 34)  # 16 of the 34 days to 18 Feb
        assert fc[3:] == pytest.approx([eac, eac])
        assert_clean(out)

    def test_ev_interpolated_before_today(self):
        # today 10 Feb, EV 6,000: at 31 Jan (26 of 36 days since 5 Jan) EV ≈ 6,000 × 26 / 36
        out = self.series(today=date(2026, 2, 10), ev=6_000)
        jan31 = out[out["date"] == date(2026, 1, 31)].iloc[0]
        assert jan31["ev"] == pytest.approx(6_000 * 26 / 36)
        assert jan31["ac"] == 1_100
        assert jan31["forecast"] is None

    def test_nothing_spent_forecasts_the_plan(self):
        out = self.series(expenses=EXPENSES.iloc[:0], time=TIME.iloc[:0])
        assert out["forecast"].tolist()[-1] == 7_100  # EAC = BAC
        assert_clean(out)

    def test_no_progress_no_forecast(self):
        # EV 0 with money spent: EAC undefined, SPI 0 → planned finish; forecast column empty
        out = self.series(ev=0)
        assert out["forecast"].tolist() == [None] * len(out)
        assert out["point"].tolist() == ["start", "today", "forecast finish", "month end"]
        assert out["date"].iloc[2] == date(2026, 1, 24)
        assert_clean(out)

    def test_before_the_start(self):
        out = self.series(today=date(2025, 12, 20), ev=0, expenses=EXPENSES.iloc[:0], time=TIME.iloc[:0])
        assert out["date"].iloc[0] == date(2025, 12, 20)
        assert out["point"].iloc[0] == "today"
        assert_clean(out)

    def test_horizon_capped(self):
        out = self.series(ev=10, max_months=3)
        assert out["date"].max() <= date(2026, 3, 31)
        assert_clean(out)


SNAPSHOT = {"1": {"start": "2026-01-05", "finish": "2026-01-09", "duration": 5, "estimate_hours": 30},
            "2": {"start": "2026-01-12", "finish": "2026-01-16", "duration": 5, "estimate_hours": 10}}
HAND_TODAY = date(2026, 1, 14)


class TestHandWorkedProject:
    def test_task_budgets_pv_ev_ac_and_metrics(self):
        tb = task_budgets(SNAPSHOT, 10_000)
        assert tb["task_id"].tolist() == [1, 2]
        assert tb["budget"].tolist() == [7_500, 2_500]
        pv = planned_value_curve(tb, [HAND_TODAY])["pv"].iloc[0]
        assert pv == pytest.approx(9_000)
        ev = ev_to_date(tb.assign(percent_complete=[100.0, 20.0]))
        assert ev == pytest.approx(8_000)
        spent = pd.DataFrame({"day": [date(2026, 1, 6)], "amount": [1_600.0]})
        hours = pd.DataFrame({"day": [date(2026, 1, 9), date(2026, 1, 13)], "hours": [60.0, 40.0],
                              "cost_rate": [80.0, 80.0]})
        ac = actual_cost_curve(spent, hours, [HAND_TODAY])["ac"].iloc[0]
        assert ac == 9_600
        m = earned_value(10_000, pv, ev, ac)
        assert (m["CV"], m["SV"]) == (pytest.approx(-1_600), pytest.approx(-1_000))
        assert m["CPI"] == pytest.approx(0.8333, abs=1e-4)
        assert m["SPI"] == pytest.approx(0.8889, abs=1e-4)
        assert (m["EAC"], m["ETC"], m["VAC"]) == (pytest.approx(12_000), pytest.approx(2_400), pytest.approx(-2_000))
        assert m["TCPI"] == pytest.approx(5)
        alerts_ = budget_alerts(pd.DataFrame([{"owner": "project:1", "name": "Hand", "bac": 10_000, "ev": ev, "ac": ac,
                                               "pv": pv, "spent_this_month": 0, "planned_this_month": 0}]))
        # CPI 0.83 < 0.9 (warning, not < 0.8); EAC 20 % over BAC (> 10 %: critical)
        assert alerts_[["rule", "severity"]].values.tolist() == [["forecast", "critical"], ["cpi", "warning"]]

    def test_zero_spend_zero_progress_project(self):
        # the same project on Fri 2 Jan, before it starts: PV 0, EV 0, AC 0 → CPI and SPI "—", EAC = BAC
        tb = task_budgets(SNAPSHOT, 10_000)
        pv = planned_value_curve(tb, [date(2026, 1, 2)])["pv"].iloc[0]
        m = earned_value(10_000, pv, ev_to_date(tb.assign(percent_complete=0.0)), 0)
        assert (pv, m["EV"], m["CPI"], m["SPI"], m["EAC"], m["VAC"]) == (0, 0, None, None, 10_000, 0)
        assert fmt.ratio(m["CPI"]) == "—"

    def test_spend_but_no_progress(self):
        # Wed 7 Jan, 2,000 spent, nothing done: PV = 7,500 × 3/5 = 4,500, CPI 0 → EAC undefined ("—")
        tb = task_budgets(SNAPSHOT, 10_000)
        pv = planned_value_curve(tb, [date(2026, 1, 7)])["pv"].iloc[0]
        m = earned_value(10_000, pv, 0, 2_000)
        assert pv == pytest.approx(4_500)
        assert (m["CPI"], m["EAC"]) == (0, None)
        assert fmt.money(m["EAC"], "", cents=True) == "—"


class TestTaskBudgets:
    def test_share_by_duration_without_estimates(self):
        snap = {"1": {"duration": 3}, "2": {"duration": 1, "estimate_hours": 0}}
        assert task_budgets(snap, 800)["budget"].tolist() == [600, 200]  # 800 × 3/4, 800 × 1/4

    def test_only_milestones_give_no_budgets(self):
        out = task_budgets({"1": {"duration": 0}, "7": {}}, 800)
        assert out["budget"].tolist() == [0, 0]

    def test_empty_and_bad(self):
        assert task_budgets({}, 100).empty
        with pytest.raises(ValidationError, match="estimate_hours"):
            task_budgets({"1": {"estimate_hours": -1}}, 100)
        with pytest.raises(ValidationError, match="BAC"):
            task_budgets({"1": {"estimate_hours": 1}}, float("inf"))


class TestBudgetLinesFallback:
    def test_months_spread_over_their_working_days(self):
        lines = pd.DataFrame({"month": [date(2026, 1, 1), date(2026, 1, 1), date(2026, 2, 1)],
                              "planned": [1_000.0, 1_100.0, 500.0]})
        base = lines_baseline(lines)
        assert base["task_id"].tolist() == ["2026-01", "2026-02"]
        assert base["finish"].tolist() == [date(2026, 1, 31), date(2026, 2, 28)]
        assert base["budget"].tolist() == [2_100, 500]
        # January 2026 has 22 working days; by Fri 9 Jan 7 have passed: 2,100 × 7 / 22
        assert planned_value_curve(base, [date(2026, 1, 9)])["pv"].iloc[0] == pytest.approx(2_100 * 7 / 22)


class TestBottomUpEtc:
    def test_remaining_hours_at_rates_plus_non_labour_left(self):
        # 100 h at 50 % by an 80/h person = 50 h × 80 = 4,000; 40 h unassigned at 60/h = 2,400;
        # software 5,000 planned − 3,000 spent = 2,000 left; travel 1,000 planned − 1,500 spent → 0 (never negative)
        t = pd.DataFrame({"estimate_hours": [100, 40, 0], "percent_complete": [50, 0, 0],
                          "cost_rate": [80, None, 120]})
        nl = pd.DataFrame({"category": ["software", "travel"], "planned": [5_000, 1_000], "actual": [3_000, 1_500]})
        out = bottom_up_etc(t, nl, default_rate=60)
        assert (out["hours"], out["labour"], out["non_labour"], out["etc"]) == (90, 6_400, 2_000, 8_400)
        assert out["formula"] == ("ETC = 90 h left × cost rates + non-labour budget left = 6,400 + 2,000 = 8,400")

    def test_it_moves_with_the_plan(self):
        # a re-estimate changes the bottom-up ETC; the CPI-based EAC (from EV and AC) would not move
        nl = pd.DataFrame({"category": [], "planned": [], "actual": []})
        before = bottom_up_etc(pd.DataFrame({"estimate_hours": [100], "percent_complete": [50], "cost_rate": [80]}), nl)
        after = bottom_up_etc(pd.DataFrame({"estimate_hours": [160], "percent_complete": [50], "cost_rate": [80]}), nl)
        assert (before["etc"], after["etc"]) == (4_000, 6_400)

    def test_bad_inputs(self):
        nl = pd.DataFrame({"category": [], "planned": [], "actual": []})
        with pytest.raises(ValidationError, match="between 0 and 100"):
            bottom_up_etc(pd.DataFrame({"estimate_hours": [1], "percent_complete": [120], "cost_rate": [1]}), nl)
        with pytest.raises(ValidationError, match="missing column"):
            bottom_up_etc(pd.DataFrame({"estimate_hours": [1]}), nl)


def test_eac_never_below_what_is_spent():
    # EV beyond BAC (work earned past the budget): nothing left to do, EAC = AC — not AC − (EV − BAC) / CPI
    m = earned_value(100, 100, 150, 120)
    assert m["EAC"] == 120 and m["ETC"] == 0
    assert "nothing left to do" in m["formulas"]["EAC"]


class TestEvmSeriesFromLines:
    LINES = pd.DataFrame({"month": [date(2026, 1, 1), date(2026, 2, 1)], "planned": [3_100.0, 2_800.0]})

    def test_pv_is_planned_to_date_and_the_forecast_ends_at_the_schedule(self):
        out = evm_series(bac=5_900, ev=1_000, today=date(2026, 1, 15), start=date(2026, 1, 5),
                         planned_finish=date(2026, 2, 27), planned_lines=self.LINES, expenses=EXPENSES, time=TIME,
                         schedule_finish=date(2026, 3, 4))
        row = out.set_index("date")
        # planned to date: January pro rata by calendar days (3,100 × 15 / 31 = 1,500), February in full at its end
        assert row.loc[date(2026, 1, 15), "pv"] == pytest.approx(1_500)
        assert row.loc[date(2026, 2, 28), "pv"] == pytest.approx(5_900)
        assert row.loc[date(2026, 3, 4), "point"] == "forecast finish"  # the schedule's date, not start + D / SPI

    def test_needs_lines_or_a_baseline(self):
        with pytest.raises(ValidationError, match="budget lines or a baseline"):
            evm_series(bac=1, ev=0, today=date(2026, 1, 15), start=date(2026, 1, 5), planned_finish=date(2026, 1, 9),
                       expenses=EXPENSES, time=TIME)
