"""The Plan tab: the editable plan grid (saved as a whole), the plan-file download, and the plan-file import with
its preview (read and checked by :mod:`worksmith.exchange.planfile`, saved by a command)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

from worksmith.commands import people as cmd_people
from worksmith.commands import project_plan as cpp
from worksmith.domain.calendar import WorkCalendar
from worksmith.errors import WorksmithError
from worksmith.exchange.planfile import annotate_errors, parse_plan, plan_bytes, read_plan_frame, validate_plan
from worksmith.ui import shell as ui
from worksmith.values import is_blank
from worksmith.views import project_plan as vpp
from worksmith.views.plans import project_calendar


@dataclass
class ImportPreview:
    table: pd.DataFrame  # the file's rows with a 'problems' column
    errors: list[str]
    warnings: list[str]
    unknown: list[str] = field(default_factory=list)  # assignee names not in the workspace, as first spelled

    @property
    def ok(self) -> bool:
        return not self.errors


def preview_import(data: pd.DataFrame, people: list[str], *, start: date | None = None,
                   calendar: WorkCalendar | None = None) -> ImportPreview:
    """Check a plan file (as read by :func:`~worksmith.exchange.planfile.read_plan_frame`) for the preview (pure);
    a 'not before' date counts from ``start`` on ``calendar`` (the project's)."""
    errors = validate_plan(data, start=start, calendar=calendar)
    table = annotate_errors(data, errors)
    table = table[["problems", *[c for c in table.columns if c != "problems"]]]
    known = {p.lower() for p in people}
    warnings, unknown = [], {}
    if "assignee" in data.columns:
        for n, who in enumerate(data["assignee"], start=1):
            if not is_blank(who) and str(who).strip().lower() not in known:
                unknown.setdefault(str(who).strip().lower(), str(who).strip())
                warnings.append(f"Row {n}: '{str(who).strip()}' is not a person in this workspace; the task will "
                                "be unassigned.")
    return ImportPreview(table, [str(e) for e in errors], warnings, list(unknown.values()))


def plan_grid(pid: int, d: vpp.ProjectDetail, people: dict[int, str], today: date) -> None:
    """The plan grid, Save and the CSV download."""
    grid = vpp.editor_frame(d.tasks)
    stamp = int(pd.util.hash_pandas_object(grid[["id", "version", "start_date", "finish_date"]].astype(str)).sum())
    cc = st.column_config
    edited = st.data_editor(
        grid, key=f"projects_plan_editor_{pid}_{stamp}", num_rows="dynamic", hide_index=True, width="stretch",
        column_order=vpp.GRID_ORDER, disabled=vpp.COMPUTED,
        height=min(38 + 35 * (len(grid) + 1), 640),
        column_config={
            "ref": cc.NumberColumn("ID", min_value=1, step=1, width="small", help="Plan ID, used in predecessors"),
            "name": cc.TextColumn("Task", required=True, width="medium"), "phase": cc.TextColumn("Phase"),
            "assignee": cc.SelectboxColumn("Assignee", options=list(people.values())),
            "duration_days": cc.NumberColumn("Days", min_value=0, step=1, help="Working days; 0 = milestone"),
            "predecessors": cc.TextColumn("Predecessors", help="MS Project notation by ID: 3, 3FS+2d, 5SS, 7FF-1d"),
            "estimate_hours": cc.NumberColumn("Estimate h", min_value=0), "percent_complete": cc.NumberColumn(
                "% done", min_value=0, max_value=100, step=5), "start_no_earlier_than": cc.DateColumn(
                "Not before", format="ddd D MMM YYYY"),
            "start_date": cc.DateColumn("Start", format="ddd D MMM YYYY"),
            "finish_date": cc.DateColumn("Finish", format="ddd D MMM YYYY"),
            "total_float": cc.NumberColumn("Float d"), "critical": cc.CheckboxColumn("Critical"),
            "finish_variance": cc.NumberColumn("Vs baseline d", format="%+d"),
            "waits_for": cc.TextColumn("Waits for (other projects)")})
    st.caption("Edit cells, add rows at the bottom, delete with the row checkbox; **Save** checks everything at "
               "once and reschedules. Start/finish/float/critical are computed.")
    c1, c2 = st.columns([1, 5])
    c2.download_button("Download plan (CSV)", plan_bytes(ui.query(vpp.plan_export, project_id=pid), "csv"),
                       f"{d.project['name']}-plan.csv", "text/csv", key="projects_plan_download",
                       icon=":material/download:")
    if c1.button("Save plan", type="primary", key="projects_plan_save"):
        change = ui.run(cpp.save_plan, project_id=pid, rows=edited.to_dict("records"), today=today)
        if change is not None:
            ui.flash(change.summary())


def plan_import(pid: int, tasks: pd.DataFrame, people: dict[int, str], today: date) -> None:
    """Upload, preview (problems per row, unknown assignees) and import a plan file, all or nothing."""
    st.caption("Columns: id, name, phase, duration_days, predecessors (e.g. 3FS+2d), assignee, estimate_hours, "
               "start_no_earlier_than (working days from the start, or a date). All or nothing.")
    upload = st.file_uploader("Plan file", type=["csv", "xlsx"], key="projects_import_file")
    if upload is None:
        return
    try:
        raw = read_plan_frame(upload.getvalue(), upload.name)
    except WorksmithError as error:
        st.error(str(error), icon="⚠️")
        return
    start = ui.query(vpp.project_detail, project_id=pid, today=today).project["start"] or today  # as import_plan
    calendar = ui.query(project_calendar, project_id=pid)
    pre = preview_import(raw, list(people.values()), start=start, calendar=calendar)
    for w in pre.warnings:
        st.warning(w)
    if pre.unknown and st.button(f"Create {len(pre.unknown)} {'person' if len(pre.unknown) == 1 else 'people'}: "
                                 f"{', '.join(pre.unknown)}", key="projects_import_create_people",
                                 icon=":material/person_add:", help="Adds them with default capacity (40 h, 80 %); "
                                 "edit them on the People page. The import then assigns their tasks to them."):
        if (made := ui.run(cmd_people.create_people, names=pre.unknown)) is not None:
            ui.flash(f"Created {', '.join(p.name for p in made)}" if made else
                     "They are archived: restore them on the People page")
    if pre.errors:
        st.error("Nothing can be imported until these are fixed:\n\n" + "\n".join(f"- {e}" for e in pre.errors),
                 icon="⚠️")
    st.dataframe(pre.table, width="stretch", key="projects_import_preview")
    replace = len(tasks) > 0 and st.toggle(f"Replace the current {len(tasks)} tasks (otherwise add after them)",
                                           key="projects_import_replace")
    if pre.ok and st.button(f"Import {len(raw)} tasks", type="primary", key="projects_import_go"):
        try:
            # PlanFileError / CycleError name the row and problem
            plan = parse_plan(raw, upload.name, start=start, calendar=calendar)
        except WorksmithError as error:
            st.error(str(error), icon=":material/error:")
            return
        change = ui.run(cpp.import_plan, project_id=pid, plan_rows=plan.rows, replace=replace, today=today)
        if change is not None:
            ui.flash(f"Imported {upload.name}: {change.summary()}")
