"""access roles, three-point estimates, recurrence rules, comments and inbox

- person.access: viewer / editor / approver / admin (existing people become editors);
- task.duration_min_days / duration_max_days: an optional three-point estimate;
- recurring_task.rrule: an RFC 5545 rule (empty: the cadence);
- comment: updates and comments on projects, tasks, requests, goals and work items;
- inbox_read: inbox items a person marked read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access', sa.String(length=20), nullable=False, server_default='editor'))
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duration_min_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('duration_max_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('recurring_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rrule', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
    op.create_table('comment',
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('subject', sa.String(length=20), nullable=False),
                    sa.Column('subject_id', sa.Integer(), nullable=False),
                    sa.Column('author_id', sa.Integer(), nullable=True),
                    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
                    sa.Column('parent_id', sa.Integer(), nullable=True),
                    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column('deleted', sa.Boolean(), nullable=False),
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['author_id'], ['person.id']),
                    sa.ForeignKeyConstraint(['parent_id'], ['comment.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_subject_id'), ['subject_id'], unique=False)
    op.create_table('inbox_read',
                    sa.Column('person_id', sa.Integer(), nullable=False),
                    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
                    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['person_id'], ['person.id']),
                    sa.PrimaryKeyConstraint('person_id', 'item'))


def downgrade() -> None:
    op.drop_table('inbox_read')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_subject_id'))
    op.drop_table('comment')
    with op.batch_alter_table('recurring_task', schema=None) as batch_op:
        batch_op.drop_column('rrule')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('duration_max_days')
        batch_op.drop_column('duration_min_days')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('access')
