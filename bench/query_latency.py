"""Median latency of each query on one engine, warm, measured inside one process (run by bench/national_bench.py).

    python bench/query_latency.py QUERIES.json --engine oxigraph --root DIR [--repeat 7]
    python bench/query_latency.py QUERIES.json --engine oxigraph-memory --dataset DIR/build/current/dataset.nq
    python bench/query_latency.py QUERIES.json --engine rdflib --dataset DIR/build/current/dataset.nq --cap 30
    python bench/query_latency.py QUERIES.json --engine http --endpoint http://127.0.0.1:8890/sparql

QUERIES.json is a list of {"name": …, "text": …} whose parameters are already bound (a VALUES block), so every
engine answers the same text. Each query runs once to warm up, then --repeat times; the answer is read to the last
row each time. Prints one JSON object: load time and, per query, the median, the fastest run and the row count.
A run longer than --cap seconds is stopped and reported as over the cap; loading longer than --load-cap stops all.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from pathlib import Path


class OverCap(Exception):
    pass


def _alarm(_signum, _frame):
    raise OverCap()


def oxigraph_runner(args):
    from kg.build.store import open_store
    from kg.project import default_project
    from kg.query.local import run_local

    store = open_store(default_project(root=args.root))
    return lambda text: len(run_local(store, text).rows)


def oxigraph_memory_runner(args):
    import pyoxigraph as ox

    from kg.query.local import run_local

    # The same build's N-Quads in pyoxigraph's in-memory store: what a long-running server could hold.
    store = ox.Store()
    store.bulk_load(path=args.dataset, format=ox.RdfFormat.N_QUADS)
    return lambda text: len(run_local(store, text).rows)


def rdflib_runner(args):
    import rdflib
    import rdflib.plugins.sparql

    # A FROM clause (questions about one municipality name its graphs) makes rdflib fetch the graph's IRI from
    # the web unless told not to: then it takes the graph from the dataset, as the other engines do.
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    # The union of all named graphs as the default graph, as the store and Virtuoso answer.
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(args.dataset, format="nquads")
    return lambda text: sum(1 for _ in dataset.query(text))


def http_runner(args):
    import httpx

    client = httpx.Client(timeout=args.cap + 5)

    def run(text: str) -> int:
        # Read and decoded to the last row, as run_local does with the embedded store's answer.
        answer = client.post(args.endpoint, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        answer.raise_for_status()
        return len(json.loads(answer.content)["results"]["bindings"])

    return run


def measure(run, text: str, *, repeat: int, cap: float) -> dict:
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    rows = None
    try:
        for attempt in range(repeat + 1):
            signal.setitimer(signal.ITIMER_REAL, cap)
            started = time.perf_counter()
            try:
                counted = run(text)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            elapsed = time.perf_counter() - started
            rows = counted
            if attempt > 0:             # the first run warms up caches and is not counted
                times.append(elapsed)
            elif elapsed * (repeat + 1) > cap:
                times.append(elapsed)   # a slow query: one run tells enough, and keeps the whole run bounded
                break
    except OverCap:
        return {"status": "cap", "cap": cap, "runs": len(times)}
    except Exception as exc:  # an engine's error is a result to report, not a reason to stop the others
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:400]}
    return {"status": "ok", "median": statistics.median(times), "min": min(times), "runs": len(times), "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--engine", choices=("oxigraph", "oxigraph-memory", "rdflib", "http"), required=True)
    parser.add_argument("--root", help="project root whose build/current store is queried (oxigraph)")
    parser.add_argument("--dataset", help="N-Quads file to load (rdflib, oxigraph-memory)")
    parser.add_argument("--endpoint", help="SPARQL endpoint (http)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cap", type=float, default=30.0, help="seconds a single run may take")
    parser.add_argument("--load-cap", type=float, default=1800.0, help="seconds loading the data may take")
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, args.load_cap)
    try:
        run = {"oxigraph": oxigraph_runner, "oxigraph-memory": oxigraph_memory_runner, "rdflib": rdflib_runner,
               "http": http_runner}[args.engine](args)
    except OverCap:
        print(json.dumps({"engine": args.engine, "load_seconds": None, "load_cap": args.load_cap, "queries": {}}))
        return 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    result = {"engine": args.engine, "load_seconds": time.perf_counter() - started, "queries": {}}
    for query in queries:
        result["queries"][query["name"]] = measure(run, query["text"], repeat=args.repeat, cap=args.cap)
        print(f"  {args.engine} {query['name']}: {result['queries'][query['name']]}", file=sys.stderr, flush=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
