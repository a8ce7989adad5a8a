"""Compare on SQLite and PostgreSQL: the money section reuses the base's earned value for projects whose inputs are
the same on both sides; the figures must equal earned value computed afresh on each side."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.commands import scenarios as moves
from worksmith.commands.core import Actor, update
from worksmith.store import branches
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, write_session
from worksmith.views import budgets
from worksmith.views.compare import BUDGETED, compare

TODAY = date(2026, 11, 25)
ANA = Actor(1, "Ana")


@pytest.fixture
def pair(engine):
    demo.seed(engine, "S", today=TODAY)
    made = branches.create_branch(engine.url.render_as_string(hide_password=False), name="What if")
    scenario = get_engine(made.url)
    yield engine, scenario
    scenario.dispose()


def _fresh(engine) -> pd.DataFrame:
    """EAC per budgeted project, every project computed from scratch."""
    with read_session(engine) as s:
        data = budgets.load(s, TODAY)
        rows = [(p["name"], budgets.evm_of(data, p).metrics.get("EAC")) for p in data.projects.to_dict("records")
                if p["status"] in BUDGETED]
    return pd.DataFrame(rows, columns=["project", "eac"]).set_index("project")["eac"].astype(float)


def _project(session, name: str) -> m.Project:
    return session.exec(select(m.Project).where(m.Project.name == name)).scalars().one()


def test_compare_money_equals_fresh_earned_value(pair):
    live, scenario = pair
    with write_session(scenario) as s:
        erp = _project(s, "ERP migration")
        moves.shift_project(s, actor=ANA, project_id=erp.id, days=20, expected_version=erp.version, today=TODAY)
        web = _project(s, "Website relaunch")
        moves.scale_budget(s, actor=ANA, project_id=web.id, factor=1.5, expected_version=web.version)
        task = s.exec(select(m.Task).where(m.Task.project_id == erp.id, m.Task.percent_complete > 0)
                      .order_by(m.Task.id)).scalars().first()
        update(s, m.Task, task.id, {"percent_complete": min(100.0, task.percent_complete + 30)},
               expected_version=task.version, actor=ANA)
    with read_session(live) as a, read_session(scenario) as b:
        cmp = compare(a, b, today=TODAY)
    money = cmp.budget.set_index("project")
    pd.testing.assert_series_equal(money["eac_base"].sort_index(), _fresh(live).sort_index(), check_names=False)
    pd.testing.assert_series_equal(money["eac_scenario"].sort_index(), _fresh(scenario).sort_index(),
                                   check_names=False)
    assert money.loc["Website relaunch", "bac_scenario"] == pytest.approx(1.5 * money.loc["Website relaunch",
                                                                                          "bac_base"])
