"""The municipality of a question about one municipality, as the 6-digit codes the query matches.

A scoped question (`#+ scope: municipality`) finds its municipality by `jpp:localGovernmentCode`: one index
lookup. People give a name (青梅市) as often as a code, and matching names inside the query costs the embedded
store a scan of every municipality with each of its labels looked up in every graph of the scope (about 100 ms at
national scale, before the question proper starts), because it cannot start a join from a FILTER. So a name is
turned into codes before the query runs: from the build's manifest (no query), from the store, or from the
remote endpoint that will answer the question (each target's `codes_named`). Some names are shared (伊達市 in
Hokkaido and Fukushima): the question is then asked about each municipality of that name, as when the query
matched names itself.

A value that is no municipality of Japan (青梅, Ome, ほげ市, a code not in the national list) is refused before
anything runs (exit 2, HTTP 400), with the real municipalities it may have meant (kg.query.readings for romaji and
kana): an empty answer would look like a municipality with nothing to say. A real municipality the target does not
know is asked about all the same; its empty answer is then explained ("no plan yet", `no_plan_sentence`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import sparql_prefixes
from ..reference.registry import LocalGovernment, Registry, national_registry
from .catalogue import NamedQuery
from .readings import hiragana, is_romanised, reading_key, without_suffix_word
from .results import QueryResult

CODE = re.compile(r"[0-9]{6}")

# The same lookup on the embedded store and on a SPARQL server; the name is bound as a term (kg.query.params).
NAME_LOOKUP = sparql_prefixes("jpp", "rdfs") + """SELECT DISTINCT ?code WHERE {
  ?municipality jpp:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(STR(?name) = ?_name)
}
ORDER BY ?code"""

# Which of the codes asked about have a plan of their own in the graph (not one known only from citations).
PLANS_OF = sparql_prefixes("jpp", "dcterms", "cm") + """SELECT DISTINCT ?_code WHERE {
  ?municipality jpp:localGovernmentCode ?_code .
  ?plan jpp:municipality ?municipality ; dcterms:title|jpp:editorialLabel ?title .
  FILTER NOT EXISTS { ?plan jpp:completeness cm:cited-only }
}"""
MAX_SUGGESTIONS = 5
# The reading of the word that ends a name (市 し, 町 まち or ちょう, 村 むら or そん, 区 く), by kind.
KIND_READINGS = {"city": ("し",), "town": ("まち", "ちょう"), "village": ("むら", "そん"), "special-ward": ("く",)}

CodesNamed = Callable[[str], list[str]]


class UnknownMunicipality(QueryError):
    """A scope parameter naming no municipality of Japan; `suggestions` are the real ones it may have meant."""

    def __init__(self, message: str, *, hint: str, suggestions: list[LocalGovernment]):
        super().__init__(message, hint=hint)
        self.suggestions = suggestions


def described(government: LocalGovernment) -> str:
    """青梅市（東京都、132055）: the name, its prefecture and its code, as a clerk can check them."""
    return f"{government.name}（{government.prefecture_name}、{government.code}）"


def scope_variable(query: NamedQuery) -> str | None:
    """The variable of a named query's scope parameter (`_municipality`), or None when it has none."""
    spec = next((p for p in query.params if p.name == query.scope), None) if query.scope else None
    return spec.variable if spec else None


def resolve_scope(query: NamedQuery, bindings: dict, codes_named: CodesNamed) -> dict:
    """`bindings` with the scope parameter's value replaced by the codes it stands for: a list of literals when
    a name is given, one literal for a code (full-width digits folded)."""
    variable = scope_variable(query)
    if variable is None or variable not in bindings or isinstance(bindings[variable], list):
        return bindings
    value = unicodedata.normalize("NFKC", bindings[variable].value).strip()
    registry = national_registry()
    if CODE.fullmatch(value):
        check_code(value, registry, parameter=query.scope or "municipality")
        return {**bindings, variable: ox.Literal(value)}
    codes = codes_named(bindings[variable].value) or codes_named(value)
    if not codes:
        # A municipality the target does not know (no reference data there): asked all the same, and its empty
        # answer explained; anything else is no municipality.
        codes = [g.code for g in registry.by_name(value) if not g.is_prefecture]
    if not codes:
        raise unknown_name(value, registry, parameter=query.scope or "municipality")
    return {**bindings, variable: [ox.Literal(code) for code in codes]}


