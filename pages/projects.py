"""Projects: which projects are on track, what drives their dates — and each project's plan, board, risks, status."""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

import pandas as pd
import streamlit as st

from worksmith import fmt
from worksmith.charts import gantt as gc
from worksmith.errors import WorksmithError
from worksmith.exchange.planfile import read_plan_frame
from worksmith.services import projects as ps
from worksmith.services import projects_plan as pp
from worksmith.services import projects_team as pt
from worksmith.store.models import DEPENDENCY_TYPES, MEMBER_ROLES, PROJECT_STATUSES, RAG, RISK_STATUSES
from worksmith.ui import shell as ui

ui.page_setup("Projects", "Which projects are on track and what drives their dates; open one for its plan, Gantt, "
              "board, risks, status report, team and close-out.", __file__)
today = ui.today()
FLASH, OPEN = "projects_flash", "projects_open"
if flash := st.session_state.pop(FLASH, None):
    st.toast(flash, icon="✅")
if (opened := st.session_state.pop(OPEN, None)) is not None:
    st.session_state["project"] = opened  # a project just created or picked in the table


def done(message: str | None, open_project: str | None = None) -> None:
    if message:
        st.session_state[FLASH] = message
    if open_project:
        st.session_state[OPEN] = open_project
    st.rerun()


def tiles(items: list[ps.Tile]) -> None:
    for col, t in zip(st.columns(len(items)), items, strict=True):
        col.metric(t.label, t.value, t.delta, delta_color=t.delta_color, delta_arrow=t.arrow, help=t.help,
                   border=True)


LABELS = {c: c.replace("_", " ").capitalize() for c in ("title", "probability", "impact", "level", "owner",
                                                        "mitigation", "status", "person", "role", "day", "rag",
                                                        "summary", "author", "from_project", "from_task", "from_day",
                                                        "to_project", "to_task", "to_day", "type", "lag", "slack",
                                                        "driving")}
names = ui.query(ps.project_names)
pick = ui.query(ps.choices)
people = pick["people"]
name = st.selectbox("Project", [None, *names["name"]], key="project", bind="query-params",
                    format_func=lambda n: "All projects — portfolio and program" if n is None else n)


def project_form(prefix: str, p: dict | None = None) -> dict:
    """The project fields (inside a form); ``p`` pre-fills them when editing."""
    p = p or {}
    c1, c2, c3 = st.columns(3)
    data = {"name": c1.text_input("Name", p.get("name", ""), key=f"{prefix}_name"),
            "status": c2.selectbox("Status", PROJECT_STATUSES, PROJECT_STATUSES.index(p.get("status", "proposed")),
                                   key=f"{prefix}_status"),
            "priority": c3.number_input("Priority (1 highest)", 1, 5, int(p.get("priority", 3)), key=f"{prefix}_prio"),
            "start": c1.date_input("Start", p.get("start", today), format="DD/MM/YYYY", key=f"{prefix}_start"),
            "target_end": c2.date_input("Target end (empty = the computed finish)", p.get("target_end"),
                                        format="DD/MM/YYYY", key=f"{prefix}_target"),
            "budget": c3.number_input(f"Budget ({ui.currency()})", 0.0, value=float(p.get("budget", 0.0)), step=1000.0,
                                      key=f"{prefix}_budget")}
    for col, field, label, options in ((c1, "manager_id", "Manager", people), (c2, "team_id", "Team", pick["teams"]),
                                       (c3, "goal_id", "Goal", pick["goals"])):
        ids = [None, *options]
        data[field] = col.selectbox(label, ids, ids.index(p.get(field)) if p.get(field) in ids else 0,
                                    format_func=lambda i, o=options: fmt.DASH if i is None else o[i],
                                    key=f"{prefix}_{field}")
    data["description"] = st.text_area("Description", p.get("description", ""), key=f"{prefix}_desc", height=80)
    return data


