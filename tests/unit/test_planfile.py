"""Plan file import/export (DESIGN §4): reading, validation, CSV/xlsx round trips."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from worksmith.domain.notation import Link, format_predecessors
from worksmith.domain.schedule import Dep, TaskSpec
from worksmith.errors import CycleError, ValidationError
from worksmith.exchange.planfile import (
    EXPORT_COLUMNS,
    PLAN_COLUMNS,
    SCHEDULE_COLUMNS,
    PlanFileError,
    annotate_errors,
    parse_plan,
    plan_bytes,
    read_plan,
    read_plan_frame,
    schedule_plan,
    validate_plan,
    write_plan,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXTBOOK = FIXTURES / "plan_textbook.csv"
ERRORS = FIXTURES / "plan_errors.csv"
HEADER = ",".join(PLAN_COLUMNS)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------- reading
class TestReadPlan:
    def test_textbook_fixture(self):
        plan = read_plan(TEXTBOOK)
        assert [t.id for t in plan.tasks] == list(range(1, 10))
        assert plan.tasks[0] == TaskSpec(1, 3, None, "Requirements")
        assert Dep(2, 5) in plan.deps and Dep(3, 5) in plan.deps
        assert len(plan.deps) == 9
        assert plan.rows[8].estimate_hours == 12.5
        assert plan.rows[0].estimate_hours == 24 and isinstance(plan.rows[0].estimate_hours, int)
        assert plan.rows[4].predecessors == "2,3"
        assert plan.names[8] == "Launch"

    def test_notation_types_and_snet(self):
        data = csv_bytes(
            "1,A,,3,,,,",
            '2,B,,2,"1FS+2d",,,',
            "3,C,,4,1ss,,,5",
            '4,D,,1,"2FF-1d, 3SF+1",,,',
        )
        plan = read_plan(data, filename="plan.csv")
        assert plan.deps == [Dep(1, 2, "FS", 2), Dep(1, 3, "SS", 0), Dep(2, 4, "FF", -1), Dep(3, 4, "SF", 1)]
        assert plan.tasks[2].snet == 5

    def test_header_is_forgiving_and_extra_columns_are_ignored(self):
        header = "ID,Name,Phase,Duration Days,Predecessors,Assignee,Estimate_Hours,start-no-earlier-than,notes"
        data = "\ufeff" + header + "\n1,A,,2,,,,,hello\n2,B,,1,1,,,,\n"
        plan = read_plan(data.encode("utf-8"), filename="x.csv")
        assert [t.id for t in plan.tasks] == [1, 2]

    def test_only_id_and_duration_are_required(self):
        plan = read_plan(b"id,duration_days\n1,2\n2,0\n", filename="min.csv")
        assert plan.tasks == [TaskSpec(1, 2, None, ""), TaskSpec(2, 0, None, "")]

    def test_semicolon_separated_csv(self):
        data = b"id;name;duration_days;predecessors\n1;A;2;\n2;B;1;1FS+1d\n"
        assert read_plan(data, filename="eu.csv").deps == [Dep(1, 2, "FS", 1)]

    def test_cp1252_csv(self):
        data = "id,name,duration_days\n1,Café,2\n".encode("cp1252")
        assert read_plan(data, filename="win.csv").tasks[0].name == "Café"

    def test_file_like_with_name(self):
        buffer = io.BytesIO(TEXTBOOK.read_bytes())
        buffer.name = "upload.csv"
        assert len(read_plan(buffer).tasks) == 9

    def test_xlsx_with_numeric_cells(self, tmp_path):
        wb = Workbook()
        ws = wb.active
        ws.title = "plan"
        ws.append(PLAN_COLUMNS)
        ws.append([1, "Start", "P1", 2, None, "Ana", 8, None])
        ws.append([2.0, "Next", "P1", 3.0, 1, None, 7.5, 4])
        ws.append([3, "End", "P1", 0, "1, 2SS+1d", None, None, None])
        path = tmp_path / "plan.xlsx"
        wb.save(path)
        plan = read_plan(path)
        assert plan.tasks == [TaskSpec(1, 2, None, "Start"), TaskSpec(2, 3, 4, "Next"), TaskSpec(3, 0, None, "End")]
        assert plan.deps == [Dep(1, 2), Dep(1, 3), Dep(2, 3, "SS", 1)]
        assert plan.rows[1].estimate_hours == 7.5
        # Recognised by its signature even without a file name.
        assert read_plan(path.read_bytes()).tasks == plan.tasks

    def test_old_xls_refused(self):
        with pytest.raises(ValidationError, match=r"\.xls"):
            read_plan(b"whatever", filename="plan.xls")

    def test_damaged_xlsx_refused(self):
        with pytest.raises(ValidationError, match="Excel"):
            read_plan(b"PK\x03\x04garbage", filename="plan.xlsx")

    def test_missing_file(self, tmp_path):
        with pytest.raises(ValidationError, match="Cannot read"):
            read_plan(tmp_path / "nope.csv")

    def test_empty_file(self):
        with pytest.raises(ValidationError, match="empty"):
            read_plan(b"", filename="e.csv")

    def test_header_only_has_no_tasks(self):
        with pytest.raises(PlanFileError, match="no task rows"):
            read_plan(csv_bytes(), filename="h.csv")

    def test_duplicate_column(self):
        with pytest.raises(ValidationError, match="more than once"):
            read_plan(b"id,id,duration_days\n1,1,2\n", filename="d.csv")


# --------------------------------------------------------------------------------------- validation
class TestValidation:
    def test_all_errors_are_collected_with_row_numbers(self):
        with pytest.raises(PlanFileError) as info:
            read_plan(ERRORS)
        error = info.value
        assert isinstance(error, ValidationError)
        found = [(e.row, e.task_id, e.column) for e in error.errors]
        assert found == [
            (2, 2, "duration_days"),
            (3, 3, "predecessors"),
            (4, None, "id"),
            (5, 3, "id"),
            (6, 6, "predecessors"),
            (7, 7, "estimate_hours"),
            (8, 8, "start_no_earlier_than"),
            (9, 9, "duration_days"),
        ]
        message = str(error)
        assert "row 1 = the first row below the header" in message
        assert "Row 3 (id 3): unknown predecessor 99" in message
        assert "Row 4: id is missing" in message
        assert "Row 5 (id 3): duplicate id 3, already used in row 3" in message
        assert "Row 6 (id 6): bad predecessor notation '1XX+2d'" in message
        assert "Row 2 (id 2): duration_days must be 0 (milestone) or more, got -1" in message
        assert "'lots'" in message and "'2.5'" in message
        assert "Row 8 (id 8): start_no_earlier_than is a date (2025-01-06) but the plan has no start date" in message
        assert "plan_errors.csv" in message
        assert (error.row, error.field) == (2, "duration_days")

    def test_validate_plan_for_preview(self):
        frame = read_plan_frame(ERRORS)
        assert list(frame.index) == list(range(1, 10))
        errors = validate_plan(frame)
        assert len(errors) == 8
        annotated = annotate_errors(frame, errors)
        assert annotated.loc[1, "problems"] == ""
        assert annotated.loc[3, "problems"] == "unknown predecessor 99"
        assert validate_plan(read_plan_frame(TEXTBOOK)) == []

    def test_blank_rows_keep_row_numbers(self):
        data = csv_bytes("1,A,,2,,,,", ",,,,,,,", "2,B,,1,7,,,")
        with pytest.raises(PlanFileError) as info:
            read_plan(data, filename="gap.csv")
        assert [str(e) for e in info.value.errors] == ["Row 3 (id 2): unknown predecessor 7"]

    def test_unquoted_predecessor_list_is_explained(self):
        # "1,2" without quotes splits into two cells and shifts the rest of the row.
        data = csv_bytes("1,A,,2,,,,", "2,B,,2,,,,", "3,C,,1,1,2,Ben,4,")
        with pytest.raises(PlanFileError) as info:
            read_plan(data, filename="q.csv")
        first = info.value.errors[0]
        assert (first.row, first.column) == (3, "predecessors")
        assert "9 cells but the header has 8 columns" in first.message
        assert "must be in quotes" in first.message

    def test_missing_required_column(self):
        with pytest.raises(PlanFileError, match="Missing column duration_days") as info:
            read_plan(b"id,name\n1,A\n", filename="m.csv")
        assert info.value.errors[0].row is None

    def test_negative_estimate_and_snet(self):
        data = csv_bytes("1,A,,2,,,-3,", "2,B,,2,,,,-1", "3,C,,2,,,inf,")
        with pytest.raises(PlanFileError) as info:
            read_plan(data, filename="n.csv")
        assert [(e.row, e.column) for e in info.value.errors] == [
            (1, "estimate_hours"),
            (2, "start_no_earlier_than"),
            (3, "estimate_hours"),
        ]

    def test_cycle_alone_raises_cycle_error_with_names(self):
        data = csv_bytes("12,Design,,2,14,,,", "13,Build,,2,12,,,", "14,Launch,,1,13FS+1d,,,")
        with pytest.raises(CycleError) as info:
            read_plan(data, filename="c.csv")
        assert info.value.cycle == [12, 13, 14, 12]
        assert "12 'Design'" in str(info.value)
        assert "12 → 13 → 14 → 12" in str(info.value)

    def test_self_predecessor_is_a_cycle(self):
        with pytest.raises(CycleError) as info:
            read_plan(csv_bytes("1,A,,2,,,,", "2,B,,1,2SS,,,"), filename="s.csv")
        assert info.value.cycle == [2, 2]

    def test_cycle_listed_with_other_errors(self):
        data = csv_bytes("1,A,,2,2,,,", "2,B,,x,1,,,")
        with pytest.raises(PlanFileError) as info:
            read_plan(data, filename="c.csv")
        messages = [str(e) for e in info.value.errors]
        assert len(messages) == 2
        assert any("depends on itself via 1 → 2 → 1" in m for m in messages)
        assert any("duration_days must be a whole number" in m for m in messages)

    def test_parse_plan_accepts_a_dataframe(self):
        frame = pd.DataFrame({"id": [1, 2], "duration_days": [2, 3], "predecessors": [None, "1SS+1d"]})
        plan = parse_plan(frame)
        assert plan.deps == [Dep(1, 2, "SS", 1)]


# --------------------------------------------------------------------------------------- export
class TestSchedulePlanExport:
    def test_columns_and_values(self):
        table = schedule_plan(read_plan(TEXTBOOK))
        assert list(table.columns) == PLAN_COLUMNS + SCHEDULE_COLUMNS
        row = table.set_index("id").loc[2]  # Site survey: B of the textbook network
        assert (row.early_start, row.early_finish, row.late_start, row.late_finish) == (0, 4, 3, 7)
        assert row.total_float_days == 3
        assert row.critical == "false"
        critical = ["true", "false", "false", "true", "false", "true", "true", "true", "false"]
        assert table["critical"].tolist() == critical

    def test_dates_from_a_friday(self):
        table = schedule_plan(read_plan(TEXTBOOK), date(2025, 1, 3)).set_index("id")
        assert list(table.reset_index().columns) == EXPORT_COLUMNS
        # Task 1: 3 days from Fri 3 Jan -> Fri, Mon, Tue 7 Jan. Task 8 (Launch) day 14 = Thu 23 Jan.
        assert (table.loc[1, "start_date"], table.loc[1, "finish_date"]) == ("2025-01-03", "2025-01-07")
        assert (table.loc[8, "start_date"], table.loc[8, "finish_date"]) == ("2025-01-23", "2025-01-23")

    def test_milestone_finish_equals_start(self):
        plan = read_plan(csv_bytes("1,Work,,3,,,,", "2,Done,,0,1,,,"), filename="m.csv")
        table = schedule_plan(plan, date(2025, 1, 3)).set_index("id")
        assert table.loc[2, "start_date"] == table.loc[2, "finish_date"] == "2025-01-08"

    @pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
    def test_round_trip(self, tmp_path, suffix):
        plan = read_plan(TEXTBOOK)
        table = schedule_plan(plan, date(2025, 1, 6))
        path = tmp_path / f"out{suffix}"
        write_plan(table, path)
        again = read_plan(path)
        assert again.tasks == plan.tasks
        assert again.deps == plan.deps
        assert again.rows == plan.rows
        back = read_plan_frame(path)
        assert list(back.columns) == EXPORT_COLUMNS
        assert [str(v) for v in back["critical"]] == table["critical"].tolist()
        rescheduled = schedule_plan(again, date(2025, 1, 6))
        pd.testing.assert_frame_equal(rescheduled, table)

    def test_csv_text_has_no_float_artifacts(self):
        table = schedule_plan(read_plan(TEXTBOOK))
        text = plan_bytes(table, "csv").decode()
        lines = text.splitlines()
        assert lines[0] == ",".join(PLAN_COLUMNS + SCHEDULE_COLUMNS)
        assert lines[1] == "1,Requirements,Design,3,,Ana,24,,0,3,0,3,0,true"
        assert lines[5] == '5,Build UI,Build,3,"2,3",Ben,24,,5,8,7,10,2,false'

    def test_write_plan_refuses_other_extensions(self, tmp_path):
        with pytest.raises(ValidationError, match=".csv or .xlsx"):
            write_plan(schedule_plan(read_plan(TEXTBOOK)), tmp_path / "out.json")

    @settings(max_examples=40, deadline=None)
    @given(st.data())
    def test_random_plans_round_trip_through_csv(self, data):
        n = data.draw(st.integers(1, 8))
        ids = data.draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))
        lines = []
        for k, task_id in enumerate(ids):
            links = [
                Link(ids[data.draw(st.integers(0, k - 1))], data.draw(st.sampled_from(["FS", "SS", "FF", "SF"])), lag)
                for lag in data.draw(st.lists(st.integers(-5, 5), max_size=2 if k else 0))
            ]
            name = data.draw(st.text("abc ,\"'é", max_size=6)).strip()
            estimate = data.draw(st.none() | st.integers(0, 80))
            snet = data.draw(st.none() | st.integers(0, 9))
            cells = [task_id, name, "", data.draw(st.integers(0, 9)), format_predecessors(links), "", estimate, snet]
            lines.append(cells)
        frame = pd.DataFrame(lines, columns=PLAN_COLUMNS, dtype=object)
        plan = parse_plan(frame)
        again = read_plan(plan_bytes(schedule_plan(plan), "csv"), filename="r.csv")
        assert again.tasks == plan.tasks
        assert again.deps == plan.deps
