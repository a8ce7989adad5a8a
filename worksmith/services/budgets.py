"""Budgets: plan vs actual, earned value, forecasts, ROI and alerts per project and operation (the Budgets page).

Reads return DataFrames and small dataclasses; writes validate, go through :mod:`worksmith.services.core` (audit log,
optimistic locking) and run in the caller's transaction. The arithmetic lives in :mod:`worksmith.budget`.

Where the numbers come from
---------------------------
* **Owner** — money belongs to a project or an operation, keyed ``"project:4"`` / ``"operation:2"``.
* **Planned** — ``BudgetLine`` rows (owner, category, month, amount). *Planned to date* counts past months in full
  and the current month pro rata by calendar days.
* **Actual cost (AC)** — expenses plus labour: hours booked on the owner's tasks (or on the operation) × the
  person's cost rate, up to today.
* **BAC** — the project's budget; when it is 0, the sum of its budget lines.
* **PV and EV** (projects). With a baseline (the latest ``Baseline`` of the project), each baseline task's budget is
  its share of BAC by baseline estimate hours (:func:`worksmith.budget.task_budgets`); PV(t) spreads those budgets
  over each task's baseline working days, EV = Σ current % complete × task budget. A task added after the baseline
  has no budget (it earns nothing until the project is re-baselined); a deleted one keeps its PV and earns nothing.
  Without a usable baseline, PV(t) spreads the budget lines over their months' working days and
  EV = overall % complete (by estimate hours) × BAC. The method in use is named next to the figures.
* **Forecast** — EAC = AC + (BAC − EV) / CPI (DESIGN §3); for an operation, the year's forecast is
  spent to date + the rest of the year's plan × (spent / planned to date), the current run rate.
* **Alerts** — :func:`worksmith.budget.budget_alerts` on active and on-hold projects and active operations
  (operations have no EV, so only the monthly rule applies to them). "This month" compares spending since the 1st
  with the month's plan pro rata. A CPI or forecast alert names the categories that overspend.
* **ROI** — cost is the forecast EAC for active/on-hold projects, the actual cost for done or cancelled ones and BAC
  for the rest; ROI = (expected benefit − cost) / cost. For the payback month the benefit accrues evenly over
  ``BENEFIT_MONTHS`` months from the project's benefit start (default: the month after its finish) and the cost
  still to come is spread evenly until the finish.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd
from sqlmodel import Session

from worksmith import charts, fmt
from worksmith.commands import core
from worksmith.commands.core import Actor
from worksmith.domain import budget as b
from worksmith.errors import NotFoundError, ValidationError
from worksmith.store import models as m
from worksmith.views.metric import Metric
from worksmith.views.tables import frame, labour_cost
from worksmith.views.workspace import is_empty, settings

ALERT_STATUSES = ("active", "on hold")
EVM_STATUSES = ("active", "on hold", "done")
TOP_OVER_BUDGET = 10
LINE_COLUMNS = ["id", "version", "month", "category", "planned"]
EXPENSE_COLUMNS = ["id", "version", "day", "category", "amount", "note"]
SEVERITY_ICONS = {"critical": charts.STATUS_ICONS["off track"], "warning": charts.STATUS_ICONS["at risk"]}
RULE_LABELS = {"cpi": "Cost performance", "forecast": "Forecast over budget", "monthly_spend": "Spend this month"}
MEANINGS = {
    "BAC": "Budget at completion: the approved budget",
    "PV": "Planned value: budget of the work the baseline planned by today",
    "EV": "Earned value: budget of the work actually done",
    "AC": "Actual cost: expenses plus booked hours × cost rate",
    "CV": "Cost variance: negative = the work done cost more than budgeted",
    "SV": "Schedule variance: negative = less work done than planned",
    "CPI": "Cost performance: value earned per unit spent (< 1 = overspending)",
    "SPI": "Schedule performance: work done per unit planned (< 1 = behind)",
    "EAC": "Estimate at completion: forecast total cost at today's CPI",
    "ETC": "Estimate to complete: forecast cost still to come",
    "VAC": "Variance at completion: negative = forecast over budget",
    "TCPI": "CPI needed on the remaining work to finish within BAC",
}


# --- results --------------------------------------------------------------------------------------------------


@dataclass
class Evm:
    """Earned value of one project today, with what it was computed from."""

    bac: float
    pv: float
    ev: float
    ac: float
    metrics: dict[str, Any]
    method: str
    start: date
    planned_finish: date
    forecast_finish: date
    today: date
    baseline_tasks: pd.DataFrame
    expenses: pd.DataFrame
    time: pd.DataFrame


@dataclass
class Organisation:
    empty_workspace: bool
    year: int = 0
    metrics: list[Metric] = field(default_factory=list)
    by_team: pd.DataFrame = field(default_factory=pd.DataFrame)
    team_title: str = ""
    by_category: pd.DataFrame = field(default_factory=pd.DataFrame)
    category_title: str = ""
    over_budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    over_budget_title: str = ""
    alerts: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class OwnerView:
    owner: str
    kind: str
    name: str
    status: str
    metrics: list[Metric]
    series: pd.DataFrame
    chart_title: str
    bac: float | None
    method: str
    evm_table: pd.DataFrame
    by_category: pd.DataFrame
    category_title: str
    lines: pd.DataFrame
    expenses: pd.DataFrame
    alerts: pd.DataFrame


@dataclass
class Roi:
    table: pd.DataFrame  # roi_table()
    title: str
    metrics: list[Metric]
    display: pd.DataFrame  # the same for reading: ROI as "134 %", months as "Feb 2027", "—" when undefined


@dataclass(frozen=True)
class SaveResult:
    added: int = 0
    changed: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        if not (self.added or self.changed or self.deleted):
            return "Nothing to save: no line was changed"
        return f"Budget lines saved: {self.added} added, {self.changed} changed, {self.deleted} deleted"


# --- loading --------------------------------------------------------------------------------------------------


def owner_key(kind: str, owner_id: int) -> str:
    return f"{kind}:{int(owner_id)}"


def parse_owner(owner: str) -> tuple[str, int]:
    """``"project:4"`` → ``("project", 4)``; anything else raises ``ValidationError``."""
    kind, _, number = str(owner).partition(":")
    if kind not in ("project", "operation") or not number.isdigit():
        raise ValidationError(f"'{owner}' is not a project or operation (expected e.g. project:4)", field="owner")
    return kind, int(number)


def _owner_column(df: pd.DataFrame) -> pd.Series:
    project = pd.to_numeric(df["project_id"], errors="coerce")
    operation = pd.to_numeric(df["operation_id"], errors="coerce")
    return pd.Series([f"project:{int(p)}" if pd.notna(p) else f"operation:{int(o)}" if pd.notna(o) else ""
                      for p, o in zip(project, operation, strict=True)], index=df.index, dtype=object)


@dataclass
class _Data:
    today: date
    currency: str
    projects: pd.DataFrame
    operations: pd.DataFrame
    owners: pd.DataFrame
    lines: pd.DataFrame  # owner, id, version, category, month, planned
    expenses: pd.DataFrame  # owner, id, version, day, category, amount, note
    labour: pd.DataFrame  # owner, day, hours, cost_rate, cost
    tasks: pd.DataFrame
    baselines: dict[int, dict]
    holidays: pd.DataFrame

    _groups: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)

    def of(self, df: pd.DataFrame, owner: str) -> pd.DataFrame:
        """The rows of ``df`` (lines, expenses, labour or costs) that belong to ``owner``; grouped once per frame."""
        groups = self._groups.get(id(df))
        if groups is None:
            groups = self._groups[id(df)] = {k: g for k, g in df.groupby("owner")} if len(df) else {}
        return groups.get(owner, df.iloc[:0])

    @cached_property
    def all_costs(self) -> pd.DataFrame:
        """Actual costs up to today [owner, day, category, amount]: expenses plus labour."""
        exp = self.expenses[self.expenses["day"] <= self.today]
        parts = [exp[["owner", "day", "category", "amount"]],
                 self.labour.assign(category="labour", amount=self.labour["cost"])[
                     ["owner", "day", "category", "amount"]]]
        parts = [p for p in parts if len(p)]
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            {"owner": [], "day": [], "category": [], "amount": []})
        out["amount"] = out["amount"].astype(float)
        return out

    @cached_property
    def tasks_by_project(self) -> dict[int, pd.DataFrame]:
        return {int(k): g for k, g in self.tasks.groupby("project_id")} if len(self.tasks) else {}

    def holidays_for(self, project_id: int | None) -> list[date]:
        """Workspace holidays plus the project's own."""
        h = self.holidays
        return h.loc[h["project_id"].isna() | (h["project_id"] == project_id), "day"].tolist() if len(h) else []

    def costs(self, owner: str | None = None) -> pd.DataFrame:
        return self.all_costs if owner is None else self.of(self.all_costs, owner)


