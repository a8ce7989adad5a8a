"""Branches of a workspace: a scenario ("what if") or a public-demo visitor's sandbox is a full copy of live.

Every view and command runs unchanged on a branch, because a branch is just another database URL
(:func:`branch_url`): on SQLite a file beside the live one, copied with the online backup API; on PostgreSQL a
schema of its own in the same database, filled server-side (``CREATE TABLE … (LIKE … INCLUDING ALL)`` +
``INSERT … SELECT``), so every app replica sees it.

A branch carries two tables of its own, and live carries nothing about its branches (deleting a branch never
touches live):

- ``branch_info``: one row (key, kind, name, description, created by, created at, made from);
- ``branch_base``: ``(tbl, row_id, version)`` of every live row at the moment the first branch of a chain was made.
  A branch made from another branch inherits its base, so "what changed" is always measured against live as it
  was: a row whose version differs from its base was changed in the branch, a row without a base is new, a base
  without a row was deleted; a live row whose version moved since is a conflict for "apply".
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from worksmith.errors import NotFoundError, ValidationError
from worksmith.store.db import get_engine, read_session

KINDS = ("scenario", "sandbox")
INFO, BASE = "branch_info", "branch_base"
_KEY = re.compile(r"^[a-z0-9]{4,24}$")
_INFO_COLUMNS = ("key", "kind", "name", "description", "created_by", "created_at", "made_from", "log_from",
                 "archived", "last_used")


@dataclass(frozen=True)
class BranchInfo:
    key: str
    kind: str
    name: str
    description: str
    created_by: str
    created_at: datetime
    made_from: str  # "live" or another branch's key
    log_from: int  # the last activity-log id of live when the chain began: later entries are the scenario's edits
    archived: bool
    last_used: datetime  # sandboxes expire after a while without use
    url: str


def new_key() -> str:
    return secrets.token_hex(6)


def valid_key(key: str) -> bool:
    """Whether ``key`` has the shape of a branch key (anything else, e.g. from a URL, is never a path or schema)."""
    return bool(_KEY.match(key or ""))


def _check_key(key: str) -> str:
    if not _KEY.match(key or ""):
        raise ValidationError(f"'{key}' is not a branch key (4–24 lowercase letters and digits).")
    return key


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# --- where a branch lives ---------------------------------------------------------------------------------------
def _live_file(live_url: str) -> Path:
    database = make_url(live_url).database
    if not database or database == ":memory:":
        raise ValidationError("Branches need a database file (an in-memory SQLite database cannot be copied).")
    return Path(database)


def _branch_file(live_url: str, key: str) -> Path:
    live = _live_file(live_url)
    return live.with_name(f"{live.stem}.branch-{_check_key(key)}{live.suffix or '.db'}")


def _search_path(url: str) -> str:
    options = make_url(url).query.get("options", "")
    match = re.search(r"-csearch_path=([A-Za-z0-9_]+)", options if isinstance(options, str) else "")
    return match.group(1) if match else "public"


def _branch_schema(live_url: str, key: str) -> str:
    return f"{_search_path(live_url)}_b_{_check_key(key)}"


def branch_url(live_url: str, key: str) -> str:
    """The database URL of branch ``key`` of the workspace at ``live_url`` (it may not exist yet)."""
    if _is_sqlite(live_url):
        return make_url(live_url).set(database=str(_branch_file(live_url, key))).render_as_string(
            hide_password=False)
    schema = _branch_schema(live_url, key)
    return make_url(live_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


# --- making and removing branches -------------------------------------------------------------------------------
def create_branch(live_url: str, *, name: str, kind: str = "scenario", description: str = "",
                  created_by: str = "", source_key: str | None = None, key: str | None = None) -> BranchInfo:
    """Copy live (or branch ``source_key``) into a new branch; returns its info. Nothing in live changes."""
    if kind not in KINDS:
        raise ValidationError(f"A branch is a {' or a '.join(KINDS)}, not '{kind}'.")
    clean = (name or "").strip()
    if not clean or len(clean) > 120:
        raise ValidationError("Scenario not created — give it a name of 1 to 120 characters.", field="name")
    key = _check_key(key or new_key())
    source_url = branch_url(live_url, source_key) if source_key else live_url
    if source_key and not exists(live_url, source_key):
        raise NotFoundError(f"Branch {source_key} does not exist (it may have been deleted) — reload.")
    target_url = branch_url(live_url, key)
    info = {"key": key, "kind": kind, "name": clean, "description": (description or "").strip(),
            "created_by": created_by or "", "created_at": datetime.now(UTC).replace(microsecond=0),
            "made_from": source_key or "live", "log_from": 0, "archived": False}
    info["last_used"] = info["created_at"]
    if _is_sqlite(live_url):
        _copy_sqlite(source_url, target_url)
    else:
        _copy_postgres(source_url, target_url)
    engine = get_engine(target_url)
    try:
        with engine.begin() as conn:
            info["log_from"] = _log_from(conn, inherited=bool(source_key))
            conn.execute(text(f"DELETE FROM {INFO}"))
            conn.execute(text(f"INSERT INTO {INFO} ({', '.join(_INFO_COLUMNS)}) VALUES "
                              f"({', '.join(':' + c for c in _INFO_COLUMNS)})"), info)
            if not source_key:
                _record_base(conn)
    finally:
        engine.dispose()
    return BranchInfo(**info, url=target_url)


def _info_and_base_ddl(integer: str = "INTEGER") -> list[str]:
    return [f"CREATE TABLE IF NOT EXISTS {INFO} (key VARCHAR(24) PRIMARY KEY, kind VARCHAR(20) NOT NULL, "
            "name VARCHAR(120) NOT NULL, description TEXT NOT NULL, created_by VARCHAR(120) NOT NULL, "
            "created_at TIMESTAMP NOT NULL, made_from VARCHAR(24) NOT NULL, log_from INTEGER NOT NULL, "
            "archived BOOLEAN NOT NULL DEFAULT FALSE, last_used TIMESTAMP NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {BASE} (tbl VARCHAR(60) NOT NULL, row_id {integer} NOT NULL, "
            "version INTEGER, PRIMARY KEY (tbl, row_id))"]


def _log_from(conn, *, inherited: bool) -> int:
    """In the fresh copy: where the chain's own audit entries start (a branch of a branch keeps its source's)."""
    if inherited:
        return int(conn.execute(text(f"SELECT log_from FROM {INFO}")).scalar_one())
    return int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM activity_log")).scalar_one())


def log_start(session) -> int:
    """Inside a branch session: the last live activity-log id when the chain began."""
    return int(session.connection().execute(text(f"SELECT log_from FROM {INFO}")).scalar_one())


def _record_base(conn) -> None:
    conn.execute(text(f"DELETE FROM {BASE}"))
    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        version = "version" if "version" in table.c else "NULL"
        conn.execute(text(f"INSERT INTO {BASE} (tbl, row_id, version) "
                          f"SELECT '{table.name}', id, {version} FROM {table.name}"))


def _copy_sqlite(source_url: str, target_url: str) -> None:
    source, target = Path(make_url(source_url).database), Path(make_url(target_url).database)
    if not source.exists():
        raise NotFoundError("The workspace to copy has no database file yet — open it once first.")
    if target.exists():
        raise ValidationError(f"Branch file {target.name} already exists.")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # consistent while others write (DESIGN §5: never a plain file copy)
        for statement in _info_and_base_ddl():
            dst.execute(statement)
        dst.commit()
    except BaseException:
        dst.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        src.close()
        dst.close()


def _copy_postgres(source_url: str, target_url: str) -> None:
    source, target = _search_path(source_url), _search_path(target_url)
    tables = [t for t in SQLModel.metadata.sorted_tables]
    engine = get_engine(source_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{target}"'))
            for name in ["alembic_version", *(t.name for t in tables)]:
                conn.execute(text(f'CREATE TABLE "{target}"."{name}" (LIKE "{source}"."{name}" INCLUDING ALL)'))
                conn.execute(text(f'INSERT INTO "{target}"."{name}" SELECT * FROM "{source}"."{name}"'))
            for table in tables:
                if "id" in table.c and table.c.id.autoincrement is not False and table.name != "workspace_revision":
                    # LIKE copies the default nextval() of the SOURCE's sequence: give the branch its own
                    seq = f'"{target}"."{table.name}_id_seq"'
                    conn.execute(text(f"CREATE SEQUENCE {seq} OWNED BY \"{target}\".\"{table.name}\".id"))
                    conn.execute(text(f"SELECT setval('{target}.{table.name}_id_seq', "
                                      f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{target}\".\"{table.name}\"), false)"))
                    conn.execute(text(f'ALTER TABLE "{target}"."{table.name}" ALTER COLUMN id '
                                      f"SET DEFAULT nextval('{target}.{table.name}_id_seq')"))
                for fk in table.foreign_key_constraints:  # LIKE does not copy foreign keys
                    cols = ", ".join(c.name for c in fk.columns)
                    refs = ", ".join(e.column.name for e in fk.elements)
                    conn.execute(text(f'ALTER TABLE "{target}"."{table.name}" ADD FOREIGN KEY ({cols}) '
                                      f'REFERENCES "{target}"."{fk.referred_table.name}" ({refs})'))
            conn.execute(text(f'SET LOCAL search_path TO "{target}"'))
            for statement in _info_and_base_ddl():
                conn.execute(text(statement))
            for own in (INFO, BASE):  # a branch of a branch inherits its source's description and base
                if _has_table(conn, source, own):
                    conn.execute(text(f'INSERT INTO "{target}".{own} SELECT * FROM "{source}".{own}'))
    finally:
        engine.dispose()


def _has_table(conn, schema: str, table: str) -> bool:
    return conn.execute(text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = :t"),
                        {"s": schema, "t": table}).first() is not None


def drop_branch(live_url: str, key: str) -> None:
    """Delete a branch. Live is never touched."""
    if not exists(live_url, key):
        raise NotFoundError(f"Branch {key} does not exist (it may have been deleted already).")
    url = branch_url(live_url, key)
    for own in branch_keys(url):  # a sandbox's scenarios go with it
        drop_branch(url, own)
    if _is_sqlite(live_url):
        path = _branch_file(live_url, key)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = get_engine(live_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{_branch_schema(live_url, key)}" CASCADE'))
    finally:
        engine.dispose()


def exists(live_url: str, key: str) -> bool:
    if _is_sqlite(live_url):
        return _branch_file(live_url, key).exists()
    engine = get_engine(live_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                                {"s": _branch_schema(live_url, key)}).first() is not None
    finally:
        engine.dispose()


def branch_keys(live_url: str) -> list[str]:
    """Keys of the branches of this workspace, oldest file or schema name order."""
    if _is_sqlite(live_url):
        live = _live_file(live_url)
        pattern = re.compile(rf"^{re.escape(live.stem)}\.branch-([a-z0-9]+){re.escape(live.suffix or '.db')}$")
        return sorted(m.group(1) for p in live.parent.glob(f"{live.stem}.branch-*")
                      if (m := pattern.match(p.name)))
    prefix = f"{_search_path(live_url)}_b_"
    engine = get_engine(live_url)
    try:
        with engine.connect() as conn:
            names = conn.execute(text("SELECT schema_name FROM information_schema.schemata "
                                      "WHERE starts_with(schema_name, :p)"), {"p": prefix}).scalars().all()
    finally:
        engine.dispose()
    return sorted(n[len(prefix):] for n in names if _KEY.match(n[len(prefix):]))  # not the branches' own branches


def info(live_url: str, key: str, engine: Engine | None = None) -> BranchInfo:
    """The branch's own description (from its ``branch_info`` row)."""
    url = branch_url(live_url, key)
    own = engine or get_engine(url)
    try:
        with read_session(own) as session:
            row = session.connection().execute(text(f"SELECT {', '.join(_INFO_COLUMNS)} FROM {INFO}")).first()
    finally:
        if engine is None:
            own.dispose()
    if row is None:
        raise NotFoundError(f"Branch {key} has no description (it is not a Worksmith branch).")
    values = dict(row._mapping)
    values["archived"] = bool(values["archived"])
    for stamp in ("created_at", "last_used"):
        if isinstance(values[stamp], str):
            values[stamp] = datetime.fromisoformat(values[stamp])
        if values[stamp].tzinfo is None:
            values[stamp] = values[stamp].replace(tzinfo=UTC)
    return BranchInfo(**values, url=url)


