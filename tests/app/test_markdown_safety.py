"""Names cannot plant markdown (issue "Data integrity" point 12): a project, an operation work item and a request
named like a link, an image, a colour directive and bold show as typed on the Overview, Projects, Operations and
Requests pages — every markdown element carries the escaped text (``ui.md``), none the live link or image."""

from __future__ import annotations

import os
from datetime import date

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.commands import operations as co
from worksmith.commands import projects as cp
from worksmith.commands import requests as cr
from worksmith.commands.core import Actor
from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session, run_in_transaction
from worksmith.ui.markdown import md

NAME = "[x](javascript:alert(1)) ![](http://tracker/p.png) :red[boo] **b**"
LIVE = ["[x](javascript:", "![](http://tracker", ":red[boo]", "**b**"]  # what markdown would turn into a link…
MARKDOWN_ELEMENTS = ("markdown", "caption", "subheader", "title", "header", "warning", "info", "success", "error",
                     "toast")
TODAY = date(2026, 11, 25)
AVA = Actor(1, "Ava Thompson")


def texts(app: AppTest) -> list[str]:
    """The markdown source of every element that renders markdown, and the labels of tiles, tabs and expanders."""
    found = [str(e.value) for kind in MARKDOWN_ELEMENTS for e in getattr(app, kind)]
    found += [str(x) for e in app.metric for x in (e.label, e.value, e.delta)]
    found += [str(e.label) for kind in ("tabs", "expander") for e in getattr(app, kind)]
    return found


def plant(engine) -> int:
    """The project, the IT support work item and the request, all named ``NAME``; returns the request's id."""
    with read_session(engine) as s:
        it = s.exec(select(m.Operation).where(m.Operation.name == "IT support")).scalars().one()
    run_in_transaction(engine, lambda s: cp.create_project(s, data={
        "name": NAME, "status": "active", "start": date(2026, 11, 2), "target_end": date(2026, 11, 20)}, actor=AVA))
    run_in_transaction(engine, lambda s: co.create_work_item(s, actor=AVA, operation_id=it.id, title=NAME,
                                                             owner_id=1))
    return run_in_transaction(engine, lambda s: cr.submit(s, actor=AVA, requester_id=1, type="change", title=NAME,
                                                          description=NAME, today=TODAY, operation_id=it.id).id)


def test_names_show_as_typed_never_as_links_or_images(app, workspace):
    workspace(demo=True)
    app.run()  # seeds the demo
    assert not app.exception
    request_id = plant(get_engine(os.environ["DATABASE_URL"]))
    pages = [("overview.py", {}), ("projects.py", {"project": NAME}),
             ("operations.py", {"operation": "IT support"}), ("requests.py", {"request": str(request_id)})]
    for page, params in pages:
        app.switch_page(f"pages/{page}")
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, (page, [e.message for e in app.exception])
        shown = texts(app)
        in_tables = any(NAME in df.value.astype(str).to_csv() for df in app.dataframe)  # tables show text as typed
        assert any(md(NAME) in t for t in shown) or in_tables, f"{page}: the name is not shown (escaped)"
        live = [t for t in shown for raw in LIVE if raw in t]
        assert not live, f"{page}: markdown planted by a name: {live}"


def test_md_escapes_every_markdown_character_of_the_name():
    escaped = md(NAME)
    assert escaped.replace("\\", "") == NAME
    for raw in LIVE:
        assert raw not in escaped
