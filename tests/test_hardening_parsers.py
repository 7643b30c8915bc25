"""Hostile files given to `kg validate` (the real command, in its own process): nothing is fetched or read outside
the file, nothing crashes, nothing runs without bound, and every refusal is a short message with exit code 2 —
or, for data that parses but is wrong, a validation report with exit code 1.

A loopback listener that records every connection stands in for "the network": it must receive none. A
"secret" file stands in for the rest of the disk: its contents must never appear in any output.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf.files import MAX_FILE_BYTES, MAX_NESTING

from conftest import ROOT, run_kg
from hardening_support import RecordingListener, no_traceback

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SECRET = "secret-7f3a9c-never-to-be-read"
VALID_PLAN = ROOT / "tests" / "shapes" / "valid" / "national-plan-with-period.ttl"
MUNICIPALITY = ROOT / "tests" / "shapes" / "valid" / "prefecture-and-municipality-hokkaido.ttl"


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def validate_all(paths: list[Path], *extra: str):
    """`kg validate` on each file, in parallel processes (each one starts Python and reads the ontology)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda p: run_kg("validate", str(p), *extra, timeout=120), paths))


def rdf_xml(doctype: str, value: str) -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{value}</ex:p></rdf:Description></rdf:RDF>\n')


# -- XML: external entities, external DTDs, entity expansion --------------------------------------------------------

def test_xml_external_entities_and_dtds_fetch_and_read_nothing(tmp_path, secret_file):
    with RecordingListener() as listener:
        documents = {
            "entity-http": rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{listener.url}/entity"> ]>', "&e;"),
            "entity-file": rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{secret_file.as_uri()}"> ]>', "&e;"),
            "entity-public": rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY e PUBLIC "-//X//E" "{listener.url}/p"> ]>', "&e;"),
            "parameter-entity": rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{listener.url}/p.dtd"> %p; ]>', "v"),
            "lowercase-doctype": rdf_xml(f'<!doctype rdf:RDF [ <!ENTITY e SYSTEM "{secret_file.as_uri()}"> ]>', "&e;"),
            "dtd-http": rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{listener.url}/external.dtd">', "v"),
            "dtd-file": rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{secret_file.as_uri()}">', "v"),
            "dtd-public": rdf_xml(f'<!DOCTYPE rdf:RDF PUBLIC "-//X//DTD" "{listener.url}/public.dtd">', "v"),
        }
        paths = []
        for name, text in documents.items():
            paths.append(tmp_path / f"{name}.rdf")
            paths[-1].write_text(text, encoding="utf-8")
        results = dict(zip(documents, validate_all(paths), strict=True))
        listener.settle()  # every connection made so far, had there been one, is recorded
    assert listener.connections == []
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert SECRET not in output, name
        no_traceback(output)
        if name.startswith("dtd-"):
            # An external DTD is simply not loaded: the document reads without it.
            assert result.returncode == 0, (name, result.stderr)
        else:
            assert result.returncode == 2, (name, result.returncode, result.stderr)
            assert "external or parameter entity" in result.stderr and "never loads" in result.stderr, name


def test_nested_entities_are_refused_whatever_the_doctype_case(tmp_path):
    # Oxigraph's reader expands nested entities (10 levels of 10: 10^10 characters) and reads <!doctype as well as
    # <!DOCTYPE; the check once looked for the upper-case spelling only.
    levels = ['<!ENTITY a "aaaaaaaaaa">'] + [f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)]
    paths = []
    for keyword in ("DOCTYPE", "doctype", "DocType"):
        paths.append(tmp_path / f"laughs-{keyword}.rdf")
        paths[-1].write_text(rdf_xml(f"<!{keyword} rdf:RDF [{''.join(levels)}]>", "&j;"), encoding="utf-8")
    for result in validate_all(paths):
        assert result.returncode == 2 and "nested entities" in result.stderr, result.stderr
        no_traceback(result.stderr)


