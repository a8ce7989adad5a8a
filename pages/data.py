"""Data: take the workspace out (Excel, CSV), see who changed what, start over."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import json

import streamlit as st

from worksmith import demo, fmt
from worksmith.commands import workspace
from worksmith.exchange import workbook as export
from worksmith.exchange.backup import BackupRefused, backup_json, read_backup, restore_json
from worksmith.ui import roles
from worksmith.ui import shell as ui
from worksmith.ui import workspace as ws
from worksmith.ui.data import wizard
from worksmith.ui.projects.plan import import_plan_file
from worksmith.views import projects as vp
from worksmith.views.tables import EXPORT_TABLES, activity

ui.page_setup("Data", "Export the workspace, see the activity log, start over.", __file__)
today = ui.today()
PUBLIC_DEMO_OFF = ("Not available in the public demo: {what} would replace the whole workspace. "
                   "“Start fresh” in the banner gives you a new copy of the demo.")

exp, backup_tab, log_tab, start_tab, roles_tab = st.tabs(
    [":material/download: Export", ":material/backup: Backup and restore", ":material/history: Activity log",
     ":material/restart_alt: Start over", ":material/admin_panel_settings: People & roles"])
with exp:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Whole workspace** — an index, then one sheet per table, names next to ids.")
        if st.button("Prepare Excel workbook", key="data_prepare_xlsx"):
            st.session_state["data_xlsx"] = ui.query(export.workbook)
        if st.session_state.get("data_xlsx"):
            st.download_button("Download worksmith.xlsx", st.session_state["data_xlsx"],
                               file_name=f"worksmith-{today:%Y-%m-%d}.xlsx", type="primary",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               on_click="ignore")
    with c2:
        st.markdown("**One table** as CSV.")
        names = [model.__tablename__ for model in EXPORT_TABLES]
        table = st.selectbox("Table", names, key="data_csv_table")
        st.download_button(f"Download {table}.csv", ui.deferred(export.table_csv, table=table),
                           file_name=f"{table}.csv", mime="text/csv", key="data_csv_download", on_click="ignore")
with backup_tab:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Back up** every table to one JSON file — it restores into SQLite or PostgreSQL.")
        if st.button("Prepare backup", key="data_prepare_backup"):
            st.session_state["data_backup"] = json.dumps(ui.query(backup_json)).encode("utf-8")
        if st.session_state.get("data_backup"):
            st.download_button("Download backup.json", st.session_state["data_backup"], type="primary",
                               file_name=f"worksmith-backup-{today:%Y-%m-%d}.json", mime="application/json",
                               on_click="ignore")
    with c2:
        if ws.public_demo():
            st.info(PUBLIC_DEMO_OFF.format(what="restoring a backup"), icon=":material/block:")
        elif ui.allowed("admin", "restore a backup"):
            st.markdown("**Restore** replaces everything in this workspace with the backup's contents.")
            upload = st.file_uploader("Backup file (.json)", type=["json"], key="data_restore_file")
            if upload is not None and st.button("Restore this backup", type="primary", key="data_restore"):
                try:
                    document = read_backup(upload.getvalue())  # the whole file is checked before anything changes
                except BackupRefused as refused:
                    st.error(ui.md(refused.headline) + "\n" + "\n".join(f"- {ui.md(p)}" for p in refused.shown()),
                             icon=":material/error:")
                else:
                    counts = ui.run(restore_json, data=document, success="Backup restored")
                    if counts is not None:
                        st.caption(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables.")
with log_tab:
    log = ui.query(activity, limit=1000)
    c1, c2 = st.columns(2)
    who = c1.multiselect("Who", sorted(log["actor"].unique()), key="data_log_actor")
    what = c2.multiselect("What", sorted(log["entity"].unique()), key="data_log_entity")
    shown = log[log["actor"].isin(who or log["actor"]) & log["entity"].isin(what or log["entity"])].copy()
    shown["at"] = [fmt.day(t) + f" {t:%H:%M}" for t in shown["at"]]
    st.caption(f"{len(shown)} of the last {len(log)} changes")
    st.dataframe(shown, hide_index=True, width="stretch")
with start_tab:
    if ws.public_demo():
        st.info(PUBLIC_DEMO_OFF.format(what="starting over"), icon=":material/block:")
    elif ui.allowed("admin", "start over or load the demo"):
        st.markdown("Start an **empty workspace** for your own team, or put the **demo** back. Both replace "
                    "everything here — download the Excel workbook first if you want to keep it.")
        c1, c2 = st.columns(2)
        with c1.popover("Start an empty workspace"):
            st.warning("This deletes every project, goal, person and figure in this workspace.")
            if st.checkbox("I have what I need; delete everything", key="data_confirm_empty"):
                if st.button("Start empty", type="primary", key="data_start_empty") and (
                        ui.run(workspace.start_empty) is not None):
                    ui.flash()
        with c2.popover("Load the demo workspace"):
            if st.button("Replace everything with the demo", type="primary", key="data_load_demo"):
                demo.seed(ui.engine(), "S", today=today, reset=True)
                ui.clear_caches()
                ui.flash()
with roles_tab:
    roles.roles_table()

# ------------------------------------------------------------------------------------------------ plan import
st.divider()
st.subheader(":material/upload_file: Import a plan", anchor="import-a-plan")
st.caption("A plan file (CSV or Excel) becomes a new project or the plan of an existing one: upload → preview with "
           "the problems per row → import, all or nothing, once per file.")
import_plan_file(ui.query(vp.choices), today, key="data_plan_file")

# ------------------------------------------------------------------------------------------------ import wizard
st.divider()
st.subheader(":material/table_view: Import a table", anchor="import-a-table")
st.caption("People, teams, projects, tasks, budget lines or expenses from CSV or Excel: columns matched to fields "
           "(remembered per file shape), a preview with every row's problems, then one all-or-nothing import.")
wizard.import_wizard(ui.query(vp.choices)["projects"], today)

# ------------------------------------------------------------------------------------------------ calendars
st.divider()
st.subheader(":material/event: Calendars", anchor="calendars")
st.caption("iCalendar files for Outlook, Google or Apple Calendar. This deployment cannot serve a subscription URL "
           "(Streamlit has no custom routes), so import the file; download it again for the latest dates. "
           "Per project: the project's page; per person: the People page.")
wizard.workspace_calendar()
