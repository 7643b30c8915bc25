"""Questions about one municipality, evaluated on that municipality's graphs.

Oxigraph as packaged for Python evaluates an OPTIONAL, UNION or subquery on its own and joins it by hashing (the
lateral joins that would let it start from one municipality's plans are a build feature the wheels leave out), so
a question about one municipality costs time in proportion to the whole graph: at national scale, every plan tree.
(Triple patterns of one group are joined by looking each row up, one index seek per graph of the default graph:
hence the few graphs below, and the municipality given as a code, kg.query.municipalities.) A named query
that declares `#+ scope: <parameter>` is run with FROM clauses naming the graphs that can hold its answer: the
municipality's own plan and classification files, the reference data, the ontology and vocabularies, any data
file about no municipality in particular, the inferred graphs of those files and the residual inferred graph.
The same text runs on a SPARQL server.

The build records which municipalities each graph is about (manifest.json: a file stating a plan of the
municipality, or a file whose links lead to such a file) and the municipalities' names and codes, so scoping
costs no query. tests/test_scoping.py checks that every scoped question gives the same answer either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import RDF_TYPE
from ..rdf.sparql_lexer import significant, tokenize

TYPE = ox.NamedNode(RDF_TYPE)


def scope_graphs(manifest: BuildManifest, codes: list[str], *, contents: GraphContents | None = None,
                 terms: set[str] | None = None) -> list[str]:
    """The graphs a question about the municipalities `codes` needs. Codes of no municipality get the shared
    graphs only: the question finds nothing there, as on the whole graph, but fast (a stranger's name in the API
    must not cost a national scan).

    With `contents` and the query's `terms` (named_terms), the graphs that hold none of the terms as a predicate
    or a type are left out, the municipality's own as well as those shared by every scope (ontology, reference
    data, files about no municipality, their inferred graphs): they cannot match any triple pattern, and each
    graph in a FROM clause costs the on-disk store an index seek per row looked up (about 3 ms per graph for a
    plan tree at national scale)."""
    index = _index(manifest)
    seen: set[int] = set()
    own = []
    for code in codes:
        for at in index.by_code.get(code, ()):
            if at not in seen:
                seen.add(at)
                own.append(at)
    own = [manifest.graphs[at] for at in sorted(own)]  # in the manifest's order, as one scan would list them
    shared = index.shared
    graphs = [g.iri for g in own] + [g.iri for g in shared]
    inferred = [g.inferred.iri for g in own + shared if g.inferred] + [manifest.inferred_graph]
    if contents is None or terms is None:
        return graphs + inferred
    kept = [g for g in graphs + inferred if contents.holds_any(g, terms)]
    # Nothing can match: one graph keeps the FROM clause (and the answer empty) rather than the whole store.
    return kept or [manifest.inferred_graph]


@dataclass(frozen=True)
class _ScopeIndex:
    by_code: dict[str, list[int]]   # code -> positions in manifest.graphs of the graphs about it
    shared: list                    # the graphs about no municipality: in every scope


_last_index: tuple[BuildManifest, _ScopeIndex] | None = None


def _index(manifest: BuildManifest) -> _ScopeIndex:
    """The manifest's graphs by municipality, made once per manifest: a national build lists 10,000 graphs, and
    scanning them took a third of an API call's own time. One manifest is remembered (a server serves one
    build at a time; a new one replaces it)."""
    global _last_index
    remembered = _last_index
    if remembered is not None and remembered[0] is manifest:
        return remembered[1]
    by_code: dict[str, list[int]] = {}
    shared = []
    for at, graph in enumerate(manifest.graphs):
        # Files about no municipality (ontology, reference data, anything else) belong to every scope.
        if not graph.municipalities:
            shared.append(graph)
        for code in dict.fromkeys(graph.municipalities or ()):
            by_code.setdefault(code, []).append(at)
    index = _ScopeIndex(by_code, shared)
    _last_index = (manifest, index)
    return index


class GraphContents:
    """Whether a graph of the build holds a predicate, or a resource of a class: asked of the store once per
    graph and term, then remembered (a build never changes; kg serve keeps one per build)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._known: dict[tuple[str, str, str], bool] = {}

    def holds_any(self, graph: str, terms: set[str]) -> bool:
        """Whether the graph holds a triple whose predicate is one of the terms, or, when the terms include
        rdf:type, a resource of a class among them (a scoped question's `a` patterns name their class, so a graph
        with other types only cannot match them)."""
        predicates = sorted(terms - {RDF_TYPE})
        classes = sorted(terms) if RDF_TYPE in terms else []
        return (any(self._holds(graph, "predicate", term) for term in predicates)
                or any(self._holds(graph, "type", term) for term in classes))

    def _holds(self, graph: str, position: str, term: str) -> bool:
        key = (graph, position, term)
        if key not in self._known:
            node = ox.NamedNode(term)
            pattern = (None, node, None) if position == "predicate" else (None, TYPE, node)
            self._known[key] = next(self.store.quads_for_pattern(*pattern, ox.NamedNode(graph)), None) is not None
        return self._known[key]


