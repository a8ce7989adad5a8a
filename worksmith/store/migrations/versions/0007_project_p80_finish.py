"""project.p80_finish: the stored P80 finish (a computed column, like a task's scheduled dates)

The P80 finish of a project from its own three-point estimates (500 Monte Carlo runs, seed 7), written by
``commands.p80.store_p80`` wherever the schedule is stored, read by the Overview. Nullable: no estimate, or not
computed yet — existing projects get theirs at the next reschedule of their plan (or a restore / demo seed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-11
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('p80_finish', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('p80_finish')
