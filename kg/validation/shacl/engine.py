"""A set-based SHACL engine on an Oxigraph store.

pySHACL walks the data one focus node at a time through rdflib: at national scale (1,741 municipalities,
3,482 plans) that took 871 s. This engine evaluates each constraint once for all focus nodes of a shape: value
nodes come from one scan of the store per path, class membership from one query per class, nested shapes
(sh:node, sh:or, sh:qualifiedValueShape ...) are evaluated once on the set of distinct value nodes (a handful of
SKOS concepts, for most), and each SHACL-SPARQL constraint runs once with $this left free and its rows are
filtered to the focus nodes.

It implements the SHACL Core and SHACL-SPARQL features kg.validation.shacl.shapes reads, and reports results as pySHACL
does (tests/test_shacl_engine.py compares the two on every shape fixture, the seed data and a generated
nation). A SPARQL constraint runs with $this free only if it keeps the rule kg.validation.shacl.prebinding
states (it binds ?this in its top-level pattern before anything reads it, and uses nothing that pre-binding
would change): it then returns exactly the rows it returns with $this pre-bound. The reader refuses any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ...namespaces import XSD
from .shapes import SH, Path, Shape, ShapesModel, SparqlConstraint, UnsupportedShapes

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFAULT_GRAPH = ox.DefaultGraph()
_DECIMALS = {XSD + t for t in (
    "decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + "double", XSD + "float"}
# Ordered by their lexical form when both sides have the same datatype (fixed-width years, no time zones mixed).
_LEXICALLY_ORDERED = {XSD + t for t in ("string", "date", "dateTime", "gYear", "gYearMonth", "time")}
_NODE_KINDS = {
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


@dataclass(frozen=True)
class Result:
    focus: object
    path: Path | None
    value: object | None
    shape: Shape
    component: str
    severity: str
    messages: tuple[ox.Literal, ...]


def validate_store(store: ox.Store, model: ShapesModel) -> list[Result]:
    """Every validation result for the data in the store's default graph."""
    engine = _Engine(store)
    results: list[Result] = []
    for shape in model.shapes:
        focus = engine.targets(shape)
        if focus:
            results += engine.evaluate(shape, focus)
    return results


