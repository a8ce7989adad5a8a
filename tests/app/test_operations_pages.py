"""AppTest for the Operations and Requests pages: demo data, empty workspace, and writes through the widgets."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session
from worksmith.views.tables import frame


def shown(text: str) -> str:
    """Markdown source as it reads on screen: the backslashes ``ui.md`` puts before user text's characters go."""
    return re.sub(r"\\(.)", r"\1", text)


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def open_page(app: AppTest, file: str, actor: str | None = None, **params: str) -> AppTest:
    app.run()
    assert not app.exception, _exceptions(app)
    app.switch_page(f"pages/{file}")
    for key, value in params.items():
        app.query_params[key] = value
    if actor is not None:  # the sidebar's "Acting as" picker
        app.session_state["actor_id"] = one(m.Person, m.Person.name == actor).id
    app.run()
    if actor is not None:
        assert app.sidebar.selectbox(key="actor_id").value == one(m.Person, m.Person.name == actor).id
    assert not app.exception, _exceptions(app)
    return app


def db():
    return get_engine(os.environ["DATABASE_URL"])


def one(model, *where):
    with read_session(db()) as s:
        stmt = select(model)
        for clause in where:
            stmt = stmt.where(clause)
        return s.exec(stmt).scalars().one()


def count(model, *where) -> int:
    with read_session(db()) as s:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return s.exec(stmt).one()[0]


def errors(app: AppTest) -> list[str]:
    return [e.value for e in app.error]


# --- Operations -----------------------------------------------------------------------------------------------


def test_operations_page_shows_the_selected_operation(app, workspace):
    workspace(demo=True)
    open_page(app, "operations.py", operation="IT support")
    assert not errors(app)
    assert [x.label for x in app.metric] == ["Open requests", "Awaiting approval", "Oldest open item",
                                             "Recurring hours per week"]
    assert app.selectbox(key="operation").format_func(app.selectbox(key="operation").value) == "IT support"
    headings = [x.value for x in app.markdown]
    assert {"#### Submitted · 2", "#### Triage · 3", "#### In progress · 3", "#### Done · 4"} <= set(headings)
    assert any("Owner** Charlotte Dubois" in h for h in headings)
    assert shown(app.subheader[0].value).startswith("Workflow — Triage holds the most open items (3)")
    assert [t.label for t in app.tabs][:4] == [":material/event_repeat: Recurring tasks",
                                               ":material/checklist: Start a case", ":material/bolt: Automation rules",
                                               ":material/list: All operations"]


@pytest.mark.parametrize("operation", ["Payroll", "Month-end close", "Onboarding", "Quarterly reviews",
                                       "Content calendar"])
def test_every_demo_operation_renders(app, workspace, operation):
    workspace(demo=True)
    open_page(app, "operations.py", operation=operation)
    assert not errors(app)
    picker = app.selectbox(key="operation")
    assert picker.format_func(picker.value) == operation
    assert len(app.get("vega_lite_chart")) == 2  # items per stage, time in stage


def test_moving_an_item_forward_is_recorded(app, workspace):
    workspace(demo=True)
    open_page(app, "operations.py", operation="IT support")
    item = one(m.WorkItem, m.WorkItem.title == "Printer on floor 2")
    moves = count(m.WorkItemMove, m.WorkItemMove.item_id == item.id)
    assert item.stage == "Submitted"
    assert not [b for b in app.button if b.key == f"ops_back_{item.id}"]  # nothing before the first stage
    app.button(key=f"ops_fwd_{item.id}").click().run()
    assert not app.exception, _exceptions(app)
    assert not errors(app)
    assert one(m.WorkItem, m.WorkItem.id == item.id).stage == "Triage"
    assert count(m.WorkItemMove, m.WorkItemMove.item_id == item.id) == moves + 1
    with read_session(db()) as s:
        log = frame(s, m.ActivityLog, m.ActivityLog.action == "move")
    assert log["summary"].tolist() == ["moved 'Printer on floor 2' (IT support) from Submitted to Triage"]
    assert app.button(key=f"ops_back_{item.id}").label == "Back"  # the card now sits in Triage
    assert app.button(key=f"ops_fwd_{item.id}").label == "In progress"


def test_start_a_case_from_the_onboarding_checklist(app, workspace):
    workspace(demo=True)
    open_page(app, "operations.py", operation="Onboarding")
    before = count(m.WorkItem)
    app.button(key="ops_case_submit").click().run()  # no case name
    assert errors(app) == ["Name the case (e.g. the new hire's name) before starting it."]
    assert count(m.WorkItem) == before
    app.text_input(key="ops_case_name").input("Ana Lopez")
    app.button(key="ops_case_submit").click().run()
    assert not errors(app), errors(app)
    assert count(m.WorkItem, m.WorkItem.case == "Ana Lopez") == 5  # the demo's onboarding checklist has 5 steps


