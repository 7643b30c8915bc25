"""The synthetic nation: 47 prefectures and 1,741 municipalities with valid local government codes.

Prefecture names and the number of municipalities in each are the real ones (1,718 cities, towns and villages and
Tokyo's 23 special wards); municipality names and codes are made up, but every code is well formed: prefecture code,
three digits (1xx wards, 2xx cities, 3xx and up towns and villages) and the check digit of the national list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (code, name, English, kana, municipalities, of which cities). Tokyo's 23 special wards are counted apart.
PREFECTURES = (
    ("01", "北海道", "Hokkaido", "ほっかいどう", 179, 35), ("02", "青森県", "Aomori Prefecture", "あおもりけん", 40, 10),
    ("03", "岩手県", "Iwate Prefecture", "いわてけん", 33, 14), ("04", "宮城県", "Miyagi Prefecture", "みやぎけん", 35, 14),
    ("05", "秋田県", "Akita Prefecture", "あきたけん", 25, 13), ("06", "山形県", "Yamagata Prefecture", "やまがたけん", 35, 13),
    ("07", "福島県", "Fukushima Prefecture", "ふくしまけん", 59, 13), ("08", "茨城県", "Ibaraki Prefecture", "いばらきけん", 44, 32),
    ("09", "栃木県", "Tochigi Prefecture", "とちぎけん", 25, 14), ("10", "群馬県", "Gunma Prefecture", "ぐんまけん", 35, 12),
    ("11", "埼玉県", "Saitama Prefecture", "さいたまけん", 63, 40), ("12", "千葉県", "Chiba Prefecture", "ちばけん", 54, 37),
    ("13", "東京都", "Tokyo Metropolis", "とうきょうと", 62, 26), ("14", "神奈川県", "Kanagawa Prefecture", "かながわけん", 33, 19),
    ("15", "新潟県", "Niigata Prefecture", "にいがたけん", 30, 20), ("16", "富山県", "Toyama Prefecture", "とやまけん", 15, 10),
    ("17", "石川県", "Ishikawa Prefecture", "いしかわけん", 19, 11), ("18", "福井県", "Fukui Prefecture", "ふくいけん", 17, 9),
    ("19", "山梨県", "Yamanashi Prefecture", "やまなしけん", 27, 13), ("20", "長野県", "Nagano Prefecture", "ながのけん", 77, 19),
    ("21", "岐阜県", "Gifu Prefecture", "ぎふけん", 42, 21), ("22", "静岡県", "Shizuoka Prefecture", "しずおかけん", 35, 23),
    ("23", "愛知県", "Aichi Prefecture", "あいちけん", 54, 38), ("24", "三重県", "Mie Prefecture", "みえけん", 29, 14),
    ("25", "滋賀県", "Shiga Prefecture", "しがけん", 19, 13), ("26", "京都府", "Kyoto Prefecture", "きょうとふ", 26, 15),
    ("27", "大阪府", "Osaka Prefecture", "おおさかふ", 43, 33), ("28", "兵庫県", "Hyogo Prefecture", "ひょうごけん", 41, 29),
    ("29", "奈良県", "Nara Prefecture", "ならけん", 39, 12), ("30", "和歌山県", "Wakayama Prefecture", "わかやまけん", 30, 9),
    ("31", "鳥取県", "Tottori Prefecture", "とっとりけん", 19, 4), ("32", "島根県", "Shimane Prefecture", "しまねけん", 19, 8),
    ("33", "岡山県", "Okayama Prefecture", "おかやまけん", 27, 15), ("34", "広島県", "Hiroshima Prefecture", "ひろしまけん", 23, 14),
    ("35", "山口県", "Yamaguchi Prefecture", "やまぐちけん", 19, 13), ("36", "徳島県", "Tokushima Prefecture", "とくしまけん", 24, 8),
    ("37", "香川県", "Kagawa Prefecture", "かがわけん", 17, 8), ("38", "愛媛県", "Ehime Prefecture", "えひめけん", 20, 11),
    ("39", "高知県", "Kochi Prefecture", "こうちけん", 34, 11), ("40", "福岡県", "Fukuoka Prefecture", "ふくおかけん", 60, 29),
    ("41", "佐賀県", "Saga Prefecture", "さがけん", 20, 10), ("42", "長崎県", "Nagasaki Prefecture", "ながさきけん", 21, 13),
    ("43", "熊本県", "Kumamoto Prefecture", "くまもとけん", 45, 14), ("44", "大分県", "Oita Prefecture", "おおいたけん", 18, 14),
    ("45", "宮崎県", "Miyazaki Prefecture", "みやざきけん", 26, 9), ("46", "鹿児島県", "Kagoshima Prefecture", "かごしまけん", 43, 19),
    ("47", "沖縄県", "Okinawa Prefecture", "おきなわけん", 41, 11),
)
TOKYO_WARDS = 23
NATIONAL_COUNT = 1741

# Syllables that name made-up places: (kanji, kana, romaji). Two or three of them make a name.
SYLLABLES = (
    ("北", "きた", "kita"), ("南", "みなみ", "minami"), ("東", "ひがし", "higashi"), ("西", "にし", "nishi"),
    ("中", "なか", "naka"), ("上", "かみ", "kami"), ("下", "しも", "shimo"), ("大", "おお", "o"),
    ("小", "こ", "ko"), ("高", "たか", "taka"), ("山", "やま", "yama"), ("川", "かわ", "kawa"),
    ("田", "た", "ta"), ("野", "の", "no"), ("原", "はら", "hara"), ("木", "き", "ki"),
    ("松", "まつ", "matsu"), ("杉", "すぎ", "sugi"), ("梅", "うめ", "ume"), ("桜", "さくら", "sakura"),
    ("石", "いし", "ishi"), ("岩", "いわ", "iwa"), ("浜", "はま", "hama"), ("島", "しま", "shima"),
    ("沢", "さわ", "sawa"), ("谷", "たに", "tani"), ("橋", "はし", "hashi"), ("宮", "みや", "miya"),
    ("森", "もり", "mori"), ("泉", "いずみ", "izumi"), ("岡", "おか", "oka"), ("崎", "さき", "saki"),
    ("津", "つ", "tsu"), ("瀬", "せ", "se"), ("辺", "べ", "be"), ("見", "み", "mi"),
    ("若", "わか", "waka"), ("富", "とみ", "tomi"), ("清", "きよ", "kiyo"), ("白", "しら", "shira"),
)
KINDS = {"ward": ("区", "く", "Ward"), "city": ("市", "し", "City"), "town": ("町", "ちょう", "Town"),
         "village": ("村", "むら", "Village")}


@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str
    name_en: str
    kana: str


@dataclass(frozen=True)
class Municipality:
    code: str            # 6 digits, check digit included
    name: str            # 青川市
    name_en: str         # Aokawa City
    kana: str
    romaji: str          # for file names: aokawa
    kind: str            # ward, city, town or village
    prefecture: Prefecture

    @property
    def area_code(self) -> str:
        """The 5-digit code without its check digit (e-Stat's standard area code)."""
        return self.code[:5]


def check_digit(five_digits: str) -> int:
    """The check digit of the national list of local government codes: weights 6,5,4,3,2, r = sum mod 11,
    check = (11 - r) mod 10."""
    if len(five_digits) != 5 or not five_digits.isdigit():
        raise ValueError(f"a local government code has 5 digits before its check digit, not {five_digits!r}")
    remainder = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), five_digits, strict=True)) % 11
    return (11 - remainder) % 10


