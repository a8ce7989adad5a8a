"""A JSON restore checks the whole file before it replaces anything, and keeps the activity log (SQLite and
PostgreSQL).

Every hostile file below is refused with ``BackupRefused`` naming the problem; the workspace and its log are
exactly as they were. A good restore keeps the current log, appends the backup's entries marked restored and
names who restored it.
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.__main__ import main
from worksmith.commands.core import Actor
from worksmith.errors import ValidationError
from worksmith.exchange.backup import RESTORED, BackupRefused, backup_json, parse_backup, read_backup, restore_json
from worksmith.exchange.backup_check import BACKUP_FORMAT, SHOWN, UNIQUE_KEYS, backup_tables
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, upgrade, write_session

TESTER = Actor(None, "tester", "admin")
T0 = "2026-11-20T09:00:00+00:00"


def small() -> dict:
    """A small valid backup: a team, a person, a project with two linked tasks, two log entries."""
    return {"format": BACKUP_FORMAT, "tables": {
        "setting": [{"key": "name", "value": "Small"}],
        "team": [{"id": 1, "name": "Ops", "description": "", "version": 1}],
        "person": [{"id": 1, "name": "Ann", "team_id": 1, "weekly_hours": 40.0, "availability": 80.0,
                    "cost_rate": 50.0, "skills": ["sql"], "active": True, "email": "", "role": "", "version": 1}],
        "project": [{"id": 1, "name": "Alpha", "status": "active", "start": "2026-11-02", "manager_id": 1,
                     "version": 1}],
        "task": [{"id": 1, "project_id": 1, "name": "Design", "duration_days": 5, "estimate_hours": 20.0,
                  "status": "todo", "assignee_id": 1, "version": 1},
                 {"id": 2, "project_id": 1, "name": "Build", "duration_days": 10, "estimate_hours": 60.0,
                  "status": "todo", "version": 1}],
        "dependency": [{"id": 1, "pred_id": 1, "succ_id": 2, "type": "FS", "lag_days": 0}],
        "activity_log": [{"id": 1, "at": T0, "actor": "Ann", "action": "create", "entity": "project",
                          "entity_id": 1, "summary": "created project 'Alpha'"},
                         {"id": 2, "at": T0, "actor": "Ann", "action": "create", "entity": "task",
                          "entity_id": 1, "summary": "created task 'Design'"}]}}


def state(engine) -> dict:
    """Every table's rows (the activity log included): what an unchanged workspace must still show."""
    with read_session(engine) as s:
        data = backup_json(s)["tables"]
    return {name: sorted(rows, key=repr) for name, rows in data.items()}


def log_rows(engine) -> list[m.ActivityLog]:
    with read_session(engine) as s:
        return [r[0] for r in s.execute(select(m.ActivityLog).order_by(m.ActivityLog.id))]


@pytest.fixture
def current(engine):
    """A workspace holding ``small()`` plus one live log entry, restored through the checked path."""
    with write_session(engine) as s:
        restore_json(s, small(), actor=TESTER)
    return engine


def _set(doc: dict, table: str, index: int, **values) -> dict:
    doc["tables"][table][index].update(values)
    return doc


