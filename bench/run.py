"""Run the benchmark suite: `python -m bench.run [--sizes 30,1000,10000] [--repeat 5]
[--include-100k]`.

Builds (or reuses) a synthetic store per size, runs every benchmark with its baseline in
the same run, profiles what misses its target, and writes `bench/results/latest.json`
and `docs/benchmarks.md` (the README's results table). The smoke test runs it at a tiny
size with one repeat, no profiles and `--out-dir` pointing elsewhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import cases
from bench.generate import ensure_store, schema_fingerprint
from bench.machine import load_average, machine_info, sqlite3_shell
from bench.measure import ROOT, ChildFailed, run_child, spawner
from bench.scenarios import ScenarioTableMissing
from bench.synthetic import BENCH_TODAY, GENERATOR_VERSION

RESULTS = ROOT / "bench" / "results" / "latest.json"
DOC = ROOT / "docs" / "benchmarks.md"
DEFAULT_SIZES = (30, 1_000, 10_000)
BIG = 100_000
# The UI and export benchmarks stop here; above it only the status series runs (it
# shows whether anything grows faster than the patient count).
FULL_SUITE_MAX = 10_000
PROFILE_SIZE = 10_000


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("every size must be at least 1 patient")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                   help="patient counts, comma-separated (default 30,1000,10000)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per benchmark and size (default 5)")
    p.add_argument("--include-100k", action="store_true",
                   help="add 100,000 patients to the status --json series (builds a ~1 GB store once)")
    p.add_argument("--every-command-at-100k", action="store_true",
                   help="with --include-100k: run every benchmark at 100,000 patients too, not only "
                        "status (the growth table of every command; ~15 min more)")
    p.add_argument("--keystrokes", type=int, default=40, help="filter keystrokes timed per size")
    p.add_argument("--opens", type=int, default=15, help="patients opened per size")
    p.add_argument("--refills", type=int, default=10, help="refills saved per size")
    p.add_argument("--no-profile", action="store_true", help="skip the profiles of missed targets")
    p.add_argument("--only", help="comma-separated benchmarks: status,tui,interact,save,export")
    p.add_argument("--out-dir", type=Path,
                   help="write latest.json and benchmarks.md here instead of bench/results and docs")
    return p


ALL_GROUPS = ("status", "tui", "interact", "save", "export")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        print("bench: --repeat must be at least 1", file=sys.stderr)
        return 2
    groups = ALL_GROUPS if not args.only else tuple(g.strip() for g in args.only.split(","))
    unknown = [g for g in groups if g not in ALL_GROUPS]
    if unknown:
        print(f"bench: unknown benchmark {unknown[0]!r}: use {', '.join(ALL_GROUPS)}", file=sys.stderr)
        return 2
    sizes = sorted(set(args.sizes) | ({BIG} if args.include_100k else set()))

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if sqlite3_shell() is None:
        progress("bench: WARNING: " + cases.SQLITE_MISSING)
    cases.compile_checkout()
    started = time.perf_counter()
    run = {
        "format": "itb-bench/1",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine_info(),
        "peak_memory_floor_mb": round(spawner().floor_mb, 1),
        "load_average_start": load_average(),
        "bench_today": BENCH_TODAY.isoformat(),
        "generator_version": GENERATOR_VERSION,
        "sizes": sizes,
        "repeat": args.repeat,
        "stores": {},
        "results": [],
        "status_phases": {},
        "profiles": {},
    }
    fingerprint = schema_fingerprint()
    results: list[cases.Result] = []
    for size in sizes:
        db, built = ensure_store(size, progress, fingerprint)
        run["stores"][str(size)] = dict(cases.store_stats(db), path=_shown(db),
                                        build_s=None if built is None else round(built, 1))
        progress(f"== {size:,} patients ({db.name}); load average {load_average()}")
        results += run_size(db, size, args, groups, progress,
                            full_suite_max=BIG if args.every_command_at_100k else FULL_SUITE_MAX)
        if "status" in groups and size < BIG:
            results.append(run_scenarios(size, args, fingerprint, run, progress))
        if "status" in groups:
            try:
                run["status_phases"][str(size)] = status_phases(db)
            except ChildFailed as exc:
                progress(f"bench: status phases failed at {size:,} patients: {exc}")
        peak = cases.peak_memory_result(results, size)
        if peak is not None:
            results.append(peak)
    if not args.no_profile:
        run["profiles"] = profiles(results, sizes, progress)
    run["results"] = [r.to_json() for r in results]
    run["load_average_end"] = load_average()
    run["duration_s"] = round(time.perf_counter() - started, 1)
    write_outputs(run, args.out_dir)
    failed = sorted({f"{r.benchmark} ({r.size:,})" for r in results if any(n.startswith("FAILED") for n in r.notes)})
    progress(f"bench: done in {run['duration_s']:.0f} s; wrote {out_paths(args.out_dir)[0]} "
             f"and {out_paths(args.out_dir)[1]}")
    if failed:
        progress("bench: error: failed benchmarks: " + ", ".join(failed))
        return 1
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# group -> the benchmarks it reports (a failed group reports each as failed)
_GROUP_BENCHMARKS = {
    "status": (("status_json", "`status --json` (whole store)"),
               ("status_json_floor", "`status --json` ÷ (`python -c pass` + sqlite3 read)")),
    "tui": (("tui_start", "TUI start, later in the day (today's saved rows)"),
            ("tui_start_first", "TUI first start of the day (the rows yesterday's session saved)"),
            ("tui_start_cold", "TUI truly cold start (no saved rows: every row derived first)")),
    "interact": (("filter_keystroke", "filter keystroke to redrawn list"),
                 ("open_patient", "open a patient (Enter to drawn detail)")),
    "save": (("save_refill", "save a refill (store API `record_refill`)"),),
    "export": (("export_csv", "CSV export (`export --format csv -o`)"),
               ("export_xlsx", "XLSX export (`export --format xlsx -o`)"),
               *((f"export_{f.replace('-', '_')}_vs_status", f"{f} export ÷ `status --json`")
                 for f in cases.EXPORT_FORMATS)),
}


def run_size(db: Path, size: int, args, groups, progress,
             full_suite_max: int = FULL_SUITE_MAX) -> list[cases.Result]:
    """Every benchmark of `groups` at one size. A benchmark that fails is reported as
    failed (with the error) and the others still run."""
    steps = {
        "status": lambda: [cases.bench_status(db, size, args.repeat if size < BIG else min(args.repeat, 3),
                                              progress),
                           *([cases.bench_status_floor(db, size, args.repeat, progress)] if size < BIG else [])],
        "tui": lambda: cases.bench_tui_start(db, size, args.repeat, progress),
        "interact": lambda: cases.bench_tui_interact(db, size, args.keystrokes, args.opens, progress),
        "save": lambda: [cases.bench_save_refill(db, size, args.refills, progress)],
        "export": lambda: (cases.bench_exports(db, size, args.repeat, progress)
                           + cases.bench_exports_vs_status(db, size, args.repeat, progress)),
    }
    if size >= BIG:  # one timed run of each of the other commands: ~15 min, not 45
        import copy

        status_repeat, args = args.repeat, copy.copy(args)
        args.repeat = 1
        steps["status"] = lambda: [cases.bench_status(db, size, min(status_repeat, 3), progress)]
    out: list[cases.Result] = []
    for group in ALL_GROUPS:
        if group not in groups or (size > full_suite_max and group != "status"):
            continue
        try:
            out += steps[group]()
        except ChildFailed as exc:
            progress(f"bench: {group} failed at {size:,} patients: {exc}")
            for key, title in _GROUP_BENCHMARKS[group]:
                out.append(cases.Result(key, title, size, [], notes=[f"FAILED: {exc}"]))
    return out


def run_scenarios(size: int, args, fingerprint: str, run: dict, progress) -> cases.Result:
    """`status --json` on the clinical scenario table repeated to `size` patients (its
    store is listed under "scenarios-N" in the run's stores)."""
    key, title = "status_json_scenarios", cases.STATUS_SCENARIOS_TITLE
    try:
        db, built = ensure_store(size, progress, fingerprint, kind="scenarios")
        run["stores"][f"scenarios-{size}"] = dict(cases.store_stats(db), path=_shown(db),
                                                 build_s=None if built is None else round(built, 1))
        return cases.bench_status(db, size, args.repeat, progress, key, title)
    except (ChildFailed, ScenarioTableMissing) as exc:
        progress(f"bench: {key} failed at {size:,} patients: {exc}")
        return cases.Result(key, title, size, [], notes=[f"FAILED: {exc}"])


def _child_profile(what: str, db: Path, count: int | None = None) -> dict:
    argv = [sys.executable, "-m", "bench.children.profile", what, "--db", str(db)]
    if count is not None:
        argv += ["--count", str(count)]
    return run_child(argv, cases.child_env(), capture_json=True).report


def status_phases(db: Path) -> dict[str, float]:
    """The steps of status --json timed in one process (for the growth table)."""
    return _child_profile("status", db)["phases"]


# benchmark -> the profile that explains it
_PROFILE_FOR = {"status_json": "status", "tui_start": "tui-load", "filter_keystroke": "keys",
                "open_patient": "opens"}


def profiles(results: list[cases.Result], sizes: list[int], progress) -> dict:
    """Profiles of the benchmarks that missed a target, at the size that target names."""
    out = {}
    for r in results:
        what = _PROFILE_FOR.get(r.benchmark)
        if what is None or r.met is not False or what in out:
            continue
        size = PROFILE_SIZE if PROFILE_SIZE in sizes else r.size
        db, _ = ensure_store(size, progress)
        progress(f"    profiling {what} at {size:,} patients (target missed: {r.title})")
        try:
            report = _child_profile(what, db, 24 if what in ("keys", "opens") else None)
        except ChildFailed as exc:
            progress(f"bench: profile {what} failed: {exc}")
            continue
        out[what] = dict(report, size=size, benchmark=r.benchmark)
    return out


def out_paths(out_dir: Path | None) -> tuple[Path, Path]:
    if out_dir is None:
        return RESULTS, DOC
    return out_dir / "latest.json", out_dir / "benchmarks.md"


def write_outputs(run: dict, out_dir: Path | None) -> None:
    from bench.report_md import render

    json_path, md_path = out_paths(out_dir)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render(run), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
