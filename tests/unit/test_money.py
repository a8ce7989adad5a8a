"""Hand-worked examples for worksmith.domain.money (safe division, budget months) and the money and ratio
formats the budget formulas use (worksmith.fmt)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worksmith import fmt
from worksmith.domain.money import add_months, month_end, month_range, month_start, safe_div
from worksmith.errors import ValidationError


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
        assert fmt.ratio(40_000 / 45_000) == "0.89"
        assert fmt.ratio(60_000 / 55_000, 4) == "1.0909"
        assert fmt.ratio(None) == "—"
        assert fmt.ratio(float("nan")) == "—"
        assert fmt.ratio(float("inf")) == "—"

    def test_fmt_money_with_cents(self):
        assert fmt.money(41_000, "", cents=True) == "41,000"
        assert fmt.money(-12_500, "", cents=True) == "−12,500"  # a true minus sign, like worksmith.fmt
        assert fmt.money(121_951.22, "", cents=True) == "121,951"
        assert fmt.money(12.5, "€", cents=True) == "€12.50"
        assert fmt.money(-0.001, "", cents=True) == "0"
        assert fmt.money(-0.5, "", cents=True) == "−0.50"
        assert fmt.money(None, "", cents=True) == "—"

    def test_month_start(self):
        assert month_start(date(2026, 4, 17)) == date(2026, 4, 1)
        assert month_start("2026-04") == date(2026, 4, 1)
        assert month_start(pd.Timestamp("2026-04-30 13:00")) == date(2026, 4, 1)
        with pytest.raises(ValidationError):
            month_start("someday")


class TestMonths:
    def test_helpers(self):
        assert month_range(date(2025, 11, 20), date(2026, 2, 1)) == [date(2025, 11, 1), date(2025, 12, 1),
                                                                     date(2026, 1, 1), date(2026, 2, 1)]
        assert month_range(date(2026, 3, 1), date(2026, 1, 1)) == []
        assert add_months(date(2026, 11, 25), 3) == date(2027, 2, 1)
        assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
