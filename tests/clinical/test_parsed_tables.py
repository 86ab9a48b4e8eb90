"""The parsed rules and species tables are cached beside the file (clinical/parsed_tables.py,
issue 17), and the cache must never serve a stale threshold: it is used only when the file's
bytes are exactly those it was made from."""

from __future__ import annotations

import marshal
import sys
import tomllib
from pathlib import Path

import pytest

from itb_tui.clinical import organisms, rules
from itb_tui.clinical.parsed_tables import TomlSyntaxError, read_toml


@pytest.fixture
def writes_cache(monkeypatch):
    """As when PYTHONDONTWRITEBYTECODE is not set (the test shell sets it)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.fixture
def table(tmp_path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_bytes(rules.default_rules_path().read_bytes())
    return path


def _cache_file(path: Path) -> Path:
    return path.parent / "__pycache__" / f"{path.name}.{sys.implementation.cache_tag}.marshal"


_REFILL_DUE = 'threshold = "refill_due_days"\nvalue = {}\n'


def _threshold(data, name):
    return next(r["value"] for r in data["rule"] if r.get("threshold") == name)


@pytest.mark.parametrize("shipped", [rules.default_rules_path(), organisms.default_table_path()],
                         ids=["rules", "organisms"])
def test_the_cached_table_is_what_tomllib_parses(shipped, tmp_path, writes_cache):
    path = tmp_path / shipped.name
    path.write_bytes(shipped.read_bytes())
    expected = tomllib.loads(shipped.read_text(encoding="utf-8"))
    assert read_toml(path) == expected  # parsed, cache written
    assert _cache_file(path).is_file()
    assert read_toml(path) == expected  # from the cache


def test_an_edited_rules_file_is_read_fresh(table, writes_cache):
    """Same length, one digit changed (refill_due_days 7 -> 8): the cache is not used."""
    before = read_toml(table)
    assert _threshold(before, "refill_due_days") == 7
    text = table.read_text(encoding="utf-8")
    edited = text.replace(_REFILL_DUE.format(7), _REFILL_DUE.format(8))
    assert len(edited) == len(text) and edited != text
    table.write_text(edited, encoding="utf-8")
    assert _threshold(read_toml(table), "refill_due_days") == 8
    assert rules._load_file(table, cache=True).refill_due_days == 8


def test_the_default_rules_load_reads_an_edited_table_fresh(table, writes_cache, monkeypatch):
    monkeypatch.setattr(rules, "default_rules_path", lambda: table)
    assert rules._load_default.__wrapped__().refill_due_days == 7
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(_REFILL_DUE.format(7), _REFILL_DUE.format(9)), encoding="utf-8")
    assert rules._load_default.__wrapped__().refill_due_days == 9


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", marshal.dumps(("itb-parsed-toml/1",)),
                                    marshal.dumps(("itb-parsed-toml/1", "2.7.18", b"", {"version": "x"}))],
                         ids=["empty", "garbage", "short", "other-python"])
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(table, writes_cache, damage):
    expected = tomllib.loads(table.read_text(encoding="utf-8"))
    read_toml(table)
    _cache_file(table).write_bytes(damage)
    assert read_toml(table) == expected
    assert read_toml(table) == expected and _cache_file(table).read_bytes() != damage


def test_no_cache_is_written_without_bytecode_writing_or_for_a_named_file(table, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    read_toml(table)
    assert not _cache_file(table).exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    rules.load_rules(table)  # a table the user names: parsed each time, nothing made beside it
    assert not (table.parent / "__pycache__").exists()


def test_an_unwritable_directory_still_gives_the_table(table, writes_cache):
    (table.parent / "__pycache__").write_text("a file where the directory would go")
    assert read_toml(table) == tomllib.loads(table.read_text(encoding="utf-8"))


def test_invalid_toml_and_unreadable_files_fail_as_before(tmp_path, writes_cache):
    bad = tmp_path / "rules.toml"
    bad.write_text("version = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as parsed:
        tomllib.loads(bad.read_text(encoding="utf-8"))
    with pytest.raises(TomlSyntaxError) as cached:
        read_toml(bad)
    assert str(cached.value) == str(parsed.value)
    with pytest.raises(rules.RulesError, match=r"rules\.toml: not valid TOML \(Invalid value"):
        rules.load_rules(bad)
    with pytest.raises(rules.RulesError, match="cannot be read"):
        rules.load_rules(tmp_path / "missing.toml")


def test_windows_line_endings_read_as_read_text_reads_them(tmp_path, writes_cache):
    path = tmp_path / "t.toml"
    path.write_bytes(b'version = "1"\r\ntext = """a\r\nb"""\r\n')
    assert read_toml(path) == tomllib.loads(path.read_text(encoding="utf-8")) == {"version": "1", "text": "a\nb"}
