"""The clinical core stays pure: no UI, no database, no clock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CLINICAL = Path(__file__).resolve().parents[2] / "itb_tui" / "clinical"


def test_importing_the_clinical_core_pulls_in_no_ui_or_database():
    code = (
        "import sys, itb_tui.clinical as c\n"
        "from itb_tui.clinical import assess, load_rules\n"
        "load_rules()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_clinical_module_reads_the_clock():
    pattern = re.compile(r"\b(date\.today|datetime\.now|datetime\.today|datetime\.utcnow|time\.time)\s*\(")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(CLINICAL.glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert len(list(CLINICAL.glob("*.py"))) > 10  # the glob really found the modules
