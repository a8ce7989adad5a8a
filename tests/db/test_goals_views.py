"""The Goals reads (views.goals, views.initiatives) on SQLite and PostgreSQL: demo figures worked out by hand,
ranking and the cut line, free capacity."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from worksmith import demo
from worksmith.commands.core import Actor, create
from worksmith.domain import initiatives as ini
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import goals, initiatives, overview
from worksmith.views.workload_data import NO_TEAM, compute_workload, workload_inputs

ALICE = Actor(None, "Alice", "approver")
JAN, FEB, MAR = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def read(engine, fn, **kwargs):
    with read_session(engine) as s:
        return fn(s, **kwargs)


def goal_id(engine, title: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(m.Goal.id).where(m.Goal.title == title)).one()[0]


# --- reads on the demo -------------------------------------------------------------------------------------------


def test_demo_metrics_tree_and_unaligned_work(seeded, today):
    view = read(seeded, goals.goals_view, today=today)
    values = {t.label: t.value for t in view.metrics}
    # roll-up on 25 Nov 2026, day 94 of 182: three goals' progress / expected lands between 0.4 and 0.7
    assert values == {"Goals on track": "3", "Goals at risk": "3", "Goals off track": "0", "Unaligned work": "274 h"}
    assert view.metrics[0].trend[-1] == 3 and len(view.metrics[0].trend) == 9
    # depth-first: each child goal right under its parent
    assert view.tree["title"].tolist() == ["Grow online revenue", "Launch the new website", "Delight our customers",
                                           "Run a lean, efficient company", "Close the books in five days",
                                           "Build a great place to work"]
    assert view.tree["depth"].tolist() == [0, 1, 0, 0, 1, 0]
    behind = view.tree[view.tree["status"] == "at risk"]["title"].tolist()
    assert behind == ["Delight our customers", "Run a lean, efficient company", "Close the books in five days"]
    assert "furthest behind: Close the books in five days" in view.tree_title
    # Payroll serves no goal (its hours are worked out by hand in the next test)
    assert view.unaligned["name"].tolist() == ["Payroll"]
    assert view.unaligned["reason"].tolist() == ["no goal"]
    assert view.unaligned_title.startswith("1 live item serves no goal: 274 h")


def test_payroll_hours_by_hand(seeded, today):
    """The unaligned figure from the operation's own numbers, independently of the service's helper."""
    view = read(seeded, goals.goals_view, today=today)
    start, end = view.window
    assert (start, end) == (date(2026, 8, 24), date(2027, 2, 21))  # 13 weeks either side of Mon 23 Nov
    holidays = [date(2026, 12, 25), date(2027, 1, 1)]  # weekdays among the demo holidays in the window
    days = int(np.busday_count(start, end + timedelta(days=1), holidays=holidays))
    assert days == 128  # 26 weeks × 5 − 2 holidays
    # two monthly payroll tasks (16 h, 4 h); their anchors fall once in each of the 6 months Sep..Feb
    expected = 6 * days / 5 + 6 * (16 + 4)
    assert view.unaligned["hours"].iloc[0] == pytest.approx(expected)


def test_goal_detail_explains_the_status_and_lists_the_work(seeded, today):
    gid = goal_id(seeded, "Delight our customers")
    detail = read(seeded, goals.goal_detail, goal_id=gid, today=today)
    assert detail.goal["status"] == "at risk"
    assert "0.28 / 0.52 = 0.54, between 0.4 and 0.7 → at risk" in detail.why
    assert "clamp((current − start) / (target − start), 0, 1)" in detail.why
    krs = detail.krs.set_index("title")
    # NPS 32 → 45 at 52 % of the period should be 32 + 13 × 0.516 = 38.7
    assert krs.loc["Net promoter score", "expected_value"] == pytest.approx(32 + 13 * 94 / 182)
    assert krs.loc["Net promoter score", "chart_title"].startswith("Net promoter score: 34.4 points now, 38.7 points "
                                                                   "expected by today")
    assert krs.loc["Support tickets per 1,000 users", "direction"] == "down"
    assert len(detail.check_ins) >= 3 * 13
    assert sorted(detail.work["name"]) == ["Customer portal", "IT support", "Mobile app v2"]
    assert detail.work_title.startswith("3 items serve this goal")


def test_the_page_detail_from_the_view_is_the_goal_detail_read_alone(seeded, today):
    """The Goals page takes the chosen goal's detail from what goals_view read (detail_of): every goal's detail is
    the one goal_detail reads on its own, and an unknown goal has none."""
    view = read(seeded, goals.goals_view, today=today)
    assert len(view.tree) >= 5
    for gid in view.tree["id"]:
        alone, shared = read(seeded, goals.goal_detail, goal_id=int(gid), today=today), goals.detail_of(view, int(gid))
        assert shared.goal == alone.goal and (shared.why, shared.work_title) == (alone.why, alone.work_title)
        for name in ("krs", "check_ins", "work", "work_table", "kr_table"):
            pd.testing.assert_frame_equal(getattr(shared, name), getattr(alone, name), check_exact=True)
    assert goals.detail_of(view, 10_000) is None
    assert len(goals.detail_of(view, goal_id(seeded, "Delight our customers")).check_ins) >= 3 * 13


def test_parent_goal_lists_work_of_its_child_goals(seeded, today):
    detail = read(seeded, goals.goal_detail, goal_id=goal_id(seeded, "Grow online revenue"), today=today)
    via = dict(zip(detail.work["name"], detail.work["via"], strict=True))
    assert via["Spring campaign"] == "direct"
    assert via["Website relaunch"] == "child goal 'Launch the new website'"


def test_ranking_on_the_demo(seeded, today):
    rank = read(seeded, initiatives.ranking, today=today)
    assert rank.quarter == (JAN, date(2027, 3, 31)) and rank.quarter_label == "Q1 2027"
    c = rank.candidates.set_index("name")
    assert rank.candidates["name"].tolist() == ["Data warehouse", "Customer portal", "Rolling forecast",
                                                "Loyalty programme"]
    # absolute scales: value (v − 1)/4, alignment as is, risk (5 − r)/4, cost and effort ref / (ref + x) with the
    # medians of the six committed projects as references
    assert rank.references.startswith("Scores are absolute; half marks at cost €57,335 (median budget of 6 "
                                      "committed projects) and effort 395 h")
    portal = c.loc["Customer portal"]
    assert portal["value"] == pytest.approx(1 + np.log2(380_000 / portal["cost"]))
    assert portal["n_value"] == pytest.approx((portal["value"] - 1) / 4)
    assert portal["n_risk"] == 0.25  # risk 4
    assert [round(x) for x in c["score"].iloc[:3]] == [67, 58, 50]
    assert rank.table["Score"].tolist()[:3] == [67, 58, 50]
    # the loyalty programme came in without tasks or a budget: not scored, not ranked, not checked
    assert c.loc["Loyalty programme", "rank"] is None and c.loc["Loyalty programme", "score"] is None
    assert rank.table["Rank"].tolist() == ["1", "2", "3", "—"]
    assert rank.table["Fits capacity"].tolist() == [
        "● fits Jan–Mar 2027", "● fits Jan–Feb 2027", "■ no: Finance 144 h short in Jan 2027", "○ needs an estimate"]
    assert "1 candidate needs an estimate and is not ranked: Loyalty programme (no hours and no cost)" in rank.notes
    assert rank.options[int(c.loc["Loyalty programme", "id"])] == "Loyalty programme (needs an estimate)"
    # the cut line shows at the default reserve (0 %): Finance has 296 h free in January, the forecast needs 440 h
    assert c["fits"].tolist() == [True, True, False, None]
    assert rank.capacity_title == ("2 of 3 ranked candidates fit the months their work falls in; Rolling forecast "
                                   "does not: Finance is 144 h short in Jan 2027")
    demand = rank.demand.groupby(["team_id", "month"])["hours"].sum()
    assert demand[("Engineering", JAN)] == pytest.approx(309, abs=1)
    free = rank.free.set_index(["team_id", "month"])["free_hours"]
    assert free[("Engineering", FEB)] == 960  # 8 people × 40 h × 80 % (60 % for Ethan, 24 h for Isla) × 4 weeks
    assert free[("Finance", JAN)] == 296


def test_reserve_puts_a_candidate_below_the_cut_line(seeded, today):
    rank = read(seeded, initiatives.ranking, today=today, reserve=80.0)
    c = rank.candidates.set_index("name")
    # Engineering keeps 20 % of 960 h = 192 h in Jan: the warehouse needs 65 h, the portal 244 h more → 309 > 192
    assert c.loc["Data warehouse", "fits"] and not c.loc["Customer portal", "fits"]
    assert (c.loc["Customer portal", "shortfall_team"], c.loc["Customer portal", "shortfall_month"]) == \
        ("Engineering", JAN)
    assert c.loc["Customer portal", "shortfall_hours"] == pytest.approx(309 - 192, abs=1)
    assert "Customer portal does not: Engineering is 117 h short in Jan 2027" in rank.capacity_title


def test_weights_change_the_ranking(seeded, today):
    weights = (("value", 5.0), ("alignment", 0.0), ("cost", 0.0), ("effort_hours", 0.0), ("risk", 0.0))
    rank = read(seeded, initiatives.ranking, today=today, weights=weights)
    assert rank.candidates["name"].tolist() == ["Customer portal", "Data warehouse", "Rolling forecast",
                                                "Loyalty programme"]  # the higher ROI wins


def test_an_empty_candidate_changes_no_other_score(seeded, today):
    before = read(seeded, initiatives.ranking, today=today).candidates.set_index("name")["score"]
    with write_session(seeded) as s:  # a request converted to a project: €0 and 0 h
        create(s, m.Project, {"name": "Converted request", "status": "proposed"}, actor=ALICE)
    rank = read(seeded, initiatives.ranking, today=today)
    after = rank.candidates.set_index("name")
    for name in ("Data warehouse", "Customer portal", "Rolling forecast"):
        assert after.loc[name, "score"] == pytest.approx(before[name])  # was 80 → 59 with min-max scaling
    assert after.loc["Converted request", "rank"] is None  # not #2 for costing nothing
    assert rank.candidates["name"].tolist()[:3] == ["Data warehouse", "Customer portal", "Rolling forecast"]
    assert "2 candidates need an estimate and are not ranked" in " ".join(rank.notes)


def test_reserve_out_of_range_refused(seeded, today):
    with pytest.raises(ValidationError, match="reserve") as err:
        read(seeded, initiatives.ranking, today=today, reserve=95.0)
    assert err.value.field == "reserve"


def test_empty_workspace(engine, today):
    assert read(engine, goals.goals_view, today=today).empty_workspace
    rank = read(engine, initiatives.ranking, today=today)
    assert rank.candidates.empty and rank.quarter_label == "Q1 2027"


# --- free capacity by hand ---------------------------------------------------------------------------------------


def test_free_capacity_by_hand(engine, today):
    with write_session(engine) as s:
        team = create(s, m.Team, {"name": "Core"}, actor=ALICE)
        ann = create(s, m.Person, {"name": "Ann", "team_id": team.id, "weekly_hours": 40, "availability": 50},
                     actor=ALICE)
        project = create(s, m.Project, {"name": "Busy", "status": "active", "team_id": team.id}, actor=ALICE)
        # 40 h over the 10 working days 4–15 Jan 2027: 4 h a day
        create(s, m.Task, {"project_id": project.id, "name": "Work", "assignee_id": ann.id, "duration_days": 10,
                           "estimate_hours": 40, "start_date": date(2027, 1, 4), "finish_date": date(2027, 1, 15)},
               actor=ALICE)
    free = read(engine, initiatives.free_capacity, start=JAN, end=date(2027, 3, 31), today=today).set_index("month")
    # Jan 2027 has 21 weekdays (no holidays stored): capacity 21 × 4 h = 84 h; load 40 h → free 44 h.
    # In the two busy weeks Ann has 20 h capacity and 20 h load each: free 0 there, 84 − 40 = 44 elsewhere.
    assert free.loc[JAN, "capacity"] == pytest.approx(84)
    assert free.loc[JAN, "load"] == pytest.approx(40)
    assert free.loc[JAN, "free_hours"] == pytest.approx(44)
    assert free.loc[FEB, "free_hours"] == pytest.approx(20 * 4)  # 20 weekdays, no load
    assert free.loc[MAR, "free_hours"] == pytest.approx(23 * 4)


def test_free_capacity_of_a_whole_team_is_the_sum_of_its_people(engine, today):
    """Team-weeks are spread instead of person-weeks (issue 16): on the demo (teams of several people, holidays,
    time off) the monthly figures equal spreading every person-week on its own and adding them up."""
    demo.seed(engine, "S", today=today)
    start, end = date(today.year, today.month, 1), date(today.year + 1, 3, 31)
    got = read(engine, initiatives.free_capacity, start=start, end=end, today=today).set_index(["team_id", "month"])
    with read_session(engine) as s:
        inputs = workload_inputs(s)
    monday = start - timedelta(days=start.weekday())
    weeks = (end - timedelta(days=end.weekday()) - monday).days // 7 + 1
    cells = compute_workload(inputs, start=monday, weeks=weeks, today=today).cells
    team_of = dict(zip(inputs.people["id"], inputs.people["team"].fillna(NO_TEAM), strict=True))
    assert cells.groupby([cells["person_id"].map(team_of)]).ngroups < len(cells["person_id"].unique())
    for column, name in (("free", "free_hours"), ("capacity", "capacity"), ("load", "load")):
        items = pd.DataFrame({"team_id": [team_of[p] for p in cells["person_id"]], "start": cells["week"],
                              "finish": [w + timedelta(days=6) for w in cells["week"]], "hours": cells[column]})
        want = ini.spread_monthly(items, inputs.holidays).groupby(["team_id", "month"])["hours"].sum()
        months = want.index.get_level_values("month")
        want = want[(months >= start) & (months <= end)]
        assert want.sum() > 0
        for key, value in want.items():
            assert got.loc[key, name] == pytest.approx(value, rel=1e-9, abs=1e-9), (column, key)


def test_free_capacity_of_some_teams_equals_theirs_in_the_whole_workspace(engine, today):
    """The ranking reads only the teams its candidates need: each keeps its figures, the others are left out."""
    demo.seed(engine, "S", today=today)
    with write_session(engine) as s:  # somebody without a team, so "No team" is a team the ranking may need
        create(s, m.Person, {"name": "Loner", "weekly_hours": 40}, actor=ALICE)
    start, end = date(today.year, today.month, 1), date(today.year + 1, 3, 31)
    whole = read(engine, initiatives.free_capacity, start=start, end=end, today=today)
    teams = sorted(set(whole["team_id"]))
    assert NO_TEAM in teams and len(teams) > 3
    some = {teams[0], teams[-1], NO_TEAM}
    got = read(engine, initiatives.free_capacity, start=start, end=end, today=today, teams=some)
    assert set(got["team_id"]) == some
    pd.testing.assert_frame_equal(got, whole[whole["team_id"].isin(some)].reset_index(drop=True))
    assert read(engine, initiatives.free_capacity, start=start, end=end, today=today, teams=set()).empty


# --- the months the work falls in ----------------------------------------------------------------------------------


def _core(s):
    """Team Core with Ann (40 h × 50 %: 4 h a working day)."""
    team = create(s, m.Team, {"name": "Core"}, actor=ALICE)
    ann = create(s, m.Person, {"name": "Ann", "team_id": team.id, "weekly_hours": 40, "availability": 50}, actor=ALICE)
    return team, ann


def _work(s, team, ann, name, status, start, finish, hours, days, budget=10_000.0, target_end=None,
          project_start=None):
    project = create(s, m.Project, {"name": name, "status": status, "team_id": team.id, "budget": budget,
                                    "start": project_start or start, "target_end": target_end}, actor=ALICE)
    create(s, m.Task, {"project_id": project.id, "name": f"{name} work", "assignee_id": ann.id,
                       "duration_days": days, "estimate_hours": hours, "start_date": start, "finish_date": finish},
           actor=ALICE)


def test_work_outside_the_quarter_is_judged_in_its_own_months(engine, today):
    with write_session(engine) as s:
        team, ann = _core(s)
        # all its work in May 2027 (3–14 May, 10 working days), none in Q1: it used to "fit" needing no hours
        _work(s, team, ann, "Later", "proposed", date(2027, 5, 3), date(2027, 5, 14), 200, 10)
        _work(s, team, ann, "Small", "proposed", date(2027, 5, 17), date(2027, 5, 21), 20, 5)
    rank = read(engine, initiatives.ranking, today=today)
    c = rank.candidates.set_index("name")
    may = date(2027, 5, 1)
    # May 2027: 21 weekdays × 4 h = 84 h free; Small (less effort, ranked first) takes 20 h; Later needs 200 h
    # of the 64 h left → 136 h short in May (not in Q1)
    assert rank.candidates["name"].tolist() == ["Small", "Later"]
    assert not c.loc["Later", "fits"]
    assert (c.loc["Later", "shortfall_month"], c.loc["Later", "shortfall_hours"]) == (may, pytest.approx(136))
    assert c.loc["Small", "fits"] and c.loc["Small", "work_months"] == "May 2027"
    assert set(rank.detail["month"]) == {may}
    assert may in set(rank.free["month"]) and JAN in set(rank.free["month"])
    assert dict(zip(rank.table["Candidate"], rank.table["Fits capacity"], strict=True)) == {
        "Small": "● fits May 2027", "Later": "■ no: Core 136 h short in May 2027"}


def test_a_delayed_candidate_is_judged_on_the_months_it_falls_in(engine, today):
    with write_session(engine) as s:
        team, ann = _core(s)
        # committed work fills Ann's February (20 weekdays × 4 h = 80 h)
        _work(s, team, ann, "Busy", "active", date(2027, 2, 1), date(2027, 2, 26), 80, 20)
        # the candidate's target end is Fri 29 Jan, but its work runs 1 Feb – 3 Mar: 23 working days late.
        # 92 h over 23 days = 4 h a day: 80 h in February (no room), 12 h in March
        _work(s, team, ann, "Slipped", "proposed", date(2027, 2, 1), date(2027, 3, 3), 92, 23,
              target_end=date(2027, 1, 29), project_start=date(2027, 1, 4))
    rank = read(engine, initiatives.ranking, today=today)
    row = rank.candidates.set_index("name").loc["Slipped"]
    assert row["late_days"] == 23
    assert not row["fits"] and row["shortfall_month"] == FEB and row["shortfall_hours"] == pytest.approx(80)
    assert rank.table["Fits capacity"].tolist() == ["■ no: Core 80 h short in Feb 2027 (23 working days late)"]
    assert "23 working days after its target end" in rank.why["Capacity"].iloc[0]


def test_a_candidate_task_without_dates_is_named_in_a_note(engine, today):
    with write_session(engine) as s:
        team, ann = _core(s)
        _work(s, team, ann, "Portal", "proposed", date(2027, 2, 1), date(2027, 2, 5), 20, 5)
        portal = s.exec(select(m.Project).where(m.Project.name == "Portal")).scalars().one()
        create(s, m.Task, {"project_id": portal.id, "name": "Portal testing", "duration_days": 3,
                           "estimate_hours": 24}, actor=ALICE)
    rank = read(engine, initiatives.ranking, today=today)
    assert "1 candidate task(s) have no dates yet and are not in the check: Portal testing" in rank.notes
    assert rank.candidates.set_index("name").loc["Portal", "effort_hours"] == 44


def test_overview_goal_reasons_lead_with_plain_words(seeded, today):
    view = read(seeded, overview.overview, today=today)
    reasons = dict(zip(view.attention["item"], view.attention["why"], strict=True))
    assert reasons["Goal · Delight our customers"] == "0.28 done vs 0.52 expected by now: 2 of 3 key results behind"
    assert all("×" not in why for item, why in reasons.items() if item.startswith("Goal · "))
