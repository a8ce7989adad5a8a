"""Every DB test runs on SQLite (a temp file, never StaticPool) and on PostgreSQL (a schema of its own).

PostgreSQL is at ``WORKSMITH_TEST_PG_URL`` (default: the local server's ``test`` database). Locally an unreachable
server skips the PostgreSQL half with the reason; CI sets ``WORKSMITH_REQUIRE_PG=1`` so it fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from worksmith.store.db import get_engine, upgrade

PG_URL = os.environ.get("WORKSMITH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 11, 25)  # a Wednesday; the demo and all expectations are built for it


@pytest.fixture
def today() -> date:
    return TODAY


def _pg_reachable() -> str | None:
    try:
        with get_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure to connect means "not reachable" here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@contextmanager
def migrated_engine(kind: str, folder: Path) -> Iterator[Engine]:
    """A migrated, empty database of ``kind`` ("sqlite": a file in ``folder``; "postgresql": a schema of its own,
    dropped afterwards); an unreachable PostgreSQL skips (or fails, with ``WORKSMITH_REQUIRE_PG=1``)."""
    if kind == "sqlite":
        eng = get_engine(f"sqlite:///{folder / 'test.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    problem = _pg_reachable()
    if problem:
        if os.environ.get("WORKSMITH_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL at {PG_URL} is required here but unreachable: {problem}")
        pytest.skip(f"PostgreSQL at {PG_URL} unreachable ({problem}); set WORKSMITH_TEST_PG_URL to run this half")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = get_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    eng = get_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty database of each kind."""
    with migrated_engine(request.param, tmp_path) as eng:
        yield eng
