"""The SHACL shapes (ontology/shapes/jp-plan-shapes.ttl) against their fixtures.

- every file in tests/shapes/valid/ conforms;
- every file in tests/shapes/invalid/ fails, and the report holds exactly the (sh:sourceShape, sh:focusNode) pairs
  that its header declares with `# expect-shape:` / `# expect-focus:` lines, so it fails for the reason its name gives;
- every shape has a failing and a passing fixture, every sh:message speaks Japanese and English, and no sh:pattern
  can backtrack catastrophically;
- the reference data (municipalities, sources, external plans) conforms.

No network: every file is read from the repository.

What no shape can check (codes, names and kinds against the national list of local governments, terms our
vocabularies do not define) is checked by kg itself: its fixtures are in tests/shapes/country/, run by
tests/test_validation_country.py through the validation path `kg validate` and `kg build` use.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.plugins.sparql.processor import prepareQuery

ROOT = Path(__file__).resolve().parent.parent
SHAPES_PATH = ROOT / "ontology" / "shapes" / "jp-plan-shapes.ttl"
VOCABULARY_PATHS = (ROOT / "ontology" / "jp-plan.ttl", *sorted((ROOT / "ontology" / "vocab").glob("*.ttl")))
REFERENCE_DATA_PATHS = (ROOT / "data" / "ttl" / "municipalities.ttl", ROOT / "data" / "ttl" / "sources.ttl",
                        *sorted((ROOT / "data" / "ttl" / "reference").glob("*.ttl")))
FIXTURES = ROOT / "tests" / "shapes"
VALID_FIXTURES = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID_FIXTURES = sorted((FIXTURES / "invalid").glob("*.ttl"))

JPP = Namespace("https://w3id.org/jp-plan-kg/ontology#")
JPPS = Namespace("https://w3id.org/jp-plan-kg/shapes#")

# Parameters that make a shape report results itself (SHACL core and SHACL-SPARQL). A node shape with none of them
# only groups property shapes and can never be the sh:sourceShape of a result.
CONSTRAINT_PARAMETERS = frozenset(
    SH[name]
    for name in ["class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in", "sparql"]
)


# --------------------------------------------------------------------------------------------------------------
# Validation helper (the lead will swap this for the package's validate API)
# --------------------------------------------------------------------------------------------------------------


@cache
def _prepared_query(text: str):
    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A Graph that parses each distinct SPARQL text once.

    pySHACL sends the same SHACL-SPARQL text once per focus node and rdflib parses it every time (about 0.1 s per
    parse), which made one small fixture take over a second. The text is the same for every focus node ($this is
    passed as a binding), and pySHACL writes the PREFIX lines of sh:prefixes into it, so the parsed query can be
    reused.
    """

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


@lru_cache(maxsize=1)
def _vocabulary_graph() -> Graph:
    """The ontology and the SKOS schemes: always in the data graph, in full."""
    graph = _PreparedQueryGraph()
    for path in VOCABULARY_PATHS:
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _reference_data() -> Graph:
    graph = Graph()
    for path in REFERENCE_DATA_PATHS:
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


@contextmanager
def _data_graph(paths, *, whole_reference: bool):
    """Ontology + vocabularies + the files + reference data, for the duration of the block.

    With whole_reference=False only the reference resources reachable from the files come in (those the files name,
    those these name, and so on: a plan's source, the source's municipality, its prefecture). The shapes only
    follow links forward from a focus node into reference data, so the rest cannot change a result about the
    files' resources; test_reachable_reference_data_gives_the_same_results checks the claim. Re-validating all five
    reference municipalities (check-digit SPARQL and all) for each of the ~100 invalid fixtures doubled the run time.

    The triples are added to the one cached vocabulary graph and taken out again afterwards (only those it did not
    hold already): copying its 1,400 triples for every fixture cost as much as validating the fixture.
    """
    graph = _vocabulary_graph()
    extra = Graph()
    for path in paths:
        extra.parse(path, format="turtle")
    reference = _reference_data()
    if whole_reference:
        extra += reference
    else:
        to_visit = {node for triple in extra for node in (triple[0], triple[2]) if isinstance(node, URIRef)}
        visited = set()
        while to_visit:
            node = to_visit.pop()
            visited.add(node)
            for triple in reference.triples((node, None, None)):
                extra.add(triple)
                if isinstance(triple[2], URIRef) and triple[2] not in visited:
                    to_visit.add(triple[2])
    added = [triple for triple in extra if triple not in graph]
    for triple in added:
        graph.add(triple)
    try:
        yield graph
    finally:
        for triple in added:
            graph.remove(triple)


