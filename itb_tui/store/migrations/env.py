"""Alembic environment for the itb-tui store.

Run only through `itb_tui.store.migrate`, which hands over an open connection already
inside the write transaction (so an upgrade is all or nothing, with the backup taken
before it) and configures Alembic in code: there is no alembic.ini, nothing is looked up
from the current directory, and the same code runs from an installed wheel.
"""

from __future__ import annotations

from alembic import context

from itb_tui.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("itb-tui migrations run from itb_tui.store.migrate (they need its connection)")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():  # a no-op inside the caller's transaction
    context.run_migrations()