def new_project() -> None:
    templates = pick["templates"]
    tid = st.selectbox("Start from", [None, *templates], key="projects_new_template",
                       format_func=lambda i: "A blank plan" if i is None else f"Template · {templates[i]}")
    if tid is not None:
        found = ui.query(pp.template_lessons, template_id=tid)
        with st.expander(f"Lessons from {len(found)} closed project{'s' * (len(found) != 1)}, most similar first",
                         expanded=bool(len(found)), icon=":material/lightbulb:"):
            for r in found.itertuples():
                st.markdown(f"**{r.project}** ({r.why}) — {r.lessons}")
    with st.form("projects_new_form"):
        data = project_form("projects_new")
        if st.form_submit_button("Create project", type="primary"):
            made = (ui.run(pp.create_from_template, template_id=tid, data=data, today=today) if tid is not None
                    else ui.run(ps.create_project, data=data))
            if made is not None:
                done(f"Created '{data['name'].strip()}'" + (f" from '{templates[tid]}'" if tid else ""),
                     data["name"].strip())


# ------------------------------------------------------------------------------------------------ portfolio
if name is None:
    view = ui.query(ps.portfolio_view, today=today)
    if view.empty:
        ui.empty_state("No projects yet. Create the first one below (from scratch or a template), then add tasks or "
                       "import a plan file on its Plan tab.")
        new_project()
        st.stop()
    tiles(view.tiles)
    portfolio_tab, program_tab, new_tab = st.tabs(["Portfolio", "Program", "New project"], key="view",
                                                  bind="query-params")
    if portfolio_tab.open:
        with portfolio_tab:
            c = st.columns([2, 2, 2, 2, 3])
            table = ps.filter_portfolio(
                view.table, text=c[4].text_input("Search", key="q", bind="query-params", placeholder="name or reason"),
                statuses=c[0].multiselect("Status", PROJECT_STATUSES, key="status", bind="query-params"),
                healths=c[1].multiselect("Health", list(ps.RAG_OF_HEALTH) + ["not started", "done"], key="health",
                                         bind="query-params"),
                team=c[2].selectbox("Team", [None, *view.teams], key="team", bind="query-params",
                                    format_func=lambda t: "All teams" if t is None else t),
                goal=c[3].selectbox("Goal", [None, *view.goals], key="goal", bind="query-params",
                                    format_func=lambda g: "All goals" if g is None else g))
            st.caption(f"{len(table)} of {len(view.table)} projects · select a row to open the project")
            picked = st.dataframe(
                table, hide_index=True, width="stretch", key=f"projects_table_{st.session_state.get(OPEN + '_n', 0)}",
                on_select="rerun",
                selection_mode="single-row", column_order=ps.PORTFOLIO_COLUMNS,
                column_config={"project": st.column_config.TextColumn("Project", width="medium"),
                               "percent_complete": st.column_config.ProgressColumn("% complete", format="%d %%",
                                                                                   min_value=0, max_value=100),
                               "finish": "Forecast finish", "vs_target": st.column_config.TextColumn(
                                   "vs target", help="Working days after (+) or before (−) the target end"),
                               "budget_used": st.column_config.ProgressColumn("Budget used", format="%d %%",
                                                                              min_value=0, max_value=150),
                               "reasons": st.column_config.TextColumn("Why", width="large")})
            if picked.selection.rows:
                st.session_state[OPEN + "_n"] = st.session_state.get(OPEN + "_n", 0) + 1  # a fresh, unselected table
                done(None, table.iloc[picked.selection.rows[0]]["project"])
    if program_tab.open:
        with program_tab:
            prog = ui.query(ps.program, today=today)
            if prog.items.empty:
                st.info("No active project has scheduled tasks yet.")
            else:
                st.altair_chart(gc.program_chart(prog.items, prog.links, today=today, title=prog.title),
                                width="stretch")
                st.caption("Bars: critical tasks · ◆ milestones · dashed lines: cross-project links, red when the link "
                           "drives the date (no slack).")
                st.dataframe(prog.links.assign(from_day=[fmt.day(d) for d in prog.links["from_day"]],
                                               to_day=[fmt.day(d) for d in prog.links["to_day"]]), hide_index=True,
                             width="stretch", column_config=LABELS)
    if new_tab.open:
        with new_tab:
            new_project()
    st.stop()