def validate_with_reference(paths, *, whole_reference: bool = True) -> tuple[bool, Graph]:
    """Validate the given Turtle files together with the ontology, the vocabularies and the reference data
    (data/ttl/municipalities.ttl, data/ttl/sources.ttl; with whole_reference=False only the reference resources
    reachable from the files, which the invalid fixtures use to keep the run short).

    Returns pySHACL's (conforms, report graph). inplace=True validates the graph built here (and keeps its
    parsed-query cache) instead of a copy; nothing is written to it because the shapes hold no rules.
    """
    with _data_graph(paths, whole_reference=whole_reference) as data_graph:
        conforms, report, _text = pyshacl.validate(
            data_graph,
            shacl_graph=_shapes_graph(),
            inference="none",
            advanced=True,
            allow_warnings=False,
            inplace=True,
        )
    return bool(conforms), report


# --------------------------------------------------------------------------------------------------------------
# Reading reports and fixture headers
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShapeResult:
    source_shape: str
    focus_node: str
    message: str


def results_of(report: Graph) -> list[ShapeResult]:
    """The top-level results (sh:result of the report), not the nested ones pySHACL attaches with sh:detail."""
    results = []
    for result in report.objects(None, SH.result):
        messages = [m for m in report.objects(result, SH.resultMessage) if getattr(m, "language", None) == "en"]
        messages = messages or list(report.objects(result, SH.resultMessage))
        results.append(ShapeResult(
            source_shape=str(report.value(result, SH.sourceShape)),
            focus_node=str(report.value(result, SH.focusNode)),
            message=str(messages[0]) if messages else "",
        ))
    return sorted(results, key=lambda r: (r.source_shape, r.focus_node))


def describe(results: list[ShapeResult]) -> str:
    if not results:
        return "  (no results)"
    return "\n".join(
        f"  - shape {r.source_shape.replace(str(JPPS), 'jpps:')}\n    focus {r.focus_node}\n    {r.message}"
        for r in results
    )


EXPECT_LINE = re.compile(r"^#\s*expect-(shape|focus):\s*(\S+)\s*$")


def expected_pairs(path: Path) -> list[tuple[str, str]]:
    """The (shape, focus) pairs declared in the fixture's leading comment lines, in order."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = EXPECT_LINE.match(line)
        if match:
            entries.append(match.groups())
    kinds = [kind for kind, _ in entries]
    if not entries or kinds != ["shape", "focus"] * (len(entries) // 2):
        raise AssertionError(f"{path.name}: the header must start with '# expect-shape: IRI' / '# expect-focus: IRI' pairs")
    return [(entries[i][1], entries[i + 1][1]) for i in range(0, len(entries), 2)]


# --------------------------------------------------------------------------------------------------------------
# Fixtures conform or fail as their names say
# --------------------------------------------------------------------------------------------------------------


def test_fixture_folders_are_not_empty():
    assert VALID_FIXTURES and INVALID_FIXTURES


@pytest.mark.parametrize("path", VALID_FIXTURES, ids=[p.name for p in VALID_FIXTURES])
def test_valid_fixture_conforms(path):
    # Only the reference resources the fixture reaches: the 1,788 of the national list are checked once, below.
    conforms, report = validate_with_reference([path], whole_reference=False)
    assert conforms, f"{path.name} should conform, but the report says:\n{describe(results_of(report))}"


@pytest.mark.parametrize("path", INVALID_FIXTURES, ids=[p.name for p in INVALID_FIXTURES])
def test_invalid_fixture_fails_for_the_declared_reason(path):
    expected = set(expected_pairs(path))
    conforms, report = validate_with_reference([path], whole_reference=False)
    results = results_of(report)
    actual = {(r.source_shape, r.focus_node) for r in results}
    assert not conforms, f"{path.name} should not conform, yet it does"
    missing = expected - actual
    unexpected = actual - expected
    assert not missing and not unexpected, (
        f"{path.name}:\n"
        + "".join(f"  expected but not reported: {shape} on {focus}\n" for shape, focus in sorted(missing))
        + "".join(f"  reported but not declared in the header: {shape} on {focus}\n" for shape, focus in sorted(unexpected))
        + f"actual results:\n{describe(results)}"
    )


def test_reference_data_conforms():
    conforms, report = validate_with_reference([ROOT / "data" / "ttl" / "external-plans.ttl"])
    assert conforms, f"the reference data should conform:\n{describe(results_of(report))}"


def test_reference_municipalities_are_checked():
    """Every municipality of Japan is present (the seeds' five among them), so the conformance above covers them."""
    codes = {str(code) for code in _reference_data().objects(None, JPP.localGovernmentCode)}
    assert {"022012", "132055", "142123", "132217", "132292"} <= codes
    assert len(codes) == 1741


# Invalid fixtures that pull in reference data in each way: a prefecture, a source with its municipality, none.
GUARD_FIXTURES = [
    FIXTURES / "invalid" / name
    for name in ("municipality-prefecture-mismatch.ttl", "plan-derived-from-non-source.ttl",
                 "element-source-differs-from-plan.ttl", "government-without-ja-label.ttl")
]


@pytest.mark.parametrize("path", GUARD_FIXTURES, ids=[p.name for p in GUARD_FIXTURES])
def test_reachable_reference_data_gives_the_same_results(path):
    _, reachable_only = validate_with_reference([path], whole_reference=False)
    _, whole = validate_with_reference([path], whole_reference=True)
    assert results_of(reachable_only) == results_of(whole)


def check_digit(first_five: str) -> int:
    weighted_sum = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), first_five, strict=True))
    return (11 - weighted_sum % 11) % 10


