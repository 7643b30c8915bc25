"""Validation that knows the country: every municipality and prefecture the data names must be one of the national
list (全国地方公共団体コード, kg.reference), under its own name and kind.

The shapes check that a code is well formed (six digits, the check digit); only the list can say that it exists.
So a code, or a municipality or prefecture IRI, that the list does not hold is a violation naming the nearest real
ones, and a Japanese name (rdfs:label @ja) or a kind (jpp:municipalityKind) other than the list's for that code is a
violation naming the right one. One pass over the triples with dictionary lookups: a national build validates every
municipality of Japan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError
from ..namespaces import ID, JPP, RDFS_LABEL, VOCAB, compact
from ..project import Project
from ..rdf.files import printable
from ..reference import LocalGovernment, Registry, reference_file
from ..reference.registry import REFERENCE_NAME, read_registry
from .labels import labels_of
from .report import ValidationIssue

MUNICIPALITY = ID + "municipality/"
PREFECTURE = ID + "prefecture/"
CODE = JPP + "localGovernmentCode"
PREFECTURE_CODE = JPP + "prefectureCode"
KIND = JPP + "municipalityKind"
KIND_NAMESPACE = VOCAB + "municipality-kind/"
# How the kinds are written on the list and in the workbook's drop-down, shown beside the IRI (ontology/vocab).
KIND_WORDS = {"city": "市", "town": "町", "village": "村", "special-ward": "特別区"}
SOURCE = "kg:national-local-government-list"
MAX_CODE_LENGTH = 8  # a code has 6 digits; a slip adds or drops one or two

MESSAGES = {
    "unknown-code": {
        "ja": "団体コード {code} は全国地方公共団体コードにありません。{suggest}",
        "en": "The local government code {code} is not in the national list of local government codes. {suggest}",
    },
    "unknown-municipality": {
        "ja": "{iri} は全国地方公共団体コードにない市区町村を指しています。{suggest}",
        "en": "{iri} names a municipality that is not in the national list of local government codes. {suggest}",
    },
    "unknown-described": {
        "ja": "{iri} は全国地方公共団体コードにない市区町村です。{suggest}",
        "en": "{iri} is not a municipality of the national list of local government codes. {suggest}",
    },
    "unknown-prefecture": {
        "ja": "都道府県コード {code} の都道府県はありません。都道府県コードは 01〜47 です。{suggest}",
        "en": "There is no prefecture with the code {code}: prefecture codes run from 01 to 47. {suggest}",
    },
    "name-mismatch": {
        "ja": "{what} {code} の名称は「{right}」です（「{given}」ではありません）。名称か{what}を直してください。",
        "en": "The {what} {code} is {right} (not \"{given}\") in the national list: correct the name or the code.",
    },
    "code": {"ja": "団体コード", "en": "code"},
    "prefecture-code": {"ja": "都道府県コード", "en": "prefecture code"},
    "kind-mismatch": {
        "ja": "{right_name}（{code}）の種別は {right} です（{given} ではありません）。",
        "en": "{right_name} ({code}) is of kind {right} in the national list, not {given}.",
    },
    "did-you-mean": {"ja": "{options}ですか？", "en": "Did you mean {options}?"},
    "or": {"ja": "、", "en": " or "},
    "no-suggestion": {"ja": "全国地方公共団体コードの6桁を記入してください。",
                      "en": "Write the 6-digit code from the national list."},
}
CONSTRAINTS = {"unknown-code": "KnownLocalGovernmentCode", "unknown-municipality": "KnownLocalGovernmentCode",
               "unknown-described": "KnownLocalGovernmentCode",
               "unknown-prefecture": "KnownLocalGovernmentCode", "name-mismatch": "LocalGovernmentName",
               "kind-mismatch": "LocalGovernmentKind"}


UNREADABLE_LIST = {
    "ja": ("全国地方公共団体コードの一覧を読めません（{error}）。団体コードを検査できないため、検証を中止しました。",
           "data/ttl/reference/local-governments.ttl を元に戻してください（python -m kg.reference で作り直せます）。"),
    "en": ("the national list of local governments cannot be read ({error}): no code could be checked, so "
           "validation stopped", "restore data/ttl/reference/local-governments.ttl (python -m kg.reference)"),
}


def project_registry(project: Project, *, lang: str = "ja") -> Registry:
    """The national list the project's data is checked against: the project's own reference file where it has
    one (a checkout), else the list this package carries (an installed tool validating a clerk's file). No list
    at all is an error, never a pass: without it no code could be checked."""
    try:
        path = registry_file(project)
        stat = path.stat()
        return _registry(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, SyntaxError, ValueError, KeyError) as exc:
        message, hint = UNREADABLE_LIST["ja" if lang == "ja" else "en"]
        raise KgError(message.format(error=printable(str(exc))), hint=hint) from None


@lru_cache(maxsize=2)
def _registry(path: str, _mtime_ns: int, _size: int) -> Registry:
    # Keyed on the file's size and time too: a process validating twice (a service, a test) must not check
    # against the list as it was before it changed.
    return read_registry(Path(path))


def registry_file(project: Project) -> Path:
    """The file project_registry reads (part of the key cached validation results are stored under)."""
    own = project.root / REFERENCE_NAME
    return own if own.is_file() else reference_file()


@dataclass
class _Finding:
    kind: str
    subject: str
    path: str | None
    value: str | None
    details: dict


def check_country(data: Sequence[ox.Triple], registry: Registry, *, lang: str,
                  origin: dict[str, tuple[str, ...]]) -> list[ValidationIssue]:
    """The violations of the national list in the triples: unknown codes and IRIs, wrong names and kinds."""
    language = "ja" if lang == "ja" else "en"
    findings: list[_Finding] = []
    names: dict[str, list[ox.Literal]] = {}   # subject -> its rdfs:label @ja values
    kinds: dict[str, set[str]] = {}    # municipality subject -> its jpp:municipalityKind values
    governments: dict[str, LocalGovernment] = {}  # subject -> the government of the list its code names
    coded: set[str] = set()            # subjects stating a code (an unknown one is reported as the code)
    described: set[str] = set()        # subjects with a municipality or prefecture IRI the list does not hold
    seen: set[tuple[str, str, str]] = set()
    for t in data:
        subject, predicate, value = t.subject.value, t.predicate.value, t.object
        if subject.startswith((MUNICIPALITY, PREFECTURE)) and registry.by_iri(subject) is None:
            described.add(subject)
        if predicate == RDFS_LABEL:
            if isinstance(value, ox.Literal) and value.language == "ja":
                names.setdefault(subject, []).append(value)
        elif predicate == CODE and isinstance(value, ox.Literal):
            coded.add(subject)
            government = registry.municipality(value.value)
            if government is not None:
                governments[subject] = government
            elif _once(seen, subject, predicate, value.value):
                findings.append(_unknown_code(subject, value, registry, language))
        elif predicate == PREFECTURE_CODE and isinstance(value, ox.Literal):
            coded.add(subject)
            government = registry.prefecture(value.value)
            if government is not None:
                governments[subject] = government
            elif _once(seen, subject, predicate, value.value):
                findings.append(_unknown_prefecture(subject, predicate, value, registry, language))
        elif predicate == KIND and isinstance(value, ox.NamedNode):
            kinds.setdefault(subject, set()).add(value.value)
        if (isinstance(value, ox.NamedNode) and value.value.startswith((MUNICIPALITY, PREFECTURE))
                # Once per resource: a source names its municipality as publisher and as municipality alike.
                and registry.by_iri(value.value) is None and _once(seen, subject, "link", value.value)):
            findings.append(_unknown_iri(subject, predicate, value.value, registry, language))
    # A municipality or prefecture described under an IRI the list does not hold, with no code to report instead.
    findings += [_unknown_iri(subject, None, subject, registry, language) for subject in sorted(described - coded)]
    findings += _mismatches(names, kinds, governments, registry, language)
    if not findings:
        return []
    labels = labels_of(data, language)
    return [ValidationIssue(
        focus_node=f.subject, focus_label=labels.get(f.subject), result_path=f.path, result_path_label=None,
        value=f.value, source_shape=SOURCE, constraint=CONSTRAINTS[f.kind], severity="Violation",
        message=MESSAGES[f.kind][language].format(**f.details).strip(), files=origin.get(f.subject, ()),
    ) for f in findings]


def _once(seen: set, *key: str) -> bool:
    if key in seen:
        return False
    seen.add(key)
    return True


def _suggest(options: list[LocalGovernment], language: str, code: str) -> str:
    # A wrong check digit is the commonest slip: where the first five digits name a real code, that is the answer.
    same_five = [g for g in options if len(code) >= 5 and g.code[:5] == code[:5]]
    options = same_five or options
    if not options:
        return MESSAGES["no-suggestion"][language]
    shown = [f"{_code_shown(g)}（{g.label}）" if language == "ja" else f"{_code_shown(g)} ({g.label})" for g in options]
    return MESSAGES["did-you-mean"][language].format(options=MESSAGES["or"][language].join(shown))


# Values are written as the engines write them (a literal in N-Triples form, an IRI bare), so that the issues of
# one value can be told apart from another's (kg.validation.root_cause).
def _unknown_code(subject: str, code: ox.Literal, registry: Registry, language: str) -> _Finding:
    return _Finding("unknown-code", subject, CODE, str(code),
                    {"code": _shown(code.value), "suggest": _suggest(_nearest(registry, code.value), language, code.value)})


def _nearest(registry: Registry, code: str) -> list[LocalGovernment]:
    # Only for what could be a mistyped code: comparing a 200,000-digit value with every code costs minutes.
    return registry.nearest_codes(code) if 0 < len(code.strip()) <= MAX_CODE_LENGTH else []


def _shown(text: str, limit: int = 2 * MAX_CODE_LENGTH) -> str:
    """A value as a message quotes it: escaped, and cut where it is far longer than a code (or a name)."""
    return printable(text if len(text) <= limit else text[:limit] + "…")


def _unknown_prefecture(subject: str, path: str | None, code: ox.Literal | ox.NamedNode, registry: Registry,
                        language: str) -> _Finding:
    if isinstance(code, ox.NamedNode):
        text, value = code.value.removeprefix(PREFECTURE), code.value
    else:
        text, value = code.value, str(code)
    meant = registry.prefecture(text.strip().zfill(2)) if text.strip().isdigit() and len(text) < 3 else None  # "1"
    return _Finding("unknown-prefecture", subject, path, value, {
        "code": _shown(text), "suggest": _suggest([meant], language, "") if meant is not None else ""})


def _unknown_iri(subject: str, path: str | None, iri: str, registry: Registry, language: str) -> _Finding:
    if iri.startswith(PREFECTURE):
        return _unknown_prefecture(subject, path, ox.NamedNode(iri), registry, language)
    code = iri.removeprefix(MUNICIPALITY)
    return _Finding("unknown-municipality" if path is not None else "unknown-described", subject, path, iri, {
        "iri": _shown(compact(iri), 80), "suggest": _suggest(_nearest(registry, code), language, code)})


def _mismatches(names: dict[str, list[ox.Literal]], kinds: dict[str, set[str]], governments: dict[str, LocalGovernment],
                registry: Registry, language: str) -> list[_Finding]:
    """A municipality or prefecture of the list described under another name or kind: the one its code names,
    or, with no code given, its IRI (id:municipality/NNNNNN; the shapes check that IRI and code agree)."""
    found = []
    for subject, given in names.items():
        government = governments.get(subject) or registry.by_iri(subject)
        if government is None:
            continue
        right = {government.name, government.label}
        for name in given:
            if name.value.strip() not in right:
                what = MESSAGES["prefecture-code" if government.is_prefecture else "code"][language]
                found.append(_Finding("name-mismatch", subject, RDFS_LABEL, str(name), {
                    "code": _code_shown(government), "what": what, "right": government.label,
                    "given": _shown(name.value, 40)}))
    for subject, given_kinds in kinds.items():
        government = governments.get(subject) or registry.by_iri(subject)
        if government is None or government.is_prefecture:
            continue
        for kind in sorted(given_kinds - {KIND_NAMESPACE + government.kind}):
            found.append(_Finding("kind-mismatch", subject, KIND, kind, {
                "code": government.code, "right_name": government.label,
                "right": _kind_shown(KIND_NAMESPACE + government.kind), "given": _shown(_kind_shown(kind), 80)}))
    return found


def _kind_shown(kind_iri: str) -> str:
    """mk:town「町」: the word a clerk knows beside the term."""
    word = KIND_WORDS.get(kind_iri.removeprefix(KIND_NAMESPACE)) if kind_iri.startswith(KIND_NAMESPACE) else None
    return f"{compact(kind_iri)}「{word}」" if word else compact(kind_iri)


def _code_shown(government: LocalGovernment) -> str:
    return government.prefecture_code if government.is_prefecture else government.code
