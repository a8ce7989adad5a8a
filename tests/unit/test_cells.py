"""Spreadsheet formula injection (worksmith.exchange.cells): the one rule every Excel and CSV export goes through."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from worksmith.exchange.cells import FORMULA_PREFIXES, csv_bytes, safe_frame, safe_text, unquote
from worksmith.exchange.cells_xlsx import xlsx_bytes

ATTACKS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd|' /C calc'!A0", "\t=1+1",
           "\r=1+1", "=1+1"]


class TestSafeText:
    @pytest.mark.parametrize("text", ATTACKS)
    def test_every_dangerous_prefix_is_quoted(self, text):
        assert safe_text(text) == "'" + text

    def test_the_prefixes_are_owasps(self):
        assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}

    @pytest.mark.parametrize("value", ["Kick-off", "3FS-2d", "a=b", " =1", "", "'=already", "−€500", 5, -5, -2.5,
                                       None, True])
    def test_harmless_values_are_unchanged(self, value):
        assert safe_text(value) is value or safe_text(value) == value

    @pytest.mark.parametrize("text", ["-5", "-2.5", "+3", "-1e3", "-.5"])
    def test_text_that_is_only_a_number_is_not_quoted(self, text):
        assert safe_text(text) == text

    @pytest.mark.parametrize("text", [*ATTACKS, "-Setup", "plain", "'quoted"])
    def test_unquote_inverts_it(self, text):
        assert unquote(safe_text(text)) == text


class TestFrames:
    FRAME = pd.DataFrame({"name": ATTACKS[:4], "amount": [-1250.5, 3, -7, 0.25], "count": [-1, 2, 3, 4],
                          "flag": [True, False, True, False]})

    def test_safe_frame_keeps_number_columns(self):
        out = safe_frame(self.FRAME)
        assert out["name"].tolist() == ["'" + t for t in ATTACKS[:4]]
        assert out["amount"].dtype == float and out["count"].dtype == "int64" and out["flag"].dtype == bool
        assert self.FRAME["name"].tolist() == ATTACKS[:4]  # the input is not changed

    def test_column_names_are_made_safe_too(self):
        assert safe_frame(pd.DataFrame({"=evil()": [1]})).columns.tolist() == ["'=evil()"]

    def test_csv(self):
        rows = list(csv.reader(io.StringIO(csv_bytes(self.FRAME).decode("utf-8"))))
        assert [r[0] for r in rows[1:]] == ["'" + t for t in ATTACKS[:4]]
        assert [r[1] for r in rows[1:]] == ["-1250.5", "3.0", "-7.0", "0.25"]  # numbers as written by pandas

    def test_xlsx_cells_are_text_and_numbers_stay_numbers(self):
        book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Sheet one": self.FRAME})))
        sheet = book["Sheet one"]
        names = [sheet.cell(row=r, column=1) for r in range(2, 6)]
        assert [c.data_type for c in names] == ["s"] * 4
        assert [c.value for c in names] == ["'" + t for t in ATTACKS[:4]]
        amounts = [sheet.cell(row=r, column=2) for r in range(2, 6)]
        assert [c.data_type for c in amounts] == ["n"] * 4 and amounts[0].value == -1250.5
        assert sheet.cell(row=2, column=3).value == -1 and sheet.cell(row=2, column=3).data_type == "n"

    def test_without_the_rule_openpyxl_would_write_a_formula(self):
        # the hazard this module exists for: a plain to_excel turns the text into a live formula
        buffer = io.BytesIO()
        pd.DataFrame({"name": ["=1+1"]}).to_excel(buffer, index=False)
        assert openpyxl.load_workbook(buffer).active["A2"].data_type == "f"
        book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": pd.DataFrame({"name": ["=1+1"]})})))
        assert book["s"]["A2"].data_type == "s"

    def test_xlsx_drops_control_characters_it_cannot_hold(self):
        book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": pd.DataFrame({"name": ["bell\x07"]})})))
        assert book["s"]["A2"].value == "bell"

    def test_csv_carriage_return_does_not_end_the_row(self):
        rows = list(csv.reader(io.StringIO(csv_bytes(pd.DataFrame({"a": ["x\ry", "\r=1"], "b": [1, 2]})).decode(),
                                           newline="")))
        assert rows == [["a", "b"], ["x\ny", "1"], ["'\n=1", "2"]]
