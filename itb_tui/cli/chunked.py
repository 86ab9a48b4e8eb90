"""A big ward's report (`status --json`, the CSV and HTML exports) read, assessed and
rendered chunk by chunk, on both cores: the same bytes as the one-piece path, in less
time and bounded memory.

Why: at 10,000 patients reading (0.4 s), assessing (0.4 s) and rendering (0.1 s) are
most of `status --json`, and all of it is per patient; at 100,000 holding every patient
at once took 587 MB. So the ward is cut into MRN ranges (`loader.mrn_chunks`, read
once here): share 0 of them is done in this process and share 1 in a forked child at the
same time (`perf/parallel.py`), each with its own connection and one read transaction,
each chunk of 2,000 patients loaded, assessed, rendered and dropped before the next.
Only rendered text crosses back (pickled records would cost more than the work saved).

A format plugs in with a `ChunkFormat`: a function from the pairs of one chunk to its
rendered pieces, each with its sort key (`pieces`), and the document around them
(`document`). A format whose pieces keep the chunk's MRN order (status JSON, CSV) is
streamed to a file per share and copied out in share order; any other (the HTML round
sheet, in urgency order) has its pieces sorted by key and merged. The FHIR Bundle plugs
in so (`fhir_format`); the XLSX and ward-json exports can plug in the same way.

Consistency (docs/hazard-log.md, H85): every share reads its patients whole in
one transaction, and reads the audit head there; when the shares saw different heads (a
write committed between their reads) the report is done again in one transaction, so a
report never mixes two states of the store. When a child fails, its share is done here
(`run_shares`); never a partial report.
"""

from __future__ import annotations

from datetime import date
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from pathlib import Path

CHUNK = 2000  # patients per chunk: ~20 MB of records and their assessments at a time
# Patients per chunk instead of CHUNK, and the chunked path whatever the ward's size: for
# the tests (a ward of 30 in chunks of 7, on both cores) and the bench.
CHUNK_ENV = "ITB_TUI_CHUNK"
SPLIT = 100  # patients per step when the ward is cut into shares
BLOCK = 1 << 20  # bytes per read when a share's file is copied out
FHIR_PIECE = 100  # patients per FHIR piece written (~3 MB of entries), as render_chunks


class Chunk:
    """What a format's `pieces` gets with one chunk's pairs: the date, the rules, the
    chunk's lab reports (MRN -> culture id -> (accession, status)) and whatever the
    format read once for the whole ward before the shares started (`prepared`).
    (Plain classes here, not dataclasses: `status --json` of a ward of 30 imports this
    module too, and each dataclass costs ~0.4 ms to create.)"""
    __slots__ = ("as_of", "rules", "lab_reports", "prepared")

    def __init__(self, as_of: date, rules, lab_reports: dict | None = None, prepared: Any = None):
        self.as_of, self.rules, self.lab_reports, self.prepared = as_of, rules, lab_reports or {}, prepared


class ChunkFormat:
    """One output format, rendered chunk by chunk.

    `pieces(pairs, chunk)`: the rendered text of each pair, as (sort key, text), in the
    chunk's order (MRN order); any iterable (a generator's are written as they come).
    `in_mrn_order`: the document lists them in MRN order (keys unused, the texts
    streamed as they come, joined by `sep`); otherwise they are put in key order over the
    whole ward. `tally(pairs, chunk)`: counts the document states (added up over chunks).
    `document(body, total, tally)`: the bytes of the whole document around `body` (the
    joined pieces, UTF-8 bytes, in order)."""
    __slots__ = ("pieces", "document", "in_mrn_order", "sep", "needs_lab_reports", "tally", "share_reads")

    def __init__(self, pieces: Callable[[list, Chunk], Iterable[tuple[Any, str]]],
                 document: Callable[[Iterator[bytes], int, dict], Iterable[bytes]], *,
                 in_mrn_order: bool = True, sep: str = "", needs_lab_reports: bool = False,
                 tally: Callable[[list, Chunk], dict] | None = None,
                 share_reads: Callable[[Any], Any] | None = None):
        self.pieces, self.document, self.in_mrn_order = pieces, document, in_mrn_order
        self.sep, self.needs_lab_reports, self.tally = sep, needs_lab_reports, tally
        # what each share reads once in its own transaction (its snapshot), for every
        # chunk's `Chunk.prepared`: seen in the same state of the store as the records
        self.share_reads = share_reads


