"""The growth table of every command (bench/report_md.py, issue 17: "the series
1k/10k/100k shows linear growth for every command"): a command is called linear only if
every step between two measured sizes grows no faster than the patient count."""

from __future__ import annotations

from bench.report_md import growth_of_every_command


def _result(benchmark, size, median, peak_mb=None, title=None):
    return {"benchmark": benchmark, "title": title or benchmark, "size": size,
            "median": median, "peak_mb": peak_mb}


def _rows(lines):
    return {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}


def test_linear_quadratic_and_constant_commands_are_told_apart():
    run = {"results": [
        # status: 10x the patients, 10x the time (exponent 1.00), twice
        _result("status_json", 1000, 0.05), _result("status_json", 10_000, 0.5),
        _result("status_json", 100_000, 5.0),
        # an export that grows with the square of the ward from 10k to 100k (exponent 2.00)
        _result("export_fhir", 1000, 0.1), _result("export_fhir", 10_000, 1.0),
        _result("export_fhir", 100_000, 100.0),
        # a keystroke: the same at every size (exponent 0.00)
        _result("filter_keystroke", 1000, 0.02), _result("filter_keystroke", 10_000, 0.02),
        # memory is read from the peak, not the median
        _result("peak_memory", 1000, None, peak_mb=30.0), _result("peak_memory", 10_000, None, peak_mb=300.0),
        # a 30-patient figure is not part of the series; one size alone gives no row
        _result("status_json", 30, 0.09), _result("tui_start", 10_000, 1.0),
    ]}
    lines = growth_of_every_command(run)
    assert lines[0] == "| Command | 1,000 | 10,000 | 100,000 | exponents | linear? |"
    rows = _rows(lines)
    assert set(rows) == {"status_json", "export_fhir", "filter_keystroke", "peak_memory"}
    assert rows["status_json"].endswith("| 1.00, 1.00 | ✔ yes |")
    assert rows["export_fhir"].endswith("| 1.00, 2.00 | ✖ **no** |")
    assert "| 100.00 s |" in rows["export_fhir"]
    assert rows["filter_keystroke"].endswith("| — | 0.00 | ✔ yes |")
    assert "| 30 MB | 300 MB |" in rows["peak_memory"] and rows["peak_memory"].endswith("| 1.00 | ✔ yes |")


def test_a_run_without_two_big_sizes_says_how_to_get_the_table():
    lines = growth_of_every_command({"results": [_result("status_json", 30, 0.09),
                                                 _result("status_json", 10_000, 0.4)]})
    assert len(lines) == 1 and "--every-command-at-100k" in lines[0]
