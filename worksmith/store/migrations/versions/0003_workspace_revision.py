"""workspace revision: one counter bumped by every write, part of every read cache key

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspace_revision',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('n', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.execute("INSERT INTO workspace_revision (id, n) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('workspace_revision')
