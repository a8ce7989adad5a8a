"""Export the whole workspace: a readable Excel workbook, or one table as CSV (a data export, raw column names).

The workbook opens with an **Index** sheet (each sheet, what it holds, its row count, a link to it), then one sheet
per table with a readable name ("Key results", "Time entries") and readable column headers ("Assignee id"). Every
foreign key ``x_id`` gets the name (or title) of the row it points to in a column right after it::

    Assignee id | Assignee        (task.assignee_id -> person.name)
    Goal id     | Goal            (project.goal_id  -> goal.title)

Every text cell is written safe by :mod:`worksmith.exchange.cells` (no formula runs when the file is opened).
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from worksmith.exchange.cells import csv_bytes
from worksmith.exchange.cells_xlsx import xlsx_bytes
from worksmith.views.tables import EXPORT_TABLES, all_frames

INDEX_SHEET = "Index"
INDEX_COLUMNS = ["Sheet", "What it holds", "Rows"]

# table -> (sheet name, what it holds); every table of EXPORT_TABLES has one (checked by the tests)
SHEETS: dict[str, tuple[str, str]] = {
    "team": ("Teams", "Teams people belong to"),
    "person": ("People", "People: role, team, weekly hours, cost rate, skills"),
    "timeoff": ("Time off", "Leave and absences per person"),
    "holiday": ("Holidays", "Non-working days, for everyone or one project"),
    "goal": ("Goals", "Goals (OKR objectives) with owner, team and period"),
    "key_result": ("Key results", "Key results of each goal: start, target and current value"),
    "check_in": ("Check-ins", "Progress check-ins on key results"),
    "project": ("Projects", "Projects: status, dates, budget, expected benefit"),
    "baseline": ("Baselines", "Saved plan baselines of projects"),
    "project_member": ("Project members", "Who works on which project, with role and allocation"),
    "phase": ("Phases", "Phases of each project's plan"),
    "task": ("Tasks", "Plan tasks: duration, assignee, schedule, float"),
    "dependency": ("Dependencies", "Links between tasks (type and lag)"),
    "raci": ("RACI", "Responsible / accountable / consulted / informed"),
    "time_entry": ("Time entries", "Hours booked per person, task or operation"),
    "risk": ("Risks", "Project risks: probability, impact, owner, mitigation"),
    "status_update": ("Status updates", "Project status updates (RAG and summary)"),
    "template": ("Templates", "Project templates"),
    "operation": ("Operations", "Ongoing operations: team, owner, demand"),
    "recurring_task": ("Recurring tasks", "Recurring work of operations"),
    "work_item": ("Work items", "Work items on operation boards"),
    "work_item_move": ("Work item moves", "Stage changes of work items"),
    "automation_rule": ("Automation rules", "Rules that act on work items"),
    "request": ("Requests", "Intake requests and their decisions"),
    "budget_line": ("Budget lines", "Planned budget per month and category"),
    "expense": ("Expenses", "Actual expenses"),
    "comment": ("Comments", "Updates and comments on projects, tasks, requests, goals and work items"),
    "activity_log": ("Activity log", "Who changed what, when"),
    "setting": ("Settings", "Workspace settings"),
}

# keys the schema does not declare as foreign keys, and targets named differently from the column
EXTRA_KEYS: dict[tuple[str, str], str] = {("request", "work_item_id"): "work_item"}
KEY_LABELS: dict[str, str] = {"pred_id": "Predecessor", "succ_id": "Successor", "item_id": "Work item",
                              "decided_by_id": "Decided by"}
TARGET_LABELS: dict[str, str] = {"goal": "Parent goal", "comment": "Replies to"}  # parent_id by what it points to
HEADER_WORDS: dict[str, str] = {"id": "ID", "rag": "RAG", "raci": "RACI", "okr": "OKR", "roi": "ROI"}
LABEL_COLUMNS = ("name", "title", "body")  # what a row is called (a comment by the start of its text)
LABEL_LENGTH = 80


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Values Excel and CSV can hold: JSON text for lists/dicts, naive UTC for aware datetimes."""
    out = df.copy()
    for col in out.columns:
        values = out[col].tolist()
        if any(isinstance(v, list | dict) for v in values):
            out[col] = [json.dumps(v, default=str) if isinstance(v, list | dict) else v for v in values]
        elif any(isinstance(v, datetime) and v.tzinfo for v in values):
            out[col] = [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in values]
    return out


