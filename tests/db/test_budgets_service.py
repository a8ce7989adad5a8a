"""Budgets service on SQLite and PostgreSQL: earned value from stored data, alerts, ROI, budget-line and expense
writes (validated, all or nothing, optimistic locking), CSV import and the Excel report."""

from __future__ import annotations

import io
import pickle
from datetime import date

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import func, select

from worksmith import demo
from worksmith.commands.core import Actor, create, update
from worksmith.errors import ConflictError, NotFoundError, ValidationError
from worksmith.services import budgets as svc
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

ALICE = Actor(None, "Alice")
HAND_TODAY = date(2026, 1, 14)  # a Wednesday


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


@pytest.fixture
def hand(engine) -> dict:
    """The hand-worked project of tests/unit/test_budget.py, stored: BAC 10,000; baseline task 1 (30 h, Mon 5 – Fri
    9 Jan) and task 2 (10 h, Mon 12 – Fri 16 Jan); task 1 done, task 2 20 %; a 1,600 licence on 6 Jan and
    100 h × 80 booked (3 × 20 h on task 1, 2 × 20 h on task 2)."""
    with write_session(engine) as s:
        person = create(s, m.Person, {"name": "Pat", "cost_rate": 80}, actor=ALICE)
        project = create(s, m.Project, {"name": "Hand", "status": "active", "start": date(2026, 1, 5),
                                        "target_end": date(2026, 1, 16), "budget": 10_000,
                                        "expected_benefit": 24_000}, actor=ALICE)
        t1 = create(s, m.Task, {"project_id": project.id, "name": "Design", "duration_days": 5, "estimate_hours": 30,
                                "percent_complete": 100, "assignee_id": person.id}, actor=ALICE)
        t2 = create(s, m.Task, {"project_id": project.id, "name": "Build", "duration_days": 5, "estimate_hours": 10,
                                "percent_complete": 20, "assignee_id": person.id}, actor=ALICE)
        s.add(m.Baseline(project_id=project.id, name="Plan", budget=10_000, snapshot={
            str(t1.id): {"start": "2026-01-05", "finish": "2026-01-09", "duration": 5, "estimate_hours": 30},
            str(t2.id): {"start": "2026-01-12", "finish": "2026-01-16", "duration": 5, "estimate_hours": 10}}))
        create(s, m.Expense, {"project_id": project.id, "day": date(2026, 1, 6), "amount": 1_600,
                              "category": "software", "note": "licence"}, actor=ALICE)
        for day in (7, 8, 9):
            create(s, m.TimeEntry, {"person_id": person.id, "task_id": t1.id, "day": date(2026, 1, day), "hours": 20},
                   actor=ALICE)
        for day in (12, 13):
            create(s, m.TimeEntry, {"person_id": person.id, "task_id": t2.id, "day": date(2026, 1, day), "hours": 20},
                   actor=ALICE)
        return {"project": project.id, "owner": f"project:{project.id}", "tasks": (t1.id, t2.id)}


def test_earned_value_from_stored_data(engine, hand):
    with read_session(engine) as s:
        evm = svc.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
    # PV = 7,500 + 2,500 × 3/5 = 9,000; EV = 7,500 + 20 % × 2,500 = 8,000; AC = 1,600 + 100 h × 80 = 9,600
    assert (evm.bac, evm.pv, evm.ev, evm.ac) == (10_000, pytest.approx(9_000), pytest.approx(8_000), 9_600)
    assert evm.metrics["EAC"] == pytest.approx(12_000)  # 9,600 + 2,000 / (8,000 / 9,600)
    assert evm.metrics["VAC"] == pytest.approx(-2_000)
    assert "baseline 'Plan'" in evm.method


