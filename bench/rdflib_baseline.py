"""The baseline a user would write without kg: parse data/ttl (and the ontology) with rdflib, run one query.

Run as: python bench/rdflib_baseline.py QUERY_FILE  (the query text already has its parameters bound)
Each file goes into its own named graph and the default graph is their union, as in kg's store, so the same
query text runs unchanged. No closure is computed: queries that need inferred triples find fewer rows here.
"""

import sys
from pathlib import Path

import rdflib

from kg.project import default_project

project = default_project()
dataset = rdflib.Dataset(default_union=True)
for path in project.ontology_files() + project.data_files():
    dataset.graph(rdflib.URIRef(project.graph_iri(path))).parse(path, format="turtle")
result = dataset.query(Path(sys.argv[1]).read_text(encoding="utf-8"))
for row in result:
    print(row)
