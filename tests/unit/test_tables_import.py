"""The import wizard's pure half: reading files, guessing the mapping, checking rows, templates."""

from __future__ import annotations

from datetime import date

import pytest

from worksmith.commands.table_rows import TABLES, Refs, prepare
from worksmith.exchange import tables_import as ti
from worksmith.exchange.tables_import import ImportRefused


def test_bom_semicolons_and_windows_1252_are_read():
    data = "\ufeffName;Team;Hourly rate\nAnaïs Lopez;Marketing;65\n".encode()
    frame = ti.read_table(data, "people.csv")
    assert list(frame.columns) == ["Name", "Team", "Hourly rate"]
    assert frame.iloc[0].tolist() == ["Anaïs Lopez", "Marketing", "65"]
    latin = "Name\tTeam\nJosé Müller\tVentes\n".encode("cp1252")
    assert ti.read_table(latin, "p.csv").iloc[0].tolist() == ["José Müller", "Ventes"]


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"), (b"Name\n", "no data rows"), (b"\x00\x01\x02PKx", "NUL"),
    (b"Name\n" + b"x" * 20_001 + b"\n", "20,000"), (b"PK\x03\x04garbage", "Excel file cannot be read"),
])
def test_bad_files_are_refused_with_the_reason(data, words):
    with pytest.raises(ImportRefused, match=words):
        ti.read_table(data, "f.csv")


def test_mapping_is_guessed_from_header_names():
    got = ti.guess_mapping("person", ["Full name", "Department", "Hourly rate", "Capacity", "E-mail", "Skils"])
    assert got == {"name": "Full name", "email": "E-mail", "team": "Department", "role": None,
                   "weekly_hours": "Capacity", "availability": None, "cost_rate": "Hourly rate", "skills": "Skils"}
    assert ti.shape_key("person", ["Full name", "Team"]) == ti.shape_key("person", ["FULL NAME ", "team"])
    assert ti.shape_key("person", ["Full name"]) != ti.shape_key("team", ["Full name"])


@pytest.mark.parametrize("table", list(TABLES))
def test_every_template_reads_back_mapped_in_full(table):
    for data, name in ((ti.template_csv(table), "t.csv"), (ti.template_xlsx(table), "t.xlsx")):
        frame = ti.read_table(data, name)
        mapping = ti.guess_mapping(table, list(frame.columns))
        assert all(mapping[f.name] == f.label for f in TABLES[table].fields), mapping


def test_rows_are_checked_with_references_by_name():
    frame = ti.read_table(b"Name,Team,Capacity,Skills\nAna,marketing,40,design; research\nBo,Sales,200,\n"
                          b"Ana,Marketing,x,\n", "p.csv")
    refs = Refs(names={"team": {"marketing": 7}}, existing={("bo",): (3, 2)})
    prepared = prepare(frame, table="person", mapping=ti.guess_mapping("person", list(frame.columns)), refs=refs)
    assert prepared.values[0]["team_id"] == 7 and prepared.rows[0]["skills"] == ["design", "research"]
    assert prepared.missing == {"team": {"Sales"}}
    assert prepared.matches == {2: (3, 2)}
    assert any("Weekly hours" in p for p in prepared.problems[2])  # 200 h a week is over the model's 168
    assert any("same name as row 1" in p for p in prepared.problems[3])
    assert any("not a number" in p for p in prepared.problems[3])
    preview = ti.preview_frame(prepared)
    assert preview["Action"].tolist() == ["create", "refused", "refused"]


def test_a_required_field_without_a_column_refuses_the_file():
    frame = ti.read_table(b"Amount\n3\n", "e.csv")
    with pytest.raises(ImportRefused, match="Date"):
        prepare(frame, table="expense", mapping={"amount": "Amount"}, refs=Refs())


def test_budget_months_are_first_days_and_operations_are_never_created():
    frame = ti.read_table(b"Operation,Month,Planned\nPayroll,2027-03-17,100\n", "b.csv")
    prepared = prepare(frame, table="budget_line", mapping=ti.guess_mapping("budget_line", list(frame.columns)),
                       refs=Refs(names={"operation": {"payroll": 2}}))
    assert prepared.values[0]["month"] == date(2027, 3, 1) and not prepared.problems
    prepared = prepare(frame, table="budget_line", mapping=ti.guess_mapping("budget_line", list(frame.columns)),
                       refs=Refs())
    assert "does not exist" in prepared.problems[1][0]
