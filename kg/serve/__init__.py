"""`kg serve`: the built graph over HTTP — a read-only SPARQL 1.1 endpoint, resource pages, a query page and the
named queries as an API. Queries run in worker processes that are killed when they outlast the timeout."""
