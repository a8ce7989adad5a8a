"""``views.tables.read``: the values SQLAlchemy would give, a whole column at a time on SQLite (issue 16)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from worksmith import demo
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views.tables import EXPORT_TABLES, grouped_sum, read, rows_frame


def _both(session, stmt) -> tuple[pd.DataFrame, pd.DataFrame]:
    return rows_frame(session.connection().execute(stmt)), read(session, stmt)


def test_every_table_reads_as_sqlalchemy_gives_it(engine, today):
    """Dates, booleans, JSON, timestamps, NULLs and text: the same values, types and dtypes for every table; then
    filtered, joined, labelled and empty reads, and SQL sums (one seeded demo for all)."""
    demo.seed(engine, "S", today=today)
    with read_session(engine) as s:
        for model in EXPORT_TABLES:
            table = model.__table__
            want, got = _both(s, select(table).order_by(*table.primary_key.columns))
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=model.__tablename__)
            for column in want.columns:
                assert [type(v) for v in got[column].tolist()] == [type(v) for v in want[column].tolist()], column
    _filtered_joined_labelled_and_empty_reads(engine, today)
    _grouped_sum_is_pandas_sum_per_key(engine)


def _filtered_joined_labelled_and_empty_reads(engine, today):
    task, project = m.Task.__table__, m.Project.__table__
    with read_session(engine) as s:
        joined = (select(task.c.id, task.c.start_date.label("start"), task.c.critical, project.c.name.label("project"))
                  .join(project, project.c.id == task.c.project_id).where(task.c.start_date >= today)
                  .order_by(task.c.id))
        want, got = _both(s, joined)
        assert len(want) and {type(v) for v in got["start"]} == {date}
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        none = select(task.c.id, task.c.finish_date).where(task.c.id < 0)
        want, got = _both(s, none)
        assert got.empty and list(got.columns) == ["id", "finish_date"]
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_missing_dates_and_a_day_sqlalchemy_cannot_read(engine):
    """A NULL day stays None; a stored day that is not ISO text fails as SQLAlchemy fails (SQLite only: PostgreSQL
    refuses to store it)."""
    with write_session(engine) as s:
        s.add(m.Project(name="Undated", status="proposed"))
    undated = select(m.Project.__table__.c.name, m.Project.__table__.c.start).order_by(m.Project.__table__.c.id)
    with read_session(engine) as s:
        got = read(s, undated)
        assert got["start"].tolist() == [None]
    if engine.dialect.name != "sqlite":
        return
    with write_session(engine) as s:
        s.connection().execute(text("UPDATE project SET start = '5 May 2026'"))
    with read_session(engine) as s:
        with pytest.raises(ValueError) as ours:
            read(s, undated)
        with pytest.raises(ValueError) as theirs:
            rows_frame(s.connection().execute(undated))
        assert str(ours.value) == str(theirs.value)


def _grouped_sum_is_pandas_sum_per_key(engine):
    with read_session(engine) as s:
        tasks = read(s, select(m.Task.__table__.c.project_id, m.Task.__table__.c.estimate_hours))
        got = grouped_sum(s, m.Task.estimate_hours, m.Task.project_id)
        n_projects = s.connection().execute(select(func.count()).select_from(m.Project.__table__)).scalar_one()
    want = tasks.groupby("project_id")["estimate_hours"].sum()
    assert 0 < len(got) <= n_projects
    pd.testing.assert_series_equal(got.sort_index(), want.astype(float), check_names=False, check_index_type=False,
                                   rtol=1e-12)
