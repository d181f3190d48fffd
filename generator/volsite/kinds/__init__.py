"""One module per kind of content record. A kind never imports another kind."""