def describe_branch(live_url: str, key: str, *, name: str | None = None, description: str | None = None,
                    archived: bool | None = None) -> BranchInfo:
    """Rename, re-describe, archive or restore a branch (its own ``branch_info`` row; live is not touched)."""
    changes: dict[str, object] = {}
    if name is not None:
        clean = name.strip()
        if not clean or len(clean) > 120:
            raise ValidationError("Scenario not renamed — give it a name of 1 to 120 characters.", field="name")
        changes["name"] = clean
    if description is not None:
        changes["description"] = description.strip()
    if archived is not None:
        changes["archived"] = bool(archived)
    if not exists(live_url, key):
        raise NotFoundError(f"Branch {key} does not exist (it may have been deleted) — reload.")
    engine = get_engine(branch_url(live_url, key))
    try:
        if changes:
            with engine.begin() as conn:
                conn.execute(text(f"UPDATE {INFO} SET {', '.join(f'{k} = :{k}' for k in changes)}"), changes)
        return info(live_url, key, engine)
    finally:
        engine.dispose()


def list_branches(live_url: str, *, kind: str = "scenario", archived: bool = False) -> list[BranchInfo]:
    """The branches of one kind, newest first; archived ones only when asked."""
    found = []
    for key in branch_keys(live_url):
        try:
            described = info(live_url, key)
        except (NotFoundError, DBAPIError):
            continue  # a half-made or foreign copy: not listed
        if described.kind == kind and (archived or not described.archived):
            found.append(described)
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def mark_applied(live_url: str, key: str, applied: list[tuple[str, int, str]]) -> None:
    """After an apply: the applied rows are no longer the scenario's changes. ``applied``: (table, row id, kind)
    with kind update/create/delete; the base takes the branch row's current version (or forgets a deleted row)."""
    engine = get_engine(branch_url(live_url, key))
    try:
        with engine.begin() as conn:
            for table, row_id, kind in applied:
                conn.execute(text(f"DELETE FROM {BASE} WHERE tbl = :t AND row_id = :i"), {"t": table, "i": row_id})
                if kind == "delete":
                    continue
                model_table = SQLModel.metadata.tables[table]
                version = "version" if "version" in model_table.c else "NULL"
                conn.execute(text(f"INSERT INTO {BASE} (tbl, row_id, version) SELECT :t, id, {version} "
                                  f"FROM {table} WHERE id = :i"), {"t": table, "i": row_id})
    finally:
        engine.dispose()


