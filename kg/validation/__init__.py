"""Validating plan data against the SHACL shapes: the report a clerk reads (kg.validation.report), the literal checks
that run before the shapes (kg.validation.literals), the checks no shape can make (kg.validation.country: codes,
names and kinds against the national list of local governments; kg.validation.terms: terms our vocabularies do not
define, concepts from no scheme), one message per value per root cause (kg.validation.root_cause), syntax errors in
the reader's language (kg.validation.syntax), the choice of engine (kg.validation.validate) between kg's own
set-based SHACL engine (kg.validation.shacl, kg.validation.set_engine) and pySHACL (kg.validation.pyshacl_engine),
and validation file by file with a cache (kg.validation.per_file, kg.validation.dependencies). May import kg.rdf and
kg.reference."""
