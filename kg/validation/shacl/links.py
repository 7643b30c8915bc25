"""The links a SHACL-SPARQL query or a property path follows backward from the focus node (query_links,
path_links), for kg.validation.dependencies: a file's results depend on the files linking to its nodes along
those, and on nothing else when nothing is `unbounded`.

Per-file validation gives each file the data reachable forward from its nodes and the triples linking to its
nodes along the predicates found here. A pattern that reads anything else (a step backward from another node,
a variable predicate followed backward, a pattern not linked to $this, a function that may query the data) is
named in `unbounded`, and the caller falls back to validating all files together.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    nullable,
)


@dataclass(frozen=True)
class Links:
    """The predicates a query follows backward from $this, and why it may read more of the data than the links
    forward from $this and those: a step backward from another node, a variable predicate followed
    backward, a pattern not linked to $this, a function that may query the data."""

    backward: frozenset[str]
    unbounded: tuple[str, ...]


def query_links(query: SelectQuery, *, from_focus: bool = True) -> Links:
    """What the query reads besides the data reachable forward from $this. from_focus=False when $this is a
    value node rather than a focus node of the file validated (a shape nested with sh:node on a property
    shape): then no step backward from it can be served either."""
    record = _Record(from_focus)
    unlinked: list[str] = []
    for assignment in query.assignments:
        unlinked += _expression_links(assignment.expression, frozenset({THIS}), record)
    unlinked += _group_links(query.where, frozenset({THIS}), record)[1]
    return Links(backward=frozenset(record.found), unbounded=tuple(dict.fromkeys(record.unbounded + unlinked)))


def path_links(path: tuple, *, from_focus: bool = True) -> Links:
    """The same for a property path followed forward from the focus node (a property shape's sh:path)."""
    record = _Record(from_focus)
    _steps(path, forward=True, at_focus=from_focus, record=record)
    return Links(backward=frozenset(record.found), unbounded=tuple(dict.fromkeys(record.unbounded)))


class _Record:
    """The steps taken backward, kept over every pass of _group_links: a later pass may walk a pattern
    forward from a term an earlier pass reached through that same pattern, backward."""

    def __init__(self, from_focus: bool):
        self.from_focus = from_focus
        self.found: set[str] = set()
        self.unbounded: list[str] = []


def _group_links(group: Group, inherited: frozenset, record: _Record) -> tuple[frozenset, list[str]]:
    """The terms the group binds to nodes reachable from $this, given those its context binds, and the
    patterns it leaves unlinked to them. Joined parts (triples, nested groups, UNION branches) share terms
    whatever their order; an OPTIONAL sees only the terms of the parts before it (SPARQL evaluates it on those
    alone); an EXISTS sees the group's."""
    triples = [e for e in group.elements if isinstance(e, Triple)]
    joined = [e for e in group.elements if isinstance(e, (Group, UnionPattern))]
    from_joined: set = set()
    while True:
        anchored = set(inherited) | {THIS} | from_joined
        left = _follow(triples, anchored, record)
        unlinked = [f"the pattern {_show(t)} is not linked to $this" for t in left]
        more: set = set()
        for element in joined:
            branches = element.groups if isinstance(element, UnionPattern) else (element,)
            shared = None
            for branch in branches:
                got, branch_unlinked = _group_links(branch, frozenset(anchored), record)
                shared = got if shared is None else shared & got
                unlinked += branch_unlinked
            more |= shared
        if more <= anchored:
            break
        from_joined |= more
    in_scope: set = {THIS}
    for element in group.elements:
        if isinstance(element, OptionalPattern):
            unlinked += _group_links(element.group, frozenset(anchored & in_scope), record)[1]
        elif isinstance(element, (Filter, Bind)):
            seen = anchored if isinstance(element, Filter) else anchored & in_scope
            unlinked += _expression_links(element.expression, frozenset(seen), record)
        else:
            in_scope |= _terms(element)
    return frozenset(anchored), unlinked


def _terms(element) -> set:
    """The terms a joined part binds in every row: a UNION binds only those all its branches do."""
    if isinstance(element, Triple):
        return {element.subject, element.object}
    if isinstance(element, UnionPattern):
        return set.intersection(*(_terms(g) for g in element.groups))
    return {term for e in element.elements if isinstance(e, (Triple, Group, UnionPattern)) for term in _terms(e)}


def _expression_links(expression: Expression, anchored: frozenset, record: _Record) -> list[str]:
    for function in sorted(expression.functions):
        if not function.startswith(XSD):
            record.unbounded.append(f"the function <{function}> may query the data")
    unlinked = []
    for group in expression.exists:
        unlinked += _group_links(group, anchored, record)[1]
    return unlinked


def _follow(triples: list[Triple], anchored: set, record: _Record) -> list[Triple]:
    """Walk the triple patterns out from the anchored terms, forward where the subject is anchored and, only
    when nothing else is left, backward from an anchored object. Returns the patterns never reached."""
    left = list(triples)
    while left:
        forward = [t for t in left if t.subject in anchored]
        backward = [t for t in left if t.object in anchored][:1]
        if not forward and not backward:
            break
        for t in forward or backward:
            left.remove(t)
            if t.path[0] == "var":
                if not forward:
                    record.unbounded.append(f"the variable predicate of {_show(t)} is followed backward")
            else:
                start = t.subject if forward else t.object
                _steps(t.path, forward=bool(forward), at_focus=record.from_focus and start == THIS, record=record)
            anchored.add(t.object if forward else t.subject)
    return left


def _steps(path: tuple, *, forward: bool, at_focus: bool, record: _Record) -> None:
    """Record the predicates a walk along the path takes backward from the focus node, and anything else it
    takes backward as unbounded. at_focus: the walk starts at the focus node."""
    kind = path[0]
    if kind == "link":
        if not forward:
            if at_focus:
                record.found.add(path[1])
            else:
                record.unbounded.append(f"<{path[1]}> is followed backward from a node other than $this")
    elif kind == "inverse":
        _steps(path[1], forward=not forward, at_focus=at_focus, record=record)
    elif kind == "sequence":
        for part in path[1] if forward else tuple(reversed(path[1])):
            _steps(part, forward=forward, at_focus=at_focus, record=record)
            at_focus = at_focus and nullable(part)
    elif kind == "alternative":
        for part in path[1]:
            _steps(part, forward=forward, at_focus=at_focus, record=record)
    elif kind == "repeat":
        _steps(path[1], forward=forward, at_focus=at_focus, record=record)
        if path[2] != "?":  # the second step starts where the first ended
            _steps(path[1], forward=forward, at_focus=False, record=record)
    elif kind == "negated" and any(inverse == forward for _iri, inverse in path[1]):
        record.unbounded.append("a negated property set is followed backward (any predicate)")


def _show(triple: Triple) -> str:
    def term(t):
        return "?" + t[1] if t[0] == "var" else f"<{t[1]}>" if t[0] == "iri" else t[1]

    return f"{term(triple.subject)} … {term(triple.object)}"


def predicates_read(query: SelectQuery) -> set[str] | None:
    """The IRIs of every predicate the query's patterns follow (EXISTS included); None when a pattern may follow
    any predicate (a variable predicate, a negated property set)."""
    found: set[str] = set()

    def path(p: tuple) -> bool:
        kind = p[0]
        if kind == "link":
            found.add(p[1])
            return True
        if kind in ("inverse", "repeat"):
            return path(p[1])
        if kind in ("sequence", "alternative"):
            return all(path(part) for part in p[1])
        return False  # a variable predicate or a negated property set

    def expression(e: Expression) -> bool:
        return all(group(g) for g in e.exists)

    def group(g: Group) -> bool:
        ok = True
        for element in g.elements:
            if isinstance(element, Triple):
                ok = path(element.path) and ok
            elif isinstance(element, Group):
                ok = group(element) and ok
            elif isinstance(element, OptionalPattern):
                ok = group(element.group) and ok
            elif isinstance(element, UnionPattern):
                ok = all(group(b) for b in element.groups) and ok
            else:
                ok = expression(element.expression) and ok
        return ok

    ok = group(query.where) and all(expression(a.expression) for a in query.assignments)
    return found if ok else None
