"""Where the FHIR export's time goes, and its floors (issue 17: FHIR ≤ 1.5× `status --json`).

`python -m bench.children.fhir_floor --db FILE [--as-of 2026-11-25] [--repeat 3]` prints one
JSON line of CPU seconds (time.process_time, min of `--repeat`; one process, the collector
paused as the export pauses it), of the steps the export makes for the whole store:

- `load_whole`: every patient with its whole history (the Bundle writes every record);
- `assess`: the engine on the list date; `trail_facts`: the audit facts (weights,
  corrections) and lab statuses;
- `flag_episodes`: the refill-block episodes the Flags are written from (the engine's
  refill asked on the days a block can change: clinical/block_episodes.py);
- `entries`: `render_entries` for every patient, Flags included (the Bundle's text);

and the floors no export of these bytes in this design can go under:

- `floor_write`: the finished text, already made, encoded and written to a file (fsync
  included): the cost of the bytes alone;
- `floor_ids`: the ~340,000 uuid5 resource ids alone (hashlib; the ids are part of the
  contract: issue 15);
- `floor_assemble`: every entry rebuilt from its own text cut at its id, one f-string an
  entry, with the ids already made: the cost of one Python string operation per resource.

Nothing is compared with the real run's bytes here (the tests do that); the figures are
what bench/analysis.md quotes for why the FHIR target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date


def _best(repeat: int, work) -> tuple[float, object]:
    best, out = None, None
    for _ in range(repeat):
        start = time.process_time()
        out = work()
        spent = time.process_time() - start
        best = spent if best is None or spent < best else best
    return round(best, 3), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from itb_tui.clinical.block_episodes import refill_block_episodes
    from itb_tui.clinical.rules import load_rules
    from itb_tui.exports.fhir_context import options_for, read_trail_facts
    from itb_tui.formats.fhir import write
    from itb_tui.formats.fhir.ids import id_prefix, resource_ids_after
    from itb_tui.perf import gc_tuning
    from itb_tui.report import assess_all
    from itb_tui.store.reader import open_reader

    as_of = date.fromisoformat(args.as_of)
    rules = load_rules()
    out: dict = {}
    reader = open_reader(f"sqlite:///{args.db}")
    with gc_tuning.paused(), reader, reader.snapshot() as snap:
        out["load_whole"], patients = _best(args.repeat, lambda: snap.load_whole((None, None)))
        out["assess"], pairs = _best(args.repeat, lambda: assess_all(patients, as_of, rules))
        out["trail_facts"], facts = _best(args.repeat, lambda: read_trail_facts(snap))
        options = options_for(patients, facts, "collection")
        out["flag_episodes"], _ = _best(args.repeat, lambda: [
            refill_block_episodes(p, as_of, rules, a.refill) for p, a in pairs])
        ctx = write.export_context(**options)
        out["entries"], texts = _best(args.repeat, lambda: [
            text for at in range(0, len(pairs), 100)
            for text in write.render_entries(pairs[at:at + 100], as_of=as_of, rules=rules, ctx=ctx,
                                             transaction=False)])
        out["resources"] = len(texts)
        pieces = [",\n".join(texts[at:at + 3000]) for at in range(0, len(texts), 3000)]
        out["bytes"] = sum(len(p.encode("utf-8")) for p in pieces)

        def write_floor():
            with tempfile.NamedTemporaryFile(dir=os.path.dirname(os.path.abspath(args.db))) as handle:
                for piece in pieces:
                    handle.write(piece.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())

        out["floor_write"], _ = _best(args.repeat, write_floor)
        prefix = id_prefix("urn:itb-tui:mrn", "B0000000")
        keys = [f"row:{i}" for i in range(len(texts))]
        out["floor_ids"], rids = _best(args.repeat, lambda: resource_ids_after(prefix, keys))
        # each entry cut at its own id (three times in each: fullUrl, id, identifier)
        cut = [text.split(text[21:57], 3) for text in texts]
        cut = [c if len(c) == 4 else [text, "", "", ""] for c, text in zip(cut, texts)]
        out["floor_assemble"], _ = _best(args.repeat, lambda: [
            f"{a}{rid}{b}{rid}{c}{rid}{d}" for (a, b, c, d), rid in zip(cut, rids)])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
