"""The W3C Data Cube integrity constraints and normalisation, as SPARQL: the text of the Recommendation "The RDF
Data Cube Vocabulary" (W3C, 16 January 2014), section 10 (normalisation algorithm) and section 11 (IC-1 … IC-21).

Each constraint is an ASK query that is true where the cube violates it, as the Recommendation writes it (its
comments and line breaks aside, prefixes added); `offenders` is the same pattern as a SELECT, to name the nodes in an error. IC-20 and IC-21 are
templates over a hierarchical code list's qb:parentChildProperty: kg's structure has no hierarchical code list, and
kg.publish.cube refuses one rather than skip the check silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import sparql_prefixes

PREFIXES = sparql_prefixes("rdf", "rdfs", "skos", "qb", "xsd", "owl")


@dataclass(frozen=True)
class IntegrityConstraint:
    key: str          # IC-1 … IC-21
    title: str
    ask: str          # the Recommendation's ASK query
    applies: bool     # False where kg's structure cannot violate it (no slices, no measure dimension)

    @property
    def query(self) -> str:
        return PREFIXES + self.ask

    @property
    def offenders(self) -> str:
        """The pattern of the ASK as a SELECT of every variable, to name the offending nodes."""
        body = self.ask.strip().removeprefix("ASK").strip()
        return PREFIXES + "SELECT * WHERE " + body


# Section 10, phase 1: type and property closure; phase 2: attachment levels pushed down to the observations.
NORMALISATION = PREFIXES + """
INSERT { ?o rdf:type qb:Observation . } WHERE { [] qb:observation ?o . };
INSERT { ?o rdf:type qb:Observation . ?ds rdf:type qb:DataSet . } WHERE { ?o qb:dataSet ?ds . };
INSERT { ?s rdf:type qb:Slice . } WHERE { [] qb:slice ?s. };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty . } WHERE { ?cs qb:dimension ?p . };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty . } WHERE { ?cs qb:measure ?p . };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty . } WHERE { ?cs qb:attribute ?p . };
INSERT { ?obs ?comp ?value } WHERE {
    ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
    ?dataset qb:structure [qb:component ?spec]; ?comp ?value .
    ?obs qb:dataSet ?dataset.
};
INSERT { ?obs ?comp ?value } WHERE {
    ?spec qb:componentProperty ?comp; qb:componentAttachment qb:Slice .
    ?dataset qb:structure [qb:component ?spec]; qb:slice ?slice .
    ?slice ?comp ?value; qb:observation ?obs .
};
INSERT { ?obs ?comp ?value } WHERE {
    ?spec qb:componentProperty ?comp .
    ?comp a qb:DimensionProperty .
    ?dataset qb:structure [qb:component ?spec]; qb:slice ?slice .
    ?slice ?comp ?value; qb:observation ?obs .
}
"""

CONSTRAINTS = (
    IntegrityConstraint("IC-1", "Unique DataSet: every qb:Observation has exactly one associated qb:DataSet", """ASK {
  { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
  UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 . FILTER (?dataset1 != ?dataset2) }
}""", True),
    IntegrityConstraint("IC-2", "Unique DSD: every qb:DataSet has exactly one associated qb:DataStructureDefinition",
                        """ASK {
  { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
  UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) }
}""", True),
    IntegrityConstraint("IC-3", "DSD includes measure", """ASK {
  ?dsd a qb:DataStructureDefinition .
  FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty [a qb:MeasureProperty]] }
}""", True),
    IntegrityConstraint("IC-4", "Dimensions have range", """ASK {
  ?dim a qb:DimensionProperty .
  FILTER NOT EXISTS { ?dim rdfs:range [] }
}""", True),
    IntegrityConstraint("IC-5", "Concept dimensions have code lists", """ASK {
  ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
  FILTER NOT EXISTS { ?dim qb:codeList [] }
}""", True),
    IntegrityConstraint("IC-6", "Only attributes may be optional", """ASK {
  ?dsd qb:component ?componentSpec .
  ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
  FILTER NOT EXISTS { ?component a qb:AttributeProperty }
}""", True),
    IntegrityConstraint("IC-7", "Slice Keys must be declared", """ASK {
  ?sliceKey a qb:SliceKey .
  FILTER NOT EXISTS { [a qb:DataStructureDefinition] qb:sliceKey ?sliceKey }
}""", False),
    IntegrityConstraint("IC-8", "Slice Keys consistent with DSD", """ASK {
  ?slicekey a qb:SliceKey; qb:componentProperty ?prop .
  ?dsd qb:sliceKey ?slicekey .
  FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty ?prop] }
}""", False),
    IntegrityConstraint("IC-9", "Unique slice structure", """ASK {
  { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
  UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2; FILTER (?key1 != ?key2) }
}""", False),
    IntegrityConstraint("IC-10", "Slice dimensions complete", """ASK {
  ?slice qb:sliceStructure [qb:componentProperty ?dim] .
  FILTER NOT EXISTS { ?slice ?dim [] }
}""", False),
    IntegrityConstraint("IC-11", "All dimensions required", """ASK {
  ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty;
  FILTER NOT EXISTS { ?obs ?dim [] }
}""", True),
    IntegrityConstraint("IC-12", "No duplicate observations", """ASK {
  FILTER( ?allEqual )
  {
    SELECT (MIN(?equal) AS ?allEqual) WHERE {
      ?obs1 qb:dataSet ?dataset .
      ?obs2 qb:dataSet ?dataset .
      FILTER (?obs1 != ?obs2)
      ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty .
      ?obs1 ?dim ?value1 .
      ?obs2 ?dim ?value2 .
      BIND( ?value1 = ?value2 AS ?equal)
    } GROUP BY ?obs1 ?obs2
  }
}""", True),
    IntegrityConstraint("IC-13", "Required attributes", """ASK {
  ?obs qb:dataSet/qb:structure/qb:component ?component .
  ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
  FILTER NOT EXISTS { ?obs ?attr [] }
}""", True),
    IntegrityConstraint("IC-14", "All measures present", """ASK {
  ?obs qb:dataSet/qb:structure ?dsd .
  FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
  ?dsd qb:component/qb:componentProperty ?measure .
  ?measure a qb:MeasureProperty;
  FILTER NOT EXISTS { ?obs ?measure [] }
}""", True),
    IntegrityConstraint("IC-15", "Measure dimension consistent", """ASK {
  ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
  ?dsd qb:component/qb:componentProperty qb:measureType .
  FILTER NOT EXISTS { ?obs ?measure [] }
}""", False),
    IntegrityConstraint("IC-16", "Single measure on measure dimension observation", """ASK {
  ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
  ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?omeasure .
  ?omeasure a qb:MeasureProperty .
  FILTER (?omeasure != ?measure)
}""", False),
    IntegrityConstraint("IC-17", "All measures present in measures dimension cube", """ASK {
  {
    SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
      {
        SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
          ?dsd qb:component/qb:componentProperty ?m.
          ?m a qb:MeasureProperty .
        } GROUP BY ?dsd
      }
      ?obs1 qb:dataSet/qb:structure ?dsd; qb:dataSet ?dataset ; qb:measureType ?m1 .
      ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
      FILTER NOT EXISTS {
        ?dsd qb:component/qb:componentProperty ?dim .
        FILTER (?dim != qb:measureType)
        ?dim a qb:DimensionProperty .
        ?obs1 ?dim ?v1 .
        ?obs2 ?dim ?v2.
        FILTER (?v1 != ?v2)
      }
    } GROUP BY ?obs1 ?numMeasures
      HAVING (?count != ?numMeasures)
  }
}""", False),
    IntegrityConstraint("IC-18", "Consistent data set links", """ASK {
  ?dataset qb:slice ?slice .
  ?slice qb:observation ?obs .
  FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . }
}""", False),
    IntegrityConstraint("IC-19", "Codes from code list (a concept scheme)", """ASK {
  ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty ; qb:codeList ?list .
  ?list a skos:ConceptScheme .
  ?obs ?dim ?v .
  FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list }
}""", True),
    IntegrityConstraint("IC-19", "Codes from code list (a collection)", """ASK {
  ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty ; qb:codeList ?list .
  ?list a skos:Collection .
  ?obs ?dim ?v .
  FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
}""", True),
)

# IC-12 names its offenders by pairs: the ASK's subquery with the pair kept.
DUPLICATE_PAIRS = PREFIXES + """SELECT ?obs1 ?obs2 WHERE {
  {
    SELECT ?obs1 ?obs2 (MIN(?equal) AS ?allEqual) WHERE {
      ?obs1 qb:dataSet ?dataset .
      ?obs2 qb:dataSet ?dataset .
      FILTER (?obs1 != ?obs2)
      ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty .
      ?obs1 ?dim ?value1 .
      ?obs2 ?dim ?value2 .
      BIND( ?value1 = ?value2 AS ?equal)
    } GROUP BY ?obs1 ?obs2
  }
  FILTER( ?allEqual && STR(?obs1) < STR(?obs2) )
}"""

HIERARCHICAL_CODE_LISTS = PREFIXES + "ASK { ?list a qb:HierarchicalCodeList }"
