"""Wikidata: the polite client, linking entities to items, enrichment with fetched facts, conflicts between the
two, and discovery of other works."""
