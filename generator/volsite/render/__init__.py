"""Markdown to HTML, views of the model, and pages through Jinja, in memory. Writes nothing."""
