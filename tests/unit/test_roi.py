"""Hand-worked examples for worksmith.domain.roi: ROI, payback and the monthly cash flow."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worksmith.domain.roi import payback_month, roi, roi_cash_flow
from worksmith.errors import ValidationError


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
