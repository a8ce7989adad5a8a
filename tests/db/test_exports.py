"""The workspace exports (Excel workbook, CSV per table) and the budget report on both databases: readable sheets
with names next to ids, and no text cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from tests.db.budget_data import ALICE
from worksmith.commands import budgets as budget_commands
from worksmith.commands.core import create
from worksmith.errors import ValidationError
from worksmith.exchange import budget_report
from worksmith.exchange.workbook import INDEX_SHEET, SHEETS, table_csv, workbook
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.tables import EXPORT_TABLES

TODAY = date(2026, 3, 11)
EVIL_PROJECT = '=HYPERLINK("http://x","y")'
EVIL_PERSON = "+cmd|' /C calc'!A0"
EVIL_TASK = "@SUM(1)"
EVIL_NOTE = "-2+3"


@pytest.fixture
def stored(engine):
    with write_session(engine) as s:
        team = create(s, m.Team, {"name": "Web"}, actor=ALICE)
        person = create(s, m.Person, {"name": EVIL_PERSON, "team_id": team.id, "cost_rate": 50}, actor=ALICE)
        project = create(s, m.Project, {"name": EVIL_PROJECT, "status": "active", "start": date(2026, 3, 2),
                                        "target_end": date(2026, 3, 31), "budget": 5_000}, actor=ALICE)
        task = create(s, m.Task, {"project_id": project.id, "name": EVIL_TASK, "duration_days": 5,
                                  "estimate_hours": 10, "assignee_id": person.id}, actor=ALICE)
        create(s, m.Expense, {"project_id": project.id, "day": date(2026, 3, 3), "amount": 250.5,
                              "category": "software", "note": EVIL_NOTE}, actor=ALICE)
        ids = {"team": team.id, "person": person.id, "project": project.id, "task": task.id}
    return engine, ids


def test_workbook_opens_with_an_index_and_readable_sheets(stored):
    engine, ids = stored
    with read_session(engine) as s:
        book = openpyxl.load_workbook(io.BytesIO(workbook(s)))
    assert set(SHEETS) == {model.__tablename__ for model in EXPORT_TABLES}
    assert book.sheetnames == [INDEX_SHEET, *(SHEETS[model.__tablename__][0] for model in EXPORT_TABLES)]
    assert "Key results" in book.sheetnames and "Time entries" in book.sheetnames
    index = list(book[INDEX_SHEET].iter_rows(values_only=True))
    assert index[0] == ("Sheet", "What it holds", "Rows")
    rows = {r[0]: r[2] for r in index[1:]}
    assert rows["Tasks"] == 1 and rows["People"] == 1 and rows["Goals"] == 0
    assert book[INDEX_SHEET]["A2"].hyperlink.location == "'Teams'!A1"


def test_every_key_has_its_name_next_to_it(stored):
    engine, ids = stored
    with read_session(engine) as s:
        book = openpyxl.load_workbook(io.BytesIO(workbook(s)))
    tasks = list(book["Tasks"].iter_rows(values_only=True))
    header = list(tasks[0])
    assert header[:3] == ["ID", "Project id", "Project"]
    assert header[header.index("Assignee id") + 1] == "Assignee" and "assignee_id" not in header
    row = dict(zip(header, tasks[1], strict=True))
    assert (row["Project id"], row["Project"]) == (ids["project"], "'" + EVIL_PROJECT)
    assert (row["Assignee id"], row["Assignee"]) == (ids["person"], "'" + EVIL_PERSON)
    assert row["Phase id"] is None and row["Phase"] is None
    people = list(book["People"].iter_rows(values_only=True))
    assert dict(zip(people[0], people[1], strict=True))["Team"] == "Web"
    for title in book.sheetnames[1:]:  # no raw key column left without its name
        first = [c.value for c in book[title][1]]
        for pos, name in enumerate(first):
            if name.endswith(" id") and name not in ("Entity id", "Actor id"):
                assert pos + 1 < len(first) and first[pos + 1] == name[:-3], (title, name)


def test_workbook_cells_are_text_never_formulas(stored):
    engine, _ = stored
    with read_session(engine) as s:
        book = openpyxl.load_workbook(io.BytesIO(workbook(s)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    name = book["Projects"]["B2"]
    assert (name.value, name.data_type) == ("'" + EVIL_PROJECT, "s")
    expenses = list(book["Expenses"].iter_rows(values_only=True))
    row = dict(zip(expenses[0], expenses[1], strict=True))
    assert row["Note"] == "'" + EVIL_NOTE and row["Amount"] == 250.5


def test_table_csv_is_raw_and_safe(stored):
    engine, _ = stored
    with read_session(engine) as s:
        rows = list(csv.DictReader(io.StringIO(table_csv(s, table="task").decode("utf-8"))))
        people = list(csv.DictReader(io.StringIO(table_csv(s, table="person").decode("utf-8"))))
    assert "assignee_id" in rows[0] and rows[0]["name"] == "'" + EVIL_TASK
    assert people[0]["name"] == "'" + EVIL_PERSON and people[0]["cost_rate"] in ("50", "50.0")


def test_budget_report_cells_are_safe_and_amounts_numeric(stored):
    engine, _ = stored
    with read_session(engine) as s:
        book = openpyxl.load_workbook(io.BytesIO(budget_report.report_workbook(s, today=TODAY)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
    expenses = list(book["Expenses"].iter_rows(values_only=True))
    row = dict(zip(expenses[0], expenses[1], strict=True))
    assert row["owner_name"] == "'" + EVIL_PROJECT and row["note"] == "'" + EVIL_NOTE
    assert row["amount"] == 250.5
    earned = list(book["Earned value"].iter_rows(values_only=True))
    assert earned[1][0] == "'" + EVIL_PROJECT


def test_expense_import_with_a_huge_cell_is_refused_with_a_sentence(engine):
    with write_session(engine) as s:
        create(s, m.Project, {"name": "Web", "status": "active"}, actor=ALICE)
    data = f'date,project,category,amount,note\n2026-03-02,Web,travel,5,"{"x" * 200_000}"\n'.encode()
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        budget_commands.import_expenses(s, data=data, today=TODAY, actor=ALICE)
    assert "row 1: a cell is longer than 131,072 characters" in str(err.value)
