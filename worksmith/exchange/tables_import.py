"""The import wizard's pure half: read a spreadsheet, guess which column is which field, check every row.

Tables: people, teams, projects, tasks (into a project), budget lines and expenses, from CSV or Excel (.xlsx).

Reading (:func:`read_table`): a CSV file is UTF-8 (a byte-order mark is dropped) or, failing that, Windows-1252;
its delimiter is the one of ``, ; TAB |`` that splits the header into the most columns and every row alike. An
.xlsx file is read from its first sheet. Every cell becomes text (Excel's ``3.0`` is ``3``, a midnight datetime its
ISO date). A file over 20 MB, over 50,000 rows, over 200 columns or with a cell over 20,000 characters is refused.

Mapping (:func:`guess_mapping`): a header matches a field when, lowercased with everything but letters and digits
removed, it equals the field's name, label or an alias ("Team name" -> team, "Hourly rate" -> cost_rate), else
when it is close to one (difflib ratio >= 0.85). The user edits the guess; a mapping is remembered per *file shape*:
the table and the file's normalised headers (:func:`shape_key`).

Checking (:func:`prepare`): each row is read field by field (numbers, dates, lists separated by ``;`` or ``,``),
references are resolved by name, case-insensitively ("team = Marketing"), and the row is validated by the table's
``Create`` model, so the bounds are the ones every other write obeys. A name that matches nothing is *missing*: the
wizard offers to create it (teams, people, projects, phases) or the row is refused. A row whose duplicate key (the
user's choice, e.g. a person's name or email) matches an existing row, is an update or a skip; two rows of the file
with the same key are a problem. Nothing here writes; ``commands.table_import`` does, all or nothing.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date

import pandas as pd
from sqlmodel import Session

from worksmith.commands import table_import as commands
from worksmith.commands.core import Actor
from worksmith.commands.table_rows import TABLES, ImportRefused, Prepared, load_refs, prepare
from worksmith.exchange.cells import csv_bytes
from worksmith.exchange.cells_xlsx import xlsx_bytes
from worksmith.store import models as m
from worksmith.values import cell_text

__all__ = ["TABLES", "ImportRefused", "Prepared", "check_file", "guess_mapping", "import_file", "preview_frame",
           "read_table", "saved_mapping", "shape_key", "template_csv", "template_xlsx"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL = 20_000
SHOWN_PROBLEMS = 30
DELIMITERS = (",", ";", "\t", "|")
SETTING_PREFIX = commands.SETTING_PREFIX



# ----------------------------------------------------------------------------------------------- reading files
def _refuse(headline: str, *problems: str) -> ImportRefused:
    return ImportRefused(headline, list(problems))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _refuse("The file is not text Worksmith can read.",
                      f"byte {exc.start + 1} is neither UTF-8 nor Windows-1252 text: save it as “CSV UTF-8”.") from None


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","

    def score(d: str) -> tuple[int, int]:
        counts = [len(next(csv.reader([line], delimiter=d), [])) for line in lines]
        return (counts[0] if counts[0] > 1 else 0, sum(c == counts[0] for c in counts))
    return max(DELIMITERS, key=score)


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise _refuse("The file is not a CSV table.", "it holds NUL bytes (a binary file?): export it as CSV.")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False))
    except csv.Error as exc:
        raise _refuse("The CSV file cannot be read.", f"{exc}: check the quotes and the cell sizes.") from None
    return rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        raw = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, TypeError, IndexError, AttributeError,
            EOFError) as exc:
        raise _refuse("The Excel file cannot be read.", f"{type(exc).__name__}: {str(exc)[:200]} — save it again "
                      "as .xlsx, or as CSV.") from None
    return [[cell_text(v) for v in row] for row in raw.itertuples(index=False)]


def read_table(data: bytes, filename: str = "") -> pd.DataFrame:
    """The file as a frame of text cells, headers from the first non-empty row; ``ImportRefused`` otherwise."""
    if len(data) > MAX_BYTES:
        raise _refuse("The file is too large.", f"{len(data) / 1e6:.1f} MB; at most {MAX_BYTES // 2**20} MB.")
    if not data.strip():
        raise _refuse("The file is empty.", "it needs a header row and at least one row of data.")
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"
    rows = _read_xlsx(data) if is_xlsx else _read_csv(data)
    rows = [[cell_text(c) for c in r] for r in rows]
    rows = [r for r in rows if any(c for c in r)]
    if len(rows) < 2:
        raise _refuse("The file has no data rows.", "it needs a header row and at least one row of data.")
    header, body = rows[0], rows[1:]
    problems = []
    if len(body) > MAX_ROWS:
        problems.append(f"{len(body):,} rows; at most {MAX_ROWS:,} in one import.")
    if len(header) > MAX_COLUMNS:
        problems.append(f"{len(header)} columns; at most {MAX_COLUMNS}.")
    for i, r in enumerate(rows[:MAX_ROWS + 1], start=1):
        big = next((j for j, c in enumerate(r) if len(c) > MAX_CELL), None)
        if big is not None:
            problems.append(f"row {i}, column {big + 1}: a cell of {len(r[big]):,} characters; at most {MAX_CELL:,}.")
        if len(problems) > SHOWN_PROBLEMS:
            break
    if problems:
        raise ImportRefused("The file is too big to import as it is.", problems)
    names = _unique_headers(header)
    width = len(names)
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=names, dtype=object)


def _unique_headers(header: list[str]) -> list[str]:
    out: list[str] = []
    for i, h in enumerate(header, start=1):
        name = h or f"Column {i}"
        while name in out:
            name = f"{name} ({i})"
        out.append(name)
    return out


# ----------------------------------------------------------------------------------------------------- mapping
def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z%]+", "", str(text).casefold())


def guess_mapping(table: str, headers: list[str]) -> dict[str, str | None]:
    """Field -> the column that holds it (or None), guessed from the header names; each column used once."""
    spec = TABLES[table]
    names = {f.name: {_norm(x) for x in (f.name, f.label, *f.aliases)} for f in spec.fields}
    out: dict[str, str | None] = {f.name: None for f in spec.fields}
    taken: set[str] = set()
    for exact in (True, False):
        for f in spec.fields:
            if out[f.name] is not None:
                continue
            for h in headers:
                if h in taken:
                    continue
                key = _norm(h)
                hit = key in names[f.name] if exact else any(
                    difflib.SequenceMatcher(None, key, n).ratio() >= 0.85 for n in names[f.name] if key and n)
                if hit:
                    out[f.name], _ = h, taken.add(h)
                    break
    return out


def shape_key(table: str, headers: list[str]) -> str:
    """A setting key for a file shape: the table and the file's normalised headers (hashed)."""
    digest = hashlib.sha1(json.dumps([table, [_norm(h) for h in headers]]).encode()).hexdigest()[:40]
    return SETTING_PREFIX + digest


