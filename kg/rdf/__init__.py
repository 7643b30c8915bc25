"""RDF plumbing at the bottom of the house: reading RDF files strictly and safely (kg.rdf.files), converting terms
between Oxigraph and rdflib (kg.rdf.terms), the project's files as named graphs (kg.rdf.dataset) and the SPARQL
lexer (kg.rdf.sparql_lexer). May import kg.errors, kg.namespaces and kg.project only."""
