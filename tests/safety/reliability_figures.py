"""Re-measure the kill figure of docs/reliability.md: N imports SIGKILLed at spread-out
moments inside their write transaction, each followed by `check` (database, chain,
witness, every row) and the all-or-nothing count. Not a test (it takes minutes):

    python tests/safety/reliability_figures.py [N] [PATIENTS]   # SQLite, and PostgreSQL
                                                                 # when ITB_TUI_TEST_PG_URL is set
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from test_crash_safety import TODAY, _kill_while_writing, _tagged  # noqa: E402

from itb_tui.store import open_store  # noqa: E402


def _pg_url() -> str | None:
    base = os.environ.get("ITB_TUI_TEST_PG_URL")
    if not base:
        return None
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    schema = f"itb_fig_{uuid.uuid4().hex[:8]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"


def measure(url: str, ward: Path, n: int, patients: int) -> dict:
    with open_store(url, today=TODAY) as store:
        assert store.check().ok
    killed = whole = none = bad = 0
    for i in range(n):
        delay = (i % 10) * 0.1
        tag = f"itb-fig-{uuid.uuid4().hex[:8]}"
        was_running = _kill_while_writing([sys.executable, "-m", "itb_tui", "--db", _tagged(url, tag),
                                           "import", str(ward)], url, tag, delay)
        with open_store(url, today=TODAY) as store:
            count = store.patient_count()
            ok = store.check().ok
            if count == patients:  # it got through: start again from an empty ward
                whole += 1
            elif count == 0:
                none += 1
            if not ok or count not in (0, patients):
                bad += 1
                print("NOT CONSISTENT:", count, store.check().lines(), flush=True)
        killed += was_running
        if count:
            url = fresh(url)
    return {"attempts": n, "killed_while_running": killed, "all": whole, "nothing": none, "inconsistent": bad}


def fresh(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        new = path.with_name(f"ward-{uuid.uuid4().hex[:6]}.db")
        return f"sqlite:///{new}"
    return _pg_url()


def main() -> None:
    from itb_tui.demo import build_demo_ward
    from itb_tui.wardfile import dumps_ward

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    patients = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    tmp = Path(tempfile.mkdtemp(prefix="itb-fig-"))
    ward = tmp / "ward.json"
    ward.write_text(dumps_ward(build_demo_ward(TODAY, patients)), encoding="utf-8")
    urls = {"sqlite": f"sqlite:///{tmp}/store/ward.db"}
    pg = _pg_url()
    if pg:
        urls["postgresql"] = pg
    for name, url in urls.items():
        print(name, measure(url, ward, n, patients), flush=True)


if __name__ == "__main__":
    main()