def test_without_baseline_the_budget_lines_give_pv(engine, hand):
    with write_session(engine) as s:
        s.execute(m.Baseline.__table__.delete())
        svc.save_budget_lines(s, owner=hand["owner"], original=[], edited=[
            {"month": date(2026, 1, 1), "category": "labour", "planned": 8_800.0},
            {"month": date(2026, 2, 1), "category": "labour", "planned": 1_200.0}], actor=ALICE)
    with read_session(engine) as s:
        evm = svc.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
    # January 2026 has 22 working days, 10 of them by Wed 14 Jan (Thu 1, Fri 2, 5–9, 12–14): 8,800 × 10 / 22 = 4,000
    # overall % complete by estimate hours = (30 × 100 + 10 × 20) / 40 = 80 % → EV = 8,000
    assert evm.pv == pytest.approx(4_000)
    assert evm.ev == pytest.approx(8_000)
    assert "No baseline" in evm.method


def test_alerts_explain_the_overrun(engine, hand):
    with read_session(engine) as s:
        out = svc.alerts(s, today=HAND_TODAY)
    assert list(out.columns) == ["owner", "name", "rule", "severity", "message"]
    by_rule = out.set_index("rule")
    # EAC 12,000 is 20 % over 10,000 → critical; CPI 0.83 → warning; 9,600 spent in January, nothing planned
    assert by_rule.loc["forecast", "severity"] == "critical"
    assert by_rule.loc["cpi", "severity"] == "warning"
    assert by_rule.loc["monthly_spend", "message"] == "Spent €9,600 this month with nothing planned for it"
    assert by_rule.loc["forecast", "message"].startswith("Forecast EAC €12,000 is 20% over BAC €10,000")
    assert "Why: labour €8,000 spent with nothing planned; software €1,600 spent with nothing planned" in \
        by_rule.loc["forecast", "message"]
    assert set(out["owner"]) == {hand["owner"]}


def test_owner_view_and_organisation(engine, hand):
    with read_session(engine) as s:
        view = svc.owner_view(s, owner=hand["owner"], today=HAND_TODAY)
        org = svc.organisation(s, today=HAND_TODAY)
    assert [x.label for x in view.metrics][:4] == ["Budget (BAC)", "Actual cost (AC)", "Earned value (EV)",
                                                   "Forecast (EAC)"]
    assert view.metrics[3].value == "€12,000" and view.metrics[3].delta == "+20 % vs budget"
    assert view.chart_title == "Hand: forecast €12,000 at completion, 20 % over the €10,000 budget (CPI 0.83)"
    table = view.evm_table.set_index("metric")
    assert table.loc["EAC", "formula"] == "EAC = AC + (BAC − EV) / CPI = 9,600 + (10,000 − 8,000) / 0.833 = 12,000"
    assert table.loc["AC", "formula"] == "AC = expenses + hours × cost rate = 1,600 + 8,000 = 9,600"
    assert table.loc["TCPI", "value"] == "5.00"
    assert len(view.expenses) == 1 and view.lines.empty
    assert set(view.alerts["rule"]) == {"Forecast over budget", "Cost performance", "Spend this month"}
    assert org.over_budget["project"].tolist() == ["Hand"]
    assert org.over_budget_title == "1 project forecast more than 5 % over budget"
    assert [x.label for x in org.metrics] == ["Planned 2026 to date", "Spent 2026 to date", "Variance to date",
                                              "Forecast at completion", "Budget alerts"]
    assert org.metrics[1].value == "€9,600"


def test_unknown_owner(engine, hand):
    with read_session(engine) as s:
        with pytest.raises(NotFoundError):
            svc.owner_view(s, owner="project:999", today=HAND_TODAY)
        with pytest.raises(ValidationError, match="not a project or operation"):
            svc.owner_view(s, owner="team:1", today=HAND_TODAY)