def _owners(projects: pd.DataFrame, operations: pd.DataFrame, teams: pd.Series) -> pd.DataFrame:
    owners = pd.concat([
        pd.DataFrame({"owner": [owner_key("project", i) for i in projects["id"]], "kind": "project",
                      "id": projects["id"], "name": projects["name"], "status": projects["status"],
                      "team_id": projects["team_id"]}),
        pd.DataFrame({"owner": [owner_key("operation", i) for i in operations["id"]], "kind": "operation",
                      "id": operations["id"], "name": operations["name"],
                      "status": ["active" if a else "inactive" for a in operations["active"]],
                      "team_id": operations["team_id"]}),
    ], ignore_index=True)
    owners["team"] = [teams.get(t, "— no team —") if pd.notna(t) else "— no team —" for t in owners["team_id"]]
    return owners


def _load(session: Session, today: date) -> _Data:
    projects = frame(session, m.Project)
    operations = frame(session, m.Operation)
    owners = _owners(projects, operations, frame(session, m.Team).set_index("id")["name"])
    lines = frame(session, m.BudgetLine)
    lines["owner"] = _owner_column(lines) if len(lines) else pd.Series(dtype=object)
    lines["planned"] = lines["planned"].astype(float)
    expenses = frame(session, m.Expense)
    expenses["owner"] = _owner_column(expenses) if len(expenses) else pd.Series(dtype=object)
    expenses["amount"] = expenses["amount"].astype(float)
    labour = labour_cost(session, until=today)
    labour["owner"] = _owner_column(labour) if len(labour) else pd.Series(dtype=object)
    labour = labour[labour["owner"] != ""]
    tasks = frame(session, m.Task)[["id", "project_id", "estimate_hours", "duration_days", "percent_complete"]]
    baselines: dict[int, dict] = {}
    base = frame(session, m.Baseline, order_by=[m.Baseline.taken_at, m.Baseline.id])
    for rec in base.to_dict("records"):
        baselines[int(rec["project_id"])] = rec  # the latest wins
    return _Data(today, settings(session)["currency"], projects, operations, owners, lines, expenses, labour, tasks,
                 baselines, frame(session, m.Holiday))


def owners(session: Session) -> pd.DataFrame:
    """Projects and operations that can hold money: [owner, kind, id, name, status, team], projects first."""
    teams = frame(session, m.Team).set_index("id")["name"]
    out = _owners(frame(session, m.Project), frame(session, m.Operation), teams)
    return out[["owner", "kind", "id", "name", "status", "team"]].reset_index(drop=True)


# --- earned value ---------------------------------------------------------------------------------------------


def _percent_complete(tasks: pd.DataFrame) -> float:
    """Overall % complete (0–100): weighted by estimate hours, by duration when there are none."""
    if tasks.empty:
        return 0.0
    weight = tasks["estimate_hours"].astype(float)
    if weight.sum() <= 0:
        weight = tasks["duration_days"].astype(float)
    if weight.sum() <= 0:
        return float(tasks["percent_complete"].astype(float).mean())
    return float((weight * tasks["percent_complete"].astype(float)).sum() / weight.sum())


def _evm(data: _Data, project: Mapping[str, Any]) -> Evm:
    pid, today = int(project["id"]), data.today
    owner = owner_key("project", pid)
    lines = data.of(data.lines, owner)
    bac = float(project["budget"] or 0) or float(lines["planned"].sum())
    tasks = data.tasks_by_project.get(pid, data.tasks.iloc[:0])
    baseline = data.baselines.get(pid)
    tb = b.task_budgets(baseline["snapshot"] or {}, bac) if baseline else pd.DataFrame(columns=b.TASK_BUDGET_COLUMNS)
    if tb["budget"].sum() > 0:
        pct = dict(zip(tasks["id"].astype(int), tasks["percent_complete"].astype(float), strict=True))
        ev = b.ev_to_date(pd.DataFrame({"task_id": tb["task_id"], "budget": tb["budget"],
                                        "percent_complete": [pct.get(t, 0.0) for t in tb["task_id"]]}))
        dated = pd.Series([st is not None and f is not None and f >= st for st, f in zip(tb["start"], tb["finish"],
                                                                                         strict=True)], index=tb.index)
        bt = tb.loc[dated, ["task_id", "start", "finish", "budget"]]
        method = (f"PV and EV from the baseline '{baseline['name']}' of {fmt.day(baseline['taken_at'])}: each "
                  "task's budget is its share of BAC by baseline estimate hours")
        if not dated.all():
            method += f" ({int((~dated).sum())} baseline task(s) without valid dates are left out of PV)"
    else:
        bt = b.lines_baseline(lines[["month", "planned"]])
        ev = b.ev_to_date(pd.DataFrame({"task_id": [], "budget": [], "percent_complete": []}), bac=bac,
                          percent_complete=_percent_complete(tasks))
        method = ("No baseline with estimates: PV spreads the budget lines over their months; "
                  "EV = overall % complete × BAC")
    dated = bt[bt["budget"] > 0]
    start = project["start"] if pd.notna(project["start"]) else (min(dated["start"]) if len(dated) else today)
    finish = max(dated["finish"]) if len(dated) else (project["target_end"] if pd.notna(project["target_end"])
                                                      else start)
    finish = max(finish, start)
    pv = float(b.planned_value_curve(bt, [today], data.holidays_for(pid))["pv"].iloc[0])
    exp = data.of(data.expenses, owner)[["day", "amount"]]
    time = data.of(data.labour, owner)[["day", "hours", "cost_rate"]]
    ac = float(b.actual_cost_curve(exp, time, [today])["ac"].iloc[0])
    metrics = b.earned_value(bac, pv, ev, ac)
    done = bac > 0 and metrics["EV"] >= bac
    ff = today if done else b.forecast_finish(start, finish, metrics["SPI"], today)
    if project["status"] == "done":
        ff = project["closed_on"] if pd.notna(project["closed_on"]) else finish
    return Evm(bac, pv, metrics["EV"], ac, metrics, method, start, finish, ff, today, bt.assign(), exp, time)


def project_evm(session: Session, *, project_id: int, today: date) -> Evm:
    """Earned value of one project today (BAC, PV, EV, AC, the metrics with formulas, and the method used).

    Raises
    ------
    NotFoundError
        No such project.
    """
    data = _load(session, today)
    match = data.projects[data.projects["id"] == int(project_id)]
    if match.empty:
        raise NotFoundError(f"There is no project {project_id} (it may have been deleted) — choose another one.")
    return _evm(data, match.iloc[0].to_dict())


def _project_rows(data: _Data) -> list[tuple[Mapping[str, Any], Evm]]:
    return [(p, _evm(data, p)) for p in data.projects.to_dict("records")]


def _month_figures(data: _Data, owner: str) -> tuple[float, float]:
    """(spent since the 1st of this month, this month's plan pro rata to today)."""
    today = data.today
    first = today.replace(day=1)
    costs = data.costs(owner)
    spent = float(costs.loc[costs["day"] >= first, "amount"].sum())
    lines = data.of(data.lines, owner)
    planned = float(lines.loc[lines["month"] == first, "planned"].sum())
    return spent, planned * today.day / calendar.monthrange(today.year, today.month)[1]


def _by_category_to_date(data: _Data, owner: str, since: date | None = None) -> pd.DataFrame:
    """[category, planned, actual] to date (optionally from ``since``), categories in the usual order."""
    lines = data.of(data.lines, owner)
    costs = data.costs(owner)
    if since is not None:
        lines = lines[lines["month"] >= since]
        costs = costs[costs["day"] >= since]
    return _plan_actual(lines, costs, data.today, "category", b.CATEGORIES)


def _plan_actual(lines: pd.DataFrame, costs: pd.DataFrame, today: date, by: str, order=None) -> pd.DataFrame:
    """[<by>, planned, actual]: planned to date and spent per value of ``by`` (a column of lines and costs);
    groups with neither left out."""
    planned = b.planned_to_date_by(lines, today, by) if len(lines) else pd.Series(dtype="float64")
    actual = costs.groupby(by)["amount"].sum() if len(costs) else pd.Series(dtype="float64")
    keys = [k for k in (order or sorted(set(planned.index) | set(actual.index), key=str))
            if planned.get(k, 0.0) or actual.get(k, 0.0)]
    return pd.DataFrame({by: keys, "planned": [float(planned.get(k, 0.0)) for k in keys],
                         "actual": [float(actual.get(k, 0.0)) for k in keys]}, columns=[by, "planned", "actual"])


def _alerts(data: _Data, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    rows = []
    for project, evm in evms:
        if project["status"] not in ALERT_STATUSES:
            continue
        spent, planned = _month_figures(data, owner_key("project", project["id"]))
        rows.append({"owner": owner_key("project", project["id"]), "name": project["name"], "bac": evm.bac,
                     "ev": evm.ev, "ac": evm.ac, "pv": evm.pv, "spent_this_month": spent,
                     "planned_this_month": planned})
    for op in data.operations.to_dict("records"):
        if not op["active"]:
            continue
        spent, planned = _month_figures(data, owner_key("operation", op["id"]))
        rows.append({"owner": owner_key("operation", op["id"]), "name": op["name"], "bac": 0.0, "ev": 0.0,
                     "ac": 0.0, "pv": 0.0, "spent_this_month": spent, "planned_this_month": planned})
    alerts = b.budget_alerts(pd.DataFrame(rows, columns=["owner", "name", "bac", "ev", "ac", "pv",
                                                         "spent_this_month", "planned_this_month"]),
                             currency=data.currency)
    messages = []
    for rec in alerts.to_dict("records"):
        message = rec["message"]
        if rec["rule"] in ("cpi", "forecast"):
            reasons = b.overrun_reasons(_by_category_to_date(data, rec["owner"]), currency=data.currency)
            if reasons:
                message += ". Why: " + "; ".join(reasons)
        messages.append(message)
    alerts["message"] = pd.Series(messages, index=alerts.index, dtype=object)
    return alerts


def alerts(session: Session, *, today: date) -> pd.DataFrame:
    """Budget alerts of active projects and operations: [owner, name, rule, severity, message], critical first.

    ``owner`` is ``"project:4"`` / ``"operation:2"`` (the Budgets page opens it with ``?owner=...``); rules and
    thresholds as :func:`worksmith.budget.budget_alerts`; CPI and forecast messages end with the categories that
    overspend ("Why: services €41,000 spent vs €30,400 planned to date (+35 %)").
    """
    data = _load(session, today)
    return _alerts(data, _project_rows(data)).reset_index(drop=True)


# --- organisation view ----------------------------------------------------------------------------------------


def _signed(x: float, currency: str) -> str:
    """A delta for st.metric: '+€1,200' / '-€300' (ASCII minus: Streamlit reads the sign from it)."""
    return ("-" if x < 0 else "+") + fmt.money(abs(x), currency)


def _pct(x: float | None) -> str:
    return fmt.DASH if x is None else f"{'+' if x > 0 else '-' if x < 0 else ''}{abs(x) * 100:.0f} %"


def _compare_title(frame_: pd.DataFrame, what: str) -> str:
    """'Finance is 22 % over its plan to date' — the group furthest over plan."""
    worst, ratio = None, 0.0
    for rec in frame_.to_dict("records"):
        if rec["planned"] > 0 and rec["actual"] / rec["planned"] - 1 > ratio:
            worst, ratio = rec["group"], rec["actual"] / rec["planned"] - 1
    if worst is None:
        return f"Every {what} is within its plan to date"
    return f"{str(worst)[:1].upper()}{str(worst)[1:]} is {ratio * 100:.0f} % over its plan to date"


def _long(frame_: pd.DataFrame) -> pd.DataFrame:
    """[group, planned, actual] → [group, kind, amount] for grouped bars."""
    out = frame_.melt(id_vars=["group"], value_vars=["planned", "actual"], var_name="kind", value_name="amount")
    out["kind"] = out["kind"].map({"planned": "planned to date", "actual": "actual"})
    return out


def organisation(session: Session, *, today: date) -> Organisation:
    """The organisation view: this year's plan and spend, by team and category, projects most over budget, alerts."""
    if is_empty(session):
        return Organisation(empty_workspace=True)
    data = _load(session, today)
    return _organisation(data, _project_rows(data))


def _organisation(data: _Data, evms: list[tuple[Mapping[str, Any], Evm]]) -> Organisation:
    today = data.today
    cur, year = data.currency, today.year
    first = date(year, 1, 1)
    lines = data.lines[pd.to_datetime(data.lines["month"]).dt.year == year] if len(data.lines) else data.lines
    costs = data.costs()
    costs = costs[costs["day"] >= first]
    plan_year = float(lines["planned"].sum())
    plan_ytd = b.planned_to_date(lines[["month", "planned"]], today) if len(lines) else 0.0
    actual_ytd = float(costs["amount"].sum())
    variance = actual_ytd - plan_ytd
    live = [(p, e) for p, e in evms if p["status"] in ALERT_STATUSES]
    bac, eac = sum(e.bac for _, e in live), sum((e.metrics["EAC"] or e.ac) for _, e in live)
    alert_frame = _alerts(data, evms)
    n_crit = int((alert_frame["severity"] == "critical").sum())
    metrics = [
        Metric(f"Planned {year} to date", fmt.money(plan_ytd, cur), f"of {fmt.money(plan_year, cur)} for the year",
               "off", help="Budget lines of past months in full, this month pro rata by days."),
        Metric(f"Spent {year} to date", fmt.money(actual_ytd, cur),
               f"{_pct(b.safe_div(variance, plan_ytd))} vs plan", "inverse",
               help="Expenses plus booked hours × each person's cost rate, since 1 January."),
        Metric("Variance to date", _signed(variance, cur), "over plan" if variance > 0 else "within plan",
               "off", help="Variance = spent to date − planned to date (positive = over plan)."),
        Metric("Forecast at completion", fmt.money(eac, cur),
               f"{_signed(eac - bac, cur)} vs budget", "inverse",
               help=f"Σ EAC of active and on-hold projects, EAC = AC + (BAC − EV) / CPI, against their Σ BAC "
                    f"{fmt.money(bac, cur)}."),
        Metric("Budget alerts", str(len(alert_frame)), f"{n_crit} critical", "off",
               help="CPI < 0.9 · forecast > 5 % over budget · spend this month > 10 % over plan."),
    ]
    owner_team = data.owners.set_index("owner")["team"]
    by_team = _plan_actual(lines.assign(team=lines["owner"].map(owner_team)), costs.assign(
        team=costs["owner"].map(owner_team)), today, "team").rename(columns={"team": "group"})
    by_cat = _plan_actual(lines, costs, today, "category", b.CATEGORIES).rename(columns={"category": "group"})
    over = _over_budget_table(data, [(p, e) for p, e in evms if p["status"] in EVM_STATUSES])
    n_over = int((over["over_pct"].fillna(0) > b.EAC_OVER_WARNING * 100).sum()) if len(over) else 0
    over_title = (f"{n_over} project{'s' if n_over != 1 else ''} forecast more than 5 % over budget" if n_over
                  else "No project is forecast more than 5 % over budget")
    return Organisation(False, year, metrics, _long(by_team), _compare_title(by_team, "team") + f" ({year})",
                        _long(by_cat), _compare_title(by_cat, "category") + f" ({year})",
                        over.head(TOP_OVER_BUDGET), over_title, _present_alerts(alert_frame, data))


def _health(over: float | None) -> str:
    if over is None:
        return "not started"
    if over > b.EAC_OVER_CRITICAL:
        return "off track"
    return "at risk" if over > b.EAC_OVER_WARNING else "on track"


def _over_budget_table(data: _Data, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    rows = []
    for p, e in evms:
        eac = e.metrics["EAC"]
        over = b.safe_div(eac - e.bac, e.bac) if eac is not None else None
        health = "done" if p["status"] == "done" else _health(over)
        rows.append({
            "project": p["name"], "link": f"/budgets?owner=project:{int(p['id'])}",
            "health": f"{charts.STATUS_ICONS[health]} {'over budget' if health == 'off track' else health}",
            "status": p["status"], "bac": e.bac, "ac": e.ac, "ev": e.ev, "cpi": e.metrics["CPI"], "eac": eac,
            "vac": e.metrics["VAC"],
            "over_pct": None if over is None else round(over * 100) + 0.0,  # whole percent, never "-0 %"
            "cpi_text": fmt.ratio(e.metrics["CPI"]), "eac_text": fmt.money(eac, data.currency),
            "vac_text": fmt.money(e.metrics["VAC"], data.currency),
        })
    out = pd.DataFrame(rows, columns=["project", "link", "health", "status", "bac", "ac", "ev", "cpi", "eac", "vac",
                                      "over_pct", "cpi_text", "eac_text", "vac_text"])
    order = out["vac"].astype(float).fillna(float("-inf")) if len(out) else out["vac"]
    return out.iloc[order.argsort(kind="stable")].reset_index(drop=True) if len(out) else out


def _present_alerts(alerts: pd.DataFrame, data: _Data) -> pd.DataFrame:
    """Alerts for a table: severity with icon, rule label, a link to the owner's view."""
    kinds = data.owners.set_index("owner")["kind"]
    return pd.DataFrame({
        "severity": [f"{SEVERITY_ICONS[s]} {s}" for s in alerts["severity"]],
        "name": [f"{kinds.get(o, '').capitalize()} · {n}" for o, n in zip(alerts["owner"], alerts["name"],
                                                                        strict=True)],
        "rule": [RULE_LABELS.get(r, r) for r in alerts["rule"]],
        "message": alerts["message"],
        "link": [f"/budgets?owner={o}" for o in alerts["owner"]],
        "owner": alerts["owner"],
    }, columns=["severity", "name", "rule", "message", "link", "owner"])


# --- project / operation view ---------------------------------------------------------------------------------


def _evm_table(evm: Evm, currency: str) -> pd.DataFrame:
    """[metric, value, formula, meaning]: each figure with its formula and the numbers substituted."""
    mtr = evm.metrics
    spent_on = b.actual_cost_curve(evm.expenses, evm.time, [evm.today]).iloc[0]
    inputs = {
        "BAC": f"BAC = project budget = {b.fmt_money(evm.bac)}",
        "PV": f"PV = Σ task budget × share of its planned working days elapsed by today = {b.fmt_money(evm.pv)}"
        if "baseline" in evm.method else f"PV = budget lines to date, spread over working days = {b.fmt_money(evm.pv)}",
        "EV": f"EV = Σ task % complete × task budget = {b.fmt_money(evm.ev)}" if "baseline" in evm.method
        else f"EV = overall % complete × BAC = {b.fmt_money(evm.ev)}",
        "AC": f"AC = expenses + hours × cost rate = {b.fmt_money(spent_on['expenses'])} + "
              f"{b.fmt_money(spent_on['labour'])} = {b.fmt_money(evm.ac)}",
    }
    formulas = {**inputs, **mtr["formulas"]}
    rows = []
    for key in b.METRICS:
        value = mtr[key]
        text = fmt.ratio(value) if key in ("CPI", "SPI", "TCPI") else fmt.money(value, currency)
        rows.append({"metric": key, "value": text, "formula": formulas[key], "meaning": MEANINGS[key]})
    return pd.DataFrame(rows, columns=["metric", "value", "formula", "meaning"])


def owner_view(session: Session, *, owner: str, today: date) -> OwnerView:
    """Everything the project/operation view shows: metrics, burn chart data, EVM table, categories, lines,
    expenses and alerts.

    Raises
    ------
    NotFoundError
        No such project or operation.
    """
    kind, owner_id = parse_owner(owner)
    data = _load(session, today)
    match = data.owners[data.owners["owner"] == owner]
    if match.empty:
        raise NotFoundError(f"There is no {kind} {owner_id} (it may have been deleted) — choose another one.")
    row = match.iloc[0]
    # plain Python values (object columns): the editor's identity hashes the data, and a frame must serialise the
    # same whether it comes fresh from this function or unpickled from the page's cache (pandas' string dtype does not)
    lines = data.of(data.lines, owner).sort_values(["month", "category"])[LINE_COLUMNS].reset_index(drop=True)
    lines = lines.astype({"id": "int64", "version": "int64", "month": object, "category": object,
                          "planned": "float64"})
    expenses = data.of(data.expenses, owner).sort_values(["day", "id"], ascending=False)[EXPENSE_COLUMNS].astype(
        {"id": "int64", "version": "int64", "day": object, "category": object, "amount": "float64", "note": object})
    alert_all = _alerts(data, _project_rows(data)) if kind == "project" else _alerts(data, [])
    alert_frame = _present_alerts(alert_all[alert_all["owner"] == owner], data)
    if kind == "project":
        project = data.projects[data.projects["id"] == owner_id].iloc[0].to_dict()
        evm = _evm(data, project)
        metrics, series, title, table = _project_figures(evm, project, data)
        by_cat = _by_category_to_date(data, owner)
        bac, method = evm.bac, evm.method
    else:
        metrics, series, title = _operation_figures(data, owner, str(row["name"]))
        table, bac, method = pd.DataFrame(columns=["metric", "value", "formula", "meaning"]), None, ""
        by_cat = _by_category_to_date(data, owner, since=date(today.year, 1, 1))
    by_cat = by_cat.rename(columns={"category": "group"})
    cat_title = _compare_title(by_cat, "category")
    return OwnerView(owner, kind, str(row["name"]), str(row["status"]), metrics, series, title, bac, method, table,
                     _long(by_cat), cat_title, lines, expenses.reset_index(drop=True), alert_frame)


def _project_figures(evm: Evm, project: Mapping[str, Any], data: _Data):
    cur, mtr = data.currency, evm.metrics
    eac, vac, cpi = mtr["EAC"], mtr["VAC"], mtr["CPI"]
    over = b.safe_div(eac - evm.bac, evm.bac) if eac is not None else None
    slip = (evm.forecast_finish - evm.planned_finish).days
    metrics = [
        Metric("Budget (BAC)", fmt.money(evm.bac, cur), f"{fmt.money(evm.pv, cur)} planned by today", "off",
               help=evm.method),
        Metric("Actual cost (AC)", fmt.money(evm.ac, cur),
               f"{_pct(b.safe_div(evm.ac - evm.pv, evm.pv))} vs planned value" if evm.pv else None, "inverse",
               help="Expenses plus booked hours × each person's cost rate, up to today."),
        Metric("Earned value (EV)", fmt.money(evm.ev, cur), f"CPI {fmt.ratio(cpi)} · SPI {fmt.ratio(mtr['SPI'])}",
               "off", help=mtr["formulas"]["CPI"] + " · " + mtr["formulas"]["SPI"]),
        Metric("Forecast (EAC)", fmt.money(eac, cur), None if vac is None else f"{_pct(over)} vs budget",
               "inverse", help=mtr["formulas"]["EAC"] + " · " + mtr["formulas"]["VAC"]),
        Metric("Forecast finish", f"{evm.forecast_finish.day} {evm.forecast_finish:%b %Y}",
               f"{slip:+d} days vs plan" if slip else "on the planned date", "inverse",
               help="Start + planned duration / SPI (calendar days), never before today."),
    ]
    series = b.evm_series(bac=evm.bac, ev=evm.ev, today=data.today, start=evm.start,
                          planned_finish=evm.planned_finish, baseline_tasks=evm.baseline_tasks,
                          expenses=evm.expenses, time=evm.time,
                          holidays=data.holidays_for(int(project["id"])))
    name = project["name"]
    if evm.bac == 0:
        title = f"{name}: no budget yet — plan it under Budget lines ({fmt.money(evm.ac, cur)} spent so far)"
    elif eac is None:
        title = f"{name}: {fmt.money(evm.ac, cur)} spent and nothing earned yet — no cost forecast"
    elif over is not None and over > b.EAC_OVER_WARNING:
        title = (f"{name}: forecast {fmt.money(eac, cur)} at completion, {over * 100:.0f} % over the "
                 f"{fmt.money(evm.bac, cur)} budget (CPI {fmt.ratio(cpi)})")
    elif over is not None and over < -b.EAC_OVER_WARNING:
        title = (f"{name}: forecast {fmt.money(eac, cur)}, {-over * 100:.0f} % under the "
                 f"{fmt.money(evm.bac, cur)} budget")
    else:
        title = f"{name}: forecast {fmt.money(eac, cur)}, on budget ({fmt.money(evm.bac, cur)})"
    return metrics, series, title, _evm_table(evm, cur)


def _operation_figures(data: _Data, owner: str, name: str):
    today, cur = data.today, data.currency
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    lines = data.of(data.lines, owner)
    lines = lines[(lines["month"] >= first) & (lines["month"] <= last)]
    plan_year = float(lines["planned"].sum())
    plan_ytd = b.planned_to_date(lines[["month", "planned"]], today)
    exp = data.of(data.expenses, owner)
    exp = exp[exp["day"] >= first][["day", "amount"]]
    time = data.of(data.labour, owner)
    time = time[time["day"] >= first][["day", "hours", "cost_rate"]]
    ac = float(b.actual_cost_curve(exp, time, [today])["ac"].iloc[0])
    rate = b.safe_div(ac, plan_ytd)
    forecast = ac + (plan_year - plan_ytd) * (rate if rate is not None else 1.0)
    spent_month, planned_month = _month_figures(data, owner)
    metrics = [
        Metric(f"Plan {today.year}", fmt.money(plan_year, cur), f"{fmt.money(plan_ytd, cur)} to date", "off",
               help="Budget lines of this year; to date = past months in full, this month pro rata."),
        Metric("Spent to date", fmt.money(ac, cur), f"{_pct(b.safe_div(ac - plan_ytd, plan_ytd))} vs plan",
               "inverse", help="Expenses plus booked hours × cost rate since 1 January."),
        Metric(f"Forecast {today.year}", fmt.money(forecast, cur), f"{_signed(forecast - plan_year, cur)} vs plan",
               "inverse", help="Spent to date + rest of the year's plan × (spent / planned to date)."),
        Metric("This month", fmt.money(spent_month, cur),
               f"{_pct(b.safe_div(spent_month - planned_month, planned_month))} vs plan to date", "inverse",
               help="Spent since the 1st against this month's plan pro rata by days."),
    ]
    starts = [*lines["month"], *exp["day"], *time["day"]]
    months = b.month_range(max(first, min(starts, default=first)), last)
    dates = sorted({*(b.month_end(mo) for mo in months), today})
    pv = b.planned_value_curve(b.lines_baseline(lines[["month", "planned"]]), dates)["pv"].tolist()
    acs = b.actual_cost_curve(exp, time, dates)["ac"].tolist()
    rows = []
    for d, p, a in zip(dates, pv, acs, strict=True):
        fc = None
        if d >= today:
            plan_then = b.planned_to_date(lines[["month", "planned"]], d) if d > today else plan_ytd
            fc = ac + (plan_then - plan_ytd) * (rate if rate is not None else 1.0)
        rows.append({"date": d, "point": "today" if d == today else "month end", "pv": p,
                     "ev": None, "ac": a if d <= today else None, "forecast": fc})
    series = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object if c in ("ev", "ac", "forecast", "date")
                                        else None) for c in b.EVM_COLUMNS}, columns=b.EVM_COLUMNS)
    gap = b.safe_div(forecast - plan_year, plan_year)
    if gap is None:
        title = f"{name}: {fmt.money(ac, cur)} spent in {today.year}, no plan for the year"
    elif abs(gap) <= b.EAC_OVER_WARNING:
        title = f"{name}: on plan for {today.year}, forecast {fmt.money(forecast, cur)} of {fmt.money(plan_year, cur)}"
    else:
        word = "over" if gap > 0 else "under"
        title = (f"{name}: forecast {fmt.money(forecast, cur)} for {today.year}, {abs(gap) * 100:.0f} % {word} "
                 f"the {fmt.money(plan_year, cur)} plan")
    return metrics, series, title


