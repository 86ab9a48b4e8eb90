"""organisms.by_snomed_ct / snomed_ct_index: only verified codes (with their source) in
the species table name an organism; anything else is None or a table error, never a guess.
The codes here are FIXTURE numbers in a fixture table, not real SNOMED CT concept ids."""

from __future__ import annotations

import pytest

from itb_tui.clinical import organisms

TABLE = """
version = "fixture"
genus = [ { name = "Candida", group = "candida", source = "x", snomed_ct = "9900000010", snomed_ct_source = "fixture" } ]
[sources]
x = "fixture"
[[species]]
key = "candida_albicans"
name = "Candida albicans"
group = "candida"
source = "x"
snomed_ct = "9900000002"
snomed_ct_source = "fixture list"
[[species]]
key = "staph"
name = "Staphylococcus aureus"
group = "bacterial"
source = "x"
"""


def _table(tmp_path, text):
    path = tmp_path / "organisms.toml"
    path.write_text(text)
    return path


def test_a_verified_code_names_its_organism_and_an_unlisted_code_names_nothing(tmp_path, monkeypatch):
    index = organisms.snomed_ct_index(_table(tmp_path, TABLE))
    assert index == {"9900000002": "Candida albicans", "9900000010": "Candida species"}
    monkeypatch.setattr(organisms, "_snomed_ct_codes", lambda: index)
    assert organisms.by_snomed_ct(" 9900000002 ") == "Candida albicans"
    assert organisms.by_snomed_ct("9900000003") is None
    assert organisms.by_snomed_ct("") is None and organisms.by_snomed_ct(None) is None


@pytest.mark.parametrize("bad,why", [
    ('snomed_ct = "9900000002"\nsnomed_ct_source = ""', "has no snomed_ct_source"),
    ('snomed_ct = "C-123"\nsnomed_ct_source = "x"', "is not a SNOMED CT concept id"),
    ('snomed_ct = "9900000002"\nsnomed_ct_source = "x"', "is on both"),
])
def test_a_code_that_cannot_be_trusted_stops_with_one_line(tmp_path, bad, why):
    text = TABLE.replace('group = "bacterial"\nsource = "x"', f'group = "bacterial"\nsource = "x"\n{bad}')
    with pytest.raises(organisms.SnomedCodeError, match=why):
        organisms.snomed_ct_index(_table(tmp_path, text))


def test_the_shipped_table_loads_its_codes():
    # Whatever codes the shipped table carries (another slice adds them), each has a source.
    assert isinstance(organisms.snomed_ct_index(), dict)


def test_results_import_stops_with_one_line_when_the_table_codes_cannot_be_used(monkeypatch):
    from itb_tui.cli.common import CliError
    from itb_tui.cli.lab_feed import check_organism_codes

    def broken():
        raise organisms.SnomedCodeError("species table x: 'Candida albicans': snomed_ct 1 is not a SNOMED CT concept id")

    monkeypatch.setattr(organisms, "_snomed_ct_codes", broken)
    with pytest.raises(CliError, match="is not a SNOMED CT concept id"):
        check_organism_codes()
