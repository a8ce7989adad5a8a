"""The bench's floor page (issue 16's yardstick) in AppTest. It lives with the app tests: AppTest leaves Streamlit's
script as ``__main__``, which processes started later with ``spawn`` (the soak, tests/db) could not import."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from worksmith import bench, demo
from worksmith.store.db import get_engine, upgrade


def test_the_floor_page_runs_and_pages_are_measured_against_it(tmp_path, monkeypatch):
    """The floor page (issue 16's yardstick) renders without an exception on a seeded database; a broken floor
    would make every ratio meaningless, so the bench refuses to go on with one."""
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    demo.seed(engine, "S", today=date(2026, 11, 25))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)  # _render_pages sets both: the test puts them back after
    monkeypatch.setenv("WORKSMITH_TODAY", "2026-11-25")
    cold, warm, exceptions = bench._render(AppTest.from_string(bench.FLOOR_PAGE, default_timeout=120), None)
    assert exceptions == 0 and cold > 0 and warm > 0
    monkeypatch.setattr(bench, "FLOOR_PAGE", bench.FLOOR_PAGE.replace("import streamlit as st\n", ""))
    with pytest.raises(RuntimeError, match="floor page raised"):
        bench._render_pages(url, date(2026, 11, 25), repeat=1)
