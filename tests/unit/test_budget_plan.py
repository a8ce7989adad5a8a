"""Hand-worked examples for worksmith.domain.budget_plan: plan vs actual, planned to date, alerts, overrun reasons."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.unit.budget_checks import assert_clean
from worksmith.domain.budget_plan import (
    ALERT_COLUMNS,
    PLAN_VS_ACTUAL_COLUMNS,
    budget_alerts,
    forecast_vs_budget,
    is_material,
    overrun_reasons,
    plan_vs_actual,
    planned_to_date,
)
from worksmith.errors import ValidationError


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
        out = alerts(ev=50_000, ac=50_000, spent_this_month=1_800, planned_this_month=0)
        assert out["message"].tolist() == ["Spent 1,800 this month with nothing planned for it"]

    def test_monthly_noise_is_no_alert(self):
        # 800 with nothing planned, or 900 over a plan of 2,000 (45 %): below the 1,000 noise threshold
        assert alerts(ev=50_000, ac=50_000, spent_this_month=800, planned_this_month=0).empty
        assert alerts(ev=50_000, ac=50_000, spent_this_month=2_900, planned_this_month=2_000).empty

    def test_nothing_spent_no_alerts(self):
        assert alerts(ev=0, ac=0, spent_this_month=0).empty

    def test_no_progress_with_spend(self):
        # EV 0, AC 5,000 (≥ 1,000 and ≥ 2 % of BAC 100,000): CPI is not meaningful before work starts → one warning
        out = alerts(ev=0, ac=5_000)
        assert out["rule"].tolist() == ["not_started"]
        assert out["severity"].tolist() == ["warning"]
        assert out["message"].iloc[0] == "not started (nothing earned), 5,000 spent"

    def test_not_started_small_spend_is_no_alert(self):
        # the Employer branding: on hold, 0 % done, €289.97 spent → no critical "CPI 0.00" alert, nothing
        assert alerts(bac=12_900, pv=0, ev=0, ac=289.97, status="on hold").empty
        assert alerts(bac=12_900, pv=0, ev=0, ac=289.97).empty  # active but not started: below the noise threshold

    def test_on_hold_has_no_cost_performance_alerts(self):
        assert alerts(status="on hold").empty  # CPI 0.82 and EAC 22 % over would alert on an active project
        assert alerts(status="active")["rule"].tolist() == ["forecast", "cpi"]

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


class TestPlannedToDate:
    def test_planned_to_date_pro_rata(self):
        lines = pd.DataFrame({"month": [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)],
                              "planned": [3_000.0, 3_000.0, 9_999.0]})
        # March in full + April 15/30 → 3,000 + 1,500; May not yet
        assert planned_to_date(lines, date(2026, 4, 15), by=None).sum() == pytest.approx(4_500)
        assert planned_to_date(lines.iloc[:0], date(2026, 4, 15), by=None).sum() == 0


class TestNoiseAndForecastWording:
    def test_is_material(self):
        # the "↑ €1,675 vs plan (0 %)": under 2 % of 408,517 → neutral
        assert not is_material(1_675, 408_517)
        assert not is_material(-900, 2_000)  # 45 % but under 1,000
        assert not is_material(None, 1_000)
        assert is_material(5_000, 100_000) and is_material(-5_000, 100_000)
        assert is_material(1_000, 0)  # nothing planned: only the absolute threshold applies

    def test_forecast_vs_budget_is_one_wording(self):
        # the ERP: EAC 136,764 vs BAC ~132,800 (+3 %) → "on budget" and neutral, never red
        over, words, material = forecast_vs_budget(136_764, 132_800, "€")
        assert (round(over, 2), material) == (0.03, False)
        assert words == "on the €132,800 budget (+3 %, within 5 %)"
        assert forecast_vs_budget(128_189, 114_240, "€")[1:] == ("12 % over the €114,240 budget", True)
        assert forecast_vs_budget(45_431, 59_580, "€")[1:] == ("24 % under the €59,580 budget", True)
        assert forecast_vs_budget(None, 1_000) == (None, "no forecast against a budget", False)
