"""Inbox: what needs you — mentions, replies, updates you follow, new assignments, approvals, overdue or critical
tasks and goals at risk — computed from the data; read marks are yours."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import streamlit as st

from worksmith.commands import inbox as commands
from worksmith.ui import shell as ui
from worksmith.views import inbox as views

ui.page_setup("Inbox", "Mentions, replies, updates on what you own, new assignments, approvals waiting, your tasks "
              "overdue or critical, your goals at risk. Open an item to go to it; it is then marked read.", __file__)
today = ui.today()
me = ui.person_or_stop("your inbox")
box = ui.query(views.inbox, person_id=me.id, today=today)
c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
c1.metric("Unread", box.unread, border=True)
show = c2.segmented_control("Show", ["Unread", "All"], default="Unread" if box.unread else "All", key="inbox_show",
                            required=True)
kinds = c2.multiselect("Kinds", list(views.KINDS), format_func=views.KINDS.get, key="inbox_kinds",
                       placeholder="every kind")
if c3.button("Mark all read", key="inbox_all_read", icon=":material/done_all:", disabled=not box.unread):
    if ui.run(commands.mark_all_read, today=today) is not None:
        ui.flash("Everything marked read")
items = [i for i in box.items if (show == "All" or not i.read) and (not kinds or i.kind in kinds)]
if not items:
    st.success("Nothing new." if show == "Unread" else "Your inbox is empty.", icon=":material/inbox:")
for item in items:
    with st.container(border=True, key=f"inbox_{item.key.replace(':', '_')}"):
        left, mid, right = st.columns([8, 1, 1], vertical_alignment="center")
        dot = "" if item.read else ":blue[●] "
        left.markdown(f"{dot}**{ui.md(item.title)}**  \n{ui.md(item.detail)}")
        left.caption(f"{views.KINDS[item.kind]} · {item.when:%d %b %Y}")
        if mid.button("Open", key=f"inbox_open_{item.key}", icon=":material/open_in_new:", type="primary"):
            if item.read or ui.run(commands.mark, items=[item.key], read=True) is not None:
                st.switch_page(item.page, query_params=item.params)
        label, icon = ("Unread", ":material/mark_email_unread:") if item.read else ("Read", ":material/drafts:")
        if right.button(label, key=f"inbox_toggle_{item.key}", icon=icon, help=f"Mark {label.lower()}"):
            if ui.run(commands.mark, items=[item.key], read=not item.read) is not None:
                ui.flash(f"Marked {label.lower()}")
