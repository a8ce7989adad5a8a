"""Hand-worked examples for worksmith.budget: every expected number is worked out in the test from the inputs."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.budget import (
    ALERT_COLUMNS,
    EVM_COLUMNS,
    IMPORT_ERROR_COLUMNS,
    IMPORT_ROW_COLUMNS,
    METRICS,
    PLAN_VS_ACTUAL_COLUMNS,
    actual_cost_curve,
    add_months,
    budget_alerts,
    check_expense,
    earned_value,
    ev_to_date,
    evm_series,
    expense_date_range,
    fmt_money,
    fmt_ratio,
    forecast_finish,
    lines_baseline,
    month_end,
    month_range,
    month_start,
    overrun_reasons,
    parse_expense_csv,
    payback_month,
    plan_vs_actual,
    planned_to_date,
    planned_value_curve,
    roi,
    roi_cash_flow,
    safe_div,
    task_budgets,
)
from worksmith.errors import ValidationError


def assert_clean(df: pd.DataFrame) -> None:
    """No NaN, NA or inf anywhere: undefined numbers must be None."""
    for column in df.columns:
        for value in df[column].tolist():
            if isinstance(value, float):
                assert math.isfinite(value), f"{column}: {value}"
            assert value is not pd.NA and value is not pd.NaT, column


def assert_metrics_clean(m: dict) -> None:
    for key in METRICS:
        assert m[key] is None or (isinstance(m[key], float) and math.isfinite(m[key])), (key, m[key])
    for text in m["formulas"].values():
        assert "nan" not in text.lower() and "inf" not in text.lower(), text


class TestSafeDivAndFormat:
    def test_safe_div(self):
        assert safe_div(1, 4) == 0.25
        assert safe_div(-3, 2) == -1.5
        assert safe_div(1, 0) is None
        assert safe_div(0, 0) is None
        assert safe_div(1e308, 1e-308) is None  # overflows to inf
        assert safe_div(None, 1) is None
        assert safe_div(1, float("nan")) is None

    def test_fmt_ratio(self):
        assert fmt_ratio(40_000 / 45_000) == "0.89"
        assert fmt_ratio(60_000 / 55_000, 4) == "1.0909"
        assert fmt_ratio(None) == "—"
        assert fmt_ratio(float("nan")) == "—"
        assert fmt_ratio(float("inf")) == "—"

    def test_fmt_money(self):
        assert fmt_money(41_000) == "41,000"
        assert fmt_money(-12_500) == "−12,500"  # a true minus sign, like worksmith.fmt
        assert fmt_money(121_951.22) == "121,951"
        assert fmt_money(12.5, "€") == "€ 12.50"
        assert fmt_money(-0.001) == "0"
        assert fmt_money(-0.5) == "−0.50"
        assert fmt_money(None) == "—"

    def test_month_start(self):
        assert month_start(date(2026, 4, 17)) == date(2026, 4, 1)
        assert month_start("2026-04") == date(2026, 4, 1)
        assert month_start(pd.Timestamp("2026-04-30 13:00")) == date(2026, 4, 1)
        with pytest.raises(ValidationError):
            month_start("someday")


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


class TestPlanVsActual:
    def test_worked_example(self):
        lines = pd.DataFrame({"owner": ["project:1"] * 3, "category": ["software", "labour", "software"],
                              "month": [date(2026, 4, 1), date(2026, 4, 1), date(2026, 5, 1)],
                              "planned": [1_000.0, 2_000.0, 500.0]})
        expenses = pd.DataFrame({"owner": ["project:1"] * 3, "category": ["software", "travel", "software"],
                                 "day": [date(2026, 4, 10), date(2026, 4, 12), date(2026, 4, 30)],
                                 "amount": [700.0, 300.0, 500.0]})
        labour = pd.DataFrame({"owner": ["project:1", "project:1"], "day": [date(2026, 4, 2), date(2026, 4, 3)],
                               "hours": [10.0, 20.0], "cost_rate": [50.0, 60.0]})
        out = plan_vs_actual(lines, expenses, labour)
        assert list(out.columns) == PLAN_VS_ACTUAL_COLUMNS
        assert out[["category", "month"]].values.tolist() == [
            ["labour", date(2026, 4, 1)], ["software", date(2026, 4, 1)], ["travel", date(2026, 4, 1)],
            ["software", date(2026, 5, 1)]]
        # labour: 10 × 50 + 20 × 60 = 1,700 vs 2,000 → −300 (−15 %)
        # software April: 700 + 500 = 1,200 vs 1,000 → +200 (+20 %); travel: 300 unplanned → % undefined
        # software May: nothing spent vs 500 → −500 (−100 %)
        assert out["planned"].tolist() == [2_000, 1_000, 0, 500]
        assert out["actual"].tolist() == [1_700, 1_200, 300, 0]
        assert out["variance"].tolist() == [-300, 200, 300, -500]
        assert out["variance_pct"].tolist() == pytest.approx([-0.15, 0.2, None, -1.0])  # fractions: 0.2 = 20 %
        assert_clean(out)

    def test_empty(self):
        out = plan_vs_actual(pd.DataFrame(columns=["owner", "category", "month", "planned"]),
                             pd.DataFrame(columns=["owner", "category", "day", "amount"]),
                             pd.DataFrame(columns=["owner", "day", "hours", "cost_rate"]))
        assert out.empty and list(out.columns) == PLAN_VS_ACTUAL_COLUMNS


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


class TestRoi:
    def test_roi(self):
        assert roi(150_000, 100_000) == 0.5  # (150,000 − 100,000) / 100,000
        assert roi(50_000, 100_000) == -0.5
        assert roi(10, 0) is None
        assert roi(None, 10) is None

    def test_payback_month(self):
        # cumulative cost 100, 100, 100; cumulative benefit 0, 50, 110 → March
        months = ["2026-01", "2026-02", "2026-03"]
        cost = pd.Series([100.0, 0.0, 0.0], index=months)
        benefit = pd.Series([0.0, 50.0, 60.0], index=months)
        assert payback_month(cost, benefit) == "2026-03"

    def test_payback_exactly_even_and_misaligned_months(self):
        cost = pd.Series([100.0], index=[date(2026, 1, 1)])
        benefit = pd.Series([40.0, 60.0], index=[date(2026, 2, 1), date(2026, 3, 1)])
        assert payback_month(cost, benefit) == date(2026, 3, 1)  # 40 + 60 = 100 ≥ 100

    def test_never_pays_back(self):
        assert payback_month(pd.Series([100.0, 100.0]), pd.Series([10.0, 10.0])) is None
        assert payback_month(pd.Series([0.0]), pd.Series([0.0])) is None  # no benefit ever arrived
        assert payback_month(pd.Series([], dtype=float), pd.Series([], dtype=float)) is None

    def test_free_project_pays_back_with_first_benefit(self):
        assert payback_month(pd.Series([0.0, 0.0], index=[1, 2]), pd.Series([0.0, 5.0], index=[1, 2])) == 2


ALERT_ROW = {"owner": "project:1", "name": "Apollo", "bac": 100_000, "ev": 41_000, "ac": 50_000, "pv": 45_000,
             "spent_this_month": 10_000, "planned_this_month": 10_000}


def alerts(**overrides):
    return budget_alerts(pd.DataFrame([ALERT_ROW | overrides]))


class TestBudgetAlerts:
    def test_cpi_and_forecast(self):
        # CPI 41,000 / 50,000 = 0.82 (< 0.9 warning, not < 0.8); EAC = 50,000 + 59,000 / 0.82 = 121,951
        # = 22 % over BAC (> 10 %: critical)
        out = alerts()
        assert list(out.columns) == ALERT_COLUMNS
        assert out["rule"].tolist() == ["forecast", "cpi"]  # critical first
        assert out["severity"].tolist() == ["critical", "warning"]
        assert out["message"].iloc[1] == "CPI 0.82 = EV 41,000 / AC 50,000 < 0.9"
        assert out["message"].iloc[0] == ("Forecast EAC 121,951 is 22% over BAC 100,000 (> 5%): "
                                          "EAC = AC 50,000 + (BAC 100,000 − EV 41,000) / CPI 0.820")
        assert out["owner"].tolist() == ["project:1"] * 2

    def test_boundaries_do_not_alert(self):
        # CPI exactly 0.9 (45,000 / 50,000); EAC = 50,000 + 55,000 / 0.9 = 111,111 → forecast alert only
        assert alerts(ev=45_000)["rule"].tolist() == ["forecast"]
        # EAC exactly 5 % over: BAC 100,000, EV 50,000, AC 52,500 → CPI 0.952, EAC = 52,500 + 50,000/0.952 = 105,000
        assert alerts(ev=50_000, ac=52_500).empty
        # spend exactly 10 % over the plan
        assert alerts(ev=50_000, ac=50_000, spent_this_month=11_000).empty

    def test_critical_cpi(self):
        out = alerts(ev=39_000)  # CPI 0.78 < 0.8
        assert out.set_index("rule").loc["cpi", "severity"] == "critical"

    def test_monthly_overspend(self):
        out = alerts(ev=50_000, ac=50_000, spent_this_month=11_500)  # 15 % over 10,000
        assert out["rule"].tolist() == ["monthly_spend"]
        assert out["severity"].tolist() == ["warning"]
        assert out["message"].iloc[0] == "Spent 11,500 this month, 15% over the plan of 10,000 (> 10%)"
        assert alerts(ev=50_000, ac=50_000, spent_this_month=12_500)["severity"].tolist() == ["critical"]

    def test_spending_without_a_plan(self):
        out = alerts(ev=50_000, ac=50_000, spent_this_month=800, planned_this_month=0)
        assert out["message"].tolist() == ["Spent 800 this month with nothing planned for it"]

    def test_nothing_spent_no_alerts(self):
        assert alerts(ev=0, ac=0, spent_this_month=0).empty

    def test_no_progress_with_spend(self):
        # EV 0, AC 5,000: CPI 0 → critical; EAC undefined → no forecast alert
        out = alerts(ev=0, ac=5_000)
        assert out["rule"].tolist() == ["cpi"]
        assert out["message"].iloc[0] == "CPI 0.00 = EV 0 / AC 5,000 < 0.9"

    def test_empty_and_bad_rows(self):
        out = budget_alerts(pd.DataFrame(columns=list(ALERT_ROW)))
        assert out.empty and list(out.columns) == ALERT_COLUMNS
        with pytest.raises(ValidationError, match="Apollo: ac") as info:
            alerts(ac=-1)
        assert info.value.row == 0


class TestAlertCurrency:
    def test_amounts_carry_the_currency(self):
        out = budget_alerts(pd.DataFrame([ALERT_ROW]), currency="€")
        assert out["message"].iloc[1] == "CPI 0.82 = EV €41,000 / AC €50,000 < 0.9"


# --- the whole chain on one small project, worked by hand ------------------------------------------------------
#
# BAC 10,000. Baseline: task 1 "Design" 30 h, Mon 5 – Fri 9 Jan 2026; task 2 "Build" 10 h, Mon 12 – Fri 16 Jan.
# Task budgets by estimate share: 10,000 × 30/40 = 7,500 and 10,000 × 10/40 = 2,500.
# Today Wed 14 Jan: PV = 7,500 (task 1 done by plan) + 2,500 × 3/5 working days = 9,000.
# Progress: task 1 100 %, task 2 20 % → EV = 7,500 + 500 = 8,000.
# Spent: expenses 1,600 (licence 6 Jan) + 100 h × 80 labour = 8,000 → AC 9,600.
# CV = 8,000 − 9,600 = −1,600 · SV = 8,000 − 9,000 = −1,000 · CPI = 8,000 / 9,600 = 0.8333 · SPI = 8,000 / 9,000
# = 0.8889 · EAC = 9,600 + (10,000 − 8,000) / 0.8333 = 9,600 + 2,400 = 12,000 · ETC = 2,400 · VAC = −2,000 ·
# TCPI = (10,000 − 8,000) / (10,000 − 9,600) = 5.
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
        assert fmt_ratio(m["CPI"]) == "—"

    def test_spend_but_no_progress(self):
        # Wed 7 Jan, 2,000 spent, nothing done: PV = 7,500 × 3/5 = 4,500, CPI 0 → EAC undefined ("—")
        tb = task_budgets(SNAPSHOT, 10_000)
        pv = planned_value_curve(tb, [date(2026, 1, 7)])["pv"].iloc[0]
        m = earned_value(10_000, pv, 0, 2_000)
        assert pv == pytest.approx(4_500)
        assert (m["CPI"], m["EAC"]) == (0, None)
        assert fmt_money(m["EAC"]) == "—"


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

    def test_planned_to_date_pro_rata(self):
        lines = pd.DataFrame({"month": [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)],
                              "planned": [3_000.0, 3_000.0, 9_999.0]})
        # March in full + April 15/30 → 3,000 + 1,500; May not yet
        assert planned_to_date(lines, date(2026, 4, 15)) == pytest.approx(4_500)
        assert planned_to_date(lines.iloc[:0], date(2026, 4, 15)) == 0


class TestMonths:
    def test_helpers(self):
        assert month_range(date(2025, 11, 20), date(2026, 2, 1)) == [date(2025, 11, 1), date(2025, 12, 1),
                                                                     date(2026, 1, 1), date(2026, 2, 1)]
        assert month_range(date(2026, 3, 1), date(2026, 1, 1)) == []
        assert add_months(date(2026, 11, 25), 3) == date(2027, 2, 1)
        assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)


class TestOverrunReasons:
    def test_biggest_first_with_numbers(self):
        by_cat = pd.DataFrame({"category": ["labour", "services", "software", "travel"],
                               "planned": [1_000.0, 30_400.0, 2_000.0, 0.0],
                               "actual": [900.0, 41_040.0, 2_500.0, 300.0]})
        # services +10,640 (+35 %), software +500 (+25 %), travel 300 unplanned; labour is under plan
        assert overrun_reasons(by_cat, currency="€") == [
            "services €41,040 spent vs €30,400 planned to date (+35 %)",
            "software €2,500 spent vs €2,000 planned to date (+25 %)",
            "travel €300 spent with nothing planned",
        ]
        assert overrun_reasons(by_cat, top=1) == ["services 41,040 spent vs 30,400 planned to date (+35 %)"]

    def test_nothing_over(self):
        assert overrun_reasons(pd.DataFrame({"category": ["labour"], "planned": [10.0], "actual": [10.0]})) == []


class TestRoiCashFlow:
    def test_payback_from_the_flow(self):
        # spent 6,000 in Oct and 4,000 in Nov; 2,000 still to come in Dec; benefit 24,000 over 12 months from Jan
        # → 2,000 a month. Cumulative cost 12,000 from Dec; cumulative benefit reaches 12,000 in Jun 2027.
        flow = roi_cash_flow(benefit=24_000, actual_by_month={date(2026, 10, 1): 6_000, date(2026, 11, 1): 4_000},
                             remaining_cost=2_000, remaining_from=date(2026, 12, 1), remaining_until=date(2026, 12, 20),
                             benefit_start=date(2027, 1, 15))
        assert flow["month"].iloc[0] == date(2026, 10, 1) and flow["month"].iloc[-1] == date(2027, 12, 1)
        assert flow["cost"].sum() == pytest.approx(12_000) and flow["benefit"].sum() == pytest.approx(24_000)
        pay = payback_month(flow.set_index("month")["cost"], flow.set_index("month")["benefit"])
        assert pay == date(2027, 6, 1)
        assert roi(24_000, 12_000) == 1.0

    def test_remaining_spread_over_months(self):
        flow = roi_cash_flow(benefit=0, actual_by_month={}, remaining_cost=900, remaining_from=date(2027, 1, 1),
                             remaining_until=date(2027, 3, 31), benefit_start=date(2027, 4, 1))
        assert flow["cost"].tolist() == [300, 300, 300]  # 900 over Jan, Feb, Mar
        assert flow["cum_benefit"].tolist() == [0, 0, 0]

    def test_bad(self):
        with pytest.raises(ValidationError):
            roi_cash_flow(benefit=-1, actual_by_month={}, remaining_cost=0, remaining_from=date(2027, 1, 1),
                          remaining_until=date(2027, 1, 1), benefit_start=date(2027, 1, 1))
        assert roi_cash_flow(benefit=0, actual_by_month={}, remaining_cost=0, remaining_from=date(2027, 1, 1),
                             remaining_until=date(2027, 1, 1), benefit_start=date(2027, 1, 1)).empty


TODAY_IMPORT = date(2026, 11, 25)
PROJECTS = pd.DataFrame({"id": [4, 7], "name": ["ERP migration", "Website"]})
OPERATIONS = pd.DataFrame({"id": [2], "name": ["Payroll"]})


def parse(text: str | bytes):
    return parse_expense_csv(text, projects=PROJECTS, operations=OPERATIONS, today=TODAY_IMPORT)


class TestCheckExpense:
    def test_range(self):
        # 1 Jan five years back to 90 days ahead of Wed 25 Nov 2026 = Tue 23 Feb 2027
        assert expense_date_range(TODAY_IMPORT) == (date(2021, 1, 1), date(2027, 2, 23))

    @pytest.mark.parametrize(("amount", "text"), [(0, "more than 0"), (-5, "more than 0"), (float("nan"), "finite"),
                                                  (float("inf"), "finite"), (None, "missing"), ("ten", "not a number")])
    def test_amount_must_be_positive_and_finite(self, amount, text):
        problems = check_expense(day=TODAY_IMPORT, category="travel", amount=amount, note="", today=TODAY_IMPORT)
        assert [f for f, _ in problems] == ["amount"] and text in problems[0][1]

    def test_each_field_named(self):
        problems = check_expense(day=date(2031, 1, 1), category="food", amount=10, note="x" * 501,
                                 today=TODAY_IMPORT)
        assert [f for f, _ in problems] == ["date", "category", "note"]
        assert problems[0][1] == "date Wed 1 Jan 2031 is outside Fri 1 Jan 2021 – Tue 23 Feb 2027"
        assert check_expense(day="2026-11-02", category="Travel", amount="12.5", note="", today=TODAY_IMPORT) == []


class TestParseExpenseCsv:
    def test_good_file(self):
        rows, errors = parse("Date,Project,Category,Amount,Note\n"
                             "2026-11-02,ERP migration,services,\"1,200.50\",Consultant\n"
                             "\n"
                             "2026-11-03,payroll,Travel,€ 80,\n"
                             "2026-11-04,7,software,99,\n"
                             "2026-11-05,operation:2,other,5,\n")
        assert errors.empty and list(errors.columns) == IMPORT_ERROR_COLUMNS
        assert list(rows.columns) == IMPORT_ROW_COLUMNS
        assert rows["row"].tolist() == [1, 3, 4, 5]  # row 2 is blank: skipped but counted
        assert rows["project_id"].tolist() == [4, None, 7, None]
        assert rows["operation_id"].tolist() == [None, 2, None, 2]
        assert rows["owner"].tolist() == ["ERP migration", "Payroll", "Website", "Payroll"]
        assert rows["amount"].tolist() == [1_200.5, 80, 99, 5]
        assert rows["category"].tolist() == ["services", "travel", "software", "other"]

    def test_semicolons_decimal_commas_bom_and_no_note(self):
        rows, errors = parse("\ufeffdate;project;category;amount\n2026-11-02;Website;travel;12,50\n"
                             "2026-11-02;Website;travel;1.234,50\n".encode())
        assert errors.empty
        assert rows["amount"].tolist() == [12.5, 1_234.5] and rows["note"].tolist() == ["", ""]

    def test_every_problem_of_every_row(self):
        rows, errors = parse("date,project,category,amount,note\n"
                             "2026-13-01,9,food,-5,\n"
                             "2026-11-02,Nowhere,travel,abc,\n"
                             "2031-01-01,ERP migration,,10,\n"
                             "2026-11-02,ERP migration,travel,10,ok\n")
        assert errors[["row", "column"]].values.tolist() == [
            [1, "date"], [1, "category"], [1, "amount"], [1, "project"],
            [2, "amount"], [2, "project"],
            [3, "date"], [3, "category"]]
        assert errors["problem"].tolist()[3] == "there is no project with id 9"
        assert errors["problem"].tolist()[5] == "there is no project or operation named 'Nowhere'"
        assert rows["row"].tolist() == [4]  # the good row is parsed, but a file with errors must not be imported

    @pytest.mark.parametrize(("text", "problem"), [
        ("", "the file is empty"),
        ("date,project,amount\n2026-11-02,Website,5\n", "missing column category"),
        ("date,project,category,amount\n\n", "no expense rows"),
    ])
    def test_whole_file_problems(self, text, problem):
        rows, errors = parse(text)
        assert rows.empty and errors["row"].tolist() == [None]
        assert problem in errors["problem"].iloc[0]

    def test_project_wins_over_operation_of_same_name(self):
        rows, _ = parse_expense_csv("date,project,category,amount\n2026-11-02,payroll,travel,5\n",
                                    projects=pd.DataFrame({"id": [1], "name": ["Payroll"]}), operations=OPERATIONS,
                                    today=TODAY_IMPORT)
        assert (rows["project_id"].tolist(), rows["operation_id"].tolist()) == ([1], [None])
