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


# --------------------------------------------------------------------------------------- formula injection
class TestPlanFilesAreSafe:
    ATTACKS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-Setup", "\t=1", "\r=1"]

    def plan_table(self):
        n = len(self.ATTACKS)
        return pd.DataFrame({"id": range(1, n + 1), "name": self.ATTACKS,
                             "phase": [a[:1] + "phase" for a in self.ATTACKS],
                             "duration_days": [2] * n, "predecessors": [""] * n, "assignee": ["-"] + [""] * (n - 1),
                             "estimate_hours": [-1.5, 2, 3, 4, 5, 6],  # numbers stay numbers, a negative one too
                             "start_no_earlier_than": [None] * n})

    def test_csv_export_quotes_every_dangerous_cell_and_reads_back(self):
        data = plan_bytes(self.plan_table(), "csv")
        import csv

        header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert len(rows) == len(self.ATTACKS)  # a carriage return inside a cell does not end its row
        written = ["'" + a.replace("\r", "\n") for a in self.ATTACKS]  # written as a (quoted) line feed
        assert [r[1] for r in rows] == written
        assert [r[2] for r in rows] == ["'" + a[:1].replace("\r", "\n") + "phase" for a in self.ATTACKS]
        assert [r[6] for r in rows][:2] == ["-1.5", "2.0"]  # numbers as numbers, never quoted
        assert rows[0][5] == "'-"
        again = read_plan_frame(data, "p.csv")
        assert again["name"].tolist()[:5] == self.ATTACKS[:5] and again["assignee"].tolist()[0] == "-"

    def test_xlsx_export_writes_text_cells_never_formulas(self):
        from openpyxl import load_workbook

        data = plan_bytes(self.plan_table(), "xlsx")
        sheet = load_workbook(io.BytesIO(data))["plan"]
        names = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(self.ATTACKS))]
        assert {c.data_type for c in names} == {"s"}
        # XML reads a carriage return back as a line feed
        assert [c.value for c in names] == ["'" + a.replace("\r", "\n") for a in self.ATTACKS]
        estimate = sheet.cell(row=2, column=7)
        assert (estimate.value, estimate.data_type) == (-1.5, "n")
        assert read_plan_frame(data, "p.xlsx")["name"].tolist()[:5] == self.ATTACKS[:5]

    def test_schedule_export_round_trip_keeps_predecessors(self):
        data = csv_bytes("1,-Setup,,2,,,,", '2,Build,,3,"1FS-1d",,,')
        out = plan_bytes(schedule_plan(read_plan(data, "p.csv")), "csv").decode("utf-8")
        assert "1,'-Setup," in out and ",1FS-1d," in out
        assert read_plan(out.encode("utf-8"), "again.csv").names == {1: "-Setup", 2: "Build"}


# --------------------------------------------------------------------------------------- size limits
class TestSizeLimits:
    def test_too_many_csv_rows_are_refused_with_the_count(self):
        from worksmith.exchange.planfile import MAX_PLAN_ROWS

        rows = [f"{i},T{i},,1,,,," for i in range(1, MAX_PLAN_ROWS + 2)]
        with pytest.raises(ValidationError, match=f"has {MAX_PLAN_ROWS + 1:,} task rows; at most {MAX_PLAN_ROWS:,}"):
            read_plan_frame(csv_bytes(*rows), "big.csv")
        assert len(read_plan_frame(csv_bytes(*rows[:-1], "", ",,,,,,,"), "ok.csv")) == MAX_PLAN_ROWS

    def test_too_many_xlsx_rows_stop_reading_at_the_limit(self, monkeypatch):
        import worksmith.exchange.planread as planread

        monkeypatch.setattr(planread, "MAX_PLAN_ROWS", 5)
        book = Workbook()
        book.active.append(PLAN_COLUMNS)
        for i in range(1, 8):
            book.active.append([i, f"T{i}", None, 1])
        buffer = io.BytesIO()
        book.save(buffer)
        with pytest.raises(ValidationError, match="more than 5 task rows; at most 5"):
            read_plan_frame(buffer.getvalue(), "big.xlsx")

    def test_a_huge_csv_cell_is_a_sentence_not_a_csv_error(self):
        data = csv_bytes("1,A,,1,,,,", f'2,"{"x" * 200_000}",,1,,,,')
        with pytest.raises(ValidationError, match="row 2: a cell is longer than 131,072 characters") as err:
            read_plan_frame(data, "wide.csv")
        assert err.value.row == 2


# --------------------------------------------------------------------------------------- 'not before' dates
class TestNotBeforeDates:
    START = date(2026, 3, 2)  # a Monday

    def test_iso_date_is_counted_from_the_start(self):
        data = csv_bytes("1,A,,2,,,,2026-03-04", "2,B,,1,,,,3", "3,C,,1,,,,2026-03-07", "4,D,,1,,,,2026-02-20")
        plan = read_plan(data, "p.csv", start=self.START)
        # Wed = 2 working days after Mon; Sat counts as Mon 9 Mar = 5; before the start = 0
        assert [t.snet for t in plan.tasks] == [2, 3, 5, 0]

    def test_the_calendar_skips_holidays(self):
        from worksmith.domain.calendar import WorkCalendar

        cal = WorkCalendar(holidays=frozenset({date(2026, 3, 3)}))
        plan = read_plan(csv_bytes("1,A,,2,,,,2026-03-04"), "p.csv", start=self.START, calendar=cal)
        assert plan.tasks[0].snet == 1

    def test_excel_date_cell(self):
        from datetime import datetime

        book = Workbook()
        book.active.append(PLAN_COLUMNS)
        book.active.append([1, "A", None, 2, None, None, None, datetime(2026, 3, 10)])
        buffer = io.BytesIO()
        book.save(buffer)
        assert read_plan(buffer.getvalue(), "p.xlsx", start=self.START).tasks[0].snet == 6

    def test_a_date_without_a_start_is_refused_on_its_row(self):
        data = csv_bytes("1,A,,2,,,,", "2,B,,1,1,,,2026-03-04")
        errors = validate_plan(read_plan_frame(data, "p.csv"))
        assert [(e.row, e.column) for e in errors] == [(2, "start_no_earlier_than")]
        assert "is a date (2026-03-04) but the plan has no start date" in errors[0].message
        assert validate_plan(read_plan_frame(data, "p.csv"), start=self.START) == []

    def test_nonsense_is_still_refused(self):
        errors = validate_plan(read_plan_frame(csv_bytes("1,A,,2,,,,soon", "2,B,,1,,,,2026-02-30"), "p.csv"),
                               start=self.START)
        assert [e.row for e in errors] == [1, 2]
        assert "or a date YYYY-MM-DD, got 'soon'" in errors[0].message
