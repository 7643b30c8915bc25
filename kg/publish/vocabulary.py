"""The IRIs the site treats specially, and readable names for the borrowed properties our ontology does not label.
Prefixes and namespaces come from the one table, kg.namespaces."""

from __future__ import annotations

from ..namespaces import DCTERMS, FOAF, JPP, OWL, PROV, RDF_TYPE, RDFS, RDFS_LABEL, SCHEMA, SKOS, VANN

LABEL_PREDICATES = (RDFS_LABEL, SKOS + "prefLabel", DCTERMS + "title")

# Shown first on every page, in this order.
LEADING_PREDICATES = (
    RDFS_LABEL, SKOS + "prefLabel", DCTERMS + "title", SCHEMA + "alternateName", SKOS + "altLabel", JPP + "shortLabel",
    JPP + "nameKana", RDF_TYPE, JPP + "levelName", JPP + "localNumber", JPP + "sequence", SKOS + "notation",
    SKOS + "definition", DCTERMS + "description",
)
# Shown in the provenance box rather than the property table.
PROVENANCE_PREDICATES = (PROV + "wasDerivedFrom", JPP + "seedLine", JPP + "sourceLocator", PROV + "wasAttributedTo")
EDITORS = JPP + "ProjectEditors"

# Which resource a resource belongs to, in order of preference (for the breadcrumb "what it belongs to").
PARENT_PREDICATES = (JPP + "partOf", JPP + "indicatorOf", JPP + "linkedResource", JPP + "inPlan",
                     JPP + "municipality", JPP + "prefecture", SKOS + "inScheme")
# Statements whose subject is the parent: a value belongs to its KPI, a reference to its element.
PARENT_BY_INCOMING = (JPP + "hasBaseline", JPP + "hasTarget", JPP + "hasStatedValue", JPP + "hasMeasureReference",
                      JPP + "hasRevision", JPP + "hasVersion", JPP + "hasChange")

# Readable names of properties from other vocabularies (ours come from the ontology's rdfs:label).
BORROWED_PROPERTY_NAMES: dict[str, tuple[str, str]] = {
    RDF_TYPE: ("種類", "type"),
    RDFS_LABEL: ("名称", "label"),
    RDFS + "comment": ("注釈", "comment"),
    RDFS + "seeAlso": ("関連情報", "see also"),
    RDFS + "subClassOf": ("上位クラス", "subclass of"),
    RDFS + "subPropertyOf": ("上位プロパティ", "subproperty of"),
    RDFS + "domain": ("定義域", "domain"),
    RDFS + "range": ("値域", "range"),
    RDFS + "isDefinedBy": ("定義元", "defined by"),
    OWL + "inverseOf": ("逆プロパティ", "inverse of"),
    OWL + "versionIRI": ("版のIRI", "version IRI"),
    OWL + "versionInfo": ("版", "version"),
    OWL + "sameAs": ("同一の資源", "same as"),
    SKOS + "prefLabel": ("名称", "preferred label"),
    SKOS + "altLabel": ("別名", "alternative label"),
    SKOS + "definition": ("定義", "definition"),
    SKOS + "scopeNote": ("適用範囲の注記", "scope note"),
    SKOS + "editorialNote": ("編集注記", "editorial note"),
    SKOS + "note": ("注記", "note"),
    SKOS + "notation": ("表記", "notation"),
    SKOS + "inScheme": ("所属する語彙", "in scheme"),
    SKOS + "topConceptOf": ("最上位概念として属する語彙", "top concept of"),
    SKOS + "hasTopConcept": ("最上位概念", "top concept"),
    SKOS + "broader": ("上位概念", "broader"),
    SKOS + "narrower": ("下位概念", "narrower"),
    SKOS + "related": ("関連概念", "related"),
    SKOS + "exactMatch": ("完全一致", "exact match"),
    SKOS + "closeMatch": ("近似一致", "close match"),
    DCTERMS + "title": ("題名", "title"),
    DCTERMS + "description": ("説明", "description"),
    DCTERMS + "publisher": ("発行者", "publisher"),
    DCTERMS + "creator": ("作成者", "creator"),
    DCTERMS + "license": ("ライセンス", "license"),
    DCTERMS + "created": ("作成日", "created"),
    DCTERMS + "modified": ("更新日", "modified"),
    DCTERMS + "issued": ("公開日", "issued"),
    DCTERMS + "source": ("出典", "source"),
    PROV + "wasDerivedFrom": ("出典", "derived from"),
    PROV + "wasAttributedTo": ("判断の主体", "attributed to"),
    SCHEMA + "alternateName": ("別称", "alternate name"),
    SCHEMA + "containedInPlace": ("所在", "contained in place"),
    SCHEMA + "url": ("URL", "URL"),
    FOAF + "page": ("ページ", "page"),
    VANN + "preferredNamespacePrefix": ("推奨接頭辞", "preferred namespace prefix"),
    VANN + "preferredNamespaceUri": ("名前空間", "namespace"),
}

# Readable names of the classes and documents from elsewhere that pages link to most (type chips, licence).
BORROWED_TERM_NAMES: dict[str, str] = {
    SKOS + "Concept": "概念（SKOS）",
    SKOS + "ConceptScheme": "概念体系（SKOS）",
    PROV + "Entity": "実体（PROV）",
    PROV + "Agent": "主体（PROV）",
    PROV + "Organization": "組織（PROV）",
    SCHEMA + "CreativeWork": "著作物（schema.org）",
    SCHEMA + "AdministrativeArea": "行政区域（schema.org）",
    FOAF + "Document": "文書（FOAF）",
    OWL + "Class": "クラス（OWL）",
    OWL + "Ontology": "オントロジー（OWL）",
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}
