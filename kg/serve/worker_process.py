"""One query worker: a process that opens the read-only store once and answers queries from its pipe, one at a time.

The server kills a worker whose query outlasts the timeout (Oxigraph cannot be interrupted from outside) and
starts another; nothing here needs to know about time.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..query.formats import AnswerTooLarge, CappedBuffer, write_answer
from ..query.text import uses_from
from .result_formats import format_by_key


@dataclass(frozen=True)
class QueryJob:
    text: str                       # checked already: a read-only query without SERVICE
    format_key: str                 # a key of kg.serve.result_formats (and of kg.query.formats' writers)
    # The protocol's dataset (default-graph-uri, named-graph-uri). Both empty: the query's own FROM / FROM NAMED,
    # and without those the union of all graphs as the default graph and every graph as a named graph.
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None     # what relative IRIs in the query resolve against (the endpoint's URL)
    # False only for the server's own jobs (kg.serve.ready_answers: every municipality's answer at once), which
    # no client can send: the answer is not capped by the rows and bytes a client may have.
    capped: bool = True


@dataclass(frozen=True)
class WorkerAnswer:
    status: int                     # the HTTP status the server answers with
    media_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    limit: str | None = None        # "timeout", "rows", "bytes" or "busy" when a limit was hit
    headers: dict[str, str] = field(default_factory=dict)
    rows: int | None = None         # the rows of a SELECT answer (the server explains an empty one)


def plain(status: int, message: str, *, limit: str | None = None) -> WorkerAnswer:
    return WorkerAnswer(status=status, body=(message.rstrip("\n") + "\n").encode("utf-8"), limit=limit)


def worker_main(connection, store_path: str, max_rows: int, max_bytes: int) -> None:
    """A worker reading the on-disk store (multiprocessing target). Workers answering from memory are forked,
    the store already loaded, by kg.serve.zygote."""
    die_with_parent()
    name_process(WORKER_NAME)
    # Ctrl-C in a terminal reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = ox.Store.read_only(store_path)
    except Exception as exc:  # said to the server, which reports it in /health and tries again later
        connection.send(("failed", f"cannot open {store_path}: {exc}"))
        return
    connection.send("ready")
    serve_jobs(connection, store, max_rows=max_rows, max_bytes=max_bytes)


def serve_jobs(connection, store: ox.Store, *, max_rows: int, max_bytes: int) -> None:
    """Answer the jobs that come on the pipe, one at a time, until the server closes it."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the server went away
        connection.send(run_job(store, job, max_rows=max_rows, max_bytes=max_bytes))


def run_job(store: ox.Store, job: QueryJob, *, max_rows: int, max_bytes: int) -> WorkerAnswer:
    fmt = format_by_key(job.format_key)
    if not job.capped:
        max_rows = max_bytes = sys.maxsize
    out = CappedBuffer(max_bytes)
    try:
        answer = store.query(job.text, base_iri=job.base_iri, **dataset_options(job))
    except SyntaxError as exc:
        return plain(400, f"SPARQL syntax error: {exc}")
    except RuntimeError as exc:
        # Raised while the query is planned, before any data is read: something the query asks for that the
        # engine does not have, such as an extension function it does not know. The client's to change.
        return plain(400, f"the query cannot be evaluated here: {exc}. This endpoint implements the functions of "
                          "SPARQL 1.1 Query and no extension functions.")
    except Exception as exc:
        return plain(500, f"the query could not be started: {exc}")
    try:
        rows = write_answer(answer, fmt.key, out, max_rows=max_rows)
    except AnswerTooLarge as exc:
        return too_large(exc.limit, str(exc))
    except Exception as exc:
        if out.exceeded:
            return too_large("bytes", f"the answer is larger than {max_bytes:,} bytes")
        return plain(500, f"the query failed while running: {exc}")
    return WorkerAnswer(status=200, media_type=fmt.media_type, body=out.getvalue(), rows=rows)


def dataset_options(job: QueryJob) -> dict:
    """Oxigraph's options for the query's RDF dataset (SPARQL 1.1 Protocol 2.1.4, Query 13.2).

    A dataset given with the request replaces the query's FROM and FROM NAMED entirely: its default graph is the
    merge of the default-graph-uri graphs (none given: empty) and its named graphs the named-graph-uri graphs (none
    given: none). Otherwise a query with FROM or FROM NAMED gets the dataset it describes, which Oxigraph builds
    itself: FROM alone leaves no named graph, FROM NAMED alone an empty default graph. Otherwise the default graph
    is the union of all graphs (as for `kg query` and on Virtuoso) and every graph is a named graph."""
    if job.default_graphs or job.named_graphs:
        # Both passed, even empty: Oxigraph replaces only the parts it is given and keeps the query's other part.
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs]}
    if uses_from(job.text):
        return {}  # union-as-default would override the query's FROM
    return {"use_default_graph_as_union": True}


def too_large(limit: str, message: str) -> WorkerAnswer:
    return plain(503, f"{message}, the limit of this server.\n"
                      "Ask for less: add LIMIT, select fewer variables or narrow the pattern.", limit=limit)


WORKER_NAME = "kg-serve-worker"  # the process name ps and /proc/<pid>/comm show (15 bytes at most)


def name_process(name: str) -> None:
    """Name this process as `ps` shows it, so that an operator (and a test) tells workers from the rest."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
        except OSError:
            pass


def die_with_parent() -> None:
    # A worker stuck in a runaway query must not outlive a server that was killed outright: Linux sends it
    # SIGKILL when the server goes. (Elsewhere the worker ends when it next reads its closed pipe.)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass
