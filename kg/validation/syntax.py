"""A file that cannot be read as RDF, told in the reader's language: a missing file, a file type that is not RDF,
and a syntax error with where (file:line:column) and what is wrong.

The parser (Oxigraph) explains in English. Under `--lang ja` the position and what to do are given in Japanese, with
the commonest explanations translated; any other explanation is kept, quoted, after the Japanese sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import KgError, RdfSyntaxError
from ..rdf.files import FORMATS_BY_SUFFIX

# The parser's explanations a clerk meets most, as Oxigraph words them (after the position it prefixes).
KNOWN = (
    (re.compile(r"A dot is expected at the end of statements"),
     "文の終わりにピリオド（.）がありません。この位置の直前の文の末尾に . を付けてください。"),
    (re.compile(r"The prefix (?P<prefix>\S*) has not been declared"),
     "接頭辞 {prefix} が宣言されていません。ファイルの先頭に @prefix {prefix} <…> . を書いてください。"),
    (re.compile(r"Unexpected end of file"),
     "ファイルが途中で終わっています。閉じていない引用符（\"）や括弧（[ ( ）がないか確認してください。"),
    (re.compile(r"Invalid IRI"), "IRI（< > で囲んだ名前）の書き方が正しくありません。"),
    (re.compile(r"Unexpected (character|token)|expected", re.IGNORECASE), "ここに書けない記号があります。"),
)
HINT = {"ja": "その位置の書き方を直してください。このファイルからは何も読み込んでいません。",
        "en": "fix the syntax at that position; nothing was loaded from this file"}


def syntax_error(error: RdfSyntaxError, lang: str) -> KgError:
    """The error as the reader's language tells it: unchanged in English, translated in Japanese."""
    if lang != "ja":
        return error
    where = error.path + (f":{error.line}" if error.line is not None else "") + (
        f":{error.column}" if error.line is not None and error.column is not None else "")
    detail = _detail(error)
    explained = None
    for pattern, japanese in KNOWN:
        found = pattern.search(detail)
        if found:
            explained = japanese.format(**found.groupdict())
            break
    message = f"{where}: 構文エラー: " + (explained or "RDF（Turtle など）として読めません。")
    if detail:
        message += f"（パーサーの説明: {detail}）"
    return KgError(message, hint=HINT["ja"])


def _detail(error: RdfSyntaxError) -> str:
    text = error.message.split(": syntax error: ", 1)[-1]
    # "Parser error between line 2 column 11 and line 3 column 1: …" repeats the position given in front.
    return re.sub(r"^Parser error (at|between) line [^:]*: ", "", text)


UNREADABLE = {
    "missing": {"ja": ("{path}: ファイルがありません。", "ファイル名と場所を確かめてください。"),
                "en": ("{path}: no such file", "check the file name and folder")},
    "type": {"ja": ("{path}: RDF のファイルではありません（拡張子 {suffix}）。",
                    "Turtle（.ttl）など {known} のファイルを指定してください。Excel のブックは kg ingest で読み込みます。"),
             "en": ("{path}: unknown RDF file type '{suffix}'",
                    "give a file of one of {known} (Turtle: .ttl); a workbook is read by kg ingest")},
}


def require_readable(paths: Sequence[Path], lang: str) -> None:
    """Every file there and of an RDF type, said in the reader's language before any parser runs."""
    language = "ja" if lang == "ja" else "en"
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    for path in map(Path, paths):
        kind = "missing" if not path.is_file() else "type" if path.suffix.lower() not in FORMATS_BY_SUFFIX else None
        if kind is not None:
            message, hint = UNREADABLE[kind][language]
            suffix = path.suffix or ("なし" if language == "ja" else "none")
            raise KgError(message.format(path=path, suffix=suffix), hint=hint.format(known=known))