class _Engine:
    def __init__(self, store: ox.Store):
        self.store = store
        self._pairs: dict[str, dict] = {}
        self._instances: dict[ox.NamedNode, set] = {}

    # -- reading the data -------------------------------------------------------------------------------------

    def _subjects_objects(self, predicate: ox.NamedNode):
        for quad in self.store.quads_for_pattern(None, predicate, None, DEFAULT_GRAPH):
            yield quad.subject, quad.object

    def pairs(self, path: Path) -> dict:
        """focus node -> its value nodes (an insertion-ordered dict used as a set), for every node in the store."""
        key = path.sparql()
        if key not in self._pairs:
            out: dict = {}
            if path.kind == "predicate":
                for s, o in self._subjects_objects(path.term):
                    out.setdefault(s, {})[o] = None
            elif path.kind == "inverse" and path.parts[0].kind == "predicate":
                for s, o in self._subjects_objects(path.parts[0].term):
                    out.setdefault(o, {})[s] = None
            else:
                for row in self.store.query(f"SELECT ?f ?v WHERE {{ ?f {key} ?v }}"):
                    out.setdefault(row["f"], {})[row["v"]] = None
            self._pairs[key] = out
        return self._pairs[key]

    def objects(self, node, predicate: ox.NamedNode) -> list:
        return list(self.pairs(Path("predicate", term=predicate)).get(node, ()))

    def instances(self, cls: ox.NamedNode) -> set:
        """SHACL instances: rdf:type of the class or of a subclass (rdfs:subClassOf in the data graph)."""
        if cls not in self._instances:
            rows = self.store.query(
                f"SELECT DISTINCT ?s WHERE {{ ?s <{RDF_TYPE.value}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls} }}")
            self._instances[cls] = {row["s"] for row in rows}
        return self._instances[cls]

    def targets(self, shape: Shape) -> list:
        focus: dict = {}
        for kind, term in shape.targets:
            if kind == "targetClass":
                nodes = self.instances(term)
            elif kind == "targetNode":
                nodes = [term]
            elif kind == "targetSubjectsOf":
                nodes = self.pairs(Path("predicate", term=term)).keys()
            else:
                nodes = {o: None for values in self.pairs(Path("predicate", term=term)).values() for o in values}
            focus.update(dict.fromkeys(nodes))
        return list(focus)

    # -- evaluating -------------------------------------------------------------------------------------------

    def value_nodes(self, shape: Shape, focus: list) -> dict:
        if shape.path is None:
            return {f: [f] for f in focus}
        pairs = self.pairs(shape.path)
        return {f: list(pairs.get(f, ())) for f in focus}

    def conforming(self, shape: Shape, nodes) -> set:
        nodes = set(nodes)
        return nodes - {r.focus for r in self.evaluate(shape, list(nodes))}

    def evaluate(self, shape: Shape, focus: list) -> list[Result]:
        if shape.deactivated or not focus:
            return []
        values = self.value_nodes(shape, focus)
        results: list[Result] = []
        for constraint in shape.constraints:
            name = constraint.parameter.removeprefix(SH)  # each method is named after its SHACL parameter
            results += getattr(self, f"_{name}")(shape, constraint, focus, values)
        for prop in shape.properties:
            results += self.evaluate(prop, focus)
        return results

    def _result(self, shape: Shape, component: str, focus, value=None, path: Path | None = None,
                messages: tuple = ()) -> Result:
        return Result(focus=focus, path=path or shape.path, value=value, shape=shape, component=component,
                      severity=shape.severity, messages=messages or shape.messages)

    def _each_value(self, shape, constraint, values, passes) -> list[Result]:
        """A result for every value node that fails `passes` (one call per distinct node, cached)."""
        verdict: dict = {}
        out = []
        for f, vs in values.items():
            for v in vs:
                if v not in verdict:
                    verdict[v] = passes(v)
                if not verdict[v]:
                    out.append(self._result(shape, constraint.component, f, v))
        return out

    def _with_shapes(self, shape, constraint, values, accept) -> list[Result]:
        """Value-node constraints over shapes (node, not, and, or, xone): each member shape is evaluated once on
        the set of distinct value nodes; `accept` turns the number of members a node conforms to into a verdict."""
        members = constraint.value if isinstance(constraint.value, tuple) else (constraint.value,)
        distinct = {v for vs in values.values() for v in vs}
        conforming = [self.conforming(m, distinct) for m in members]
        return self._each_value(shape, constraint, values,
                                lambda v: accept(sum(v in c for c in conforming), len(members)))

    # value-node constraints
    def _class(self, shape, constraint, focus, values):
        members = self.instances(constraint.value)
        return self._each_value(shape, constraint, values, lambda v: v in members)

    def _datatype(self, shape, constraint, focus, values):
        wanted = constraint.value.value
        return self._each_value(shape, constraint, values,
                                lambda v: isinstance(v, ox.Literal) and v.datatype.value == wanted)

    def _nodeKind(self, shape, constraint, focus, values):
        kinds = _NODE_KINDS[constraint.value.value.removeprefix(SH)]
        return self._each_value(shape, constraint, values, lambda v: isinstance(v, kinds))

    def _in(self, shape, constraint, focus, values):
        allowed = set(constraint.value)
        return self._each_value(shape, constraint, values, lambda v: v in allowed)

    def _pattern(self, shape, constraint, focus, values):
        flags = 0
        for letter in constraint.extra.get("flags", ""):
            flags |= _REGEX_FLAGS.get(letter, 0)
        regex = re.compile(constraint.value.value, flags)
        return self._each_value(shape, constraint, values,
                                lambda v: not isinstance(v, ox.BlankNode) and regex.search(v.value) is not None)

    def _languageIn(self, shape, constraint, focus, values):
        ranges = [r.value.lower() for r in constraint.value]

        def matches(v) -> bool:
            tag = (v.language or "").lower() if isinstance(v, ox.Literal) else ""
            return bool(tag) and any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)

        return self._each_value(shape, constraint, values, matches)

    def _minLength(self, shape, constraint, focus, values):
        n = int(constraint.value.value)
        return self._each_value(shape, constraint, values, lambda v: not isinstance(v, ox.BlankNode) and len(v.value) >= n)

    def _maxLength(self, shape, constraint, focus, values):
        n = int(constraint.value.value)
        return self._each_value(shape, constraint, values, lambda v: not isinstance(v, ox.BlankNode) and len(v.value) <= n)

    def _bound(self, shape, constraint, values, holds):
        bound = constraint.value
        return self._each_value(shape, constraint, values, lambda v: _compare(bound, v, holds))

    def _minInclusive(self, shape, constraint, focus, values):
        return self._bound(shape, constraint, values, lambda bound, v: bound <= v)

    def _minExclusive(self, shape, constraint, focus, values):
        return self._bound(shape, constraint, values, lambda bound, v: bound < v)

    def _maxInclusive(self, shape, constraint, focus, values):
        return self._bound(shape, constraint, values, lambda bound, v: v <= bound)

    def _maxExclusive(self, shape, constraint, focus, values):
        return self._bound(shape, constraint, values, lambda bound, v: v < bound)

    def _node(self, shape, constraint, focus, values):
        return self._with_shapes(shape, constraint, values, lambda hits, _n: hits == 1)

    def _not(self, shape, constraint, focus, values):
        return self._with_shapes(shape, constraint, values, lambda hits, _n: hits == 0)

    def _and(self, shape, constraint, focus, values):
        return self._with_shapes(shape, constraint, values, lambda hits, n: hits == n)

    def _or(self, shape, constraint, focus, values):
        return self._with_shapes(shape, constraint, values, lambda hits, _n: hits >= 1)

    def _xone(self, shape, constraint, focus, values):
        return self._with_shapes(shape, constraint, values, lambda hits, _n: hits == 1)

    # constraints on the set of value nodes of each focus node
    def _minCount(self, shape, constraint, focus, values):
        n = int(constraint.value.value)
        return [self._result(shape, constraint.component, f) for f, vs in values.items() if len(vs) < n]

    def _maxCount(self, shape, constraint, focus, values):
        n = int(constraint.value.value)
        return [self._result(shape, constraint.component, f) for f, vs in values.items() if len(vs) > n]

    def _hasValue(self, shape, constraint, focus, values):
        return [self._result(shape, constraint.component, f) for f, vs in values.items() if constraint.value not in vs]

    def _uniqueLang(self, shape, constraint, focus, values):
        if constraint.value.value != "true":
            return []
        out = []
        for f, vs in values.items():
            tags = [v.language.lower() for v in vs if isinstance(v, ox.Literal) and v.language]
            out += [self._result(shape, constraint.component, f) for tag in sorted(set(tags)) if tags.count(tag) > 1]
        return out

    def _qualifiedValueShape(self, shape, constraint, focus, values):
        distinct = {v for vs in values.values() for v in vs}
        conforming = self.conforming(constraint.value, distinct)
        out = []
        low, high = constraint.extra.get("qualifiedMinCount"), constraint.extra.get("qualifiedMaxCount")
        for f, vs in values.items():
            count = sum(v in conforming for v in vs)
            if low is not None and count < low:
                out.append(self._result(shape, "QualifiedMinCountConstraintComponent", f))
            if high is not None and count > high:
                out.append(self._result(shape, "QualifiedMaxCountConstraintComponent", f))
        return out

    # property pair constraints: the values of the path against the values of another property of the focus node
    def _pair(self, shape, constraint, values, check) -> list[Result]:
        out = []
        for f, vs in values.items():
            others = self.objects(f, constraint.value)
            for value in check(vs, others):
                out.append(self._result(shape, constraint.component, f, value))
        return out

    def _equals(self, shape, constraint, focus, values):
        return self._pair(shape, constraint, values,
                          lambda vs, os: [v for v in vs if v not in os] + [o for o in os if o not in vs])

    def _disjoint(self, shape, constraint, focus, values):
        return self._pair(shape, constraint, values, lambda vs, os: [v for v in vs if v in os])

    def _lessThan(self, shape, constraint, focus, values):
        return self._pair(shape, constraint, values,
                          lambda vs, os: [v for v in vs for o in os if not _compare(o, v, lambda o_, v_: v_ < o_)])

    def _lessThanOrEquals(self, shape, constraint, focus, values):
        return self._pair(shape, constraint, values,
                          lambda vs, os: [v for v in vs for o in os if not _compare(o, v, lambda o_, v_: v_ <= o_)])

    # SHACL-SPARQL
    def _sparql(self, shape, constraint, focus, values):
        sparql: SparqlConstraint = constraint.value
        wanted = set(focus)
        out, seen = [], set()
        for row in self.store.query(sparql.query(shape.path)):
            if tuple(row) in seen:  # pySHACL reports a row that repeats another once
                continue
            seen.add(tuple(row))
            this = row["this"]
            if this is None:
                # The reader checked that the query binds ?this (kg.validation.shacl.prebinding): a row without it
                # would be a result for no focus node, so fail rather than drop it.
                raise UnsupportedShapes(f"SPARQL constraint {sparql.node} returned a row without $this")
            if this not in wanted:  # run with ?this free, the query answers for every node it binds
                continue
            path = _bound_or_none(row, "path")
            value = _bound_or_none(row, "value")
            if value is None and shape.path is None:
                value = this
            out.append(self._result(shape, constraint.component, this, value,
                                    path=Path("predicate", term=path) if isinstance(path, ox.NamedNode) else None,
                                    messages=sparql.messages))
        return out


def _bound_or_none(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _comparable(term):
    """(kind, value) for a literal the order constraints can compare, else None."""
    if not isinstance(term, ox.Literal) or term.language:
        return None
    datatype = term.datatype.value
    try:
        if datatype in _DECIMALS:
            return "number", Decimal(term.value.strip())
        if datatype in _FLOATS:
            return "number", float(term.value.strip().replace("INF", "inf"))
    except (InvalidOperation, ValueError):
        return None
    if datatype in _LEXICALLY_ORDERED:
        return datatype, term.value
    return None


def _compare(bound, value, holds) -> bool:
    """holds(bound, value) when both are comparable values of one kind; False (a violation) otherwise."""
    a, b = _comparable(bound), _comparable(value)
    if a is None or b is None or a[0] != b[0]:
        return False
    return bool(holds(a[1], b[1]))
