"""The import wizard (Data page) and the calendar downloads.

Wizard: table → template download → upload → mapping (guessed from the headers, or the one remembered for this file
shape; editable) → preview of the first rows as they will be saved, with every row's problems → import, all or
nothing, with a progress bar, once per file.

Calendars: Streamlit serves no custom routes, so a feed cannot have a stable URL a calendar app subscribes to; each
feed is a download of an ``.ics`` file the calendar app imports (see the README).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from worksmith.exchange import ical
from worksmith.exchange import tables_import as tables
from worksmith.ui import shell as ui

NONE = "— not in the file —"
DONE = "data_wizard_done"  # hashes of files already imported (imports run once per file)
ICS = "text/calendar"


def _pick_table() -> str:
    c1, c2, c3 = st.columns([2, 1, 1])
    table = c1.selectbox("What the file holds", list(tables.TABLES), key="data_wizard_table",
                         format_func=lambda t: tables.TABLES[t].label)
    c2.download_button("Template (CSV)", tables.template_csv(table), file_name=f"{table}-template.csv",
                       mime="text/csv", key=f"data_wizard_tpl_csv_{table}", icon=":material/download:",
                       on_click="ignore")
    c3.download_button("Template (Excel)", tables.template_xlsx(table), file_name=f"{table}-template.xlsx",
                       key=f"data_wizard_tpl_xlsx_{table}", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    return table


def _mapping(table: str, headers: list[str], shape: str) -> dict[str, str | None]:
    remembered = ui.query(tables.saved_mapping, table=table, headers=headers)
    guess = remembered or tables.guess_mapping(table, headers)
    st.caption("Columns matched to fields " + ("as you mapped this file shape last time" if remembered else
                                               "from the header names") + " — change any that are wrong.")
    options = [NONE, *headers]
    out: dict[str, str | None] = {}
    spec = tables.TABLES[table]
    columns = st.columns(4)
    for i, f in enumerate(spec.fields):
        col = columns[i % 4]
        chosen = guess.get(f.name)
        pick = col.selectbox(f.label + (" *" if f.required else ""), options, key=f"data_map_{shape}_{i}",
                             index=options.index(chosen) if chosen in options else 0)
        out[f.name] = None if pick == NONE else pick
    return out


def import_wizard(projects: dict[int, str], today) -> None:
    """The whole wizard; see the module docstring."""
    table = _pick_table()
    upload = st.file_uploader("File (CSV or Excel)", type=["csv", "txt", "xlsx"], key=f"data_wizard_file_{table}")
    if upload is None:
        st.caption("Download the template, fill it in (or use your own spreadsheet), then upload it here.")
        return
    data = upload.getvalue()
    digest = hashlib.sha1(data).hexdigest()
    try:
        frame = tables.read_table(data, upload.name)
    except tables.ImportRefused as refused:
        st.error(str(refused), icon=":material/error:")
        return
    headers = list(frame.columns)
    shape = tables.shape_key(table, headers)[-12:]
    mapping = _mapping(table, headers, shape)
    spec = tables.TABLES[table]
    c1, c2, c3 = st.columns(3)
    key = c1.selectbox("Already there when the same…", list(spec.keys), key=f"data_wizard_key_{table}")
    on_dup = c2.radio("Rows already there", ["skip", "update"], horizontal=True, key="data_wizard_dup",
                      disabled=not spec.keys[key])
    project = ""
    if table == "task" and not mapping.get("project"):
        project = c3.selectbox("Into project", ["", *projects.values()], key="data_wizard_project") or ""
    try:
        prepared = ui.query(tables.check_file, table=table, data=data, filename=upload.name, mapping=mapping,
                            key=key, project=project)
    except tables.ImportRefused as refused:
        st.error(str(refused), icon=":material/error:")
        return
    _preview(prepared)
    create = True
    if prepared.missing:
        names = "; ".join(f"{ref}: {', '.join(sorted(n)[:8])}" for ref, n in sorted(prepared.missing.items()))
        create = st.checkbox(f"Create what is missing ({ui.md(names)})", key="data_wizard_create")
    if digest in st.session_state.get(DONE, set()):
        st.success("This file has been imported. Upload another one to import more.", icon=":material/check:")
        return
    if st.button("Import", type="primary", key="data_wizard_go", disabled=bool(prepared.problems)):
        bar = st.progress(0.0, text="Starting")
        result = ui.run(tables.import_file, table=table, data=data, filename=upload.name, mapping=mapping,
                        key=key, on_duplicate=on_dup, create_missing=create, project=project, today=today,
                        progress=lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
        if result is not None:
            st.session_state.setdefault(DONE, set()).add(digest)
            ui.flash(result.summary())


def _preview(prepared: tables.Prepared) -> None:
    total, bad = len(prepared.rows), len(prepared.problems)
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows", f"{total:,}")
    c2.metric("Already there", f"{len(prepared.matches):,}")
    c3.metric("Rows with problems", f"{bad:,}")
    st.dataframe(tables.preview_frame(prepared), hide_index=True, width="stretch", key="data_wizard_preview")
    if bad:
        st.error(f"{bad:,} of {total:,} rows cannot be imported — correct the file or the mapping; nothing is saved "
                 "until every row is right.", icon=":material/error:")
        with st.expander(f"All {sum(len(p) for p in prepared.problems.values()):,} problems"):
            st.markdown("\n".join(f"- {ui.md(p)}" for p in prepared.problem_list()[:500]))


# ------------------------------------------------------------------------------------------------ calendars
def project_calendar(project_id: int, name: str) -> None:
    st.download_button("Calendar (.ics)", ui.deferred(ical.project_ics, project_id=project_id), mime=ICS,
                       file_name=f"{name[:60]}.ics", key=f"ics_project_{project_id}", icon=":material/event:",
                       help="Milestones and task deadlines, for Outlook, Google or Apple Calendar (import the file).",
                       on_click="ignore")


def person_calendar(people: dict[int, str]) -> None:
    if not people:
        return
    c1, c2 = st.columns([2, 1])
    pid = c1.selectbox("Calendar of", list(people), format_func=people.get, key="ics_person_pick")
    c2.download_button("Download .ics", ui.deferred(ical.person_ics, person_id=pid), mime=ICS,
                       file_name=f"{people[pid][:60]}.ics", key="ics_person", icon=":material/event:",
                       help="Their tasks and recurring work (repeating events), for any calendar app.",
                       on_click="ignore")


def workspace_calendar() -> None:
    st.download_button("Milestones of every project (.ics)", ui.deferred(ical.workspace_ics), mime=ICS,
                       file_name="worksmith-milestones.ics", key="ics_workspace", icon=":material/event:",
                       on_click="ignore")
