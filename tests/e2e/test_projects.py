"""Projects in a real browser (issue 3, "Done when"): create a project from a template, import a plan CSV with
FS/SS/FF/SF and lags, see the Gantt with the critical path, move a task on the board, save a baseline, change a
duration and see the variance; a cycle in an import or an edit is named and nothing is saved.

Screenshots: tests/e2e/artifacts/test_projects_*.png (1600×1000).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e

# ids 1..7; hand check (start Mon 4 Jan 2027): 2 SS+1 on 1, 3 FF+2 on 2, 4 SF on 3, 6 FS-1 on 5, 7 after 4 and 6.
PLAN = """id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than
1,Scope,Plan,3,,Olivia Martin,24,
2,Wireframes,Plan,4,1SS+1d,Isla Novak,30,
3,Build pages,Build,6,2FF+2d,Olivia Martin,48,
4,Content load,Build,2,3SF,Liam Chen,12,
5,QA,Build,3,3,Harper Kim,24,
6,Fixes,Build,2,5FS-1d,Olivia Martin,12,
7,Go live,Launch,0,"4,6",,,
"""
CYCLE = PLAN.replace("1,Scope,Plan,3,,", "1,Scope,Plan,3,6,")


def _tasks(server, project: str = "Intranet") -> list[tuple]:
    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT t.ref, t.name, t.duration_days, t.status, t.version FROM task t JOIN "
                                     "project p ON p.id = t.project_id WHERE p.name = :p ORDER BY t.ref"),
                                {"p": project}).fetchall()
    finally:
        engine.dispose()


def _select(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key`` (typing filters the list first)."""
    page.locator(f".st-key-{key} input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def _open(page, url: str, project: str, settle) -> None:
    """Open a project through the picker (a shared link ?project=... works too, but not as the very first request
    to a fresh server: see the report)."""
    page.goto(f"{url}/projects")
    settle(page)
    _select(page, "project", project)
    settle(page)
    expect(page).to_have_url(re.compile(f"project={project.replace(' ', '[+]')}"))
    settle(page)


def _tab(page, label: str, settle) -> None:
    page.get_by_role("tab", name=label, exact=True).click()
    settle(page)


def _upload(page, path: Path, settle) -> None:
    expander = page.get_by_test_id("stExpander").filter(has_text="Import a plan file")
    if not expander.locator("input[type=file]").is_visible():
        expander.locator("summary").click()
    expander.locator("input[type=file]").set_input_files(str(path))
    settle(page)


def _row_of(page, task: str) -> int:
    """The grid row (0 = first) showing ``task`` in its Task column (the grid's order follows phases and positions).
    The grid draws its accessible cells once it is on screen and settled, so this looks until it finds the row."""
    editor = page.locator("[class*='st-key-projects_plan_editor']")
    settle(page)
    editor.get_by_test_id("stDataFrameResizable").scroll_into_view_if_needed()
    expect(editor.locator("[id='glide-cell-2-0']")).to_be_attached(timeout=30_000)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for row in range(40):
            cell = editor.locator(f"[id='glide-cell-2-{row}']")
            if not cell.count():
                break
            if cell.inner_text().strip() == task:
                return row
        page.wait_for_timeout(250)
    raise AssertionError(f"no row for {task!r} in the plan grid")


def _reopen_plan_if_gone(page, grid) -> None:
    """Once in a full CI run (2 busy cores) the grid had gone for good after the Plan tab had shown it; the page's
    state then is printed and the tab opened again, so the test goes on to what it checks."""
    try:
        expect(grid).to_be_attached(timeout=15_000)
    except AssertionError:
        tabs = page.locator("[role=tab][aria-selected=true]").all_inner_texts()
        print(f"plan grid gone at {page.url}; selected tabs {tabs}: opening the Plan tab again")
        _tab(page, "Plan", settle)


def _edit_cell(page, column: int, row: int, value: str) -> None:
    """Type into a cell of the plan grid (a canvas): click the first cell, walk there with the arrow keys, Enter opens
    the editor, replace the value, Enter commits. Column 1 is the ID, row 0 the first task. The grid can swallow an
    edit while Streamlit reruns, so the edit is retried until glide's accessible cell shows the value."""
    editor = page.locator("[class*='st-key-projects_plan_editor']")
    grid = editor.get_by_test_id("stDataFrameResizable")
    cell = editor.locator(f"[id='glide-cell-{column}-{row}']")
    for attempt in range(3):
        settle(page)  # a rerun (an earlier edit, a tab switch) may still be redrawing the grid
        _reopen_plan_if_gone(page, grid)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + 35 + 17)  # ID of the first row (header and rows are 35 px)
        for _ in range(column - 1):
            page.keyboard.press("ArrowRight")
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        try:
            page.wait_for_function("() => document.activeElement && document.activeElement.closest('#portal') "
                                   "!== null", timeout=10_000)
            overlay = page.locator("#portal .gdg-input").first
            overlay.fill(value)
            expect(overlay).to_have_value(value)
            overlay.press("Enter")
            expect(cell).to_have_text(value, timeout=3000)
            return
        except (AssertionError, PlaywrightTimeout):
            page.keyboard.press("Escape")
            if attempt == 2:
                raise


