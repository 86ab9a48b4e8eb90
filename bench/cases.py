"""The benchmarks: each runs the app and its baseline in the same run, interleaved, so a
neighbour's load on this shared machine hits both and the ratio stays meaningful.

Every timed command is a fresh process (a cold start of Python and of the app, as a
user or a script meets it) after one untimed warm-up of each side (the OS file cache and
compiled bytecode are warm for both). Times are medians; peak memory is the largest
resident set any sample of that benchmark reached.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from bench.machine import load_average, sqlite3_shell
from bench.measure import ROOT, Sample, median, percentile, run_child
from bench.synthetic import BENCH_TODAY

# Scratch files of a run (exports, a copy of a store to write to); next to the cache when
# ITB_BENCH_CACHE moves it.
WORK_DIR = (Path(os.environ["ITB_BENCH_CACHE"]) / "work" if os.environ.get("ITB_BENCH_CACHE")
            else Path(__file__).resolve().parent / ".work")
# The clinical tables `status --json` reads (the sqlite3 baseline reads the same rows).
CLINICAL_TABLES = ("patients", "pumps", "refills", "cultures", "antifungal_courses", "bridging", "exams")
EXPORT_COLUMNS = 19  # itb_tui.exports.columns.COLUMNS (checked at run time)


@dataclass(frozen=True)
class Target:
    kind: str  # "ratio" (app / baseline) | "seconds" (app median) | "mb" (peak memory)
    limit: float
    sizes: tuple[int, ...] | None  # sizes the target applies to (None: every size)
    text: str

    def applies(self, size: int) -> bool:
        return self.sizes is None or size in self.sizes


TARGETS = {
    # issue 17 (second round): 2× the shell at 10,000 (was 3×)
    "status_json": Target("ratio", 2.0, (10_000,), "≤ 2× sqlite3"),
    # the same target on the clinical scenario table repeated (bench/scenarios.py)
    "status_json_scenarios": Target("ratio", 2.0, (10_000,), "≤ 2× sqlite3"),
    "status_json_floor": Target("ratio", 5.0, (30,), "≤ 5× bare Python + sqlite3"),
    "tui_start": Target("ratio", 2.0, (10_000,), "≤ 2× bare Textual"),
    # issue 17: the first start of the day, on the rows yesterday's session saved for today
    # ("name@size": a target for that size only, looked up before the plain name).
    "tui_start_first@10000": Target("ratio", 3.0, (10_000,), "≤ 3× bare Textual"),
    "tui_start_first@30": Target("ratio", 1.5, (30,), "≤ 1.5× bare Textual"),
    "filter_keystroke": Target("seconds", 0.050, None, "≤ 50 ms"),
    "open_patient": Target("seconds", 0.100, None, "≤ 100 ms"),
    "peak_memory": Target("mb", 300.0, (10_000,), "< 300 MB"),
}
# Every export against `status --json` of the same store and date, measured in the same
# rounds (issue 17: the export of a ward should cost little more than reading it).
EXPORT_FORMATS = ("csv", "xlsx", "html", "fhir", "ward-json")
TARGETS.update({f"export_{fmt.replace('-', '_')}_vs_status": Target("ratio", 1.5, (30, 10_000), "≤ 1.5× status")
                for fmt in EXPORT_FORMATS})


@dataclass
class Result:
    benchmark: str
    title: str
    size: int
    samples: list[float]
    baseline: str | None = None
    baseline_samples: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    baseline_peak_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    load_average: list[float] = field(default_factory=load_average)

    @property
    def median(self) -> float | None:
        return median(self.samples)

    @property
    def baseline_median(self) -> float | None:
        return median(self.baseline_samples)

    @property
    def ratio(self) -> float | None:
        m, b = self.median, self.baseline_median
        return m / b if m is not None and b else None

    @property
    def target(self) -> Target | None:
        t = TARGETS.get(f"{self.benchmark}@{self.size}") or TARGETS.get(self.benchmark)
        return t if t is not None and t.applies(self.size) else None

    @property
    def met(self) -> bool | None:
        t = self.target
        if t is None:
            return None
        value = {"ratio": self.ratio, "seconds": self.median, "mb": self.peak_mb}[t.kind]
        if value is None:
            return None
        return value < t.limit if t.kind == "mb" else value <= t.limit

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        t = self.target
        d.update(
            median=self.median,
            p90=percentile(self.samples, 90),
            baseline_median=self.baseline_median,
            ratio=self.ratio,
            target=None if t is None else {"kind": t.kind, "limit": t.limit, "text": t.text},
            met=self.met,
        )
        return d


def child_env() -> dict[str, str]:
    """The environment of every timed process: the bench date, a scratch data directory
    (nothing touches a real store), no colour, this checkout first on the path."""
    env = dict(os.environ)
    env.update(
        ITB_TUI_TODAY=BENCH_TODAY.isoformat(),
        ITB_TUI_DATA_DIR=str(WORK_DIR / "data"),
        NO_COLOR="1",
        PYTHONPATH=str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
    )
    env.pop("ITB_TUI_DB", None)
    # Bytecode as an installed app has it (pip compiles on install; the baseline's
    # Textual is compiled): a shell that forbids writing it would time itb-tui's
    # compilation from source at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_checkout() -> None:
    """Compile this checkout's modules once (as `pip install` does for an installed app),
    so no timed process compiles them, whatever the shell forbids."""
    import compileall

    for package in ("itb_tui", "bench"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def _py(*args: str) -> list[str]:
    return [sys.executable, *args]


def itb(db: Path, *args: str) -> list[str]:
    """`itb-tui --db DB ARGS` (as `python -m itb_tui`: the same entry point)."""
    return _py("-m", "itb_tui", "--db", str(db), *args)


def sqlite_shell_argv(db: Path, mode: str, output: Path | None = None) -> list[str] | None:
    shell = sqlite3_shell()
    if shell is None:
        return None
    sql = " ".join(f"select * from {t};" for t in CLINICAL_TABLES)
    argv = [shell, f"-{mode}", "-readonly", str(db)]
    if output is not None:
        argv.append(f".output {output}")
    return argv + [sql]


SQLITE_MISSING = ("sqlite3 shell not installed (Debian: apt-get install -y sqlite3): "
                  "no baseline, no ratio")


def interleaved(app: Callable[[], Sample], base: Callable[[], Sample] | None, repeat: int,
                progress: Callable[[str], None], label: str) -> tuple[list[Sample], list[Sample]]:
    """One untimed warm-up of each, then `repeat` rounds of app, baseline."""
    app()
    if base is not None:
        base()
    apps: list[Sample] = []
    bases: list[Sample] = []
    for i in range(repeat):
        apps.append(app())
        if base is not None:
            bases.append(base())
        progress(f"    {label}: {i + 1}/{repeat}")
    return apps, bases


def _peak(samples: list[Sample]) -> float | None:
    return max((s.maxrss_mb for s in samples), default=None)


# --- the benchmarks --------------------------------------------------------------------

STATUS_SCENARIOS_TITLE = "`status --json` (clinical scenario table repeated)"


def bench_status(db: Path, size: int, repeat: int, progress, key: str = "status_json",
                 title: str = "`status --json` (whole store)") -> Result:
    """`status --json` of store `db` against the sqlite3 shell's read of the same tables.
    `key`/`title` name the store (the synthetic hospital, or the scenario table)."""
    env = child_env()
    base_argv = sqlite_shell_argv(db, "json")
    apps, bases = interleaved(
        lambda: run_child(itb(db, "status", "--json"), env),
        (lambda: run_child(base_argv, env)) if base_argv else None,
        repeat, progress, f"{key} ({size:,})")
    result = Result(key, title, size, [s.wall_s for s in apps],
                    baseline="sqlite3 -json, same tables" if base_argv else None,
                    baseline_samples=[s.wall_s for s in bases], peak_mb=_peak(apps),
                    baseline_peak_mb=_peak(bases))
    if base_argv is None:
        result.notes.append(SQLITE_MISSING)
    return result


def bench_status_floor(db: Path, size: int, repeat: int, progress) -> Result:
    """`status --json` against the floor of any command that reads the same rows: a bare
    interpreter start (`python -c pass`) plus the sqlite3 shell's read, both measured in
    each round and added."""
    env = child_env()
    shell = sqlite_shell_argv(db, "json")
    bare = _py("-c", "pass")

    def floor() -> Sample:
        first = run_child(bare, env)
        second = run_child(shell, env) if shell else None
        if second is not None:
            first.wall_s += second.wall_s
        return first

    apps, bases = interleaved(lambda: run_child(itb(db, "status", "--json"), env), floor,
                              repeat, progress, f"status --json vs python -c pass + sqlite3 ({size:,})")
    result = Result("status_json_floor", "`status --json` ÷ (`python -c pass` + sqlite3 read)", size,
                    [s.wall_s for s in apps], baseline="bare interpreter start + sqlite3 -json, added",
                    baseline_samples=[s.wall_s for s in bases], peak_mb=_peak(apps))
    if shell is None:
        result.notes.append(SQLITE_MISSING + " (floor is the interpreter alone)")
    return result


def bench_exports_vs_status(db: Path, size: int, repeat: int, progress) -> list[Result]:
    """Each export format and `status --json`, one of each per round, so every ratio is
    of two numbers measured under the same load."""
    env = child_env()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    outs = {fmt: WORK_DIR / f"export-vs-status-{size}.{fmt}" for fmt in EXPORT_FORMATS}
    commands = {"status": itb(db, "status", "--json")}
    commands.update({fmt: itb(db, "export", "--format", fmt, "-o", str(outs[fmt])) for fmt in EXPORT_FORMATS})
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for i in range(repeat + 1):  # round 0 is the untimed warm-up
        for name, argv in commands.items():
            sample = run_child(argv, env)
            if i:
                samples[name].append(sample)
        if i:
            progress(f"    exports vs status ({size:,}): {i}/{repeat}")
    for path in outs.values():
        path.unlink(missing_ok=True)
    status = [s.wall_s for s in samples["status"]]
    results = []
    for fmt in EXPORT_FORMATS:
        key = fmt.replace("-", "_")
        results.append(Result(f"export_{key}_vs_status", f"{fmt} export ÷ `status --json`", size,
                              [s.wall_s for s in samples[fmt]], baseline="`status --json`, same store and date",
                              baseline_samples=status, peak_mb=_peak(samples[fmt]),
                              baseline_peak_mb=_peak(samples["status"])))
    return results


def bench_tui_start(db: Path, size: int, repeat: int, progress) -> list[Result]:
    env = child_env()
    app_argv = _py("-m", "bench.children.tui_start", "--mode", "app", "--db", str(db))
    bare_argv = _py("-m", "bench.children.tui_start", "--mode", "bare")
    apps, bases = interleaved(lambda: run_child(app_argv, env, capture_json=True),
                              lambda: run_child(bare_argv, env, capture_json=True),
                              repeat, progress, f"TUI start ({size:,})")
    # Every start after the first of the day draws the rows saved by the last one (the
    # untimed warm-up saved them). Then the first start of a day as it happens on a ward:
    # yesterday's session (run untimed to its end, on the day before) saved today's rows
    # as its tomorrow's. Then the truly cold start: no saved row at all (the first start
    # ever, or after a day nobody opened the list), every row derived before it draws.
    yesterday = (BENCH_TODAY - timedelta(days=1)).isoformat()
    firsts, colds = [], []
    for i in range(repeat):
        _forget_saved_rows(db)
        run_child([*app_argv, "--today", yesterday], env, capture_json=True)
        firsts.append(run_child(app_argv, env, capture_json=True))
        _forget_saved_rows(db)
        colds.append(run_child(app_argv, env, capture_json=True))
        progress(f"    TUI first start of the day and cold start ({size:,}): {i + 1}/{repeat}")
    results = []
    for bench_id, title, samples, saved in (
        ("tui_start", "TUI start, later in the day (today's saved rows)", apps, True),
        ("tui_start_first", "TUI first start of the day (the rows yesterday's session saved)", firsts, True),
        ("tui_start_cold", "TUI truly cold start (no saved rows: every row derived first)", colds, False),
    ):
        result = Result(bench_id, title, size, [_drawn(s) for s in samples],
                        baseline="bare Textual app, empty DataTable",
                        baseline_samples=[_drawn(s) for s in bases], peak_mb=_peak(samples),
                        baseline_peak_mb=_peak(bases))
        rows = {s.report.get("rows") for s in samples}
        if rows != {size}:
            result.notes.append(f"the list showed {sorted(rows)} rows, expected {size}")
        from_saved = {bool(s.report.get("from_saved_rows")) for s in samples}
        if from_saved != {saved}:
            result.notes.append(f"expected the list {'from' if saved else 'without'} saved rows; got {from_saved}")
        checked = median([s.report["marks"]["checked"] - s.spawn_monotonic for s in samples])
        if saved:
            result.notes.append(f"drawn from the saved rows; every row re-derived from the records by "
                                f"{checked:.2f} s (median)")
        result.extra["phases_s"] = _phases(samples)
        results.append(result)
    _forget_saved_rows(db)  # leave the cached store as generated
    return results


def _forget_saved_rows(db: Path) -> None:
    """Delete the saved list rows (the state of a store at the first start of a day)."""
    con = sqlite3.connect(db)
    try:
        con.execute("DELETE FROM list_rows")
        con.commit()
    finally:
        con.close()


def _drawn(sample: Sample) -> float:
    return sample.report["marks"]["drawn"] - sample.spawn_monotonic


def _phases(samples: list[Sample]) -> dict[str, float]:
    """Median time of each start-up phase (from the child's marks)."""
    steps = (("interpreter", None, "script"), ("imports", "script", "imported"),
             ("app running", "imported", "running"), ("ward list loaded", "running", "loaded"),
             ("painted", "loaded", "drawn"))
    out = {}
    for name, start, end in steps:
        values = []
        for s in samples:
            m = s.report["marks"]
            values.append(m[end] - (s.spawn_monotonic if start is None else m[start]))
        out[name] = median(values)
    return out


def bench_tui_interact(db: Path, size: int, keystrokes: int, opens: int, progress) -> list[Result]:
    env = child_env()
    progress(f"    TUI keystrokes and opens ({size:,})")
    common = ["--keystrokes", str(keystrokes), "--opens", str(opens)]
    app = run_child(_py("-m", "bench.children.tui_interact", "--mode", "app", "--db", str(db), *common),
                    env, capture_json=True)
    bare = run_child(_py("-m", "bench.children.tui_interact", "--mode", "bare", *common),
                     env, capture_json=True)
    keys = Result("filter_keystroke", "filter keystroke to redrawn list", size, app.report["keystroke_s"],
                  baseline="bare Textual Input keystroke", baseline_samples=bare.report["keystroke_s"],
                  peak_mb=app.maxrss_mb, baseline_peak_mb=bare.maxrss_mb)
    keys.notes.append(f"{len(keys.samples)} keystrokes; p90 {percentile(keys.samples, 90) * 1000:.0f} ms")
    open_ = Result("open_patient", "open a patient (Enter to drawn detail)", size, app.report["open_s"],
                   baseline="bare Textual: push a one-widget screen", baseline_samples=bare.report["open_s"],
                   peak_mb=app.maxrss_mb, baseline_peak_mb=bare.maxrss_mb)
    open_.notes.append(f"{len(open_.samples)} patients; p90 {percentile(open_.samples, 90) * 1000:.0f} ms")
    return [keys, open_]


def bench_save_refill(db: Path, size: int, count: int, progress) -> Result:
    progress(f"    save refill ({size:,})")
    scratch = WORK_DIR / f"scratch-{size}.db"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    for side in ("", "-wal", "-shm"):
        Path(f"{scratch}{side}").unlink(missing_ok=True)
    shutil.copyfile(db, scratch)
    try:
        sample = run_child(_py("-m", "bench.children.store_write", "--db", str(scratch), "--count", str(count)),
                           child_env(), capture_json=True)
    finally:
        for side in ("", "-wal", "-shm"):
            Path(f"{scratch}{side}").unlink(missing_ok=True)
    result = Result("save_refill", "save a refill (store API `record_refill`)", size, sample.report["save_s"],
                    baseline="one-row INSERT + COMMIT, sqlite3 module", baseline_samples=sample.report["floor_s"],
                    peak_mb=sample.maxrss_mb)
    result.notes.append(f"{len(result.samples)} refills, each checked by the engine, validated and audited")
    return result


def bench_exports(db: Path, size: int, repeat: int, progress) -> list[Result]:
    env = child_env()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    out_csv, out_xlsx = WORK_DIR / f"export-{size}.csv", WORK_DIR / f"export-{size}.xlsx"
    base_csv, base_xlsx = WORK_DIR / f"floor-{size}.csv", WORK_DIR / f"floor-{size}.xlsx"
    csv_base_argv = sqlite_shell_argv(db, "csv", base_csv)
    apps, bases = interleaved(
        lambda: run_child(itb(db, "export", "--format", "csv", "-o", str(out_csv)), env),
        (lambda: run_child(csv_base_argv, env)) if csv_base_argv else None,
        repeat, progress, f"CSV export ({size:,})")
    csv_result = Result("export_csv", "CSV export (`export --format csv -o`)", size, [s.wall_s for s in apps],
                        baseline="sqlite3 -csv, same tables, to a file" if csv_base_argv else None,
                        baseline_samples=[s.wall_s for s in bases], peak_mb=_peak(apps),
                        baseline_peak_mb=_peak(bases))
    if csv_base_argv is None:
        csv_result.notes.append(SQLITE_MISSING)
    xlsx_floor = _py("-m", "bench.children.xlsx_floor", "--rows", str(size), "--cols", str(export_columns()),
                     "--out", str(base_xlsx))
    apps, bases = interleaved(
        lambda: run_child(itb(db, "export", "--format", "xlsx", "-o", str(out_xlsx)), env),
        lambda: run_child(xlsx_floor, env),
        repeat, progress, f"XLSX export ({size:,})")
    xlsx_result = Result("export_xlsx", "XLSX export (`export --format xlsx -o`)", size, [s.wall_s for s in apps],
                         baseline="openpyxl write-only, same rows × columns", baseline_samples=[s.wall_s for s in bases],
                         peak_mb=_peak(apps), baseline_peak_mb=_peak(bases))
    for path in (out_csv, out_xlsx, base_csv, base_xlsx):
        path.unlink(missing_ok=True)
    return [csv_result, xlsx_result]


def export_columns() -> int:
    try:
        from itb_tui.exports.columns import COLUMNS
    except ImportError:
        return EXPORT_COLUMNS
    return len(COLUMNS)


def peak_memory_result(results: list[Result], size: int) -> Result | None:
    """The largest peak RSS of any itb-tui process measured at `size`."""
    peaks = [(r.peak_mb, r.title) for r in results if r.size == size and r.peak_mb is not None]
    if not peaks:
        return None
    mb, title = max(peaks)
    result = Result("peak_memory", "peak memory, largest of the above", size, [], peak_mb=mb)
    result.notes.append(f"from: {title}")
    return result


def store_stats(db: Path) -> dict[str, Any]:
    """Rows per clinical table and the file size: what "N patients" means here."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        names = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        rows = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (*CLINICAL_TABLES, "audit") if t in names}
    return {"file_mb": round(db.stat().st_size / 1e6, 1), "rows": rows}