def check_code(code: str, registry: Registry, *, parameter: str) -> None:
    """Refuse a 6-digit code that is no municipality's: a prefecture's, or none (with the nearest real codes)."""
    found = registry.by_code(code)
    if found is not None and found.is_prefecture:
        raise UnknownMunicipality(
            f"{parameter}: {code} is the code of {found.name}, a prefecture / {code}は{found.name}（都道府県）のコードです",
            hint="give one of its municipalities by name or code / その市区町村の名称かコードを指定してください",
            suggestions=[])
    if found is None:
        near = registry.nearest_codes(code)
        raise UnknownMunicipality(
            f"{parameter}: no municipality of Japan has the code {code} / 団体コード{code}の市区町村はありません",
            hint=_did_you_mean(near) if near else "a code has 6 digits, the last a check digit (青梅市: 132055) / "
                                                  "6桁の団体コード（例: 青梅市 132055）で指定してください",
            suggestions=near)


def unknown_name(value: str, registry: Registry, *, parameter: str) -> UnknownMunicipality:
    """The error for a name no municipality has, suggesting the ones it may stand for (青梅 → 青梅市, Ome → 青梅市)."""
    prefecture = [g for g in registry.by_name(value) if g.is_prefecture]
    if prefecture:
        return UnknownMunicipality(
            f"{parameter}: {value} is a prefecture, not a municipality / {value}は都道府県です",
            hint="give one of its municipalities (市区町村) / 市区町村を指定してください", suggestions=[])
    near = suggestions(value, registry)
    return UnknownMunicipality(
        f"{parameter}: no municipality of Japan is named {value!r} / 「{value}」という市区町村はありません",
        hint=_did_you_mean(near) if near else
        "give the name as the national list writes it (青梅市, 東京都府中市), its reading (おうめし) or its 6-digit code / "
        "正式な名称（例: 青梅市）、読み、または6桁の団体コードで指定してください",
        suggestions=near)


def suggestions(text: str, registry: Registry, n: int = MAX_SUGGESTIONS) -> list[LocalGovernment]:
    """Real municipalities a name that is none may mean: the name without 市/町/村/区 (青梅), its reading in kana or
    romaji (おうめ, Ome, Ōme-shi), then names written almost the same (青海市 → 青梅市)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return []
    municipalities = registry.municipalities()
    found: dict[str, LocalGovernment] = {}
    if is_romanised(text) or any("\u3040" <= c <= "\u30ff" for c in text):
        key = reading_key(without_suffix_word(text) if is_romanised(text) else hiragana(text))
        for g in municipalities:
            if key in (reading_key(g.kana), *(reading_key(stem) for stem in _reading_stems(g))):
                found.setdefault(g.code, g)
    for g in municipalities:
        if text in (g.name[:-1], g.label[:-1], g.name, g.label) or (len(text) >= 2 and g.name.startswith(text)):
            found.setdefault(g.code, g)
    if not found:
        names = {g.name: g for g in municipalities} | {g.label: g for g in municipalities}
        for close in difflib.get_close_matches(text, list(names), n=n, cutoff=0.6):
            for g in registry.by_name(close):
                found.setdefault(g.code, g)
    return list(found.values())[:n]


def _reading_stems(government: LocalGovernment) -> list[str]:
    return [government.kana[: -len(end)] for end in KIND_READINGS.get(government.kind, ())
            if government.kana.endswith(end) and len(government.kana) > len(end)]


def _did_you_mean(near: list[LocalGovernment]) -> str:
    return "did you mean / もしかして: " + "、".join(described(g) for g in near)


def no_plan_sentence(codes: list[str], with_plans: set[str], registry: Registry | None = None) -> str | None:
    """Why a question about these municipalities found nothing: which have no plan in the graph yet. None when each
    has one (the question found nothing in their plans: not this sentence's to say)."""
    registry = registry or national_registry()
    missing = [registry.municipality(code) for code in codes if code not in with_plans]
    missing = [g for g in missing if g is not None]
    if not missing:
        return None
    names = "、".join(described(g) for g in missing)
    return (f"{names}: この市区町村の計画はまだグラフにありません / no plan of this municipality is in the graph yet "
            "(kg ingest adds one from the workbook)")


def scope_codes(query: NamedQuery, bindings: dict) -> list[str] | None:
    """The values of a question's scope parameter after resolve_scope (codes, or a name no municipality has), or
    None when the question has no scope to run on."""
    variable = scope_variable(query)
    if variable is None or variable not in bindings:
        return None
    value = bindings[variable]
    return [term.value for term in value] if isinstance(value, list) else [value.value]


def name_lookup_bindings(name: str) -> dict[str, ox.Literal]:
    return {"_name": ox.Literal(name)}


def codes_in(result: QueryResult) -> list[str]:
    """The codes a NAME_LOOKUP answered."""
    return [row["code"].value for row in result.rows if "code" in row]
