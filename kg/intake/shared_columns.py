"""The columns several sheets share: the ID, the kind, the plan a row belongs to, where it comes from (provenance)
and the classification notes."""

from __future__ import annotations

from ..namespaces import JPP, PROV, RDF_TYPE, SKOS
from .columns import CLASSIFICATION
from .kinds import IdColumn, IntegerColumn, KindColumn, RefColumn, TextColumn


def id_column(help_ja: str, help_en: str) -> IdColumn:
    return IdColumn("id", "ID", "ID", help_ja=help_ja, help_en=help_en)


def kind_column(required: bool = True) -> KindColumn:
    return KindColumn("kind", "種類", "kind", RDF_TYPE, required=required, width=16,
                      help_ja="一覧から選ぶ。", help_en="Pick from the list.")


MULTI_JA, MULTI_EN = "複数あれば改行で区切る。", "Several: one per line."

PLAN_COLUMN = RefColumn("plan", "計画", "plan", JPP + "inPlan", default="plan",
                        help_ja="属する計画のID。空欄なら、IDがその下にある計画（なければ1行目の計画）。",
                        help_en="The plan's ID. Blank: the plan the ID lies under (else the workbook's plan).")

PROVENANCE = (
    TextColumn("note", "注記", "note", SKOS + "note", multi=True, help_ja="文書にある注記。" + MULTI_JA,
               help_en="Notes the document makes. " + MULTI_EN),
    TextColumn("editorial_note", "編集注記", "editorial note", SKOS + "editorialNote", multi=True,
               help_ja="入力者による注記（原文の補正など）。" + MULTI_JA, help_en="Your note, e.g. a corrected garble. " + MULTI_EN),
    TextColumn("editorial_note_en", "編集注記（英語）", "editorial note (English)", SKOS + "editorialNote", lang="en", multi=True),
    RefColumn("source", "出典", "source", PROV + "wasDerivedFrom", multi=True, default="source",
              help_ja="出典文書のID（source/…）。空欄なら1行目の計画の出典。",
              help_en="The source document's ID (source/…). Blank: the source of the workbook's plan."),
    IntegerColumn("seed_line", "出典の行", "source line", JPP + "seedLine",
                  help_ja="出典テキストの行番号（1から）。", help_en="Line of the source text (from 1)."),
    TextColumn("source_locator", "出典の箇所", "location in source", JPP + "sourceLocator", lang=None,
               help_ja="頁や節（【P.120】など）。", help_en="Page or section, e.g. 【P.120】."),
)

CLASSIFICATION_NOTES = (
    TextColumn("classification_note", "分類の注記", "classification note", SKOS + "editorialNote", multi=True,
               graph=CLASSIFICATION, help_ja="分類（政策分野・共通視点など）の判断理由。", help_en="Why it is classified so."),
    TextColumn("classification_note_en", "分類の注記（英語）", "classification note (English)", SKOS + "editorialNote",
               lang="en", multi=True, graph=CLASSIFICATION),
)
