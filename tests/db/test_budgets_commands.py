"""Budgets writes on SQLite and PostgreSQL (worksmith.commands.budgets): budget lines and expenses validated, all or
nothing, with optimistic locking, and the CSV import."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.db.budget_data import ALICE, HAND_TODAY, count, store_hand
from worksmith.commands import budgets as commands
from worksmith.commands.core import Actor, update
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import budget_owner
from worksmith.views import budgets as views


@pytest.fixture
def hand(engine) -> dict:
    return store_hand(engine)


# --- budget lines --------------------------------------------------------------------------------------------


def lines(engine, owner: str) -> list[tuple]:
    with read_session(engine) as s:
        view = budget_owner.owner_view(s, owner=owner, today=HAND_TODAY)
    return [(r["month"], r["category"], r["planned"]) for r in view.lines.to_dict("records")]


def current(engine, owner: str) -> list[dict]:
    with read_session(engine) as s:
        return budget_owner.owner_view(s, owner=owner, today=HAND_TODAY).lines.to_dict("records")


def test_budget_lines_add_change_delete_in_one_save(engine, hand):
    owner = hand["owner"]
    with write_session(engine) as s:
        result = commands.save_budget_lines(s, owner=owner, original=[], edited=[
            {"id": None, "month": pd.Timestamp("2026-01-01"), "category": "labour", "planned": 8_000},
            {"id": None, "month": "2026-01-17", "category": "Software", "planned": 1_000},  # → 1 Jan, lower case
            {"id": None, "month": date(2026, 2, 1), "category": "travel", "planned": 500}], actor=ALICE)
    assert (result.added, result.changed, result.deleted) == (3, 0, 0)
    before = current(engine, owner)
    edited = [dict(r) for r in before if r["category"] != "travel"]  # delete travel
    edited[0]["planned"] = 9_000.0  # change labour
    edited.append({"id": float("nan"), "month": date(2026, 2, 1), "category": "other", "planned": 0})  # add
    with write_session(engine) as s:
        result = commands.save_budget_lines(s, owner=owner, original=before, edited=edited, actor=ALICE)
    assert str(result) == "Budget lines saved: 1 added, 1 changed, 1 deleted"
    assert lines(engine, owner) == [(date(2026, 1, 1), "labour", 9_000), (date(2026, 1, 1), "software", 1_000),
                                    (date(2026, 2, 1), "other", 0)]
    with write_session(engine) as s:
        assert str(commands.save_budget_lines(s, owner=owner, original=current(engine, owner),
                                         edited=current(engine, owner), actor=ALICE)).startswith("Nothing to save")


@pytest.mark.parametrize(("row", "needle"), [
    ({"month": date(2026, 3, 1), "category": "labour", "planned": -5}, "row 2: planned amount may not be negative"),
    ({"month": date(2026, 3, 1), "category": "labour", "planned": float("inf")}, "row 2: planned amount must be a "
                                                                                  "finite number"),
    ({"month": date(2026, 3, 1), "category": "food", "planned": 5}, "row 2: category 'food' is not one of"),
    ({"month": None, "category": "labour", "planned": 5}, "row 2: month is missing"),
    ({"month": date(2026, 1, 9), "category": "labour", "planned": 5}, "row 2: labour in Jan 2026 is already on row 1"),
])
def test_budget_lines_refused_as_a_whole(engine, hand, row, needle):
    first = {"month": date(2026, 1, 1), "category": "labour", "planned": 100}
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        commands.save_budget_lines(s, owner=hand["owner"], original=[], edited=[first, row], actor=ALICE)
    assert needle in str(err.value)
    assert str(err.value).startswith("Budget lines not saved — ")
    assert count(engine, m.BudgetLine) == 0  # not even the valid first row


def test_stale_budget_line_is_a_conflict(engine, hand):
    owner = hand["owner"]
    with write_session(engine) as s:
        commands.save_budget_lines(s, owner=owner, original=[], edited=[
            {"month": date(2026, 1, 1), "category": "labour", "planned": 100},
            {"month": date(2026, 2, 1), "category": "labour", "planned": 100}], actor=ALICE)
    mine = current(engine, owner)
    with write_session(engine) as s:  # someone else changes the January line meanwhile
        update(s, m.BudgetLine, int(mine[0]["id"]), {"planned": 150}, expected_version=int(mine[0]["version"]),
               actor=Actor(None, "Bob"))
    edited = [dict(r) for r in mine]
    edited[0]["planned"], edited[1]["planned"] = 200.0, 300.0
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        commands.save_budget_lines(s, owner=owner, original=mine, edited=edited, actor=ALICE)
    assert [p for _m, _c, p in lines(engine, owner)] == [150, 100]  # Bob's change kept, nothing of ours saved


# --- expenses ------------------------------------------------------------------------------------------------


def test_add_and_delete_expenses(engine, hand):
    with write_session(engine) as s:
        commands.add_expense(s, owner=hand["owner"], day=date(2026, 1, 10), category="Travel", amount=250.5,
                        note=" train ", today=HAND_TODAY, actor=ALICE)
    with read_session(engine) as s:
        exp = budget_owner.owner_view(s, owner=hand["owner"], today=HAND_TODAY).expenses
    assert exp[["day", "category", "amount", "note"]].values.tolist()[0] == [date(2026, 1, 10), "travel", 250.5,
                                                                             "train"]
    stale = [(int(i), int(v) + 1) for i, v in zip(exp["id"], exp["version"], strict=True)]
    with pytest.raises(ConflictError), write_session(engine) as s:
        commands.delete_expenses(s, expenses=stale, actor=ALICE)
    assert count(engine, m.Expense) == 2
    with write_session(engine) as s:
        assert commands.delete_expenses(s, expenses=list(zip(exp["id"], exp["version"], strict=True)), actor=ALICE) == 2
    assert count(engine, m.Expense) == 0
    with pytest.raises(ValidationError, match="Select the expenses"), write_session(engine) as s:
        commands.delete_expenses(s, expenses=[], actor=ALICE)


@pytest.mark.parametrize(("changes", "field", "needle"), [
    ({"amount": -5}, "amount", "amount must be more than 0"),
    ({"amount": 0}, "amount", "amount must be more than 0"),
    ({"amount": float("nan")}, "amount", "finite"),
    ({"amount": None}, "amount", "amount is missing"),
    ({"day": date(2031, 1, 1)}, "date", "date Wed 1 Jan 2031 is outside"),
    ({"category": "food"}, "category", "category 'food' is not one of labour, software, travel, services, other"),
    ({"category": None}, "category", "category is missing"),
])
def test_expense_refused_naming_the_field(engine, hand, changes, field, needle):
    args = {"day": date(2026, 1, 10), "category": "travel", "amount": 10.0, "note": ""} | changes
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        commands.add_expense(s, owner=hand["owner"], today=HAND_TODAY, actor=ALICE, **args)
    assert err.value.field == field
    assert needle in str(err.value) and str(err.value).startswith("Expense not saved — ")
    assert count(engine, m.Expense) == 1  # only the fixture's


def test_import_is_all_or_nothing(engine, hand):
    good = b"date,project,category,amount,note\n2026-01-12,Hand,travel,120,taxi\n2026-01-13,%d,services,80.5,\n" % (
        hand["project"],)
    bad = good + b"2026-01-13,Nobody,services,-3,\n"
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        commands.import_expenses(s, data=bad, today=HAND_TODAY, actor=ALICE)
    text = str(err.value)
    assert text.startswith("Expenses file refused, nothing imported (2 problems")
    assert "row 3, amount: amount must be more than 0" in text and "row 3, project: there is no project" in text
    assert count(engine, m.Expense) == 1
    with read_session(engine) as s:
        rows, errors = views.preview_import(s, data=good, today=HAND_TODAY)
    assert errors.empty and rows["owner"].tolist() == ["Hand", "Hand"]
    with write_session(engine) as s:
        assert commands.import_expenses(s, data=good, today=HAND_TODAY, actor=ALICE) == 2
    assert count(engine, m.Expense) == 3


# --- empty workspace and the demo ----------------------------------------------------------------------------
