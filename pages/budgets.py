"""Budgets: are we spending to plan, and where will each project land?"""

from worksmith.ui import router

router.guard(__file__)  # a cold deep link hops through the entrypoint before the heavy imports

from datetime import date

import streamlit as st

from worksmith import fmt
from worksmith.charts import budget as charts
from worksmith.commands import budgets as commands
from worksmith.exchange import budget_report
from worksmith.ui import shell as ui
from worksmith.views import budget_owner, budget_roi
from worksmith.views import budgets as views
from worksmith.views.budgets import BUDGET_CATEGORIES

ui.page_setup("Budgets", "Plan vs actual, earned value and cost forecasts — for the organisation and for each project "
              "and operation.", __file__)
today, cur = ui.today(), ui.currency()
owners = ui.query(views.owners)
if owners.empty:
    ui.empty_state("No projects or operations yet: add a project (or import a plan file on the Data page) or an "
                   "operation, then plan its budget here.")
    st.stop()

st.session_state.update(st.session_state.pop("_budgets_reset", {}))
ORG = "all"
SHOWN_ALERTS = 5  # alert cards before "more"
labels = {ORG: "Whole organisation"} | {o: f"{k.capitalize()} · {n}" for o, k, n in
                                         zip(owners["owner"], owners["kind"], owners["name"], strict=True)}
param = st.query_params.get("owner") or ORG
param = param if param in labels else ORG
if param != ORG and st.query_params.get("owner") != param:
    st.query_params["owner"] = param
if st.session_state.get("_budgets_param") != param:  # a link (or the back button) chose the view
    st.session_state["budgets_owner"] = st.session_state["_budgets_param"] = param


def _select_view() -> None:
    chosen = st.session_state["_budgets_param"] = st.session_state["budgets_owner"]
    if chosen == ORG:
        st.query_params.pop("owner", None)
    else:
        st.query_params["owner"] = chosen


def open_view(owner: str) -> None:
    st.session_state["budgets_owner"] = owner
    _select_view()


def money_columns(*names: str) -> dict:
    return {n: st.column_config.NumberColumn(label, format=f"{cur}%,.0f") for n, label in names}


left, right = st.columns([3, 1], vertical_alignment="bottom")
selected = left.selectbox("View", list(labels), key="budgets_owner", format_func=labels.get, on_change=_select_view)
right.download_button("Budget report (Excel)", lambda: ui.query(budget_report.report_workbook, today=today),
                      file_name=f"budget-report-{today:%Y-%m-%d}.xlsx", icon=":material/download:",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="budgets_export", width="stretch", on_click="ignore")

