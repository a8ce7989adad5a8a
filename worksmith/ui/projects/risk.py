"""The Risk tab: when will the project really finish? A Monte Carlo forecast over the plan's three-point estimates
(:mod:`worksmith.views.risk`): the headline, the finish-date histogram, the S-curve, the criticality ranking, the
tasks most likely to drive the date and the "Estimate uncertainty" helper (assumed ranges, applied in the read,
never saved)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from worksmith import fmt
from worksmith.charts import risk as charts
from worksmith.ui import shell as ui
from worksmith.views import risk as vr


def _helper(pid: int, own: int, tasks: int) -> tuple[float | None, float | None, int]:
    """The "Estimate uncertainty" helper and the run count; returns (assume_low, assume_high, runs)."""
    with st.expander("Estimate uncertainty", icon=":material/tune:", expanded=own == 0):
        st.caption(f"{own} of {tasks} tasks have a three-point estimate (Min days / Max days on the Plan tab, under "
                   "More columns, or duration_min_days / duration_max_days in a plan file). Tasks without one are "
                   "fixed unless you assume a range for them here: the assumption is used for this forecast only "
                   "and never saved.")
        assume = st.toggle("Assume a range for tasks without an estimate", value=own == 0,
                           key=f"projects_risk_assume_{pid}")
        c1, c2, c3 = st.columns(3)
        low = c1.number_input("Optimistic: − %", 0, 100, vr.ASSUME_LOW, step=5, disabled=not assume,
                              key=f"projects_risk_low_{pid}", help="min days = days × (1 − this %), rounded")
        high = c2.number_input("Pessimistic: + %", 0, 500, vr.ASSUME_HIGH, step=5, disabled=not assume,
                               key=f"projects_risk_high_{pid}", help="max days = days × (1 + this %), rounded")
        runs = c3.selectbox("Runs", vr.RUN_CHOICES, vr.RUN_CHOICES.index(vr.DEFAULT_RUNS),
                            format_func=lambda n: f"{n:,}", key=f"projects_risk_runs_{pid}",
                            help=f"Simulated runs; the seed is fixed ({vr.SEED}), so the same plan gives the same "
                                 "forecast.")
    return (float(low), float(high), int(runs)) if assume else (None, None, int(runs))


def risk(pid: int, tasks: int, today: date) -> None:
    if not tasks:
        st.info("No tasks yet: add them on the Plan tab (or import a plan file) to get a finish-date forecast.",
                icon=":material/info:")
        return
    head = st.container()
    own = ui.query(vr.own_estimates, project_id=pid)
    low, high, runs = _helper(pid, own, tasks)
    view = ui.query(vr.risk_view, project_id=pid, today=today, runs=runs, assume_low=low, assume_high=high)
    with head:
        st.markdown(f"### {ui.md(view.headline)}")
        if view.assumed:
            st.warning(f"Assumed: {view.assumed} of {view.uncertain} uncertain tasks use the helper's range "
                       f"(−{low:g} % / +{high:g} %), not an estimate from the plan.", icon=":material/science:")
        elif not view.uncertain:
            st.info("Every task is fixed (no three-point estimates), so the forecast is the plan's finish. Add Min "
                    "days / Max days on the Plan tab, or assume a range under Estimate uncertainty below.",
                    icon=":material/info:")
        ui.metric_row(view.metrics)
        left, right = st.columns(2)
        left.altair_chart(charts.finish_histogram(view.histogram, view.markers, view.histogram_title),
                          width="stretch", key="projects_risk_histogram")
        right.altair_chart(charts.s_curve(view.histogram, view.markers, view.curve_title), width="stretch",
                           key="projects_risk_curve")
        left, right = st.columns([3, 2])
        left.altair_chart(charts.criticality_chart(view.tasks, view.criticality_title), width="stretch",
                          key="projects_risk_criticality")
        with right:
            st.markdown("**Most likely to drive the date**")
            st.markdown("\n".join(f"{k}. {ui.md(line)}" for k, line in enumerate(view.drivers, start=1))
                        if view.drivers else "No task drives the date in any run.")
            st.caption("Uncertain tasks by criticality index: the share of runs in which the task has no float, so "
                       "any delay to it moves the finish.")
    with st.expander("Why these numbers?", icon=":material/help:"):
        st.markdown(
            f"Each of the **{view.runs:,} runs** draws every uncertain task's duration from a triangular "
            "distribution (min, most likely = Days, max), rounded to whole working days, and schedules the plan "
            "with the same links, lags and 'not before' dates as the Plan tab. Tasks 100 % done are fixed; a task "
            "waiting for another project starts where that project is scheduled. **P80** is the date 80 % of the "
            "runs finish by; the chance of making the target is the share of runs finishing on or before "
            f"{fmt.day(view.target)}.")
        table = view.tasks.assign(criticality=view.tasks["criticality"] * 100,
                                  finish_p50=[fmt.day(d) for d in view.tasks["finish_p50"]],
                                  finish_p80=[fmt.day(d) for d in view.tasks["finish_p80"]])
        cc = st.column_config
        st.dataframe(table[["ref", "name", "duration_days", "low", "high", "assumed", "criticality",
                            "on_critical_path", "finish_p50", "finish_p80"]], hide_index=True, width="stretch",
                     key="projects_risk_tasks", column_config={
                         "ref": cc.NumberColumn("ID"), "name": "Task", "duration_days": "Days",
                         "low": cc.NumberColumn("Min days"), "high": cc.NumberColumn("Max days"),
                         "assumed": cc.CheckboxColumn("Assumed range"),
                         "criticality": cc.ProgressColumn("Criticality", format="%.0f%%", min_value=0,
                                                          max_value=100),
                         "on_critical_path": cc.CheckboxColumn("Critical in the plan"),
                         "finish_p50": "P50 finish", "finish_p80": "P80 finish"})
