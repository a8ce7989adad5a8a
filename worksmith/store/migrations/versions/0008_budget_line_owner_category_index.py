"""budget_line: an index in owner, category and month order that holds the planned amount

The organisation's figures (Overview, Budgets, ROI) take the budget lines of years after this one as sums per owner
and category (``views.budget_data.figure_lines``). With this index the database sums them from the index alone, in
its order, without reading the table or sorting: at L, under half the rows reach Python.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ['project_id', 'operation_id', 'category', 'month', 'planned']


def upgrade() -> None:
    op.create_index('ix_budget_line_owner_category', 'budget_line', COLUMNS)


def downgrade() -> None:
    op.drop_index('ix_budget_line_owner_category', table_name='budget_line')
