"""Planted store files are refused (issue 14, item 3): a file or directory another user
could have prepared, a symbolic link, an empty file the app did not make. The other user
is real: where the tests run as root, `nobody` plants the files through `runuser`;
elsewhere the cases that need a second account are skipped with the reason.

Each refusal must say why and how to fix it, and leave the planted file untouched (the
intruder learns nothing, the ward is not written into their file).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from datetime import date

from itb_tui.clinical.records import Patient
from itb_tui.store import StoreError, open_store
from itb_tui.store.reader import open_reader

TODAY = date(2026, 11, 10)
IS_ROOT = os.geteuid() == 0


def quiet_patient() -> Patient:
    return Patient(mrn="P0001", name="Planted, Test", dob=date(1980, 1, 15))
RUNUSER = shutil.which("runuser")
needs_second_user = pytest.mark.skipif(
    not (IS_ROOT and RUNUSER), reason="needs root to act as a second OS user (nobody) via runuser")


def as_nobody(script: str) -> None:
    """Run a shell script as the OS user `nobody` (a real second account)."""
    subprocess.run([RUNUSER, "-u", "nobody", "--", "/bin/sh", "-c", script], check=True, timeout=30)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(StoreError) as info:
        open_store(_url(path), today=TODAY)
    message = str(info.value)
    assert "refusing to open the store" in message and all(w in message for w in words), message
    return message


@pytest.fixture
def public_tmp():
    """A directory another user can reach (pytest's own tmp_path is root's alone)."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="itb-planted-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _shared_dir(tmp_path: Path) -> Path:
    """A directory like /tmp: everyone may create files in it (sticky)."""
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, 0o1777)
    return d


def test_an_existing_empty_world_readable_file_is_not_adopted(tmp_path):
    store = tmp_path / "ward.db"
    store.touch(mode=0o644)
    os.chmod(store, 0o644)
    message = _refused(store, "empty", "remove it")
    assert store.stat().st_size == 0 and stat.S_IMODE(store.stat().st_mode) == 0o644


def test_a_dangling_symlink_is_not_followed(tmp_path):
    target = tmp_path / "elsewhere" / "ward.db"
    target.parent.mkdir()
    link = tmp_path / "ward.db"
    link.symlink_to(target)
    _refused(link, "symbolic link")
    assert not target.exists()  # no store was created at the link's target


def test_a_symlink_to_a_real_store_is_refused_by_both_ways_in(tmp_path):
    real = tmp_path / "real.db"
    with open_store(_url(real), today=TODAY) as s:
        s.import_patients([quiet_patient()], "os:root")
    link = tmp_path / "ward.db"
    link.symlink_to(real)
    _refused(link, "symbolic link", "--db")
    with pytest.raises(StoreError, match="symbolic link"):
        open_reader(_url(link))


def test_a_store_of_ours_writable_by_others_is_refused_with_the_fix(tmp_path):
    store = tmp_path / "ward.db"
    with open_store(_url(store), today=TODAY) as s:
        s.import_patients([quiet_patient()], "os:root")
    os.chmod(store, 0o666)
    _refused(store, "written by other users", "chmod 600")
    os.chmod(store, 0o600)
    with open_store(_url(store), today=TODAY) as s:  # the fix works
        assert s.patient_count() == 1


def test_a_store_of_ours_readable_by_others_is_made_owner_only(tmp_path):
    store = tmp_path / "ward.db"
    with open_store(_url(store), today=TODAY) as s:
        s.import_patients([quiet_patient()], "os:root")
    os.chmod(store, 0o644)
    with open_store(_url(store), today=TODAY) as s:
        assert s.patient_count() == 1
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_a_world_writable_directory_is_refused(tmp_path):
    d = _shared_dir(tmp_path)
    _refused(d / "ward.db", "can be written by other users", "chmod go-w")
    assert not (d / "ward.db").exists()


def test_a_new_store_is_created_owner_only(tmp_path):
    store = tmp_path / "new" / "ward.db"
    with open_store(_url(store), today=TODAY):
        pass
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700


@needs_second_user
def test_a_0666_file_another_user_planted_in_a_shared_directory_is_refused(public_tmp):
    d = _shared_dir(public_tmp)
    as_nobody(f"umask 000; : > {d}/ward.db; chmod 666 {d}/ward.db")
    assert (d / "ward.db").stat().st_uid != 0
    os.chmod(d, 0o755)  # even once the directory itself is no longer shared
    message = _refused(d / "ward.db", "belongs to another user")
    assert "copy it to a file of your own" in message
    assert (d / "ward.db").stat().st_size == 0  # nothing of the ward went into their file


@needs_second_user
def test_a_0644_store_owned_by_another_user_is_refused(public_tmp):
    d = public_tmp / "theirs"
    d.mkdir(mode=0o777)
    os.chmod(d, 0o777)
    as_nobody(f"umask 022; : > {d}/ward.db")
    os.chmod(d, 0o755)
    _refused(d / "ward.db", "belongs to another user")


@needs_second_user
def test_a_directory_owned_by_another_user_is_refused(tmp_path):
    d = tmp_path / "theirs"
    d.mkdir(mode=0o755)
    os.chown(d, 65534, 65534)  # nobody's directory, not writable by others
    with pytest.raises(StoreError, match="belongs to another user"):
        open_store(_url(d / "ward.db"), today=TODAY)


@needs_second_user
def test_a_planted_wal_file_is_refused(tmp_path):
    store = tmp_path / "ward.db"
    with open_store(_url(store), today=TODAY) as s:
        s.import_patients([quiet_patient()], "os:root")
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    wal = Path(f"{store}-wal")
    wal.touch()
    os.chown(wal, 65534, 65534)
    _refused(store, "-wal belongs to another user")
