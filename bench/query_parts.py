"""Where a national question's time goes, part by part, on the build in pyoxigraph's in-memory store.

    python bench/query_parts.py NATION [QUESTION ...]      (default: every question)

NATION is a synthetic nation bench/run has measured (build/bench/national-1741): its build's N-Quads dump is loaded,
and the questions are the texts bench/run timed (NATION/bench-queries.json, parameters bound), so the totals here are
the bench's in-memory figures.

pyoxigraph's wheels evaluate an OPTIONAL, a UNION or a subquery on its own over the whole default graph and then
hash-join it with the rest (no lateral joins), so a question costs at least what its parts cost alone. This prints,
for each question, its median time, then each such part (nested ones indented) with the rows it matches alone over
the whole graph and its median time alone: the parts that take the time are the profile of the question. A part's
FILTER that compares with a variable bound outside it sees that variable unbound and keeps no row; its patterns are
still matched, which is the cost measured. Parts are found in the query text by their braces.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build.dump import memory_store_from_dump  # noqa: E402

REPEAT = 3
FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


def blocks(text: str) -> list[tuple[int, str, str]]:
    """(depth, kind, group with its braces) of every OPTIONAL, UNION branch and subquery, in order of appearance."""
    opened: list[int] = []
    found: list[tuple[int, int, int, str]] = []   # (start, end, depth, kind)
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            start = opened.pop()
            before = text[:start].rstrip()
            after = text[i + 1:].lstrip()
            inner = text[start + 1:i].lstrip()
            if before.upper().endswith("OPTIONAL"):
                kind = "OPTIONAL"
            elif inner.upper().startswith("SELECT"):
                kind = "subquery"
            elif before.upper().endswith("UNION") or after.upper().startswith("UNION"):
                kind = "UNION branch"
            else:
                continue
            found.append((start, i + 1, len(opened), kind))
    found.sort()
    where_depth = 1   # the WHERE clause's own braces
    return [(depth - where_depth, kind, text[start:end]) for start, end, depth, kind in found]


def where_clause(text: str) -> tuple[int, int]:
    """(start, end) of the outer WHERE clause's group, braces included."""
    start = text.upper().index("WHERE")
    start = text.index("{", start)
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return start, i + 1
    raise ValueError("unbalanced braces")


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _prologue(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.lstrip().upper().startswith(("PREFIX", "BASE")))


def ask(store: ox.Store, text: str):
    # As kg asks (kg.query.local): the union of the named graphs as the default graph, unless the text names its
    # graphs (a question about one municipality, scoped to its files' graphs).
    return store.query(text, use_default_graph_as_union=not FROM.search(text))


def timed(store: ox.Store, text: str) -> tuple[float, int]:
    """(median seconds of REPEAT runs after one to warm up, rows of the answer)."""
    rows = len(list(ask(store, text)))
    seconds = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        rows = len(list(ask(store, text)))
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), rows


def profile(store: ox.Store, name: str, text: str) -> list[str]:
    body = _without_comments(text)
    seconds, rows = timed(store, body)
    lines = [f"{name}: {seconds * 1000:,.0f} ms, {rows:,} rows"]
    start, end = where_clause(body)
    # The whole question but its ORDER BY (and what follows it), and its WHERE clause alone counted: what sorting,
    # and what projecting, DISTINCT and grouping cost beyond matching.
    tail = body[end:]
    unsorted = body[:end] + tail[:tail.upper().index("ORDER BY")] if "ORDER BY" in tail.upper() else body
    lines.append(f"  without its ORDER BY: {timed(store, unsorted)[0] * 1000:,.0f} ms")
    # A scoped question's FROM clauses go with each of its parts: they are asked of the same graphs.
    graphs = " ".join(m.group(0) for m in re.finditer(r"\bFROM\s+(NAMED\s+)?<[^>]*>", body[:start], re.IGNORECASE))
    matching = f"{_prologue(body)}\nSELECT (COUNT(*) AS ?rows) {graphs} WHERE {body[start:end]}"
    lines.append(f"  its WHERE clause counted: {timed(store, matching)[0] * 1000:,.0f} ms")
    top_level = 0.0   # the parts at the top of the WHERE clause: each evaluated once, whatever the rest
    for depth, kind, group in blocks(body):
        alone = f"{_prologue(body)}\nSELECT (COUNT(*) AS ?rows) {graphs} WHERE {{ {group} }}"
        part_seconds, _ = timed(store, alone)
        top_level += part_seconds if depth == 0 else 0.0
        matched = int(next(iter(ask(store, alone)))["rows"].value)
        first = " ".join(group.split())[:110]
        lines.append(f"  {'  ' * depth}{kind:<12} alone {part_seconds * 1000:7,.0f} ms {matched:>9,} rows  {first}")
    lines.append(f"  the top-level parts alone: {top_level * 1000:,.0f} ms of {seconds * 1000:,.0f} ms")
    return lines


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    nation, wanted = Path(argv[0]), set(argv[1:])
    timed_texts = nation / "bench-queries.json"
    if not timed_texts.exists():
        print(f"{timed_texts} is missing: run bench/run on this nation first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    dataset = nation / "build" / "current" / "dataset.nq"
    store = memory_store_from_dump(dataset)
    print(f"loaded {dataset} in {time.perf_counter() - started:.1f} s", flush=True)
    for query in json.loads(timed_texts.read_text(encoding="utf-8")):
        if not wanted or query["name"] in wanted or query["name"][:2] in wanted:
            print("\n".join(profile(store, query["name"], query["text"])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
