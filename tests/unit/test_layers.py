"""The pipeline runs one way: a module imports only from layers below it.

ARCHITECTURE.md: kinds never import another kind; the model reads no files and calls no
clock; render writes nothing; only output/ writes files (output/write.py, and Pagefind run
by output/search.py into the folder write made); click lives in cli.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator" / "volsite"

# Lowest first. A module may import from its own layer's modules and from layers below.
LAYERS = [
    {"messages"},
    {
        "problems",
        "slugs",
        "digests",
        "bindings.cmark",
        "bindings.jinja",
        "bindings.pagefind",
        "bindings.process",
        "bindings.click",
        "bindings.segno",
        "render.i18n",
        "render.charts",
        "render.qr",
        "seams",
    },
    {"speed.workers", "speed.memory"},
    {"read.text", "read.files", "read.sheets"},
    {"read.yaml", "read.tables", "render.theme"},
    {"kinds.fields", "kinds.documents"},
    {
        "kinds.volunteers",
        "kinds.teams",
        "kinds.activities",
        "kinds.ledger",
        "kinds.awards",
        "kinds.stories",
        "kinds.pages",
        "kinds.notices",
    },
    {"kinds.registry"},
    {"config"},
    {"kinds.content", "kinds.identities"},
    {"model.records", "model.people", "model.media", "model.days"},
    {"model.hidden_names"},
    {"model.links"},
    {"model.resolve"},
    {"model.figures", "model.proofs"},
    {"model.routes", "render.markdown"},
    {"images.heif", "images.svg", "images.made"},
    {"images.process"},
    {"images.stage"},
    {"render.views", "render.calendar"},
    {"render.contexts"},
    {"render.pages"},
    {"render.site", "render.proofs"},
    {"output.checks"},
    {"output.write", "output.search", "output.statements"},
    {"pipeline", "scaffold"},
    {"speed.store", "speed.session"},
    {"speed.record"},
    {"builds"},
    {"guide"},
    {"cli", "serve.server"},
    {"catalogue"},  # a developer's tool: it reads the whole package's source
]
LAYER_OF = {name: number for number, names in enumerate(LAYERS) for name in names}
# Modules with no work of their own, outside the pipeline.
FREE = {"__init__", "__main__"}
KINDS_LAYER = next(names for names in LAYERS if "kinds.volunteers" in names)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """(volsite modules imported, other top-level packages imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    package = package.removesuffix(".__init__").removesuffix("__init__")
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
        if name.rpartition(".")[2] not in FREE and "default_theme" not in name:
            yield name, path


def test_every_module_has_a_layer():
    assert {name for name, _ in all_modules()} <= set(LAYER_OF), "add the new module to LAYERS"


def test_every_stage_is_a_package():
    """The layout shows the pipeline: a stage's modules sit in its folder."""
    top = {name for name, _ in all_modules() if "." not in name}
    assert top == {
        "messages",
        "problems",
        "slugs",
        "digests",
        "config",
        "seams",
        "pipeline",
        "builds",
        "scaffold",
        "cli",
        "catalogue",
        "guide",
    }


def test_no_module_imports_upwards():
    wrong = []
    for name, path in all_modules():
        internal, _ = imports_of(path)
        for target in internal:
            if target.rpartition(".")[2] in FREE or target in {
                "kinds",
                "read",
                "model",
                "render",
                "output",
                "speed",
                "serve",
                "bindings",
            }:
                continue
            if LAYER_OF.get(target, 99) > LAYER_OF[name]:
                wrong.append(f"{name} imports {target}")
    assert not wrong


def test_every_kind_is_in_the_registry():
    """A new kind of record is one module and one line in kinds/registry.py."""
    from volsite.kinds.registry import KINDS

    modules = {kind.module.__name__.rpartition(".")[2] for kind in KINDS}
    assert {name.rpartition(".")[2] for name in KINDS_LAYER} == modules
    for kind in KINDS:
        assert kind.folder.startswith("content/") and callable(kind.module.parse)


def test_kinds_do_not_import_each_other():
    wrong = [
        f"{name} imports {target}"
        for name, path in all_modules()
        if name in KINDS_LAYER
        for target in imports_of(path)[0]
        if target in KINDS_LAYER and target != name
    ]
    assert not wrong


def test_click_only_in_cli():
    # (and the catalogue tool, which reads click's source for its words)
    assert [name for name, path in all_modules() if "click" in imports_of(path)[1]] == ["catalogue", "cli"]


def test_only_write_replaces_files():
    # shutil and tempfile are how files and folders get replaced; only the writer may use them.
    users = sorted(name for name, path in all_modules() if {"shutil", "tempfile"} & imports_of(path)[1])
    assert users == ["output.write"]


# Calls that make, change or remove files and folders.
WRITING_CALLS = (
    "write_text(",
    "write_bytes(",
    "os.open(",
    ".mkdir(",
    "os.mkdir(",
    "makedirs(",
    "os.rename(",
    "os.replace(",
    "os.link(",
    "unlink(",
    "rmdir(",
    "os.remove(",
    "os.chmod(",
    ".chmod(",
    "copyfile(",
    "copytree(",
    "rmtree(",
    "subprocess.",
)
# Which modules may, and why: each writes only where the note says.
MAY_WRITE = {
    "output.write": "output/ and the folder built beside it",
    "output.search": "Pagefind, run on the folder output.write made, into its pagefind/",
    "speed.store": ".volsite-cache/",
    "speed.record": ".volsite-cache/last-build.json",
    "scaffold": "content/ (volsite new), and a new site's folder (volsite init)",
    "catalogue": "generator/volsite/locale/ and docs/problems.md (a developer's tool)",
    "serve.server": "the preview's private temporary folder",
    "bindings.process": "nothing: renameat2 for output.write",
    "bindings.pagefind": "Pagefind's index files, rewritten in sorted order where output.search made them",
    "read.files": "nothing: opens files to read them",
    "read.tables": "nothing: opens files to read them",
    "read.sheets": "nothing: opens files to read them",
    "config": "README.md's list of settings, run as python3 -m volsite.config --write README.md",
    "output.statements": "the folder volsite statements is given (never the site's output, content or themes), "
    "and git check-ignore, run to ask whether git ignores it",
}


def test_only_the_named_modules_write_files():
    """Imports alone do not show it: the search index was written into output/ unseen."""
    writers = set()
    for name, path in all_modules():
        source = path.read_text(encoding="utf-8")
        if any(call in source for call in WRITING_CALLS):
            writers.add(name)
    assert writers <= set(MAY_WRITE), sorted(writers - set(MAY_WRITE))
    assert "output.search" in writers  # the check sees Pagefind's run


# The stages: speed reaches them only through volsite.seams, given by volsite.builds.
STAGES = ("read.", "kinds.", "model.", "images.", "render.", "output.", "pipeline")


def test_no_stage_imports_speed():
    stages = [(name, path) for name, path in all_modules() if name.startswith(STAGES)]
    assert len(stages) > 20
    for name, path in stages:
        speed = sorted(module for module in imports_of(path)[0] if module.startswith("speed"))
        assert not speed, f"{name} imports {speed}: take a Workers or Store (volsite.seams) instead"


def test_one_module_makes_digests():
    """Every digest volsite compares is made the same way, in volsite/digests.py."""
    users = [name for name, path in all_modules() if "blake2b" in path.read_text(encoding="utf-8")]
    assert users == ["digests"]


def test_model_and_render_read_no_files_and_no_clock():
    # (render/theme.py is where the theme's files are found and read, for the rest of render)
    names = [name for name, _ in all_modules() if name.startswith(("model.", "render.")) and name != "render.theme"]
    assert len(names) >= 9
    for name in names:
        source = (PACKAGE / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8")
        for banned in (
            r"(?<![\w.])open\(",
            r"\.read_text\(",
            r"\.read_bytes\(",
            r"\.write_text\(",
            r"\.write_bytes\(",
            r"\.now\(",
            r"\.today\(",
            r"time\.time",
        ):
            assert not re.search(banned, source), f"{name} uses {banned}"


def test_the_checker_sees_an_upward_import(tmp_path):
    (tmp_path / "model").mkdir()
    bad = tmp_path / "model" / "figures.py"
    bad.write_text("from ..render.pages import Renderer\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        internal, _ = imports_of(bad)
    finally:
        PACKAGE = saved
    assert "render.pages" in internal
    assert LAYER_OF["render.pages"] > LAYER_OF["model.figures"]
