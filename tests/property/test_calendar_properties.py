"""Invariants of worksmith.domain.calendar on generated calendars and dates (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.domain.calendar import WorkCalendar, recurrence_dates, working_days_between

SETTINGS = settings(max_examples=150, deadline=None)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def day_in(lo: date, hi: date) -> st.SearchStrategy[date]:
    return st.integers(0, (hi - lo).days).map(lambda k: lo + timedelta(days=k))


@st.composite
def calendars(draw):
    workdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    base = date(2024, 12, 1)
    holidays = draw(st.frozensets(st.integers(0, 120).map(lambda k: base + timedelta(days=k)), max_size=15))
    return WorkCalendar(workdays=workdays, holidays=holidays)


def naive_date_of(cal, offset, start):
    day = start
    while not cal.is_working(day):
        day += timedelta(days=1)
    step = 1 if offset >= 0 else -1
    for _ in range(abs(offset)):
        day += timedelta(days=step)
        while not cal.is_working(day):
            day += timedelta(days=step)
    return day


@SETTINGS
@given(calendars(), st.integers(0, 90), st.integers(-20, 60))
def test_calendar_date_of_matches_day_by_day_counting(cal, start_day, offset):
    start = date(2024, 12, 10) + timedelta(days=start_day)
    expected = naive_date_of(cal, offset, start)
    assert cal.date_of(offset, start) == expected
    assert cal.is_working(expected)
    assert cal.offset_of(expected, start) == offset


@SETTINGS
@given(calendars(), st.integers(0, 90), st.integers(0, 90))
def test_calendar_offset_of_any_date_is_its_next_working_day(cal, start_day, day):
    start = date(2024, 12, 10) + timedelta(days=start_day)
    d = date(2024, 12, 10) + timedelta(days=day)
    nxt = cal.next_working(d)
    assert cal.offset_of(d, start) == cal.offset_of(nxt, start)
    assert cal.date_of(cal.offset_of(d, start), start) == nxt
    between = sum(cal.is_working(d + timedelta(days=k)) for k in range((nxt - d).days))
    assert between == 0


@FAST
@given(day_in(date(2024, 1, 1), date(2027, 12, 31)), st.sampled_from(["monthly", "quarterly"]))
def test_monthly_occurrences_keep_the_anchor_day(anchor, cadence):
    got = recurrence_dates(cadence, anchor, date(2024, 1, 1), date(2029, 12, 31))
    step = 1 if cadence == "monthly" else 3
    assert got[0] == anchor
    for prev, cur in zip(got, got[1:], strict=False):
        assert (cur.year * 12 + cur.month) - (prev.year * 12 + prev.month) == step
        month_end = (date(cur.year + cur.month // 12, cur.month % 12 + 1, 1) - timedelta(days=1)).day
        assert cur.day == min(anchor.day, month_end)


@FAST
@given(day_in(date(2026, 1, 1), date(2026, 6, 30)), day_in(date(2026, 1, 1), date(2026, 6, 30)),
       st.frozensets(day_in(date(2026, 1, 1), date(2026, 6, 30)), max_size=10))
def test_working_days_between_is_the_work_calendar_count(a, b, holidays):
    expected = WorkCalendar(holidays=holidays).working_days_between(a, b)
    assert working_days_between(a, b, holidays) == expected
    step = 1 if b >= a else -1
    lo, hi = min(a, b), max(a, b)
    naive = sum(1 for k in range((hi - lo).days) if (lo + timedelta(days=k)).weekday() < 5
                and lo + timedelta(days=k) not in holidays)
    assert expected == step * naive