def touch(live_url: str, key: str) -> None:
    """Record that a branch is in use now (sandboxes expire after a while without use)."""
    engine = get_engine(branch_url(live_url, key))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE {INFO} SET last_used = :now"), {"now": datetime.now(UTC).replace(microsecond=0)})
    finally:
        engine.dispose()


def expire(live_url: str, *, kind: str, idle_seconds: float) -> list[str]:
    """Delete the branches of ``kind`` unused for ``idle_seconds`` (and their own branches); returns their keys."""
    now = datetime.now(UTC)
    gone = []
    for branch in list_branches(live_url, kind=kind, archived=True):
        if (now - branch.last_used).total_seconds() > idle_seconds:
            drop_branch(live_url, branch.key)
            gone.append(branch.key)
    return gone


def disk_bytes(live_url: str) -> int:
    """What the branches of a workspace take on disk (SQLite files; PostgreSQL schemas' table sizes)."""
    if _is_sqlite(live_url):
        live = _live_file(live_url)
        return sum(p.stat().st_size for p in live.parent.glob(f"{live.stem}.branch-*") if p.is_file())
    engine = get_engine(live_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT COALESCE(SUM(pg_total_relation_size(format('%I.%I', schemaname, tablename))), 0) "
                "FROM pg_tables WHERE starts_with(schemaname, :p)"), {"p": f"{_search_path(live_url)}_b_"}).scalar())
    finally:
        engine.dispose()


def base_versions(session) -> dict[tuple[str, int], int | None]:
    """(table, row id) -> the live version when the branch chain began (inside a branch session)."""
    rows = session.connection().execute(text(f"SELECT tbl, row_id, version FROM {BASE}"))
    return {(tbl, row_id): version for tbl, row_id, version in rows}