# --- value and ROI --------------------------------------------------------------------------------------------

ROI_COLUMNS = ["project_id", "name", "status", "team", "budget", "cost", "cost_basis", "benefit", "benefit_start",
               "roi", "payback_month", "explanation"]


def _roi_rows(data: _Data, evms: list[tuple[Mapping[str, Any], Evm]]) -> pd.DataFrame:
    today, cur = data.today, data.currency
    team = data.owners.set_index("owner")["team"]
    rows = []
    for p, e in evms:
        owner = owner_key("project", p["id"])
        if p["status"] in ALERT_STATUSES:
            cost, basis = (e.metrics["EAC"] if e.metrics["EAC"] is not None else max(e.bac, e.ac)), "forecast (EAC)"
            finish = e.forecast_finish
        elif p["status"] in ("done", "cancelled"):
            cost, basis = e.ac, "actual"
            finish = p["closed_on"] if pd.notna(p["closed_on"]) else e.planned_finish
        else:
            cost, basis = max(e.bac, e.ac), "budget"
            finish = p["target_end"] if pd.notna(p["target_end"]) else e.planned_finish
        benefit = float(p["expected_benefit"] or 0)
        start_benefit = p["benefit_start"] if pd.notna(p["benefit_start"]) else b.add_months(
            b.month_start(finish), 1)
        costs = data.costs(owner)
        by_month = costs.groupby([b.month_start(d) for d in costs["day"]])["amount"].sum().to_dict() \
            if len(costs) else {}
        remaining_from = max(today.replace(day=1), b.month_start(e.start))
        flow = b.roi_cash_flow(benefit=benefit, actual_by_month=by_month, remaining_cost=max(cost - e.ac, 0.0),
                               remaining_from=remaining_from, remaining_until=max(finish, remaining_from),
                               benefit_start=start_benefit)
        payback = b.payback_month(flow.set_index("month")["cost"], flow.set_index("month")["benefit"]) \
            if len(flow) else None
        value = b.roi(benefit, cost) if benefit > 0 else None
        explanation = (f"ROI = (benefit − cost) / cost = ({fmt.money(benefit, cur)} − {fmt.money(cost, cur)}) / "
                       f"{fmt.money(cost, cur)} = {fmt.percent(value)}; cost = {basis}; the benefit accrues over "
                       f"{b.BENEFIT_MONTHS} months from {start_benefit:%b %Y}" if benefit > 0 else
                       "No expected benefit recorded: add one to the project to see its ROI and payback")
        payback = payback if benefit > 0 else None
        rows.append({"project_id": int(p["id"]), "name": p["name"], "status": p["status"], "team": team.get(owner),
                     "budget": e.bac, "cost": float(cost), "cost_basis": basis, "benefit": benefit,
                     "benefit_start": start_benefit, "roi": value, "payback_month": payback,
                     "explanation": explanation})
    out = pd.DataFrame(rows, columns=ROI_COLUMNS)
    for column in ("roi", "payback_month"):  # None stays None (undefined), never NaN
        out[column] = pd.Series([r[column] for r in rows], index=out.index, dtype=object)
    return out