# ------------------------------------------------------------------------------------------------ one project
pid = int(names.loc[names["name"] == name, "id"].iloc[0])
d = ui.query(ps.project_detail, project_id=pid, today=today)
p = d.project
st.markdown(f"### {p['name']} · {ps.health_label(d.health)}\n{ps.sentence(d.reasons)} Status "
            f"*{p['status']}* · manager {people.get(p['manager_id'], fmt.DASH)} · {fmt.day(p['start'])} → target "
            f"{fmt.day(p['target_end'])}")
tiles(d.tiles)
if len(d.lessons):
    with st.expander(f"Lessons from {len(d.lessons)} closed project{'s' * (len(d.lessons) != 1)}",
                     icon=":material/lightbulb:"):
        for r in d.lessons.itertuples():
            st.markdown(f"**{r.project}** (closed {fmt.day(r.closed_on)}) — {r.lessons}")
TABS = ["Plan", "Gantt", "Board", "Risks", "Status", "Team", "Close-out", "Details"]
tab = dict(zip(TABS, st.tabs(TABS, key="tab", bind="query-params"), strict=True))
tasks = d.tasks

if tab["Plan"].open:
    with tab["Plan"]:
        grid = pp.editor_frame(tasks)
        stamp = int(pd.util.hash_pandas_object(grid[["id", "version", "start_date", "finish_date"]].astype(str)).sum())
        cc = st.column_config
        edited = st.data_editor(
            grid, key=f"projects_plan_editor_{pid}_{stamp}", num_rows="dynamic", hide_index=True, width="stretch",
            column_order=pp.GRID_ORDER, disabled=pp.COMPUTED,
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
        c2.download_button("Download plan (CSV)", ui.query(pp.export_plan, project_id=pid), f"{p['name']}-plan.csv",
                           "text/csv", key="projects_plan_download", icon=":material/download:")
        if c1.button("Save plan", type="primary", key="projects_plan_save"):
            change = ui.run(pp.save_plan, project_id=pid, rows=edited.to_dict("records"), today=today)
            if change is not None:
                done(change.summary())
        with st.expander("Import a plan file (CSV or Excel)", icon=":material/upload_file:"):
            st.caption("Columns: id, name, phase, duration_days, predecessors (e.g. 3FS+2d), assignee, estimate_hours, "
                       "start_no_earlier_than (working days from the start). All or nothing.")
            upload = st.file_uploader("Plan file", type=["csv", "xlsx"], key="projects_import_file")
            if upload is not None:
                try:
                    raw = read_plan_frame(upload.getvalue(), upload.name)
                except WorksmithError as error:
                    st.error(str(error), icon="⚠️")
                    raw = None
                if raw is not None:
                    pre = pp.preview_import(raw, list(people.values()))
                    for w in pre.warnings:
                        st.warning(w)
                    if pre.errors:
                        st.error("Nothing can be imported until these are fixed:\n\n" + "\n".join(
                            f"- {e}" for e in pre.errors), icon="⚠️")
                    st.dataframe(pre.table, width="stretch", key="projects_import_preview")
                    replace = len(tasks) > 0 and st.toggle(f"Replace the current {len(tasks)} tasks (otherwise add "
                                                           "after them)", key="projects_import_replace")
                    if pre.ok and st.button(f"Import {len(raw)} tasks", type="primary", key="projects_import_go"):
                        change = ui.run(pp.import_plan, project_id=pid, data=raw, replace=replace, today=today,
                                        source=upload.name)
                        if change is not None:
                            done(f"Imported {upload.name}: {change.summary()}")
        with st.expander(f"Links to other projects ({len(d.links)})", icon=":material/link:"):
            for link in d.links.itertuples():
                c1, c2 = st.columns([5, 1])
                c1.markdown(f"**{link.task}** {link.text}")
                if c2.button("Remove", key=f"projects_link_remove_{link.dep_id}") and (
                        msg := ui.run(pp.remove_link, dep_id=int(link.dep_id), today=today)) is not None:
                    done(msg)
            targets = ui.query(pp.link_targets, project_id=pid)
            own = dict(zip(tasks["id"], "#" + tasks["ref"].astype(str) + " " + tasks["name"], strict=True))
            c = st.columns([3, 2, 3, 1, 1, 1])
            succ = c[0].selectbox("This task", list(own), format_func=own.get, key="projects_link_succ")
            other = c[1].selectbox("waits for project", sorted(set(targets["project"])), key="projects_link_project")
            cands = targets[targets["project"] == other]
            labels = dict(zip(cands["id"], cands["label"], strict=True))
            pred = c[2].selectbox("task", list(labels), format_func=labels.get, key="projects_link_pred")
            kind = c[3].selectbox("Type", DEPENDENCY_TYPES, key="projects_link_type")
            lag = c[4].number_input("Lag d", -30, 60, 0, key="projects_link_lag")
            if c[5].button("Add link", key="projects_link_add", disabled=succ is None or pred is None):
                msg = ui.run(pp.add_link, pred_task_id=int(pred), succ_task_id=int(succ), type=kind, lag_days=int(lag),
                             today=today)
                if msg is not None:
                    done(msg)

if tab["Gantt"].open:
    with tab["Gantt"]:
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
                if ui.run(ps.save_baseline, project_id=pid, name=label) is not None:
                    done(f"Baseline '{label}' saved")
        if d.baseline:
            st.markdown(f"**Variance against '{d.baseline['name']}'** (working days, + late / − early): project "
                        f"finish **{fmt.days(d.finish_variance)}**; budget {ui.money(p['budget'])} vs "
                        f"{ui.money(d.baseline['budget'])}.")
            var = tasks[tasks["baseline_finish"].notna()]
            st.dataframe(pd.DataFrame({"Task": "#" + var["ref"].astype(str) + " " + var["name"],
                                       "Baseline finish": [fmt.day(x) for x in var["baseline_finish"]],
                                       "Finish": [fmt.day(x) for x in var["finish_date"]],
                                       "Variance": [fmt.days(x) for x in var["finish_variance"]]}),
                         hide_index=True, width="stretch", key="projects_variance")

if tab["Board"].open:
    with tab["Board"]:
        cards = ui.query(pp.board, project_id=pid)
        who = st.selectbox("Assignee", [None, *sorted(set(cards["assignee"]))], key="projects_board_who",
                           format_func=lambda w: "Everyone" if w is None else w)
        cards = cards if who is None else cards[cards["assignee"] == who]
        for col, status in zip(st.columns(len(pp.BOARD_STATUSES)), pp.BOARD_STATUSES, strict=True):
            column = cards[cards["status"] == status]
            col.markdown(f"#### {status.capitalize()} · {len(column)}")
            for c in column.head(40).itertuples():
                with col.container(border=True, key=f"projects_card_{c.id}"):
                    st.markdown(f"**#{c.ref} {c.name}**" + (" · :red[critical]" if c.critical and status != "done"
                                                            else ""))
                    st.caption(f"{c.assignee} · {fmt.day(c.start_date)} → {fmt.day(c.finish_date)} · "
                               f"{c.percent_complete:.0f} %")
                    to = st.selectbox("Move to", [s for s in pp.BOARD_STATUSES if s != status], index=None,
                                      key=f"projects_move_{c.id}_{c.version}", placeholder="Move to…",
                                      label_visibility="collapsed")
                    if to and ui.run(pp.move_task, task_id=int(c.id), status=to, expected_version=int(c.version)):
                        done(f"'{c.name}' moved to {to}")
            if len(column) > 40:
                col.caption(f"… and {len(column) - 40} more: filter by assignee.")

if tab["Risks"].open:
    with tab["Risks"]:
        reg = ui.query(pt.risks, project_id=pid)
        grid = gc.risk_grid(reg)
        high = int(((grid["level"] == "high") * grid["count"]).sum())
        left, right = st.columns([2, 3])
        left.altair_chart(gc.risk_heatmap(grid, title=f"{int(grid['count'].sum())} open risks, {high} high"),
                          width="content")
        right.dataframe(reg.drop(columns=["id", "version", "owner_id"]), hide_index=True, width="stretch",
                        column_config=LABELS | {"score": st.column_config.NumberColumn("P × I")})
        with right:
            ids = [None, *reg["id"]]
            titles = dict(zip(reg["id"], reg["title"], strict=True))
            rid = st.selectbox("Add or edit", ids, key="projects_risk_pick",
                               format_func=lambda i: "New risk" if i is None else titles[i])
            cur = {} if rid is None else reg.set_index("id").loc[rid].to_dict()
            with st.form(f"projects_risk_form_{rid}"):
                title = st.text_input("Risk", cur.get("title", ""))
                c1, c2, c3, c4 = st.columns(4)
                prob = c1.slider("Probability", 1, 5, int(cur.get("probability", 3)))
                imp = c2.slider("Impact", 1, 5, int(cur.get("impact", 3)))
                owners = [None, *people]
                owner = c3.selectbox("Owner", owners, owners.index(cur.get("owner_id")) if cur.get("owner_id") in owners
                                     else 0, format_func=lambda i: fmt.DASH if i is None else people[i])
                status = c4.selectbox("Status", RISK_STATUSES, RISK_STATUSES.index(cur.get("status", "open")))
                mitigation = st.text_area("Mitigation", cur.get("mitigation", ""), height=70)
                if st.form_submit_button("Save risk", type="primary") and ui.run(
                        pt.save_risk, project_id=pid, risk_id=rid, expected_version=cur.get("version"),
                        values={"title": title, "probability": prob, "impact": imp, "owner_id": owner,
                                "mitigation": mitigation, "status": status}) is not None:
                    done(f"Risk '{title}' saved")

if tab["Status"].open:
    with tab["Status"]:
        rag = ps.RAG_OF_HEALTH.get(d.health)
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"### {ps.health_label(d.health)}" + (f" ({rag.upper()})" if rag else ""))
            st.markdown("\n".join(f"- {r}" for r in d.reasons))
            st.caption("RAG rules: forecast finish > 5 working days after target → red, later at all → amber; "
                       "spend > 15 % over plan to date → red, > 5 % → amber; unfinished tasks past their finish → "
                       "amber.")
            hist = ui.query(ps.status_updates, project_id=pid)
            st.dataframe(hist.assign(day=[fmt.day(x) for x in hist["day"]],
                                     rag=[ps.health_label(ps.HEALTH_OF_RAG.get(r, r)) for r in hist["rag"]]),
                         hide_index=True, width="stretch", key="projects_status_history", column_config=LABELS)
        with right:
            files = ui.query(ps.status_report, project_id=pid, today=today)
            slug = p["name"].lower().replace(" ", "-")
            st.download_button("Status report (HTML)", files["html"], f"{slug}-status-{today}.html", "text/html",
                               type="primary", key="projects_report_html", icon=":material/download:")
            st.download_button("Markdown version", files["md"], f"{slug}-status-{today}.md", "text/markdown",
                               key="projects_report_md")
            with st.form("projects_status_form", clear_on_submit=True):
                new_rag = st.selectbox("RAG", RAG, RAG.index(rag) if rag in RAG else 0,
                                       key=f"projects_status_rag_{pid}")
                summary = st.text_area("What changed, what is next, what help is needed",
                                       key=f"projects_status_summary_{pid}")
                if st.form_submit_button("Add status update", type="primary") and ui.run(
                        ps.add_status_update, project_id=pid, rag=new_rag, summary=summary, today=today) is not None:
                    done("Status update added")

