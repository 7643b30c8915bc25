"""Japanese and English names of the borrowed properties the data uses beyond kg.publish.vocabulary's table, so
that every property row of a page is named in words, never as a raw prefixed name (tests/test_publish.py checks
every predicate of the build)."""

from __future__ import annotations

from ..namespaces import DCTERMS, OWL, PROV, QB, RDF, SKOS

MORE_PROPERTY_NAMES: dict[str, tuple[str, str]] = {
    DCTERMS + "alternative": ("別の題名", "alternative title"),
    DCTERMS + "identifier": ("識別子", "identifier"),
    DCTERMS + "isPartOf": ("一部をなす資源", "is part of"),
    DCTERMS + "hasPart": ("構成する資源", "has part"),
    DCTERMS + "references": ("参照している資源", "references"),
    DCTERMS + "isReferencedBy": ("参照元", "is referenced by"),
    DCTERMS + "language": ("言語", "language"),
    DCTERMS + "conformsTo": ("準拠する規格", "conforms to"),
    DCTERMS + "date": ("日付", "date"),
    SKOS + "member": ("メンバー", "member"),
    SKOS + "memberList": ("メンバーの並び", "member list"),
    RDF + "first": ("リストの先頭", "first (list)"),
    RDF + "rest": ("リストの残り", "rest (list)"),
    OWL + "propertyChainAxiom": ("プロパティの連鎖", "property chain"),
    OWL + "equivalentClass": ("同値クラス", "equivalent class"),
    OWL + "equivalentProperty": ("同値プロパティ", "equivalent property"),
    OWL + "disjointWith": ("排他的なクラス", "disjoint with"),
    OWL + "members": ("互いに素なクラス", "members (disjoint)"),
    OWL + "priorVersion": ("前の版", "prior version"),
    DCTERMS + "replaces": ("置き換える資源", "replaces"),
    DCTERMS + "isReplacedBy": ("置き換えられた資源", "is replaced by"),
    PROV + "qualifiedDerivation": ("出典ごとの行", "qualified derivation"),
    PROV + "entity": ("出典", "entity"),
    PROV + "wasRevisionOf": ("改めた版", "revision of"),
    DCTERMS + "type": ("計画の種類（この版）", "kind of plan (this version)"),
    SKOS + "changeNote": ("変更の記録", "change note"),
    SKOS + "broadMatch": ("より広い対応", "broad match"),
    # The Data Cube structure (ontology/cube.ttl)
    QB + "component": ("構成要素", "component"), QB + "dimension": ("次元", "dimension"),
    QB + "measure": ("測定値", "measure"), QB + "attribute": ("属性", "attribute"),
    QB + "codeList": ("コードリスト", "code list"), QB + "componentRequired": ("必須", "component required"),
    QB + "order": ("順序", "order"), QB + "concept": ("概念", "concept"),
    QB + "componentAttachment": ("付与先", "component attachment"), QB + "structure": ("構造", "structure"),
    QB + "componentProperty": ("構成要素のプロパティ", "component property"),
}