# -- JSON-LD: contexts are never loaded ---------------------------------------------------------------------------------

def test_json_ld_remote_and_file_contexts_are_never_loaded(tmp_path, secret_file):
    context_file = tmp_path / "context.jsonld"
    context_file.write_text(json.dumps({"@context": {"name": f"http://example.org/{SECRET}"}}), encoding="utf-8")
    with RecordingListener() as listener:
        contexts = {
            "http": f"{listener.url}/context.jsonld",
            "file": context_file.as_uri(),
            "secret-file": secret_file.as_uri(),
            "relative": "context.jsonld",
            "array": [{"@vocab": "http://example.org/"}, f"{listener.url}/second.jsonld"],
            "import": {"@version": 1.1, "@import": f"{listener.url}/import.jsonld"},
            "scoped": {"p": {"@id": "http://example.org/p", "@context": context_file.as_uri()}},
        }
        paths = []
        for name, context in contexts.items():
            paths.append(tmp_path / f"{name}.jsonld")
            document = {"@context": context, "@id": "http://example.org/a", "name": "x", "p": {"name": "y"}}
            paths[-1].write_text(json.dumps(document), encoding="utf-8")
        results = dict(zip(contexts, validate_all(paths), strict=True))
        listener.settle()  # every connection made so far, had there been one, is recorded
    assert listener.connections == []
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert result.returncode == 2, (name, result.stderr)
        assert SECRET not in output, name
        assert re.search("never fetches|remote context", result.stderr), (name, result.stderr)
        no_traceback(output)


# -- nesting --------------------------------------------------------------------------------------------------------

def test_deep_nesting_neither_crashes_nor_runs_without_bound(tmp_path):
    ex = "@prefix ex: <http://example.org/> .\nex:a ex:p "
    depth = 30_000  # far past any recursion limit (Python's is 1,000; Oxigraph's SPARQL parser dies at a few thousand)
    files = {
        # Turtle: Oxigraph's parser keeps its own stack; these parse, in time linear in their size, and validate.
        "collections.ttl": ex + "( " * depth + "ex:b" + " )" * depth + " .\n",
        "blank-nodes.ttl": ex + "[ ex:p " * depth + "ex:b" + " ]" * depth + " .\n",
        # JSON-LD: the parser recursed into a segmentation fault at a few thousand levels; RDF/XML took minutes.
        "objects.jsonld": '{"@id": "http://example.org/a", "http://example.org/p": ' + '{"http://example.org/p": ' * 5000
                          + '"x"' + "}" * 5000 + "}",
        "arrays.jsonld": '{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 50_000 + '"x"' + "]" * 50_000 + "}",
        "elements.rdf": f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">' + "<rdf:Description><ex:p>" * depth
                        + '<rdf:Description rdf:about="http://example.org/x"/>' + "</ex:p></rdf:Description>" * depth
                        + "</rdf:RDF>",
    }
    paths = []
    for name, text in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    results = dict(zip(files, validate_all(paths), strict=True))  # each within run_kg's timeout: no run without bound
    for name, result in results.items():
        no_traceback(result.stdout + result.stderr)
        if name.endswith(".ttl"):
            assert result.returncode == 0, (name, result.returncode, result.stderr[-500:])
        else:
            assert result.returncode == 2, (name, result.returncode, result.stderr[-500:])  # not -11: no crash
            assert f"nest more than {MAX_NESTING} deep" in result.stderr


# -- malformed terms ------------------------------------------------------------------------------------------------

BAD_TERMS = {
    "space-in-iri": '<http://example.org/a b> <http://example.org/p> "x" .',
    "bracket-in-host": '<http://example.org/a> <http://example.org/p> <http://[::1> .',
    "relative-iri": '<a> <http://example.org/p> "x" .',
    "escape-in-iri": '<http://example.org/a\x1b[2J> <http://example.org/p> "x" .',
    "language-tag-digits": '<http://example.org/a> <http://example.org/p> "x"@123 .',
    "language-tag-underscore": '<http://example.org/a> <http://example.org/p> "x"@ja_JP .',
    "invalid-utf8": None,
    "lone-surrogate": '<http://example.org/a> <http://example.org/p> "x\\uD800y" .',
}