def test_roi_table(engine, hand):
    with read_session(engine) as s:
        out = svc.roi_table(s, today=HAND_TODAY)
    row = out.iloc[0]
    # cost = EAC 12,000 (active); ROI = (24,000 − 12,000) / 12,000 = 100 %; benefit 2,000 a month from Feb (the
    # month after the forecast finish in January) reaches the 12,000 spent in Jul 2026
    assert (row["cost"], row["cost_basis"], row["roi"]) == (pytest.approx(12_000), "forecast (EAC)", pytest.approx(1))
    assert row["benefit_start"] == date(2026, 2, 1)
    assert row["payback_month"] == date(2026, 7, 1)
    assert "ROI = (benefit − cost) / cost = (€24,000 − €12,000) / €12,000 = 100 %" in row["explanation"]


# --- budget lines --------------------------------------------------------------------------------------------


def lines(engine, owner: str) -> list[tuple]:
    with read_session(engine) as s:
        view = svc.owner_view(s, owner=owner, today=HAND_TODAY)
    return [(r["month"], r["category"], r["planned"]) for r in view.lines.to_dict("records")]


def current(engine, owner: str) -> list[dict]:
    with read_session(engine) as s:
        return svc.owner_view(s, owner=owner, today=HAND_TODAY).lines.to_dict("records")


