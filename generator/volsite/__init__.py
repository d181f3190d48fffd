"""volsite: a static-site generator for volunteer organisations."""

__version__ = "0.1.0"
