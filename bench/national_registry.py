"""The nation of the benchmark: Japan's real 47 prefectures and 1,741 municipalities, from the national list.

Codes, names, readings, kinds and prefectures are the real ones (kg.reference, the pinned 全国地方公共団体コード), so a
synthetic plan sits on a real municipality and questions by name or code work as they do for a city's own plan; only
the plans are made up (bench/national_plans.py). File names use a romanisation of the reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kg.reference import national_registry

NATIONAL_COUNT = 1741

@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str
    kana: str


@dataclass(frozen=True)
class Municipality:
    code: str            # 6 digits, check digit included
    name: str            # 八王子市
    kana: str            # はちおうじし
    romaji: str          # for file names: hachioji
    kind: str            # special-ward, city, town or village
    prefecture: Prefecture

    @property
    def area_code(self) -> str:
        """The 5-digit code without its check digit (e-Stat's standard area code)."""
        return self.code[:5]


@cache
def prefectures() -> list[Prefecture]:
    return [Prefecture(p.prefecture_code, p.name, p.kana) for p in national_registry().prefectures()]


def nation(seed: int) -> list[Municipality]:
    """All 1,741 municipalities in code order (prefecture by prefecture). The seed shapes the plans, not the nation."""
    del seed
    by_code = {p.code: p for p in prefectures()}
    return [Municipality(code=m.code, name=m.name, kana=m.kana, romaji=romaji(m.kana), kind=m.kind,
                         prefecture=by_code[m.prefecture_code])
            for m in national_registry().municipalities()]


def sample(municipalities: list[Municipality], count: int) -> list[Municipality]:
    """The first `count` municipalities taken prefecture by prefecture in turn (the first of each prefecture, then
    the second …), so that even a small sample spans the country; the same municipality is generated the same way
    at every size."""
    if not 1 <= count <= len(municipalities):
        raise ValueError(f"--municipalities must be between 1 and {len(municipalities)}, not {count}")
    by_prefecture: dict[str, list[Municipality]] = {}
    for m in municipalities:
        by_prefecture.setdefault(m.prefecture.code, []).append(m)
    chosen: list[Municipality] = []
    rank = 0
    while len(chosen) < count:
        for members in by_prefecture.values():
            if rank < len(members) and len(chosen) < count:
                chosen.append(members[rank])
        rank += 1
    return chosen




# Hepburn, enough for place names: digraphs first, then single kana; っ doubles the next consonant.
DIGRAPHS = {
    "きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "しゃ": "sha", "しゅ": "shu", "しょ": "sho", "ちゃ": "cha", "ちゅ": "chu",
    "ちょ": "cho", "にゃ": "nya", "にゅ": "nyu", "にょ": "nyo", "ひゃ": "hya", "ひゅ": "hyu", "ひょ": "hyo", "みゃ": "mya",
    "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu", "りょ": "ryo", "ぎゃ": "gya", "ぎゅ": "gyu", "ぎょ": "gyo",
    "じゃ": "ja", "じゅ": "ju", "じょ": "jo", "びゃ": "bya", "びゅ": "byu", "びょ": "byo", "ぴゃ": "pya", "ぴゅ": "pyu",
    "ぴょ": "pyo",
}
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゔ"
SYLLABLES_OF_KANA = ("a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
                     "ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po vu")
SINGLE = dict(zip(KANA, SYLLABLES_OF_KANA.split(), strict=True))
KIND_SUFFIXES = ("し", "く", "まち", "ちょう", "むら", "そん")


def romaji(kana: str) -> str:
    """はちおうじし -> hachioji: the reading without its kind (し, く, まち/ちょう, むら/そん), long vowels shortened."""
    for suffix in KIND_SUFFIXES:
        if kana.endswith(suffix) and len(kana) > len(suffix):
            kana = kana[: -len(suffix)]
            break
    out, i, double = [], 0, False
    while i < len(kana):
        pair, char = kana[i:i + 2], kana[i]
        syllable = DIGRAPHS.get(pair) or SINGLE.get(char, "")
        i += 2 if pair in DIGRAPHS else 1
        if char == "っ":
            double = True
            continue
        if double and syllable:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out.append(syllable)
    text = "".join(out)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
        text = text.replace(long, short)
    return text or "x"