def roi_table(session: Session, *, today: date) -> pd.DataFrame:
    """Value and ROI per project: [project_id, name, status, team, budget, cost, cost_basis, benefit, benefit_start,
    roi, payback_month, explanation].

    ``roi`` = (expected benefit − cost) / cost as a fraction (0.5 = 50 %), ``None`` when the cost is 0 or no
    expected benefit is recorded (0 means "not entered" in the model);
    ``payback_month`` the first month (a date, 1st of the month) in which cumulative benefit reaches cumulative
    cost, ``None`` if never. How cost and benefit are taken: see the module docstring. Sorted by ROI, best first
    (undefined last). The Goals page's initiative ranking reads it.
    """
    data = _load(session, today)
    out = _roi_rows(data, _project_rows(data))
    key = [float("-inf") if r is None else -r for r in out["roi"]]
    return out.iloc[sorted(range(len(out)), key=lambda i: (key[i] == float("-inf"), key[i]))].reset_index(drop=True)


def value_and_roi(session: Session, *, today: date) -> Roi:
    """The portfolio's ROI: per-project table plus a title and metrics for the page."""
    table = roi_table(session, today=today)
    cur = settings(session)["currency"]
    valued = table[(table["benefit"] > 0) & (table["status"] != "cancelled")]
    cost, benefit = float(valued["cost"].sum()), float(valued["benefit"].sum())
    total = b.roi(benefit, cost)
    losing = valued[[r is not None and r < 0 for r in valued["roi"]]]
    ranked = valued[[r is not None for r in valued["roi"]]]
    if ranked.empty:
        title = "No project has both an expected benefit and a cost yet"
    else:
        best = ranked.iloc[0]
        title = f"Portfolio ROI {fmt.percent(total)}: {best['name']} returns the most ({fmt.percent(best['roi'])})"
        if len(losing) == 1:
            title += f"; {losing.iloc[0]['name']} costs more than it returns"
        elif len(losing) > 1:
            title += f"; {len(losing)} projects cost more than they return"
    paybacks = [p for p in valued["payback_month"] if p is not None]
    metrics = [
        Metric("Expected benefit", fmt.money(benefit, cur), f"{len(valued)} projects with a benefit", "off",
               help="Σ expected benefit of the projects that have one (cancelled ones left out)."),
        Metric("Their cost", fmt.money(cost, cur), "forecast, actual or budget", "off",
               help="Forecast EAC for active/on-hold projects, actual cost for done ones, BAC for the rest."),
        Metric("Portfolio ROI", fmt.percent(total), f"{_signed(benefit - cost, cur)} net", "normal",
               help="ROI = (Σ benefit − Σ cost) / Σ cost."),
        Metric("Earliest payback", f"{min(paybacks):%b %Y}" if paybacks else fmt.DASH,
               f"{len(paybacks)} of {len(valued)} pay back" if len(valued) else None, "off",
               help=f"First month cumulative benefit ≥ cumulative cost; benefit accrues over {b.BENEFIT_MONTHS} "
                    "months from its start (default: the month after the finish)."),
    ]
    display = table.drop(columns=["project_id"]).assign(
        benefit_start=[f"{d:%b %Y}" for d in table["benefit_start"]],
        payback_month=[f"{p:%b %Y}" if p is not None else fmt.DASH for p in table["payback_month"]],
        roi=[fmt.percent(r) for r in table["roi"]])
    return Roi(table, title, metrics, display)


