"""The real-data section of `bench/run`: `kg query` end to end against a plain rdflib script, and `kg validate`.

Measures in one run, on this machine, on data/ttl (the seed plans):
  * `kg query NAME` end to end (process start to printed answer) for every named query, against a plain rdflib
    script that parses data/ttl and runs the same query text (bench/rdflib_baseline.py);
  * `kg validate` of one plan file end to end;
with the peak memory of each process. Run alone (python bench/query_bench.py) it prints this section and writes
build/bench/report.md; bench/national_bench.py includes it as one section of the full report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import run_child

from kg.build.store import open_store
from kg.project import default_project
from kg.query import BuiltStore, prepare
from kg.query.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KG = [PYTHON, "-m", "kg"]
VALIDATED_FILE = ROOT / "data" / "ttl" / "132055-ome-strategy.ttl"


@dataclass
class Timed:
    median: float
    peak_rss: int


@dataclass
class RealDataResult:
    queries: dict[str, tuple[Timed, Timed]] = field(default_factory=dict)   # name → (kg query, rdflib script)
    validate: Timed | None = None
    build_seconds: float = 0.0

    def markdown(self, *, repeat: int, baseline_repeat: int) -> list[str]:
        lines = [f"Medians of {repeat} (kg) and {baseline_repeat} (rdflib) runs; each a new process, as a user runs it.",
                 "", "| query | kg query (s) | peak MiB | plain rdflib script (s) | peak MiB | speed-up |",
                 "|---|---:|---:|---:|---:|---:|"]
        ratios = []
        for name, (kg, base) in self.queries.items():
            ratios.append(base.median / kg.median)
            lines.append(f"| {name} | {kg.median:.3f} | {mib(kg.peak_rss)} | {base.median:.3f} | {mib(base.peak_rss)} | "
                         f"{base.median / kg.median:.1f}x |")
        medians = [kg.median for kg, _ in self.queries.values()]
        if ratios:
            lines += ["", f"Median `kg query`: {statistics.median(medians):.3f} s (target <= 0.3 s); geometric-mean "
                          f"speed-up {statistics.geometric_mean(ratios):.1f}x, smallest {min(ratios):.1f}x (target >= 3x)."]
        if self.validate:
            lines += ["", "| validation | seconds | peak MiB |", "|---|---:|---:|",
                      f"| kg validate {VALIDATED_FILE.name} (end to end) | {self.validate.median:.3f} "
                      f"(target <= 1.5 s) | {mib(self.validate.peak_rss)} |"]
        return lines


def mib(count: int | None) -> str:
    return "-" if count is None else f"{count / 2**20:,.0f}"


def timed(command: list[str], repeat: int) -> Timed:
    runs = []
    for _ in range(repeat):
        run = run_child(command, cwd=ROOT)
        if not run.ok:
            raise SystemExit(f"failed: {' '.join(command)}\n{run.failure()}")
        runs.append(run)
    return Timed(statistics.median(r.seconds for r in runs), max(r.peak_rss for r in runs))


def real_data_benchmark(*, repeat: int = 7, baseline_repeat: int = 3, say=None) -> RealDataResult:
    say = say or (lambda _m: None)
    say("real data: kg build")
    build = run_child(KG + ["build", "-q"], cwd=ROOT)
    if not build.ok:
        raise SystemExit(f"kg build failed on the real data: {build.failure()}")
    result = RealDataResult(build_seconds=build.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        # The baseline gets the text kg query runs (kg.query.prepare), on the whole graph: rdflib has no inferred
        # graphs for a question about one municipality to name.
        whole_store = BuiltStore(open_store(default_project(root=ROOT)))
        for query in catalogue(ROOT / "queries"):
            text_file = Path(tmp) / f"{query.name}.rq"
            text_file.write_text(prepare(query, on=whole_store).text, encoding="utf-8")
            kg = timed(KG + ["query", query.name, "--format", "csv"], repeat)
            base = timed([PYTHON, str(ROOT / "bench" / "rdflib_baseline.py"), str(text_file)], baseline_repeat)
            result.queries[query.name] = (kg, base)
            say(f"real data: {query.name}: kg {kg.median:.3f} s, rdflib {base.median:.3f} s")
    result.validate = timed(KG + ["validate", str(VALIDATED_FILE)], max(3, repeat // 2))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs per kg measurement (median reported)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs per rdflib measurement")
    args = parser.parse_args()
    result = real_data_benchmark(repeat=args.repeat, baseline_repeat=args.baseline_repeat,
                                 say=lambda m: print(m, file=sys.stderr))
    lines = ["# Benchmark: kg query end to end vs a plain rdflib script", "",
             f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}", ""]
    lines += result.markdown(repeat=args.repeat, baseline_repeat=args.baseline_repeat)
    report = "\n".join(lines)
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
