"""Lookups in the national list, read from the committed reference Turtle (no network, no extra package).

`national_registry()` is what validation, intake, queries and pages ask: a code or a name to a municipality or
prefecture, and the nearest real ones when a clerk mistypes a code or a name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import JPP, RDF_TYPE, RDFS_LABEL, VOCAB
from .codes import is_valid_code, with_check_digit

REFERENCE_NAME = Path("data", "ttl", "reference", "local-governments.ttl")
KIND_SCHEME = VOCAB + "municipality-kind/"


@dataclass(frozen=True)
class LocalGovernment:
    """A prefecture or municipality of the national list."""

    code: str               # 6 digits with the check digit; a prefecture's is NN0000 + check digit
    name: str               # 八王子市 (東京都 for a prefecture)
    kana: str               # はちおうじし
    prefecture_code: str    # 13
    prefecture_name: str    # 東京都
    kind: str               # city, town, village, special-ward or prefecture
    iri: str
    e_stat_iri: str | None

    @property
    def label(self) -> str:
        """The name that cannot be mistaken: 東京都府中市 and 広島県府中市."""
        return self.name if self.kind == "prefecture" else self.prefecture_name + self.name

    @property
    def is_prefecture(self) -> bool:
        return self.kind == "prefecture"


def reference_file() -> Path:
    """The reference Turtle: in the checkout this package runs from, else the copy bundled into an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / REFERENCE_NAME, package / "bundled" / REFERENCE_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the national reference list ({REFERENCE_NAME}) is neither in the checkout nor bundled")


class Registry:
    """Every prefecture and municipality, by code, by IRI and by name."""

    def __init__(self, governments: list[LocalGovernment]):
        self._all = sorted(governments, key=lambda g: g.code)
        self._by_code = {g.code: g for g in self._all}
        self._by_iri = {g.iri: g for g in self._all}
        self._prefectures = {g.prefecture_code: g for g in self._all if g.is_prefecture}
        self._by_name: dict[str, list[LocalGovernment]] = {}
        for g in self._all:
            for key in {g.name, g.label, g.kana}:
                self._by_name.setdefault(key, []).append(g)

    def municipalities(self) -> list[LocalGovernment]:
        return [g for g in self._all if not g.is_prefecture]

    def prefectures(self) -> list[LocalGovernment]:
        return [g for g in self._all if g.is_prefecture]

    def municipality(self, code: str) -> LocalGovernment | None:
        found = self._by_code.get(code)
        return found if found is not None and not found.is_prefecture else None

    def prefecture(self, code2: str) -> LocalGovernment | None:
        return self._prefectures.get(code2)

    def by_code(self, code: str) -> LocalGovernment | None:
        """A prefecture or a municipality by its 6-digit code."""
        return self._by_code.get(code)

    def by_iri(self, iri: str) -> LocalGovernment | None:
        return self._by_iri.get(iri)

    def by_name(self, name: str) -> list[LocalGovernment]:
        """Exact name (府中市 gives two), prefecture + name (東京都府中市) or reading (ふちゅうし)."""
        return list(self._by_name.get(name.strip(), ()))

    def nearest_codes(self, code: str, n: int = 3) -> list[LocalGovernment]:
        """Real codes a mistyped one was probably meant to be: the same five digits first (a wrong check digit), then
        the same prefecture, then fewest differing or swapped digits. Anything but 5 or 6 digits has no neighbours."""
        code = code.strip()
        if not (code.isascii() and code.isdigit() and len(code) in (5, 6)):
            return []
        code = code.ljust(6, "?")
        swaps = {code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(5)}

        def distance(g: LocalGovernment) -> tuple:
            differing = 1 if g.code in swaps else sum(a != b for a, b in zip(g.code, code, strict=True))
            return (g.code[:5] != code[:5], g.code[:2] != code[:2], differing, g.code)

        # A prefecture's code (NN000x) is suggested only for a code that looks like one.
        wanted = self._all if code[2:5] == "000" else self.municipalities()
        candidates = sorted((g for g in wanted if g.code != code and distance(g)[2] <= 2), key=distance)
        return candidates[:n]

    def nearest_names(self, text: str, n: int = 3) -> list[LocalGovernment]:
        """Names (or readings) close to a mistyped one, closest first."""
        close = difflib.get_close_matches(text.strip(), list(self._by_name), n=n * 2, cutoff=0.5)
        seen: dict[str, LocalGovernment] = {}
        for key in close:
            for g in self._by_name[key]:
                seen.setdefault(g.code, g)
        return list(seen.values())[:n]


def read_registry(path: Path) -> Registry:
    """The registry of a reference Turtle file (the generated one, or any file in its form)."""
    values: dict[str, dict[str, str]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        record = values.setdefault(quad.subject.value, {})
        predicate, obj = quad.predicate.value, quad.object
        if predicate == RDF_TYPE:
            record.setdefault("type", obj.value)
        elif predicate == RDFS_LABEL and isinstance(obj, ox.Literal) and obj.language == "ja":
            record["name"] = obj.value
        elif predicate.startswith(JPP):
            record[predicate.removeprefix(JPP)] = obj.value
    prefectures = {r["prefectureCode"]: r for r in values.values() if r.get("type") == JPP + "Prefecture"}
    governments = []
    for iri, record in values.items():
        kind = record.get("type")
        if kind == JPP + "Prefecture":
            code2 = record["prefectureCode"]
            governments.append(LocalGovernment(
                code=with_check_digit(code2 + "000"), name=record["name"], kana=record["nameKana"],
                prefecture_code=code2, prefecture_name=record["name"], kind="prefecture", iri=iri, e_stat_iri=None))
        elif kind == JPP + "Municipality":
            code = record["localGovernmentCode"]
            prefecture = prefectures[code[:2]]
            governments.append(LocalGovernment(
                code=code, name=record["name"], kana=record["nameKana"], prefecture_code=code[:2],
                prefecture_name=prefecture["name"], kind=record["municipalityKind"].removeprefix(KIND_SCHEME),
                iri=iri, e_stat_iri=record.get("eStatArea")))
    if not governments or not all(is_valid_code(g.code) for g in governments):
        raise ValueError(f"{path}: not a reference list of local governments")
    return Registry(governments)


@lru_cache(maxsize=4)
def national_registry(path: Path | None = None) -> Registry:
    """The national list (cached: read once per process)."""
    return read_registry(path or reference_file())

