"""Recurring work as RFC 5545 RRULEs: the cadences' rules, the picker's rules, plain English, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.rrule_reference import old_dates, old_next_due
from worksmith.domain import calendar as cal
from worksmith.domain.operations import next_due
from worksmith.errors import ValidationError


@pytest.mark.parametrize(("cadence", "anchor", "rule"), [
    ("weekly", date(2026, 11, 25), "FREQ=WEEKLY;BYDAY=WE"),
    ("monthly", date(2026, 1, 15), "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("monthly", date(2026, 1, 31), "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("monthly", date(2026, 1, 30), "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"),
    ("quarterly", date(2026, 3, 29), "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29;BYSETPOS=-1"),
])
def test_cadence_rules(cadence, anchor, rule):
    assert cal.cadence_rule(cadence, anchor) == rule


@pytest.mark.parametrize("day", range(1, 32))
@pytest.mark.parametrize("cadence", ["weekly", "monthly", "quarterly"])
def test_every_anchor_day_reproduces_the_hand_written_rules_over_four_years(cadence, day):
    anchor = date(2023, 1, day)
    start, end = date(2023, 1, 1), date(2027, 12, 31)  # includes the leap year 2024
    assert cal.recurrence_dates(cadence, anchor, start, end) == old_dates(cadence, anchor, start, end)
    for today in (date(2024, 2, 28), date(2024, 2, 29), date(2026, 11, 25), date(2022, 6, 1)):
        assert next_due(cadence, anchor, today) == old_next_due(cadence, anchor, today)


def test_month_end_rule_lands_on_the_last_day():
    assert cal.rule_dates("FREQ=MONTHLY;BYMONTHDAY=-1", date(2026, 1, 31), date(2026, 1, 1), date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_last_working_day_skips_weekends():
    # 31 Jan 2027 is a Sunday, 30 Apr 2027 a Friday, 31 Jul 2027 a Saturday
    got = cal.next_dates(cal.LAST_WORKING_DAY, date(2026, 1, 1), date(2027, 1, 1), 7)
    assert got == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31),
                   date(2027, 6, 30), date(2027, 7, 30)]
    assert all(d.weekday() < 5 for d in got)


def test_a_rule_of_its_own_wins_over_the_cadence():
    assert cal.recurrence_dates("monthly", date(2026, 11, 2), date(2026, 11, 1), date(2026, 11, 30),
                                "FREQ=WEEKLY;BYDAY=MO") == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
                                                            date(2026, 11, 23), date(2026, 11, 30)]
    assert next_due("monthly", date(2026, 1, 1), date(2026, 11, 25), cal.LAST_WORKING_DAY) == date(2026, 11, 30)


@pytest.mark.parametrize(("rule", "english"), [
    ("FREQ=WEEKLY;BYDAY=MO", "Every week on Monday"),
    ("FREQ=MONTHLY;BYMONTHDAY=12", "Every month on day 12"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day of the month"),
    (cal.LAST_WORKING_DAY, "Every month on the last working day (Monday–Friday)"),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=5", "Every quarter on day 5"),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30;BYSETPOS=-1",
     "Every quarter on day 30 (or the month's last day when it is shorter)"),
])
def test_plain_english(rule, english):
    assert cal.describe_rule(rule) == english


@pytest.mark.parametrize(("rule", "words"), [
    ("FREQ=HOURLY", "needs FREQ"), ("FREQ=WEEKLY;COUNT=3", "not supported"), ("BYDAY=MO", "needs FREQ"),
    ("FREQ=WEEKLY;BYDAY=XX", "cannot be read"), ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL"),
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31", "never occurs"), ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3", "never occurs"),
    ("FREQ=WEEKLY;DTSTART=20260101", "not supported"), ("FREQ", "NAME=VALUE"), ("x" * 501, "500"),
])
def test_bad_rules_are_refused_with_the_reason(rule, words):
    with pytest.raises(ValidationError, match=words):
        cal.check_rule(rule, date(2026, 1, 1))


def test_rule_cadence_for_hours_per_week():
    assert cal.rule_cadence(cal.weekly_rule(4)) == "weekly"
    assert cal.rule_cadence(cal.monthly_rule(30)) == "monthly"
    assert cal.rule_cadence(cal.LAST_WORKING_DAY) == "monthly"
    assert cal.rule_cadence(cal.monthly_rule(31, 3)) == "quarterly"
    assert cal.rule_cadence("FREQ=WEEKLY;BYDAY=MO,TH") is None
    assert cal.rule_cadence("FREQ=YEARLY") is None