def test_invalid_iris_language_tags_and_encodings_are_syntax_errors(tmp_path):
    paths = []
    for name, text in BAD_TERMS.items():
        paths.append(tmp_path / f"{name}.nt")
        data = (text.encode("utf-8") if text is not None
                else b'<http://example.org/a> <http://example.org/p> "x\xff\xfey" .')
        paths[-1].write_bytes(data + b"\n")
    for name, result in zip(BAD_TERMS, validate_all(paths, "--lang", "en"), strict=True):
        assert result.returncode == 2, (name, result.stderr)
        assert re.search(rf"{name}\.nt:1:\d+: syntax error", result.stderr), (name, result.stderr)
        no_traceback(result.stderr)
        assert "\x1b" not in result.stderr  # the offending character is quoted as an escape, not sent to the terminal


def test_ill_typed_literals_are_reported_with_exit_1(tmp_path):
    plan = VALID_PLAN.read_text(encoding="utf-8")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    constrained = tmp_path / "year-abc.ttl"  # a shape constrains the property (and compares it with another)
    constrained.write_text(plan.replace("jpp:startFiscalYear 2023", f'jpp:startFiscalYear "abc"^^<{xsd}integer>'),
                           encoding="utf-8")
    unconstrained = tmp_path / "comment-abc.ttl"  # no shape looks at these properties
    unconstrained.write_text(plan.replace("jpp:endFiscalYear 2027 ;", (
        f'jpp:endFiscalYear 2027 ; rdfs:comment "abc"^^<{xsd}integer> ; <http://example.org/day> "2024-02-30"^^<{xsd}date> ;'
        f' <http://example.org/year> "20x4"^^<{xsd}gYear> ; <http://example.org/yes> "yes"^^<{xsd}boolean> ;')),
        encoding="utf-8")
    year, comments = validate_all([constrained, unconstrained], "--lang", "en")
    assert year.returncode == 1, year.stderr[-2000:]  # pySHACL crashed on this before (TypeError, exit 1 by accident)
    assert 'The value "abc" is not a valid xsd:integer' in year.stdout and "jpp:startFiscalYear" in year.stdout
    assert comments.returncode == 1, comments.stdout
    for value, datatype in (("abc", "xsd:integer"), ("2024-02-30", "xsd:date"), ("20x4", "xsd:gYear"), ("yes", "xsd:boolean")):
        assert f'The value "{value}" is not a valid {datatype}' in comments.stdout
    assert "4 problem(s) in 1 resource(s)" in comments.stdout
    no_traceback(year.stdout, year.stderr, comments.stdout, comments.stderr)


def test_control_characters_in_text_are_reported_and_never_reach_the_terminal(tmp_path):
    path = tmp_path / "controls.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    'ex:a rdfs:label "\x1b[2J\x1b]0;owned\x07title\u202e"@en ; ex:p "nul\\u0000byte" ; ex:q "tab\tand\\nline ok" .\n',
                    encoding="utf-8")
    result = run_kg("validate", str(path), "--lang", "en")
    assert result.returncode == 1
    assert "control characters (U+0007, U+001B, U+202E)" in result.stdout and "control characters (U+0000)" in result.stdout
    assert "2 problem(s)" in result.stdout  # tab and line feed are ordinary text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", result.stdout + result.stderr)
    assert "\\u001b[2J" in result.stdout


# -- compressed and oversized files -----------------------------------------------------------------------------------

