"""Building the graph (`kg build`): the full build (kg.build.full) and the rebuild that reuses the previous build
(kg.build.incremental, kg.build.reinference, kg.build.store_links), the OWL 2 RL closure (kg.build.reasoning), the
store and its dump on disk (kg.build.store, kg.build.dump) and the typed manifest that records what a build found
(kg.build.manifest). May import kg.rdf and kg.validation; everything above reads builds through kg.build.store and
kg.build.manifest."""
