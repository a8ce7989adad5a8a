"""Overview: how is the work going, and what needs attention?"""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import pandas as pd
import streamlit as st

from worksmith import charts
from worksmith.ui import shell as ui
from worksmith.views import overview

ui.page_setup("Overview", "How the work is going across projects, goals, people and money — and what needs "
              "attention.", __file__)
today = ui.today()
SHOWN = 5  # attention rows before "more"
data = ui.query(overview.overview, today=today)
if data.empty_workspace:
    ui.empty_state("This workspace is empty. Add people and import a project plan to see the overview.")
    st.stop()

ui.metric_row(data.metrics)

st.subheader("Needs attention")
if data.attention.empty:
    st.success("Nothing needs attention: every active project and goal is on track.", icon=":material/verified:")
else:
    def attention_row(row) -> None:
        with st.container(border=True):
            c1, c2, c3 = st.columns([2, 6, 1], vertical_alignment="center")
            c1.markdown(f"**{ui.md(row.item)}**  \n{ui.status_label(row.status)}")
            c2.caption(ui.md(row.why))
            c3.page_link(f"pages/{row.page}.py", label="Open", icon=":material/arrow_forward:",
                         query_params=row.params)

    rows = list(data.attention.itertuples())
    for row in rows[:SHOWN]:
        attention_row(row)
    if len(rows) > SHOWN:
        with st.expander(f"{len(rows) - SHOWN} more"):  # one table: hundreds of rows at L draw in one element
            rest = data.attention.iloc[SHOWN:]
            links = ui.page_urls(zip(rest["page"], rest["params"], strict=True))
            st.dataframe(rest[["status", "item", "why"]].assign(status=ui.status_pills(rest["status"]), link=links),
                         hide_index=True, width="stretch", column_order=["status", "item", "why", "link"],
                         column_config={"status": ui.status_column("Status"),
                                        "item": st.column_config.TextColumn("Item", width="medium"),
                                        "why": st.column_config.TextColumn("Why", width="large"),
                                        "link": st.column_config.LinkColumn("Open", display_text="Open")})

st.subheader("Milestones")
if data.milestones.empty:
    st.caption("No milestones in active projects in the coming weeks.")
else:
    st.altair_chart(charts.milestone_timeline(data.milestones, pd.Timestamp(today), data.milestone_title),
                    width="stretch")

st.subheader("Portfolio")
st.dataframe(
    data.portfolio.assign(health=ui.status_pills(data.portfolio["health"])), hide_index=True, width="stretch",
    # "Why" next to the health it explains, so it is on screen (not behind a scroll) at 1280 px
    column_order=["project", "health", "reasons", "percent_complete", "finish", "p80_finish", "vs_target",
                  "budget_used", "budget", "goal", "status", "team", "manager"],
    column_config={
        "project": st.column_config.TextColumn("Project", width="medium", pinned=True),
        "health": ui.status_column("Health"),
        "status": st.column_config.TextColumn("Status"),
        "team": st.column_config.TextColumn("Team"),
        "manager": st.column_config.TextColumn("Manager"),
        "budget": st.column_config.TextColumn("Budget"),
        "goal": st.column_config.TextColumn("Goal", width="medium"),
        "percent_complete": st.column_config.ProgressColumn("% complete", format="%.0f%%", min_value=0,
                                                            max_value=100),
        "finish": st.column_config.TextColumn("Forecast finish"),
        "p80_finish": st.column_config.TextColumn("P80 finish", help="Active projects with three-point estimates: "
                                                  "80 % of 500 simulated runs finish by this date (Projects → "
                                                  "Risk tab for the full forecast)."),
        "vs_target": st.column_config.TextColumn("vs target", help="Working days after (+) or before (−) the "
                                                 "target end date"),
        "budget_used": st.column_config.ProgressColumn("Budget used", format="%.0f%%", min_value=0,
                                                       max_value=100, help="Spent to date / budget"),
        "reasons": st.column_config.TextColumn("Why", width="large"),
    })

st.altair_chart(charts.spend_by_month(data.spend, data.spend_title, ui.currency()), width="stretch")

with st.expander("Recent activity"):
    st.dataframe(ui.query(overview.recent_activity, limit=15), hide_index=True, width="stretch")