@pytest.mark.parametrize("code", ["131041", "141500", "022012", "132055", "142123", "132217", "132292", "011002"])
def test_check_digit_of_codes_used_in_fixtures(code):
    """An independent check of the rule that the SPARQL constraint encodes, on the codes the fixtures use."""
    assert check_digit(code[:5]) == int(code[5])


# --------------------------------------------------------------------------------------------------------------
# Coverage: every shape fails in some fixture and is exercised by some valid fixture
# --------------------------------------------------------------------------------------------------------------


def named_shapes() -> set[URIRef]:
    shapes = _shapes_graph()
    return {
        s for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)
    }


def has_own_constraint(shape: URIRef) -> bool:
    return any(p in CONSTRAINT_PARAMETERS for p in _shapes_graph().predicates(shape, None))


def declared_failing_shapes() -> set[str]:
    return {shape for path in INVALID_FIXTURES for shape, _ in expected_pairs(path)}


def test_expect_headers_name_shapes_of_the_shapes_file():
    known = {str(s) for s in named_shapes()}
    unknown = sorted(declared_failing_shapes() - known)
    assert not unknown, f"expect-shape lines name shapes that do not exist: {unknown}"


def test_every_shape_has_a_failing_fixture():
    shapes = _shapes_graph()
    declared = declared_failing_shapes()
    uncovered = []
    for shape in sorted(named_shapes()):
        if has_own_constraint(shape):
            if str(shape) not in declared:
                uncovered.append(str(shape))
        elif not any(str(p) in declared for p in shapes.objects(shape, SH.property)):
            uncovered.append(f"{shape} (none of its property shapes)")
    assert not uncovered, "shapes without an invalid fixture in tests/shapes/invalid/:\n  " + "\n  ".join(uncovered)


def rdflib_path(shapes: Graph, node):
    """The rdflib path for a SHACL property path (the forms used in the shapes file)."""
    if isinstance(node, URIRef):
        return node
    inverse = shapes.value(node, SH.inversePath)
    if inverse is not None:
        return InvPath(rdflib_path(shapes, inverse))
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return AlternativePath(*[rdflib_path(shapes, n) for n in Collection(shapes, alternatives)])
    if shapes.value(node, RDF.first) is not None:
        return SequencePath(*[rdflib_path(shapes, n) for n in Collection(shapes, node)])
    raise AssertionError(f"unsupported SHACL path {node!r}")


def focus_nodes(data: Graph, fixture_subjects: set, shape: URIRef) -> set:
    """The target nodes of a node shape that are described in the fixture itself (not only in reference data)."""
    shapes = _shapes_graph()
    nodes = set()
    for cls in shapes.objects(shape, SH.targetClass):
        nodes |= {row[0] for row in data.query(
            "SELECT ?node WHERE { ?node a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?class }",
            initBindings={"class": cls})}
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes |= set(data.objects(None, prop))
    return nodes & fixture_subjects


