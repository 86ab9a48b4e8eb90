"""`results import` commits its messages in batches, each message in a savepoint of its
own (store/lab_batch.py, issue 17). What a user would notice if it were wrong: a good
message lost because a bad one shared its batch, a half-written message, a trail that
differs from (or fails `check` unlike) the message-by-message import, an interrupted
import that stored some messages without saying so, or a re-run that stores twice.

On SQLite and, with ITB_TUI_TEST_PG_URL, PostgreSQL (the `store_url` fixture)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hl7_messages import batch, final_positive, no_growth, preliminary_yeast
from sqlalchemy import text

TODAY = "2026-11-10"
DRAWN = "20261108"
PUMP = {"serial": "NGP-Q1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300}
WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Batch, Alpha", "dob": "1960-01-01", "pumps": [PUMP]},
    {"mrn": "H200", "name": "Batch, Beta", "dob": "1970-02-02", "pumps": [dict(PUMP, serial="NGP-Q2")]},
]}


def _feed(n: int, bad_at: int | None = None) -> list[str]:
    """n messages for the two patients (new accessions, three kinds in turn; every
    fourth a preliminary later made final, so some are updates); `bad_at`: that one for
    an MRN nobody has (quarantined)."""
    out = []
    for i in range(n):
        mrn, dob = ("H100", "19600101") if i % 2 else ("H200", "19700202")
        if i == bad_at:
            out.append(final_positive(mrn="NOBODY", dob=dob, drawn=DRAWN, control=f"C{i}", accession=f"X{i}"))
            continue
        kind = (final_positive, no_growth, preliminary_yeast)[i % 3]
        out.append(kind(mrn=mrn, dob=dob, drawn=DRAWN, control=f"C{i}", accession=f"A{i}"))
        if i % 4 == 2 and kind is preliminary_yeast:
            out.append(final_positive(mrn=mrn, dob=dob, drawn=DRAWN, control=f"F{i}", accession=f"A{i}"))
    return out


def _cli(*args: str) -> tuple[int, str, str]:
    from itb_tui.cli.entry import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def ward_url(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY)
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert _cli("--db", store_url, "import", str(f))[0] == 0
    return store_url


@pytest.fixture
def other_url(store_url, tmp_path, pg_own_schema):
    """A second empty store on the same backend (for the message-by-message import)."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/other/ward.db"
        return
    with pg_own_schema(store_url.split("?")[0]) as url:
        yield url


def _import(url: str, tmp_path, messages: list[str], name: str = "feed.hl7") -> tuple[int, dict | None, str]:
    f = tmp_path / name
    f.write_text(batch(messages))
    code, out, err = _cli("--db", url, "results", "import", str(f), "--json")
    return code, (json.loads(out) if out.strip() else None), err


def _open(url: str):
    from datetime import date

    from itb_tui.store import open_store

    return open_store(url, today=date.fromisoformat(TODAY))


def _check_ok(url: str) -> None:
    with _open(url) as store:
        result = store.check()
    assert result.ok, result.lines()


def _count(url: str, table: str) -> int:
    with _open(url) as store, store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _small_batches(monkeypatch, size: int) -> None:
    from itb_tui.store import lab_batch

    monkeypatch.setattr(lab_batch, "MAX_MESSAGES", size)
    monkeypatch.setattr(lab_batch, "MAX_SECONDS", 60.0)


def test_a_bad_message_in_the_middle_of_a_batch_takes_no_good_one_with_it(ward_url, tmp_path, monkeypatch):
    _small_batches(monkeypatch, 50)  # all of them in one batch
    messages = _feed(20, bad_at=9)
    code, doc, err = _import(ward_url, tmp_path, messages)
    assert code == 2, err  # one quarantined: someone must look
    outcomes = [m["outcome"] for m in doc["messages"]]
    assert outcomes.count("quarantined") == 1 and doc["messages"][outcomes.index("quarantined")]["control_id"] == "C9"
    assert doc["counts"]["refused"] == 0
    stored = doc["counts"]["imported"] + doc["counts"]["updated"]
    assert stored == len(messages) - 1
    assert _count(ward_url, "lab_quarantine") == 1
    assert _count(ward_url, "lab_reports") == doc["counts"]["imported"]  # an update reuses its report
    _check_ok(ward_url)


def test_a_message_the_database_refuses_half_way_is_rolled_back_alone(ward_url, tmp_path, monkeypatch):
    """The culture of message C4 is written, then its lab report fails: its savepoint
    takes the culture back; the messages before and after it in the batch stand."""
    from sqlalchemy.exc import IntegrityError

    from itb_tui.store.results import LabResults

    _small_batches(monkeypatch, 50)
    real = LabResults._write_step

    def failing(self, conn, patient, step, control_id, who, *rest):
        real(self, conn, patient, step, control_id, who, *rest)
        if control_id == "C4":
            raise IntegrityError("INSERT INTO lab_reports", None, Exception("simulated conflict"))

    monkeypatch.setattr(LabResults, "_write_step", failing)
    messages = _feed(8)
    code, doc, err = _import(ward_url, tmp_path, messages)
    assert code == 2, err
    refused = [m for m in doc["messages"] if m["outcome"] == "refused"]
    assert [m["control_id"] for m in refused] == ["C4"] and "simulated conflict" in refused[0]["detail"]
    with _open(ward_url) as store:
        accessions = {acc for reports in store.lab_reports().values() for acc, _ in reports.values()}
        cultures = sum(len(p.cultures) for p in store.load_patients())
    assert "A4" not in accessions and len(accessions) == doc["counts"]["imported"]
    assert cultures == len(accessions)  # no culture of C4 left behind without its report
    _check_ok(ward_url)


