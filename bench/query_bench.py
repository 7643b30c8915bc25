"""The query and validation benchmark behind `bench/run`.

Measures in one run, on this machine, and prints figures with ratios against a baseline measured in the same run:
  * `kg query NAME` end to end (process start to printed answer) for every named query, against a plain rdflib
    script that parses data/ttl and runs the same query text;
  * `kg validate` of one plan file end to end.
The report also goes to build/bench/report.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.catalogue import catalogue
from kg.params import bind_parameters
from kg.querying import bound_query_text

ROOT = Path(__file__).resolve().parent.parent

PYTHON = sys.executable


def timed(command: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs per kg measurement (median reported)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs per rdflib measurement")
    args = parser.parse_args()
    kg = [PYTHON, "-m", "kg"]
    print("building the store …", file=sys.stderr)
    subprocess.run(kg + ["build", "-q"], cwd=ROOT, check=True)

    lines = ["# Benchmark: kg query end to end vs a plain rdflib script", "",
             f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {args.repeat} (kg) and "
             f"{args.baseline_repeat} (rdflib) runs", "",
             "| query | kg query (s) | plain rdflib (s) | speed-up |", "|---|---:|---:|---:|"]
    kg_medians, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for query in catalogue(ROOT / "queries"):
            bindings = bind_parameters(list(query.params), {}, query.defaults)
            text_file = Path(tmp) / f"{query.name}.rq"
            text_file.write_text(bound_query_text(query.text, bindings), encoding="utf-8")
            kg_time = statistics.median(timed(kg + ["query", query.name, "--format", "csv"], args.repeat))
            base_time = statistics.median(timed([PYTHON, str(ROOT / "bench" / "rdflib_baseline.py"), str(text_file)], args.baseline_repeat))
            kg_medians.append(kg_time)
            ratios.append(base_time / kg_time)
            lines.append(f"| {query.name} | {kg_time:.3f} | {base_time:.3f} | {base_time / kg_time:.1f}x |")
            print(lines[-1], file=sys.stderr)
    lines += ["", f"median kg query: {statistics.median(kg_medians):.3f} s (target <= 0.3 s); "
              f"geometric-mean speed-up {statistics.geometric_mean(ratios):.1f}x, smallest {min(ratios):.1f}x (target >= 3x)", ""]
    plan = ROOT / "data" / "ttl" / "132055-ome-strategy.ttl"
    validate = statistics.median(timed(kg + ["validate", str(plan)], max(3, args.repeat // 2)))
    lines += ["| validation | seconds |", "|---|---:|", f"| kg validate {plan.name} (end to end) | {validate:.3f} (target <= 1.5 s) |"]
    report = "\n".join(lines)
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
