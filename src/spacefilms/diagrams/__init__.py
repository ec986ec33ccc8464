"""Diagrams: the graph read as a networkx network, the diagram model and presets, layouts, and the writers
(PNG/SVG/PDF, interactive HTML, GraphML/GEXF/DOT, the timeline)."""
