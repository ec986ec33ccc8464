"""Endpoints: serving the built graph as a read-only SPARQL endpoint, pushing it to other triple stores, and the
Oxigraph server process both use."""
