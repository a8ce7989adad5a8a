"""The command line and backup/restore, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from worksmith import demo
from worksmith.__main__ import main
from worksmith.exchange.planfile import backup_json, backup_sqlite, restore_json
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, upgrade, write_session
from worksmith.views.overview import overview

ROOT = Path(__file__).resolve().parents[2]


def n_tasks(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(m.Task)).one()[0]


def test_json_backup_restores_into_the_other_kind_of_database(engine, tmp_path, today):
    """Back up the demo from one database and restore it into an empty SQLite file: same rows, same figures."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        document = json.loads(json.dumps(backup_json(s)))
        before = overview(s, today=today)
    target = get_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    upgrade(target)
    with write_session(target) as s:
        counts = restore_json(s, document)
    assert counts["task"] == n_tasks(engine) == n_tasks(target)
    with read_session(target) as s:
        after = overview(s, today=today)
    assert [x.value for x in after.metrics] == [x.value for x in before.metrics]


def test_restore_refuses_what_is_not_a_backup(engine):
    import pytest

    from worksmith.errors import ValidationError

    with pytest.raises(ValidationError, match="not a Worksmith backup"), write_session(engine) as s:
        restore_json(s, {"tables": {}})


def test_sqlite_online_backup_is_a_working_copy(tmp_path, today):
    engine = get_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    demo.seed(engine, "S", today=today)
    copy = backup_sqlite(engine, tmp_path / "copy.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from task").fetchone()[0] == n_tasks(engine)


def test_cli_demo_migrate_export_and_backup(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["demo", "--size", "S", "--db", url]) == 0
    assert "60 task" in capsys.readouterr().out
    assert main(["demo", "--size", "S", "--db", url]) == 2  # refuses to overwrite without --reset
    assert "use --reset" in capsys.readouterr().err
    assert main(["demo", "--size", "S", "--db", url, "--reset"]) == 0
    assert main(["migrate", "--db", url]) == 0
    assert "revision 0001" in capsys.readouterr().out
    assert main(["export", "-o", str(tmp_path / "w.xlsx"), "--db", url]) == 0
    assert (tmp_path / "w.xlsx").stat().st_size > 10_000
    assert main(["backup", str(tmp_path / "b.json"), "--db", url]) == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["restore", str(tmp_path / "b.json"), "--db", fresh]) == 0
    assert n_tasks(get_engine(fresh)) == 60


def test_cli_schedule_runs_without_a_database(tmp_path):
    plan = ROOT / "tests" / "fixtures" / "plan_textbook.csv"
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "worksmith", "schedule", str(plan), "-o", str(out), "--start",
                           "2026-01-05"], cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin",
                                                                                       "DATABASE_URL": "sqlite:////nonexistent/x.db"})
    assert done.returncode == 0, done.stderr
    header = out.read_text().splitlines()[0]
    assert header.endswith("critical,start_date,finish_date")
    bad = subprocess.run([sys.executable, "-m", "worksmith", "schedule", str(ROOT / "tests" / "fixtures" /
                                                                               "plan_errors.csv")],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "Row" in bad.stderr