class Plan:
    """The job every share runs: which store, which patients, which date and format."""
    __slots__ = ("url", "as_of", "rules", "fmt", "ward", "only", "prepared", "whole_history")

    def __init__(self, url: str, as_of: date, rules, fmt: ChunkFormat, *, ward: str | None = None,
                 only: str | None = None, prepared: Any = None, whole_history: bool = False):
        self.url, self.as_of, self.rules, self.fmt = url, as_of, rules, fmt
        self.ward, self.only, self.prepared = ward, only, prepared
        # the records as the export writes them (every refill), not only for assessing
        self.whole_history = whole_history


class ShareValue:
    """What a share sends back besides its streamed text: the audit head its transaction
    saw, the pairs it rendered, its tally, and (formats not in MRN order) its pieces as
    (key, UTF-8 bytes) in key order. Picklable (it crosses from the child; this process's
    own share is used as it is, never pickled)."""
    __slots__ = ("head", "count", "tally", "keyed")

    def __init__(self, head: int, count: int, tally: dict, keyed: list | None = None):
        self.head, self.count, self.tally, self.keyed = head, count, tally, keyed or []

    def __getstate__(self):
        return (self.head, self.count, self.tally, self.keyed)

    def __setstate__(self, state):
        self.head, self.count, self.tally, self.keyed = state


def worth_chunking(store, patients: int) -> bool:
    """The chunked path is for a plain SQLite store (MRN order = Python's) from
    `perf.parallel.MIN_PATIENTS` patients up, or whenever ITB_TUI_WORKERS asks for it."""
    import os

    from itb_tui.perf import parallel
    from itb_tui.store.reader import WardReader

    if not isinstance(store, WardReader) or not store.is_sqlite_file:
        return False
    return (patients >= parallel.MIN_PATIENTS or _chunk_size() != CHUNK
            or os.environ.get(parallel.WORKERS_ENV, "").strip() == "2")