def test_compressed_files_are_refused_not_inflated(tmp_path):
    bomb = gzip.compress(b"<http://example.org/a> <http://example.org/p> " + b'"' + b"a" * 50_000_000 + b'" .\n', 9)
    named_gz = tmp_path / "bomb.ttl.gz"
    named_gz.write_bytes(bomb)
    disguised = tmp_path / "bomb.ttl"  # gzip bytes behind a Turtle name: read as (bad) Turtle, never inflated
    disguised.write_bytes(bomb)
    gz, ttl = validate_all([named_gz, disguised], "--lang", "en")
    assert gz.returncode == 2 and "unknown RDF file type '.gz'" in gz.stderr
    assert ttl.returncode == 2 and re.search(r"bomb\.ttl:1:\d+: syntax error", ttl.stderr)
    no_traceback(gz.stderr, ttl.stderr)


def test_a_file_over_the_size_limit_exits_2(tmp_path):
    big = tmp_path / "big.ttl"
    with big.open("wb") as handle:  # sparse: the size is what counts, nothing is read
        handle.truncate(MAX_FILE_BYTES + 1)
    result = run_kg("validate", str(big))
    assert result.returncode == 2
    assert f"over the {MAX_FILE_BYTES:,}-byte limit" in result.stderr
    no_traceback(result.stderr)


# -- regular expressions of the shapes --------------------------------------------------------------------------------

def shape_patterns() -> list[str]:
    import pyoxigraph as ox

    pattern = "http://www.w3.org/ns/shacl#pattern"
    return [t.object.value for path in sorted((ROOT / "ontology" / "shapes").glob("*.ttl"))
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE) if t.predicate.value == pattern]


def adversarial_values(pattern: str) -> list[str]:
    """Long near-misses built from the characters the pattern accepts: the inputs that make a backtracking engine
    (Python's re, which pySHACL uses for sh:pattern) try every way of splitting the text."""
    alphabet = sorted(set(re.sub(r"\\.|[\^$(){}|*+?\[\]\-]", "", pattern)) | {"0", "1", "a"})
    return [c * 200_000 + "!" for c in alphabet] + ["".join(alphabet) * 20_000 + "!"]


@pytest.mark.slow  # timed: each pattern on each value in under 1 s
def test_shape_patterns_are_fast_on_adversarial_values(tmp_path):
    patterns = shape_patterns()
    assert len(patterns) >= 2
    for pattern in patterns:
        compiled = re.compile(pattern)
        for value in adversarial_values(pattern):
            started = time.perf_counter()
            compiled.search(value)
            assert time.perf_counter() - started < 1.0, pattern  # linear: milliseconds; backtracking: hours
    # End to end: a municipality and a prefecture whose codes are 200,000 digits and a non-digit.
    data = MUNICIPALITY.read_text(encoding="utf-8")
    data = data.replace('jpp:localGovernmentCode "011002"', f'jpp:localGovernmentCode "{"0" * 200_000}x"')
    data = data.replace('jpp:prefectureCode "01"', f'jpp:prefectureCode "{"0" * 200_000}1"')
    path = tmp_path / "long-codes.ttl"
    path.write_text(data, encoding="utf-8")
    result = run_kg("validate", str(path), "--lang", "en", timeout=60)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "jpp:localGovernmentCode" in result.stdout and "jpp:prefectureCode" in result.stdout
    no_traceback(result.stdout, result.stderr)


def test_integers_decimals_and_booleans_are_checked_by_their_xsd_lexical_rules():
    from kg.validation.literals import ill_typed

    xsd = "http://www.w3.org/2001/XMLSchema#"

    def literal(text, datatype):
        return ox.Literal(text, datatype=ox.NamedNode(xsd + datatype))

    assert not any(ill_typed(literal(t, d)) for t, d in (("-12", "integer"), (" 7 ", "integer"), ("1.5", "decimal"),
                                                          (".5", "decimal"), ("true", "boolean"), ("0", "boolean")))
    # Python's int() takes "1_000"; XSD does not.
    assert all(ill_typed(literal(t, d)) for t, d in (("1_000", "integer"), ("1e3", "decimal"), ("yes", "boolean")))
