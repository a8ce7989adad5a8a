"""Team, RACI and risk commands and views on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from projects_fixtures import ANA, count, planned

from worksmith.commands import project_team as ct
from worksmith.errors import ConflictError, ValidationError
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import project_team as vt


# ------------------------------------------------------------------------------------------------ team, RACI, risks
def _people(engine, *names) -> list[int]:
    with write_session(engine) as s:
        rows = [m.Person(name=n) for n in names]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_members_and_raci_with_exactly_one_accountable(engine, today):
    pid = planned(engine, today)
    ana, bo = _people(engine, "Ana", "Bo")
    with write_session(engine) as s:
        ct.set_member(s, project_id=pid, person_id=ana, role="manager", allocation=40, actor=ANA)
        ct.set_member(s, project_id=pid, person_id=bo, role="member", allocation=50, actor=ANA)
        ct.set_member(s, project_id=pid, person_id=bo, role="member", allocation=80, actor=ANA)  # an update
    with read_session(engine) as s:
        team = vt.members(s, project_id=pid)
        matrix = vt.raci_matrix(s, project_id=pid)
    assert team[["person", "role", "allocation"]].values.tolist() == [["Ana", "manager", 40.0],
                                                                      ["Bo", "member", 80.0]]
    assert matrix["item"].tolist() == ["Phase · Shape", "Phase · Make", "Phase · Ship", "Milestone · Launch"]
    matrix.loc[0, ["Ana", "Bo"]] = ["A", "R"]
    matrix.loc[1, ["Ana", "Bo"]] = ["A", "A"]
    with pytest.raises(ValidationError) as err, write_session(engine) as s:
        ct.save_raci(s, project_id=pid, matrix=matrix, actor=ANA)
    assert "Phase · Make has 2 Accountable (A): Ana, Bo; keep exactly one." in str(err.value)
    assert "Phase · Ship has no Accountable (A)" in str(err.value)
    assert "Milestone" not in str(err.value)  # an empty milestone row is allowed
    assert count(engine, m.Raci) == 0
    matrix.loc[1, "Bo"] = "R"
    matrix.loc[2, ["Ana", "Bo"]] = ["A", "I"]
    with write_session(engine) as s:
        assert ct.save_raci(s, project_id=pid, matrix=matrix, actor=ANA) == 6
    with read_session(engine) as s:
        again = vt.raci_matrix(s, project_id=pid)
    assert again.loc[2, ["Ana", "Bo"]].tolist() == ["A", "I"]
    with write_session(engine) as s:
        ct.remove_member(s, member_id=int(team.loc[1, "id"]), expected_version=int(team.loc[1, "version"]),
                         actor=ANA)
    assert count(engine, m.Raci) == 3


def test_risks_register_scores_and_locking(engine, today):
    pid = planned(engine, today)
    with write_session(engine) as s:
        rid = ct.save_risk(s, project_id=pid, values={"title": "Vendor late", "probability": 4, "impact": 5},
                           actor=ANA)
        ct.save_risk(s, project_id=pid, values={"title": "Rain", "probability": 1, "impact": 2}, actor=ANA)
    with read_session(engine) as s:
        reg = vt.risks(s, project_id=pid)
    assert reg[["title", "score", "level"]].values.tolist() == [["Vendor late", 20, "high"], ["Rain", 2, "low"]]
    with write_session(engine) as s:
        ct.save_risk(s, project_id=pid, risk_id=rid, expected_version=1, values={"status": "closed"}, actor=ANA)
    with pytest.raises(ConflictError), write_session(engine) as s:
        ct.save_risk(s, project_id=pid, risk_id=rid, expected_version=1, values={"impact": 1}, actor=ANA)
    with pytest.raises(ValidationError, match="probability"), write_session(engine) as s:
        ct.save_risk(s, project_id=pid, values={"title": "Bad", "probability": 6, "impact": 1}, actor=ANA)
