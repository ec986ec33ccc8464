"""Querying: the bundled query library, the backends every read goes through (the local store or any SPARQL 1.1
endpoint), parameter binding and result formatting."""
