"""Budgets read side on SQLite and PostgreSQL: earned value from stored data, alerts, the organisation and
project/operation views, ROI, and the Excel report (worksmith.views.budgets, budget_owner, budget_roi and
worksmith.exchange.budget_report)."""

from __future__ import annotations

import io
import pickle
from datetime import date

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import select

from tests.db.budget_data import ALICE, HAND_TODAY, store_hand
from worksmith import demo
from worksmith.commands import budgets as commands
from worksmith.commands.core import create
from worksmith.errors import NotFoundError, ValidationError
from worksmith.exchange import budget_report
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import budget_owner, budget_roi
from worksmith.views import budgets as views


@pytest.fixture
def hand(engine) -> dict:
    return store_hand(engine)


def test_earned_value_from_stored_data(engine, hand):
    with write_session(engine) as s:
        commands.save_budget_lines(s, owner=hand["owner"], original=[], edited=[
            {"month": date(2026, 1, 1), "category": "labour", "planned": 9_300.0},
            {"month": date(2026, 2, 1), "category": "software", "planned": 700.0}], actor=ALICE)
    with read_session(engine) as s:
        evm = views.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
    # PV = planned to date = 9,300 × 14 / 31 = 4,200 (the budget lines, as the portfolio); EV = 7,500 + 20 % × 2,500
    # = 8,000 (baseline task budgets); AC = 1,600 + 100 h × 80 = 9,600
    assert (evm.bac, evm.pv, evm.ev, evm.ac) == (10_000, pytest.approx(4_200), pytest.approx(8_000), 9_600)
    assert evm.metrics["EAC"] == pytest.approx(12_000)  # 9,600 + 2,000 / (8,000 / 9,600)
    assert evm.metrics["VAC"] == pytest.approx(-2_000)
    assert "baseline 'Plan'" in evm.method and evm.method.startswith("Planned to date (PV) = the budget lines")
    # bottom-up: task 2 has 10 h × 80 % = 8 h left at 80/h = 640; software 700 planned − 1,600 spent → 0 left
    assert evm.bottom_up["etc"] == pytest.approx(640) and evm.bottom_up["eac"] == pytest.approx(10_240)
    # the forecast finish is the schedule's; no task dates are stored here, so there is none ("—", as on Projects),
    # while the baseline still gives the planned finish
    assert evm.forecast_finish is None and evm.planned_finish == date(2026, 1, 16)


def test_without_baseline_the_budget_lines_give_pv(engine, hand):
    with write_session(engine) as s:
        s.execute(m.Baseline.__table__.delete())
        commands.save_budget_lines(s, owner=hand["owner"], original=[], edited=[
            {"month": date(2026, 1, 1), "category": "labour", "planned": 8_800.0},
            {"month": date(2026, 2, 1), "category": "labour", "planned": 1_200.0}], actor=ALICE)
    with read_session(engine) as s:
        evm = views.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
    # planned to date: January pro rata by calendar days, 8,800 × 14 / 31 = 3,974.19 (the portfolio's figure too)
    # overall % complete by estimate hours = (30 × 100 + 10 × 20) / 40 = 80 % → EV = 8,000
    assert evm.pv == pytest.approx(8_800 * 14 / 31)
    assert evm.ev == pytest.approx(8_000)
    assert "no baseline" in evm.method


def test_alerts_explain_the_overrun(engine, hand):
    with read_session(engine) as s:
        out = views.alerts(s, today=HAND_TODAY)
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
        view = budget_owner.owner_view(s, owner=hand["owner"], today=HAND_TODAY)
        org = views.organisation(s, today=HAND_TODAY)
    assert [x.label for x in view.metrics] == ["Budget (BAC)", "Actual cost (AC)", "Earned value (EV)",
                                               "Forecast (EAC, CPI-based)", "Forecast (bottom-up)", "Forecast finish"]
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
    assert [x.label for x in org.metrics] == ["Planned 2026 to date · all budgets", "Spent 2026 to date · all budgets",
                                              "Variance 2026 to date", "Forecast at completion · open projects",
                                              "Budget alerts"]
    assert org.metrics[1].value == "€9,600"
    assert org.metrics[3].value == "€12,000" and "€9,600 spent so far" in org.metrics[3].delta


def test_unknown_owner(engine, hand):
    with read_session(engine) as s:
        with pytest.raises(NotFoundError):
            budget_owner.owner_view(s, owner="project:999", today=HAND_TODAY)
        with pytest.raises(ValidationError, match="not a project or operation"):
            budget_owner.owner_view(s, owner="team:1", today=HAND_TODAY)


