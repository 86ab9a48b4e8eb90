"""The benchmark suite: a synthetic hospital, timed against baselines in the same run.

Run `python -m bench.run` (see docs/benchmarks.md). Nothing in here is imported by the
app; the suite only drives the app through its public shells (CLI, store API, TUI).
"""
