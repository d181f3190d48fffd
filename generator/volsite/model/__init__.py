"""The model: references resolved both ways, the published view of people, figures, routes. Reads no files."""