if tab["Team"].open:
    with tab["Team"]:
        team = ui.query(pt.members, project_id=pid)
        st.dataframe(team.drop(columns=["id", "version", "person_id"]), hide_index=True, width="stretch",
                     column_config=LABELS | {"allocation": st.column_config.NumberColumn("Allocation %",
                                                                                         format="%d %%"),
                                    "allocated_elsewhere": st.column_config.NumberColumn(
                                        "On other active projects %", format="%d %%")})
        with st.form("projects_member_form"):
            c1, c2, c3 = st.columns(3)
            who = c1.selectbox("Person", list(people), format_func=people.get, key="projects_member_person")
            role = c2.selectbox("Role", MEMBER_ROLES, 2, key="projects_member_role")
            alloc = c3.number_input("Allocation %", 0, 100, 50, step=10, key="projects_member_alloc")
            if st.form_submit_button("Add or update member") and ui.run(
                    pt.set_member, project_id=pid, person_id=who, role=role, allocation=float(alloc)) is not None:
                done(f"{people[who]} is {role} at {alloc} %")
        st.markdown(f"**RACI** — {pt.RACI_HELP}")
        matrix = ui.query(pt.raci_matrix, project_id=pid)
        raci = st.data_editor(matrix, hide_index=True, width="stretch", key=f"projects_raci_{pid}_{len(team)}",
                              disabled=["kind", "item_id", "item"], column_order=["item", *team["person"]],
                              column_config={n: st.column_config.SelectboxColumn(n, options=pt.RACI_OPTIONS)
                                             for n in team["person"]})
        if st.button("Save RACI", key="projects_raci_save") and ui.run(pt.save_raci, project_id=pid,
                                                                      matrix=raci) is not None:
            done("RACI saved")

