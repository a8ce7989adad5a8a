"""The RRULE expansion reproduces the hand-written recurrence rules exactly, for any cadence, anchor and window."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.rrule_reference import old_dates, old_next_due
from worksmith.domain.calendar import recurrence_dates
from worksmith.domain.operations import next_due

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


@settings(max_examples=300, deadline=None)
@given(cadence=st.sampled_from(["weekly", "monthly", "quarterly"]), anchor=days, today=days,
       span=st.integers(0, 800))
def test_rrule_dates_and_next_due_equal_the_hand_written_rules(cadence, anchor, today, span):
    end = today + timedelta(days=span)
    assert recurrence_dates(cadence, anchor, today, end) == old_dates(cadence, anchor, today, end)
    assert next_due(cadence, anchor, today) == old_next_due(cadence, anchor, today)
