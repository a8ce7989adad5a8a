"""Budgets, the data behind every budget read: one load of lines, expenses, labour and tasks per workspace,
grouped by owner once (``"project:4"`` / ``"operation:2"``) so that earned value for all projects reads arrays by
row position instead of filtering frames per project. The views are :mod:`worksmith.views.budgets`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from worksmith.domain.sums import day_array
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.views.tables import frame, labour_cost, read
from worksmith.views.workspace import settings

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
    project = pd.to_numeric(df["project_id"], errors="coerce").to_numpy(dtype="float64")
    operation = pd.to_numeric(df["operation_id"], errors="coerce").to_numpy(dtype="float64")
    out = np.full(len(df), "", dtype=object)
    for kind, ids, rows in (("project", project, ~np.isnan(project)),
                            ("operation", operation, np.isnan(project) & ~np.isnan(operation))):
        if rows.any():  # one key per owner, shared by its rows: 52,000 lines at L have 388 owners
            owners, at = np.unique(ids[rows].astype(np.int64), return_inverse=True)
            out[rows] = np.array([owner_key(kind, i) for i in owners.tolist()], dtype=object)[at]
    return pd.Series(out, index=df.index, dtype=object)


@dataclass
class BudgetData:
    today: date
    currency: str
    projects: pd.DataFrame
    operations: pd.DataFrame
    owners: pd.DataFrame
    lines: pd.DataFrame  # owner, id, version, category, month, planned (editing; else figure_lines)
    expenses: pd.DataFrame  # owner, id, version, day, category, amount, note
    labour: pd.DataFrame  # owner, day, hours, cost_rate, cost (and person_id, task_id when editing)
    tasks: pd.DataFrame
    baselines: dict[int, dict]
    holidays: pd.DataFrame
    rates: pd.Series  # person id → hourly cost rate

    _groups: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)

    def of(self, df: pd.DataFrame, owner: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
        """The rows of ``df`` (lines, expenses, labour or costs) that belong to ``owner`` (only ``columns`` when
        given); grouped once per frame."""
        key = (id(df), columns)
        groups = self._groups.get(key)
        if groups is None:
            part = df if columns is None else df[list(columns)]
            groups = self._groups[key] = {k: g for k, g in part.groupby(df["owner"])} if len(df) else {}
        if owner in groups:
            return groups[owner]
        return df.iloc[:0] if columns is None else df[list(columns)].iloc[:0]

    def positions(self, df: pd.DataFrame, owner: str) -> np.ndarray:
        """Row positions of ``owner``'s rows in ``df``, in order (grouped once per frame)."""
        key = (id(df), "positions")
        groups = self._groups.get(key)
        if groups is None:
            groups = self._groups[key] = df.groupby("owner").indices if len(df) else {}
        return groups.get(owner, np.zeros(0, dtype=np.int64))

    @cached_property
    def cost_arrays(self) -> tuple[np.ndarray | None, np.ndarray]:
        """All costs' days (datetime64, None if one is not a plain date) and amounts, by row position."""
        costs = self.all_costs
        return day_array(costs["day"]), costs["amount"].to_numpy(dtype="float64")

    @cached_property
    def line_months(self) -> np.ndarray | None:
        """All budget lines' months as datetime64[D] by row position (None if one is not a plain date): read once,
        for every figure that takes lines by month."""
        return day_array(self.lines["month"])

    def lines_of_year(self, year: int) -> pd.DataFrame:
        """The budget lines of months in ``year``."""
        lines, months = self.lines, self.line_months
        if not len(lines):
            return lines
        if months is None:  # a month that is not a plain date: pandas words it
            return lines[pd.to_datetime(lines["month"]).dt.year == year]
        return lines[months.astype("datetime64[Y]") == np.datetime64(str(year), "Y")]

    @cached_property
    def non_labour(self) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
        """Planned (all months) and spent per (owner, category) other than labour — the same sums per owner."""
        lines, costs = self.lines[["owner", "category", "planned"]], self.all_costs[["owner", "category", "amount"]]
        lines = lines[(lines["category"] != "labour").to_numpy(dtype=bool, na_value=True)]  # the columns it sums only
        costs = costs[(costs["category"] != "labour").to_numpy(dtype=bool, na_value=True)]
        out: tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]] = ({}, {})
        for sums, into in ((lines.groupby(["owner", "category"])["planned"].sum(), out[0]),
                           (costs.groupby(["owner", "category"])["amount"].sum(), out[1])):
            for (owner, category), value in sums.items():
                into.setdefault(owner, {})[category] = value
        return out

    @cached_property
    def task_rates(self) -> np.ndarray:
        """Each task's assignee's cost rate (NaN when unassigned), by row position in ``tasks``."""
        if not len(self.tasks):
            return np.zeros(0)
        return self.tasks["assignee_id"].map(self.rates).to_numpy(dtype="float64")

    def task_column(self, name: str) -> np.ndarray:
        """A column of ``tasks`` as an array (made once), for picking a project's rows by position."""
        key = ("task column", name)
        if key not in self._groups:
            self._groups[key] = self.tasks[name].to_numpy()
        return self._groups[key]

    @cached_property
    def task_positions(self) -> dict[int, np.ndarray]:
        return {int(k): v for k, v in self.tasks.groupby("project_id").indices.items()} if len(self.tasks) else {}

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


