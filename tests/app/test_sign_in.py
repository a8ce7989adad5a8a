"""Sign-in and roles in the app, without a real provider: ``at.secrets["auth"]`` turns sign-in on and ``at.user``
is what the run reads as ``st.user`` (Streamlit 1.67's AppTest). Without ``[auth]``, "Acting as" stays.

Demo roles (worksmith/demo.py DEMO_ACCESS): Ava Thompson and Henry Walker admins, William Hughes and Ethan Brooks
approvers, Lily Park a viewer, everyone else an editor.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from worksmith.store import models as m
from worksmith.store.db import get_engine, read_session

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "worksmith", "client_secret": "x",
        "server_metadata_url": "https://id.example/.well-known/openid-configuration"}


def person(name: str) -> m.Person:
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        return s.exec(m.Person.__table__.select().where(m.Person.name == name)).first()


def signed_in(app: AppTest, email: str | None, page: str | None = None, **params: str) -> AppTest:
    """Sign-in configured; ``email`` None = signed out."""
    del app.query_params["as"]
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "name": "X"}
    app.run()
    if page:
        app.switch_page(f"pages/{page}")
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_without_auth_acting_as_stays_and_says_no_sign_in(app, workspace) -> None:
    workspace(demo=True)
    app.run()
    assert [s.label for s in app.sidebar.selectbox] == ["Acting as"]
    assert "No sign-in configured" in texts(app.sidebar.caption)
    assert "Role: **admin**" in texts(app.sidebar.caption)  # ?as=1 is Ava Thompson, an admin in the demo


def test_signed_out_sees_only_sign_in(app, workspace) -> None:
    workspace(demo=True)
    signed_in(app, None)
    assert [t.value for t in app.title] == ["Sign in to Worksmith"]
    assert [b.key for b in app.button] == ["sign_in"]
    assert not app.sidebar.selectbox and not app.metric  # no "Acting as", no page content


def test_signed_in_person_acts_with_their_role_and_no_picker(app, workspace) -> None:
    workspace(demo=True)
    signed_in(app, "  William.Hughes@Northwind.example ", "requests.py",
              request="#3 Trade show booth in March")  # case and spaces do not matter
    assert not app.sidebar.selectbox  # the signed-in person replaces "Acting as"
    assert "Signed in as **William Hughes**" in texts(app.sidebar.markdown)
    assert "Role: **approver**" in texts(app.sidebar.caption)
    request = app.selectbox(key="request").value
    app.text_area(key=f"req_reason_{request}").input("Fits the plan")
    app.button(key="req_approve").click().run()
    assert not app.error, texts(app.error)
    with read_session(get_engine(os.environ["DATABASE_URL"])) as s:
        decided = s.get(m.Request, request)
    assert (decided.status, decided.decided_by_id) in {("approved", person("William Hughes").id),
                                                        ("converted", person("William Hughes").id)}


def test_unknown_email_is_told_to_ask_an_admin(app, workspace) -> None:
    workspace(demo=True)
    signed_in(app, "stranger@elsewhere.example")
    assert [t.value for t in app.title] == ["You are signed in, but not in this workspace"]
    assert "ask an admin to add you" in texts(app.warning)
    assert "stranger@elsewhere" in texts(app.warning)
    assert [b.key for b in app.button] == ["sign_out"]


def test_a_viewer_sees_why_decisions_are_hidden(app, workspace) -> None:
    workspace(demo=True)
    signed_in(app, "lily.park@northwind.example", "requests.py")
    assert "Lily Park is a viewer: viewers cannot approve, reject or convert requests" in texts(app.info)
    assert not [b for b in app.button if b.key in {"req_approve", "req_reject", "req_convert_project"}]
    assert "change nothing" in texts(app.sidebar.caption)


@pytest.mark.parametrize(("email", "shown"), [("ethan.brooks@northwind.example", False),
                                              ("henry.walker@northwind.example", True)])
def test_start_over_and_roles_are_for_admins(app, workspace, email: str, shown: bool) -> None:
    workspace(demo=True)
    signed_in(app, email, "data.py")
    keys = {b.key for b in app.button}
    assert ({"data_load_demo", "roles_save"} <= keys) is shown
    if not shown:
        assert "Ethan Brooks is an approver: approvers cannot start over" in texts(app.info)
        assert "approvers cannot change roles" in texts(app.info)


def test_the_data_page_lists_everyone_with_their_role(app, workspace) -> None:
    workspace(demo=True)
    app.run()  # without sign-in, acting as Ava Thompson (admin)
    app.switch_page("pages/data.py").run()
    roles = next(e.value for e in app.dataframe if "access" in e.value.columns)
    by_name = dict(zip(roles["name"], roles["access"], strict=True))
    assert (by_name["Lily Park"], by_name["William Hughes"], by_name["Henry Walker"], by_name["Liam Chen"]) == (
        "viewer", "approver", "admin", "editor")
    assert "roles_save" in {b.key for b in app.button}


def test_public_demo_has_no_roles(app, workspace, monkeypatch) -> None:
    workspace(demo=True)
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "1")
    app.run()
    app.switch_page("pages/data.py").run()
    assert "Roles are off in the public demo" in texts(app.info)
    assert "roles_save" not in {b.key for b in app.button}
