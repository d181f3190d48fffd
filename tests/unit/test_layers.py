"""The pipeline runs one way: a module imports only from layers below it.

ARCHITECTURE.md: kinds never import another kind; index and figures read no
files; render writes nothing; only write touches output/; click lives in cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator" / "volsite"

LAYERS = [
    {"problems", "slugs", "i18n", "charts", "cmark", "shares"},
    {"sources"},
    {"kinds.fields", "kinds.documents"},
    {"kinds.volunteers", "kinds.teams", "kinds.activities", "kinds.ledger", "kinds.awards",
     "kinds.stories", "kinds.pages"},
    {"config", "load"},
    {"index"},
    {"figures"},
    {"routes", "markup"},
    {"views"},
    {"contexts"},
    {"render"},
    {"checks"},
    {"write", "search"},
    {"diskcache"},
    {"build", "scaffold"},
    {"cli", "serve"},
]
LAYER_OF = {name: number for number, names in enumerate(LAYERS) for name in names}
# Modules with no work of their own, outside the pipeline.
FREE = {"__init__", "kinds.__init__", "__main__"}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(volsite modules imported, other top-level packages imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0] if "." in module_name(path) else ""
    internal, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    candidate = f"{prefix}.{alias.name}" if prefix else alias.name
                    internal.add(candidate if candidate in LAYER_OF else prefix or "__init__")
            elif node.module:
                external.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            external.update(alias.name.split(".")[0] for alias in node.names)
    return internal - {""}, external


def all_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name not in FREE and "default_theme" not in name:
            yield name, path


def test_every_module_has_a_layer():
    assert {name for name, _ in all_modules()} <= set(LAYER_OF), "add the new module to LAYERS"


def test_no_module_imports_upwards():
    wrong = []
    for name, path in all_modules():
        internal, _ = imports_of(path)
        for target in internal:
            if target in FREE or target == "kinds":
                continue
            if LAYER_OF.get(target, 99) > LAYER_OF[name]:
                wrong.append(f"{name} imports {target}")
    assert not wrong


def test_kinds_do_not_import_each_other():
    kinds = LAYERS[3]
    wrong = [f"{name} imports {target}" for name, path in all_modules() if name in kinds
             for target in imports_of(path)[0] if target in kinds and target != name]
    assert not wrong


def test_click_only_in_cli():
    assert [name for name, path in all_modules() if "click" in imports_of(path)[1]] == ["cli"]


def test_only_write_and_sources_touch_the_disk_for_output():
    # shutil and tempfile are how files get replaced; only the writer may use them.
    users = sorted(name for name, path in all_modules()
                   if {"shutil", "tempfile"} & imports_of(path)[1])
    assert users == ["write"]


def test_model_and_figures_read_no_files_and_no_clock():
    for name in ("index", "figures", "routes", "views", "render"):
        source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
        for banned in ("open(", "read_text(", "read_bytes(", "write_text(", "write_bytes(",
                       ".now(", ".today(", "time.time"):
            assert banned not in source, f"{name} uses {banned}"


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "figures.py"
    bad.write_text("from .render import Renderer\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        internal, _ = imports_of(bad)
    finally:
        PACKAGE = saved
    assert "render" in internal
