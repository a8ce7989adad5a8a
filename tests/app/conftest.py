"""AppTest fixtures: each test gets its own temp SQLite file, a pinned date and empty Streamlit caches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "streamlit_app.py"
TODAY = "2026-11-25"  # the demo is seeded relative to this date (WORKSMITH_TODAY is read at seeding time)
TIMEOUT = 90
ACTING_AS = "1"  # ?as=1: the demo's first person (Ava Thompson), so page tests may write (writes need an actor)


@pytest.fixture(autouse=True)
def _error_details() -> Iterator[None]:
    """The app hides error details from users (.streamlit/config.toml); tests need the real messages."""
    before = st.get_option("client.showErrorDetails")
    st.set_option("client.showErrorDetails", "full")
    yield
    st.set_option("client.showErrorDetails", before)


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``workspace(demo=True)`` points the app at a fresh temp database; ``demo=False`` keeps it empty."""

    def configure(*, demo: bool = True) -> None:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
        monkeypatch.setenv("WORKSMITH_TODAY", TODAY)
        monkeypatch.setenv("WORKSMITH_DEMO", "1" if demo else "0")

    return configure


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # st.cache_* are process-global; the engine cache is keyed by DATABASE_URL but clear anyway.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def app() -> AppTest:
    """The whole app (entrypoint with st.navigation), not yet run, acting as the demo's first person (``?as=1``,
    as a shared link would; in an empty workspace nobody matches and the app acts as "workspace setup").
    ``del app.query_params["as"]`` to start as nobody."""
    at = AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT)
    at.query_params["as"] = ACTING_AS
    return at
