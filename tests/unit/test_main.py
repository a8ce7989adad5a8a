"""The schedule command line (``python -m worksmith schedule``, DESIGN §4): outputs and exit codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from worksmith.__main__ import run_schedule_cli
from worksmith.exchange.planfile import EXPORT_COLUMNS, PLAN_COLUMNS, SCHEDULE_COLUMNS

TEXTBOOK, ERRORS = (Path(__file__).resolve().parents[1] / "fixtures" / f"plan_{name}.csv"
                    for name in ("textbook", "errors"))


class TestScheduleCli:
    def test_writes_csv(self, tmp_path, capsys):
        out = tmp_path / "out.csv"
        assert run_schedule_cli(str(TEXTBOOK), str(out), "2025-01-03") == 0
        table = pd.read_csv(out)
        assert list(table.columns) == EXPORT_COLUMNS
        assert "Scheduled 9 tasks" in capsys.readouterr().out

    def test_writes_xlsx(self, tmp_path):
        out = tmp_path / "out.xlsx"
        assert run_schedule_cli(TEXTBOOK, out, None) == 0
        assert list(pd.read_excel(out).columns) == PLAN_COLUMNS + SCHEDULE_COLUMNS

    @pytest.mark.parametrize("out", [None, "-"])
    def test_stdout(self, capsys, out):
        assert run_schedule_cli(TEXTBOOK, out, None) == 0
        captured = capsys.readouterr()
        assert captured.out.splitlines()[0] == ",".join(PLAN_COLUMNS + SCHEDULE_COLUMNS)
        assert len(captured.out.splitlines()) == 10
        assert "Scheduled 9 tasks" in captured.err

    def test_bad_plan_exit_2(self, tmp_path, capsys):
        out = tmp_path / "out.csv"
        assert run_schedule_cli(ERRORS, out, None) == 2
        captured = capsys.readouterr()
        assert "Row 3 (id 3): unknown predecessor 99" in captured.err
        assert captured.out == ""
        assert not out.exists()

    def test_cycle_exit_2(self, tmp_path, capsys):
        plan = tmp_path / "cycle.csv"
        plan.write_text("\n".join([",".join(PLAN_COLUMNS), "1,A,,1,2,,,", "2,B,,1,1,,,"]) + "\n", encoding="utf-8")
        assert run_schedule_cli(plan, tmp_path / "o.csv", None) == 2
        assert "1 → 2 → 1" in capsys.readouterr().err

    def test_missing_input_exit_2(self, tmp_path, capsys):
        assert run_schedule_cli(tmp_path / "missing.csv", None, None) == 2
        assert "Cannot read" in capsys.readouterr().err

    def test_bad_start_exit_2(self, capsys):
        assert run_schedule_cli(TEXTBOOK, None, "03/01/2025") == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err

    def test_bad_output_extension_exit_2(self, tmp_path, capsys):
        assert run_schedule_cli(TEXTBOOK, tmp_path / "out.txt", None) == 2
        assert ".csv or .xlsx" in capsys.readouterr().err

    def test_unwritable_output_exit_1(self, tmp_path, capsys):
        assert run_schedule_cli(TEXTBOOK, tmp_path / "no" / "such" / "out.csv", None) == 1
        assert "Cannot write" in capsys.readouterr().err

    def test_not_before_date_counts_from_start(self, tmp_path, capsys):
        plan = tmp_path / "dated.csv"
        plan.write_text("\n".join([",".join(PLAN_COLUMNS), "1,A,,2,,,,", "2,=B(),,1,,,,2026-03-05"]) + "\n",
                        encoding="utf-8")
        out = tmp_path / "out.csv"
        assert run_schedule_cli(plan, out, "2026-03-02") == 0
        table = pd.read_csv(out, dtype=str)
        # Thu 5 Mar is working day 3 from Mon 2 Mar; the name is written safe
        assert table["start_no_earlier_than"].tolist()[1] == "3" and table["start_date"].tolist()[1] == "2026-03-05"
        assert table["name"].tolist()[1] == "'=B()"
        capsys.readouterr()
        assert run_schedule_cli(plan, tmp_path / "o2.csv", None) == 2
        assert "Row 2 (id 2): start_no_earlier_than is a date (2026-03-05) but the plan has no start date" in (
            capsys.readouterr().err)
