"""The UI and the command line are written against `store/ports.py`: mypy proves the
writable Store, the read-only reader and the deferred store satisfy its Protocols
(`store_ports_check.py`), and that the check is not vacuous (a store missing one method
is caught)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

BROKEN = '''
from itb_tui.store.ports import WardReads


class HalfAReader:
    url = "sqlite:///x.db"

    def load_patients(self, ward=None): return []
    def get_patient(self, mrn): return None
    def wards(self): return []
    def saved_list_rows(self, key): raise NotImplementedError
    def lab_reports(self, mrn=None): return {}
    def notes(self, mrn=None, *, include_in_error=False): return []
    def audit_entries(self, tables, *, actions=None): return []
    def close(self): pass
    def __enter__(self): return self
    def __exit__(self, *exc): pass


reads: WardReads = HalfAReader()  # no patient_count
'''


def test_each_store_class_satisfies_the_protocol_it_is_used_as(tmp_path, request):
    broken = tmp_path / "broken_store.py"
    broken.write_text(BROKEN, encoding="utf-8")
    # pytest's cache dir when the cache plugin is on (fast reruns), else a fresh one.
    cache = request.config.cache.mkdir("mypy") if hasattr(request.config, "cache") else tmp_path / "mypy"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--ignore-missing-imports",
         "--no-error-summary", "--cache-dir", str(cache), "--python-version", "3.11",
         str(HERE / "store_ports_check.py"), str(broken)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = result.stdout.splitlines()
    checked = [line for line in lines if "store_ports_check.py" in line]
    assert checked == [], "\n".join(checked)
    assert any("broken_store.py" in line and "patient_count" in line for line in lines), result.stdout + result.stderr