# ------------------------------------------------------------------------------------------- check and import
def check_file(session: Session, *, table: str, data: bytes, filename: str, mapping: dict[str, str | None],
               key: str = "", project: str = "") -> Prepared:
    """The preview: the file checked against the workspace as it is now (no write)."""
    frame = read_table(data, filename)
    return prepare(frame, table=table, mapping=mapping, refs=load_refs(session, table=table, key=key), key=key,
                   project=project)


def import_file(session: Session, *, actor: Actor, table: str, data: bytes, filename: str = "",
                mapping: dict[str, str | None], key: str = "", on_duplicate: str = "skip",
                create_missing: bool = False, project: str = "", today: date | None = None,
                progress: Callable[[float, str], None] | None = None) -> commands.ImportResult:
    """Read the file and import it with ``commands.table_import.import_rows`` (all or nothing; see there). The
    mapping is remembered for this file shape in the same transaction."""
    frame = read_table(data, filename)
    return commands.import_rows(session, actor=actor, table=table, frame=frame, filename=filename, mapping=mapping,
                                key=key, on_duplicate=on_duplicate, create_missing=create_missing, project=project,
                                today=today, progress=progress, shape=shape_key(table, list(frame.columns)))


def saved_mapping(session: Session, *, table: str, headers: list[str]) -> dict[str, str | None] | None:
    """The mapping remembered for this file shape (only columns the file has), or None."""
    row = session.get(m.Setting, shape_key(table, headers))
    if row is None:
        return None
    try:
        stored = json.loads(row.value)
    except ValueError:
        return None
    fields = {f.name for f in TABLES[table].fields}
    return {f: (c if c in headers else None) for f, c in stored.items() if f in fields} if isinstance(
        stored, dict) else None


# ---------------------------------------------------------------------------------------------------- templates
def template_frame(table: str) -> pd.DataFrame:
    """The table's columns (labels) with one example row."""
    spec = TABLES[table]
    return pd.DataFrame([[f.example for f in spec.fields]], columns=[f.label for f in spec.fields])


def template_csv(table: str) -> bytes:
    return csv_bytes(template_frame(table))


def template_xlsx(table: str) -> bytes:
    return xlsx_bytes({TABLES[table].label: template_frame(table)})



def preview_frame(prepared: Prepared, limit: int = 20) -> pd.DataFrame:
    """The first rows as they will be saved, with what happens to each and its problems."""
    spec = TABLES[prepared.table]
    rows = []
    for n, shown in enumerate(prepared.rows[:limit], start=1):
        row = {"Row": n}
        for f in spec.fields:
            v = shown.get(f.name)
            row[f.label] = "; ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
        row["Action"] = ("refused" if n in prepared.problems else "update or skip" if n in prepared.matches
                         else "create")
        row["Problems"] = " ".join(prepared.problems.get(n, []))
        rows.append(row)
    return pd.DataFrame(rows)

