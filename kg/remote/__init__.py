"""Other servers: the SPARQL 1.1 Graph Store Protocol client (kg.remote.graph_store) with its credentials
(kg.remote.auth), `kg push` of a build's graphs (kg.remote.push) and a throwaway local Virtuoso (kg.remote.virtuoso).
May import kg.rdf, kg.build (to read a build) and kg.query (to ask a server which graphs it holds)."""
