"""`bench/run`: national scale, measured. Figures and ratios against baselines measured in the same run.

For each size (--sizes, default 100 and 1,741 municipalities) on a synthetic nation made by bench/generate:
  * kg build from nothing, again with nothing changed, and after one municipality's file changed (time, phases,
    peak memory);
  * kg validate of one municipality's submission, and of every data file in one run;
  * every named question's median latency on the embedded store (pyoxigraph, in-process, warm), on plain rdflib
    in memory (same N-Quads, same query text; runs over --rdflib-cap are reported as "> cap"), and on Virtuoso
    after kg push (when virtuoso-opensource is installed);
  * kg serve under load from a load generator on loopback: a named-query API call and a SPARQL query;
  * kg publish from nothing, and again after one municipality's file changed (bench/publish_bench.py;
    --skip-publish leaves it out, --publish measures it alone);
then `kg query` end to end on the real data against a plain rdflib script (bench/query_bench.py). The report
(with the issue's targets next to the figures) is printed and written to build/bench/report.md, the raw figures
to build/bench/report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import pyoxigraph
from bench_report import plain, size_section, targets_table
from national_steps import ROOT, NationalRun
from publish_bench import publish_benchmark, report
from query_bench import real_data_benchmark


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are numbers separated by commas, not {text!r}") from None
    if not sizes or any(not 1 <= s <= 1741 for s in sizes):
        raise argparse.ArgumentTypeError("each size is between 1 and 1741")
    return sizes


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[100, 1741], help="municipalities, e.g. 100,1741 (default)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="where data, builds and the report go")
    parser.add_argument("--restate-citations", action="store_true",
                        help="generate with bench/generate --restate-citations: each strategy file also states the "
                             "comprehensive-plan measures it cites (as Ome's strategy does)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a nation and its build from an earlier run (same seed and size): skips generating "
                             "and the build from nothing, for iterating on queries")
    parser.add_argument("--skip-rebuilds", action="store_true",
                        help="with --reuse: do not time the rebuilds (nothing changed, one file changed)")
    parser.add_argument("--skip-validate", action="store_true", help="skip every kg validate measurement")
    parser.add_argument("--skip-queries", action="store_true", help="skip the embedded and in-memory query latencies")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query on the embedded store and Virtuoso")
    parser.add_argument("--query-cap", type=float, default=60.0, help="seconds one embedded or Virtuoso query may take")
    parser.add_argument("--build-timeout", type=float, default=3600.0, help="seconds one kg build (or push) may take")
    parser.add_argument("--skip-memory", action="store_true",
                        help="skip the comparison with pyoxigraph's in-memory store loaded from the same build")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--rdflib-sizes", type=_sizes, default=None,
                        help="run the rdflib baseline only at these sizes (default: every size)")
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    parser.add_argument("--rdflib-cap", type=float, default=30.0, help="seconds one rdflib run may take (default 30)")
    parser.add_argument("--rdflib-load-cap", type=float, default=1200.0, help="seconds rdflib may take to load the data")
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--virtuoso-buffers", type=int, default=120000, help="Virtuoso NumberOfBuffers (8 kB pages)")
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--server-requests", type=int, default=2000, help="requests per call in the load test")
    parser.add_argument("--server-concurrency", type=int, default=8)
    parser.add_argument("--server-time-limit", type=float, default=120.0, help="seconds a load test may take")
    parser.add_argument("--api-query", default="04-plan-tree", help="the named query the API load test calls")
    parser.add_argument("--server-workers", type=int, help="kg serve --workers (default: kg serve's own)")
    parser.add_argument("--server-start-timeout", type=float, default=900.0,
                        help="seconds kg serve may take until /health answers 200")
    parser.add_argument("--skip-validate-all", action="store_true", help="skip kg validate of every data file at once")
    parser.add_argument("--validate-cap", type=float, default=1800.0, help="seconds kg validate of every file may take")
    parser.add_argument("--skip-real", action="store_true", help="skip the real-data section (kg query end to end)")
    parser.add_argument("--real-repeat", type=int, default=7)
    parser.add_argument("--e2e-repeat", type=int, default=3, help="runs per question of kg query end to end, national")
    parser.add_argument("--publish", action="store_true",
                        help="measure kg publish only (bench/publish_bench.py): from nothing, and after one "
                             "municipality changed, against 10 min and 30 s")
    parser.add_argument("--skip-publish", action="store_true",
                        help="leave kg publish out of the full run (it ends each size, after the server)")
    parser.add_argument("--publish-timeout", type=float, default=3600.0, help="seconds one kg publish may take")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    return args


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()}: {os.cpu_count()} cores, {memory:.0f} GiB, Linux {platform.release()}, "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__ if hasattr(pyoxigraph, '__version__') else '?'}; "
            f"load average {load}")


def main(argv=None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    data = ("Strategy files restate the comprehensive-plan measures they cite (--restate-citations): the same triples "
            "sit in two named graphs, so union answers may repeat rows." if args.restate_citations else
            "Each fact is stated once: a strategy cites measures stated in its comprehensive plan's file.")
    lines = ["# Benchmark: national scale, measured", "", f"Machine at start: {machine()}.", "",
             f"Synthetic data: bench/generate --seed {args.seed}. {data}", "",
             "Embedded store = pyoxigraph on the built store, in one process, warm (one run to warm up, then the "
             "median); in-memory = the same build's N-Quads loaded into pyoxigraph's in-memory store; plain rdflib = rdflib.Dataset in memory loaded from the same build's N-Quads, same query text; "
             "Virtuoso = virtuoso-opensource 7 after kg push, over HTTP on loopback. Questions 04, 12 and 15 are about "
             "one municipality (its code as parameter), the others national aggregates.", ""]
    raw: dict = {"sizes": []}
    largest: dict = {}
    if args.publish:
        for size in args.sizes:
            results = publish_benchmark(size, args, say=say)
            lines += report(size, results)
            raw["sizes"].append({"size": size, "publish": results})
            _write(args, lines, raw)
        print("\n".join(lines))
        return 0
    for size in args.sizes:
        run = NationalRun(size, args, say=say)
        if run.generate() and run.builds():
            run.validation()
            if not args.skip_queries:
                run.embedded_queries()
                run.memory_queries()
                run.ready_answers_check()
                run.query_end_to_end()
            run.rdflib_queries()
            run.virtuoso_queries()
            run.server_load()
            if not args.skip_publish:    # last: it writes a million files, which must not slow the rest
                run.results["publish"] = publish_benchmark(size, args, say=say, nation=run)
        lines += size_section(run.results, args=args)
        if run.results.get("publish"):
            lines += report(size, run.results["publish"])
        raw["sizes"].append(plain(run.results))
        _write(args, lines, raw)          # a partial report survives an interrupted run
        if size >= largest.get("size", 0):
            largest = run.results
    if not args.skip_real:
        say("real data (data/ttl): kg query end to end vs a plain rdflib script")
        real = real_data_benchmark(repeat=args.real_repeat, baseline_repeat=3, say=say)
        lines += ["## The real data (data/ttl): `kg query` end to end vs a plain rdflib script", ""]
        lines += real.markdown(repeat=args.real_repeat, baseline_repeat=3) + [""]
        raw["real"] = plain(real)
    lines += targets_table(largest)
    lines += [f"Machine at the end: {machine()}. Whole run: {time.perf_counter() - started:,.0f} s.", ""]
    _write(args, lines, raw)
    print("\n".join(lines))
    return 0


def _write(args, lines: list[str], raw: dict) -> None:
    (args.out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "report.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
