"""The preview server: builds on every save, serves with live reload."""