# name -> (mutation of small(), a fragment of the refusal). Grouped by class for the report.
DOCUMENT_CASES = {
    # shape
    "top-level list": (lambda d: [d], "not a Worksmith backup"),
    "no format": (lambda d: {"tables": d["tables"]}, "not a Worksmith backup"),
    "no tables key": (lambda d: {"format": BACKUP_FORMAT}, "no \"tables\" object"),
    "tables is a list": (lambda d: {**d, "tables": [d["tables"]]}, "no \"tables\" object"),
    "table is a dict": (lambda d: {**d, "tables": {**d["tables"], "task": {"1": {}}}},
                        "table task must be a list of rows, not an object"),
    "table of non-dicts": (lambda d: {**d, "tables": {**d["tables"], "team": [1, "x", None]}},
                           "team row 1 must be an object"),
    "unknown table": (lambda d: {**d, "tables": {**d["tables"], "users": []}}, "tables this version does not "
                                                                               "know: users"),
    "unknown column": (lambda d: _set(d, "task", 0, is_admin=True), "unknown column 'is_admin'"),
    "missing required column": (lambda d: d["tables"]["task"][0].pop("name") and d, "task row 1 (id 1): name is "
                                                                                    "missing"),
    "missing id": (lambda d: d["tables"]["team"][0].pop("id") and d, "id is missing"),
    # types
    "duration 'abc'": (lambda d: _set(d, "task", 0, duration_days="abc"), "duration days: must be a whole number"),
    "id as text": (lambda d: _set(d, "team", 0, id="1"), "id: must be a whole number"),
    "bool for a number": (lambda d: _set(d, "task", 0, estimate_hours=True), "estimate hours: must be a number"),
    "text for a bool": (lambda d: _set(d, "person", 0, active="yes"), "active: must be true or false"),
    "date as a number": (lambda d: _set(d, "project", 0, start=20261102), "start: must be a date"),
    "impossible date": (lambda d: _set(d, "project", 0, start="2026-02-30"), "start: must be a date"),
    "null in a required column": (lambda d: _set(d, "task", 0, status=None), "status: may not be empty"),
    # rules of the Create models
    "negative estimate": (lambda d: _set(d, "task", 0, estimate_hours=-5), "estimate hours: input should be "
                                                                           "greater than or equal to 0"),
    "bad status literal": (lambda d: _set(d, "task", 0, status="hacked"), "status: input should be"),
    "empty name": (lambda d: _set(d, "project", 0, name=""), "name: string should have at least 1 character"),
    "self dependency": (lambda d: _set(d, "dependency", 0, succ_id=1), "a task cannot depend on itself"),
    # bounds
    "1e308 estimate": (lambda d: _set(d, "task", 0, estimate_hours=1e308), "estimate hours is out of range"),
    "int beyond PostgreSQL INTEGER": (lambda d: _set(d, "task", 0, total_float=10**12), "total float is out of range"),
    "huge float in the log": (lambda d: _set(d, "activity_log", 0, after={"x": 1e308}), "after.x is out of "
                                                                                       "range"),
    "control character in a name": (lambda d: _set(d, "project", 0, name="Al\x00pha"), "control character"),
    "control character in the log": (lambda d: _set(d, "activity_log", 0, actor="An\x1bn"), "control character"),
    "date 9999-12-31": (lambda d: _set(d, "project", 0, start="9999-12-31"), "must fall between 1900 and 2200"),
    "log time 9999-12-31": (lambda d: _set(d, "activity_log", 0, at="9999-12-31T00:00:00"), "must fall between"),
    "too long for the column": (lambda d: _set(d, "setting", 0, key="k" * 65), "key: is too long"),
    # keys and references
    "duplicate primary key": (lambda d: _set(d, "task", 1, id=1), "task: 2 rows have the same id 1"),
    "duplicate setting key": (lambda d: d["tables"]["setting"].append({"key": "name", "value": "x"}) or d,
                              "setting: 2 rows have the same key 'name'"),
    "duplicate unique name": (lambda d: d["tables"]["project"].append({"id": 2, "name": "Alpha"}) or d,
                              "project: 2 rows have the same name 'Alpha'"),
    "dangling foreign key": (lambda d: _set(d, "task", 0, assignee_id=99), "assignee_id 99 points at no person"),
    "child without its table": (lambda d: d["tables"].pop("project") and d, "project_id 1 points at no project"),
    "dependency loop": (lambda d: d["tables"]["dependency"].append({"id": 2, "pred_id": 2, "succ_id": 1}) or d,
                        "tasks 1 → 2 → 1 form a loop"),
}

# raw file contents -> a fragment of the refusal
RAW_CASES = {
    "not JSON": (b"name,duration\nDesign,5\n", "not valid JSON"),
    "empty file": (b"", "not valid JSON"),
    "truncated JSON": (json.dumps(small()).encode()[:-40], "not valid JSON"),
    "not UTF-8": ("{\"format\": \"é\"}".encode("latin-1"), "not UTF-8"),
    "duplicate JSON key": (b'{"format": "worksmith-backup-1", "tables": {}, "tables": {"task": []}}',
                           "repeats the key 'tables'"),
    "duplicate key in a row": (json.dumps(small()).replace('"name": "Design"', '"name": "Design", "name": "X"')
                               .encode(), "repeats the key 'name'"),
    "NaN": (json.dumps(small()).replace("20.0", "NaN").encode(), "NaN is not a number"),
    "Infinity": (json.dumps(small()).replace("20.0", "-Infinity").encode(), "-Infinity is not a number"),
    "1e400 (inf)": (json.dumps(small()).replace("20.0", "1e400").encode(), "must be a finite number"),
    "deep nesting": (b"[" * 100_000, "not a valid backup"),
}


@pytest.mark.parametrize("case", list(DOCUMENT_CASES))
def test_a_hostile_document_is_refused_and_nothing_changes(current, case):
    mutate, fragment = DOCUMENT_CASES[case]
    before = state(current)
    document = mutate(copy.deepcopy(small()))
    with pytest.raises(BackupRefused) as refused, write_session(current) as s:
        restore_json(s, document, actor=TESTER)
    assert fragment in str(refused.value), refused.value.problems
    assert "\n" not in str(refused.value)  # one line for the command line
    assert state(current) == before


@pytest.mark.parametrize("case", list(RAW_CASES))
def test_a_hostile_file_is_refused_before_the_database(current, case):
    raw, fragment = RAW_CASES[case]
    with pytest.raises(BackupRefused) as refused:
        read_backup(raw)
    assert fragment in str(refused.value), refused.value.problems
    assert isinstance(refused.value, ValidationError)  # a WorksmithError: pages and CLI show it, no traceback


