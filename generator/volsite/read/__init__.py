"""Reading content files: finding them, their bytes and encodings, YAML and tables, with line numbers."""
