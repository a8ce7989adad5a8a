"""Engine, sessions and schema upgrades (DESIGN §5).

``DATABASE_URL`` picks the store; the default is the SQLite file ``data/worksmith.db``. SQLite connections get
``busy_timeout`` first, then WAL (checked), then foreign keys; write sessions start with ``BEGIN IMMEDIATE`` so two
writers queue instead of failing half-way. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from worksmith.errors import BusyError, ConflictError, WorksmithError
from worksmith.store.migrations import alembic_config
from worksmith.store.models import Dependency, Holiday, Phase, Project, Task, WorkspaceRevision

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'worksmith.db'}"
BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")


def database_url(url: str | None = None) -> str:
    """The URL in force: the argument, else ``DATABASE_URL``, else the default SQLite file."""
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def describe(url: str) -> str:
    """A short, password-free description of where the data lives, for the sidebar."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite · {Path(u.database or ':memory:').name}"
    return f"PostgreSQL · {u.host or 'localhost'}/{u.database}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Python's sqlite3 would open transactions itself; SQLAlchemy's "begin" hook below does it instead.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() not in ("wal", "memory"):
        cur.close()
        raise WorksmithError(f"SQLite refused WAL mode (journal_mode is {mode}); is the database on a network drive?")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("worksmith_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def get_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (see :func:`database_url`) with Worksmith's connection settings."""
    url = database_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        db = make_url(url).database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits at the end, rolls back on any error (nothing half-written).

    What the database refuses becomes a ``WorksmithError`` a person can act on: a unique rule broken by a
    concurrent save is a ``ConflictError`` naming the table and the value; "database is locked", a deadlock or a
    serialization failure is a ``BusyError`` (retried by :func:`run_in_transaction`).
    """
    try:
        with (Session(engine.execution_options(worksmith_write=True), expire_on_commit=False) as session,
              session.begin()):
            event.listen(session, "before_flush", _lock_plans_before_flush)
            yield session
            session.execute(_BUMP)  # last lock taken, held only for the commit: no lock-order cycle with it
    except IntegrityError as exc:
        raise _integrity_error(exc) from None
    except OperationalError as exc:
        if _is_busy(exc):
            raise BusyError(BUSY_MESSAGE) from None
        raise


BUSY_MESSAGE = "The workspace is busy with another save — try again in a moment; nothing was saved."
_BUSY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock detected, lock not available


PLAN_LOCK = 0x5753_0001  # pg_advisory_xact_lock key ("WS" 1): one writer of plans (and their schedule) at a time
PLAN_MODELS = (Task, Dependency, Phase, Project, Holiday)


def lock_plans(session: Session) -> None:
    """PostgreSQL: wait for other transactions writing plans, then hold the plan lock until commit (once per
    transaction; SQLite needs none, its writers already queue on ``BEGIN IMMEDIATE``).

    Every command that edits a task, link, phase, project or holiday ends by rescheduling *every* plan, i.e. by
    writing computed columns of task rows that another such command may hold: two of them interleaved is a
    deadlock. Taking this lock before the first plan row is written (see :func:`write_session`'s flush hook, and
    :func:`worksmith.commands.plans.reschedule` for Core writes) makes them queue instead, in one order.
    """
    if session.info.get("plans_locked"):
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(PLAN_LOCK)))
    session.info["plans_locked"] = True


def _lock_plans_before_flush(session: Session, _context, _instances) -> None:
    if not session.info.get("plans_locked") and any(
            isinstance(obj, PLAN_MODELS) for obj in (*session.new, *session.dirty, *session.deleted)):
        lock_plans(session)


def _is_busy(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None)
    return state in _BUSY_SQLSTATES or "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig)


def _integrity_error(exc: IntegrityError) -> WorksmithError:
    """'UNIQUE constraint failed: project.name' (SQLite) or a psycopg UniqueViolation -> a sentence."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    text = str(orig)
    if getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in text:
        table = getattr(diag, "table_name", None) or (text.split(":", 1)[1].strip().split(".")[0]
                                                      if ":" in text else "record")
        detail = getattr(diag, "message_detail", None) or ""
        what = detail.removeprefix("Key ").removesuffix(" already exists.") if detail else text.split(":", 1)[-1]
        return ConflictError(f"{table.replace('_', ' ').capitalize()} not saved — one with the same "
                             f"{what.strip()} already exists (someone may have just saved it); reload and "
                             "choose another.")
    if _is_busy(exc):
        return BusyError(BUSY_MESSAGE)
    return ConflictError(f"Not saved — the database refused the change ({text.splitlines()[0]}); reload and try "
                         "again.")


def run_in_transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = 3) -> T:
    """Run ``work(session)`` in one write transaction, retrying the whole unit on a ``BusyError``.

    A deadlock or serialization failure means the transaction was rolled back whole, so running it again is
    safe; after ``attempts`` tries the ``BusyError`` reaches the caller.
    """
    for attempt in range(1, attempts + 1):
        try:
            with write_session(engine) as session:
                return work(session)
        except BusyError:
            if attempt == attempts:
                raise
            time.sleep(0.05 * attempt * (1 + random.random()))
    raise AssertionError("unreachable")


_REVISION = WorkspaceRevision.__table__
_BUMP = update(_REVISION).where(_REVISION.c.id == 1).values(n=_REVISION.c.n + 1)


def revision(engine: Engine) -> int:
    """The workspace revision: changes with every committed write (0 for a new workspace)."""
    with engine.connect() as conn:
        return conn.execute(select(_REVISION.c.n).where(_REVISION.c.id == 1)).scalar_one_or_none() or 0


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (an empty database gets every table)."""
    with engine.begin() as connection:
        cfg = alembic_config(connection)
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
