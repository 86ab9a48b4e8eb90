"""Every export is written atomically, readable by its owner only, or not at all."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from export_fixtures import AS_OF, GENERATED_AT
from itb_tui.exports import FORMATS, ExportError, write_export
from itb_tui.exports import atomic

TEXT_FORMATS = ("csv", "html", "fhir", "ward-json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written_0600_even_with_a_permissive_umask(tmp_path, pairs, rules, fmt):
    target = tmp_path / f"out.{fmt}"
    target.write_text("old")
    os.chmod(target, 0o644)
    old_umask = os.umask(0)
    try:
        out = write_export(fmt, pairs, target, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    finally:
        os.umask(old_umask)
    assert out == target.absolute()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes() != b"old" and len(out.read_bytes()) > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp file left


def test_failure_mid_write_leaves_the_old_file_and_no_partial(tmp_path, pairs, rules, monkeypatch):
    target = tmp_path / "ward.csv"
    target.write_text("yesterday's list\n")
    written = []
    real_fdopen = os.fdopen

    class DiskFillsUp:
        """The real temp file, but the disk is full after the first chunk."""

        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(len(data))
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

    monkeypatch.setattr(atomic, "_CHUNK", 64)
    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: DiskFillsUp(real_fdopen(*a, **k)))
    with pytest.raises(ExportError) as caught:
        write_export("csv", pairs, target, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    assert written == [64]  # part of the file was written before the disk filled up
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_text() == "yesterday's list\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ward.csv"]


def test_failure_at_fsync_leaves_the_old_file(tmp_path, pairs, rules, monkeypatch):
    target = tmp_path / "ward.xlsx"
    target.write_bytes(b"old workbook")

    def io_error(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", io_error)
    with pytest.raises(ExportError, match="Input/output error"):
        write_export("xlsx", pairs, target, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    assert target.read_bytes() == b"old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["ward.xlsx"]


def test_failure_while_rendering_writes_nothing(tmp_path, pairs, rules, monkeypatch):
    from itb_tui.exports import html_export

    target = tmp_path / "round.html"
    target.write_text("old sheet")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(html_export, "render_text", broken)
    with pytest.raises(RuntimeError):
        write_export("html", pairs, target, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    assert target.read_text() == "old sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["round.html"]


def test_missing_directory_is_one_clear_line(tmp_path, pairs, rules):
    target = tmp_path / "nowhere" / "ward.csv"
    with pytest.raises(ExportError) as caught:
        write_export("csv", pairs, target, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    assert str(caught.value) == f"cannot write {target}: directory {target.parent} does not exist"
    assert "\n" not in str(caught.value)


def test_a_directory_is_not_a_file_name(tmp_path, pairs, rules):
    with pytest.raises(ExportError, match="is a directory"):
        write_export("csv", pairs, tmp_path, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)


def test_unknown_format(tmp_path, pairs, rules):
    with pytest.raises(ExportError, match="unknown export format 'pdf': use one of csv, xlsx"):
        write_export("pdf", pairs, tmp_path / "x", as_of=AS_OF, rules=rules,
                     generated_at=GENERATED_AT)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_formats_can_go_to_stdout(capsys, pairs, rules, fmt):
    assert write_export(fmt, pairs, None, as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT) is None
    assert "A1001" in capsys.readouterr().out


def test_ward_json_export_is_the_ward_file(tmp_path, pairs, rules):
    from itb_tui.wardfile import parse_ward

    out = write_export("ward-json", pairs, tmp_path / "ward.json", as_of=AS_OF, rules=rules,
                       generated_at=GENERATED_AT)
    patients = parse_ward(out.read_text(encoding="utf-8"), AS_OF)
    assert [p.mrn for p in patients] == ["A1001", "B2002", "C3003"]
