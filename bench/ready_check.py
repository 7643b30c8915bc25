"""The ready answers of kg serve (kg.serve.ready_answers) checked at national scale (run by bench/national_bench.py).

    python bench/ready_check.py DIR

Loads DIR's build in pyoxigraph's in-memory store (what kg serve reads by default), answers each question about one
municipality for every municipality at once (kg.query.per_municipality), then asks the question scoped to each
municipality of Japan, as a worker would, and compares the two answers byte for byte in SPARQL TSV. Prints one
JSON object: per question, the national run's seconds, the municipalities with rows, and the municipalities whose
answers differ (none, or the product would be wrong).
"""

from __future__ import annotations

import json
import sys
import time

import pyoxigraph as ox

from kg.build.store import current_build, read_manifest
from kg.project import default_project
from kg.query import BuiltStore, prepare
from kg.query.catalogue import catalogue
from kg.query.per_municipality import NotAnswerableAtOnce, answers_for_all


def main(root: str) -> int:
    project = default_project(root=root)
    manifest = read_manifest(project)
    store = ox.Store()
    store.bulk_load(path=str(current_build(project).dataset), format=ox.RdfFormat.N_QUADS)
    built = BuiltStore(store, manifest=manifest)
    codes = sorted({c for cs in manifest.municipality_names.values() for c in cs})
    checked: dict[str, dict] = {}
    for query in catalogue(project.queries_dir):
        if not query.scope:
            continue
        started = time.perf_counter()
        try:
            header, answers = answers_for_all(store, query)
        except NotAnswerableAtOnce as why:
            checked[query.name] = {"served": False, "reason": str(why)}
            continue
        seconds = time.perf_counter() - started
        differing = []
        for code in codes:
            text = prepare(query, {query.scope: code}, on=built).text
            options = {} if "\nFROM <" in text else {"use_default_graph_as_union": True}
            asked = store.query(text, **options).serialize(format=ox.QueryResultsFormat.TSV)
            if asked != answers.get(code, header):
                differing.append(code)
        checked[query.name] = {"served": True, "national_seconds": seconds, "municipalities": len(codes),
                               "with_rows": len(answers), "differing": differing}
        print(f"  {query.name}: {len(codes)} municipalities compared, {len(differing)} differ", file=sys.stderr,
              flush=True)
    print(json.dumps({"questions": checked}))
    return 0 if all(not c.get("differing") for c in checked.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
