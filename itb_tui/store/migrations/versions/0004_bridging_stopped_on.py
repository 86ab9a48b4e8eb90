"""Schema version 4: a bridging record's last day (`bridging.stopped_on`, clinical rules
revision 3).

- `bridging.stopped_on` (DATE, NULL): the day bridging stopped (the drain came out, the
  oral baclofen ended). A record that stopped before a removal does not cover it
  (`no_bridging_plan`). NULL means still running or not recorded, which is what every
  record written before this version gets: nothing is guessed for old records.

ADD COLUMN puts it after the `entered_in_error_*` columns; the table class declares it
the same way (schema.BridgingStop), so an upgraded store and a new one have the same
columns in the same order.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.add_column("bridging", sa.Column("stopped_on", sa.Date, nullable=True))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="4"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
