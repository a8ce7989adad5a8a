"""Pure rules of the project views: lessons ranking and portfolio filters (views/projects.py); RACI
(views/project_team.py) and risk levels (domain/risks.py) (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from worksmith.domain.risks import risk_level
from worksmith.views import projects as vp
from worksmith.views.project_team import raci_problems
from worksmith.views.projects import filter_portfolio, rank_lessons


def test_rank_lessons_by_shared_phases_and_skills():
    lessons = pd.DataFrame({"project": ["Office move", "Old website"], "lessons": ["x", "y"],
                            "phases": [["Move", "Prepare"], ["Build", "Design", "Launch"]],
                            "skills": [["facilities"], ["frontend", "qa"]]})
    ranked = rank_lessons(lessons, {"Design", "Build", "Discovery"}, {"frontend"})
    assert ranked["project"].tolist() == ["Old website", "Office move"]
    # shared {Build, Design, frontend} = 3 of the union {Build, Design, Discovery, Launch, frontend, qa} = 6
    assert ranked["similarity"].tolist() == [0.5, 0.0]
    assert ranked["why"].tolist() == ["shares phases Build, Design; skills frontend", "a closed project"]


class TestRaci:
    def test_exactly_one_accountable_per_phase(self):
        m = pd.DataFrame({"kind": ["phase", "phase", "phase", "milestone", "milestone"],
                          "item": ["Phase · A", "Phase · B", "Phase · C", "Milestone · M", "Milestone · N"],
                          "Ana": ["A", "A", "R", "", "R"], "Bo": ["R", "a", "", "", "X"]})
        assert raci_problems(m, ["Ana", "Bo"]) == [
            "Phase · B has 2 Accountable (A): Ana, Bo; keep exactly one.",
            "Phase · C has no Accountable (A); choose exactly one.",
            "Milestone · N: unknown letter X (use R, A, C or I).",
            "Milestone · N has no Accountable (A); choose exactly one."]

    @pytest.mark.parametrize(("score", "level"), [(1, "low"), (4, "low"), (5, "medium"), (12, "medium"),
                                                  (15, "high"), (25, "high")])
    def test_risk_levels(self, score, level):
        assert risk_level(score) == level


def test_filter_portfolio_combines_filters():
    table = pd.DataFrame({"project": ["Web", "App", "ERP"], "status_key": ["active", "active", "proposed"],
                          "health_key": ["on track", "off track", "not started"], "team": ["Eng", "Eng", "Fin"],
                          "goal": ["G1", "G2", "G1"], "reasons": ["fine", "forecast late", "status proposed"]})
    assert filter_portfolio(table)["project"].tolist() == ["Web", "App", "ERP"]
    assert filter_portfolio(table, statuses=["active"], goal="G1")["project"].tolist() == ["Web"]
    assert filter_portfolio(table, healths=["off track"], team="Eng")["project"].tolist() == ["App"]
    assert filter_portfolio(table, text="LATE")["project"].tolist() == ["App"]


def test_header_says_the_status_once():
    from_reason = vp.header_summary(["status proposed"], "proposed")
    assert from_reason.count("proposed") == 1 and from_reason == "Status proposed."
    active = vp.header_summary(["forecast finish 04 Dec is 2 working days after the target 02 Dec"], "active")
    assert active.endswith("Status *active*.") and active.count("active") == 1
