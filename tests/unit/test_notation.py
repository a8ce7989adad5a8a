"""MS Project predecessor notation (DESIGN §4): parsing, canonical formatting and the round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worksmith.domain.notation import Link, format_predecessors, parse_predecessors


class TestParsePredecessors:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3", [Link(3, "FS", 0)]),
            ("3FS+2d", [Link(3, "FS", 2)]),
            ("5SS", [Link(5, "SS", 0)]),
            ("7FF-1d", [Link(7, "FF", -1)]),
            ("4SF+3d", [Link(4, "SF", 3)]),
            ("3fs+2d", [Link(3, "FS", 2)]),
            ("3 FS + 2 d", [Link(3, "FS", 2)]),
            ("3FS+2", [Link(3, "FS", 2)]),
            ("3+2d", [Link(3, "FS", 2)]),
            ("3-1", [Link(3, "FS", -1)]),
            ("3SS+2 days", [Link(3, "SS", 2)]),
            ("3ss+1 day", [Link(3, "SS", 1)]),
            ("3FS+0d", [Link(3, "FS", 0)]),
            ("3, 5SS, 7FF-1d", [Link(3, "FS", 0), Link(5, "SS", 0), Link(7, "FF", -1)]),
            ("3;5", [Link(3, "FS", 0), Link(5, "FS", 0)]),
            ("3,,5,", [Link(3, "FS", 0), Link(5, "FS", 0)]),
            ("3,3FS+2d", [Link(3, "FS", 0), Link(3, "FS", 2)]),
            ("", []),
            ("   ", []),
            (None, []),
            (float("nan"), []),
            (3, [Link(3, "FS", 0)]),
            (3.0, [Link(3, "FS", 0)]),
        ],
    )
    def test_valid(self, text, expected):
        assert parse_predecessors(text) == expected

    @pytest.mark.parametrize(
        "text", ["x", "3XX", "3FS+2.5d", "3FS+2w", "3FS 2d", "-3", "3FS+", "3FS+50%", "3.5", "A3", "3 SS FF", "3d"]
    )
    def test_invalid(self, text):
        with pytest.raises(ValueError, match="bad predecessor notation"):
            parse_predecessors(text)

    @pytest.mark.parametrize(
        ("links", "text"),
        [
            ([Link(3)], "3"),
            ([Link(3, "FS", 2)], "3FS+2d"),
            ([Link(5, "SS")], "5SS"),
            ([Link(7, "FF", -1)], "7FF-1d"),
            ([Link(3), Link(5, "SF", 4)], "3,5SF+4d"),
            ([], ""),
        ],
    )
    def test_format(self, links, text):
        assert format_predecessors(links) == text

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.builds(Link, st.integers(0, 999), st.sampled_from(["FS", "SS", "FF", "SF"]), st.integers(-30, 30)),
            max_size=6,
        )
    )
    def test_format_parse_round_trip(self, links):
        assert parse_predecessors(format_predecessors(links)) == links
