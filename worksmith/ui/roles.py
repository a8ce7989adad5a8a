"""Data page, "People & roles": who may do what (viewer / editor / approver / admin), editable by admins only.

Roles are off in the public demo (every visitor edits their own sandbox), so the table is not shown there.
"""

from __future__ import annotations

import streamlit as st

from worksmith.commands import roles as commands
from worksmith.store.models import ACCESS_ROLES
from worksmith.ui import shell as ui
from worksmith.ui import workspace as ws
from worksmith.views import access as views

ROLES_REV = "roles_editor_rev"  # bumped after a save so the editor starts from the saved table
ROLE_HELP = ("viewer: looks, changes nothing · editor: plans, tasks, risks, budgets, check-ins, people, requests · "
             "approver: also approves or rejects requests and candidate projects · admin: also restores, starts "
             "over, changes roles and workspace settings")


def roles_table() -> None:
    if ws.public_demo():
        st.info("Roles are off in the public demo: every visitor is an editor in their own sandbox.",
                icon=":material/block:")
        return
    st.caption(ROLE_HELP + ". " + ("Signed-in people are matched by email." if ui.sign_in_configured() else
                                   "No sign-in is configured, so roles keep honest people from slips, not "
                                   "strangers out (README, Modes)."))
    table = ui.query(views.roles_table)
    admin = ui.can("admin")
    rev = st.session_state.setdefault(ROLES_REV, 0)
    edited = st.data_editor(
        table, key=f"roles_editor_{rev}", hide_index=True, width="stretch",
        disabled=[c for c in table.columns if c != "access" or not admin],
        column_order=["name", "email", "access", "active"], column_config={
            "name": "Name", "email": "Email (sign-in)", "active": st.column_config.CheckboxColumn("Active"),
            "access": st.column_config.SelectboxColumn("Access", options=list(ACCESS_ROLES), required=True,
                                                       help=ROLE_HELP)})
    if not ui.allowed("admin", "change roles"):
        return
    changes = {int(r.id): (str(e), int(r.version)) for r, e in zip(table.itertuples(), edited["access"], strict=True)
               if str(e) != r.access}
    if st.button("Save roles", key="roles_save", type="primary", disabled=not changes) and (
            summary := ui.run(commands.set_roles, roles=changes)) is not None:
        ui.flash(summary, **{ROLES_REV: rev + 1})