if tab["Close-out"].open:
    with tab["Close-out"]:
        closed = p["status"] == "done"
        st.markdown(f"Closed on **{fmt.day(p['closed_on'])}**." if closed else "Closing sets the status to *done* and "
                    "keeps the review and lessons for the next projects (listed on their pages and offered when a "
                    "project starts from a similar template).")
        with st.form("projects_close_form"):
            review = st.text_area("Final review: what was delivered, against plan and budget", p["final_review"])
            learned = st.text_area("Lessons learned", p["lessons_learned"])
            if st.form_submit_button("Save" if closed else "Close the project", type="primary"):
                cmd = ps.save_close_out if closed else ps.close_project
                extra = {} if closed else {"today": today}
                if ui.run(cmd, project_id=pid, final_review=review, lessons_learned=learned,
                          expected_version=p["version"], **extra) is not None:
                    done("Close-out saved" if closed else f"'{p['name']}' closed")

if tab["Details"].open:
    with tab["Details"]:
        with st.form("projects_edit_form"):
            data = project_form(f"projects_edit_{pid}_{p['version']}", p)  # fresh fields per project and version
            if st.form_submit_button("Save details", type="primary") and ui.run(
                    ps.update_project, project_id=pid, changes=data, expected_version=p["version"],
                    today=today) is not None:
                done("Project saved", data["name"].strip())
        with st.form("projects_template_form"):
            c1, c2 = st.columns([3, 1])
            tname = c1.text_input("Save this plan as a template", f"{p['name']} template", key="projects_template_name")
            if c2.form_submit_button("Save template") and ui.run(pp.save_template, project_id=pid,
                                                                 name=tname) is not None:
                done(f"Template '{tname}' saved")