if selected == ORG:
    org, roi = ui.query(budget_roi.organisation_and_roi, today=today)  # one read of the budget data for both
    ui.metric_row(org.metrics)
    if len(org.alerts):
        st.subheader(f"Alerts · {len(org.alerts)}")
        for i, alert in enumerate(org.alerts.head(SHOWN_ALERTS).to_dict("records")):  # critical first
            text, button = st.columns([6, 1], vertical_alignment="center")  # "Open" whole at 1280 px
            text.warning(f"**{ui.md(alert['name'])} — {alert['rule']}** ({alert['severity']}): "
                         f"{ui.md(alert['message'])}",
                         icon=":material/warning:")
            button.button("Open", key=f"budgets_alert_open_{i}", on_click=open_view, args=(alert["owner"],),
                          icon=":material/arrow_forward:", width="stretch")
        if len(org.alerts) > SHOWN_ALERTS:
            rest = org.alerts.iloc[SHOWN_ALERTS:]
            with st.expander(f"{len(rest)} more alerts"):  # one table: at L a hundred cards fill screens
                links = ui.page_urls(("budgets", {"owner": owner}) for owner in rest["owner"])
                st.dataframe(rest[["severity", "name", "rule", "message"]].assign(link=links), hide_index=True,
                             width="stretch", key="budgets_more_alerts",
                             column_config={"severity": "Severity", "name": st.column_config.TextColumn(
                                 "Budget", width="medium"), "rule": "Rule",
                                 "message": st.column_config.TextColumn("Why", width="large"),
                                 "link": st.column_config.LinkColumn("Open", display_text="Open")})
    else:
        st.success("No budget alert: every active project and operation is within the thresholds.")
    c1, c2 = st.columns(2)
    c1.altair_chart(charts.plan_actual_bars(org.by_team, title=org.team_title, currency=cur, group_title="Team"),
                    width="stretch")
    c2.altair_chart(charts.plan_actual_bars(org.by_category, title=org.category_title, currency=cur,
                                            group_title="Category"), width="stretch")
    st.subheader(org.over_budget_title)
    st.dataframe(org.over_budget, hide_index=True, width="stretch", key="budgets_over_budget",
                 column_order=["project", "health", "status", "bac", "ac", "ev", "cpi_text", "eac_text", "vac_text",
                               "over_pct", "bottom_up_text", "link"],
                 column_config={"project": "Project", "health": "Forecast", "status": "Status",
                                **money_columns(("bac", "Budget (BAC)"), ("ac", "Spent (AC)"), ("ev", "Earned (EV)")),
                                "cpi_text": "CPI", "eac_text": "Forecast (EAC, CPI-based)", "vac_text": "VAC",
                                "bottom_up_text": st.column_config.TextColumn(
                                    "Forecast (bottom-up)", help="AC + remaining estimate hours × cost rates + "
                                    "remaining non-labour budget: moves when the plan changes"),
                                "over_pct": st.column_config.NumberColumn("EAC vs budget", format="%+.0f %%"),
                                "link": st.column_config.LinkColumn("Open", display_text="details")})
    roi_tab, import_tab = st.tabs(["Value and ROI", "Import expenses"])
    with roi_tab:
        ui.metric_row(roi.metrics)
        st.altair_chart(charts.roi_chart(roi.table, title=roi.title, currency=cur), width="stretch")
        st.dataframe(roi.display, hide_index=True, width="stretch", key="budgets_roi_table",
                     column_config={"name": "Project", "status": "Status", "team": "Team", "cost_basis": "Cost is",
                                    **money_columns(("budget", "Budget"), ("cost", "Cost"), ("benefit", "Benefit")),
                                    "benefit_start": "Benefit from", "roi": "ROI", "payback_month": "Pays back",
                                    "explanation": st.column_config.TextColumn("How", width="large")})
    with import_tab:
        st.markdown("Upload a CSV with the columns **date, project, category, amount, note** (project by name or "
                    f"id; category one of {', '.join(BUDGET_CATEGORIES)}). Every row is checked first; a file with "
                    "any problem imports nothing.")
        gen = st.session_state.setdefault("budgets_import_gen", 0)
        upload = st.file_uploader("Expenses CSV", type=["csv"], key=f"budgets_import_file_{gen}")
        if upload is not None:
            rows, errors = ui.query(views.preview_import, data=upload.getvalue(), today=today)
            if len(errors):
                st.error(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {upload.name}: nothing will "
                         "be imported. Fix the rows below and upload again (row 1 = the first row below the header).")
                st.dataframe(errors, hide_index=True, width="stretch", key="budgets_import_errors")
            else:
                st.dataframe(rows.drop(columns=["project_id", "operation_id"]), hide_index=True, width="stretch",
                             column_config=money_columns(("amount", "Amount")), key="budgets_import_preview")
                if st.button(f"Import {len(rows)} expenses", type="primary", key="budgets_import_confirm"):
                    if ui.run(commands.import_expenses, data=upload.getvalue(), today=today) is not None:
                        ui.flash(f"{len(rows)} expenses imported from {upload.name}", budgets_import_gen=gen + 1)
    st.stop()

view = ui.query(budget_owner.owner_view, owner=selected, today=today)
ui.metric_row(view.metrics)
chart_col, alert_col = st.columns([2, 1]) if len(view.alerts) else (st.container(), None)
chart_col.altair_chart(charts.burn_chart(view.series, today=today, title=view.chart_title, currency=cur, bac=view.bac,
                                         forecast_label="EAC" if view.kind == "project" else "run rate"),
                       width="stretch")
for alert in view.alerts.to_dict("records"):
    alert_col.warning(f"**{alert['rule']}** ({alert['severity']}): {ui.md(alert['message'])}",
                      icon=":material/warning:")
