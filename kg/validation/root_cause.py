"""One message per value per root cause.

A value the checks cannot read as what it should be fails every constraint that reads it: "二〇三〇"^^xsd:string
where a gYear between bounds is wanted fails sh:datatype, sh:minInclusive and sh:maxInclusive, and a clerk was
shown three messages for one mistake. Likewise a code that is not in the national list also fails the check-digit
constraint, and an undefined class as a value fails sh:class. The issues about one value (same focus node, path
and value) are therefore reduced to the one that names the root cause, the most specific of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .report import ValidationIssue

# Most specific first. Each of these says what the value is and what it should be; every other constraint failing
# on the same value (bounds, lengths, patterns, sh:in, sh:class, SPARQL constraints comparing it) only follows
# from it:
# - a code the national list does not hold: names the nearest real codes (the check digit and pattern only say
#   "malformed");
# - an undefined term: names the defined one meant (sh:class and sh:in only say "not a …"); an IRI that is no
#   concept of any scheme where a concept is wanted (a kind the national list does not give follows from it);
# - a value outside its datatype, or of the wrong node kind: nothing else about it can be judged.
ROOT_CAUSES = ("KnownLocalGovernmentCode", "DefinedTerm", "ConceptInScheme", "DatatypeConstraintComponent",
               "NodeKindConstraintComponent")
# A value the literal checks refuse is kept from the shapes (kg.validation.literals), which then see no value at
# all: "missing" on the same property follows from "unreadable".
MISSING = ("MinCountConstraintComponent", "QualifiedMinCountConstraintComponent")


def one_per_root_cause(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    """The issues with, for each value that has a root-cause issue, only the most specific of those; and one of
    the results a shape gives twice on one value with one message (text where a concept is wanted fails the
    shape's sh:class and its sh:node: the clerk would read the same sentence twice)."""
    issues = list(issues)
    best: dict[tuple, int] = {}  # (focus, path, value) -> rank of its most specific root cause
    for issue in issues:
        if issue.value is not None and issue.constraint in ROOT_CAUSES:
            key = (issue.focus_node, issue.result_path, issue.value)
            rank = ROOT_CAUSES.index(issue.constraint)
            best[key] = min(rank, best.get(key, rank))
    if not best:
        return _once_per_message(issues)
    has_cause = {(focus, path) for focus, path, _value in best}
    kept, shown = [], set()
    for issue in issues:
        key = (issue.focus_node, issue.result_path, issue.value)
        rank = best.get(key)
        if issue.value is None and issue.constraint in MISSING and (issue.focus_node, issue.result_path) in has_cause:
            continue
        if rank is None:
            kept.append(issue)
        elif issue.constraint == ROOT_CAUSES[rank] and key not in shown:
            shown.add(key)  # one message even if two checks (literal check, sh:datatype) found the same cause
            kept.append(issue)
    return _once_per_message(kept)


def _once_per_message(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """One of the results a shape gives on one value with its one message. Done after the root causes are chosen
    (the root cause among them must be the one kept), and the one kept does not depend on the order in which an
    engine reports: a root cause first, then sh:class (what the value should be), then by name."""
    chosen: dict[tuple, ValidationIssue] = {}
    for issue in issues:
        key = (issue.focus_node, issue.result_path, issue.value, issue.source_shape, issue.message)
        if key not in chosen or _preference(issue) < _preference(chosen[key]):
            chosen[key] = issue
    return list(chosen.values())


PREFERRED = (*ROOT_CAUSES, "ClassConstraintComponent")


def _preference(issue: ValidationIssue) -> tuple[int, str]:
    rank = PREFERRED.index(issue.constraint) if issue.constraint in PREFERRED else len(PREFERRED)
    return rank, issue.constraint
