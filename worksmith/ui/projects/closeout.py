"""The Close-out tab: the final review and lessons learned; closing sets the project done."""

from __future__ import annotations

from datetime import date

import streamlit as st

from worksmith import fmt
from worksmith.commands import projects as cp
from worksmith.ui import shell as ui


def close_out(pid: int, p: dict, today: date) -> None:
    closed = p["status"] == "done"
    st.markdown(f"Closed on **{fmt.day(p['closed_on'])}**." if closed else "Closing sets the status to *done* and "
                "keeps the review and lessons for the next projects (listed on their pages and offered when a "
                "project starts from a similar template).")
    with st.form("projects_close_form"):
        review = st.text_area("Final review: what was delivered, against plan and budget", p["final_review"])
        learned = st.text_area("Lessons learned", p["lessons_learned"])
        if st.form_submit_button("Save" if closed else "Close the project", type="primary"):
            cmd = cp.save_close_out if closed else cp.close_project
            extra = {} if closed else {"today": today}
            if ui.run(cmd, project_id=pid, final_review=review, lessons_learned=learned,
                      expected_version=p["version"], **extra) is not None:
                ui.flash("Close-out saved" if closed else f"'{p['name']}' closed")
