"""docs/benchmarks.md from a run's results: the table the README shows, the method, the
machine, the status --json growth series and, for each missed target, the profile and
the explanation (hand-written in bench/analysis.md, included as is).

Everything here is generated: edit bench/analysis.md or this file, never the output
(`python -m bench.report_md` re-renders the page from the latest results).
"""

from __future__ import annotations

import math
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parent / "analysis.md"


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1.0:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.1f}×"


def fmt_mb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb:.0f}"


def fmt_met(met: bool | None) -> str:
    return {True: "✔ yes", False: "✖ **no**", None: "—"}[met]


def results_table(results: list[dict]) -> list[str]:
    lines = [
        "| Benchmark | Patients | Median | Baseline median | Ratio | Target | Met? | Peak MB |",
        "|---|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in results:
        target = r["target"]["text"] if r["target"] else "—"
        median = fmt_mb(r["peak_mb"]) + " MB" if r["benchmark"] == "peak_memory" else fmt_time(r["median"])
        lines.append(
            f"| {r['title']} | {r['size']:,} | {median} | {fmt_time(r['baseline_median'])} | "
            f"{fmt_ratio(r['ratio'])} | {target} | {fmt_met(r['met'])} | {fmt_mb(r['peak_mb'])} |"
        )
    return lines


def baselines(results: list[dict]) -> list[str]:
    seen = {}
    for r in results:
        if r["baseline"] and r["benchmark"] not in seen:
            seen[r["benchmark"]] = (r["title"], r["baseline"])
    return [f"- {title}: {baseline}" for title, baseline in seen.values()]


def notes(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        for note in r["notes"]:
            out.append(f"- {r['title']}, {r['size']:,} patients: {note}")
    return out


def growth(run: dict) -> list[str]:
    """status --json per patient, and how each step grows between sizes (exponent 1.0 is
    linear; above ~1.15 something grows faster than the patient count)."""
    series = sorted((r for r in run["results"] if r["benchmark"] == "status_json"), key=lambda r: r["size"])
    if len(series) < 2:
        return ["(needs at least two sizes)"]
    lines = ["| Patients | status --json | per patient | sqlite3 -json | exponent vs previous size |",
             "|---:|---:|---:|---:|---:|"]
    prev = None
    for r in series:
        per = r["median"] / r["size"] * 1000
        exp = "—"
        if prev is not None and prev["size"] >= 1000 and r["median"] and prev["median"]:
            exp = f"{math.log(r['median'] / prev['median']) / math.log(r['size'] / prev['size']):.2f}"
        lines.append(f"| {r['size']:,} | {fmt_time(r['median'])} | {per:.3f} ms | "
                     f"{fmt_time(r['baseline_median'])} | {exp} |")
        prev = r
    phases = run.get("status_phases") or {}
    sizes = sorted((int(s) for s in phases), key=int)
    if sizes:
        names = list(phases[str(sizes[0])])
        lines += ["", "Each step of `status --json`, timed in one process without a profiler "
                      "(the exponent compares the two largest sizes of 1,000 or more):", "",
                  "| Step | " + " | ".join(f"{s:,}" for s in sizes) + " | exponent |",
                  "|---|" + "---:|" * (len(sizes) + 1)]
        big = [s for s in sizes if s >= 1000][-2:]
        for name in names:
            cells = [fmt_time(phases[str(s)].get(name)) for s in sizes]
            exp = "—"
            if len(big) == 2:
                a, b = phases[str(big[0])].get(name), phases[str(big[1])].get(name)
                if a and b and a > 0.005:
                    exp = f"{math.log(b / a) / math.log(big[1] / big[0]):.2f}"
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {exp} |")
    return lines


# An exponent above this between two sizes means a command grows faster than its store
# (1.0 is linear; a little above it is noise and cache effects on this machine).
LINEAR_EXPONENT = 1.15
# What each command's growth is read from: the app's median time, or its peak memory.
_GROWTH_MEMORY = {"peak_memory"}


def growth_of_every_command(run: dict) -> list[str]:
    """Issue 17: "the series 1k/10k/100k shows linear growth for every command". For every
    benchmark measured at two or more sizes of 1,000 patients or more: its median (peak MB
    for the memory benchmark) at each size and the growth exponent between neighbouring
    sizes; "linear" when every exponent is at most LINEAR_EXPONENT. Per-action timings
    (a keystroke, opening a patient) should not grow at all: their exponent is near 0."""
    series: dict[str, dict[int, float]] = {}
    titles: dict[str, str] = {}
    for r in run["results"]:
        value = r.get("peak_mb") if r["benchmark"] in _GROWTH_MEMORY else r.get("median")
        if r["size"] >= 1000 and value:
            series.setdefault(r["benchmark"], {})[r["size"]] = value
            titles.setdefault(r["benchmark"], r["title"])
    series = {k: v for k, v in series.items() if len(v) >= 2}
    if not series:
        return ["(needs every command at two sizes of 1,000 patients or more: "
                "`python -m bench.run --sizes 1000,10000 --include-100k --every-command-at-100k`)"]
    sizes = sorted({size for by_size in series.values() for size in by_size})
    lines = ["| Command | " + " | ".join(f"{s:,}" for s in sizes) + " | exponents | linear? |",
             "|---|" + "---:|" * len(sizes) + "---|---|"]
    for key, by_size in series.items():
        cells = [(fmt_mb(by_size[s]) + " MB" if key in _GROWTH_MEMORY else fmt_time(by_size[s]))
                 if s in by_size else "—" for s in sizes]
        measured = sorted(by_size)
        exponents = [math.log(by_size[b] / by_size[a]) / math.log(b / a) for a, b in zip(measured, measured[1:])]
        linear = all(e <= LINEAR_EXPONENT for e in exponents)
        lines.append(f"| {titles[key]} | " + " | ".join(cells) + " | "
                     + ", ".join(f"{e:.2f}" for e in exponents) + f" | {fmt_met(linear)} |")
    return lines


def stores(run: dict) -> list[str]:
    lines = ["| Patients | File | Pumps | Refills | Cultures | Courses | Bridging | Exams | Audit rows | Built in |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    def order(kv):  # the hospital's stores by size, then the scenario table's
        kind, _, n = kv[0].rpartition("-")
        return (kind, int(n))

    for size, s in sorted(run["stores"].items(), key=order):
        rows = s["rows"]
        built = "cache" if s.get("build_s") is None else f"{s['build_s']:.0f} s"
        kind, _, n = size.rpartition("-")
        shown = f"{int(n):,}" + (f" ({kind})" if kind else "")
        lines.append(
            f"| {shown} | {s['file_mb']} MB | {rows.get('pumps', 0):,} | {rows.get('refills', 0):,} | "
            f"{rows.get('cultures', 0):,} | {rows.get('antifungal_courses', 0):,} | {rows.get('bridging', 0):,} | "
            f"{rows.get('exams', 0):,} | {rows.get('audit', 0):,} | {built} |"
        )
    return lines


def machine(run: dict) -> list[str]:
    m = run["machine"]
    rows = [
        ("CPU", f"{m['cpu']}, {m['cores']} cores, {m.get('memory_gb')} GB RAM"),
        ("OS", m["os"]),
        ("Python", m["python"]),
        ("SQLite (library / shell)", f"{m['sqlite_library']} / {m['sqlite3_shell'] or 'not installed'}"),
        ("Textual / SQLAlchemy / openpyxl", f"{m['textual']} / {m['sqlalchemy']} / {m['openpyxl']}"),
        ("Peak-memory floor (see Method)", f"{run.get('peak_memory_floor_mb', '—')} MB"),
        ("Load average (1/5/15 min) at start / end",
         f"{_load(run.get('load_average_start'))} / {_load(run.get('load_average_end'))}"),
        ("Run", f"{run['generated_at']}, {run.get('duration_s', 0):.0f} s, `{run['command']}`"),
    ]
    return ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]


def _load(values) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "—"


def profile_sections(run: dict) -> list[str]:
    out = []
    for what, p in (run.get("profiles") or {}).items():
        out += ["", f"### Profile: {what} ({p['size']:,} patients, for `{p['benchmark']}`)", "",
                "Steps, timed without a profiler:", ""]
        out += [f"- {name}: {fmt_time(seconds)}" for name, seconds in p["phases"].items()]
        out += ["", "cProfile, functions with the most own time (share of the profiled total):", "", "```"]
        out.append(f"{'own s':>8} {'cum s':>8} {'share':>6} {'calls':>9}  function")
        for row in p["top"]:
            out.append(f"{row['tottime_s']:8.3f} {row['cumtime_s']:8.3f} {row['pct']:5.1f}% "
                       f"{row['calls']:9d}  {row['function']}")
        out.append("```")
    return out


def render(run: dict) -> str:
    results = run["results"]
    missed = [r for r in results if r["met"] is False]
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python -m bench.run`; do not edit by hand. The explanation of",
        "     missed targets is bench/analysis.md, included below as written. -->",
        "",
        f"Latest run: {run['generated_at']} on a {run['machine']['cores']}-core {run['machine']['cpu']} "
        f"(load average at start {_load(run.get('load_average_start'))}). Patients: synthetic "
        f"hospital (bench/synthetic.py), dated relative to {run['bench_today']}.",
        "",
        "## Results",
        "",
        *results_table(results),
        "",
        f"Targets met: {sum(1 for r in results if r['met'] is True)} of "
        f"{sum(1 for r in results if r['met'] is not None)}"
        + (f"; missed: {', '.join(sorted({r['title'] + ' (' + format(r['size'], ',') + ')' for r in missed}))}."
           if missed else "."),
        "",
        "Baselines (run in the same session, interleaved with the app):",
        "",
        *baselines(results),
        "",
    ]
    if notes(results):
        lines += ["Notes:", "", *notes(results), ""]
    lines += [
        "## How to run",
        "",
        "```sh",
        "python -m bench.run                          # 30, 1,000 and 10,000 patients, 5 repeats",
        "python -m bench.run --sizes 1000 --repeat 3  # quicker",
        "python -m bench.run --include-100k           # adds the 100,000-patient status series",
        "python -m bench.generate 10000               # only build (or find) a cached store",
        "python -m bench.report_md                    # re-render this page from the last results",
        "```",
        "",
        "Run from the checkout with the project's Python (e.g. `.venv/bin/python -m bench.run`",
        "after `pip install -e '.[test]'`). A full run takes 10-15 minutes on this machine,",
        "plus about 1 minute to build the 10,000-patient store the first time (7 minutes for",
        "100,000).",
        "",
        "Stores are built once per size through the store's own import API and cached in",
        "`bench/.cache/` (keyed by size, generator version and store schema). The `sqlite3`",
        "command-line shell is the status and CSV baseline (`apt-get install -y sqlite3`; the run",
        "says so when it is missing).",
        "",
        "## Method",
        "",
        "- Every app and baseline measurement is a fresh process (a cold start, as a user or a",
        "  script meets it), after one untimed warm-up of each (OS file cache and bytecode warm",
        "  for both: the checkout is compiled first, as `pip install` compiles an installed app). App and baseline runs alternate, so load from other users of this shared",
        "  machine hits both; the ratio is the number to read, absolute times drift.",
        "- Times are medians over the repeats (keystrokes and opens: over every keystroke and",
        "  every patient opened). Peak MB is the largest resident set (`ru_maxrss` from",
        "  `os.wait4` on that very process) of any sample. Every command is started by a",
        "  small helper process (bench/spawner.py): Linux reports a child's peak as at least",
        "  its spawner's, so the helper's size is the floor of every reading (under Machine).",
        "- `status --json` and the exports run the real command (`python -m itb_tui --db STORE",
        "  ...`, the `itb-tui` entry point), output to /dev/null or a file.",
        "- TUI start: a child process opens the store and builds `ItbApp` as `itb-tui` does",
        "  (`open_for_app`, `prefetch_saved_rows`) and runs it headless at 120×36; the clock",
        "  runs from spawning the process to the end of the first repaint after the ward list",
        "  reports it has loaded (every patient's row on screen, footer included). The",
        "  untimed warm-up saves the list's rows, so \"later in the day\" starts draw the",
        "  saved rows (and re-derive them after: that time is in the notes); \"first start of",
        "  the day\" deletes the saved rows, runs yesterday's session untimed to its end (on",
        "  the day before: it saves today's rows as its tomorrow's) and times today's start;",
        "  \"truly cold\" deletes the saved rows and times a start that must derive every",
        "  row before it draws. The baseline does the same with a bare Textual app",
        "  whose only widget is an empty DataTable.",
        "  Headless Textual composes every line but does not write escape codes to a terminal",
        "  (the same for both sides).",
        "- Filter keystroke and opening a patient: in one running app per size, keys are",
        "  delivered as the terminal driver delivers them (not `Pilot.press`, which waits for",
        "  idle); the clock stops at the end of the repaint that shows the new list or the",
        "  patient. Textual repaints at most 60 times a second, so up to ~17 ms of any UI",
        "  number is the frame wait; the bare-Textual baseline shows that floor.",
        "- Saving a refill goes through the store API (`Store.record_refill`, what the refill",
        "  form calls in its worker): engine check, validation, insert, audit row, re-read.",
        "  The baseline is the floor of any durable write: one row inserted and committed.",
        "",
        "## Machine",
        "",
        *machine(run),
        "",
        "## `status --json` as the store grows",
        "",
        *growth(run),
        "",
        "## Every command as the store grows",
        "",
        *growth_of_every_command(run),
        "",
        "## Stores",
        "",
        "Synthetic patients carry years of history: about 20 refills, 6 cultures and 2 antifungal",
        "courses each, bridging wherever a pump came out, and a clinic's mix of current states.",
        "",
        *stores(run),
        "",
    ]
    if ANALYSIS.exists():
        lines += [ANALYSIS.read_text(encoding="utf-8").rstrip(), ""]
    if run.get("profiles"):
        lines += ["## Profiles of the missed targets", *profile_sections(run), ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    """`python -m bench.report_md`: re-render docs/benchmarks.md from the latest results
    (after editing bench/analysis.md), without measuring again."""
    import json

    from bench.run import DOC, RESULTS

    DOC.write_text(render(json.loads(RESULTS.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {DOC} from {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