@lru_cache(maxsize=1)
def exercised_in_valid_fixtures() -> frozenset[URIRef]:
    """Shapes with a focus node in some valid fixture; property shapes only where that node has a value."""
    shapes = _shapes_graph()
    exercised = set()
    for path in VALID_FIXTURES:
        fixture_subjects = set(Graph().parse(path, format="turtle").subjects())
        with _data_graph([path], whole_reference=False) as data:
            for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
                nodes = focus_nodes(data, fixture_subjects, node_shape)
                if not nodes:
                    continue
                exercised.add(node_shape)
                for property_shape in shapes.objects(node_shape, SH.property):
                    path_ = rdflib_path(shapes, shapes.value(property_shape, SH.path))
                    if any(True for node in nodes for _ in data.objects(node, path_)):
                        exercised.add(property_shape)
    return frozenset(exercised)


def test_every_shape_has_a_passing_fixture():
    missing = sorted(str(s) for s in named_shapes() - exercised_in_valid_fixtures())
    assert not missing, (
        "shapes that no valid fixture exercises (no target node, or no value on the path):\n  " + "\n  ".join(missing)
    )


# --------------------------------------------------------------------------------------------------------------
# Messages and regular expressions
# --------------------------------------------------------------------------------------------------------------


def test_every_shape_has_a_message():
    silent = sorted(str(s) for s in named_shapes() if (s, SH.message, None) not in _shapes_graph())
    assert not silent, f"shapes without sh:message: {silent}"


def test_every_message_is_in_japanese_and_english():
    shapes = _shapes_graph()
    problems = []
    for subject in set(shapes.subjects(SH.message, None)):
        languages = [getattr(m, "language", None) for m in shapes.objects(subject, SH.message)]
        if sorted(languages) != ["en", "ja"]:
            problems.append(f"{subject}: languages {languages} (want one @ja and one @en)")
    assert not problems, "\n".join(problems)


def test_property_shapes_are_named_after_their_node_shape_and_path():
    shapes = _shapes_graph()
    problems = []
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for property_shape in shapes.objects(node_shape, SH.property):
            name, path = str(property_shape), shapes.value(property_shape, SH.path)
            if not name.startswith(f"{node_shape}-"):
                problems.append(f"{name} is a property shape of {node_shape}")
            # XShape-path, or XShape-path-aspect where two shapes share a path; inverse paths are named by meaning
            elif isinstance(path, URIRef) and not name[len(node_shape) + 1:].startswith(re.split(r"[#/]", path)[-1]):
                problems.append(f"{name} has the path {path}")
    assert not problems, "\n".join(problems)


REPEATING = re.compile(r"[*+]|\{\d*,\d*\}|\{\d*[02-9]\d*\}")


def regex_problems(pattern: str) -> list[str]:
    """Why a pattern could backtrack catastrophically: a repeated group that itself holds a quantifier or an
    alternation, such as (a+)+, (a*)*, (a|a)*. Also requires the pattern to be anchored with ^ and $."""
    problems = []
    if not pattern.startswith("^") or not pattern.endswith("$") or pattern.endswith("\\$"):
        problems.append("not anchored with ^ ... $")
    groups: list[dict] = []  # open groups: does the content hold a quantifier or an alternation?
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        if char == "(":
            groups.append({"quantified": False, "alternation": False})
        elif char == "|" and groups:
            groups[-1]["alternation"] = True
        elif char in "*+?{" and groups:
            groups[-1]["quantified"] = True
        elif char == ")" and groups:
            inner = groups.pop()
            following = pattern[i + 1:]
            repeated = REPEATING.match(following)
            if repeated and (inner["quantified"] or inner["alternation"]):
                problems.append(f"repeated group with a nested quantifier or alternation at position {i}")
            if groups and (inner["quantified"] or repeated or following[:1] == "?"):
                groups[-1]["quantified"] = True
        i += 1
    return problems


@pytest.mark.parametrize("pattern", ["(a+)+", "^(a*)*$", "^(a|a)*$", "^([0-9]+)+$", "^(x([0-9]{2})+)*$", "^(ab|cd){2,}$"])
def test_regex_check_catches_nested_quantifiers(pattern):
    assert regex_problems(pattern)


@pytest.mark.parametrize("pattern", ["^[0-9]{6}$", "^(0[1-9]|[1-3][0-9]|4[0-7])$", "^[(+*]{2}$", "^(ab)?c+$"])
def test_regex_check_accepts_simple_patterns(pattern):
    assert not regex_problems(pattern)


def test_shape_patterns_cannot_backtrack_catastrophically():
    patterns = [str(p) for p in _shapes_graph().objects(None, SH.pattern)]
    assert patterns, "the shapes file should hold the code patterns"
    problems = {p: regex_problems(p) for p in patterns if regex_problems(p)}
    assert not problems, problems
