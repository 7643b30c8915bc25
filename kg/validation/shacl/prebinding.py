"""The rule a SHACL-SPARQL constraint must keep for the set-based engine to evaluate it with $this free
(check_this_rule, on the tree kg.validation.shacl.sparql parses).

SHACL evaluates a constraint with $this pre-bound to one focus node at a time (SHACL 1.0, 5.3.1 and appendix
A). The set-based engine runs it once with ?this free and keeps the rows whose ?this is a focus node; that
gives the same rows only when the query binds ?this itself, in its top-level pattern, before anything else
reads it. The rule:

- the query projects ?this (SHACL 5.1: "must project the variable this"), and never assigns it (`AS ?this`);
- it uses none of MINUS, VALUES, SERVICE or a sub-SELECT (SHACL forbids the first three with pre-binding and
  asks sub-SELECTs to return $this; they are refused here outright), nor GRAPH, aggregates, GROUP BY, HAVING,
  LIMIT or OFFSET (a LIMIT counts rows over all focus nodes instead of per node), nor a function other than
  the built-in ones and XSD casts (Oxigraph would evaluate it to an error, and a FILTER to false); the parser
  refuses most of these already;
- its WHERE pattern certainly binds ?this: a triple pattern with ?this in it, in the top-level group or in
  nested groups joined with it, or in every branch of a UNION (a path that can match zero steps, `p*`, binds
  every node to itself only when the node is in the data, so it does not count on its own);
- ?this is read (in a FILTER, BIND, OPTIONAL or EXISTS) only where the pattern evaluated before it already
  binds ?this: a FILTER of the group that binds it, an OPTIONAL after it, an EXISTS under such a FILTER.

The shapes reader (kg.validation.shacl.shapes) refuses a constraint that breaks it, and pySHACL validates.
"""

from __future__ import annotations

from ...namespaces import XSD
from .sparql import (
    THIS,
    Bind,
    Expression,
    Filter,
    Group,
    OptionalPattern,
    SelectQuery,
    Triple,
    UnionPattern,
    UnsupportedQuery,
    nullable,
)

# How a pattern treats ?this: not at all (FREE); binds it in every row (BINDS); or matches it only together
# with a pattern that binds it (JOINS: a path that can match zero steps). Reading it unbound raises.
FREE, BINDS, JOINS = "free", "binds", "joins"


def check_this_rule(query: SelectQuery) -> None:
    """Raise UnsupportedQuery unless running the query with ?this free and keeping the rows of the focus nodes
    gives what pre-binding $this to each focus node gives (the rule in the module's docstring)."""
    if query.projection is not None and "this" not in query.projection:
        raise UnsupportedQuery("the SELECT does not project $this")
    for assignment in query.assignments:
        if assignment.variable == "this":
            raise UnsupportedQuery("the SELECT assigns $this (AS ?this)")
        _check_expression(assignment.expression, bound=True)
    if _group_kind(query.where, outer=False) != BINDS:
        raise UnsupportedQuery("the WHERE pattern does not bind $this in a triple pattern")


def _join(a: str, b: str) -> str:
    return BINDS if BINDS in (a, b) else JOINS if JOINS in (a, b) else FREE


def _group_kind(group: Group, *, outer: bool) -> str:
    """outer: ?this is bound where the group's own FILTERs are evaluated (an EXISTS pattern evaluated against a
    row, or an OPTIONAL after a pattern binding ?this)."""
    kind = FREE
    filters = []
    for element in group.elements:
        if isinstance(element, Triple):
            kind = _join(kind, _triple_kind(element))
        elif isinstance(element, Group):
            kind = _join(kind, _group_kind(element, outer=False))
        elif isinstance(element, UnionPattern):
            kinds = {_group_kind(g, outer=False) for g in element.groups}
            if kinds not in ({FREE}, {BINDS}):
                raise UnsupportedQuery("a UNION whose branches do not all bind $this")
            kind = _join(kind, kinds.pop())
        elif isinstance(element, OptionalPattern):
            if _group_kind(element.group, outer=kind == BINDS) != FREE and kind != BINDS:
                raise UnsupportedQuery("an OPTIONAL reads $this before the pattern binds it")
        elif isinstance(element, Bind):
            if element.variable == "this":
                raise UnsupportedQuery("BIND assigns $this (AS ?this)")
            if not _check_expression(element.expression, bound=kind == BINDS):
                raise UnsupportedQuery("a BIND reads $this before the pattern binds it")
        elif isinstance(element, Filter):
            filters.append(element.expression)
    for expression in filters:
        if not _check_expression(expression, bound=kind == BINDS or outer):
            raise UnsupportedQuery("a FILTER reads $this in a group that does not bind it")
    return kind


def _check_expression(expression: Expression, *, bound: bool) -> bool:
    """False when the expression reads ?this and it is not bound; raises on a function Oxigraph lacks."""
    for function in sorted(expression.functions):
        if not function.startswith(XSD):
            raise UnsupportedQuery(f"the function <{function}> is neither built in nor an XSD cast")
    reads = "this" in expression.variables
    for group in expression.exists:
        reads = _group_kind(group, outer=bound) != FREE or reads
    return bound or not reads


def _triple_kind(triple: Triple) -> str:
    if triple.path == THIS:
        return BINDS
    if THIS not in (triple.subject, triple.object):
        return FREE
    if triple.path[0] == "var" or not nullable(triple.path):
        return BINDS
    return JOINS
