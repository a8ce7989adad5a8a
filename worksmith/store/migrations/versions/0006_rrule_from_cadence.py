"""recurring work as RFC 5545 rules: fill recurring_task.rrule from cadence + anchor

Every recurring task without a rule gets the rule that reproduces its cadence exactly (DTSTART = the anchor):
weekly = ``FREQ=WEEKLY;BYDAY=<the anchor's weekday>``; monthly / quarterly = the anchor's day of the month every 1 / 3
months, clamped to the month's last day: ``BYMONTHDAY=d`` (d <= 28), ``BYMONTHDAY=28,..,d;BYSETPOS=-1`` (29th, 30th),
``BYMONTHDAY=-1`` (31st), with ``INTERVAL=3`` for quarterly. The same rule as ``domain.calendar.cadence_rule``,
written out here so that this migration never changes when the application does. The downgrade empties exactly the
rules this migration would write (a rule chosen in the picker stays).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TABLE = sa.table('recurring_task', sa.column('id', sa.Integer), sa.column('cadence', sa.String),
                  sa.column('anchor', sa.Date), sa.column('rrule', sa.String))


def _rule(cadence: str, anchor: date) -> str | None:
    key = str(cadence).strip().lower()
    if key == "weekly":
        return f"FREQ=WEEKLY;BYDAY={_WEEKDAYS[anchor.weekday()]}"
    months = {"monthly": 1, "quarterly": 3}.get(key)
    if months is None:
        return None  # an unknown cadence stays as it is (the application refuses it with a message)
    interval = f";INTERVAL={months}" if months != 1 else ""
    day = anchor.day
    if day <= 28:
        by = f"BYMONTHDAY={day}"
    elif day == 31:
        by = "BYMONTHDAY=-1"
    else:
        by = "BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)) + ";BYSETPOS=-1"
    return f"FREQ=MONTHLY{interval};{by}"


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_TABLE.c.id, _TABLE.c.cadence, _TABLE.c.anchor).where(
        sa.func.coalesce(_TABLE.c.rrule, '') == '')).all()
    for row_id, cadence, anchor in rows:
        rule = _rule(cadence, _as_date(anchor))
        if rule:
            conn.execute(sa.update(_TABLE).where(_TABLE.c.id == row_id).values(rrule=rule))


def downgrade() -> None:
    conn = op.get_bind()
    for row_id, cadence, anchor, rule in conn.execute(
            sa.select(_TABLE.c.id, _TABLE.c.cadence, _TABLE.c.anchor, _TABLE.c.rrule)).all():
        if rule and rule == _rule(cadence, _as_date(anchor)):
            conn.execute(sa.update(_TABLE).where(_TABLE.c.id == row_id).values(rrule=''))
