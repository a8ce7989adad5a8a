"""Export the whole workspace: an Excel workbook (one sheet per table) or one table as CSV."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pandas as pd
from sqlmodel import Session

from worksmith.views.tables import all_frames


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
    return {name: _plain(df) for name, df in all_frames(session).items()}


def workbook(session: Session) -> bytes:
    """Every table as a sheet of one .xlsx workbook."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in tables(session).items():
            df.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def table_csv(session: Session, *, table: str) -> bytes:
    return tables(session)[table].to_csv(index=False).encode("utf-8")
