"""Where volsite leans on another package's private parts: one module per package, each with
an upper-bounded pin in pyproject.toml and a test (tests/unit/test_bindings.py) that fails
loudly, naming the package, when an upgrade breaks the assumption."""
