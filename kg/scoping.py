"""Questions about one municipality, evaluated on that municipality's graphs.

Oxigraph as packaged for Python evaluates an OPTIONAL, UNION or subquery on its own and joins it by hashing (the
lateral joins that would let it start from one municipality's plans are a build feature the wheels leave out), so
a question about one municipality costs time in proportion to the whole graph: at national scale, every plan tree.
(Triple patterns of one group are joined by looking each row up, one index seek per graph of the default graph:
hence the few graphs below, and the municipality given as a code, kg.municipality_param.) A named query
that declares `#+ scope: <parameter>` is run with FROM clauses naming the graphs that can hold its answer: the
municipality's own plan and classification files, the reference data, the ontology and vocabularies, any data
file about no municipality in particular, the inferred graphs of those files and the residual inferred graph.
The same text runs on a SPARQL server.

The build records which municipalities each graph is about (manifest.json: a file stating a plan of the
municipality, or a file whose links lead to such a file) and the municipalities' names and codes, so scoping
costs no query. tests/test_scoping.py checks that every scoped question gives the same answer either way.
"""

from __future__ import annotations

import pyoxigraph as ox

from .municipality_param import codes_in_manifest, codes_in_store, resolve_scope, scope_variable
from .sparql_text import significant, tokenize, uses_from

JPP = "https://w3id.org/jp-plan-kg/ontology#"
MUNICIPALITY = ox.NamedNode(JPP + "municipality")
CODE = ox.NamedNode(JPP + "localGovernmentCode")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TYPE = ox.NamedNode(RDF_TYPE)


def codes_of_municipalities(graphs) -> dict:
    """Municipality node -> its local government code, from every graph's jpp:localGovernmentCode."""
    return {t.subject: t.object.value for g in graphs for t in g.triples
            if t.predicate == CODE and isinstance(t.object, ox.Literal)}


def plans_of(triples, code_of: dict) -> list[str]:
    """The codes of the municipalities whose plans these triples state (`?plan jpp:municipality ?m`)."""
    return sorted({code_of[t.object] for t in triples if t.predicate == MUNICIPALITY and t.object in code_of})


def about(own: dict, dependencies: dict, path) -> list[str]:
    """The municipalities a file is about: those whose plans it states or the files its links lead to state."""
    codes = set(own.get(path, ()))
    for other in dependencies.get(path, ()):
        codes |= set(own.get(other, ()))
    return sorted(codes)


def municipality_index(dataset, dependencies: dict) -> tuple[dict[str, list[str]], dict[str, list[str]], dict]:
    """(graph IRI -> codes of the municipalities it is about, name or code -> codes, file -> codes of the
    municipalities whose plans it states), from the parsed dataset.

    A graph states a plan of a municipality (`?plan jpp:municipality ?m`), or its links lead to a file that does
    (a classification file, a strategy citing its comprehensive plan): `dependencies` are those links, by file.
    """
    code_of = codes_of_municipalities(dataset.graphs)
    names: dict[str, set[str]] = {}
    for g in dataset.graphs:
        for t in g.triples:
            if t.predicate == LABEL and t.subject in code_of and isinstance(t.object, ox.Literal):
                names.setdefault(t.object.value, set()).add(code_of[t.subject])
    for code in code_of.values():
        names.setdefault(code, set()).add(code)
    own = {g.path: plans_of(g.triples, code_of) for g in dataset.graphs}
    by_graph = {g.iri: about(own, dependencies, g.path) for g in dataset.graphs if g.kind != "ontology"}
    return by_graph, {name: sorted(codes) for name, codes in names.items()}, own


def scope_graphs(manifest: dict, value: str | list[str], *, contents: GraphContents | None = None,
                 terms: set[str] | None = None) -> list[str] | None:
    """The graphs a question about the municipality `value` (name or code, or several codes) needs; None when
    the build does not say (built before scoping existed). A value naming no municipality gets the shared graphs
    only: the question finds nothing there, as on the whole graph, but fast (a stranger's name in the API must
    not cost a national scan).

    With `contents` and the query's `terms` (named_terms), the graphs that hold none of the terms as a predicate
    or a type are left out, the municipality's own as well as those shared by every scope (ontology, reference
    data, files about no municipality, their inferred graphs): they cannot match any triple pattern, and each
    graph in a FROM clause costs the on-disk store an index seek per row looked up (about 3 ms per graph for a
    plan tree at national scale)."""
    names = manifest.get("municipality_names")
    values = [value] if isinstance(value, str) else value
    if names is None:
        return None
    wanted = {code for v in values for code in names.get(v, ())}
    own, shared = [], []
    for graph in manifest.get("graphs", []):
        codes = graph.get("municipalities")
        # Files about no municipality (ontology, reference data, anything else) belong to every scope.
        if codes and wanted & set(codes):
            own.append(graph)
        elif not codes:
            shared.append(graph)
    graphs = [g["iri"] for g in own] + [g["iri"] for g in shared]
    inferred = [g["inferred"]["iri"] for g in own + shared if g.get("inferred")] + [manifest["inferred_graph"]]
    if contents is None or terms is None:
        return graphs + inferred
    kept = [g for g in graphs + inferred if contents.holds_any(g, terms)]
    # Nothing can match: one graph keeps the FROM clause (and the answer empty) rather than the whole store.
    return kept or [manifest["inferred_graph"]]


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
    for at, (first, name, iri) in enumerate(zip(tokens, tokens[1:], tokens[2:])):
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


def with_from_clauses(text: str, graphs: list[str]) -> str:
    """The query with `FROM <graph>` lines before its WHERE (or its first top-level `{`)."""
    depth = 0
    for token in significant(tokenize(text)):
        if token.text == "{":
            if depth == 0:
                return _insert(text, token.start, graphs)
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif token.kind == "word" and token.text.upper() == "WHERE" and depth == 0:
            return _insert(text, token.start, graphs)
    return text


def _insert(text: str, at: int, graphs: list[str]) -> str:
    clauses = "".join(f"FROM <{g}>\n" for g in graphs)
    return text[:at] + clauses + text[at:]


def scoped(manifest: dict, query, bindings: dict, contents: GraphContents | None = None) -> list[str] | None:
    """The graphs to run a named query on, or None to run it on everything (not scoped, or not resolvable)."""
    variable = scope_variable(query)
    if variable is None or variable not in bindings or uses_from(query.text):
        return None  # a query naming its own graphs keeps them
    value = bindings[variable]
    values = [term.value for term in value] if isinstance(value, list) else value.value
    return scope_graphs(manifest, values, contents=contents, terms=named_terms(query.text))


def named_query_text(query, bindings: dict, manifest: dict | None = None, contents: GraphContents | None = None) -> str:
    """A named query's text with its parameters bound (a VALUES block), and FROM clauses naming the graphs of
    its municipality when the query is scoped and the build says which graphs those are (without the shared
    graphs that cannot match, when `contents` can tell)."""
    from .querying import bound_query_text

    by_store = codes_in_store(contents.store) if contents is not None else (lambda name: [])
    bindings = resolve_scope(query, bindings, codes_in_manifest(manifest, by_store))
    graphs = scoped(manifest, query, bindings, contents) if manifest else None
    return bound_query_text(with_from_clauses(query.text, graphs) if graphs else query.text, bindings)