def local_government_code(five_digits: str) -> str:
    return five_digits + str(check_digit(five_digits))


def prefectures() -> list[Prefecture]:
    return [Prefecture(code, name, en, kana) for code, name, en, kana, _count, _cities in PREFECTURES]


def nation(seed: int) -> list[Municipality]:
    """All 1,741 municipalities, prefecture by prefecture; names depend on the seed, codes and counts do not."""
    rng = random.Random(f"nation:{seed}")
    used_names: set[str] = set()
    municipalities = []
    for (code, _name, _en, _kana, count, cities), prefecture in zip(PREFECTURES, prefectures(), strict=True):
        numbers = _municipal_numbers(code, count, cities)
        for number, kind in numbers:
            place = _unique_place_name(rng, used_names)
            suffix, suffix_kana, suffix_en = KINDS[kind]
            kanji, place_kana, romaji = place
            municipalities.append(Municipality(
                code=local_government_code(code + number), name=kanji + suffix, kana=place_kana + suffix_kana,
                name_en=f"{romaji.capitalize()} {suffix_en}", romaji=romaji, kind=kind, prefecture=prefecture))
    assert len(municipalities) == NATIONAL_COUNT, len(municipalities)
    return municipalities


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


def _municipal_numbers(prefecture_code: str, count: int, cities: int) -> list[tuple[str, str]]:
    numbers = []
    wards = TOKYO_WARDS if prefecture_code == "13" else 0
    numbers += [(f"{101 + i:03d}", "ward") for i in range(wards)]
    numbers += [(f"{201 + i:03d}", "city") for i in range(cities)]
    rest = count - wards - cities
    # Towns and villages are numbered by county (郡) in the real list, leaving gaps; every third number does that.
    numbers += [(f"{301 + 3 * i:03d}", "village" if i % 4 == 3 else "town") for i in range(rest)]
    return numbers


def _unique_place_name(rng: random.Random, used: set[str]) -> tuple[str, str, str]:
    for length in (2, 2, 2, 3, 3, 3, 3, 3):
        parts = rng.sample(SYLLABLES, length)
        kanji = "".join(p[0] for p in parts)
        if kanji not in used:
            used.add(kanji)
            return kanji, "".join(p[1] for p in parts), "".join(p[2] for p in parts)
    raise AssertionError("ran out of place names")  # 40 syllables give 59,280 three-syllable names
