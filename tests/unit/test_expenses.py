"""Hand-worked examples for worksmith.domain.expenses: one expense's rules and the CSV import."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worksmith.domain.expenses import (
    IMPORT_ERROR_COLUMNS,
    IMPORT_ROW_COLUMNS,
    check_expense,
    expense_date_range,
    parse_expense_csv,
)

TODAY_IMPORT = date(2026, 11, 25)
PROJECTS = pd.DataFrame({"id": [4, 7], "name": ["ERP migration", "Website"]})
OPERATIONS = pd.DataFrame({"id": [2], "name": ["Payroll"]})


def parse(text: str | bytes):
    return parse_expense_csv(text, projects=PROJECTS, operations=OPERATIONS, today=TODAY_IMPORT)


class TestCheckExpense:
    def test_range(self):
        # 1 Jan five years back to 90 days ahead of Wed 25 Nov 2026 = Tue 23 Feb 2027
        assert expense_date_range(TODAY_IMPORT) == (date(2021, 1, 1), date(2027, 2, 23))

    @pytest.mark.parametrize(("amount", "text"), [(0, "more than 0"), (-5, "more than 0"), (float("nan"), "finite"),
                                                  (float("inf"), "finite"), (None, "missing"), ("ten", "not a number")])
    def test_amount_must_be_positive_and_finite(self, amount, text):
        problems = check_expense(day=TODAY_IMPORT, category="travel", amount=amount, note="", today=TODAY_IMPORT)
        assert [f for f, _ in problems] == ["amount"] and text in problems[0][1]

    def test_each_field_named(self):
        problems = check_expense(day=date(2031, 1, 1), category="food", amount=10, note="x" * 501,
                                 today=TODAY_IMPORT)
        assert [f for f, _ in problems] == ["date", "category", "note"]
        assert problems[0][1] == "date Wed 1 Jan 2031 is outside Fri 1 Jan 2021 – Tue 23 Feb 2027"
        assert check_expense(day="2026-11-02", category="Travel", amount="12.5", note="", today=TODAY_IMPORT) == []


class TestParseExpenseCsv:
    def test_good_file(self):
        rows, errors = parse("Date,Project,Category,Amount,Note\n"
                             "2026-11-02,ERP migration,services,\"1,200.50\",Consultant\n"
                             "\n"
                             "2026-11-03,payroll,Travel,€ 80,\n"
                             "2026-11-04,7,software,99,\n"
                             "2026-11-05,operation:2,other,5,\n")
        assert errors.empty and list(errors.columns) == IMPORT_ERROR_COLUMNS
        assert list(rows.columns) == IMPORT_ROW_COLUMNS
        assert rows["row"].tolist() == [1, 3, 4, 5]  # row 2 is blank: skipped but counted
        assert rows["project_id"].tolist() == [4, None, 7, None]
        assert rows["operation_id"].tolist() == [None, 2, None, 2]
        assert rows["owner"].tolist() == ["ERP migration", "Payroll", "Website", "Payroll"]
        assert rows["amount"].tolist() == [1_200.5, 80, 99, 5]
        assert rows["category"].tolist() == ["services", "travel", "software", "other"]

    def test_semicolons_decimal_commas_bom_and_no_note(self):
        rows, errors = parse("\ufeffdate;project;category;amount\n2026-11-02;Website;travel;12,50\n"
                             "2026-11-02;Website;travel;1.234,50\n".encode())
        assert errors.empty
        assert rows["amount"].tolist() == [12.5, 1_234.5] and rows["note"].tolist() == ["", ""]

    def test_every_problem_of_every_row(self):
        rows, errors = parse("date,project,category,amount,note\n"
                             "2026-13-01,9,food,-5,\n"
                             "2026-11-02,Nowhere,travel,abc,\n"
                             "2031-01-01,ERP migration,,10,\n"
                             "2026-11-02,ERP migration,travel,10,ok\n")
        assert errors[["row", "column"]].values.tolist() == [
            [1, "date"], [1, "category"], [1, "amount"], [1, "project"],
            [2, "amount"], [2, "project"],
            [3, "date"], [3, "category"]]
        assert errors["problem"].tolist()[3] == "there is no project with id 9"
        assert errors["problem"].tolist()[5] == "there is no project or operation named 'Nowhere'"
        assert rows["row"].tolist() == [4]  # the good row is parsed, but a file with errors must not be imported

    @pytest.mark.parametrize(("text", "problem"), [
        ("", "the file is empty"),
        ("date,project,amount\n2026-11-02,Website,5\n", "missing column category"),
        ("date,project,category,amount\n\n", "no expense rows"),
    ])
    def test_whole_file_problems(self, text, problem):
        rows, errors = parse(text)
        assert rows.empty and errors["row"].tolist() == [None]
        assert problem in errors["problem"].iloc[0]

    def test_project_wins_over_operation_of_same_name(self):
        rows, _ = parse_expense_csv("date,project,category,amount\n2026-11-02,payroll,travel,5\n",
                                    projects=pd.DataFrame({"id": [1], "name": ["Payroll"]}), operations=OPERATIONS,
                                    today=TODAY_IMPORT)
        assert (rows["project_id"].tolist(), rows["operation_id"].tolist()) == ([1], [None])


class TestImportLimits:
    def test_too_many_rows_are_refused_before_any_row_is_checked(self):
        from worksmith.domain.expenses import MAX_EXPENSE_ROWS

        body = "\n".join(f"2026-03-01,Website,travel,{1 + i % 9},row {i}" for i in range(MAX_EXPENSE_ROWS + 1))
        rows, errors = parse("date,project,category,amount,note\n" + body + "\n\n")
        assert rows.empty and errors["row"].tolist() == [None]
        assert errors["problem"].iloc[0] == (f"the file has {MAX_EXPENSE_ROWS + 1:,} expense rows; at most "
                                             f"{MAX_EXPENSE_ROWS:,} can be imported at once — split it into smaller "
                                             "files")
        rows, errors = parse("date,project,category,amount,note\n" + body.rsplit("\n", 1)[0] + "\n\n")
        assert errors.empty and len(rows) == MAX_EXPENSE_ROWS

    def test_a_huge_cell_is_a_sentence_not_a_csv_error(self):
        text = "date,project,category,amount,note\n2026-03-01,Website,travel,5,ok\n" \
               f'2026-03-02,Website,travel,5,"{"x" * 200_000}"\n'
        rows, errors = parse(text)
        assert rows.empty and errors[["row", "column"]].values.tolist() == [[2, ""]]
        assert errors["problem"].iloc[0].startswith("a cell is longer than 131,072 characters (a note holds at most")
        _, header = parse(f'date,project,category,amount,"{"n" * 200_000}"\n')
        assert header["row"].tolist() == [None] and header["problem"].iloc[0].startswith("in the header row, a cell")
