"""unique project names, budget lines per owner/category/month, and checklist cases

A read-then-insert check cannot stop two concurrent saves; the database can. Existing duplicates are made
distinct first (names get their id appended, duplicate budget lines are summed into the first one).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_FILLED = sa.text("\"case\" <> ''")


def _distinct_project_names(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, name FROM project ORDER BY id")).fetchall()
    seen: set[str] = set()
    for row_id, name in rows:
        if name in seen:
            conn.execute(sa.text("UPDATE project SET name = :n WHERE id = :i"),
                         {"n": f"{name} (#{row_id})", "i": row_id})
        seen.add(name)


def _merge_budget_lines(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, project_id, operation_id, category, month, planned FROM budget_line "
                                "ORDER BY id")).fetchall()
    first: dict[tuple, int] = {}
    for row_id, project_id, operation_id, category, month, planned in rows:
        key = (project_id or 0, operation_id or 0, category, str(month))
        if key in first:
            conn.execute(sa.text("UPDATE budget_line SET planned = planned + :p WHERE id = :i"),
                         {"p": planned, "i": first[key]})
            conn.execute(sa.text("DELETE FROM budget_line WHERE id = :i"), {"i": row_id})
        else:
            first[key] = row_id


def _distinct_case_items(conn) -> None:
    rows = conn.execute(sa.text("SELECT id, operation_id, \"case\", title FROM work_item WHERE \"case\" <> '' "
                                "ORDER BY id")).fetchall()
    seen: set[tuple] = set()
    for row_id, operation_id, case, title in rows:
        if (operation_id, case, title) in seen:
            conn.execute(sa.text("UPDATE work_item SET title = :t WHERE id = :i"),
                         {"t": f"{title} (#{row_id})", "i": row_id})
        seen.add((operation_id, case, title))


def upgrade() -> None:
    conn = op.get_bind()
    _distinct_project_names(conn)
    _merge_budget_lines(conn)
    _distinct_case_items(conn)
    op.create_index('uq_project_name', 'project', ['name'], unique=True)
    op.create_index('uq_budget_line_owner_category_month', 'budget_line',
                    [sa.text('COALESCE(project_id, 0)'), sa.text('COALESCE(operation_id, 0)'), 'category', 'month'],
                    unique=True)
    op.create_index('uq_work_item_case_step', 'work_item', ['operation_id', 'case', 'title'], unique=True,
                    sqlite_where=CASE_FILLED, postgresql_where=CASE_FILLED)


def downgrade() -> None:
    op.drop_index('uq_work_item_case_step', 'work_item')
    op.drop_index('uq_budget_line_owner_category_month', 'budget_line')
    op.drop_index('uq_project_name', 'project')
