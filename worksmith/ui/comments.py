"""The thread of updates under a project (with its tasks), a request, a goal or a work item.

User text is rendered by :func:`worksmith.domain.mentions.render` (escaped like ``ui.md``; only http(s) links;
mentions in bold). @mentions: type ``@Full Name`` or pick people in "Mention" (type to filter: autocomplete from
people). Your own update can be edited or deleted for 15 minutes after posting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.commands import comments as cc
from worksmith.domain.mentions import mentioned, render, within_edit_window
from worksmith.ui import shell as ui
from worksmith.views import comments as vc
from worksmith.views import people as people_view

HIGHLIGHT = "comment"  # ?comment=<id>: the update an inbox link opened


def now_on(today: date) -> datetime:
    """'Now' on the app's (possibly pinned) day: ``today`` at the current UTC time of day."""
    return datetime.combine(today, datetime.now(UTC).time(), tzinfo=UTC)


def with_mentions(body: str, picked: list[str], people: dict[int, str]) -> str:
    """``body`` with "@Name" added for each picked person it does not mention yet."""
    ids = {v: k for k, v in people.items()}
    already = set(mentioned(body, people))
    extra = [f"@{name}" for name in picked if ids.get(name) not in already]
    return (body.rstrip() + ("\n" if body.strip() else "") + " ".join(extra)) if extra else body


def _stamp(at: datetime | None) -> str:
    return fmt.DASH if at is None or pd.isna(at) else f"{at:%d %b %Y %H:%M} UTC"


def _entry(r, people: dict[int, str], me: int | None, now: datetime, key: str, reply_to: bool) -> None:
    opened = st.query_params.get(HIGHLIGHT) == str(r.id)
    with st.container(border=True, key=f"{key}_c{r.id}"):
        about = "" if r.about in ("the project", r.subject) else f" · on {ui.md(r.about)}"
        edited = " · edited" if r.edited_at is not None and not pd.isna(r.edited_at) else ""
        st.markdown(f"**{ui.md(r.author)}**{about} · {_stamp(r.created_at)}{edited}"
                    + (" :orange-badge[opened from your inbox]" if opened else ""))
        if r.deleted:
            st.caption("This update was deleted by its author.")
            return
        st.markdown(render(r.body, people))
        mine = me is not None and r.author_id == me and within_edit_window(r.created_at, now)
        cols = st.columns([1, 1, 1, 5])
        if reply_to:
            with cols[0].popover("Reply", icon=":material/reply:"):
                text = st.text_area("Your reply", key=f"{key}_reply_text_{r.id}")
                if st.button("Post reply", key=f"{key}_reply_{r.id}", type="primary") and ui.run(
                        cc.post, subject=r.subject, subject_id=int(r.subject_id), body=text, parent_id=int(r.id),
                        now=now) is not None:
                    ui.flash("Reply posted")
        if mine:
            with cols[1].popover("Edit", icon=":material/edit:"):
                text = st.text_area("Update", value=r.body, key=f"{key}_edit_text_{r.id}")
                if st.button("Save", key=f"{key}_edit_{r.id}", type="primary") and ui.run(
                        cc.edit, comment_id=int(r.id), body=text, expected_version=int(r.version),
                        now=now) is not None:
                    ui.flash("Update edited")
            if cols[2].button("Delete", key=f"{key}_delete_{r.id}", icon=":material/delete:") and ui.run(
                    cc.delete, comment_id=int(r.id), expected_version=int(r.version), now=now) is not None:
                ui.flash("Update deleted")


def _post_form(key: str, targets: dict[str, tuple[str, int]], people: dict[int, str], now: datetime) -> None:
    active = ui.query(people_view.active_people)
    with st.form(f"{key}_post", clear_on_submit=True):
        about = st.selectbox("About", list(targets), key=f"{key}_post_about") if len(targets) > 1 else \
            next(iter(targets))
        body = st.text_area("Post an update", key=f"{key}_post_body", max_chars=10_000,
                            placeholder="What changed, what is next? Mention people with @Full Name; links: http(s).")
        picked = st.multiselect("Mention", sorted(active.values(), key=str.casefold), key=f"{key}_post_mention",
                                placeholder="type a name to find people")
        if st.form_submit_button("Post update", type="primary", icon=":material/send:"):
            subject, subject_id = targets[about]
            if ui.run(cc.post, subject=subject, subject_id=subject_id, body=with_mentions(body, picked, people),
                      now=now) is not None:
                ui.flash("Update posted")


def _show(rows: pd.DataFrame, people: dict[int, str], key: str, today: date) -> None:
    me = ui.actor().id
    now = now_on(today)
    if rows.empty:
        st.caption("No updates yet.")
    for r in rows.itertuples():
        if pd.isna(r.parent_id):
            _entry(r, people, me, now, key, reply_to=True)
        else:
            pad, body = st.columns([1, 14])
            with body:
                _entry(r, people, me, now, key, reply_to=False)


def subject_updates(subject: str, subject_id: int, today: date, *, key: str) -> None:
    """The thread of one request, goal or work item, with a form to post."""
    thread = ui.query(vc.subject_thread, subject=subject, subject_id=subject_id)
    _post_form(key, {subject: (subject, subject_id)}, thread.people, now_on(today))
    _show(thread.rows, thread.people, key, today)


def project_updates(project_id: int, task_labels: dict[int, str], today: date) -> None:
    """The Updates tab: the project's thread and its tasks' threads, newest first, filterable."""
    key = f"upd_{project_id}"
    thread = ui.query(vc.project_thread, project_id=project_id)
    targets = {"the project": ("project", project_id)}
    targets |= {f"task {label}": ("task", tid) for tid, label in task_labels.items()}
    _post_form(key, targets, thread.people, now_on(today))
    c1, c2, c3 = st.columns([2, 2, 3])
    abouts = sorted(set(thread.rows["about"])) if len(thread.rows) else []
    about = c1.selectbox("About", [None, *abouts], key=f"{key}_f_about",
                         format_func=lambda a: "everything" if a is None else a)
    authors = sorted(set(thread.rows["author"])) if len(thread.rows) else []
    author = c2.selectbox("By", [None, *authors], key=f"{key}_f_author",
                          format_func=lambda a: "anyone" if a is None else a)
    text = c3.text_input("Search the updates", key=f"{key}_f_text")
    rows = vc.filtered(thread.rows, about=about, author=author, text=text)
    st.caption(f"{int(rows['parent_id'].isna().sum()) if len(rows) else 0} thread(s), newest first")
    _show(rows, thread.people, key, today)
