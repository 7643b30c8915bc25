"""The shapes' verdict said in the workbook's words: column headers and drop-down labels, never RDF terms.

A SHACL result names a property, a constraint and sometimes a value. Ingest knows which column of which sheet the
property is, so the standard constraints (a value missing, one too many, a value of the wrong kind or form) are
said with that column's header and what the column offers. The shapes that check several properties at once (a
SPARQL rule, sh:or, sh:xone) carry a message of their own, written for Turtle authors: the ones a workbook can break
are said here again in its words (WORDS, by shape), and the column they are about is named; any other shape's
message has its RDF terms replaced by the workbook's words (a property by its column's header, a class by its 種類
label, a concept by its list label), so that a shape added later still reads as the workbook speaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..namespaces import PREFIXES
from ..validation.report import ValidationIssue
from .columns import Column, Sheet
from .ids import id_text
from .kinds import ConceptColumn, RefColumn
from .layout import SHEETS
from .vocabulary import Vocabulary

# Shapes whose results a workbook can cause and whose own message speaks Turtle: (column key or None, ja, en).
WORDS: dict[str, tuple[str | None, str, str]] = {
    "PlanShape": ("title", "計画の「名称」がありません。文書どおりの名称を書いてください。文書に名称がなければ「網羅性」を「一部」にし、「表示名」に説明的な名前を書いてください。",
                  "The plan has no 名称 (title): write the document's title. If the document states none, set 網羅性 "
                  "(completeness) to 一部 (partial) and write a descriptive 表示名 (label)."),
    "PlanShape-startFiscalYear": ("start_year", "「計画期間（初年度）」が「計画期間（最終年度）」より後です。年度を確かめてください。",
                                  "The first fiscal year is after the last: check 計画期間 (the plan period)."),
    "SourceDocumentShape": ("completeness_note", "網羅性が「一部」の出典文書には、何が欠けているかを「網羅性の注記」に書いてください。",
                            "A partial source (網羅性 一部) needs a 網羅性の注記 (completeness note) saying what is missing."),
    "PlanElementShape": ("parent", "「上位」をたどるとこの行に戻ります（体系が循環しています）。1つ上の階層の要素のIDを書いてください。",
                         "Following 上位 (parent) leads back to this row (the tree has a cycle): give the element one level up."),
    "PlanElementShape-partOf": ("parent", "「上位」には、同じ計画の1つ上の階層の要素のIDを書いてください。最上位の要素なら空欄にします。",
                                "上位 (parent) must be the element one level up in the same plan; leave it blank on a top-level element."),
    "MeasureReferenceShape": ("measure", "「施策」が総合計画の施策ではありません。総合計画に属する施策のIDを書いてください。",
                              "施策 (measure) is not a measure of a comprehensive plan: give the ID of one."),
    "IndicatorShape": ("target_value", "目標値がありません（または値と「出典に数値なし」の両方があります）。KPI・数値目標には目標値（数値、または増加・減少などの方向）を書き、計画に現状値があれば現状値も書いてください。出典に数値がなければ「出典に数値なし」を TRUE にしてください。",
                       "No target (or values and 出典に数値なし both): give a KPI its target (a number, or a direction such as "
                       "増加) and its baseline where the plan has one, or set 出典に数値なし (no values in source) to TRUE and write none."),
    "IndicatorShape-hasTarget-yearOrder": ("target_year", "目標値の年度が現状値の年度より前です。年度を確かめてください（警告）。",
                                           "The target year is before the baseline year: check the years (a warning)."),
    "IndicatorValueShape": (None, "値の年度を読めません。令和5年度（年度）か 2023年（暦年）のように書いてください。",
                            "The value's year cannot be read: write 令和5年度 (fiscal) or 2023年 (calendar)."),
    "IndicatorValueNumberShape": (None, "値には数値と単位（14,070人 など）を書いてください。方向（増加・減少・現状維持）だけを書けるのは目標値です。数値と方向の両方は書けません。",
                                  "Write a number and unit (e.g. 14,070人). Only a target may be a direction (増加/減少/現状維持) "
                                  "instead, never both."),
    "TargetDirectionShape": (None, "方向（増加・減少・現状維持）を書けるのは目標値だけです。現状値には数値と単位を書いてください。",
                             "Only a target may be a direction (増加/減少/現状維持): give a baseline a number and unit."),
    "ViewpointShape": ("shared_viewpoint", "「共通視点」と「共通視点なし」の両方が書かれています。どちらか一方にしてください。",
                       "Both 共通視点 (shared viewpoint) and 共通視点なし (no shared viewpoint) are filled in: keep one."),
    "NoPolicyDomainShape": ("policy_domain", "「政策分野」と「政策分野なし」の両方が書かれています。どちらか一方にしてください。",
                            "Both 政策分野 (policy domain) and 政策分野なし (no policy domain) are filled in: keep one."),
    "ThematicLinkShape": (None, "この行は重複しています：対象の視点はすでに同じ共通視点に対応付けられています。この行を消してください。",
                          "This row repeats what the viewpoint already says with its 共通視点: delete the row."),
}

STANDARD = {
    "MinCountConstraintComponent": "shape.required",
    "QualifiedMinCountConstraintComponent": "shape.required",
    "MaxCountConstraintComponent": "shape.one_value",
    "QualifiedMaxCountConstraintComponent": "shape.one_value",
    "UniqueLangConstraintComponent": "shape.one_value",
}
KIND_CHECKS = ("ClassConstraintComponent", "NodeConstraintComponent", "HasValueConstraintComponent",
               "InConstraintComponent", "NodeKindConstraintComponent")


@dataclass
class Said:
    """A shape result in the workbook's words: a message code and its parameters, or a ready text (ja, en)."""
    code: str | None = None
    params: dict | None = None
    text: tuple[str, str] | None = None
    column_key: str | None = None  # the column it is about, when the shape names none


