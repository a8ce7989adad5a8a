"""The Goals page in AppTest: the first screen on demo data, the goal in the URL, and every write through the page
(check-in, new goal, approve, link unaligned work) — with the database checked afterwards."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session


def shown(text: str) -> str:
    """Markdown source as it reads on screen: the backslashes ``ui.md`` puts before user text's characters go."""
    return re.sub(r"\\(.)", r"\1", text)


def _exceptions(app: AppTest) -> str:
    return "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)


def open_goals(app: AppTest, goal: str | None = None) -> AppTest:
    """Open the Goals page, with ``?goal=<id of the goal titled goal>`` when given (the database is seeded by the
    first run)."""
    app.run()
    if goal is not None:
        app.query_params["goal"] = str(goal_id(goal))
    app.switch_page("pages/goals.py").run()
    assert not app.exception, _exceptions(app)
    return app


def rows(model, *where):
    engine = get_engine(os.environ["DATABASE_URL"])
    try:
        with read_session(engine) as s:
            return [r[0] for r in s.exec(select(model).where(*where)).all()]
    finally:
        engine.dispose()


def goal_id(title: str) -> int:
    return rows(m.Goal, m.Goal.title == title)[0].id


def button(app: AppTest, label: str):
    found = [b for b in app.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in app.button]}"
    return found[0]


def markdown(app: AppTest) -> str:
    return "\n".join(md.value for md in app.markdown)


def test_first_screen_answers_which_goals_are_at_risk(app, workspace):
    workspace(demo=True)
    open_goals(app)
    assert not app.error, [e.value for e in app.error]
    assert [(mt.label, mt.value) for mt in app.metric] == [
        ("Goals on track", "3"), ("Goals at risk", "3"), ("Goals off track", "0"), ("Unaligned work", "274 h")]
    # without a goal in the URL the page opens on the goal furthest behind, and puts it in the URL
    worst = goal_id("Close the books in five days")
    assert app.query_params["goal"] in (str(worst), [str(worst)])
    assert [h.value for h in app.subheader][0] == "Close the books in five days"
    why = app.expander[0]
    assert why.label == "Why this status?"
    assert "0.25 / 0.52 = 0.49, between 0.4 and 0.7 → at risk" in markdown(app)
    # tree table, work serving the goal, unaligned work, ranking: all present
    tables = [df.value for df in app.dataframe]
    tree = tables[0]
    assert tree["Goal"].tolist()[:2] == ["Grow online revenue", "\u2003└ Launch the new website"]
    names = [t["Name"].tolist() for t in tables if "Name" in t.columns]
    assert ["Rolling forecast", "ERP migration", "Month-end close"] in names  # the work serving the selected goal
    assert ["Payroll"] in names  # unaligned work
    ranking = next(t for t in tables if "Candidate" in t.columns and "Rank" in t.columns)
    assert ranking["Candidate"].tolist() == ["Data warehouse", "Customer portal", "Rolling forecast",
                                             "Loyalty programme"]
    # the demo shows the cut line at the default reserve, and a candidate that needs an estimate
    assert ranking["Fits capacity"].tolist() == ["● fits Jan–Mar 2027", "● fits Jan–Feb 2027",
                                                 "■ no: Finance 144 h short in Jan 2027", "○ needs an estimate"]
    assert ranking["Rank"].tolist() == ["1", "2", "3", "—"]
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Scores are absolute; half marks at cost €57,335") for c in captions)


def test_goal_in_the_url_is_the_view(app, workspace):
    workspace(demo=True)
    open_goals(app, goal="Delight our customers")
    gid = goal_id("Delight our customers")
    assert app.selectbox(key="goals_goal").value == gid
    assert app.subheader[0].value == "Delight our customers"
    assert "0.28 / 0.52 = 0.54" in markdown(app)
    work = next(df.value for df in app.dataframe if "Via" in df.value.columns)
    assert sorted(work["Name"]) == ["Customer portal", "IT support", "Mobile app v2"]


def test_record_a_check_in(app, workspace):
    workspace(demo=True)
    open_goals(app, goal="Close the books in five days")
    gid = goal_id("Close the books in five days")
    app.number_input(key="goals_checkin_value").set_value(8.1)
    app.text_input(key="goals_checkin_note").set_value("two days saved by the expense tool")
    button(app, "Record check-in").click().run()
    assert not app.exception, _exceptions(app)
    assert not app.error, [e.value for e in app.error]
    kr = rows(m.KeyResult, m.KeyResult.goal_id == gid)[0]
    assert kr.current_value == 8.1
    latest = rows(m.CheckIn, m.CheckIn.key_result_id == kr.id)[-1]
    assert (latest.value, latest.note, latest.confidence) == (8.1, "two days saved by the expense tool", 7)
    assert [shown(t.value) for t in app.toast] == ["Check-in recorded for 'Month-end close'"]
    assert any("“two days saved by the expense tool”" in c.value for c in app.caption)


def test_check_in_without_a_value_is_refused(app, workspace):
    workspace(demo=True)
    open_goals(app, goal="Close the books in five days")
    before = len(rows(m.CheckIn))
    button(app, "Record check-in").click().run()
    assert [e.value for e in app.error] and "value" in app.error[0].value
    assert len(rows(m.CheckIn)) == before


def test_create_a_goal_under_a_parent(app, workspace):
    workspace(demo=True)
    open_goals(app)
    parent = goal_id("Grow online revenue")
    app.text_input(key="goals_new_title").set_value("Win three enterprise customers")
    app.selectbox(key="goals_new_parent").set_value(parent)
    button_new = [b for b in app.button if b.label == "Save goal"][-1]  # the New goal tab's form
    button_new.click().run()
    assert not app.error, [e.value for e in app.error]
    created = rows(m.Goal, m.Goal.title == "Win three enterprise customers")
    assert len(created) == 1 and created[0].parent_id == parent
    assert app.subheader[0].value == "Win three enterprise customers"  # the new goal is selected
    assert app.query_params["goal"] in (str(created[0].id), [str(created[0].id)])