def test_budget_lines_add_change_delete_in_one_save(engine, hand):
    owner = hand["owner"]
    with write_session(engine) as s:
        result = svc.save_budget_lines(s, owner=owner, original=[], edited=[
            {"id": None, "month": pd.Timestamp("2026-01-01"), "category": "labour", "planned": 8_000},
            {"id": None, "month": "2026-01-17", "category": "Software", "planned": 1_000},  # → 1 Jan, lower case
            {"id": None, "month": date(2026, 2, 1), "category": "travel", "planned": 500}], actor=ALICE)
    assert (result.added, result.changed, result.deleted) == (3, 0, 0)
    before = current(engine, owner)
    edited = [dict(r) for r in before if r["category"] != "travel"]  # delete travel
    edited[0]["planned"] = 9_000.0  # change labour
    edited.append({"id": float("nan"), "month": date(2026, 2, 1), "category": "other", "planned": 0})  # add
    with write_session(engine) as s:
        result = svc.save_budget_lines(s, owner=owner, original=before, edited=edited, actor=ALICE)
    assert str(result) == "Budget lines saved: 1 added, 1 changed, 1 deleted"
    assert lines(engine, owner) == [(date(2026, 1, 1), "labour", 9_000), (date(2026, 1, 1), "software", 1_000),
                                    (date(2026, 2, 1), "other", 0)]
    with write_session(engine) as s:
        assert str(svc.save_budget_lines(s, owner=owner, original=current(engine, owner),
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
        svc.save_budget_lines(s, owner=hand["owner"], original=[], edited=[first, row], actor=ALICE)
    assert needle in str(err.value)
    assert str(err.value).startswith("Budget lines not saved — ")
    assert count(engine, m.BudgetLine) == 0  # not even the valid first row


def test_stale_budget_line_is_a_conflict(engine, hand):
    owner = hand["owner"]
    with write_session(engine) as s:
        svc.save_budget_lines(s, owner=owner, original=[], edited=[
            {"month": date(2026, 1, 1), "category": "labour", "planned": 100},
            {"month": date(2026, 2, 1), "category": "labour", "planned": 100}], actor=ALICE)
    mine = current(engine, owner)
    with write_session(engine) as s:  # someone else changes the January line meanwhile
        update(s, m.BudgetLine, int(mine[0]["id"]), {"planned": 150}, expected_version=int(mine[0]["version"]),
               actor=Actor(None, "Bob"))
    edited = [dict(r) for r in mine]
    edited[0]["planned"], edited[1]["planned"] = 200.0, 300.0
    with pytest.raises(ConflictError, match="changed by someone else"), write_session(engine) as s:
        svc.save_budget_lines(s, owner=owner, original=mine, edited=edited, actor=ALICE)
    assert [p for _m, _c, p in lines(engine, owner)] == [150, 100]  # Bob's change kept, nothing of ours saved


# --- expenses ------------------------------------------------------------------------------------------------


def test_add_and_delete_expenses(engine, hand):
    with write_session(engine) as s:
        svc.add_expense(s, owner=hand["owner"], day=date(2026, 1, 10), category="Travel", amount=250.5,
                        note=" train ", today=HAND_TODAY, actor=ALICE)
    with read_session(engine) as s:
        exp = svc.owner_view(s, owner=hand["owner"], today=HAND_TODAY).expenses
    assert exp[["day", "category", "amount", "note"]].values.tolist()[0] == [date(2026, 1, 10), "travel", 250.5,
                                                                             "train"]
    stale = [(int(i), int(v) + 1) for i, v in zip(exp["id"], exp["version"], strict=True)]
    with pytest.raises(ConflictError), write_session(engine) as s:
        svc.delete_expenses(s, expenses=stale, actor=ALICE)
    assert count(engine, m.Expense) == 2
    with write_session(engine) as s:
        assert svc.delete_expenses(s, expenses=list(zip(exp["id"], exp["version"], strict=True)), actor=ALICE) == 2
    assert count(engine, m.Expense) == 0
    with pytest.raises(ValidationError, match="Select the expenses"), write_session(engine) as s:
        svc.delete_expenses(s, expenses=[], actor=ALICE)


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
        svc.add_expense(s, owner=hand["owner"], today=HAND_TODAY, actor=ALICE, **args)
    assert err.value.field == field
    assert needle in str(err.value) and str(err.value).startswith("Expense not saved — ")
    assert count(engine, m.Expense) == 1  # only the fixture's


def test_import_is_all_or_nothing(engine, hand):
    good = b"date,project,category,amount,note\n2026-01-12,Hand,travel,120,taxi\n2026-01-13,%d,services,80.5,\n" % (
        hand["project"],)
    bad = good + b"2026-01-13,Nobody,services,-3,\n"
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        svc.import_expenses(s, data=bad, today=HAND_TODAY, actor=ALICE)
    text = str(err.value)
    assert text.startswith("Expenses file refused, nothing imported (2 problems")
    assert "row 3, amount: amount must be more than 0" in text and "row 3, project: there is no project" in text
    assert count(engine, m.Expense) == 1
    with read_session(engine) as s:
        rows, errors = svc.preview_import(s, data=good, today=HAND_TODAY)
    assert errors.empty and rows["owner"].tolist() == ["Hand", "Hand"]
    with write_session(engine) as s:
        assert svc.import_expenses(s, data=good, today=HAND_TODAY, actor=ALICE) == 2
    assert count(engine, m.Expense) == 3


# --- empty workspace and the demo ----------------------------------------------------------------------------


def test_empty_workspace(engine):
    with read_session(engine) as s:
        assert svc.organisation(s, today=HAND_TODAY).empty_workspace
        assert svc.owners(s).empty
        assert svc.alerts(s, today=HAND_TODAY).empty
        assert svc.roi_table(s, today=HAND_TODAY).empty
        assert svc.value_and_roi(s, today=HAND_TODAY).title == "No project has both an expected benefit and a cost yet"
        book = openpyxl.load_workbook(io.BytesIO(svc.report_workbook(s, today=HAND_TODAY)))
    assert book.sheetnames[0] == "Summary"


def ipc(df: pd.DataFrame) -> bytes:
    """What Streamlit hashes for a data editor's identity: the frame as an Arrow IPC stream."""
    table = pa.Table.from_pandas(df)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_demo_erp_migration_forecasts_an_overrun_and_says_why(engine, today):
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        erp = int(svc.owners(s).set_index("name").loc["ERP migration", "id"])
        evm = svc.project_evm(s, project_id=erp, today=today)
        out = svc.alerts(s, today=today)
        org = svc.organisation(s, today=today)
        roi = svc.roi_table(s, today=today).set_index("name")
        book = openpyxl.load_workbook(io.BytesIO(svc.report_workbook(s, today=today)))
        lines = svc.owner_view(s, owner=f"project:{erp}", today=today).lines
    # the budget-lines editor hashes its data: fresh and unpickled from the page's cache it must serialise the same,
    # or the editor drops the user's first edit on the rerun (pandas string arrays sliced by groupby do not)
    assert ipc(lines) == ipc(pickle.loads(pickle.dumps(lines)))
    m_ = evm.metrics
    print(f"ERP: BAC {evm.bac:,.0f} PV {evm.pv:,.0f} EV {evm.ev:,.0f} AC {evm.ac:,.0f} CPI {m_['CPI']:.3f} "
          f"SPI {m_['SPI']:.3f} EAC {m_['EAC']:,.0f} VAC {m_['VAC']:,.0f}")
    # the demo overspends ERP by a cost factor of 1.35: CPI below 0.9 and a forecast more than 10 % over budget
    assert m_["CPI"] < 0.9
    assert m_["EAC"] > evm.bac * 1.10
    erp_alerts = out[out["owner"] == f"project:{erp}"].set_index("rule")
    assert erp_alerts.loc["forecast", "severity"] == "critical"
    assert "Why: services" in erp_alerts.loc["forecast", "message"]
    assert erp_alerts.loc["cpi", "severity"] == "warning"
    assert org.over_budget["project"].iloc[0] == "ERP migration"  # the most over budget first
    assert 0 < roi.loc["ERP migration", "roi"] < roi.loc["Website relaunch", "roi"]
    assert roi.loc["Office move", "roi"] is None  # no expected benefit recorded
    assert book.sheetnames == ["Summary", "By team", "By category", "Over budget", "Earned value", "Plan vs actual",
                               "Expenses", "Value and ROI", "Alerts"]
    assert book["Earned value"].max_row == 1 + 8  # header + every project


def test_baseline_task_without_dates_does_not_break_the_view(engine, hand):
    with write_session(engine) as s:
        base = s.exec(select(m.Baseline)).first()[0]
        snapshot = dict(base.snapshot)
        snapshot["999"] = {"start": None, "finish": None, "duration": 5, "estimate_hours": 40}  # an unscheduled task
        base.snapshot = snapshot
        s.add(base)
    with read_session(engine) as s:
        evm = svc.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
        view = svc.owner_view(s, owner=hand["owner"], today=HAND_TODAY)
    # budgets by estimate: 30 / 80, 10 / 80, 40 / 80 of 10,000; the undated half is left out of PV and earns nothing
    assert evm.pv == pytest.approx(3_750 + 1_250 * 3 / 5)
    assert evm.ev == pytest.approx(3_750 + 0.2 * 1_250)
    assert "1 baseline task(s) without valid dates are left out of PV" in evm.method
    assert len(view.series)



def test_bare_project_and_operation_render(engine):
    """A project without budget, baseline, lines or costs, and an operation without lines: every view works and
    undefined figures read "—"."""
    with write_session(engine) as s:
        pid = create(s, m.Project, {"name": "Idea", "status": "active"}, actor=ALICE).id
        oid = create(s, m.Operation, {"name": "Help desk"}, actor=ALICE).id
    with read_session(engine) as s:
        project = svc.owner_view(s, owner=f"project:{pid}", today=HAND_TODAY)
        operation = svc.owner_view(s, owner=f"operation:{oid}", today=HAND_TODAY)
        org = svc.organisation(s, today=HAND_TODAY)
        assert svc.alerts(s, today=HAND_TODAY).empty
        roi = svc.roi_table(s, today=HAND_TODAY)
    table = project.evm_table.set_index("metric")["value"]
    assert (table["CPI"], table["SPI"], table["TCPI"]) == ("—", "—", "—")
    assert project.chart_title == "Idea: no budget yet — plan it under Budget lines (€0 spent so far)"
    assert operation.chart_title == f"Help desk: €0 spent in {HAND_TODAY.year}, no plan for the year"
    assert operation.evm_table.empty and len(operation.series)
    assert org.over_budget["project"].tolist() == ["Idea"]
    assert roi["roi"].tolist() == [None]
