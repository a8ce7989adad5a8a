"""The Risk tab's pure rules: the helper's assumed range, the headline and the chance wording."""

from __future__ import annotations

from datetime import date

import pytest

from worksmith.views.risk import assumed_range, chance, headline


@pytest.mark.parametrize(("days", "low", "high", "expected"), [
    (10, 20, 50, (8, 15)), (5, 20, 50, (4, 8)),  # 7.5 rounds half up to 8
    (3, 20, 50, (2, 5)), (2, 20, 50, (2, 3)), (1, 20, 50, (1, 2)), (0, 20, 50, (0, 0)),
    (10, 0, 0, (10, 10)), (10, 100, 200, (0, 30)),
])
def test_assumed_range_rounds_half_up_and_brackets_the_most_likely(days, low, high, expected):
    got = assumed_range(days, low, high)
    assert got == expected and got[0] <= days <= got[1]


def test_headline_and_chance_wording():
    assert headline(date(2027, 2, 18), 0.34, date(2027, 2, 1)) == \
        "P80 finish 18 Feb — 34 % chance of making the 1 Feb target"
    assert headline(date(2027, 2, 18), None, None) == "P80 finish 18 Feb — no target date set (Details tab)"
    assert [chance(p) for p in (0.0, 0.003, 0.5, 0.996, 1.0, None)] == ["0 %", "< 1 %", "50 %", "> 99 %", "100 %",
                                                                        "—"]
