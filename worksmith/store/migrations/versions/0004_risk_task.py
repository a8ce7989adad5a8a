"""risk.task_id: the task a risk is about, so a risk still open on a finished task shows as stale

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_risk_task_id'), ['task_id'], unique=False)
        batch_op.create_foreign_key('fk_risk_task_id_task', 'task', ['task_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.drop_constraint('fk_risk_task_id_task', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_risk_task_id'))
        batch_op.drop_column('task_id')
