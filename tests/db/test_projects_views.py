"""Project views on the demo workspace (SQLite and PostgreSQL): portfolio filters, program, project detail and
the status report."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.store import models as m
from worksmith.store.db import read_session
from worksmith.ui.projects.status import status_report
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp
from worksmith.views.portfolio import portfolio


# ------------------------------------------------------------------------------------------------ demo views
@pytest.fixture
def demo_engine(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_demo_portfolio_filters_and_program(demo_engine, today):
    with read_session(demo_engine) as s:
        view = vp.portfolio_view(s, today=today)
        prog = vp.program(s, today=today)
    assert not view.empty and len(view.table) == 10
    assert view.table.iloc[0]["health_key"] == "off track"  # worst first
    active = vp.filter_portfolio(view.table, statuses=["active"])
    assert set(active["project"]) == {"Website relaunch", "Spring campaign", "Mobile app v2", "ERP migration"}
    assert vp.filter_portfolio(view.table, statuses=["active"], text="mobile")["project"].tolist() == ["Mobile app v2"]
    assert vp.filter_portfolio(view.table, team="Finance")["project"].tolist() == ["ERP migration", "Rolling forecast"]
    link = prog.links.iloc[0]
    assert (link["from_project"], link["from_task"], link["to_project"], link["to_task"]) == (
        "Website relaunch", "Site live", "Spring campaign", "Campaign launch")
    assert set(prog.items["kind"]) == {"milestone", "critical task"}


def test_demo_project_detail_and_status_report(demo_engine, today):
    with read_session(demo_engine) as s:
        pid = s.exec(select(m.Project.id).where(m.Project.name == "Mobile app v2")).scalars().one()
        d = vpp.project_detail(s, project_id=pid, today=today)
        files = status_report(s, project_id=pid, today=today)
    assert d.health == "off track" and d.finish_variance == 7
    # target = the baseline finish, so late vs target = late vs baseline: one count, through the project calendar
    # (before: "+9 working days vs target" skipped neither 25 Dec nor 1 Jan)
    assert d.project["target_end"].isoformat() == d.baseline["finish"]
    assert d.tiles[0].delta == "+7 working days vs target" and d.tiles[3].value == "+7 d"
    assert any("is 7 working days after the target" in r for r in d.reasons)
    assert [t.label for t in d.tiles] == ["Forecast finish", "Complete", "Critical tasks", "Vs baseline",
                                          "Budget used"]
    html, md = files["html"].decode(), files["md"].decode()
    assert "Status report — Mobile app v2" in html and "<svg" in html and "RED" in html
    assert "Offline sync harder than estimated" in md and "data:image/png;base64," in md
    assert "| Release |" not in md and "#10 Release" in md


def test_late_vs_target_and_vs_baseline_count_the_same_holidays(engine):
    """Seeded on 2 Dec, Mobile app v2's target (= its baseline finish) and forecast straddle 25 Dec and 1 Jan:
    the target slip read +9 (Mon–Fri only) while the baseline variance read +7 (the project calendar)."""
    day = date(2026, 12, 2)
    demo.seed(engine, "S", today=day)
    with read_session(engine) as s:
        pid = s.exec(select(m.Project.id).where(m.Project.name == "Mobile app v2")).scalars().one()
        d = vpp.project_detail(s, project_id=pid, today=day)
        row = vp.portfolio_view(s, today=day).table.set_index("project").loc["Mobile app v2"]
    assert d.project["target_end"] < date(2026, 12, 25) and d.tasks["finish_date"].max() > date(2027, 1, 1)
    assert d.finish_variance == 7 and d.tiles[0].delta == "+7 working days vs target"
    assert row["vs_target"] == "+7 d" and d.health == "off track"


def test_one_projects_health_row_is_its_row_of_the_portfolio(demo_engine, today):
    """project_detail reads one project's health without the whole portfolio: the same figures, for every demo
    project (done, cancelled, proposed, with and without costs) and on two days."""
    columns = ["percent_complete", "forecast_finish", "tasks", "overdue_tasks", "spent", "planned_to_date",
               "slip_days", "budget_used", "health", "reasons"]
    for day in (today, date(2027, 3, 1)):
        with read_session(demo_engine) as s:
            whole = portfolio(s, today=day).set_index("id")
            rows = {pid: vpp.health_row(s, project_id=pid, today=day) for pid in whole.index}
        for pid, row in rows.items():
            pd.testing.assert_series_equal(row[columns], whole.loc[pid, columns], check_names=False)
        assert sum(row["spent"] > 0 for row in rows.values()) >= 3 and len({r["health"] for r in rows.values()}) >= 3