# --- writes ---------------------------------------------------------------------------------------------------


def _owner_fields(session: Session, owner: str) -> dict[str, int | None]:
    kind, owner_id = parse_owner(owner)
    core.get(session, m.Project if kind == "project" else m.Operation, owner_id)
    return {"project_id": owner_id if kind == "project" else None,
            "operation_id": owner_id if kind == "operation" else None}


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _line_values(row: Mapping[str, Any], number: int) -> tuple[dict[str, Any], list[str]]:
    problems, values = [], {}
    if _blank(row.get("month")):
        problems.append(f"row {number}: month is missing")
    else:
        try:
            values["month"] = b.month_start(row["month"])
        except ValidationError:
            problems.append(f"row {number}: month {row['month']!r} is not a date")
    category = row.get("category")
    if _blank(category) or str(category).strip() == "":
        problems.append(f"row {number}: category is missing (one of {', '.join(b.CATEGORIES)})")
    elif str(category).strip().lower() not in b.CATEGORIES:
        problems.append(f"row {number}: category '{category}' is not one of {', '.join(b.CATEGORIES)}")
    else:
        values["category"] = str(category).strip().lower()
    planned = row.get("planned")
    try:
        amount = float(planned) if not _blank(planned) else None
    except (TypeError, ValueError):
        amount = float("nan")
    if amount is None:
        problems.append(f"row {number}: planned amount is missing")
    elif amount != amount or amount in (float("inf"), float("-inf")):
        problems.append(f"row {number}: planned amount must be a finite number, not {planned!r}")
    elif amount < 0:
        problems.append(f"row {number}: planned amount may not be negative ({fmt.money(amount, '')})")
    else:
        values["planned"] = amount
    return values, problems


def _row_id(value: Any) -> int | None:
    return None if _blank(value) else int(float(value))