def tables(session: Session) -> dict[str, pd.DataFrame]:
    """Every table as stored (raw column names), keyed by table name."""
    return {name: _plain(df) for name, df in all_frames(session).items()}


def header(column: str) -> str:
    """A readable column header: ``assignee_id`` -> ``Assignee id``, ``rag`` -> ``RAG``, ``id`` -> ``ID``."""
    words = [HEADER_WORDS.get(w, w) for w in column.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else column


def foreign_keys() -> dict[str, dict[str, str]]:
    """table -> {key column -> target table}, from the schema plus :data:`EXTRA_KEYS`."""
    keys: dict[str, dict[str, str]] = {}
    for model in EXPORT_TABLES:
        table = model.__table__
        found = {c.name: next(iter(c.foreign_keys)).column.table.name for c in table.columns if c.foreign_keys}
        keys[table.name] = found
    for (table_name, column), target in EXTRA_KEYS.items():
        keys.setdefault(table_name, {})[column] = target
    return keys


def _labels(frames: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """table -> Series id -> its name or title (tables with such a column only)."""
    out: dict[str, pd.Series] = {}
    for name, df in frames.items():
        label = next((c for c in LABEL_COLUMNS if c in df.columns), None)
        if label is not None and "id" in df.columns:
            out[name] = pd.Series([v[:LABEL_LENGTH] if isinstance(v, str) else v for v in df[label].tolist()],
                                  index=df["id"].tolist(), dtype=object)
    return out


def readable(name: str, df: pd.DataFrame, keys: dict[str, str], labels: dict[str, pd.Series]) -> pd.DataFrame:
    """One table for a person: ID first, version last, each key followed by the name it points to, readable
    headers."""
    order = [c for c in ["id"] if c in df.columns] + [c for c in df.columns if c not in ("id", "version")]
    order += [c for c in ["version"] if c in df.columns]
    columns: dict[str, pd.Series] = {}
    for col in order:
        target = keys.get(col)
        base = KEY_LABELS.get(col) or (TARGET_LABELS.get(target) if col == "parent_id" else None) or header(
            col.removesuffix("_id"))
        columns[f"{base} id" if target else header(col)] = df[col]
        if target and target in labels:
            names = labels[target]
            columns[base] = pd.Series([names.get(v) if pd.notna(v) else None for v in df[col].tolist()],
                                      index=df.index, dtype=object)
    return pd.DataFrame(columns, index=df.index)


def sheets(session: Session) -> dict[str, pd.DataFrame]:
    """The workbook's sheets, in order: Index, then one readable sheet per table."""
    frames = tables(session)
    keys, labels = foreign_keys(), _labels(frames)
    out: dict[str, pd.DataFrame] = {}
    index_rows = []
    for name, df in frames.items():
        title, what = SHEETS.get(name, (header(name), ""))
        out[title] = readable(name, df, keys.get(name, {}), labels)
        index_rows.append({"Sheet": title, "What it holds": what, "Rows": len(df)})
    return {INDEX_SHEET: pd.DataFrame(index_rows, columns=INDEX_COLUMNS), **out}


def _link_index(title: str, sheet: Worksheet) -> None:
    """On the Index sheet, each sheet name links to its sheet."""
    if title != INDEX_SHEET:
        return
    for row in sheet.iter_rows(min_row=2, max_col=1):
        cell = row[0]
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{cell.value}'!A1")
        cell.style = "Hyperlink"


def workbook(session: Session) -> bytes:
    """The workspace as one .xlsx workbook: an Index sheet, then one readable sheet per table."""
    return xlsx_bytes(sheets(session), on_sheet=_link_index)


def table_csv(session: Session, *, table: str) -> bytes:
    """One table as CSV with its raw column names (a data export), every text cell written safe."""
    return csv_bytes(tables(session)[table])
