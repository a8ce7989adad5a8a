"""Budgets in a real browser: the ERP overrun and its explanation from a shared link, the organisation view with
the report download, and recording an expense and a budget line by hand (one server for the module)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session

pytestmark = pytest.mark.e2e

ERP = "project:4"
WAIT_MS = 60_000  # the machine may be busy: wait for rendering as long as the app fixtures do


def open_budgets(page, server, settle, owner: str | None = None) -> None:
    page.goto(f"{server.url}/budgets" + (f"?owner={owner}" if owner else ""))
    settle(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=WAIT_MS)
    settle(page)


def owner_in_url(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("owner", [None])[0]


def db(server):
    return get_engine(f"sqlite:///{server.tmp / 'e2e.db'}")


def test_erp_link_shows_the_overrun_and_why(app_server, new_page, settle, assert_no_exception, assert_no_error_box,
                                            screenshot) -> None:
    page = new_page()
    open_budgets(page, app_server, settle, ERP)
    assert_no_exception(page, "ERP view")
    assert_no_error_box(page, "ERP view")
    assert urlsplit(page.url).path == "/budgets" and owner_in_url(page) == ERP  # the link survives the cold start
    values = dict(zip(page.get_by_test_id("stMetricLabel").all_inner_texts(),
                      page.get_by_test_id("stMetricValue").all_inner_texts(), strict=True))
    assert values["Budget (BAC)"] == "€114,240" and values["Forecast (EAC, CPI-based)"] == "€128,189"
    alert = page.get_by_test_id("stAlertContentWarning").first
    expect(alert).to_contain_text("Forecast over budget", timeout=WAIT_MS)
    expect(alert).to_contain_text("12% over BAC €114,240", timeout=WAIT_MS)
    expect(alert).to_contain_text("Why: services €46,566 spent vs €34,000 planned to date (+37 %)", timeout=WAIT_MS)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT_MS)
    screenshot(page, "erp-overrun")


def test_organisation_view_and_report(app_server, new_page, settle, assert_no_exception, assert_no_error_box,
                                      screenshot) -> None:
    page = new_page()
    open_budgets(page, app_server, settle)
    assert_no_exception(page, "organisation")
    assert_no_error_box(page, "organisation")
    expect(page.get_by_test_id("stMetricLabel").nth(3)).to_have_text("Forecast at completion · open projects",
                                                                      timeout=WAIT_MS)
    expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text(
        "ERP migration — Forecast over budget", timeout=WAIT_MS)
    screenshot(page, "organisation")

    with page.expect_download() as info:
        page.locator(".st-key-budgets_export button").click()
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert book.sheetnames[:4] == ["Summary", "By team", "By category", "Over budget"]
    assert "Value and ROI" in book.sheetnames and "Alerts" in book.sheetnames

    page.get_by_role("tab", name="Value and ROI").click()
    settle(page)
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Portfolio ROI")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("tab", name="Value and ROI").scroll_into_view_if_needed()
    assert_no_exception(page, "ROI tab")
    screenshot(page, "value-and-roi")

    # the alert's Open button switches to the project and puts it in the URL
    page.locator(".st-key-budgets_alert_open_0 button").click()
    settle(page)
    expect(page.get_by_test_id("stMetricLabel").first).to_have_text("Budget (BAC)", timeout=WAIT_MS)
    assert owner_in_url(page) == ERP


def test_record_an_expense_and_a_budget_line(app_server, new_page, settle, assert_no_exception,
                                             screenshot) -> None:
    page = new_page()
    open_budgets(page, app_server, settle, ERP)  # the first page view seeds the demo
    engine = db(app_server)
    with read_session(engine) as s:
        before = s.exec(select(func.count()).select_from(m.Expense)).one()[0]
    page.get_by_role("tab", name="Expenses").click()
    amount, category = page.locator(".st-key-budgets_expense_amount input"), page.locator(
        ".st-key-budgets_expense_category input")
    expect(amount).to_be_visible(timeout=WAIT_MS)
    amount.fill("-5")
    category.fill("services")  # the select filters as you type; Enter picks the match
    category.press("Enter")
    page.locator(".st-key-budgets_expense_add button").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("amount must be more than 0",
                                                                      timeout=WAIT_MS)

    amount.fill("1250")
    category.fill("services")
    category.press("Enter")
    page.locator(".st-key-budgets_expense_note input").fill("Consultant invoice 0042")
    page.locator(".st-key-budgets_expense_add button").click()
    settle(page)
    assert_no_exception(page, "after adding an expense")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(m.Expense)).one()[0] == before + 1
        added = s.exec(select(m.Expense).order_by(m.Expense.id.desc())).first()[0]
    assert (added.amount, added.category, added.note, added.project_id) == (1250, "services",
                                                                            "Consultant invoice 0042", 4)
    assert page.locator(".st-key-budgets_expense_amount input").input_value() == ""  # the form is ready again

    # the newest expense is the first row of the list: select it by its row marker and delete it
    table = page.locator(".st-key-budgets_expense_table")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    settle(page)
    delete = page.locator(".st-key-budgets_expense_delete button")
    expect(delete).to_have_text("Delete 1 selected", timeout=WAIT_MS)
    delete.click()
    settle(page)
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(m.Expense)).one()[0] == before
        assert s.get(m.Expense, added.id) is None

    # budget lines: change the first row's planned amount in the grid, save
    page.get_by_role("tab", name="Budget lines").click()
    grid = page.locator(".st-key-budgets_lines [data-testid='stDataFrame']")
    expect(grid).to_be_visible(timeout=WAIT_MS)
    grid.scroll_into_view_if_needed()
    settle(page)
    with read_session(engine) as s:
        first = s.exec(select(m.BudgetLine).where(m.BudgetLine.project_id == 4)
                       .order_by(m.BudgetLine.month, m.BudgetLine.category)).first()[0]
    box = grid.bounding_box()
    # "Planned" is the last column, filling the grid's right part: double-click the first row's cell there to open
    # glide-data-grid's cell editor (an input in its overlay portal)
    page.mouse.dblclick(box["x"] + box["width"] - 100, box["y"] + 35 + 17)
    editor = page.locator("#portal input").first
    expect(editor).to_be_visible(timeout=WAIT_MS)
    editor.fill("4321")
    page.keyboard.press("Enter")
    settle(page)
    page.locator(".st-key-budgets_lines_save button").click()
    settle(page)
    assert_no_exception(page, "after saving budget lines")
    with read_session(engine) as s:
        line = s.get(m.BudgetLine, first.id)
    assert (line.planned, line.version) == (4321, first.version + 1)
    screenshot(page, "budget-lines")
    engine.dispose()
