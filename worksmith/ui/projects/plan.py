"""The Plan tab: the editable plan grid (saved as a whole), the plan-file download, and the plan-file import with
its preview (read and checked by :mod:`worksmith.exchange.planfile`, saved by a command)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.commands import people as cmd_people
from worksmith.commands import project_plan as cpp
from worksmith.domain.calendar import WorkCalendar
from worksmith.errors import WorksmithError
from worksmith.exchange.mspdi import read_upload, table_mspdi
from worksmith.exchange.planfile import annotate_errors, parse_plan, plan_bytes, validate_plan
from worksmith.ui import shell as ui
from worksmith.ui.projects import OPEN
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


def _column_config(people: dict[int, str]) -> dict:
    cc = st.column_config
    return {
        "ref": cc.NumberColumn("ID", min_value=1, step=1, width="small", help="Plan ID, used in predecessors",
                               pinned=True),
        "name": cc.TextColumn("Task", required=True, width="medium", pinned=True), "phase": cc.TextColumn("Phase"),
        "assignee": cc.SelectboxColumn("Assignee", options=list(people.values())),
        "duration_days": cc.NumberColumn("Days", min_value=0, step=1, width="small",
                                         help="Working days; 0 = milestone"),
        "duration_min_days": cc.NumberColumn("Min days", min_value=0, step=1, width="small",
                                             help="Three-point estimate, optimistic (Days is the most likely); "
                                                  "empty with Max days = a fixed duration. Feeds the Risk tab."),
        "duration_max_days": cc.NumberColumn("Max days", min_value=0, step=1, width="small",
                                             help="Three-point estimate, pessimistic. Feeds the Risk tab."),
        "predecessors": cc.TextColumn("Predecessors", width="small",
                                      help="MS Project notation by ID: 3, 3FS+2d, 5SS, 7FF-1d"),
        "estimate_hours": cc.NumberColumn("Estimate h", min_value=0, width="small"),
        "percent_complete": cc.NumberColumn("% done", min_value=0, max_value=100, step=5, width="small"),
        "start_no_earlier_than": cc.DateColumn("Not before", format="ddd D MMM YYYY"),
        "start_date": cc.DateColumn("Start", format="ddd D MMM YYYY"),
        "finish_date": cc.DateColumn("Finish", format="ddd D MMM YYYY"),
        "total_float": cc.NumberColumn("Float d"), "critical": cc.CheckboxColumn("Critical", width="small"),
        "finish_variance": cc.NumberColumn("Vs baseline d", format="%+d"),
        "waits_for": cc.TextColumn("Waits for (other projects)")}


def pending_key(pid: int) -> str:
    return f"projects_plan_pending_{pid}"


def _save(pid: int, rows: list[dict], today: date) -> None:
    change = ui.run(cpp.save_plan, project_id=pid, rows=rows, today=today)
    if change is not None:
        st.session_state.pop(pending_key(pid), None)
        ui.flash(change.summary(), **{f"projects_plan_effects_{pid}": change})


@st.dialog("Change finished work?", width="large")
def confirm_finished(pid: int, touched: list[str], rows: list[dict], today: date) -> None:
    st.markdown("These tasks are **100 % done**; changing their duration or dates moves recorded work:\n\n"
                + "\n".join(f"- {ui.md(t)}" for t in touched))
    preview = ui.run(cpp.preview_plan, project_id=pid, rows=rows, today=today)
    if preview is not None:
        st.markdown("**What will move if you save:**\n\n" + "\n".join(f"- {ui.md(c)}" for c in preview.changes)
                    + "\n" + "\n".join(f"- {ui.md(text)}" for _label, text in preview.effects())
                    + ("\n- " + ", ".join(preview.moved) + " move" if preview.moved else ""))
    c1, c2 = st.columns(2)
    if c1.button("Save anyway", type="primary", key="projects_plan_confirm"):
        _save(pid, rows, today)
    if c2.button("Cancel: keep editing", key="projects_plan_cancel"):
        st.rerun()


def plan_grid(pid: int, d: vpp.ProjectDetail, people: dict[int, str], today: date) -> None:
    """The plan grid with its unsaved-edits bar (Save, Discard), the last save's effects and the CSV download.

    Pending edits live in session state (``projects_plan_pending_<pid>``), so they survive a switch to another tab
    and back: a grid drawn afresh starts from them (only while the plan in the database is the one they were made
    on)."""
    grid = vpp.editor_frame(d.tasks)
    stamp = int(pd.util.hash_pandas_object(grid[["id", "version", "start_date", "finish_date"]].astype(str)).sum())
    more = st.toggle("More columns (phase, min/max days, float, vs baseline, other projects)", key="projects_plan_more")
    gen = st.session_state.get(f"projects_plan_gen_{pid}", 0)
    key = f"projects_plan_editor_{pid}_{stamp}_{gen}_{int(more)}"
    pending = st.session_state.get(pending_key(pid))
    base_key = f"projects_plan_base_{pid}"
    if key not in st.session_state or st.session_state.get(base_key, (None,))[0] != key:
        # a grid drawn afresh (first time, back from another tab, columns toggled): start from the pending edits
        base = pending[1] if pending is not None and pending[0] == stamp else grid
        st.session_state[base_key] = (key, base)
    base = st.session_state[base_key][1]
    effects = st.session_state.get(f"projects_plan_effects_{pid}")
    bar = st.container(border=True, key="projects_plan_bar")  # fixed place above the grid: nothing shifts rows
    edited = st.data_editor(
        base, key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_order=vpp.GRID_ORDER if more else vpp.MAIN_COLUMNS, disabled=vpp.COMPUTED,
        height=min(38 + 35 * (len(grid) + 1), 640), column_config=_column_config(people))
    n = vpp.pending_edits(grid, edited)
    if n:
        st.session_state[pending_key(pid)] = (stamp, edited)
    else:
        st.session_state.pop(pending_key(pid), None)
    with bar:
        c1, c2, c3, c4, c5 = st.columns([2, 1, 1, 2, 2], vertical_alignment="center")
        c1.markdown(f"**{n} unsaved edit{'s' * (n != 1)}**" if n else "No unsaved edits")
        save = c2.button("Save plan", type="primary", key="projects_plan_save", width="stretch")
        if c3.button("Discard", key="projects_plan_discard", disabled=not n, width="stretch"):
            st.session_state.pop(pending_key(pid), None)
            ui.flash("Edits discarded", **{f"projects_plan_gen_{pid}": gen + 1})
        export = ui.query(vpp.plan_export, project_id=pid)
        c4.download_button("Download plan (CSV)", plan_bytes(export, "csv"),
                           f"{d.project['name']}-plan.csv", "text/csv", key="projects_plan_download",
                           icon=":material/download:", on_click="ignore")
        c5.download_button("Download as MS Project XML", partial(
            table_mspdi, export, d.project["start"] or today, ui.query(project_calendar, project_id=pid),
            str(d.project["name"])), f"{d.project['name']}-plan.xml", "application/xml",
            key="projects_plan_download_xml", icon=":material/download:",
            help="MS Project XML (MSPDI): tasks, links with type and lag, 'not before' dates, milestones and phases "
                 "(as summary tasks), scheduled on the project calendar; MS Project and ProjectLibre open it.",
            on_click="ignore")
        if effects is not None:
            st.caption("Last save — " + " · ".join(ui.md(text) for _label, text in effects.effects()))
    st.caption("Edit cells, add rows at the bottom, delete with the row checkbox; **Save** checks everything at "
               "once and reschedules. Start/finish/critical are computed. Unsaved edits are kept when you switch "
               "tabs.")
    if save:
        rows = edited.to_dict("records")
        touched = vpp.finished_edits(grid, edited)
        if touched:
            confirm_finished(pid, touched, rows, today)
        else:
            _save(pid, rows, today)


COLUMNS_HELP = ("Columns: id, name, phase, duration_days, predecessors (e.g. 3FS+2d), assignee, estimate_hours, "
                "start_no_earlier_than (working days from the start, or a date), optionally duration_min_days and "
                "duration_max_days (a three-point estimate). All or nothing. An MS Project XML file (.xml) brings "
                "its tasks, links, phases, 'not before' dates, assignees and calendar, or is refused with the "
                "reasons.")
IMPORTED = "projects_imported"  # sha256 of every plan file imported in this session, per project


def _upload(people: dict[int, str], key: str, start: date | None, calendar: WorkCalendar | None) -> tuple | None:
    """Uploader + preview; returns (file name, rows frame, digest, MS Project file or None) when the file can be
    imported, else None."""
    n = st.session_state.get(key + "_n", 0)  # a new uploader after a successful import: the file is cleared
    upload = st.file_uploader("Plan file", type=["csv", "xlsx", "xml"], key=f"{key}_file_{n}",
                              help="CSV, Excel (.xlsx) or MS Project XML (.xml)")
    if upload is None:
        return None
    try:
        raw, project_file = read_upload(upload.getvalue(), upload.name)
    except WorksmithError as error:
        st.error(str(error), icon="⚠️")
        return None
    pre = preview_import(raw, list(people.values()), start=start, calendar=calendar)
    for w in pre.warnings:
        st.warning(ui.md(w))
    if pre.unknown and st.button(f"Create {len(pre.unknown)} {'person' if len(pre.unknown) == 1 else 'people'}: "
                                 f"{', '.join(pre.unknown)}", key=f"{key}_create_people",
                                 icon=":material/person_add:", help="Adds them with default capacity (40 h, 80 %); "
                                 "edit them on the People page. The import then assigns their tasks to them."):
        if (made := ui.run(cmd_people.create_people, names=pre.unknown)) is not None:
            ui.flash(f"Created {', '.join(p.name for p in made)}" if made else
                     "They are archived: restore them on the People page")
    if pre.errors:
        st.error("Nothing can be imported until these are fixed:\n\n" + "\n".join(f"- {ui.md(e)}" for e in pre.errors),
                 icon="⚠️")
    st.dataframe(pre.table, width="stretch", key=f"{key}_preview")
    return (upload.name, raw, hashlib.sha256(upload.getvalue()).hexdigest(), project_file) if pre.ok else None


def _parsed(raw: pd.DataFrame, name: str, start: date | None, calendar: WorkCalendar | None):
    try:
        # PlanFileError / CycleError name the row and problem
        return parse_plan(raw, name, start=start, calendar=calendar)
    except WorksmithError as error:
        st.error(str(error), icon=":material/error:")
        return None


def plan_import(pid: int, tasks: pd.DataFrame, people: dict[int, str], today: date,
                key: str = "projects_import") -> None:
    """Upload, preview (problems per row, unknown assignees) and import a plan file, all or nothing; a file is
    imported once per project (a second click or the same file again does not append the plan twice)."""
    st.caption(COLUMNS_HELP)
    start = ui.query(vpp.project_detail, project_id=pid, today=today).project["start"] or today  # as import_plan
    calendar = ui.query(project_calendar, project_id=pid)
    got = _upload(people, key, start, calendar)
    if got is None:
        return
    name, raw, digest, _project_file = got
    done = st.session_state.setdefault(IMPORTED, set())
    if (pid, digest) in done:
        st.info(f"{ui.md(name)} is already imported into this project; upload another file or edit the plan.",
                icon=":material/check_circle:")
        return
    replace = len(tasks) > 0 and st.toggle(f"Replace the current {len(tasks)} tasks (otherwise add after them)",
                                           key=f"{key}_replace")
    if st.button(f"Import {len(raw)} tasks", type="primary", key=f"{key}_go") and (
            plan := _parsed(raw, name, start, calendar)) is not None:
        change = ui.run(cpp.import_plan, project_id=pid, plan_rows=plan.rows, replace=replace, today=today)
        if change is not None:
            done.add((pid, digest))
            ui.flash(f"Imported {name}: {change.summary()}", **{key + "_n": st.session_state.get(key + "_n", 0) + 1})


def import_plan_file(pick: dict, today: date, key: str = "plan_file") -> None:
    """Import a plan file into a new project (name and start) or an existing one — the Projects landing and the
    Data page."""
    projects = pick.get("projects", {})
    target = st.selectbox("Import into", [None, *projects], key=f"{key}_target",
                          format_func=lambda i: "A new project" if i is None else projects[i])
    if target is not None:
        plan_import(int(target), ui.query(vpp.plan_tasks, project_id=int(target)), pick["people"], today,
                    key=f"{key}_{target}")
        return
    c1, c2 = st.columns(2)
    name = c1.text_input("Project name", key=f"{key}_name", placeholder="e.g. Website relaunch")
    start = c2.date_input("Start", today, format=ui.DATE_INPUT_FORMAT, key=f"{key}_start")
    st.caption(COLUMNS_HELP)
    calendar = ui.query(project_calendar, project_id=0)  # the workspace's holidays
    got = _upload(pick["people"], key, start, calendar)
    if got is None:
        return
    fname, raw, digest, project_file = got
    holidays = project_file.holidays if project_file is not None else []
    if project_file is not None:
        start = project_file.start
        st.caption(f"From the MS Project file: start {fmt.day(start)}"
                   + (f", {len(holidays)} holidays for the project calendar" if holidays else "") + ".")
    done = st.session_state.setdefault(IMPORTED, set())
    if (None, digest, name.strip()) in done:
        st.info(f"{ui.md(fname)} was already imported as '{ui.md(name.strip())}'.", icon=":material/check_circle:")
        return
    if st.button(f"Create the project and import {len(raw)} tasks", type="primary", key=f"{key}_go") and (
            plan := _parsed(raw, fname, start, calendar)) is not None:
        made = ui.run(cpp.create_from_plan, data={"name": name, "start": start, "status": "proposed"},
                      plan_rows=plan.rows, today=today, holidays=holidays)
        if made is not None:
            done.add((None, digest, name.strip()))
            ui.flash(f"Created '{name.strip()}' from {fname}", **{key + "_n": st.session_state.get(key + "_n", 0) + 1,
                                                                   OPEN: name.strip()})
