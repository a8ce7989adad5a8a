"""The command line (``python -m worksmith ...``): demo, migrate, export, backup, restore and schedule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from worksmith.__main__ import main
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session
from worksmith.store.migrations import head

ROOT = Path(__file__).resolve().parents[2]


def n_tasks(engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(m.Task)).one()[0]


def test_cli_demo_migrate_export_and_backup(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["demo", "--size", "S", "--db", url]) == 0
    assert "64 task" in capsys.readouterr().out  # 60 + the Rolling forecast candidate's 4
    assert main(["demo", "--size", "S", "--db", url]) == 2  # refuses to overwrite without --reset
    assert "use --reset" in capsys.readouterr().err
    assert main(["demo", "--size", "S", "--db", url, "--reset"]) == 0
    assert main(["migrate", "--db", url]) == 0
    assert f"revision {head()}" in capsys.readouterr().out
    assert main(["export", "-o", str(tmp_path / "w.xlsx"), "--db", url]) == 0
    assert (tmp_path / "w.xlsx").stat().st_size > 10_000
    assert main(["backup", str(tmp_path / "b.json"), "--db", url]) == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["restore", str(tmp_path / "b.json"), "--db", fresh]) == 0
    assert n_tasks(get_engine(fresh)) == 64


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
