"""The store: the curated files loaded, validated and written to an on-disk Oxigraph store (the only writer of
stores), its summary counts, and its export to standard RDF files."""