def test_roi_table(engine, hand):
    with read_session(engine) as s:
        out = budget_roi.roi_table(s, today=HAND_TODAY)
    row = out.iloc[0]
    # cost = EAC 12,000 (active); ROI = (24,000 − 12,000) / 12,000 = 100 %; benefit 2,000 a month from Feb (the
    # month after the forecast finish in January) reaches the 12,000 spent in Jul 2026
    assert (row["cost"], row["cost_basis"], row["roi"]) == (pytest.approx(12_000), "forecast (EAC)", pytest.approx(1))
    assert row["benefit_start"] == date(2026, 2, 1)
    assert row["payback_month"] == date(2026, 7, 1)
    assert "ROI = (benefit − cost) / cost = (€24,000 − €12,000) / €12,000 = 100 %" in row["explanation"]




def test_empty_workspace(engine):
    with read_session(engine) as s:
        assert views.organisation(s, today=HAND_TODAY).empty_workspace
        assert views.owners(s).empty
        assert views.alerts(s, today=HAND_TODAY).empty
        assert budget_roi.roi_table(s, today=HAND_TODAY).empty
        assert budget_roi.value_and_roi(s, today=HAND_TODAY).title == ("No project has both an expected benefit and "
                                                                       "a cost yet")
        book = openpyxl.load_workbook(io.BytesIO(budget_report.report_workbook(s, today=HAND_TODAY)))
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
        erp = int(views.owners(s).set_index("name").loc["ERP migration", "id"])
        evm = views.project_evm(s, project_id=erp, today=today)
        out = views.alerts(s, today=today)
        org = views.organisation(s, today=today)
        roi = budget_roi.roi_table(s, today=today).set_index("name")
        book = openpyxl.load_workbook(io.BytesIO(budget_report.report_workbook(s, today=today)))
        lines = budget_owner.owner_view(s, owner=f"project:{erp}", today=today).lines
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
    assert book["Earned value"].max_row == 1 + 10  # header + every project (10 since the two extra demo candidates)


def test_baseline_task_without_dates_does_not_break_the_view(engine, hand):
    with write_session(engine) as s:
        base = s.exec(select(m.Baseline)).first()[0]
        snapshot = dict(base.snapshot)
        snapshot["999"] = {"start": None, "finish": None, "duration": 5, "estimate_hours": 40}  # an unscheduled task
        base.snapshot = snapshot
        s.add(base)
    with read_session(engine) as s:
        evm = views.project_evm(s, project_id=hand["project"], today=HAND_TODAY)
        view = budget_owner.owner_view(s, owner=hand["owner"], today=HAND_TODAY)
    # budgets by estimate: 30 / 80, 10 / 80, 40 / 80 of 10,000; the undated one earns nothing; PV comes from the budget
    # lines (none here), so the undated task cannot break it
    assert evm.pv == 0
    assert evm.ev == pytest.approx(3_750 + 0.2 * 1_250)
    assert evm.planned_finish == date(2026, 1, 16)  # from the dated baseline tasks
    assert len(view.series)



def test_bare_project_and_operation_render(engine):
    """A project without budget, baseline, lines or costs, and an operation without lines: every view works and
    undefined figures read "—"."""
    with write_session(engine) as s:
        pid = create(s, m.Project, {"name": "Idea", "status": "active"}, actor=ALICE).id
        oid = create(s, m.Operation, {"name": "Help desk"}, actor=ALICE).id
    with read_session(engine) as s:
        project = budget_owner.owner_view(s, owner=f"project:{pid}", today=HAND_TODAY)
        operation = budget_owner.owner_view(s, owner=f"operation:{oid}", today=HAND_TODAY)
        org = views.organisation(s, today=HAND_TODAY)
        assert views.alerts(s, today=HAND_TODAY).empty
        roi = budget_roi.roi_table(s, today=HAND_TODAY)
    table = project.evm_table.set_index("metric")["value"]
    assert (table["CPI"], table["SPI"], table["TCPI"]) == ("—", "—", "—")
    assert project.chart_title == "Idea: no budget yet — plan it under Budget lines (€0 spent so far)"
    assert operation.chart_title == f"Help desk: €0 spent in {HAND_TODAY.year}, no plan for the year"
    assert operation.evm_table.empty and len(operation.series)
    assert org.over_budget["project"].tolist() == ["Idea"]
    assert roi["roi"].tolist() == [None]
