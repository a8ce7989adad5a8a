"""Data: take the workspace out (Excel, CSV), see who changed what, start over."""

import streamlit as st

from worksmith import demo, fmt, ui
from worksmith.db import write_session
from worksmith.services import export, workspace
from worksmith.services.queries import EXPORT_TABLES, activity

ui.page_setup("Data", "Export the workspace, see the activity log, start over.", __file__)
today = ui.today()

exp, log_tab, start_tab = st.tabs(
    [":material/download: Export", ":material/history: Activity log", ":material/restart_alt: Start over"])
with exp:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Whole workspace** — one sheet per table.")
        if st.button("Prepare Excel workbook", key="data_prepare_xlsx"):
            st.session_state["data_xlsx"] = ui.query(export.workbook)
        if st.session_state.get("data_xlsx"):
            st.download_button("Download worksmith.xlsx", st.session_state["data_xlsx"],
                               file_name=f"worksmith-{today:%Y-%m-%d}.xlsx", type="primary",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with c2:
        st.markdown("**One table** as CSV.")
        names = [model.__tablename__ for model in EXPORT_TABLES]
        table = st.selectbox("Table", names, key="data_csv_table")
        st.download_button(f"Download {table}.csv", ui.query(export.table_csv, table=table),
                           file_name=f"{table}.csv", mime="text/csv", key="data_csv_download")
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
    st.markdown("Start an **empty workspace** for your own team, or put the **demo** back. Both replace "
                "everything here — download the Excel workbook first if you want to keep it.")
    c1, c2 = st.columns(2)
    with c1.popover("Start an empty workspace"):
        st.warning("This deletes every project, goal, person and figure in this workspace.")
        if st.checkbox("I have what I need; delete everything", key="data_confirm_empty"):
            if st.button("Start empty", type="primary", key="data_start_empty"):
                with write_session(ui.engine()) as session:
                    workspace.clear(session)
                    workspace.set_setting(session, "demo", "0", actor=ui.actor())
                st.cache_data.clear()
                st.rerun()
    with c2.popover("Load the demo workspace"):
        if st.button("Replace everything with the demo", type="primary", key="data_load_demo"):
            demo.seed(ui.engine(), "S", today=today, reset=True)
            st.cache_data.clear()
            st.rerun()
