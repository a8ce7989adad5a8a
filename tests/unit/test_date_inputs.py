"""One date format everywhere: every ``st.date_input`` in pages/ and worksmith/ui/ passes
``format=ui.DATE_INPUT_FORMAT`` (Goals used to show 2026/12/04 and Requests 04/12/2026)."""

from __future__ import annotations

import ast
from pathlib import Path

from worksmith.ui import shell

ROOT = Path(__file__).resolve().parents[2]


def _date_inputs():
    for folder in ("pages", "worksmith/ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "date_input"):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_date_input_uses_the_shared_format():
    calls = list(_date_inputs())
    assert len(calls) >= 8  # budgets, requests ×2, operations, projects ×2, goals ×3
    wrong = [where for where, node in calls
             if ast.unparse(next((k.value for k in node.keywords if k.arg == "format"), ast.Constant(None)))
             != "ui.DATE_INPUT_FORMAT"]
    assert wrong == []


def test_the_shared_format_is_one_streamlit_supports():
    # st.date_input accepts YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY with "/", "-" or "." as separator
    supported = {f.replace("/", sep) for f in ("YYYY/MM/DD", "DD/MM/YYYY", "MM/DD/YYYY") for sep in "/-."}
    assert shell.DATE_INPUT_FORMAT in supported
    assert shell.DATE_INPUT_FORMAT == "YYYY-MM-DD"  # ISO order: never misread as day- or month-first
