"""Readings of municipality names as people type them: kana (おうめ, オウメ) and romanised (Ome, Ōme, Oume, Ohme).

The national list gives each municipality's reading in hiragana only (kg.reference). To find 青梅市 from `Ome`, the
reading is romanised here (Hepburn, as road signs and the municipalities' English pages write it) and both sides are
folded to one loose key: long vowels written or not (おう → o, ou, ō, oh), Hepburn or Kunrei spelling (shi/si, chi/ti,
tsu/tu, fu/hu, ji/zi), ん before b, m, p written m (Shimbashi). A key finds candidates to suggest, never an answer by
itself: two readings may fold to one key.

Written here rather than taken from a romanisation library (pykakasi, cutlet): those turn kanji into romaji with a
dictionary, which we do not need (the list has the readings), and kana to romaji is a table of some eighty syllables.
"""

from __future__ import annotations

import re
import unicodedata

_SYLLABLES = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko", "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so", "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to", "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho", "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n", "ゔ": "vu",
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゎ": "wa",
}
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
# Hepburn and Kunrei (and the way people type) folded to one spelling; the order matters (っち's tch before ch).
_FOLDS = (
    (r"[tc]ch(?=[aueo])", "tty"), (r"[tc]chi", "tti"), (r"sh(?=[aueo])", "sy"), (r"shi", "si"),
    (r"ch(?=[aueo])", "ty"), (r"chi", "ti"), (r"tsu", "tu"), (r"fu", "hu"), (r"j(?=[aueo])", "zy"), (r"ji", "zi"), (r"dzu", "zu"),
    (r"du", "zu"), (r"di", "zi"), (r"m(?=[bpm])", "n"), (r"oh(?![aiueo])", "o"), (r"ou", "o"), (r"oo", "o"),
    (r"uu", "u"), (r"aa", "a"), (r"ii", "i"), (r"wo", "o"),
)
# What follows a name in English or romaji (Ome City, Ome-shi, Hinode-machi) and is not part of the reading.
_SUFFIX_WORDS = ("city", "town", "village", "ward", "shi", "si", "machi", "mati", "cho", "chou", "tyo", "mura", "son",
                 "ku")


def hiragana(text: str) -> str:
    """Katakana (full or half width) to hiragana; other characters as they are."""
    full = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in full)


def romanised(kana: str) -> str:
    """Hepburn romaji of a hiragana (or katakana) reading: おうめし → oumeshi, きよせし → kiyoseshi."""
    text, out, index = hiragana(kana), [], 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "っ":
            double = _SYLLABLES.get(following, "")[:1]
            out.append("t" if following in "ちぢ" else double)
        elif following in _SMALL_Y and char in _SYLLABLES and _SYLLABLES[char].endswith("i"):
            stem = _SYLLABLES[char][:-1]
            out.append((stem if stem.endswith(("sh", "ch", "j")) else stem + "y") + _SMALL_Y[following])
            index += 1
        elif char in _SYLLABLES:
            out.append(_SYLLABLES[char])
        elif char != "ー":  # a long mark adds a vowel the loose key drops anyway
            out.append(char)
        index += 1
    return "".join(out)


def reading_key(text: str) -> str:
    """The loose key of a reading, in kana or romaji: Ōme, Oume, Ohme, おうめ and オウメ all give `ome`."""
    text = romanised(text) if any("\u3040" <= c <= "\u30ff" or "\uff66" <= c <= "\uff9f" for c in text) else text
    # ō → o (the macron dropped), and anything not a letter (hyphens, apostrophes, spaces) removed.
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if c.isascii() and c.isalpha())
    for pattern, replacement in _FOLDS:
        plain = re.sub(pattern, replacement, plain)
    return plain


def without_suffix_word(text: str) -> str:
    """`Ome City`, `Ome-shi` → `Ome`: the word after the name that says what kind of municipality it is."""
    words = [w for w in re.split(r"[\s\-_]+", text.strip()) if w]
    if len(words) > 1 and words[-1].lower() in _SUFFIX_WORDS:
        words = words[:-1]
    return " ".join(words)


def is_romanised(text: str) -> bool:
    """Latin letters only (with spaces, hyphens, apostrophes and macrons): a name typed in romaji or English."""
    letters = [c for c in unicodedata.normalize("NFKD", text) if c.isalpha()]
    return bool(letters) and all(c.isascii() for c in letters)
