"""The budget report as an Excel workbook: one sheet per view of the Budgets page, plus the raw plan vs actual and
expenses (read through :mod:`worksmith.views.budgets` and :mod:`worksmith.views.budget_roi`); every text cell is
written safe by :mod:`worksmith.exchange.cells`."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith.domain.budget_plan import plan_vs_actual
from worksmith.domain.evm import METRICS
from worksmith.exchange.cells_xlsx import xlsx_bytes
from worksmith.views.budget_roi import roi_rows
from worksmith.views.budgets import Organisation, alerts_of, load, organisation_of, project_rows
from worksmith.views.workspace import is_empty


def report_workbook(session: Session, *, today: date) -> bytes:
    """The budget report as an .xlsx workbook, one sheet per view: Summary, By team, By category, Over budget,
    Earned value (every project), Plan vs actual (owner × category × month), Expenses, Value and ROI, Alerts."""
    data = load(session, today)
    evms = project_rows(data)
    org = Organisation(empty_workspace=True) if is_empty(session) else organisation_of(data, evms)
    sheets: dict[str, pd.DataFrame] = {}
    if org.empty_workspace:
        sheets["Summary"] = pd.DataFrame({"note": ["The workspace is empty."]})
    else:
        sheets["Summary"] = pd.DataFrame([{"figure": x.label, "value": x.value, "compared": x.delta or "",
                                           "how": x.help or ""} for x in org.metrics])
        sheets["By team"] = org.by_team.pivot_table(index="group", columns="kind", values="amount",
                                                    aggfunc="sum").reset_index().rename(columns={"group": "team"})
        sheets["By category"] = org.by_category.pivot_table(index="group", columns="kind", values="amount",
                                                            aggfunc="sum").reset_index().rename(
            columns={"group": "category"})
        sheets["Over budget"] = org.over_budget.drop(columns=["link", "cpi_text", "eac_text", "vac_text"]).rename(
            columns={"over_pct": "eac_vs_budget_pct"})
    evm_rows = []
    for p, e in evms:
        evm_rows.append({"project": p["name"], "status": p["status"],
                         **{k: e.metrics[k] for k in METRICS}, "forecast_finish": e.forecast_finish,
                         "method": e.method})
    sheets["Earned value"] = pd.DataFrame(evm_rows, columns=["project", "status", *METRICS, "forecast_finish",
                                                             "method"])
    names = data.owners.set_index("owner")["name"]
    pva = plan_vs_actual(data.lines[["owner", "category", "month", "planned"]],
                           data.expenses.loc[data.expenses["day"] <= today, ["owner", "category", "day", "amount"]],
                           data.labour[["owner", "day", "hours", "cost_rate"]])
    pva.insert(1, "name", pva["owner"].map(names))
    sheets["Plan vs actual"] = pva
    exp = data.expenses.copy()
    exp.insert(0, "owner_name", exp["owner"].map(names))
    sheets["Expenses"] = exp[["owner_name", "owner", "day", "category", "amount", "note"]]
    sheets["Value and ROI"] = roi_rows(data, evms)
    sheets["Alerts"] = alerts_of(data, evms)
    return xlsx_bytes(sheets)

