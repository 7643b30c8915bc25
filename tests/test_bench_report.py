"""bench/run's table of targets says met or not for every target it measured, the publishes included."""

from __future__ import annotations

import importlib
import sys

from conftest import ROOT


def bench_report():
    """bench/bench_report.py, as bench/run imports it (the bench's folder first on the path)."""
    bench = str(ROOT / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    return importlib.import_module("bench_report")


def rows(lines: list[str]) -> dict[str, tuple[str, str]]:
    """{target: (measured, met)} from the markdown table."""
    table = [line.strip("|").split(" | ") for line in lines if line.startswith("| ") and line.count(" | ") == 2]
    return {target.strip(): (measured.strip(), met.strip()) for target, measured, met in table[1:]}


def test_the_publishes_are_targets_met_or_not_with_their_figures():
    report = bench_report()
    publish = [
        {"label": "from nothing", "ok": True, "seconds": 435.7, "peak_rss": 6 * 2**30},
        {"label": "after one municipality changed", "ok": True, "seconds": 160.2, "peak_rss": 5 * 2**30},
    ]
    table = rows(report.targets_table({"size": 1741, "publish": publish}))
    assert table["kg publish from nothing <= 600 s"] == ("435.7 s, peak 6,144 MiB", "yes")
    assert table["kg publish after one municipality changed <= 30 s"] == ("160.2 s, peak 5,120 MiB", "NO")


def test_a_publish_that_failed_is_a_target_not_met_saying_why():
    report = bench_report()
    publish = [{"label": "from nothing", "ok": False, "seconds": 12.0, "peak_rss": None, "note": "exit 2: disk full"},
               {"label": "after one municipality changed", "ok": False, "note": "the data does not conform"}]
    table = rows(report.targets_table({"size": 1741, "publish": publish}))
    assert table["kg publish from nothing <= 600 s"] == ("exit 2: disk full", "NO")
    assert table["kg publish after one municipality changed <= 30 s"] == ("the data does not conform", "NO")


def test_a_build_that_failed_before_the_publishes_adds_no_publish_target():
    report = bench_report()
    table = rows(report.targets_table({"size": 1741, "publish": [{"label": "build", "ok": False, "note": "x"}]}))
    assert not [target for target in table if target.startswith("kg publish")]
