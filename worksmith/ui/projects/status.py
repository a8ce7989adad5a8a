"""The Status tab: health with its reasons and the RAG rules, the status history, the status report downloads
(HTML with the Gantt chart, Markdown) and a form to add a status update."""

from __future__ import annotations

from datetime import date

import streamlit as st
from sqlmodel import Session

from worksmith import fmt
from worksmith.charts.gantt import gantt_chart, gantt_links, gantt_rows
from worksmith.commands import projects as cp
from worksmith.exchange.report import StatusReport, chart_images, render_html, render_markdown
from worksmith.ui import shell as ui
from worksmith.ui.projects import LABELS
from worksmith.views import comments as vc
from worksmith.views import project_plan as vpp
from worksmith.views import projects as vp


def status_report(session: Session, *, project_id: int, today: date) -> dict[str, bytes]:
    """The status report of a project as {'html': ..., 'md': ...} (see :mod:`worksmith.exchange.report`)."""
    detail, content = vpp.status_report_content(session, project_id=project_id, today=today)
    rows = gantt_rows(detail.tasks)
    svg = png = None
    if len(rows):
        chart = gantt_chart(rows, gantt_links(detail.deps, rows), today=today, title=detail.gantt_title, width=900)
        svg, png = chart_images(chart.to_json())
    report = StatusReport(**content, gantt_svg=svg, gantt_png=png)
    return {"html": render_html(report).encode("utf-8"), "md": render_markdown(report).encode("utf-8")}


def status(pid: int, d: vpp.ProjectDetail, today: date) -> None:
    p = d.project
    rag = vp.RAG_OF_HEALTH.get(d.health)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"### {vp.health_label(d.health)}" + (f" ({rag.upper()})" if rag else ""))
        st.markdown("\n".join(f"- {ui.md(r)}" for r in d.reasons))
        st.caption("RAG rules: forecast finish > 5 working days after target → red, later at all → amber; "
                   "spend > 15 % over plan to date → red, > 5 % → amber; unfinished tasks past their finish → "
                   "amber.")
        hist = ui.query(vp.status_updates, project_id=pid)
        st.dataframe(hist.assign(day=[fmt.day(x) for x in hist["day"]],
                                 rag=[vp.health_label(vp.HEALTH_OF_RAG.get(r, r)) for r in hist["rag"]]),
                     hide_index=True, width="stretch", key="projects_status_history", column_config=LABELS)
    with right:
        files = ui.query(status_report, project_id=pid, today=today)
        slug = p["name"].lower().replace(" ", "-")
        st.download_button("Status report (HTML)", files["html"], f"{slug}-status-{today}.html", "text/html",
                           type="primary", key="projects_report_html", icon=":material/download:", on_click="ignore")
        st.download_button("Markdown version", files["md"], f"{slug}-status-{today}.md", "text/markdown",
                           key="projects_report_md", on_click="ignore")
        with st.form("projects_status_form", clear_on_submit=True):
            new_rag = st.selectbox("RAG", vp.RAG, vp.RAG.index(rag) if rag in vp.RAG else 0,
                                   key=f"projects_status_rag_{pid}")
            summary = st.text_area("What changed, what is next, what help is needed",
                                   key=f"projects_status_summary_{pid}")
            quotes = ui.query(vc.quotable_updates, project_id=pid)
            quoted = st.selectbox("Quote an update (from the Updates tab)", [None, *quotes],
                                  key=f"projects_quote_{pid}",
                                  format_func=lambda c: "— none —" if c is None else quotes[c][:90])
            if quoted is not None:
                summary = f"{quotes[quoted]}\n\n{summary}".strip()
            if st.form_submit_button("Add status update", type="primary") and ui.run(
                    cp.add_status_update, project_id=pid, rag=new_rag, summary=summary, today=today) is not None:
                ui.flash("Status update added")
