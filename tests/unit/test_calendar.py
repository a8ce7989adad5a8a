"""Unit tests for worksmith.domain.calendar: working days, offsets and dates, ISO weeks, recurrences."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from worksmith.domain.calendar import WorkCalendar, iso_label, recurrence_dates, week_start, working_days_between
from worksmith.errors import ValidationError

FRI = date(2025, 1, 3)  # Friday
SAT = date(2025, 1, 4)
MON = date(2025, 1, 6)
W07 = date(2026, 2, 9)


def d(day: int, month: int = 2) -> date:
    return date(2026, month, day)


class TestWorkCalendar:
    def test_weekend_project_start_moves_to_monday(self):
        cal = WorkCalendar()
        assert cal.date_of(0, SAT) == MON
        assert cal.date_of(0, date(2025, 1, 5)) == MON
        assert cal.offset_of(MON, SAT) == 0

    def test_holidays_are_skipped(self):
        # Mon 23 Dec 2024 start, 25 and 26 Dec off: 5 days = Mon 23, Tue 24, Fri 27, Mon 30, Tue 31.
        cal = WorkCalendar(holidays=frozenset({date(2024, 12, 25), date(2024, 12, 26)}))
        start = date(2024, 12, 23)
        assert [cal.date_of(i, start) for i in range(5)] == [
            date(2024, 12, 23),
            date(2024, 12, 24),
            date(2024, 12, 27),
            date(2024, 12, 30),
            date(2024, 12, 31),
        ]
        assert not cal.is_working(date(2024, 12, 25))
        assert cal.is_working(date(2024, 12, 24))
        assert cal.offset_of(date(2024, 12, 25), start) == 2  # a holiday maps to the next working day

    def test_holiday_as_project_start(self):
        cal = WorkCalendar(holidays=frozenset({date(2025, 1, 1)}))
        assert cal.date_of(0, date(2025, 1, 1)) == date(2025, 1, 2)

    def test_weekend_holiday_changes_nothing(self):
        plain, with_sat = WorkCalendar(), WorkCalendar(holidays=frozenset({SAT}))
        assert [plain.date_of(i, FRI) for i in range(10)] == [with_sat.date_of(i, FRI) for i in range(10)]

    def test_add_working_days(self):
        cal = WorkCalendar()
        assert cal.add_working_days(FRI, 1) == MON
        assert cal.add_working_days(FRI, 0) == FRI
        assert cal.add_working_days(SAT, 0) == MON
        assert cal.add_working_days(MON, 5) == date(2025, 1, 13)
        assert cal.add_working_days(MON, -1) == FRI

    def test_offset_round_trip(self):
        cal = WorkCalendar(holidays=frozenset({date(2025, 4, 18), date(2025, 4, 21), date(2025, 12, 25)}))
        for offset in range(-40, 400):
            assert cal.offset_of(cal.date_of(offset, FRI), FRI) == offset

    def test_working_days_between(self):
        cal = WorkCalendar()
        assert cal.working_days_between(MON, date(2025, 1, 13)) == 5
        assert cal.working_days_between(FRI, MON) == 1
        assert cal.working_days_between(MON, FRI) == -1
        assert cal.working_days_between(SAT, date(2025, 1, 5)) == 0

    def test_custom_work_week(self):
        # Sunday–Thursday week: Thursday 2 Jan 2025 + 1 working day = Sunday 5 Jan.
        cal = WorkCalendar(workdays=frozenset({6, 0, 1, 2, 3}))
        assert cal.add_working_days(date(2025, 1, 2), 1) == date(2025, 1, 5)
        assert not cal.is_working(FRI)

    def test_calendar_needs_a_workday(self):
        with pytest.raises(ValidationError):
            WorkCalendar(workdays=frozenset())
        with pytest.raises(ValidationError):
            WorkCalendar(workdays=frozenset({7}))

    def test_calendar_is_hashable_and_accepts_sets(self):
        a = WorkCalendar(holidays={date(2025, 1, 1)})  # type: ignore[arg-type]
        b = WorkCalendar(holidays=frozenset({date(2025, 1, 1)}))
        assert a == b and hash(a) == hash(b)


class TestCalendarHelpers:
    def test_week_start_is_monday(self):
        assert week_start(d(15)) == W07  # Sunday 15 Feb -> Monday 9 Feb
        assert week_start(W07) == W07

    def test_iso_label_uses_iso_year(self):
        assert iso_label(d(11)) == "2026-W07"
        assert iso_label(date(2025, 12, 29)) == "2026-W01"  # Monday of the week holding Thu 1 Jan 2026


class TestRecurrenceDates:
    def test_monthly_on_the_31st_clamps_to_month_end(self):
        got = recurrence_dates("monthly", d(31, 1), d(1, 1), d(31, 5))
        assert got == [d(31, 1), d(28, 2), d(31, 3), d(30, 4), d(31, 5)]

    def test_monthly_in_a_leap_year(self):
        assert recurrence_dates("monthly", date(2028, 1, 30), date(2028, 2, 1), date(2028, 3, 31)) == [
            date(2028, 2, 29), date(2028, 3, 30)]

    def test_quarterly_every_three_months_from_the_anchor(self):
        assert recurrence_dates("quarterly", d(15, 1), d(1, 3), d(31, 12)) == [d(15, 4), d(15, 7), d(15, 10)]

    def test_weekly_starts_at_the_anchor(self):
        assert recurrence_dates("Weekly", d(11), d(1), d(28)) == [d(11), d(18), d(25)]

    def test_nothing_before_the_anchor(self):
        assert recurrence_dates("monthly", d(15, 6), d(1, 1), d(31, 5)) == []

    def test_unknown_cadence_is_refused(self):
        with pytest.raises(ValidationError, match="fortnightly"):
            recurrence_dates("fortnightly", d(1), d(1), d(28))




class TestWorkingDaysBetween:
    def test_counts_a_inclusive_b_exclusive(self):
        # Fri 13 Feb, (Sat, Sun), Mon 16 Feb: 2 working days before Tue 17 Feb.
        assert working_days_between(d(13), d(17)) == 2
        assert working_days_between(d(17), d(13)) == -2
        assert working_days_between(d(13), d(13)) == 0

    def test_skips_holidays(self):
        assert working_days_between(d(13), d(17), {d(16)}) == 1

    def test_agrees_with_the_work_calendar(self):
        holidays = {d(16), d(3, 3)}
        cal = WorkCalendar(holidays=frozenset(holidays))
        for a in range(1, 28):
            for b in range(1, 28, 3):
                assert working_days_between(d(a), d(b), holidays) == cal.working_days_between(d(a), d(b))

    def test_arrays_give_an_array_of_counts(self):
        starts = np.array([d(9), d(13)], dtype="datetime64[D]")
        ends = np.array([d(13), d(16)], dtype="datetime64[D]") + 1  # inclusive last days
        assert working_days_between(starts, ends).tolist() == [5, 2]
