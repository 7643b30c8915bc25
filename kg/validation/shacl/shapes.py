"""Reading a SHACL shapes graph into plain Python objects the set-based engine (kg.validation.shacl.engine) evaluates.

Only the parts of SHACL the engine implements are read; a shapes graph that uses anything else raises
UnsupportedShapes, and validation then runs on pySHACL instead (kg.validation), so no constraint is ever
silently skipped. That includes a SHACL-SPARQL constraint that breaks the rule the engine needs to evaluate it
with $this free (kg.validation.shacl.prebinding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import OWL, RDF, RDFS, SH
from ...rdf.sparql_lexer import tokenize
from .prebinding import check_this_rule
from .sparql import UnsupportedQuery, parse_select

RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")

# Parameters that describe a shape rather than constrain it, or belong to another parameter (qualified counts,
# pattern flags): they never make a constraint of their own.
NON_CONSTRAINT = {SH + n for n in (
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "path", "property", "message", "severity",
    "deactivated", "name", "description", "order", "group", "defaultValue", "declare", "prefixes", "flags",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "prefix", "namespace", "select",
    "ignoredProperties")}
# One constraint per value of the parameter (sh:class A, B means two constraints).
PER_VALUE = {SH + n for n in (
    "class", "datatype", "nodeKind", "hasValue", "node", "not", "minCount", "maxCount", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "minLength", "maxLength", "pattern", "lessThan", "lessThanOrEquals", "equals",
    "disjoint", "uniqueLang")}
# The value is an RDF list.
LIST_VALUED = {SH + n for n in ("in", "languageIn", "or", "and", "xone")}
COMPONENT = {  # parameter -> its constraint component, as results name it
    **{p: p[len(SH)].upper() + p[len(SH) + 1:] + "ConstraintComponent" for p in PER_VALUE | LIST_VALUED},
    SH + "qualifiedValueShape": "QualifiedMinCountConstraintComponent",
    SH + "closed": "ClosedConstraintComponent",
    SH + "sparql": "SPARQLConstraintComponent",
}


QUANTIFIERS = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


def substitute(select: str, path_sparql: str | None) -> str:
    """The query text the engine runs: $PATH written out as the shape's path (SPARQL syntax, as Path.sparql
    gives it) and every $variable as a ?variable, so that $this becomes
    ?this and the query can run with it free. The lexer finds the variables: a "$" inside a string or an IRI
    stays as it is. Without a path (a node shape), $PATH is left a variable (the shapes reader refuses it)."""
    out = []
    for token in tokenize(select):
        if token.kind == "var" and token.text == "$PATH" and path_sparql is not None:
            out.append(path_sparql)
        elif token.kind == "var" and token.text.startswith("$"):
            out.append("?" + token.text[1:])
        else:
            out.append(token.text)
    return "".join(out)


class UnsupportedShapes(Exception):
    """The shapes use a SHACL feature the set-based engine does not implement."""


@dataclass(frozen=True)
class Path:
    """A SHACL property path: kind is 'predicate', 'inverse', 'sequence', 'alternative', 'zeroOrMore',
    'oneOrMore' or 'zeroOrOne'; term is the IRI of a predicate path, parts the sub-paths of the others."""

    kind: str
    term: ox.NamedNode | None = None
    parts: tuple[Path, ...] = ()
    node: ox.NamedNode | ox.BlankNode | None = None  # the path's node in the shapes graph

    def sparql(self) -> str:
        if self.kind == "predicate":
            return str(self.term)
        inner = [p.sparql() for p in self.parts]
        if self.kind == "inverse":
            return f"^({inner[0]})" if self.parts[0].kind != "predicate" else f"^{inner[0]}"
        if self.kind == "sequence":
            return "(" + "/".join(inner) + ")"
        if self.kind == "alternative":
            return "(" + "|".join(inner) + ")"
        return f"({inner[0]})" + QUANTIFIERS[self.kind]

    def text(self) -> str:
        """As results show it: the IRI of a predicate path, ^IRI for an inverse one, SPARQL syntax otherwise."""
        if self.kind == "predicate":
            return self.term.value
        if self.kind == "inverse" and self.parts[0].kind == "predicate":
            return "^" + self.parts[0].term.value
        return self.sparql()


@dataclass
class Constraint:
    parameter: str  # full IRI of the parameter, e.g. http://www.w3.org/ns/shacl#class
    value: object  # a term, a tuple of terms (lists), a Shape, a tuple of Shapes, or a SparqlConstraint
    extra: dict = field(default_factory=dict)  # sh:flags, qualified counts

    @property
    def component(self) -> str:
        return COMPONENT[self.parameter]


@dataclass
class SparqlConstraint:
    node: ox.NamedNode | ox.BlankNode
    select: str
    prefixes: str  # PREFIX lines from sh:prefixes/sh:declare
    messages: tuple[ox.Literal, ...]

    def query(self, path: Path | None) -> str:
        """The text the engine runs for a shape with this path: prefixes, $PATH written out, $this as ?this."""
        return self.prefixes + "\n" + substitute(self.select, path.sparql() if path is not None else None)


@dataclass(eq=False)
class Shape:
    node: ox.NamedNode | ox.BlankNode
    path: Path | None = None
    targets: list[tuple[str, ox.NamedNode]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    severity: str = "Violation"
    messages: tuple[ox.Literal, ...] = ()
    deactivated: bool = False

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


@dataclass
class ShapesModel:
    shapes: list[Shape]  # those with targets: where validation starts
    triples: dict  # subject -> predicate -> [objects], to copy blank-node paths into a report


def index_triples(triples: Iterable[ox.Triple]) -> dict:
    """subject -> predicate IRI -> objects: the form read_path and read_sparql_constraint read."""
    index: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        index[t.subject][t.predicate.value].append(t.object)
    return index


def read_path(index: dict, node) -> Path:
    """The SHACL property path at a node of the shapes graph (UnsupportedShapes if it is not one)."""
    return _Reader(index).path(node)


def read_list(index: dict, head) -> tuple:
    """The members of the RDF list starting at head (UnsupportedShapes if it is malformed)."""
    return _Reader(index).rdf_list(head)


def read_sparql_constraint(index: dict, node) -> SparqlConstraint:
    """The SHACL-SPARQL constraint at a node of the shapes graph, the $this rule not yet checked."""
    return _Reader(index).sparql(node)


def read_shapes(triples: Iterable[ox.Triple]) -> ShapesModel:
    index = index_triples(triples)
    reader = _Reader(index)
    starts = [node for node, props in index.items()
              if any(SH + k in props for k in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))
              or implicit_class_target(props)]
    for node, props in index.items():
        # A constraint component declared in the shapes graph has parameters outside sh:, which the reader
        # passes over: refuse, or its constraints would be skipped.
        if props.keys() & {SH + n for n in ("parameter", "validator", "nodeValidator", "propertyValidator")}:
            raise UnsupportedShapes(f"SPARQL-based constraint component at {node}")
    shapes = [reader.shape(node) for node in sorted(starts, key=lambda n: n.value)]
    return ShapesModel(shapes=[s for s in shapes if not s.deactivated], triples=index)


def implicit_class_target(props: dict) -> bool:
    """SHACL 2.1.3.3: a shape that is also a class targets its instances. A node is taken for a shape when it
    is typed as one or has a parameter of SHACL Core (a class with sh:property and no sh:NodeShape is one)."""
    types = {t.value for t in props.get(RDF + "type", ())}
    if not types & {RDFS + "Class", OWL + "Class"}:
        return False
    return bool(types & {SH + "NodeShape", SH + "PropertyShape"}) or any(
        (p.startswith(SH) and p not in NON_CONSTRAINT) or p == SH + "property" for p in props)


class _Reader:
    def __init__(self, index):
        self.index = index
        self.cache: dict = {}

    def values(self, node, name: str) -> list:
        return self.index.get(node, {}).get(SH + name, [])

    def one(self, node, name: str):
        values = self.values(node, name)
        return values[0] if values else None

    def rdf_list(self, head) -> tuple:
        items, seen = [], set()
        while head != RDF_NIL:
            if head in seen or not self.index.get(head, {}).get(RDF + "first"):
                raise UnsupportedShapes(f"malformed RDF list at {head}")
            seen.add(head)
            items.append(self.index[head][RDF + "first"][0])
            rest = self.index[head].get(RDF + "rest")
            if not rest:
                raise UnsupportedShapes(f"malformed RDF list at {head}")
            head = rest[0]
        return tuple(items)

    def path(self, node) -> Path:
        if isinstance(node, ox.NamedNode):
            return Path("predicate", term=node, node=node)
        props = self.index.get(node, {})
        if RDF + "first" in props:
            return Path("sequence", parts=tuple(self.path(p) for p in self.rdf_list(node)), node=node)
        for name in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            if SH + name in props:
                return Path(name.removesuffix("Path") if name != "inversePath" else "inverse",
                            parts=(self.path(props[SH + name][0]),), node=node)
        if SH + "alternativePath" in props:
            return Path("alternative", parts=tuple(self.path(p) for p in self.rdf_list(props[SH + "alternativePath"][0])),
                        node=node)
        raise UnsupportedShapes(f"unknown property path at {node}")

    def shape(self, node, depth: int = 0) -> Shape:
        if node in self.cache:
            return self.cache[node]
        if depth > 32:
            raise UnsupportedShapes(f"shapes nested deeper than 32 levels (recursive?) at {node}")
        props = self.index.get(node, {})
        shape = Shape(node=node)
        self.cache[node] = shape
        shape.deactivated = any(v.value == "true" for v in self.values(node, "deactivated"))
        severity = self.one(node, "severity")
        if severity is not None:
            shape.severity = severity.value.removeprefix(SH)
        shape.messages = tuple(self.values(node, "message"))
        if self.one(node, "path") is not None:
            shape.path = self.path(self.one(node, "path"))
        for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            shape.targets += [(kind, t) for t in self.values(node, kind)]
        if implicit_class_target(props):
            shape.targets.append(("targetClass", node))
        shape.properties = [self.shape(p, depth + 1) for p in self.values(node, "property")]
        for parameter, objects in props.items():
            if not parameter.startswith(SH) or parameter in NON_CONSTRAINT:
                continue
            shape.constraints += self.constraints(node, parameter, objects, depth)
        for constraint in shape.constraints:
            if constraint.parameter == SH + "sparql":
                self.check_this_rule(constraint.value, shape.path)
        return shape

    def constraints(self, node, parameter: str, objects: list, depth: int) -> list[Constraint]:
        if parameter in {SH + "node", SH + "not"}:
            return [Constraint(parameter, self.shape(o, depth + 1)) for o in objects]
        if parameter in PER_VALUE:
            extra = {"flags": self.one(node, "flags").value} if parameter == SH + "pattern" and self.one(node, "flags") else {}
            return [Constraint(parameter, o, extra) for o in objects]
        if parameter in {SH + "or", SH + "and", SH + "xone"}:
            return [Constraint(parameter, tuple(self.shape(m, depth + 1) for m in self.rdf_list(o))) for o in objects]
        if parameter in LIST_VALUED:
            return [Constraint(parameter, self.rdf_list(o)) for o in objects]
        if parameter == SH + "qualifiedValueShape":
            extra: dict = {name: int(self.one(node, name).value) for name in ("qualifiedMinCount", "qualifiedMaxCount")
                           if self.one(node, name) is not None}
            if any(v.value == "true" for v in self.values(node, "qualifiedValueShapesDisjoint")):
                extra["siblings"] = tuple(self.shape(q, depth + 1) for q in self.siblings(node, objects))
            return [Constraint(parameter, self.shape(o, depth + 1), extra) for o in objects]
        if parameter == SH + "closed":
            if not any(o.value == "true" for o in objects):
                return []
            allowed: set = set()
            for prop in self.values(node, "property"):
                allowed |= {p.value for p in self.values(prop, "path") if isinstance(p, ox.NamedNode)}
            for head in self.values(node, "ignoredProperties"):
                allowed |= {p.value for p in self.rdf_list(head) if isinstance(p, ox.NamedNode)}
            return [Constraint(parameter, objects[0], {"allowed": frozenset(allowed)})]
        if parameter == SH + "sparql":
            return [Constraint(parameter, self.sparql(o)) for o in objects]
        raise UnsupportedShapes(f"{parameter} at {node} is not implemented by the set-based engine")

    def siblings(self, node, own: list) -> list:
        """SHACL 4.7.3: the sh:qualifiedValueShape of the other property shapes of every shape that has this
        one as an sh:property."""
        parents = [s for s, props in self.index.items() if node in props.get(SH + "property", ())]
        return list(dict.fromkeys(q for parent in parents for prop in self.values(parent, "property") if prop != node
                                  for q in self.values(prop, "qualifiedValueShape") if q not in own))

    def sparql(self, node) -> SparqlConstraint:
        select = self.one(node, "select")
        if select is None or any(self.values(node, "deactivated")):
            raise UnsupportedShapes(f"SPARQL constraint {node} without sh:select, or deactivated")
        if "$currentShape" in select.value or "$shapesGraph" in select.value:
            raise UnsupportedShapes(f"SPARQL constraint {node} uses $currentShape or $shapesGraph")
        lines = []
        for ontology in self.values(node, "prefixes"):
            for declaration in self.values(ontology, "declare"):
                lines.append(f"PREFIX {self.one(declaration, 'prefix').value}: <{self.one(declaration, 'namespace').value}>")
        return SparqlConstraint(node=node, select=select.value, prefixes="\n".join(lines),
                                messages=tuple(self.values(node, "message")))

    def check_this_rule(self, constraint: SparqlConstraint, path: Path | None) -> None:
        if path is None and any(t.kind == "var" and t.text[1:] == "PATH" for t in tokenize(constraint.select)):
            raise UnsupportedShapes(f"SPARQL constraint {constraint.node} uses $PATH in a node shape")
        try:
            check_this_rule(parse_select(constraint.query(path)))
        except UnsupportedQuery as e:
            raise UnsupportedShapes(f"SPARQL constraint {constraint.node}: {e}") from e
