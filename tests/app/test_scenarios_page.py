"""Scenarios and Compare in AppTest: create a scenario from the Scenarios page, work inside it on every page, make a
workshop move and see it in the review, leave; Compare on the demo shows its headline."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.store import branches
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session
from worksmith.ui.navigation import page_files

SCENARIO_NAME = "ERP later"


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def _ok(app: AppTest) -> None:
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]


def _banner(app: AppTest) -> str:
    """The scenario banner's words ('' outside a scenario)."""
    return " ".join(md.value for md in app.markdown if "Scenario “" in md.value)


def _param(app: AppTest) -> str | None:
    value = app.query_params.get("scenario")
    return value[0] if isinstance(value, list) else value


def _create(app: AppTest, name: str = SCENARIO_NAME) -> str:
    """Create a scenario from the Scenarios page; returns its key (from the URL)."""
    app.run()
    app.switch_page("pages/scenarios.py").run()
    _ok(app)
    [box] = [t for t in app.text_input if t.label == "Name"]
    box.input(name)
    [submit] = [b for b in app.button if b.label == "Create and enter the scenario"]
    submit.click().run()
    _ok(app)
    key = _param(app)
    assert key, f"no ?scenario= in the URL: {dict(app.query_params)}"
    return key


def _project_id(name: str) -> int:
    with read_session(get_engine(os.environ["DATABASE_URL"])) as session:
        return int(session.exec(select(m.Project.id).where(m.Project.name == name)).one()[0])


def _review_rows(app: AppTest) -> list[str]:
    grids = [e for e in app.data_editor if e.key == "review_grid"]
    return [str(v) for g in grids for v in g.value["change"]]


def test_create_enter_shift_review_leave(app: AppTest, workspace) -> None:
    workspace(demo=True)
    key = _create(app)
    assert branches.exists(os.environ["DATABASE_URL"], key)
    assert app.session_state["scenario"] == key
    assert SCENARIO_NAME in _banner(app), [md.value for md in app.markdown]
    assert "0 changes" in _banner(app)
    assert any("No changes yet" in c.value for c in app.caption), [c.value for c in app.caption]

    # shift ERP migration by 20 working days: select, then submit in the same step
    erp = _project_id("ERP migration")
    app.selectbox(key="shift_project").set_value(erp)
    [shift] = [b for b in app.button if b.label == "Shift it"]
    shift.click().run()
    _ok(app)
    captions = [c.value for c in app.caption]
    assert any(c.startswith("1 change can be applied") for c in captions), captions
    rows = _review_rows(app)
    assert any(r.startswith("Project 'ERP migration': start") for r in rows), rows
    assert "· 1 change ·" in _banner(app), _banner(app)

    # Leave returns to live
    app.button(key="scenario_leave").click().run()
    _ok(app)
    assert not _param(app), dict(app.query_params)
    assert app.session_state["scenario"] is None
    assert not _banner(app)
    assert any("working in **live**" in i.value for i in app.info), [i.value for i in app.info]


@pytest.mark.parametrize("file", page_files())
def test_every_page_renders_inside_a_scenario(app: AppTest, workspace, file: str) -> None:
    workspace(demo=True)
    key = _create(app)
    app.switch_page(f"pages/{file}").run()
    _ok(app)
    assert _param(app) == key, f"the scenario fell out of the URL on {file}"
    assert SCENARIO_NAME in _banner(app), f"no banner on {file}"


def test_compare_on_demo_has_a_headline(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _create(app)
    app.switch_page("pages/compare.py").run()
    _ok(app)
    assert app.success and app.success[0].value, "no headline"
    assert [s.value for s in app.subheader] == ["Projects", "People", "Money", "Goals"]
    assert len(app.get("vega_lite_chart")) >= 1, "the roadmap chart is missing"


def _roadmaps(app: AppTest) -> list:
    return [c for c in app.get("vega_lite_chart") if "Roadmap: start to forecast finish" in c.proto.spec]


def test_projects_landing_shows_the_roadmap(app: AppTest, workspace) -> None:
    workspace(demo=True)
    app.run()
    app.switch_page("pages/projects.py").run()
    _ok(app)
    [chart] = _roadmaps(app)
    assert "ERP migration" in chart.proto.spec, "the roadmap has no projects"
    assert app.dataframe, "the portfolio table is missing"


def test_projects_landing_without_projects_has_no_roadmap(app: AppTest, workspace) -> None:
    workspace(demo=False)
    app.run()
    app.switch_page("pages/projects.py").run()
    _ok(app)
    assert not _roadmaps(app)