def say(issue: ValidationIssue, column: Column | None, sheet: Sheet | None, *, vocabulary: Vocabulary,
        expected_class: str | None, plan: str | None) -> Said:
    shape = _local(issue.source_shape)
    component = _local(issue.constraint)
    value = _value_text(issue.value, column, vocabulary, plan)
    if column is not None and component in STANDARD:
        hint_ja, hint_en = _hints(column, vocabulary)
        return Said(STANDARD[component], {"column": column.ja, "column_en": column.en, "hint": hint_ja, "hint_en": hint_en})
    if column is not None and component in KIND_CHECKS and isinstance(column, RefColumn) and expected_class:
        label = vocabulary.class_label(expected_class)
        term = vocabulary.classes.by_iri(PREFIXES["jpp"] + expected_class)
        return Said("shape.wrong_kind", {"column": column.ja, "column_en": column.en, "text": value, "expected": label,
                                         "expected_en": term.label_en if term and term.label_en else expected_class})
    if shape in WORDS and component not in STANDARD:
        key, ja, en = WORDS[shape]
        return Said(text=(ja, en), column_key=key)
    if column is not None and component not in ("SPARQLConstraintComponent",):
        hint_ja, hint_en = _hints(column, vocabulary)
        return Said("shape.bad_value", {"column": column.ja, "column_en": column.en, "text": value, "hint": hint_ja,
                                        "hint_en": hint_en})
    return Said(text=(workbook_words(issue.message, vocabulary, plan, "ja"), workbook_words(issue.message, vocabulary, plan, "en")))


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


_LITERAL = re.compile(r'^"(?P<text>(?:[^"\\]|\\.)*)"(?:@[A-Za-z-]+|\^\^<[^>]*>)?$')


def _value_text(value: str | None, column: Column | None, vocabulary: Vocabulary, plan: str | None) -> str:
    if not value:
        return ""
    literal = _LITERAL.match(value)
    if literal:  # "0"^^<…#integer> as the engine writes it: the cell said 0
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), literal.group("text"))
    if isinstance(column, ConceptColumn):
        term = vocabulary.scheme(column.scheme).by_iri(value)
        if term:
            return term.label_ja
    if value.startswith(("http://", "https://")):
        from rdflib import URIRef

        return id_text(URIRef(value), plan=plan)
    return value


def _hints(column: Column, vocabulary: Vocabulary) -> tuple[str, str]:
    if isinstance(column, ConceptColumn):
        labels = vocabulary.scheme(column.scheme).labels()
        return (f"一覧から選んでください（{'・'.join(labels)}）。", f"Pick one from the list ({', '.join(labels)}).")
    return column.help_ja, column.help_en


# --- terms → words, for shapes that WORDS does not cover --------------------------------------------------

_TERM = re.compile(r"<(https?://[^>\s]+)>|\b([a-z][a-z0-9]*):([A-Za-z][A-Za-z0-9_-]*)|(https?://[^\s）)、。]+)")


def workbook_words(text: str, vocabulary: Vocabulary, plan: str | None, lang: str) -> str:
    """A shape's message with its RDF terms said as the workbook says them."""
    names = _names(vocabulary, lang)

    def replace(match: re.Match) -> str:
        if match.group(2):
            prefix, local = match.group(2), match.group(3)
            if prefix not in PREFIXES:
                return match.group(0)
            iri = PREFIXES[prefix] + local
        else:
            iri = match.group(1) or match.group(4)
        if iri in names:
            return names[iri]
        if iri.startswith(PREFIXES["id"]):
            from rdflib import URIRef

            return id_text(URIRef(iri), plan=plan)
        return "「" + iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] + "」"

    said = _TERM.sub(replace, text)
    return re.sub(r"\s*(を付けて|tagged)?\s*@(ja|en)\b", "", said)


def _names(vocabulary: Vocabulary, lang: str) -> dict[str, str]:
    names: dict[str, str] = {PREFIXES["xsd"] + "integer": "整数" if lang == "ja" else "a whole number"}
    for sheet in reversed(SHEETS):
        for column in sheet.columns:
            if column.predicate:
                names[column.predicate] = f"「{column.ja}」" if lang == "ja" else f"{column.ja} ({column.en})"
    for term in vocabulary.classes.terms:
        names[term.iri] = f"「{term.label_ja}」" if lang == "ja" or not term.label_en else term.label_en
    for scheme in vocabulary.schemes.values():
        for term in scheme.terms:
            names[term.iri] = f"「{term.label_ja}」"
    return names