def test_every_problem_is_counted_and_the_first_twenty_listed():
    doc = small()
    doc["tables"]["task"] = [{"id": i, "project_id": 1, "name": f"T{i}", "duration_days": -i}
                             for i in range(1, 26)]
    doc["tables"]["dependency"] = []
    with pytest.raises(BackupRefused) as refused:
        read_backup(json.dumps(doc))
    error = refused.value
    assert len(error.problems) == 25 and "25 problems" in error.headline
    assert error.shown()[:SHOWN] == error.problems[:SHOWN] and error.shown()[-1] == "and 5 more"
    assert str(error).endswith("; and 5 more.")


def test_a_missing_activity_log_keeps_the_current_one(current):
    before = [(r.id, r.action, r.summary) for r in log_rows(current)]
    doc = small()
    del doc["tables"]["activity_log"]
    with write_session(current) as s:
        restore_json(s, doc, actor=Actor(3, "Ann", "admin"))
    after = log_rows(current)
    assert [(r.id, r.action, r.summary) for r in after[:len(before)]] == before  # kept as it was
    assert [(r.action, r.actor_id, r.actor) for r in after[len(before):]] == [("restore", 3, "Ann")]


def test_forged_entries_are_appended_marked_restored(current):
    live = log_rows(current)
    doc = small()
    doc["tables"]["activity_log"] = [
        {"id": live[0].id, "at": T0, "actor": "Boss", "actor_id": 1, "action": "delete", "entity": "project",
         "entity_id": 1, "summary": "deleted everything"},  # same id as a live entry: it must not replace it
        {"id": 50, "at": T0, "actor": "Boss", "action": "restored:update", "entity": "task", "summary": "x"}]
    with write_session(current) as s:
        restore_json(s, doc, actor=TESTER)
    after = log_rows(current)
    assert [(r.id, r.action, r.actor) for r in after[:len(live)]] == [(r.id, r.action, r.actor) for r in live]
    added = after[len(live):]
    assert [r.action for r in added] == ["restored:delete", "restored:update", "restore"]
    assert all(r.id > live[-1].id for r in added)
    assert added[-1].actor == "tester" and "2 log entries kept, marked restored" in added[-1].summary
    assert not any(r.action == "delete" for r in after)  # no forged entry reads as a live one


@pytest.mark.parametrize("who", [None, Actor(None, ""), Actor(None, "anonymous"), Actor(None, " Anonymous ")])
def test_a_restore_needs_a_named_actor(current, who):
    before = state(current)
    with pytest.raises(ValidationError, match="Acting as"), write_session(current) as s:
        restore_json(s, small(), actor=who)
    assert state(current) == before


def test_the_demo_round_trips_exactly(engine, tmp_path, today):
    """Every table but the log comes back value for value; the log is the backup's, marked, plus the restore."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        document = json.loads(json.dumps(backup_json(s)))
    target = get_engine(f"sqlite:///{tmp_path / 'copy.db'}")
    upgrade(target)
    with write_session(target) as s:
        restore_json(s, read_backup(json.dumps(document).encode()), actor=TESTER)
    copied = state(target)
    original = {name: sorted(rows, key=repr) for name, rows in document["tables"].items()}
    log = copied.pop("activity_log")
    original_log = original.pop("activity_log")
    assert copied == original
    assert sorted(r["action"] for r in log) == sorted([RESTORED + r["action"] for r in original_log] + ["restore"])
    target.dispose()


def test_unique_keys_cover_every_unique_index():
    """A new unique index must be checked before restoring too, or it surfaces as a raw IntegrityError."""
    unique = {t.name for t in backup_tables().values()
              if any(i.unique for i in t.indexes) or any(type(c).__name__ == "UniqueConstraint"
                                                         for c in t.constraints)}
    assert unique == set(UNIQUE_KEYS)


def test_parse_gives_plain_json():
    assert parse_backup(b'\xef\xbb\xbf{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}  # a BOM is fine
    assert read_backup(json.dumps(small())).counts()["task"] == 2
    assert date.fromisoformat(small()["tables"]["project"][0]["start"])  # the fixture itself is valid


# --- command line ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"not json", json.dumps(small()).encode()[:-10], b"[]",
                                     json.dumps(_set(small(), "task", 0, duration_days="abc")).encode()])
def test_cli_restore_refuses_with_exit_2_and_one_line(tmp_path, capsys, content):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["restore", str(path), "--db", url, "--actor", "ops"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_restore_names_who_restored(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    path = tmp_path / "good.json"
    path.write_text(json.dumps(small()), encoding="utf-8")
    assert main(["restore", str(tmp_path / "missing.json"), "--db", url]) == 2
    assert "Cannot read" in capsys.readouterr().err
    assert main(["restore", str(path), "--db", url, "--actor", ""]) == 2
    assert "Acting as" in capsys.readouterr().err
    assert main(["restore", str(path), "--db", url, "--actor", "ops"]) == 0
    engine = get_engine(url)
    assert [(r.action, r.actor) for r in log_rows(engine)][-1] == ("restore", "ops")
    engine.dispose()
