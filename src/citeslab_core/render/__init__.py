"""Renderers of the computed bilan: text, JSON and HTML (each a ``render(bilan) -> str``)."""