def test_project_from_template_import_gantt_board_baseline_variance(app_server, new_page, settle, tmp_path,
                                                                    assert_no_exception, screenshot) -> None:
    page = new_page()
    page.goto(f"{app_server.url}/projects")
    settle(page)
    _tab(page, "New project", settle)
    expect(page).to_have_url(re.compile(r"view=New[+]project"))
    _select(page, "projects_new_template", "Template · Website project")
    settle(page)
    expect(page.get_by_text("Lessons from 1 closed project")).to_be_visible()
    page.locator(".st-key-projects_new_name input").fill("Intranet")
    page.locator(".st-key-projects_new_start [data-type='year']").click()
    page.keyboard.type("20270104")  # year, month, day segments (ui.DATE_INPUT_FORMAT is YYYY-MM-DD)
    expect(page.locator(".st-key-projects_new_start input[type=date]")).to_have_value("2027-01-04")
    _select(page, "projects_new_status", "active")
    page.get_by_role("button", name="Create project").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"project=Intranet"))
    settle(page)
    assert len(_tasks(app_server)) == 13
    screenshot(page, "1-created-from-template")

    csv = tmp_path / "intranet-plan.csv"
    csv.write_text(PLAN)
    _upload(page, csv, settle)
    replace = page.locator(".st-key-projects_import_replace")
    replace.get_by_text("Replace the current 13 tasks").click()
    expect(replace.get_by_role("switch")).to_be_checked()
    settle(page)
    page.get_by_role("button", name="Import 7 tasks").click()
    settle(page)
    assert [r[1] for r in _tasks(app_server)] == ["Scope", "Wireframes", "Build pages", "Content load", "QA",
                                                  "Fixes", "Go live"]
    assert_no_exception(page, "after import")

    _tab(page, "Gantt", settle)
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible()
    expect(page.get_by_text("tasks on the critical path").first).to_be_visible()
    screenshot(page, "2-gantt-critical-path")

    _tab(page, "Board", settle)
    card = page.locator(".st-key-projects_card_" + str(_task_id(app_server, "Scope")))
    card.locator("[data-testid='stSelectbox']").click()
    page.keyboard.type("in progress")  # filter the open list, then take the match
    page.keyboard.press("Enter")
    settle(page)
    assert dict((r[1], r[3]) for r in _tasks(app_server))["Scope"] == "in progress"
    expect(page.get_by_text("In progress · 1")).to_be_visible()
    settle(page)
    screenshot(page, "3-board")

    _tab(page, "Gantt", settle)
    page.locator(".st-key-projects_baseline_name input").fill("Kick-off plan")
    page.get_by_role("button", name="Save baseline").click()
    settle(page)
    expect(page.get_by_text("Variance against 'Kick-off plan'")).to_be_visible()

    _tab(page, "Plan", settle)
    _edit_cell(page, 4, _row_of(page, "Build pages"), "9")  # Build pages: 6 -> 9 working days
    settle(page)
    page.get_by_role("button", name="Save plan").click()
    settle(page)
    assert dict((r[1], r[2]) for r in _tasks(app_server))["Build pages"] == 9

    _tab(page, "Gantt", settle)
    expect(page.get_by_text("Variance against 'Kick-off plan'")).to_be_visible()
    expect(page.get_by_text("working days later than the baseline").first).to_be_visible()
    assert_no_exception(page, "variance")
    page.get_by_test_id("stVegaLiteChart").first.scroll_into_view_if_needed()
    screenshot(page, "4-variance")


