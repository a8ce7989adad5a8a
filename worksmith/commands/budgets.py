"""Budgets, the write side: budget lines (an editor's whole result in one save), expenses and the expense import.

Each command is one transaction with audit rows and version checks (:mod:`worksmith.commands.core`); it takes
keyword-only arguments, ``actor`` first, and refuses bad input as a whole with a ``ValidationError`` naming the row
and field; nothing is written then. The rules of an expense are :func:`worksmith.domain.expenses.check_expense`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from worksmith import fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain.budget_plan import CATEGORIES
from worksmith.domain.expenses import check_expense
from worksmith.domain.money import month_start
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.values import is_blank, is_missing, to_date
from worksmith.views.budgets import parse_owner, preview_import


@dataclass(frozen=True)
class SaveResult:
    added: int = 0
    changed: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        if not (self.added or self.changed or self.deleted):
            return "Nothing to save: no line was changed"
        return f"Budget lines saved: {self.added} added, {self.changed} changed, {self.deleted} deleted"


def _owner_fields(session: Session, owner: str) -> dict[str, int | None]:
    kind, owner_id = parse_owner(owner)
    core.get(session, m.Project if kind == "project" else m.Operation, owner_id)
    return {"project_id": owner_id if kind == "project" else None,
            "operation_id": owner_id if kind == "operation" else None}


def _line_values(row: Mapping[str, Any], number: int) -> tuple[dict[str, Any], list[str]]:
    problems, values = [], {}
    if is_missing(row.get("month")):
        problems.append(f"row {number}: month is missing")
    else:
        try:
            values["month"] = month_start(row["month"])
        except ValidationError:
            problems.append(f"row {number}: month {row['month']!r} is not a date")
    category = row.get("category")
    if is_blank(category):
        problems.append(f"row {number}: category is missing (one of {', '.join(CATEGORIES)})")
    elif str(category).strip().lower() not in CATEGORIES:
        problems.append(f"row {number}: category '{category}' is not one of {', '.join(CATEGORIES)}")
    else:
        values["category"] = str(category).strip().lower()
    planned = row.get("planned")
    try:
        amount = float(planned) if not is_missing(planned) else None
    except (TypeError, ValueError):
        amount = float("nan")
    if amount is None:
        problems.append(f"row {number}: planned amount is missing")
    elif amount != amount or amount in (float("inf"), float("-inf")):
        problems.append(f"row {number}: planned amount must be a finite number, not {planned!r}")
    elif amount < 0:
        problems.append(f"row {number}: planned amount may not be negative ({fmt.money(amount, '')})")
    else:
        values["planned"] = amount
    return values, problems


def _row_id(value: Any) -> int | None:
    return None if is_missing(value) else int(float(value))


def save_budget_lines(session: Session, *, actor: Actor, owner: str, original: list[dict[str, Any]],
                      edited: list[dict[str, Any]]) -> SaveResult:
    """Apply a budget-lines editor's result in one transaction: new rows are created, changed rows updated (with
    the version they were read at), rows missing from ``edited`` deleted.

    Parameters
    ----------
    owner : str
        ``"project:4"`` or ``"operation:2"``.
    original : list of dict
        The rows the editor started from (``id``, ``version``, ``month``, ``category``, ``planned``).
    edited : list of dict
        The editor's rows in display order; a new row has no ``id``.

    Raises
    ------
    ValidationError
        Every problem of every row at once ("row 3: planned amount may not be negative"), a month + category that
        appears twice, or an unknown owner; nothing is saved.
    ConflictError
        A line was changed or deleted by someone else since it was read.
    """
    fields = _owner_fields(session, owner)
    before = {_row_id(r["id"]): r for r in original if _row_id(r.get("id")) is not None}
    problems: list[str] = []
    clean: list[tuple[int | None, dict[str, Any]]] = []
    seen: dict[tuple[date, str], int] = {}
    for number, row in enumerate(edited, start=1):
        values, row_problems = _line_values(row, number)
        problems += row_problems
        row_id = _row_id(row.get("id"))
        if row_id is not None and row_id not in before:
            problems.append(f"row {number}: line {row_id} is not one of this {owner.split(':')[0]}'s lines")
        if "month" in values and "category" in values:
            key = (values["month"], values["category"])
            if key in seen:
                problems.append(f"row {number}: {key[1]} in {key[0]:%b %Y} is already on row {seen[key]} — "
                                "merge them into one line")
            seen.setdefault(key, number)
        clean.append((row_id, values))
    if problems:
        raise ValidationError("Budget lines not saved — " + "; ".join(problems) + ".",
                              field="planned" if any("planned" in p for p in problems) else None)
    kept = {row_id for row_id, _ in clean if row_id is not None}
    result = {"added": 0, "changed": 0, "deleted": 0}
    for row_id in sorted(set(before) - kept):
        core.delete(session, m.BudgetLine, row_id, actor=actor, expected_version=int(before[row_id]["version"]))
        result["deleted"] += 1
    for row_id, values in clean:
        if row_id is None:
            core.create(session, m.BudgetLine, {**fields, **values}, actor=actor)
            result["added"] += 1
            continue
        old = before[row_id]
        old_values = {"month": month_start(old["month"]), "category": old["category"],
                      "planned": float(old["planned"])}
        changes = {k: v for k, v in values.items() if old_values[k] != v}
        if changes:
            core.update(session, m.BudgetLine, row_id, changes, expected_version=int(old["version"]), actor=actor)
            result["changed"] += 1
    return SaveResult(**result)


def add_expense(session: Session, *, actor: Actor, owner: str, day: Any, category: Any, amount: Any,
                note: str = "", today: date) -> m.Expense:
    """Record one expense after checking it (:func:`worksmith.domain.expenses.check_expense`); the message names
    the field.

    Raises
    ------
    ValidationError
        A non-positive or non-finite amount, a date outside the allowed range, a category not in the list, a note
        that is too long, or an unknown owner.
    """
    fields = _owner_fields(session, owner)
    problems = check_expense(day=day, category=category, amount=amount, note=note, today=today)
    if problems:
        raise ValidationError("Expense not saved — " + "; ".join(p for _f, p in problems) + ".",
                              field=problems[0][0])
    return core.create(session, m.Expense, {**fields, "day": to_date(day, "date"),
                                            "category": str(category).strip().lower(), "amount": float(amount),
                                            "note": (note or "").strip()}, actor=actor)


def delete_expenses(session: Session, *, actor: Actor, expenses: list[tuple[int, int]]) -> int:
    """Delete expenses given as (id, version read); all or none. Returns how many were deleted."""
    if not expenses:
        raise ValidationError("Select the expenses to delete first.", field="expenses")
    for expense_id, version in expenses:
        core.delete(session, m.Expense, int(expense_id), actor=actor, expected_version=int(version))
    return len(expenses)


def import_expenses(session: Session, *, actor: Actor, data: bytes, today: date) -> int:
    """Import every row of an expenses CSV, or none: any row error refuses the whole file.

    Raises
    ------
    ValidationError
        The file's problems, each with its row and column (row 1 = the first row below the header).
    """
    rows, errors = preview_import(session, data=data, today=today)
    if len(errors):
        listed = [f"row {e['row']}{', ' + e['column'] if e['column'] else ''}: {e['problem']}" if e["row"] is not None
                  else e["problem"] for e in errors.to_dict("records")]
        more = f"; … and {len(listed) - 10} more" if len(listed) > 10 else ""
        raise ValidationError(f"Expenses file refused, nothing imported ({len(listed)} problem"
                              f"{'s' if len(listed) != 1 else ''}; row 1 = the first row below the header): "
                              + "; ".join(listed[:10]) + more + ".", field=errors.iloc[0]["column"] or None,
                              row=errors.iloc[0]["row"])
    for rec in rows.to_dict("records"):
        core.create(session, m.Expense, {"project_id": rec["project_id"], "operation_id": rec["operation_id"],
                                         "day": rec["day"], "category": rec["category"], "amount": rec["amount"],
                                         "note": rec["note"]}, actor=actor)
    return len(rows)

