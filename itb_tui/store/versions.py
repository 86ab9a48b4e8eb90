"""The schema version this code writes and reads, in a module with no imports, so the
fast read-only path (`reader.py`, used by `status`) can check a store without loading
SQLModel. A new migration bumps these two lines and adds its revision to REVISIONS."""

SCHEMA_VERSION = 9
# The Alembic revision each schema version corresponds to (migrations/versions/).
REVISIONS = {"0001": 1, "0002": 2, "0003": 3, "0004": 4, "0005": 5, "0006": 6, "0007": 7, "0008": 8, "0009": 9}
HEAD_REVISION = "0009"
