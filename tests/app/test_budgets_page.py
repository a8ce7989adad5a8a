"""The Budgets page through the whole app (AppTest): organisation view, the ERP overrun with its explanation, the
view in the URL, the expense form, the CSV import and an empty workspace."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from worksmith import demo
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, upgrade

PAGE = "pages/budgets.py"


def shown(text: str) -> str:
    """Markdown source as it reads on screen: the backslashes ``ui.md`` puts before user text's characters go."""
    return re.sub(r"\\(.)", r"\1", text)


def open_budgets(app: AppTest, owner: str | None = None) -> AppTest:
    app.run()
    if owner:
        app.query_params["owner"] = owner
    app.switch_page(PAGE).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def table_with(app: AppTest, column: str):
    """The first table (st.dataframe) that has ``column`` (read-only tables carry no key in AppTest)."""
    for frame in app.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def expenses() -> int:
    engine = get_engine(os.environ["DATABASE_URL"])
    try:
        with read_session(engine) as s:
            return s.exec(select(func.count()).select_from(m.Expense)).one()[0]
    finally:
        engine.dispose()


def test_organisation_view_on_demo(app, workspace):
    workspace(demo=True)
    open_budgets(app)
    assert not app.error, [e.value for e in app.error]
    assert [x.label for x in app.metric][:5] == ["Planned 2026 to date · all budgets",
                                                 "Spent 2026 to date · all budgets", "Variance 2026 to date",
                                                 "Forecast at completion · open projects", "Budget alerts"]
    assert app.selectbox(key="budgets_owner").value == "all"
    alerts = [shown(w.value) for w in app.warning]
    assert any("ERP migration — Forecast over budget" in a and "Why: services" in a for a in alerts), alerts
    assert [t.label for t in app.tabs] == ["Value and ROI", "Import expenses"]
    assert app.subheader[-1].value == "1 project forecast more than 5 % over budget"
    # the alert's Open button shows that project and puts it in the URL
    app.button(key="budgets_alert_open_0").click().run()
    assert app.query_params["owner"] == ["project:4"] or app.query_params["owner"] == "project:4"
    assert app.metric[0].label == "Budget (BAC)"


def test_erp_view_from_the_url_shows_the_overrun_and_why(app, workspace):
    workspace(demo=True)
    open_budgets(app, "project:4")
    assert not app.error, [e.value for e in app.error]
    assert app.selectbox(key="budgets_owner").value == "project:4"
    metrics = {x.label: x for x in app.metric}
    assert metrics["Budget (BAC)"].value == "€114,240"
    assert metrics["Budget (BAC)"].delta == "€83,110 planned to date"  # the portfolio's figure, same words
    assert metrics["Actual cost (AC)"].delta == "+15 % vs planned to date"
    assert metrics["Forecast (EAC, CPI-based)"].value == "€128,189"
    assert metrics["Forecast (EAC, CPI-based)"].delta == "+12 % vs budget"
    assert metrics["Forecast (bottom-up)"].value == "€106,815"
    assert metrics["Forecast finish"].value == "29 Dec 2026"  # the schedule's, as on Projects
    warnings = [shown(w.value) for w in app.warning]
    assert warnings[0].startswith("**Forecast over budget** (■ critical): Forecast EAC €128,189 is 12% over BAC")
    assert "Why: services €46,566 spent vs €34,000 planned to date (+37 %)" in warnings[0]
    assert [t.label for t in app.tabs] == ["Earned value", "By category", "Budget lines", "Expenses"]
    evm = table_with(app, "formula").set_index("metric")
    assert evm.loc["CPI", "value"] == "0.89"
    assert evm.loc["EAC", "formula"].startswith("EAC = AC + (BAC − EV) / CPI = 95,843 + (114,240 − 85,414) /")
    # switching the view updates the URL (a link reproduces it)
    app.selectbox(key="budgets_owner").set_value("operation:1").run()
    assert not app.exception
    assert app.query_params["owner"] in ("operation:1", ["operation:1"])
    assert [x.label for x in app.metric][0] == "Plan 2026"


def test_expense_form_validates_and_saves(app, workspace):
    workspace(demo=True)
    open_budgets(app, "project:4")
    before = expenses()
    app.number_input(key="budgets_expense_amount").set_value(-5.0)
    app.selectbox(key="budgets_expense_category").set_value("services")
    app.button(key="budgets_expense_add").click().run()
    assert [e.value for e in app.error] == ["Expense not saved — amount must be more than 0, not −5."]
    assert expenses() == before

    app.number_input(key="budgets_expense_amount").set_value(1_250.0)
    app.selectbox(key="budgets_expense_category").set_value("services")
    app.text_input(key="budgets_expense_note").set_value("Consultant invoice 0042")
    app.button(key="budgets_expense_add").click().run()
    assert not app.error and not app.exception
    assert expenses() == before + 1
    listed = app.dataframe(key="budgets_expense_table").value
    assert "Consultant invoice 0042" in listed["note"].tolist()


def test_expense_form_needs_a_category(app, workspace):
    workspace(demo=True)
    open_budgets(app, "operation:1")
    app.number_input(key="budgets_expense_amount").set_value(10.0)
    app.button(key="budgets_expense_add").click().run()
    assert "category is missing" in app.error[0].value


@pytest.mark.parametrize("good", [False, True])
def test_import_expenses_all_or_nothing(app, workspace, good):
    workspace(demo=True)
    open_budgets(app)
    before = expenses()
    rows = ("date,project,category,amount,note\n2026-11-20,ERP migration,services,900,Consultant\n"
            "2026-11-21,4,travel,80,\n")
    if not good:
        rows += "2026-11-22,Atlantis,travel,-1,\n"
    uploader = app.get("file_uploader")[0]
    uploader.set_value(("expenses.csv", rows.encode(), "text/csv"))
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    if not good:
        assert app.error[0].value.startswith("2 problems in expenses.csv: nothing will be imported")
        problems = table_with(app, "problem")
        assert problems[["row", "column"]].values.tolist() == [[3, "amount"], [3, "project"]]
        assert not [b for b in app.button if b.key == "budgets_import_confirm"]
        assert expenses() == before
        return
    assert not app.error
    assert table_with(app, "owner")["owner"].tolist() == ["ERP migration"] * 2
    app.button(key="budgets_import_confirm").click().run()
    assert not app.exception and not app.error
    assert expenses() == before + 2


def test_empty_workspace_explains_the_next_step(app, workspace):
    workspace(demo=False)
    open_budgets(app)
    assert not app.error and not app.exception
    assert "No projects or operations yet" in app.info[0].value
    assert not app.metric


def test_many_alerts_show_five_cards_and_the_rest_in_one_table(app, workspace):
    """At M and L there are dozens of alerts: five cards (critical first), the others in one table with links."""
    workspace(demo=False)
    engine = get_engine(os.environ["DATABASE_URL"])
    try:
        upgrade(engine)
        demo.seed(engine, "M", today=date.fromisoformat(os.environ["WORKSMITH_TODAY"]))
    finally:
        engine.dispose()
    open_budgets(app)
    assert not app.error, [e.value for e in app.error]
    total = int(next(x.value for x in app.metric if x.label == "Budget alerts"))
    cards = [b for b in app.button if (b.key or "").startswith("budgets_alert_open_")]
    table = next(d.value for d in app.dataframe if "message" in d.value.columns)
    assert total > 5 and len(cards) == 5 and len(table) == total - 5
    assert [shown(w.value) for w in app.warning][0].split("(")[1].startswith("■ critical")
    assert all("owner=" in link for link in table["link"])