def _task_id(server, name: str) -> int:
    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT t.id FROM task t JOIN project p ON p.id = t.project_id "
                                     "WHERE p.name = 'Intranet' AND t.name = :n"), {"n": name}).scalar_one()
    finally:
        engine.dispose()


def test_a_cycle_in_an_import_or_an_edit_is_named_and_nothing_is_saved(app_server, new_page, settle, tmp_path,
                                                                        screenshot) -> None:
    page = new_page()
    _open(page, app_server.url, "Spring campaign", settle)
    before = _tasks(app_server, "Spring campaign")

    bad = tmp_path / "cycle.csv"
    bad.write_text(CYCLE)
    _upload(page, bad, settle)
    error = page.get_by_test_id("stAlertContentError").first
    expect(error).to_contain_text("task 1 'Scope' depends on itself via 1 → 2 → 3 → 5 → 6 → 1")
    expect(page.get_by_role("button", name="Import 7 tasks")).to_have_count(0)
    screenshot(page, "1-import-cycle")

    _open(page, app_server.url, "Spring campaign", settle)
    _edit_cell(page, 10, 0, "9")  # the brief waits for the results report, which (via the launch) waits for it
    settle(page)
    page.get_by_role("button", name="Save plan").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentError").first).to_contain_text("depends on itself via 1 →")
    screenshot(page, "2-edit-cycle")
    assert _tasks(app_server, "Spring campaign") == before


def test_plan_edits_survive_a_tab_switch_and_the_main_columns_fit_1600(app_server, new_page, settle,
                                                                      assert_no_exception, screenshot) -> None:
    """Issue points 10 and 16: an edited cell is still there after a visit to the Gantt tab (and saves); at
    1600×1000 the columns that matter are on screen, the task column pinned."""
    page = new_page()
    _open(page, app_server.url, "Website relaunch", settle)
    _tab(page, "Plan", settle)
    editor = page.locator("[class*='st-key-projects_plan_editor']")
    scroller = editor.locator(".dvn-scroller").first
    expect(scroller).to_be_visible()
    # every main column (ID, Task, Assignee, Days, % done, Estimate h, Not before, Start, Finish, Predecessors,
    # Critical) on screen: the grid needs no sideways scrolling and ends inside the window
    widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]")
    assert widths[0] <= widths[1] + 1 and widths[2] <= 1600, widths
    name = editor.locator("[id='glide-cell-2-1']").text_content()
    old = int(editor.locator("[id='glide-cell-4-1']").text_content())
    settle(page)
    _edit_cell(page, 4, 1, str(old + 3))
    settle(page)
    expect(page.get_by_text("1 unsaved edit", exact=True)).to_be_visible()
    _tab(page, "Gantt", settle)
    _tab(page, "Plan", settle)
    expect(page.get_by_text("1 unsaved edit", exact=True)).to_be_visible()
    expect(editor.locator("[id='glide-cell-4-1']")).to_have_text(str(old + 3))
    screenshot(page, "plan-pending-edit")
    page.get_by_role("button", name="Save plan").click()
    settle(page)
    dialog = page.get_by_role("dialog")
    if dialog.count():  # a finished task asks first and says what will move
        expect(dialog).to_contain_text("100 % done")
        expect(dialog).to_contain_text(f"days {old} → {old + 3}")
        screenshot(page, "plan-finished-confirm")
        dialog.get_by_role("button", name="Save anyway").click()
        settle(page)
    assert_no_exception(page, "after saving a kept edit")
    assert {r[1]: r[2] for r in _tasks(app_server, "Website relaunch")}[name] == old + 3