def save_budget_lines(session: Session, *, owner: str, original: list[dict[str, Any]],
                      edited: list[dict[str, Any]], actor: Actor) -> SaveResult:
    """Apply a budget-lines editor's result in one transaction: new rows are created, changed rows updated (with
    the version they were read at), rows missing from ``edited`` deleted.

    Parameters
    ----------
    owner : str
        ``"project:4"`` or ``"operation:2"``.
    original : list of dict
        The rows the editor started from (``id``, ``version``, ``month``, ``category``, ``planned``).
    edited : list of dict
        The editor's rows in display order; a new row has no ``id``.

    Raises
    ------
    ValidationError
        Every problem of every row at once ("row 3: planned amount may not be negative"), a month + category that
        appears twice, or an unknown owner; nothing is saved.
    ConflictError
        A line was changed or deleted by someone else since it was read.
    """
    fields = _owner_fields(session, owner)
    before = {_row_id(r["id"]): r for r in original if _row_id(r.get("id")) is not None}
    problems: list[str] = []
    clean: list[tuple[int | None, dict[str, Any]]] = []
    seen: dict[tuple[date, str], int] = {}
    for number, row in enumerate(edited, start=1):
        values, row_problems = _line_values(row, number)
        problems += row_problems
        row_id = _row_id(row.get("id"))
        if row_id is not None and row_id not in before:
            problems.append(f"row {number}: line {row_id} is not one of this {owner.split(':')[0]}'s lines")
        if "month" in values and "category" in values:
            key = (values["month"], values["category"])
            if key in seen:
                problems.append(f"row {number}: {key[1]} in {key[0]:%b %Y} is already on row {seen[key]} — "
                                "merge them into one line")
            seen.setdefault(key, number)
        clean.append((row_id, values))
    if problems:
        raise ValidationError("Budget lines not saved — " + "; ".join(problems) + ".",
                              field="planned" if any("planned" in p for p in problems) else None)
    kept = {row_id for row_id, _ in clean if row_id is not None}
    result = {"added": 0, "changed": 0, "deleted": 0}
    for row_id in sorted(set(before) - kept):
        core.delete(session, m.BudgetLine, row_id, actor=actor, expected_version=int(before[row_id]["version"]))
        result["deleted"] += 1
    for row_id, values in clean:
        if row_id is None:
            core.create(session, m.BudgetLine, {**fields, **values}, actor=actor)
            result["added"] += 1
            continue
        old = before[row_id]
        old_values = {"month": b.month_start(old["month"]), "category": old["category"],
                      "planned": float(old["planned"])}
        changes = {k: v for k, v in values.items() if old_values[k] != v}
        if changes:
            core.update(session, m.BudgetLine, row_id, changes, expected_version=int(old["version"]), actor=actor)
            result["changed"] += 1
    return SaveResult(**result)


def add_expense(session: Session, *, owner: str, day: Any, category: Any, amount: Any, note: str = "",
                today: date, actor: Actor) -> m.Expense:
    """Record one expense after checking it (:func:`worksmith.budget.check_expense`); the message names the field.

    Raises
    ------
    ValidationError
        A non-positive or non-finite amount, a date outside the allowed range, a category not in the list, a note
        that is too long, or an unknown owner.
    """
    fields = _owner_fields(session, owner)
    problems = b.check_expense(day=day, category=category, amount=amount, note=note, today=today)
    if problems:
        raise ValidationError("Expense not saved — " + "; ".join(p for _f, p in problems) + ".",
                              field=problems[0][0])
    return core.create(session, m.Expense, {**fields, "day": _as_date(day),
                                            "category": str(category).strip().lower(), "amount": float(amount),
                                            "note": (note or "").strip()}, actor=actor)


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def delete_expenses(session: Session, *, expenses: list[tuple[int, int]], actor: Actor) -> int:
    """Delete expenses given as (id, version read); all or none. Returns how many were deleted."""
    if not expenses:
        raise ValidationError("Select the expenses to delete first.", field="expenses")
    for expense_id, version in expenses:
        core.delete(session, m.Expense, int(expense_id), actor=actor, expected_version=int(version))
    return len(expenses)


def preview_import(session: Session, *, data: bytes, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse an expenses CSV against this workspace's projects and operations: (rows, errors); nothing written."""
    return b.parse_expense_csv(data, projects=frame(session, m.Project)[["id", "name"]],
                               operations=frame(session, m.Operation)[["id", "name"]], today=today)


def import_expenses(session: Session, *, data: bytes, today: date, actor: Actor) -> int:
    """Import every row of an expenses CSV, or none: any row error refuses the whole file.

    Raises
    ------
    ValidationError
        The file's problems, each with its row and column (row 1 = the first row below the header).
    """
    rows, errors = preview_import(session, data=data, today=today)
    if len(errors):
        listed = [f"row {e['row']}, {e['column']}: {e['problem']}" if e["row"] is not None else e["problem"]
                  for e in errors.to_dict("records")]
        more = f"; … and {len(listed) - 10} more" if len(listed) > 10 else ""
        raise ValidationError(f"Expenses file refused, nothing imported ({len(listed)} problem"
                              f"{'s' if len(listed) != 1 else ''}; row 1 = the first row below the header): "
                              + "; ".join(listed[:10]) + more + ".", field=errors.iloc[0]["column"] or None,
                              row=errors.iloc[0]["row"])
    for rec in rows.to_dict("records"):
        core.create(session, m.Expense, {"project_id": rec["project_id"], "operation_id": rec["operation_id"],
                                         "day": rec["day"], "category": rec["category"], "amount": rec["amount"],
                                         "note": rec["note"]}, actor=actor)
    return len(rows)


# --- export ---------------------------------------------------------------------------------------------------


def report_workbook(session: Session, *, today: date) -> bytes:
    """The budget report as an .xlsx workbook, one sheet per view: Summary, By team, By category, Over budget,
    Earned value (every project), Plan vs actual (owner × category × month), Expenses, Value and ROI, Alerts."""
    data = _load(session, today)
    evms = _project_rows(data)
    org = Organisation(empty_workspace=True) if is_empty(session) else _organisation(data, evms)
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
                         **{k: e.metrics[k] for k in b.METRICS}, "forecast_finish": e.forecast_finish,
                         "method": e.method})
    sheets["Earned value"] = pd.DataFrame(evm_rows, columns=["project", "status", *b.METRICS, "forecast_finish",
                                                             "method"])
    names = data.owners.set_index("owner")["name"]
    pva = b.plan_vs_actual(data.lines[["owner", "category", "month", "planned"]],
                           data.expenses.loc[data.expenses["day"] <= today, ["owner", "category", "day", "amount"]],
                           data.labour[["owner", "day", "hours", "cost_rate"]])
    pva.insert(1, "name", pva["owner"].map(names))
    sheets["Plan vs actual"] = pva
    exp = data.expenses.copy()
    exp.insert(0, "owner_name", exp["owner"].map(names))
    sheets["Expenses"] = exp[["owner_name", "owner", "day", "category", "amount", "note"]]
    sheets["Value and ROI"] = _roi_rows(data, evms)
    sheets["Alerts"] = _alerts(data, evms)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