if view.method:
    st.caption(view.method + ". EV before today is interpolated from today's value; AC is recorded. The forecast "
               "line ends at the schedule's forecast finish.")

tabs = st.tabs((["Earned value"] if view.kind == "project" else []) + ["By category", "Budget lines", "Expenses"])
if view.kind == "project":
    with tabs[0]:
        st.dataframe(view.evm_table, hide_index=True, width="stretch", key="budgets_evm_table",
                     height=36 * (len(view.evm_table) + 1) + 3,
                     column_config={"metric": st.column_config.TextColumn("Figure", width="small"), "value": "Value",
                                    "formula": st.column_config.TextColumn("Formula with today's numbers",
                                                                           width="large"),
                                    "meaning": st.column_config.TextColumn("Meaning", width="large")})
        st.caption("“—” means undefined: e.g. CPI before anything is spent, or EAC while nothing is earned.")
with tabs[-3]:
    st.altair_chart(charts.plan_actual_bars(view.by_category, title=view.category_title, currency=cur,
                                            group_title="Category"), width="stretch")
with tabs[-2], st.container(key="budgets_lines"):
    st.caption("One line per month and category. Add, change or delete rows, then save: all changes are saved "
               "together, or none if a row is refused.")
    gen = st.session_state.setdefault("budgets_lines_gen", 0)
    edited = st.data_editor(
        view.lines, key=f"budgets_lines_editor_{gen}_{selected}", num_rows="dynamic", hide_index=True,
        width="stretch", column_order=["month", "category", "planned"],
        column_config={"month": st.column_config.DateColumn("Month", format="MMM YYYY", required=True),
                       "category": st.column_config.SelectboxColumn("Category", options=BUDGET_CATEGORIES,
                                                                    required=True),
                       "planned": st.column_config.NumberColumn(f"Planned ({cur})", format="%,.0f", required=True)})
    if st.button("Save budget lines", type="primary", key="budgets_lines_save"):
        result = ui.run(commands.save_budget_lines, owner=selected, original=view.lines.to_dict("records"),
                        edited=edited.to_dict("records"))
        if result is not None:
            ui.flash(str(result), budgets_lines_gen=gen + 1)
with tabs[-1]:
    with st.form("budgets_expense_form", border=True):
        st.markdown("**Record an expense**")
        c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
        day = c1.date_input("Date", value=today, min_value=date(2000, 1, 1),
                            max_value=date(2100, 12, 31), format=ui.DATE_INPUT_FORMAT, key="budgets_expense_day")
        category = c2.selectbox("Category", BUDGET_CATEGORIES, index=None, placeholder="Choose…",
                                key="budgets_expense_category")
        amount = c3.number_input(f"Amount ({cur})", value=None, step=100.0, key="budgets_expense_amount")
        note = c4.text_input("Note", key="budgets_expense_note", placeholder="e.g. Consultant invoice 0042")
        if st.form_submit_button("Add expense", type="primary", key="budgets_expense_add"):
            if ui.run(commands.add_expense, owner=selected, day=day, category=category, amount=amount, note=note,
                      today=today) is not None:  # on a refusal the inputs stay, to be corrected
                # the inputs are reset on the rerun, before they exist
                ui.flash(f"Expense of {fmt.money(amount, cur)} added",
                         _budgets_reset={"budgets_expense_amount": None, "budgets_expense_note": ""})
    listed = view.expenses.assign(day=[fmt.day(d) for d in view.expenses["day"]])
    picked = st.dataframe(listed, hide_index=True, width="stretch", key="budgets_expense_table",
                          on_select="rerun", selection_mode="multi-row",
                          column_order=["day", "category", "amount", "note"],
                          column_config={"day": "Date", "category": "Category", "note": "Note",
                                         **money_columns(("amount", "Amount"))})
    rows = picked.selection.rows if picked else []
    if st.button(f"Delete {len(rows)} selected", disabled=not rows, key="budgets_expense_delete"):
        chosen = view.expenses.iloc[rows]
        if ui.run(commands.delete_expenses, expenses=list(zip(chosen["id"], chosen["version"], strict=True))):
            ui.flash(f"{len(rows)} expense{'s' if len(rows) != 1 else ''} deleted")
