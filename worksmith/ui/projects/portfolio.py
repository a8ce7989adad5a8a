"""The Projects page without a project chosen: the portfolio table (filters bound to the link) and the program
timeline of active projects with their cross-project links."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import gantt as gc
from worksmith.charts import roadmap
from worksmith.ui import shell as ui
from worksmith.ui import workspace
from worksmith.ui.projects import LABELS, OPEN
from worksmith.views import projects as vp
from worksmith.views.compare import roadmap_frame


def portfolio(view: vp.PortfolioView) -> None:
    """The roadmap (Compare's chart, this workspace only), filters, then the portfolio table; selecting a row opens
    that project."""
    today = ui.today()
    current = workspace.scenario()
    bars = ui.query(roadmap_frame, today=today, side=f"Scenario {current.name}" if current else "Live")
    if len(bars.dropna(subset=["start", "finish"])):
        st.altair_chart(roadmap.roadmap(bars, "Roadmap: start to forecast finish; the tick is the target",
                                        pd.Timestamp(today)), width="stretch", key="projects_roadmap")
    c = st.columns([2, 2, 2, 2, 3])
    table = vp.filter_portfolio(
        view.table, text=c[4].text_input("Search", key="q", bind="query-params", placeholder="name or reason"),
        statuses=c[0].multiselect("Status", vp.PROJECT_STATUSES, key="status", bind="query-params"),
        healths=c[1].multiselect("Health", vp.HEALTHS, key="health", bind="query-params"),
        team=c[2].selectbox("Team", [None, *view.teams], key="team", bind="query-params",
                            format_func=lambda t: "All teams" if t is None else t),
        goal=c[3].selectbox("Goal", [None, *view.goals], key="goal", bind="query-params",
                            format_func=lambda g: "All goals" if g is None else g))
    st.caption(f"{len(table)} of {len(view.table)} projects · select a row to open the project")
    fresh = st.session_state.get(OPEN + "_n", 0)
    picked = st.dataframe(
        table, hide_index=True, width="stretch", key=f"projects_table_{fresh}", on_select="rerun",
        selection_mode="single-row", column_order=vp.PORTFOLIO_COLUMNS,
        column_config={"project": st.column_config.TextColumn("Project", width="medium", pinned=True),
                       "percent_complete": st.column_config.ProgressColumn("% complete", format="%d %%",
                                                                           min_value=0, max_value=100),
                       "finish": "Forecast finish", "vs_target": st.column_config.TextColumn(
                           "vs target", help="Working days after (+) or before (−) the target end"),
                       "budget_used": st.column_config.ProgressColumn("Budget used", format="%d %%",
                                                                      min_value=0, max_value=150),
                       "reasons": st.column_config.TextColumn("Why", width="large")})
    if picked.selection.rows:  # open it, with a fresh, unselected table for the way back
        ui.flash(None, **{OPEN: table.iloc[picked.selection.rows[0]]["project"], OPEN + "_n": fresh + 1})


def program(today: date) -> None:
    """Active projects' milestones and critical tasks on one timeline, and the links between projects."""
    prog = ui.query(vp.program, today=today)
    if prog.items.empty:
        st.info("No active project has scheduled tasks yet.")
        return
    st.altair_chart(gc.program_chart(prog.items, prog.links, today=today, title=prog.title), width="stretch")
    st.caption("Bars: critical tasks · ◆ milestones · dashed lines: cross-project links, red when the link drives "
               "the date (no slack).")
    st.dataframe(prog.links.assign(from_day=[fmt.day(d) for d in prog.links["from_day"]],
                                   to_day=[fmt.day(d) for d in prog.links["to_day"]]), hide_index=True,
                 width="stretch", column_config=LABELS)