# what the figures read of lines and expenses; editing them also needs ids, versions and notes
FIGURE_LINE_COLUMNS = ["project_id", "operation_id", "category", "month", "planned"]
FIGURE_EXPENSE_COLUMNS = ["project_id", "operation_id", "day", "amount", "category"]


def figure_lines(session: Session, today: date) -> pd.DataFrame:
    """Budget lines [FIGURE_LINE_COLUMNS] as the organisation's figures take them: every line up to the end of this
    year as it is, then the lines of later years summed per owner and category, each sum dated by its first month.

    A figure looks at the months up to this year one by one (planned to date, the spend chart, year to date, this
    month) and takes later years only as totals (BAC without a budget, the non-labour budget left) and as a first
    month (a project's start without one): the sums give the same figures from under half the rows at L. Planned to
    date adds the same lines in the same order; a total adds the later years' sums, not their lines (the same float
    when the amounts are whole, within a rounding of the last digit otherwise)."""
    bl = m.BudgetLine.__table__
    next_year = date(today.year + 1, 1, 1)
    owner = (bl.c.project_id, bl.c.operation_id, bl.c.category)  # ix_budget_line_owner_category's order
    near = frame(session, m.BudgetLine, bl.c.month < next_year, columns=FIGURE_LINE_COLUMNS)
    later = read(session, select(*owner, func.min(bl.c.month).label("month"), func.sum(bl.c.planned).label(
        "planned")).where(bl.c.month >= next_year).group_by(*owner).order_by(*owner))
    if not len(later):
        return near
    parts = [p.astype({c: "float64" for c in ("project_id", "operation_id") if p[c].dtype == object})  # all None
             for p in (near, later) if len(p)]
    return pd.concat(parts, ignore_index=True)


def load(session: Session, today: date, *, editing: bool = True) -> BudgetData:
    """The budget data of the workspace. ``editing=False`` is what the organisation's figures need (Overview,
    Budgets, ROI): the lines of later years summed (:func:`figure_lines`), and no ids, versions or notes, which only
    editing needs — under half the rows at L, the same figures."""
    projects = frame(session, m.Project)
    operations = frame(session, m.Operation)
    owners = _owners(projects, operations, frame(session, m.Team).set_index("id")["name"])
    lines = frame(session, m.BudgetLine) if editing else figure_lines(session, today)
    lines["owner"] = _owner_column(lines) if len(lines) else pd.Series(dtype=object)
    lines["planned"] = lines["planned"].astype(float)
    expenses = frame(session, m.Expense, columns=None if editing else FIGURE_EXPENSE_COLUMNS)
    expenses["owner"] = _owner_column(expenses) if len(expenses) else pd.Series(dtype=object)
    expenses["amount"] = expenses["amount"].astype(float)
    labour = labour_cost(session, until=today, who=editing)
    labour["owner"] = _owner_column(labour) if len(labour) else pd.Series(dtype=object)
    labour = labour[labour["owner"] != ""]
    tasks = frame(session, m.Task, columns=["id", "project_id", "estimate_hours", "duration_days", "percent_complete",
                                            "assignee_id", "finish_date"])
    baselines: dict[int, dict] = {}
    base = frame(session, m.Baseline, order_by=[m.Baseline.taken_at, m.Baseline.id])
    for rec in base.to_dict("records"):
        baselines[int(rec["project_id"])] = rec  # the latest wins
    people = frame(session, m.Person, columns=["id", "cost_rate"])
    return BudgetData(today, settings(session)["currency"], projects, operations, owners, lines, expenses, labour,
                      tasks, baselines, frame(session, m.Holiday),
                      people.set_index("id")["cost_rate"].astype(float))


def owners(session: Session) -> pd.DataFrame:
    """Projects and operations that can hold money: [owner, kind, id, name, status, team], projects first."""
    teams = frame(session, m.Team).set_index("id")["name"]
    out = _owners(frame(session, m.Project), frame(session, m.Operation), teams)
    return out[["owner", "kind", "id", "name", "status", "team"]].reset_index(drop=True)