def named_terms(text: str) -> set[str] | None:
    """Every IRI the query text names (prefixed names expanded; `a` is rdf:type), or None when that cannot be
    told from the text (a BASE, an undeclared prefix).

    For a scoped question, whose triple patterns name their predicates (no variable, no negated path) and the
    classes they ask for (tests/test_scoping.py checks every one in the catalogue), this holds every predicate
    and class a graph must contain to match any of its patterns."""
    tokens = significant(tokenize(text))
    prefixes: dict[str, str] = {}
    declarations: set[int] = set()  # positions of the prefix declarations' names and IRIs: not terms
    for at, (first, name, iri) in enumerate(zip(tokens, tokens[1:], tokens[2:], strict=False)):
        if first.kind == "word" and first.text.upper() == "PREFIX" and name.kind == "pname" and iri.kind == "iri":
            prefixes[name.text.partition(":")[0]] = iri.text[1:-1]
            declarations |= {at + 1, at + 2}
    terms: set[str] = set()
    for at, token in enumerate(tokens):
        if at in declarations:
            continue
        if token.kind == "word" and token.text.upper() == "BASE":
            return None
        if token.kind == "iri":
            terms.add(token.text[1:-1])
        elif token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in prefixes or "\\" in local:
                return None  # undeclared, or an escaped local name we would have to unescape
            terms.add(prefixes[prefix] + local)
        elif token.kind == "word" and token.text == "a":
            terms.add(RDF_TYPE)
    return terms


def with_from_clauses(text: str, graphs: list[str], *, bound: str | None = None) -> str:
    """The query with `FROM <graph>` lines before its WHERE (or its first top-level `{` that is not a CONSTRUCT
    template: the dataset clause comes after the template). `bound`: the same text
    with its parameters' VALUES block opening the WHERE group (kg.query.params.bound_query_text), which leaves
    everything before that group where it was: the place is found in `text`, whose tokens are remembered (a
    named query's), and the lines go into `bound`."""
    at = from_clause_position(text)
    target = text if bound is None else bound
    return target if at is None else _insert(target, at, graphs)


def from_clause_position(text: str) -> int | None:
    depth = 0
    template = False  # inside `CONSTRUCT { … }`, whose group is the template, not the pattern
    for token in significant(tokenize(text)):
        word = token.text.upper() if token.kind == "word" else ""
        if token.text == "{":
            if depth == 0 and not template:
                return token.start
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                template = False
        elif depth == 0 and word == "WHERE":
            return token.start
        elif depth == 0 and word == "CONSTRUCT":
            template = True
    return None


def _insert(text: str, at: int, graphs: list[str]) -> str:
    clauses = "".join(f"FROM <{g}>\n" for g in graphs)
    return text[:at] + clauses + text[at:]
