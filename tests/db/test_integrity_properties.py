"""Random command sequences never break a page or an export (issue "Data integrity"), on SQLite and PostgreSQL.

A hypothesis rule-based machine drives valid and invalid commands against a fresh (cleared) workspace: projects
and plans with links (cycles included), updates with stale versions, deletes of referenced rows, budget lines and
expenses (huge, inf, NaN), names with control characters, markdown and formula prefixes, goals and check-ins,
workload reassignment, requests submitted, approved and converted. A command either commits or refuses with a
``WorksmithError``; after every step each page's view query (``bench.page_queries()``, today pinned) still runs
and every export still builds (workbook, budget report, JSON backup).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from worksmith.bench import page_queries
from worksmith.commands import budgets as cb
from worksmith.commands import core, workspace
from worksmith.commands import goals as cg
from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.commands import requests as cr
from worksmith.commands import workload as cw
from worksmith.commands.core import Actor
from worksmith.errors import WorksmithError
from worksmith.exchange.backup import backup_json
from worksmith.exchange.budget_report import report_workbook
from worksmith.exchange.workbook import workbook
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session

TODAY = date(2026, 11, 25)
ACTOR = Actor(None, "property", "admin")

nasty_text = st.one_of(
    st.sampled_from(["=SUM(A1:A9)", "+1", "-2", "@cmd", "**bold** _x_ [link](javascript:alert(1))", "<b>hi</b>",
                     "a\x00b", "tab\tname", "new\nline", "\u202eevil", "  ", "", "x" * 250, "Ünïcødé ✓", "# title"]),
    st.text(min_size=0, max_size=30))
amounts = st.one_of(st.sampled_from([0.0, -1.0, 1e12, 1e13, 1e300, math.inf, -math.inf, math.nan, "12,5", "abc"]),
                    st.floats(min_value=0, max_value=1e6, allow_nan=False))
days = st.integers(min_value=-400, max_value=400).map(lambda k: TODAY + timedelta(days=k))


class Workspace(RuleBasedStateMachine):
    engine = None  # set by the test

    def _run(self, command, **kwargs):
        try:
            with write_session(self.engine) as session:
                return command(session, actor=ACTOR, **kwargs)
        except WorksmithError:
            return None

    def _ids(self, model) -> list[int]:
        with read_session(self.engine) as s:
            return [int(i) for i in s.exec(select(model.id).order_by(model.id)).scalars()]

    def _version(self, model, row_id: int) -> int:
        with read_session(self.engine) as s:
            row = s.get(model, row_id)
            return row.version if row is not None else 1

    @initialize()
    def fresh(self):
        with write_session(self.engine) as s:
            workspace.clear(s)
            s.add(m.Person(name="Ana", skills=["python"]))
            s.add(m.Person(name="Bo"))

    @rule(name=nasty_text, start=st.one_of(st.none(), days))
    def create_project(self, name, start):
        self._run(cp.create_project, data={"name": name, "start": start, "status": "active", "budget": 1000.0})

    @rule(data=st.data(), n=st.integers(1, 5), durations=st.lists(st.integers(-2, 4000), min_size=5, max_size=5),
          names=st.lists(nasty_text, min_size=5, max_size=5), preds=st.lists(st.sampled_from(
              ["", "1", "2FS+2d", "3SS", "1,2", "9", "x", "2FF-1d"]), min_size=5, max_size=5))
    def save_plan(self, data, n, durations, names, preds):
        projects = self._ids(m.Project)
        if not projects:
            return
        pid = data.draw(st.sampled_from(projects))
        rows = [{"ref": k + 1, "name": names[k], "phase": "P", "duration_days": durations[k],
                 "predecessors": preds[k], "assignee": "Ana" if k % 2 else ""} for k in range(n)]
        self._run(cpp.save_plan, project_id=pid, rows=rows, today=TODAY)

    @rule(data=st.data(), lag=st.integers(-5, 5))
    def add_link(self, data, lag):  # any two tasks, across projects: cycles included
        tasks = self._ids(m.Task)
        if len(tasks) < 2:
            return
        pred, succ = data.draw(st.sampled_from(tasks)), data.draw(st.sampled_from(tasks))
        self._run(cpp.add_link, pred_task_id=pred, succ_task_id=succ, lag_days=lag, today=TODAY)

    @rule(data=st.data(), stale=st.booleans(), start=days, budget=amounts)
    def update_project(self, data, stale, start, budget):
        projects = self._ids(m.Project)
        if not projects:
            return
        pid = data.draw(st.sampled_from(projects))
        version = self._version(m.Project, pid) - (1 if stale else 0)
        self._run(cp.update_project, project_id=pid, changes={"start": start, "budget": budget},
                  expected_version=version, today=TODAY)

    @rule(data=st.data(), model=st.sampled_from([m.Project, m.Task, m.Person, m.Goal]))
    def delete_row(self, data, model):  # often referenced: refused with a sentence, never a crash
        ids = self._ids(model)
        if ids:
            self._run(core.delete, model=model, row_id=data.draw(st.sampled_from(ids)))

    @rule(data=st.data(), status=st.sampled_from(["todo", "in progress", "done", "blocked", "bogus"]),
          stale=st.booleans())
    def move_task(self, data, status, stale):
        tasks = self._ids(m.Task)
        if tasks:
            tid = data.draw(st.sampled_from(tasks))
            self._run(cpp.move_task, task_id=tid, status=status,
                      expected_version=self._version(m.Task, tid) - (1 if stale else 0))

    @rule(data=st.data(), person=st.sampled_from([0, 1]))
    def reassign(self, data, person):
        tasks, people = self._ids(m.Task), self._ids(m.Person)
        if tasks and people:
            tid = data.draw(st.sampled_from(tasks))
            self._run(cw.apply_reassign, task_id=tid, to_person_id=people[person % len(people)],
                      expected_version=self._version(m.Task, tid))

    @rule(data=st.data(), planned=amounts, month=days, category=st.sampled_from(["labour", "travel", "bogus", ""]))
    def budget_line(self, data, planned, month, category):
        projects = self._ids(m.Project)
        if projects:
            owner = f"project:{data.draw(st.sampled_from(projects))}"
            self._run(cb.save_budget_lines, owner=owner, original=[],
                      edited=[{"month": month, "category": category, "planned": planned}])

    @rule(data=st.data(), amount=amounts, day=days, note=nasty_text)
    def expense(self, data, amount, day, note):
        projects = self._ids(m.Project)
        if projects:
            self._run(cb.add_expense, owner=f"project:{data.draw(st.sampled_from(projects))}", day=day,
                      category="software", amount=amount, note=note, today=TODAY)

    @rule(title=nasty_text, start=days, length=st.integers(-30, 400), kr_target=amounts)
    def goal(self, title, start, length, kr_target):
        goal_id = self._run(cg.create_goal, title=title, period_start=start, period_end=start + timedelta(length))
        if goal_id:
            self._run(cg.create_key_result, goal_id=goal_id, title=title or "KR", start_value=0.0,
                      target_value=kr_target)

    @rule(data=st.data(), value=amounts, day=days)
    def check_in(self, data, value, day):
        krs = self._ids(m.KeyResult)
        if krs:
            self._run(cg.record_check_in, key_result_id=data.draw(st.sampled_from(krs)), day=day, value=value,
                      today=TODAY)

    @rule(title=nasty_text, estimate=amounts, then=st.sampled_from(["none", "approve", "convert"]))
    def request(self, title, estimate, then):
        people = self._ids(m.Person)
        req = self._run(cr.submit, requester_id=people[0] if people else None, type="project", title=title,
                        estimate_hours=estimate, today=TODAY)
        if req is None or then == "none":
            return
        if then == "approve":
            self._run(cr.approve, request_id=req.id, expected_version=req.version)
        else:
            self._run(cr.convert_to_project, request_id=req.id, expected_version=req.version, start=TODAY)

    @invariant()
    def pages_and_exports_still_work(self):
        if self.engine is None:
            return
        with read_session(self.engine) as s:
            for page, queries in page_queries().items():
                for name, fn in queries:
                    try:
                        fn(s, today=TODAY)
                    except WorksmithError:
                        pass  # a page may refuse with a sentence (e.g. nothing to show)
                    except Exception as exc:
                        raise AssertionError(f"page {page}: {name} failed") from exc
            assert workbook(s)[:2] == b"PK"
            assert report_workbook(s, today=TODAY)[:2] == b"PK"
            json.dumps(backup_json(s))


def test_random_commands_never_break_a_page_or_an_export(engine):
    Workspace.engine = engine
    try:
        run_state_machine_as_test(Workspace, settings=settings(
            max_examples=5, stateful_step_count=8, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        Workspace.engine = None
