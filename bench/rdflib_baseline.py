"""The baseline a user would write without kg: parse data/ttl (and the ontology) with rdflib, run one query.

Run as: python bench/rdflib_baseline.py QUERY_FILE  (the query text already has its parameters bound)
"""

import sys
from pathlib import Path

import rdflib

root = Path(__file__).resolve().parent.parent
graph = rdflib.Graph()
for path in sorted((root / "ontology").glob("*.ttl")) + sorted((root / "ontology" / "vocab").glob("*.ttl")) + sorted((root / "data" / "ttl").rglob("*.ttl")):
    graph.parse(path, format="turtle")
result = graph.query(Path(sys.argv[1]).read_text(encoding="utf-8"))
for row in result:
    print(row)
