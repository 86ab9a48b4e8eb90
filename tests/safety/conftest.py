"""Safety tests run REAL processes against a real store file (and a real PostgreSQL
server when `ITB_TUI_TEST_PG_URL` is set): concurrent writers, SIGKILL mid-write,
backups while writing. They use `store_url` from tests/conftest.py (a schema of its own
per PostgreSQL test, dropped afterwards)."""
