"""The message catalogues, kept in step with the code (a tool for volsite's developers; it
needs Babel, one of the test extras).

    python3 -m volsite.catalogue            extract every message, update each language's
                                            .po (new messages come in untranslated, gone ones
                                            go), compile the .mo files, write docs/problems.md
    python3 -m volsite.catalogue --check    change nothing; list what is out of step (exit 1)

Messages are found in the source by Babel's extractor: `say("V212", "text", ...)` (the code
is the gettext context), `words("text", ...)` and, in the command line, `_("text")`. Click's
own words (Usage:, Options, its errors) are extracted from the installed click, so that help
is in the site's language too (volsite/bindings/click.py puts them in).
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .messages import DOMAIN, LANGUAGES, LOCALE_FOLDER, SOURCE_LANGUAGE, locale_name

PACKAGE = Path(__file__).parent
DOCS = PACKAGE.parents[1] / "docs" / "problems.md"
KEYWORDS = {"say": ((1, "c"), 2), "words": (1,), "_": (1,)}
CLICK_KEYWORDS = {"_": (1,), "ngettext": (1, 2)}
CODE = re.compile(r"V\d{3}")
_FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class Found:
    code: str  # "" for a message without one
    text: str | tuple[str, str]  # (singular, plural) for click's ngettext
    where: tuple[tuple[str, int], ...]


def extract() -> list[Found]:
    """Every message in volsite's source and in click's, in a stable order."""
    import click
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[str, object], list[tuple[str, int]]] = {}
    sources = ((PACKAGE, "volsite", KEYWORDS), (Path(click.__file__).parent, "click", CLICK_KEYWORDS))
    for folder, name, keywords in sources:
        method_map = [("catalogue.py", "ignore"), ("**.py", "python")]
        for path, line, text, _comments, context in extract_from_dir(
            str(folder), method_map=method_map, keywords=keywords, comment_tags=()
        ):
            if not text or (isinstance(text, tuple) and not text[0]):
                continue
            found.setdefault((context or "", text), []).append((f"{name}/{path}", line))
    return [Found(code, text, tuple(sorted(where))) for (code, text), where in sorted(found.items(), key=_order)]


def _order(item) -> tuple:
    (code, text), where = item
    # By code, then by file and text (not line: a message moved within its file stays put).
    return (code == "", code, min(where)[0], str(text))


def problems_of(found: list[Found]) -> list[str]:
    """What is wrong with the messages themselves: a code not like V212, one code for two
    texts (a code names one message, for good)."""
    wrong = []
    texts: dict[str, Found] = {}
    for item in found:
        if not item.code:
            continue
        if not CODE.fullmatch(item.code):
            wrong.append(f"{item.where[0][0]}:{item.where[0][1]}: the code '{item.code}' is not like V212")
        elif item.code in texts:
            first = texts[item.code].where[0]
            wrong.append(
                f"{item.where[0][0]}:{item.where[0][1]}: {item.code} is given to another text "
                f"at {first[0]}:{first[1]}; give this one a new code"
            )
        else:
            texts[item.code] = item
    return wrong


def po_path(language: str) -> Path:
    return LOCALE_FOLDER / locale_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated_catalogue(language: str, found: list[Found]):
    """The language's catalogue with exactly the messages found: each keeps the translation
    it had; a new one comes in untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(language)
    old = read_po(path.open("rb"), locale=locale_name(language)) if path.exists() else None
    catalogue = Catalog(
        locale=locale_name(language),
        header_comment=f"# volsite's messages in {language}: python3 -m volsite.catalogue keeps this file in step\n"
        "# with the code; translate each empty msgstr, keeping its {blanks} as they are.",
        domain=DOMAIN,
        project="volsite",
        version="",
        copyright_holder="volsite",
        last_translator="volsite",
        language_team="volsite",
        charset="utf-8",
        fuzzy=False,
        # Fixed, so that the .mo is the same bytes from the same messages (the .po drops them).
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
    )
    for item in found:
        before = old.get(item.text, context=item.code or None) if old is not None else None
        translation = before.string if before is not None else ("", "") if isinstance(item.text, tuple) else ""
        catalogue.add(
            item.text,
            translation,
            locations=[(path, line) for path, line in item.where],
            context=item.code or None,
            flags=("python-brace-format",) if item.code or "{" in _singular(item.text) else (),
        )
    return catalogue


def _singular(text: str | tuple[str, str]) -> str:
    return text[0] if isinstance(text, tuple) else text


def po_bytes(catalogue) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalogue, width=100, sort_output=False, include_previous=False, include_lineno=False)
    # The header's dates would change the file at every run; the messages are what matter.
    text = re.sub(rb'"(POT-Creation-Date|PO-Revision-Date|Generated-By): [^"]*\\n"\n', b"", out.getvalue())
    return text


