"""The Gantt tab: the chart (connectors optional), saving a baseline and the variance against the latest one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import gantt as gc
from worksmith.commands import projects as cp
from worksmith.ui import shell as ui
from worksmith.views import project_plan as vpp


def gantt(pid: int, d: vpp.ProjectDetail, today: date) -> None:
    tasks, p = d.tasks, d.project
    rows = gc.gantt_rows(tasks)
    if rows.empty:
        st.info("No scheduled tasks yet: add them on the Plan tab or import a plan file.")
    else:
        connectors = st.toggle("Dependency connectors", len(rows) <= 80, key="projects_gantt_links")
        st.altair_chart(gc.gantt_chart(rows, gc.gantt_links(d.deps, rows) if connectors else None, today=today,
                                       title=d.gantt_title), width="stretch")
    with st.form("projects_baseline_form"):
        c1, c2 = st.columns([3, 1])
        label = c1.text_input("Save the current dates and budget as a baseline", f"Baseline {fmt.day(today)}",
                              key="projects_baseline_name")
        if c2.form_submit_button("Save baseline"):
            if ui.run(cp.save_baseline, project_id=pid, name=label) is not None:
                ui.flash(f"Baseline '{label}' saved")
    if d.baseline:
        st.markdown(f"**Variance against '{ui.md(d.baseline['name'])}'** (working days, + late / − early): project "
                    f"finish **{fmt.days(d.finish_variance)}**; budget {ui.money(p['budget'])} vs "
                    f"{ui.money(d.baseline['budget'])}.")
        var = tasks[tasks["baseline_finish"].notna()]
        st.dataframe(pd.DataFrame({"Task": "#" + var["ref"].astype(str) + " " + var["name"],
                                   "Baseline finish": [fmt.day(x) for x in var["baseline_finish"]],
                                   "Finish": [fmt.day(x) for x in var["finish_date"]],
                                   "Variance": [fmt.days(x) for x in var["finish_variance"]]}),
                     hide_index=True, width="stretch", key="projects_variance")
