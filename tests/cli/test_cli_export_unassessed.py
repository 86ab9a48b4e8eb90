"""`itb-tui export --format ward-json` without `--only` reads the patients and writes them,
without assessing them (issue 17: the ward file is the records, the assessment was paid
for and thrown away). `export_patients` must select what `_pairs(..., for_export=True)`
selected, in the same order, with the same messages; `--only` still assesses."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from cli_runner import EXAMPLE, run_cli

from itb_tui.cli.common import CliError, _pairs, export_patients
from itb_tui.clinical.rules import load_rules
from itb_tui.store.reader import open_reader

AS_OF = date(2026, 11, 10)


@pytest.fixture
def reader(data_dir, tmp_path):
    db = tmp_path / "w.db"
    assert run_cli(data_dir, "--db", str(db), "import", str(EXAMPLE)).code == 0
    with open_reader(f"sqlite:///{db}") as r:
        yield r


def _args(**kw):
    return argparse.Namespace(**{"mrn": None, "ward": None, "only": None, **kw})


@pytest.mark.parametrize("selection", [
    {}, {"ward": "Rehab 2"}, {"mrn": "A1001"}, {"mrn": "C3003", "ward": "Rehab 2"},
    {"mrn": "A1001", "ward": "Rehab 2"},  # the patient is elsewhere: nobody, no error
])
def test_same_patients_as_the_assessed_read(reader, selection):
    assessed = [p for p, _a in _pairs(_args(**selection), reader, AS_OF, load_rules(), for_export=True)]
    assert export_patients(_args(**selection), reader) == assessed


@pytest.mark.parametrize("selection", [{"mrn": "Z9999"}, {"ward": "Nowhere"}])
def test_same_message_for_nobody_found(reader, selection):
    with pytest.raises(CliError) as assessed:
        _pairs(_args(**selection), reader, AS_OF, load_rules(), for_export=True)
    with pytest.raises(CliError) as unassessed:
        export_patients(_args(**selection), reader)
    assert str(unassessed.value) == str(assessed.value)


def test_the_ward_file_is_written_without_the_engine(data_dir, tmp_path, monkeypatch):
    """A ward whose assessment fails still exports its records (the engine is not run);
    `--only` needs the assessment and still filters."""
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    expected = run_cli(data_dir, "export").out
    broken = tmp_path / "sitecustomize.py"  # makes the engine raise in the child process
    broken.write_text("import itb_tui.clinical.engine as e\n"
                      "def assess(*a, **k):\n    raise RuntimeError('engine called')\n"
                      "e.assess = assess\n")
    from cli_runner import env_for
    import os

    env = env_for(data_dir, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = run_cli(data_dir, "export", env=env)
    assert r.code == 0, r.err
    assert r.out == expected
    r = run_cli(data_dir, "export", "--only", "blocked", env=env)
    assert r.code != 0  # proves the patch reaches the engine: --only assesses
