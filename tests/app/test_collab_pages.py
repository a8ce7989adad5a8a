"""My work, Inbox and the project Updates tab on the demo (AppTest): they render, an update is posted with a
mention picked from people, the mentioned person's inbox lists it, and the sidebar shows the unread count."""

from __future__ import annotations

import os

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session


def _ok(app: AppTest) -> None:
    assert not app.exception, "\n".join(e.message for e in app.exception)
    assert not app.error, [e.value for e in app.error]


def _open(app: AppTest, page: str, **params: str) -> AppTest:
    app.run()
    _ok(app)
    app.switch_page(page)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    _ok(app)
    return app


def test_my_work_renders_on_the_demo(workspace, app):
    workspace(demo=True)
    _open(app, "pages/my_work.py")
    text = " ".join(md.value for md in app.markdown)
    assert "due this week" in text and "planned of" in text
    assert any(s.value.startswith("Overdue (") for s in app.subheader)
    assert any(b.label == "Mark done" for b in app.button)


def test_post_an_update_in_the_updates_tab_reaches_the_inbox(workspace, app):
    workspace(demo=True)
    _open(app, "pages/projects.py", project="Website relaunch", tab="Updates")
    app.text_area(key="upd_1_post_body").input("Copy is final, see https://docs.example/copy")
    app.multiselect(key="upd_1_post_mention").select("Sofia Rossi")
    next(b for b in app.button if b.label == "Post update").click()
    app.run()
    _ok(app)
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        row = s.exec(select(m.Comment).order_by(m.Comment.id.desc())).scalars().first()
    assert row.body == "Copy is final, see https://docs.example/copy\n@Sofia Rossi" and row.author_id == 1
    assert any("[https\\://docs\\.example/copy](https://docs.example/copy)" in md.value for md in app.markdown)
    # Sofia (person 3) sees it in her inbox, with the count in the sidebar
    app.session_state["actor_id"] = 3
    app.switch_page("pages/inbox.py")
    app.run()
    _ok(app)
    assert any(link.label.startswith("Inbox (") and link.label != "Inbox (0)" for link in app.sidebar.get("page_link"))
    assert any("Ava Thompson mentioned you on project" in md.value for md in app.markdown)