def test_new_goal_without_a_title_shows_the_error(app, workspace):
    workspace(demo=True)
    open_goals(app)
    before = len(rows(m.Goal))
    [b for b in app.button if b.label == "Save goal"][-1].click().run()
    assert app.error and "title" in app.error[0].value
    assert len(rows(m.Goal)) == before


def test_weights_reorder_the_candidates(app, workspace):
    workspace(demo=True)
    open_goals(app)
    for name in ("alignment", "cost", "effort_hours", "risk"):
        app.slider(key=f"goals_w_{name}").set_value(0.0)
    app.run()
    ranking = next(df.value for df in app.dataframe if "Candidate" in df.value.columns and "Rank" in df.value.columns)
    assert ranking["Candidate"].tolist()[:2] == ["Customer portal", "Data warehouse"]  # value (ROI) alone


def test_reserve_shows_the_cut_line(app, workspace):
    workspace(demo=True)
    open_goals(app)
    app.slider(key="goals_reserve").set_value(80).run()
    ranking = next(df.value for df in app.dataframe if "Candidate" in df.value.columns and "Rank" in df.value.columns)
    # Engineering keeps 192 h a month: the portal is 117 h short in Jan (named first, the worst) and 96 h in Feb
    assert ranking["Fits capacity"].tolist()[:2] == ["● fits Jan–Mar 2027",
                                                     "■ no: Engineering 117 h short in Jan 2027 (+1 more)"]


def test_approve_a_candidate(app, workspace):
    workspace(demo=True)
    open_goals(app)
    portal = rows(m.Project, m.Project.name == "Customer portal")[0]
    app.selectbox(key="goals_approve_pick").set_value(portal.id)
    button(app, "Approve → active project").click().run()
    assert not app.error, [e.value for e in app.error]
    assert rows(m.Project, m.Project.id == portal.id)[0].status == "active"
    ranking = next(df.value for df in app.dataframe if "Candidate" in df.value.columns and "Rank" in df.value.columns)
    assert ranking["Candidate"].tolist() == ["Data warehouse", "Rolling forecast", "Loyalty programme"]


def test_link_unaligned_work_to_a_goal(app, workspace):
    workspace(demo=True)
    open_goals(app)
    target = goal_id("Run a lean, efficient company")
    app.selectbox(key="goals_align_goal").set_value(target)
    button(app, "Link to goal").click().run()
    assert not app.error, [e.value for e in app.error]
    assert rows(m.Operation, m.Operation.name == "Payroll")[0].goal_id == target
    assert [mt.value for mt in app.metric][3] == "0 h"


@pytest.mark.parametrize("title", ["Ship the first release"])
def test_empty_workspace_explains_and_creates_the_first_goal(app, workspace, title):
    workspace(demo=False)
    open_goals(app)
    assert not app.error and not app.metric
    assert app.info and "No goals yet" in app.info[0].value
    app.text_input(key="goals_first_title").set_value(title)
    button(app, "Save goal").click().run()
    assert not app.exception, _exceptions(app)
    assert [g.title for g in rows(m.Goal)] == [title]
    assert [mt.label for mt in app.metric][:3] == ["Goals on track", "Goals at risk", "Goals off track"]


def test_add_a_key_result_direction_checked(app, workspace):
    workspace(demo=True)
    open_goals(app, goal="Build a great place to work")
    gid = goal_id("Build a great place to work")
    app.text_input(key="goals_kr_title_0").set_value("Regretted attrition")
    app.number_input(key="goals_kr_s_0").set_value(12.0)
    app.number_input(key="goals_kr_t_0").set_value(8.0)  # lower is better, but "up" is still selected
    button(app, "Save key result").click().run()
    assert app.error and "direction" in app.error[0].value and "target (8) is below the start (12)" in \
        app.error[0].value
    assert not rows(m.KeyResult, m.KeyResult.title == "Regretted attrition")
    app.radio(key="goals_kr_dir_0").set_value("down")
    button(app, "Save key result").click().run()
    assert not app.error, [e.value for e in app.error]
    kr = rows(m.KeyResult, m.KeyResult.title == "Regretted attrition")
    assert [(k.goal_id, k.start_value, k.current_value, k.direction) for k in kr] == [(gid, 12.0, 12.0, "down")]
    # the new KR starts at 0 % and pulls the goal's progress down: three KRs now in the roll-up
    assert "KR 'Regretted attrition' 12 → 8, now 12" in markdown(app)


def test_archive_a_goal_and_restore_it(app, workspace):
    workspace(demo=True)
    open_goals(app, goal="Run a lean, efficient company")
    gid, child = goal_id("Run a lean, efficient company"), goal_id("Close the books in five days")
    app.button(key="goals_archive").click().run()
    assert not app.error, [e.value for e in app.error]
    assert rows(m.Goal, m.Goal.id == gid)[0].archived and rows(m.Goal, m.Goal.id == child)[0].archived
    tree = app.dataframe[0].value
    assert "Run a lean, efficient company" not in tree["Goal"].tolist() and len(tree) == 4
    app.selectbox(key="goals_archived_pick").set_value(gid)
    app.button(key="goals_restore").click().run()
    assert not rows(m.Goal, m.Goal.id == gid)[0].archived
    assert app.subheader[0].value == "Run a lean, efficient company"  # the restored goal is shown
