"""Every command × every role (viewer / editor / approver / admin), on the seeded demo, SQLite and PostgreSQL.

Commands are discovered: every public function of a ``worksmith.commands.*`` module with a keyword-only ``actor``
(plus ``exchange.backup.restore_json``). Each needs a row in ``ROWS`` (valid arguments built on the demo) — a new
command without one fails ``test_every_command_has_a_row``. ``NEED`` says which commands need more than "edit".

- a forbidden role is refused with ``PermissionDenied`` before any INSERT / UPDATE / DELETE reaches the database;
- an allowed role is never refused with ``PermissionDenied`` (other refusals of the arguments are fine).

Every call runs in a transaction that is rolled back, so the demo is seeded once per database.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event, select
from sqlmodel import Session

import worksmith.commands as commands_package
from tests.db.conftest import TODAY, migrated_engine
from worksmith import demo
from worksmith.commands import access, core
from worksmith.commands.core import Actor
from worksmith.commands.plan_import import Prepared
from worksmith.errors import PermissionDenied, WorksmithError
from worksmith.exchange.backup import restore_json
from worksmith.store import models as m
from worksmith.views import people as people_view
from worksmith.views.changes import Change


def discover() -> dict[str, Callable]:
    """'module.function' -> function for every public command (keyword-only ``actor``)."""
    found: dict[str, Callable] = {"backup.restore_json": restore_json}
    for info in pkgutil.iter_modules(commands_package.__path__):
        module = importlib.import_module(f"worksmith.commands.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            param = inspect.signature(fn).parameters.get("actor")
            if param is not None and param.kind is inspect.Parameter.KEYWORD_ONLY:
                found[f"{info.name}.{name}"] = fn
    return found


COMMANDS = discover()
NEED = {"requests.approve": "approve", "requests.reject": "approve", "requests.convert_to_project": "approve",
        "requests.convert_to_work_item": "approve", "goals.approve_candidate": "approve",
        "workspace.set_setting": "admin", "workspace.start_empty": "admin", "roles.set_roles": "admin",
        "backup.restore_json": "admin"}  # everything else: "edit"
ROLES = m.ACCESS_ROLES


def first(s: Session, model, *where, order=None):
    stmt = select(model).where(*where).order_by(order if order is not None else model.id)
    return s.exec(stmt).scalars().first()


def _project(s: Session) -> m.Project:
    return first(s, m.Project, m.Project.status == "active")


def _task(s: Session) -> m.Task:
    return first(s, m.Task, m.Task.status == "todo", m.Task.assignee_id.is_not(None), m.Task.duration_days > 0)


def _request(s: Session) -> m.Request:
    return first(s, m.Request, m.Request.status == "submitted")


def _goal(s: Session) -> m.Goal:
    return first(s, m.Goal, m.Goal.archived.is_(False))


def _kr(s: Session) -> m.KeyResult:
    return first(s, m.KeyResult, m.KeyResult.archived.is_(False))


def _person(s: Session) -> m.Person:
    return first(s, m.Person, m.Person.name == "Oscar Reyes")


def _candidate(s: Session) -> m.Project:
    return first(s, m.Project, m.Project.status == "proposed")


def _move(s: Session) -> dict[str, Any]:
    item = first(s, m.WorkItem)
    op = s.get(m.Operation, item.operation_id)
    stages = list(op.stages)
    to = stages[stages.index(item.stage) + 1] if stages.index(item.stage) + 1 < len(stages) else stages[0]
    return {"item_id": item.id, "to_stage": to, "expected_version": item.version}


def _people_edit(s: Session) -> dict[str, Any]:
    original = people_view.people_table(s)
    edited = original.copy()
    edited.loc[0, "role"] = "Matrix role"
    return {"original": original, "edited": edited}


def _link(s: Session) -> dict[str, Any]:
    a, b = (first(s, m.Project, m.Project.status == status) for status in ("active", "proposed"))
    pred = first(s, m.Task, m.Task.project_id == a.id, order=m.Task.ref.desc())
    succ = first(s, m.Task, m.Task.project_id == b.id, order=m.Task.ref)
    return {"pred_task_id": pred.id, "succ_task_id": succ.id, "today": TODAY}


def _reassign(s: Session) -> dict[str, Any]:
    task = _task(s)
    people = s.exec(select(m.Person).where(m.Person.id != task.assignee_id, m.Person.active.is_(True))).scalars()
    other = next(p for p in people if not task.required_skill or task.required_skill in p.skills)
    return {"task_id": task.id, "to_person_id": other.id, "expected_version": task.version}


def _member(s: Session) -> dict[str, Any]:
    project = _project(s)
    team = s.exec(select(m.ProjectMember).where(m.ProjectMember.project_id == project.id)).scalars()
    on = {r.person_id for r in team}
    person = first(s, m.Person, m.Person.id.not_in(on), m.Person.active.is_(True))
    return {"project_id": project.id, "person_id": person.id, "role": "member", "allocation": 10.0}


def _team_change(s: Session) -> list[Change]:
    team = first(s, m.Team)
    return [Change(key=f"team:{team.id}", table="team", row_id=team.id, kind="update", label="team",
                   fields={"description": "Matrix"}, base_version=team.version)]


def _with_checklist(s: Session) -> m.Operation:
    return next(op for op in s.exec(select(m.Operation).order_by(m.Operation.id)).scalars() if op.checklist)


def v(row) -> dict[str, Any]:
    return {"expected_version": row.version}


# name -> kwargs on the demo. LOOSE: arguments that may be refused for another reason first (a viewer's call then
# only has to write nothing); every other row must reach the role check.
ROWS: dict[str, Callable[[Session], dict[str, Any]]] = {
    "backup.restore_json": lambda s: {"data": {}},
    "budgets.add_expense": lambda s: {"owner": f"project:{_project(s).id}", "day": TODAY, "category": "software",
                                      "amount": 10.0, "today": TODAY},
    "budgets.delete_expenses": lambda s: {"expenses": [(first(s, m.Expense).id, first(s, m.Expense).version)]},
    "budgets.import_expenses": lambda s: {"data": b"", "today": TODAY},
    "budgets.save_budget_lines": lambda s: {"owner": f"project:{_project(s).id}", "original": [], "edited": [
        {"id": None, "month": date(2027, 6, 1), "category": "other", "planned": 5.0}]},
    "core.create": lambda s: {"model": m.Team, "data": {"name": "Matrix team"}},
    "core.delete": lambda s: {"model": m.Expense, "row_id": first(s, m.Expense).id},
    "core.update": lambda s: {"model": m.Team, "row_id": first(s, m.Team).id, "changes": {"description": "x"},
                              "expected_version": None},
    "goals.align_work": lambda s: {"kind": "Project", "work_id": _candidate(s).id, "goal_id": _goal(s).id, **v(
        _candidate(s))},
    "goals.approve_candidate": lambda s: {"project_id": _candidate(s).id, **v(_candidate(s))},
    "goals.archive_goal": lambda s: {"goal_id": _goal(s).id, **v(_goal(s))},
    "goals.archive_key_result": lambda s: {"key_result_id": _kr(s).id, **v(_kr(s))},
    "goals.create_goal": lambda s: {"title": "Matrix goal", "period_start": TODAY, "period_end": TODAY + timedelta(90)},
    "goals.create_key_result": lambda s: {"goal_id": _goal(s).id, "title": "Matrix KR", "target_value": 10.0},
    "goals.record_check_in": lambda s: {"key_result_id": _kr(s).id, "day": TODAY, "value": 1.0, "today": TODAY},
    "goals.restore_goal": lambda s: {"goal_id": _goal(s).id, **v(_goal(s))},  # LOOSE: not archived
    "goals.update_goal": lambda s: {"goal_id": _goal(s).id, "changes": {"title": "Matrix"}, **v(_goal(s))},
    "goals.update_key_result": lambda s: {"key_result_id": _kr(s).id, "changes": {"title": "Matrix"}, **v(_kr(s))},
    "operations.create_work_item": lambda s: {"operation_id": first(s, m.Operation).id, "title": "Matrix",
                                              "owner_id": None},
    "operations.move_item": _move,
    "operations.run_request_rules": lambda s: {"request": _request(s)},  # LOOSE: no rule may match
    "operations.start_case": lambda s: {"operation_id": _with_checklist(s).id, "case": "Matrix", "start": TODAY},
    "operations.update_checklist": lambda s: {"operation_id": first(s, m.Operation).id, "checklist": [],
                                              **v(first(s, m.Operation))},  # LOOSE
    "operations.update_rule": lambda s: {"rule_id": first(s, m.AutomationRule).id, "active": False,
                                         **v(first(s, m.AutomationRule))},
    "people.add_time_off": lambda s: {"person_id": _person(s).id, "start": TODAY + timedelta(60),
                                      "end": TODAY + timedelta(61)},
    "people.archive_person": lambda s: {"person_id": _person(s).id, **v(_person(s))},
    "people.create_people": lambda s: {"names": ["Matrix One"]},
    "people.create_person": lambda s: {"name": "Matrix Person"},
    "people.create_team": lambda s: {"name": "Matrix Team"},
    "people.restore_person": lambda s: {"person_id": _person(s).id, **v(_person(s))},  # LOOSE: active already
    "people.save_people": _people_edit,
    "people.update_person": lambda s: {"person_id": _person(s).id, "role": "Matrix", **v(_person(s))},
    "people.update_team": lambda s: {"team_id": first(s, m.Team).id, "description": "Matrix", **v(first(s, m.Team))},
    "plan_import.apply": lambda s: {"prepared": Prepared(tasks=[], links=[]), "project_id": _project(s).id,
                                    "replace": False, "today": TODAY},
    "project_plan.add_link": _link,
    "project_plan.create_from_plan": lambda s: {"data": {"name": "Matrix plan", "start": TODAY, "status": "proposed"},
                                                "plan_rows": [], "today": TODAY},  # LOOSE
    "project_plan.create_from_template": lambda s: {"template_id": first(s, m.Template).id, "today": TODAY,
                                                    "data": {"name": "Matrix tpl", "start": TODAY,
                                                             "status": "proposed"}},
    "project_plan.import_plan": lambda s: {"project_id": _project(s).id, "plan_rows": [], "replace": False,
                                           "today": TODAY},
    "project_plan.move_task": lambda s: {"task_id": _task(s).id, "status": "blocked", **v(_task(s))},
    "project_plan.preview_plan": lambda s: {"project_id": _project(s).id, "rows": [], "today": TODAY},  # LOOSE
    "project_plan.remove_link": lambda s: {"dep_id": first(s, m.Dependency).id, "today": TODAY},
    "project_plan.save_plan": lambda s: {"project_id": _project(s).id, "rows": [], "today": TODAY},  # LOOSE
    "project_plan.save_template": lambda s: {"project_id": _project(s).id, "name": "Matrix template"},
    "project_team.close_stale_risks": lambda s: {"project_id": _project(s).id},  # LOOSE: may have none
    "project_team.remove_member": lambda s: {"member_id": first(s, m.ProjectMember).id,
                                             **v(first(s, m.ProjectMember))},
    "project_team.save_raci": lambda s: {"project_id": _project(s).id, "matrix": pd.DataFrame()},
    "project_team.save_risk": lambda s: {"project_id": _project(s).id, "values": {
        "title": "Matrix risk", "probability": 2, "impact": 2}},
    "project_team.set_member": _member,
    "projects.add_status_update": lambda s: {"project_id": _project(s).id, "rag": "green", "summary": "Matrix",
                                             "today": TODAY},
    "projects.close_project": lambda s: {"project_id": _project(s).id, "final_review": "x", "lessons_learned": "y",
                                         "today": TODAY, **v(_project(s))},  # LOOSE: work not done
    "projects.create_project": lambda s: {"data": {"name": "Matrix project"}},
    "projects.save_baseline": lambda s: {"project_id": _project(s).id, "name": "Matrix baseline"},
    "projects.save_close_out": lambda s: {"project_id": _project(s).id, "final_review": "x", "lessons_learned": "y",
                                          **v(_project(s))},
    "projects.update_project": lambda s: {"project_id": _project(s).id, "changes": {"description": "Matrix"},
                                          "today": TODAY, **v(_project(s))},
    "requests.approve": lambda s: {"request_id": _request(s).id, **v(_request(s))},
    "requests.convert_to_project": lambda s: {"request_id": _request(s).id, **v(_request(s))},
    "requests.convert_to_work_item": lambda s: {"request_id": _request(s).id, "operation_id": first(
        s, m.Operation).id, **v(_request(s))},
    "requests.reject": lambda s: {"request_id": _request(s).id, "reason": "Matrix", **v(_request(s))},
    "requests.submit": lambda s: {"requester_id": _person(s).id, "type": "IT", "title": "Matrix", "today": TODAY},
    "roles.set_roles": lambda s: {"roles": {_person(s).id: ("viewer", _person(s).version)}},
    "scenarios.add_hire": lambda s: {"name": "Matrix hire", "team_id": first(s, m.Team).id, "skills": "qa"},
    "scenarios.apply_changes": lambda s: {"changes": _team_change(s), "scenario": "matrix", "today": TODAY},
    "scenarios.scale_budget": lambda s: {"project_id": _project(s).id, "factor": 1.1, **v(_project(s))},
    "scenarios.set_candidate": lambda s: {"project_id": _candidate(s).id, "include": False,
                                          **v(_candidate(s))},  # LOOSE
    "scenarios.set_weekly_hours": lambda s: {"person_id": _person(s).id, "weekly_hours": 30.0, **v(_person(s))},
    "scenarios.shift_project": lambda s: {"project_id": _project(s).id, "days": 5, "today": TODAY, **v(_project(s))},
    "workload.apply_fix": lambda s: {"fix": {}, "today": TODAY},  # LOOSE
    "workload.apply_reassign": _reassign,
    "workload.apply_shift": lambda s: {"task_id": _task(s).id, "days": 2, "today": TODAY, **v(_task(s))},
    "workload.save_capacity": lambda s: {"original": pd.DataFrame(), "edited": pd.DataFrame()},  # LOOSE
    "workload.save_time_off": lambda s: {"original": pd.DataFrame(), "edited": pd.DataFrame()},  # LOOSE
    "workspace.set_setting": lambda s: {"key": "name", "value": "Matrix"},
    "workspace.start_empty": lambda s: {},
    "comments.post": lambda s: {"subject": "project", "subject_id": _project(s).id, "body": "Matrix update"},
    "comments.edit": lambda s: {"comment_id": first(s, m.Comment).id, "body": "edited",
                                **v(first(s, m.Comment))},  # LOOSE: only the author, within 15 minutes
    "comments.delete": lambda s: {"comment_id": first(s, m.Comment).id, **v(first(s, m.Comment))},  # LOOSE
    "inbox.mark": lambda s: {"items": ["mention:1"]},
    "inbox.mark_all_read": lambda s: {"today": TODAY},
    "my_work.set_progress": lambda s: {"task_id": first(s, m.Task).id, "percent_complete": 10.0,
                                       **v(first(s, m.Task))},
    "p80.update_progress": lambda s: {"task": _task(s), "changes": {"percent_complete": 10.0}, **v(_task(s))},
    "operations.set_recurrence": lambda s: {"recurring_task_id": first(s, m.RecurringTask).id,
                                            "rule": "FREQ=WEEKLY", **v(first(s, m.RecurringTask))},
    "table_import.import_rows": lambda s: {"table": "teams", "frame": pd.DataFrame({"name": ["Matrix team"]}),
                                           "mapping": {"name": "name"}},  # LOOSE
}
LOOSE = {"goals.restore_goal", "operations.run_request_rules", "operations.update_checklist",
         "people.restore_person", "project_plan.create_from_plan", "project_plan.preview_plan",
         "project_plan.save_plan", "project_team.close_stale_risks", "projects.close_project",
         "scenarios.set_candidate", "workload.apply_fix", "workload.save_capacity", "workload.save_time_off",
         "budgets.import_expenses", "comments.edit", "comments.delete", "table_import.import_rows"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory):
    """The seeded demo, once per database for the whole module (every call below is rolled back)."""
    with migrated_engine(request.param, tmp_path_factory.mktemp("matrix")) as eng:
        demo.seed(eng, "S", today=TODAY)
        yield eng


def call(engine, name: str, role: str) -> tuple[BaseException | None, list[str]]:
    """Run one command as a person with ``role``; return its refusal (or None) and the writes sent before it."""
    writes: list[str] = []

    def spy(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement.split("\n", 1)[0][:80])

    session = Session(engine.execution_options(worksmith_write=True))
    try:
        kwargs = ROWS[name](session)
        henry = first(session, m.Person, m.Person.name == "Henry Walker")  # not the requester of any request
        event.listen(engine, "before_cursor_execute", spy)
        try:
            COMMANDS[name](session, actor=Actor(henry.id, "Ana Lopez", role), **kwargs)
            session.flush()
            return None, writes
        except WorksmithError as refusal:
            return refusal, writes
        finally:
            event.remove(engine, "before_cursor_execute", spy)
    finally:
        session.rollback()
        session.close()


def test_every_command_has_a_row() -> None:
    """A new command needs a row in ROWS (valid arguments on the demo) and, if it needs more than "edit", in NEED."""
    assert len(COMMANDS) > 60
    assert sorted(set(COMMANDS) - set(ROWS)) == [], "add these commands to ROWS in tests/db/test_access_matrix.py"
    assert sorted(set(ROWS) - set(COMMANDS)) == []
    for info in pkgutil.iter_modules(commands_package.__path__):  # an ``actor`` passed positionally would hide
        module = importlib.import_module(f"worksmith.commands.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if (fn.__module__ == module.__name__ and not name.startswith("_") and params[:1] == ["session"]
                    and "actor" in params and name != "log"):  # core.log(session, actor, ...) records, not a command
                assert f"{info.name}.{name}" in COMMANDS, f"{info.name}.{name}: make actor keyword-only"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROWS))
def test_command_x_role(seeded, name: str, role: str) -> None:
    need = NEED.get(name, "edit")
    refusal, writes = call(seeded, name, role)
    if access.allows(role, need):
        assert not isinstance(refusal, PermissionDenied), f"{name} refused a {role}: {refusal}"
        return
    assert writes == [], f"{name} wrote before refusing a {role}: {writes}"
    if name in LOOSE and not isinstance(refusal, PermissionDenied):
        return  # refused for its arguments (or nothing to do) and wrote nothing
    assert isinstance(refusal, PermissionDenied), f"{name} let a {role} through: {refusal!r}"
    assert str(refusal).startswith(f"Ana Lopez is {'an' if role[0] in 'aeiou' else 'a'} {role}: {role}s cannot ")
    assert str(refusal).endswith("Nothing was saved.")


def test_the_refusal_reads_like_a_sentence() -> None:
    with pytest.raises(PermissionDenied) as refused:
        access.require(Actor(7, "Ana Lopez", "viewer"), "edit", "change plans")
    assert str(refused.value) == ("Ana Lopez is a viewer: viewers cannot change plans — ask an admin for editor "
                                  "access. Nothing was saved.")


def test_an_editor_cannot_give_anyone_a_role(seeded) -> None:
    """The role column is guarded inside core too: an editor's ordinary person update may not touch it."""
    session = Session(seeded.execution_options(worksmith_write=True))
    try:
        person = _person(session)
        with pytest.raises(PermissionDenied, match="cannot change roles"):
            core.update(session, m.Person, person.id, {"access": "admin"}, expected_version=None,
                             actor=Actor(person.id, "Oscar Reyes", "editor"))
        with pytest.raises(PermissionDenied, match="cannot change roles"):
            core.create(session, m.Person, {"name": "Sneaky", "access": "admin"},
                             actor=Actor(person.id, "Oscar Reyes", "editor"))
    finally:
        session.rollback()
        session.close()
