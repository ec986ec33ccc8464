"""The read core, the bottom of the package: the layout rule of a built store (merge, union, manifest), the backends
every read goes through (the local store or any SPARQL 1.1 endpoint), the bundled query library, parameter binding,
results and their formatting. It imports no wing: store, diagrams, site, wikidata and endpoints build on it."""
