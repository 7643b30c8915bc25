"""Why maplib's answers to question 05 vary from run to run: a three-triple reproduction, against Oxigraph.

Issue 23 asked whether maplib (a SPARQL engine on Polars dataframes) could answer the national aggregates; on the
seed data its answer to 05 had 6, 8 or 10 rows from one run to the next (Oxigraph: 8). The construct is a FILTER
that compares COALESCE of an OPTIONAL variable whose values are IRIs with a string:

    OPTIONAL { ?s ex:p ?o }  FILTER(COALESCE(?o, "none") = "none")        keeps ?s whose ?o is an IRI: wrong, every run
    OPTIONAL { ?s ex:p ?o }  FILTER(STR(COALESCE(?o, "none")) = "none")   keeps them in some runs only

(05 pairs a baseline and a target of the same breakdown with STR(COALESCE(?bb, "none")) = STR(COALESCE(?tb,
"none")).) Written with BOUND instead (FILTER(!BOUND(?o))), maplib answers as Oxigraph, in every run. maplib is
not a dependency of kg: `pip install maplib` to run this (`python bench/maplib_probe.py [--runs N]`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

DATA = """<http://ex/t1> <http://ex/p> <http://ex/a> .
<http://ex/t2> <http://ex/q> "x" .
<http://ex/t3> <http://ex/q> "y" .
"""
QUERIES = {
    "COALESCE(optional IRI) = string": 'SELECT ?s WHERE { ?s ?any ?v OPTIONAL { ?s <http://ex/p> ?o } '
                                       'FILTER(COALESCE(?o, "none") = "none") }',
    "STR(COALESCE(optional IRI)) = string": 'SELECT ?s WHERE { ?s ?any ?v OPTIONAL { ?s <http://ex/p> ?o } '
                                            'FILTER(STR(COALESCE(?o, "none")) = "none") }',
    "STR(COALESCE(optional IRI)) = the IRI's string": 'SELECT ?s WHERE { ?s ?any ?v OPTIONAL { ?s <http://ex/p> ?o } '
                                                      'FILTER(STR(COALESCE(?o, "none")) = "http://ex/a") }',
    "the same with BOUND": 'SELECT ?s WHERE { ?s ?any ?v OPTIONAL { ?s <http://ex/p> ?o } FILTER(!BOUND(?o)) }',
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each query on one loaded maplib model")
    args = parser.parse_args(argv)
    try:
        from maplib import Model
    except ImportError:
        print("maplib is not installed (pip install maplib): nothing to probe", file=sys.stderr)
        return 2
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "tiny.nt"
        data.write_text(DATA, encoding="utf-8")
        model = Model()
        model.read(str(data))
        store = ox.Store()
        store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    differs = False
    for name, query in QUERIES.items():
        expected = tuple(sorted(str(row["s"]) for row in store.query(query)))
        answers = set()
        for _ in range(args.runs):
            frame = model.query(query)
            answers.add(tuple(sorted(frame["s"].to_list())) if frame.height else ())
        same = answers == {expected}
        differs |= not same
        print(f"{'same' if same else 'DIFFERS'}  {name}: Oxigraph {list(expected)}; maplib in {args.runs} runs: "
              f"{[list(a) for a in sorted(answers)]}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
