"""Request views on SQLite and PostgreSQL: what became of each request, and the Requests page's metrics."""

from __future__ import annotations

import requests_fixtures as fx
from requests_fixtures import TODAY, submit

from worksmith.commands import requests as commands
from worksmith.store.db import read_session, write_session
from worksmith.views import requests as views

world = fx.world  # the fixture


def test_requests_frame_tells_each_requester_the_outcome(engine, world):
    a = submit(engine, world, title="Booth")
    b = submit(engine, world, title="Offsite")
    c = submit(engine, world, title="Monitor", type="IT")
    with write_session(engine) as s:
        commands.convert_to_project(s, request_id=a, expected_version=1, actor=world.bob)
        commands.reject(s, request_id=b, reason="Not this year", expected_version=1, actor=world.bob)
        commands.approve(s, request_id=c, expected_version=1, actor=world.bob)
    with read_session(engine) as s:
        df = views.requests_frame(s, today=TODAY).set_index("title")
        view = views.view(s, today=TODAY)
    assert df.loc["Booth", "outcome"] == "project 'Booth' (proposed)"
    assert df.loc["Offsite", "outcome"] == "rejected: Not this year"
    assert df.loc["Monitor", "outcome"] == "work item 'Monitor (IT support, New)'"
    assert df.loc["Booth", "status_label"].endswith("converted") and df.loc["Offsite", "decided_by"] == "Bob"
    assert df.loc["Booth", "age_days"] == 2  # submitted 23 Nov
    metrics = {x.label: (x.value, x.delta) for x in view.metrics}
    assert metrics["Awaiting approval"] == ("0", "queue is empty")
    assert metrics["Converted into work"] == ("2", "1 project · 1 work item")
