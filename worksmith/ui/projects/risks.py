"""The Risks tab: the 5×5 heat grid of open risks, the register, and a form to add or edit a risk (optionally about
one task); a risk still open on a finished task is stale and offered to close (here and on the Plan tab)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import gantt as gc
from worksmith.commands import project_team as ct
from worksmith.ui import shell as ui
from worksmith.ui.projects import LABELS
from worksmith.views import project_team as vt
from worksmith.views import projects as vp


def stale_offer(pid: int) -> None:
    """'2 risks are still open on finished tasks' with a button that closes them (nothing when there are none)."""
    reg = ui.query(vt.risks, project_id=pid)
    stale = reg[reg["stale"]]
    if stale.empty:
        return
    with st.container(border=True, key="projects_stale_risks"):
        which = "; ".join(f"'{ui.md(t)}' ({level}) on {ui.md(task)}" for t, level, task in
            zip(stale["title"], stale["level"], stale["task"], strict=True))
        st.warning(f"{len(stale)} risk{'s are' if len(stale) > 1 else ' is'} still open on finished tasks: {which}.",
                   icon=":material/task_alt:")
        if st.button(f"Close {'them' if len(stale) > 1 else 'it'}", key="projects_close_stale") and (
                closed := ui.run(ct.close_stale_risks, project_id=pid)) is not None:
            ui.flash(f"Closed {len(closed)} risk{'s' * (len(closed) != 1)}: " + ", ".join(closed))


def risks(pid: int, people: dict[int, str], tasks: dict[int, str] | None = None) -> None:
    tasks = tasks or {}
    stale_offer(pid)
    reg = ui.query(vt.risks, project_id=pid)
    grid = gc.risk_grid(reg)
    high = int(((grid["level"] == "high") * grid["count"]).sum())
    left, right = st.columns([2, 3])
    left.altair_chart(gc.risk_heatmap(grid, title=f"{int(grid['count'].sum())} open risks, {high} high"),
                      width="content")
    right.dataframe(reg.drop(columns=["id", "version", "owner_id", "task_id"]), hide_index=True, width="stretch",
                    column_config=LABELS | {"score": st.column_config.NumberColumn("P × I"),
                                            "task": st.column_config.TextColumn("Task"),
                                            "stale": st.column_config.CheckboxColumn(
                                                "Stale", help="Still open, but its task is done: close it")})
    with right:
        ids = [None, *reg["id"]]
        titles = dict(zip(reg["id"], reg["title"], strict=True))
        rid = st.selectbox("Add or edit", ids, key="projects_risk_pick",
                           format_func=lambda i: "New risk" if i is None else titles[i])
        cur = {} if rid is None else reg.set_index("id").loc[rid].to_dict()
        statuses = vp.RISK_STATUSES
        with st.form(f"projects_risk_form_{rid}"):
            title = st.text_input("Risk", cur.get("title", ""))
            c1, c2, c3, c4 = st.columns(4)
            prob = c1.slider("Probability", 1, 5, int(cur.get("probability", 3)))
            imp = c2.slider("Impact", 1, 5, int(cur.get("impact", 3)))
            owners = [None, *people]
            owner = c3.selectbox("Owner", owners, owners.index(cur.get("owner_id")) if cur.get("owner_id") in owners
                                 else 0, format_func=lambda i: fmt.DASH if i is None else people[i])
            status = c4.selectbox("Status", statuses, statuses.index(cur.get("status", "open")))
            task_ids = [None, *tasks]
            now = cur.get("task_id")
            now = None if now is None or pd.isna(now) else int(now)
            task = st.selectbox("About task (optional: when it is done, the risk is offered to close)", task_ids,
                                task_ids.index(now) if now in task_ids else 0,
                                format_func=lambda i: fmt.DASH if i is None else tasks[i])
            mitigation = st.text_area("Mitigation", cur.get("mitigation", ""), height=70)
            if st.form_submit_button("Save risk", type="primary") and ui.run(
                    ct.save_risk, project_id=pid, risk_id=rid, expected_version=cur.get("version"),
                    values={"title": title, "probability": prob, "impact": imp, "owner_id": owner,
                            "mitigation": mitigation, "status": status, "task_id": task}) is not None:
                ui.flash(f"Risk '{title}' saved")