def _chunk_size() -> int:
    import os

    text = os.environ.get(CHUNK_ENV, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else CHUNK


def render(plan: Plan, store, patients: int) -> tuple[Iterable[bytes], int]:
    """The document's bytes (an iterable, to be written as they come) and the number of
    patients in it. `store` is the caller's WardReader (`patients` its patient count):
    read here for the plan, then closed (no connection crosses a fork); every share opens
    its own. A ward with no patients at all is the one-piece path's error."""
    from itb_tui.cli.common import _no_such_ward
    from itb_tui.perf import parallel

    with store.snapshot() as snap:
        # Fine boundaries, so the shares come out within SPLIT patients of each other
        # (each share then reads its own range in chunks of CHUNK).
        chunks = snap.mrn_chunks(ward=plan.ward, size=min(SPLIT, _chunk_size()))
    if not chunks and plan.ward:
        raise _no_such_ward(store, plan.ward)
    store.close()
    if not chunks:
        return plan.fmt.document(iter(()), 0, {}), 0
    workers = min(parallel.worker_count(patients), len(chunks))
    if workers > 1:  # imported once, before the fork, rather than in each process after it
        import itb_tui.clinical.engine  # noqa: F401
    shares = _shares(chunks, workers)
    results = parallel.run_shares(len(shares), lambda k, out: _run_share(plan, shares[k], out))
    if len({value.head for value, _ in results}) > 1:
        # A write committed between the shares' reads: the whole report again, in one
        # transaction, so it shows one state of the store.
        for _, out in results:
            out.close()
        results = parallel.run_shares(1, lambda _k, out: _run_share(plan, (None, None), out))
    total = sum(value.count for value, _ in results)
    tally: dict = {}
    for value, _ in results:
        for key, n in value.tally.items():
            tally[key] = tally.get(key, 0) + n
    return plan.fmt.document(_body(plan.fmt, results), total, tally), total


def _shares(chunks: list, workers: int) -> list:
    """`workers` contiguous runs of chunks as MRN ranges, covering everything: the first
    open below, the last open above (a patient added since the read falls in one)."""
    per = -(-len(chunks) // workers)
    groups = [chunks[i:i + per] for i in range(0, len(chunks), per)]
    ranges = [(g[0][0], g[-1][1]) for g in groups]
    ranges[0] = (None, ranges[0][1])
    ranges[-1] = (ranges[-1][0], None)
    return ranges


def _run_share(plan: Plan, mrn_range, out: IO[bytes]) -> ShareValue:
    """One share: its chunks read in one transaction of its own connection, each
    assessed and rendered, the text written to `out` (MRN-ordered formats) or the keyed
    pieces returned in the value (sorted by key)."""
    from itb_tui import report
    from itb_tui.cli.common import CliError
    from itb_tui.perf import gc_tuning
    from itb_tui.store.reader import open_reader

    fmt = plan.fmt
    reader = open_reader(plan.url)
    if reader is None:  # the store changed under us (upgraded, replaced): not ours to judge
        raise CliError("the store changed while it was being read; run the command again")
    count = 0
    tally: dict = {}
    keyed: list[tuple[Any, bytes]] = []
    wrote = False
    sep = fmt.sep.encode("utf-8")
    # The collector paused for the whole share, not only inside each load and assessment:
    # each chunk's ~100,000 records, freed by reference counting when the next chunk
    # replaces them, otherwise went through a young-generation pass after every chunk
    # (100,000 patients: 358 passes, 33 middle, 2 full; 0.8 s of CPU). None holds a cycle.
    with gc_tuning.paused(), reader, reader.snapshot() as snap:
        head = snap.audit_head()
        labs = snap.lab_reports() if fmt.needs_lab_reports else {}
        prepared = fmt.share_reads(snap) if fmt.share_reads is not None else plan.prepared
        # the ward file without --only: each chunk's text written from the rows (no records)
        from_rows = getattr(fmt, "text_from_rows", None) if plan.only is None else None
        for chunk_range in snap.mrn_chunks(ward=plan.ward, mrn_range=mrn_range, size=_chunk_size()):
            if from_rows is not None:  # the ward file, written from the rows (no assessment)
                n, text = from_rows(snap, chunk_range, plan.ward)
                if n:
                    if wrote:
                        out.write(sep)
                    out.write(text.encode("utf-8"))
                    wrote = True
                count += n
                continue
            patients = (snap.load_whole(chunk_range, ward=plan.ward) if plan.whole_history
                        else snap.load_assessing(chunk_range, plan.as_of, ward=plan.ward))
            if plan.only is None and not getattr(fmt, "assesses", True):  # the records alone
                pairs = [(p, None) for p in patients]
            else:
                pairs = report.filter_pairs(report.assess_all(patients, plan.as_of, plan.rules),
                                            plan.only, plan.rules)
            del patients
            chunk = Chunk(plan.as_of, plan.rules, labs, prepared)
            if fmt.tally is not None:
                for key, n in fmt.tally(pairs, chunk).items():
                    tally[key] = tally.get(key, 0) + n
            pieces = fmt.pieces(pairs, chunk)
            if fmt.in_mrn_order:
                # piece by piece, never the chunk's text joined (a FHIR chunk's is ~66 MB:
                # the pieces, the joined text and its bytes were held at once)
                for _, text in pieces:
                    if wrote:
                        out.write(sep)
                    out.write(text.encode("utf-8"))
                    wrote = True
            else:  # encoded here, in the share's process: the parent only merges bytes
                keyed.extend([(key, text.encode("utf-8")) for key, text in pieces])
            count += len(pairs)
    keyed.sort(key=_key)
    return ShareValue(head, count, tally, keyed)


def _key(piece):
    return piece[0]


def _body(fmt: ChunkFormat, results) -> Iterator[bytes]:
    """The pieces of every share, in document order, as UTF-8 bytes; each share's file
    closed once read."""
    try:
        if fmt.in_mrn_order:
            sep = fmt.sep.encode("utf-8")
            written = False
            for value, out in results:
                if not value.count:
                    continue
                if written and sep:
                    yield sep
                written = True
                while block := out.read(BLOCK):
                    yield block
        else:
            import heapq

            for _, data in heapq.merge(*(value.keyed for value, _ in results), key=_key):
                yield data
    finally:
        for _, out in results:
            out.close()


# --- the formats -------------------------------------------------------------------------

def status_json_format(as_of: date, rules) -> ChunkFormat:
    """`status --json` (report.py), byte for byte `report.write_status_json`."""
    from itb_tui import report

    return ChunkFormat(
        pieces=lambda pairs, chunk: report.status_json_pieces(pairs, chunk.lab_reports),
        document=lambda body, total, _tally: report.status_json_document(body, total, as_of, rules),
        sep=report.STATUS_JSON_SEP, needs_lab_reports=True)


def status_json(args, store, as_of: date, rules, write: Callable[[bytes], Any]) -> bool:
    """`status --json` of a big ward in chunks on both cores (True), or False when the
    one-piece path is the one to take (a single MRN, PostgreSQL, a small ward)."""
    if args.mrn:
        return False
    patients = store.patient_count() if _is_reader(store) else 0
    if not worth_chunking(store, patients):
        return False
    plan = Plan(store._url, as_of, rules, status_json_format(as_of, rules), ward=args.ward, only=args.only)
    document, _total = render(plan, store, patients)
    for block in document:
        write(block)
    return True


def _is_reader(store) -> bool:
    from itb_tui.store.reader import WardReader

    return isinstance(store, WardReader)


# --- exports -----------------------------------------------------------------------------

def csv_format(as_of: date, for_file: bool) -> ChunkFormat:
    """The CSV export (exports/csv_export.py): rows in MRN order, as `render`."""
    from itb_tui.exports import csv_export

    return ChunkFormat(
        pieces=lambda pairs, _chunk: [(None, csv_export.rows_text(pairs, as_of=as_of))] if pairs else [],
        document=lambda body, _total, _tally: csv_export.document(body, for_file=for_file))


def html_format(as_of: date, rules, generated_at) -> ChunkFormat:
    """The HTML round sheet (exports/html_export.py): blocks in urgency order."""
    from itb_tui.exports import html_export

    # the chunk's counts and blocks from one computation (its tasks: `round_context`):
    # `tally` is called first with the chunk's pairs, `pieces` then hands over its blocks
    made: dict = {}

    def tally(pairs, chunk: Chunk):
        blocks, counts = html_export.keyed_blocks(pairs, as_of=as_of, rules=rules, round_data=chunk.prepared)
        made["pairs"], made["blocks"] = pairs, blocks
        return counts

    def pieces(pairs, chunk: Chunk):
        if made.get("pairs") is pairs:
            blocks = made.pop("blocks")
            made.clear()
            return blocks
        return html_export.keyed_blocks(pairs, as_of=as_of, rules=rules, round_data=chunk.prepared)[0]

    return ChunkFormat(
        pieces=pieces, in_mrn_order=False, tally=tally,
        document=lambda body, total, counts: html_export.document(
            body, total, counts, as_of=as_of, rules=rules, generated_at=generated_at))


def fhir_format(as_of: date, rules, generated_at, options: dict) -> ChunkFormat:
    """The FHIR Bundle (formats/fhir/write.py): entries in MRN order, each chunk's by the
    pure `render_entries` with the context of its patients (`fhir_context.options_for`
    from the facts each share reads in its own transaction, `Chunk.prepared`), inside
    `render_chunks`' head and tail: byte for byte `render`."""
    from itb_tui.exports.fhir_context import options_for, read_trail_facts
    from itb_tui.formats.fhir import write

    transaction = options["bundle"] == "transaction"
    empty_tail = ',"entry":[]}\n'
    # the Bundle's head as render writes it: an empty Bundle's text without its empty entry list
    empty = b"".join(write.render_chunks((), as_of=as_of, rules=rules, generated_at=generated_at,
                                         **options)).decode("utf-8")
    assert empty.endswith(empty_tail)
    head_text = empty[:-len(empty_tail)]

    def pieces(pairs, chunk: Chunk):
        if not pairs:
            return []
        chunk_options = {**options, **options_for([p for p, _ in pairs], chunk.prepared, options["bundle"])}
        ctx = write.export_context(**chunk_options)
        return _fhir_pieces(pairs, ctx)

    def _fhir_pieces(pairs, ctx):
        # a piece per FHIR_PIECE patients, made as the share writes them: the chunk's
        # whole text (~66 MB at 2,000 patients) was held three times at once (the entry
        # texts, joined, encoded): 344 MB peak at 10,000 patients, 101 MB so
        for at in range(0, len(pairs), FHIR_PIECE):
            texts = write.render_entries(pairs[at:at + FHIR_PIECE], as_of=as_of, rules=rules, ctx=ctx,
                                         transaction=transaction)
            if texts:
                yield None, ",\n".join(texts)

    def document(body, total, _tally):
        if not total:
            for _ in body:  # nothing in it; read to the end so each share's file is closed
                pass
            yield (head_text + empty_tail).encode("utf-8")
            return
        yield (head_text + ',"entry":[\n').encode("utf-8")
        yield from body
        yield b"\n]}\n"

    # the trail's facts and the lab statuses read by each share in its own transaction,
    # so the head check (H85) covers them as it covers the records
    return ChunkFormat(pieces=pieces, document=document, sep=",\n", share_reads=read_trail_facts)


def xlsx_format(as_of: date, rules, generated_at) -> ChunkFormat:
    """The XLSX workbook (exports/xlsx_export.py): rows in MRN order, each chunk's rendered
    unnumbered (`xlsx_cells.ward_rows(pairs, None)`: the rows above it are not known in
    its share) and numbered once joined (`number_rows`), inside `xlsx_export.workbook`:
    byte for byte `render`."""
    from itb_tui.exports import ExportError, xlsx_cells, xlsx_export

    def pieces(pairs, _chunk: Chunk):
        if not pairs:
            return []
        try:
            return [(None, xlsx_cells.ward_rows(pairs, None))]
        except xlsx_cells.CellError:  # name the patient: its row number is not known here
            for pair in pairs:
                try:
                    xlsx_cells.ward_rows([pair], None)
                except xlsx_cells.CellError as exc:
                    where = f"the row of MRN {pair[0].mrn}"
                    raise ExportError(f"cannot write the workbook: "
                                      f"{str(exc).replace('row ' + xlsx_cells.ROW_MARK, where)}") from None
            raise

    def document(body, total, _tally):
        rows = xlsx_cells.number_rows(b"".join(body), 2)
        yield xlsx_export.workbook(rows, total, as_of=as_of, rules=rules, generated_at=generated_at)

    return ChunkFormat(pieces=pieces, document=document)



def ward_json_format() -> ChunkFormat:
    """The ward file (wardfile/dump.py `dumps_ward_chunks`): patients in MRN order, each
    chunk's text by the pure `dump_text.patients_text`, joined by PATIENT_SEPARATOR inside
    the file's head and tail: byte for byte the one-piece export."""
    from itb_tui.wardfile.dump import FORMAT
    from itb_tui.wardfile.dump_text import PATIENT_SEPARATOR, patients_text
    from itb_tui.wardfile.json_text import _quote

    head = b'{\n  "format": ' + _quote(FORMAT).encode("utf-8") + b',\n  "patients": '

    def document(body, total, _tally):
        if not total:
            for _ in body:  # nothing in it; read to the end so each share's file is closed
                pass
            yield head + b"[]\n}\n"
            return
        yield head + b"[\n    "
        yield from body
        yield b"\n  ]\n}\n"

    fmt = _RecordsFormat(
        pieces=lambda pairs, _chunk: [(None, patients_text([p for p, _ in pairs]))] if pairs else [],
        document=document, sep=PATIENT_SEPARATOR)
    fmt.text_from_rows = _ward_file_text
    return fmt


def _ward_file_text(snap, chunk_range, ward) -> tuple[int, str]:
    """A chunk's patients' text (and how many) without --only: `patients_text` of its
    whole-history records, written from the rows without building the records
    (`ReadSnapshot.ward_file_text`; ~330,000 records at 10,000 patients, a third of the
    export). The same bytes (tests/exports/test_chunked_ward_json_export.py)."""
    return snap.ward_file_text(chunk_range, ward=ward)


class _RecordsFormat(ChunkFormat):
    """A format that writes the records themselves: without --only a share does not
    assess them (as cmd_export's one-piece ward-json; its pairs are (patient, None)).
    `text_from_rows(snap, chunk range, ward)`: a chunk's (count, text) read and written
    without the pairs (the ward file: `_ward_file_text`)."""
    __slots__ = ("text_from_rows",)
    assesses = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_from_rows = None


def _ward_json_export(args, store, as_of: date, rules) -> "tuple[Path | None, int] | None":
    """`export --format ward-json` of a big ward in chunks on both cores, written as
    cmd_export's one-piece path writes it (write_file_atomic, its messages; bytes to
    stdout), or None when the one-piece path is the one to take."""
    if args.mrn:
        return None
    patients = store.patient_count() if _is_reader(store) else 0
    if not worth_chunking(store, patients):
        return None
    import sys
    from pathlib import Path

    from itb_tui.cli.common import write_file_atomic

    plan = Plan(store._url, as_of, rules, ward_json_format(), ward=args.ward, only=args.only,
                whole_history=True)
    document, total = render(plan, store, patients)
    if not args.output:
        sys.stdout.flush()
        for block in document:
            sys.stdout.buffer.write(block)
        sys.stdout.buffer.flush()
        return None, total
    return Path(write_file_atomic(args.output, document)), total


EXPORT_FORMATS = ("csv", "html", "fhir", "xlsx")


def export(args, store, as_of: date, rules, generated_at) -> "tuple[Path | None, int] | None":
    """`export --format csv|html` of a big ward in chunks on both cores: the file written
    (None: stdout) and the number of patients, or None when the one-piece path is the one
    to take. Written as `exports.write_export` writes (the same checks, messages, atomic
    file)."""
    if args.format == "ward-json":
        return _ward_json_export(args, store, as_of, rules)
    if args.format not in EXPORT_FORMATS or args.mrn:
        return None
    patients = store.patient_count() if _is_reader(store) else 0
    if not worth_chunking(store, patients):
        return None
    from pathlib import Path

    from itb_tui.exports import ExportError
    from itb_tui.exports.atomic import write_chunks_atomic

    target = Path(args.output).expanduser() if args.output else None
    if target is not None and target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory, give a file name")
    if target is not None and not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: directory {target.parent} does not exist")
    whole_history = False
    if args.format == "csv":
        fmt = csv_format(as_of, for_file=target is not None)
        prepared = None
    elif args.format == "xlsx":
        if target is None:  # the one-piece path's error: a workbook needs a file
            return None
        fmt = xlsx_format(as_of, rules, generated_at)
        prepared = None
    elif args.format == "fhir":
        options: dict = {"bundle": args.bundle}
        site = getattr(args, "site_config", None)
        if site is not None:  # the site's MRN identifier system (docs/config.md), as cmd_export
            options["mrn_system"] = site.mrn_system
        fmt = fhir_format(as_of, rules, generated_at, options)
        prepared = None  # the trail's facts: read by each share (fhir_format)
        whole_history = True
    else:
        from itb_tui.exports.round_data import read_round_data

        fmt = html_format(as_of, rules, generated_at)
        prepared = read_round_data(store)  # deferrals, notes, reviews: one read, before the fork
    plan = Plan(store._url, as_of, rules, fmt, ward=args.ward, only=args.only, prepared=prepared,
                whole_history=whole_history)
    document, total = render(plan, store, patients)
    if target is None:  # as write_export: text through sys.stdout
        import codecs
        import sys

        decode = codecs.getincrementaldecoder("utf-8")().decode
        for block in document:
            sys.stdout.write(decode(block))
        sys.stdout.write(decode(b"", final=True))
        sys.stdout.flush()
        return None, total
    try:
        return write_chunks_atomic(target, document).absolute(), total
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or str(exc)}") from None
