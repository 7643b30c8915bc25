"""`kg push`: upload the built dataset to a SPARQL server through the Graph Store Protocol (see kg/push.py)."""

from __future__ import annotations

import os
import sys

from ..namespaces import GRAPH

LIVE_PROGRESS_FROM = 1_000_000     # bytes: smaller graphs go in a blink, a percentage would only flicker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "push", help="upload the built graphs to a SPARQL server (Graph Store Protocol), each replaced whole",
        description="Replace each named graph of the current build on the server with one HTTP PUT (the graph keeps "
                    "its IRI), so that pushing again, or after a failure, is safe. Credentials come from "
                    "KG_PUSH_USER / KG_PUSH_PASSWORD (or a bearer token in KG_PUSH_TOKEN), or are asked for on a "
                    "terminal when the server wants them; never from the command line.")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server's Graph Store Protocol endpoint, e.g. Virtuoso's "
                        "http://localhost:8890/sparql-graph-crud-auth")
    p.add_argument("--graph", action="append", default=[], metavar="IRI",
                   help="push only this graph of the build (repeatable); default: all of them")
    p.add_argument("--prune", metavar="SPARQL_URL",
                   help=f"afterwards delete the server's graphs under {GRAPH} that the "
                        "build no longer has, found through this query endpoint (e.g. http://localhost:8890/sparql)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds for each request (default 120)")
    p.add_argument("--retries", type=int, default=2,
                   help="retries after a connection error or a 5xx answer, with a growing pause (default 2)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run_push)


def run_push(args, project) -> int:
    from ..build.store import current_build, read_manifest
    from ..errors import EXIT_OK, KgError
    from ..remote.auth import TOKEN_VARIABLE, credentials_from_environment_or_prompt
    from ..remote.graph_store import GraphStoreClient
    from ..remote.push import graphs_of_build, push_graphs

    if args.prune and args.graph:
        raise KgError("--prune needs the whole build: with --graph it would delete the graphs not selected")
    if args.retries < 0 or args.timeout <= 0:
        raise KgError("--retries must be 0 or more and --timeout more than 0")
    paths = current_build(project)
    uploads = graphs_of_build(paths, read_manifest(project), only=args.graph)
    progress = None if args.quiet else _Printer(build=paths.root.name)
    with GraphStoreClient(args.endpoint, credentials=credentials_from_environment_or_prompt(),
                          token=os.environ.get(TOKEN_VARIABLE) or None, timeout=args.timeout,
                          retries=args.retries) as client:
        result = push_graphs(uploads, client, prune_sparql=args.prune, progress=progress)
    if not args.quiet:
        replaced = sum(1 for g in result.graphs if g.action == "replaced")
        deleted = len(result.graphs) - replaced + len(result.stale_deleted)
        print(f"pushed to {result.endpoint}: {replaced} graph(s) replaced"
              + (f", {deleted} deleted" if deleted else "")
              + f", {result.triples:,} triples, {_size(result.bytes)} in {result.seconds:.1f} s")
    return EXIT_OK


class _Printer:
    """Progress on stderr: a line per graph, and a live percentage for big graphs on a terminal."""

    def __init__(self, *, build: str, stream=None):
        self.build = build
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.count = 0
        self.label = ""

    def starting(self, uploads, endpoint) -> None:
        self.count = len(uploads)
        total = sum(len(u.data) for u in uploads)
        triples = sum(u.triples for u in uploads)
        self._line(f"push {self.count} graph(s), {triples:,} triples ({_size(total)}) of build {self.build} "
                   f"to {endpoint}")

    def graph_started(self, index, upload) -> None:
        from ..remote.push import short_graph_name

        self.label = f"  [{index + 1:>{len(str(self.count))}}/{self.count}] {short_graph_name(upload.iri)}"

    def bytes_sent(self, sent, total) -> None:
        if self.live and total >= LIVE_PROGRESS_FROM:
            print(f"\r{self.label}  {100 * sent // total:3d}% of {_size(total)}", end="", file=self.stream, flush=True)

    def graph_done(self, index, pushed) -> None:
        retried = f", {pushed.attempts} attempts" if pushed.attempts > 1 else ""
        what = f"{pushed.triples:,} triples, {_size(pushed.bytes)}" if pushed.action == "replaced" else "no triples: deleted"
        clear = "\r\x1b[K" if self.live else ""
        print(f"{clear}{self.label}  {what}  → {pushed.status} ({pushed.seconds:.2f} s{retried})", file=self.stream)

    def stale_deleted(self, iri) -> None:
        self._line(f"  deleted <{iri}>: on the server, no longer in the build")

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"