def test_switching_a_rule_off(app, workspace):
    workspace(demo=True)
    open_page(app, "operations.py", actor="Henry Walker")
    rule = one(m.AutomationRule, m.AutomationRule.trigger == "task_overdue")
    app.toggle(key=f"ops_rule_active_{rule.id}").set_value(False)
    app.number_input(key=f"ops_rule_grace_{rule.id}").set_value(3)
    app.button(key=f"ops_rule_save_{rule.id}").click().run()
    assert not errors(app), errors(app)
    saved = one(m.AutomationRule, m.AutomationRule.id == rule.id)
    assert (saved.active, saved.params) == (False, {"grace_days": 3})


def test_operations_on_an_empty_workspace_explain_the_next_step(app, workspace):
    workspace(demo=False)
    open_page(app, "operations.py")
    assert not errors(app) and not app.metric
    assert "No operations yet" in app.info[0].value


# --- Requests -------------------------------------------------------------------------------------------------


def test_submit_a_request_as_the_acting_person(app, workspace):
    workspace(demo=True)
    open_page(app, "requests.py", actor="Sofia Rossi")
    before = count(m.Request)
    app.button(key="req_new_submit").click().run()  # no title
    assert errors(app) == ["Give the request a title that says what is needed."]
    assert count(m.Request) == before
    app.text_input(key="req_new_title").input("Colour printer for proofs")
    app.number_input(key="req_new_estimate").set_value(6)
    app.button(key="req_new_submit").click().run()
    assert not errors(app), errors(app)
    new = one(m.Request, m.Request.title == "Colour printer for proofs")
    sofia = one(m.Person, m.Person.name == "Sofia Rossi")
    assert (new.status, new.requester_id, new.estimate_hours, new.type) == ("submitted", sofia.id, 6, "IT")
    # her "My requests" view lists it with its status
    cards = [x.value for x in app.markdown if "Colour printer for proofs" in x.value]
    assert any("submitted" in c for c in cards)


def test_reject_needs_a_reason_then_records_it(app, workspace):
    workspace(demo=True)
    open_page(app, "requests.py", actor="Henry Walker", request="#3 Trade show booth in March")
    assert app.selectbox(key="request").value == 3
    app.button(key="req_reject").click().run()
    assert errors(app) == ["Give a reason to reject the request: the requester sees it."]
    assert one(m.Request, m.Request.id == 3).status == "submitted"
    app.text_area(key="req_reason_3").input("Budget is committed to the ERP migration")
    app.button(key="req_reject").click().run()
    assert not errors(app), errors(app)
    r = one(m.Request, m.Request.id == 3)
    henry = one(m.Person, m.Person.name == "Henry Walker")
    assert (r.status, r.decided_by_id, r.reason) == ("rejected", henry.id, "Budget is committed to the ERP migration")


def test_deciding_without_acting_as_is_refused(app, workspace):
    workspace(demo=True)
    del app.query_params["as"]  # nobody chosen (tests/app/conftest.py acts as the demo's first person by default)
    open_page(app, "requests.py", request="#3 Trade show booth in March")
    assert any("Acting as" in w.value for w in app.warning)
    app.button(key="req_approve").click().run()
    assert errors(app) and "Acting as" in errors(app)[0]
    assert one(m.Request, m.Request.id == 3).status == "submitted"


def test_convert_a_request_into_a_project(app, workspace):
    workspace(demo=True)
    open_page(app, "requests.py", actor="Henry Walker", request="#2 Sales dashboard for the campaign")
    app.text_input(key="req_project_name_2").input("Campaign sales dashboard")
    app.radio(key="req_project_status").set_value("active")
    app.button(key="req_convert_project").click().run()
    assert not errors(app), errors(app)
    r = one(m.Request, m.Request.id == 2)
    project = one(m.Project, m.Project.name == "Campaign sales dashboard")
    assert (r.status, r.project_id, project.status, project.goal_id) == ("converted", project.id, "active", r.goal_id)
    assert "Sales dashboard for the campaign" not in app.selectbox(key="request").options  # it left the queue


@pytest.mark.parametrize("file", ["requests.py"])
def test_requests_on_an_empty_workspace(app, workspace, file):
    workspace(demo=False)
    open_page(app, file)
    assert not errors(app) and not app.metric
    assert "Add people first" in app.info[0].value
