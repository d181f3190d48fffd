"""Where volsite leans on another package's private parts (volsite/bindings/): each assumption
checked here, so that an upgrade that breaks one fails loudly, naming the package, instead
of building wrong pages. pyproject.toml pins each package below its next major release."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from importlib.metadata import version

import pytest

from conftest import REPO


def _pinned_below(package: str) -> str:
    """The upper bound pyproject.toml gives `package`."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(rf'"{re.escape(package)}(?:\[[a-z]+\])?>=[^",]+,<([^"]+)"', text)
    assert found, f"pyproject.toml must pin {package} below a version volsite has not been checked with"
    return found.group(1)


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@pytest.mark.parametrize("package", ["cmarkgfm", "jinja2", "markupsafe", "pagefind", "segno"])
def test_each_leaned_on_package_is_pinned_and_within_its_pin(package):
    installed = version(package)
    assert _release(installed) < _release(_pinned_below(package)), (
        f"{package} {installed} is newer than volsite/bindings was checked with: check the binding, then the pin"
    )


# -- cmark-gfm: ctypes into cmarkgfm's compiled module (bindings/cmark.py)


def test_cmarkgfm_compiled_module_exports_what_the_binding_calls():
    from volsite.bindings import cmark

    try:
        library = cmark._library()
    except (OSError, AttributeError) as exc:
        pytest.fail(f"cmarkgfm: its compiled module no longer exports the C library volsite calls: {exc}")
    assert library is not None
    html = cmark.to_html("# 标题\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n脚注[^1]\n\n[^1]: 注\n", trust_html=False)
    assert "<h1>标题</h1>" in html and "<table>" in html and "footnote" in html, (
        f"cmarkgfm: the binding's output changed: {html[:300]}"
    )
    assert cmark.too_deep(">" * 40 + " x") is not None, "cmarkgfm: the node walk no longer sees nesting"


def test_cmarkgfm_frees_what_the_binding_allocates():
    """The reason for the binding: cmarkgfm's own functions leak what they make."""
    script = (
        "import resource\nfrom volsite.bindings import cmark\n"
        "text = '段落。' * 2000\n"
        "for _ in range(300): cmark.to_html(text, True)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "for _ in range(3000): cmark.to_html(text, True)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    grown_kb = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    assert grown_kb < 20_000, f"cmarkgfm: 3,000 conversions grew the process by {grown_kb} KB"


# -- Jinja and MarkupSafe: a code generator and context of volsite's own (bindings/jinja.py)


def test_jinja_code_generator_and_context_hooks_are_still_there():
    from jinja2 import DictLoader

    from volsite.bindings import jinja

    env = jinja.ThemeEnvironment(
        loader=DictLoader({"t.html": "{{ a }}|{{ b }}|{{ f(c) }}|{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(a) }}"}),
        autoescape=True,
    )
    text = env.get_template("t.html").render(a="<i>", b=3, c="x", f=str.upper)
    assert text == "&lt;i&gt;|3|X|[&lt;i&gt;]", f"jinja2: the output-escaping code generator changed: {text}"
    assert jinja.escape_output("<&>\"'") == "&lt;&amp;&gt;&#34;&#39;", "markupsafe: _escape_inner changed"


# -- Pagefind: the layout of its index files (bindings/pagefind.py)


def test_pagefind_index_files_are_as_the_binding_reads_them(tmp_path):
    from volsite.bindings import pagefind

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="zh-CN"><body data-pagefind-body><h1>志愿服务</h1>'
        '<p data-pagefind-filter="kind">故事</p><p>为社区居民义诊。</p></body></html>',
        encoding="utf-8",
    )
    done = subprocess.run(
        [pagefind.binary(), "--site", str(site), "--output-path", str(tmp_path / "index"), "--silent"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "index"
    entry = json.loads((bundle / pagefind.ENTRY_FILE).read_text(encoding="utf-8"))
    assert "languages" in entry, f"pagefind: its entry file changed: {entry}"
    for info in entry["languages"].values():
        raw = gzip.decompress((bundle / f"pagefind.{info['hash']}.pf_meta").read_bytes())
        assert raw.startswith(pagefind.SIGNATURE), "pagefind: its data files no longer start with its signature"
    pagefind.normalise(bundle)
    assert pagefind.is_complete(bundle, first=True), "pagefind: the meta file no longer names the files as read"
    assert [name for name in pagefind.UNUSED if (bundle / name).exists()], (
        "pagefind: none of the interface files volsite removes is made any more: check UNUSED"
    )


# -- the operating system (bindings/process.py)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_the_c_library_has_the_calls_volsite_makes():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for name in ("prctl", "renameat2", "malloc_trim"):
        assert hasattr(libc, name), f"the C library: {name} is missing"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_the_atomic_exchange_is_available_here(tmp_path):
    from volsite.bindings.process import exchange

    (tmp_path / "a").mkdir()
    (tmp_path / "a/x").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/x").write_text("b")
    assert exchange(tmp_path / "a", tmp_path / "b")  # Linux: renameat2(RENAME_EXCHANGE)
    assert (tmp_path / "a/x").read_text() == "b" and (tmp_path / "b/x").read_text() == "a"


# -- segno: its mask choice and codeword placement, done on whole rows (bindings/segno.py)


def test_segno_makes_with_the_binding_the_codes_it_makes_alone(monkeypatch):
    """Every code is the one segno's own functions make, module for module and mask for mask:
    versions 1 to 40, every error level, texts of every kind."""
    import random
    import string

    import segno
    from segno import encoder

    from volsite.bindings import segno as binding

    assert binding.installed(), "segno: the binding did not replace encoder.find_and_apply_best_mask/add_codewords"
    chosen = random.Random(7)
    texts = ["a", "12345", "HELLO WORLD"] + [
        f"https://example.org/volunteer/volunteers/v-{i:05d}/hours/" for i in range(40)
    ]
    texts += ["".join(chosen.choice(string.printable) for _ in range(chosen.randint(1, 900))) for _ in range(12)]
    texts += ["志愿服务" * chosen.randint(1, 60) for _ in range(8)]
    cases = [(text, level) for text in texts for level in "lmqh"] + [("x" * 2900, "l")]  # the last: version 40

    def made() -> list[tuple[int, int, tuple[bytes, ...]]]:
        codes = []
        for text, level in cases:
            try:
                code = segno.make_qr(text, error=level, boost_error=False)
            except segno.DataOverflowError:
                continue
            codes.append((code.version, code.mask, tuple(bytes(row) for row in code.matrix)))
        return codes

    fast = made()
    monkeypatch.setattr(encoder, "find_and_apply_best_mask", binding._ORIGINAL)
    monkeypatch.setattr(encoder, "add_codewords", binding._ORIGINAL_PLACEMENT)
    own = made()
    assert len(own) > 200 and {version for version, _, _ in own} >= {1, 4, 10, 20, 40}
    differ = [i for i, (a, b) in enumerate(zip(fast, own)) if a != b]
    assert not differ, f"segno: {len(differ)} codes differ from segno's own, the first: {cases[differ[0]]}"


def test_segno_draws_its_svg_as_volsite_does():
    import segno

    from volsite.render.qr import BORDER, qr_svg

    for text in ("https://example.org/volunteer/certificates/2025-a/", "x" * 300):
        own = segno.make_qr(text, error="m").svg_inline(
            scale=1, border=BORDER, omitsize=True, dark="#000", light="#fff", svgclass="qr", lineclass="qr-modules"
        )
        assert qr_svg(text, "t") == own.replace("<svg ", '<svg role="img" aria-label="t" shape-rendering="crispEdges" ')
