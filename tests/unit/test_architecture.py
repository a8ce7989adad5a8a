"""The house rules that import-linter cannot see (README "Architecture"): sizes, local imports, what pages import.

import-linter (``lint-imports`` in .ci/run, contracts in pyproject.toml) checks cycles and layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "worksmith"
PAGES = sorted((ROOT / "pages").glob("*.py"))
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
MAX_MODULE_LINES = 600
MAX_PAGE_LINES = 250
LONG_BY_NATURE = {"store/models.py", "demo.py"}  # one table a class; demo literals
LAZY_IMPORTS_ALLOWED = {"__main__.py"}  # the CLI imports heavy modules only for the command it runs


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node, [node.module]


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_is_one_subject_of_readable_size(path: Path) -> None:
    if _rel(path) in LONG_BY_NATURE:
        return
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_rel(path)} has {lines} lines (at most {MAX_MODULE_LINES}): split it"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_is_thin(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_PAGE_LINES, f"pages/{path.name} has {lines} lines (at most {MAX_PAGE_LINES})"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_imports_are_at_module_level(path: Path) -> None:
    if _rel(path) in LAZY_IMPORTS_ALLOWED:
        return
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    guarded = {id(child) for node in tree.body if isinstance(node, ast.If) for child in ast.walk(node)}
    local = [f"line {node.lineno}: {', '.join(names)}" for node, names in _imports(tree)
             if id(node) not in top and id(node) not in guarded]
    assert not local, f"{_rel(path)} imports inside functions (hides cycles): {local}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_never_touches_the_store(path: Path) -> None:
    names = [name for _node, names in _imports(ast.parse(path.read_text())) for name in names]
    bad = [n for n in names if n.split(".")[0] in ("sqlmodel", "sqlalchemy") or n.startswith("worksmith.store")]
    assert not bad, f"pages/{path.name} imports {bad}: read through worksmith.views, write through ui.run"


def test_the_rules_see_every_module() -> None:
    assert len(MODULES) > 30 and len(PAGES) >= 8