def test_batched_import_writes_what_message_by_message_import_writes(ward_url, other_url, tmp_path, monkeypatch):
    """Same rows, same outcomes, same audit entries (but their times) as the listener's
    path, one transaction per message, on the same backend."""
    from itb_tui.cli.common import _actor
    from itb_tui.cli.lab_feed import store_message
    from itb_tui.formats.hl7 import read, split_messages
    from itb_tui.formats.hl7.codes import load

    _small_batches(monkeypatch, 7)  # several batches, one boundary inside the preliminary/final pairs
    messages = _feed(30, bad_at=12) + _feed(6)  # the last seven (6 + a final): sent again
    code, doc, _ = _import(ward_url, tmp_path, messages)
    f = tmp_path / "ward.json"
    assert _cli("--db", other_url, "import", str(f))[0] == 0
    table = load()
    one_by_one = []
    with _open(other_url) as store:
        for raw in split_messages(batch(messages)).messages:
            row = store_message(store, read(raw, table), tmp_path / "feed.hl7", raw.index, f"lab feed ({_actor()})")
            row.pop("store_error", None)
            one_by_one.append(row)
    assert doc["messages"] == one_by_one
    assert doc["counts"]["duplicate"] == 7 and code == 2
    for url in (ward_url, other_url):
        _check_ok(url)
    assert _rows(ward_url) == _rows(other_url)


def _rows(url: str) -> dict:
    queries = {
        "patients": "SELECT * FROM patients ORDER BY id",
        "cultures": "SELECT * FROM cultures ORDER BY id",
        "lab_reports": "SELECT * FROM lab_reports ORDER BY id",
        "lab_quarantine": "SELECT id, source, control_id, mrn, reason, raw FROM lab_quarantine ORDER BY id",
        "audit": "SELECT id, actor, username, action, table_name, record_id, mrn, before, after, reason, "
                 "row_digests FROM audit ORDER BY id",
    }
    with _open(url) as store, store.engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in queries.items()}


def test_an_import_interrupted_at_a_commit_says_what_is_stored_and_a_rerun_completes(ward_url, tmp_path,
                                                                                      monkeypatch):
    """The second batch's commit fails: the first batch stays, nothing of the second or
    later is stored (not half of it), the command says how many were stored and stops
    (exit 1); the same file again stores the rest, recognising the first batch."""
    from itb_tui.store import StoreError, witness

    _small_batches(monkeypatch, 5)
    real = witness.before_commit
    calls = {"n": 0}

    def failing(conn, head):
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("simulated failure at commit")
        return real(conn, head)

    monkeypatch.setattr(witness, "before_commit", failing)
    messages = [m for i, m in enumerate(_feed(14)) if "F" not in m.split("|")[9]]  # new accessions only
    code, doc, err = _import(ward_url, tmp_path, messages)
    assert code == 1 and doc is None
    assert "simulated failure at commit" in err
    assert "5 messages stored, nothing from feed.hl7#6 on" in err
    assert "run the same import again" in err
    assert _count(ward_url, "lab_reports") == 5 and _count(ward_url, "cultures") == 5
    _check_ok(ward_url)

    monkeypatch.setattr(witness, "before_commit", real)
    code, doc, err = _import(ward_url, tmp_path, messages)
    assert code == 0, err
    assert doc["counts"]["duplicate"] == 5 and doc["counts"]["imported"] == len(messages) - 5
    assert _count(ward_url, "lab_reports") == len(messages)
    _check_ok(ward_url)


def test_a_later_file_that_cannot_be_read_keeps_what_the_earlier_one_stored(ward_url, tmp_path, monkeypatch):
    """As with a commit per message: the messages of the first file of a directory stay
    stored when the second cannot be read (the open batch is committed, not dropped)."""
    from itb_tui.cli import results
    from itb_tui.cli.common import CliError

    _small_batches(monkeypatch, 50)
    feeds = tmp_path / "drop"
    feeds.mkdir()
    (feeds / "a.hl7").write_text(batch(_feed(4)))
    (feeds / "b.hl7").write_text(batch(_feed(2)))
    real = results._read_text

    def unreadable(path):
        if path.name == "b.hl7":
            raise CliError(f"{path}: cannot be read (simulated)")
        return real(path)

    monkeypatch.setattr(results, "_read_text", unreadable)
    code, _, err = _cli("--db", ward_url, "results", "import", str(feeds))
    assert code == 1 and "b.hl7: cannot be read (simulated)" in err
    assert _count(ward_url, "lab_reports") == 4
    _check_ok(ward_url)
