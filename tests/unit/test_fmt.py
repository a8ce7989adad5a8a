from datetime import date

import pytest

from worksmith import fmt


@pytest.mark.parametrize(("value", "expected"), [(1240, "1,240 h"), (0.4, "0 h"), (None, "—"), (float("nan"), "—")])
def test_hours(value, expected):
    assert fmt.hours(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(12300, "€12,300"), (-950.6, "−€951"), (float("inf"), "—"),
                                                 (None, "—")])
def test_money(value, expected):
    assert fmt.money(value, "€") == expected


def test_percent_ratio_day_and_days():
    assert fmt.percent(0.424) == "42 %"
    assert fmt.percent(None) == "—"
    assert fmt.ratio(0.8888) == "0.89"
    assert fmt.day(date(2026, 1, 12)) == "Mon 12 Jan 2026"
    assert fmt.day(None) == "—"
    assert (fmt.days(7), fmt.days(-2), fmt.days(0), fmt.days(None)) == ("+7 d", "-2 d", "0 d", "—")