def mo_bytes(catalogue) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def untranslated(catalogue) -> list[str]:
    """Each message with no translation, or one whose blanks differ from the English text's."""
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{message.locations[0][0]}:{message.locations[0][1]}" if message.locations else "?"
        label = f"[{message.context}] " if message.context else ""
        if not all(strings) or message.fuzzy:
            missing.append(f"{where}: {label}{ids[0]!r} has no translation")
        elif message.context or "{" in ids[0]:
            if {_blanks(text) for text in strings} != {_blanks(ids[0])} and not isinstance(message.id, tuple):
                missing.append(f"{where}: {label}{ids[0]!r}: the translation's blanks are not the text's")
    return missing


def _blanks(text: str) -> frozenset[str]:
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return frozenset({"<unbalanced braces>"})


AREAS = {
    "0": ("网站设置（site.yaml）", "Settings (site.yaml)"),
    "1": ("读取文件（名册、台账、YAML、表格）", "Reading files (rosters, ledgers, YAML, spreadsheets)"),
    "2": ("记录中的字段", "The fields of records"),
    "3": ("记录之间的引用、页面地址", "Links between records, page addresses"),
    "4": ("照片和图片", "Photos and images"),
    "5": ("外观模板与页面", "The theme and its pages"),
    "6": ("生成网站与隐私检查", "Building the site, and the privacy check"),
    "7": ("命令行", "The command line"),
}


def problems_page(found: list[Found], catalogues: dict) -> str:
    """docs/problems.md: every problem volsite reports, by code, in each language, grouped
    by what it is about (the code's first digit)."""
    lines = [
        "# 问题代码一览 (What volsite's messages mean)",
        "",
        "<!-- Written by `python3 -m volsite.catalogue`; edit the messages in the code and the",
        "     translations in generator/volsite/locale/, not this page. -->",
        "",
        "volsite 报告的每个问题末尾都有一个代码，例如 `[V212]`。在本页查找这个代码，可以看到这条提示的",
        "中文和英文原文；提示本身会说明该怎样修改。`{...}` 表示提示中会填入的具体内容（文件、字段、数值等）。",
        "怎样阅读提示、常见问题的例子，见[出错了怎么办](guide/troubleshooting.md)。",
        "",
        "Every problem volsite reports ends with a code such as `[V212]`. Find the code here: each",
        "entry gives the message in Chinese and in English; the message itself says what to change.",
        "`{...}` stands for what the message fills in (a file, a field, a value).",
        "",
    ]
    area = None
    for item in found:
        if not item.code:
            continue
        if item.code[1] != area:
            area = item.code[1]
            chinese, english = AREAS.get(area, ("其他", "Other"))
            lines += [f"## V{area}xx {chinese} ({english})", ""]
        lines += [f"### {item.code}", ""]
        for language, catalogue in catalogues.items():
            message = catalogue.get(item.text, context=item.code)
            if message is not None and message.string:
                lines.append(f"- {language}: {_shown(message.string)}")
        lines += [f"- en: {_shown(_singular(item.text))}", ""]
    return "\n".join(lines)


def _shown(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def differences() -> Iterator[tuple[Path, bytes, str]]:
    """Each file the catalogue tool would write, with its new bytes and why, when they differ."""
    found = extract()
    catalogues = {}
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        catalogue = updated_catalogue(language, found)
        catalogues[language] = catalogue
        po = po_path(language)
        for path, data in ((po, po_bytes(catalogue)), (po.with_suffix(".mo"), mo_bytes(catalogue))):
            if not path.exists() or path.read_bytes() != data:
                yield path, data, "out of step with the code's messages"
    page = problems_page(found, catalogues).encode()
    if not DOCS.exists() or DOCS.read_bytes() != page:
        yield DOCS, page, "out of step with the code's messages"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m volsite.catalogue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of step")
    args = parser.parse_args(argv)
    found = extract()
    wrong = problems_of(found)
    for line in wrong:
        print(line, file=sys.stderr)
    stale = list(differences())
    for path, data, why in stale:
        if args.check:
            print(f"{path}: {why} (run python3 -m volsite.catalogue)", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path}")
    missing = [line for language in LANGUAGES if language != SOURCE_LANGUAGE for line in _missing(language, found)]
    for line in missing:
        print(line, file=sys.stderr)
    if missing:
        print(f"{len(missing)} message(s) to translate in {po_path('zh-CN')}", file=sys.stderr)
    return 1 if wrong or missing or (args.check and stale) else 0


def _missing(language: str, found: list[Found]) -> list[str]:
    return [f"{language}: {line}" for line in untranslated(updated_catalogue(language, found))]


if __name__ == "__main__":
    sys.exit(main())
