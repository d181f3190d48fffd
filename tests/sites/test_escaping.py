"""Text from records is escaped in every context; Markdown from staff may hold HTML unless
site.yaml says markdown.unsafe_html: false; Markdown in records never may."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import image_bytes, output_texts

EVIL = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"
QUOTED = json.dumps(EVIL)  # YAML double-quoted form


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]


def evil_site(site, unsafe_html: str = ""):
    return site(
        {
            "site.yaml": f"title: {QUOTED}\norganization: {QUOTED}\nbase_url: https://example.org/volunteer/\n{unsafe_html}",
            "content/teams/teams.yaml": f"- {{id: hq, name: {QUOTED}, lead: zhang-wei, category: {QUOTED}, "
            f"description: {QUOTED}, services: [{QUOTED}]}}\n",
            "content/volunteers/people.yaml": f"- {{id: zhang-wei, name: {QUOTED}, teams: [hq], role: {QUOTED}, "
            f"bio: {QUOTED}, skills: [{QUOTED}], photo: media/p.png, photo_consent: true}}\n"
            "- {id: li-na, name: 李娜, teams: [hq]}\n",
            "content/activities/a.yaml": f"id: 2024-03-05-clinic\ntitle: {QUOTED}\ndate: 2024-03-05\nteam: hq\nhours: 4\n"
            f"location: {QUOTED}\nsummary: {QUOTED}\nparticipants: [zhang-wei]\n",
            "content/awards/w.yaml": f"- {{title: {QUOTED}, volunteer: zhang-wei, year: 2024, issuer: {QUOTED}, "
            f"level: {QUOTED}, citation: {QUOTED}}}\n",
            "content/stories/2024-03-05-clinic.md": f"---\ntitle: {QUOTED}\ndate: 2024-03-05\nsummary: {QUOTED}\n"
            f"tags: [{QUOTED}]\nauthor: {QUOTED}\nvolunteers: [zhang-wei]\n"
            "cover: media/p.png\n---\n正文。\n",
            "content/media/p.png": image_bytes("png"),
        }
    )


def test_record_text_is_escaped_in_every_context(site):
    evil_site(site)
    result = site.build()
    assert result.exit_code == 0, result.output
    texts = output_texts(result.out)
    for name, text in texts.items():
        if name.endswith(".html"):
            elements = Elements()
            elements.feed(text)
            # the only scripts are volsite's own search page module
            assert all(s.get("src", "").endswith("search.js") for s in elements.scripts), name
            assert elements.handlers == [], f"{name}: {elements.handlers}"
            assert "<script>alert" not in text
        elif name.endswith((".xml", ".txt")):
            assert "<script>alert" not in text and "<img src=x" not in text, name
    for name in ("feed.xml", "sitemap.xml"):
        ET.fromstring(texts[name].encode())  # well-formed XML, so every value was escaped
    json.loads(texts["data/stats.json"])
    home = texts["index.html"]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;" in home
    assert re.search(
        r'<meta property="og:site_name" content="&lt;script&gt;alert\(1\)&lt;/script&gt;&#34;&#39;&amp;', home
    )
    profile = texts["volunteers/zhang-wei/index.html"]
    assert 'alt="&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;&lt;img src=x onerror=alert(2)&gt;"' in profile
    # The search index stores the words as text (JSON inside Pagefind's files), not HTML;
    # the search page shows them as text (tests/browser/test_search.py attacks that).
    index_text = "".join(t for n, t in texts.items() if n.startswith("pagefind/fragment/"))
    assert "alert" in index_text


def test_story_markdown_may_hold_html_by_default(site):
    site(
        {
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n"
            '<div class="note">员工写的 HTML</div>\n\n[链接](javascript:void(0))\n'
        }
    )
    page = (site.build().built / "stories/clinic/index.html").read_text()
    assert '<div class="note">员工写的 HTML</div>' in page
    assert '<a href="">链接</a>' in page  # a javascript: link never stays (test_dangerous_urls_…)


# Links and images a browser would take for javascript:, vbscript: or a document in a data:
# URL, however written: entities, mixed case, controls and spaces before, tabs and line
# breaks inside the scheme; in Markdown links, images and references, and in raw HTML
# (which a site that does not trust its Markdown shows as text).
DANGEROUS_MARKDOWN = "\n\n".join(
    [
        "[甲](javascript:alert(1)) [乙](JavaScript:alert(1)) [丙](javascript&#58;alert(1))",
        "[丁](&#106;avascript:alert(1)) [戊](java&#x09;script:alert(1)) [己](<  javascript:alert(1)>)",
        "[庚](vbscript:msgbox(1)) [辛](VBScript:msgbox(1)) [壬](data:text/html,<b>x</b>)",
        "[癸](DATA:text/html;base64,PHNjcmlwdD4=) [子](<java\tscript:alert(1)>) [丑][参]",
        "![图一](javascript:alert(1)) ![图二](data:text/html,x) ![图三](vbscript:x)",
        "[好](https://example.org/) [信](mailto:team@example.org) [电](tel:0510-12345678) [站](/teams/hq/)",
        "![点](data:image/png;base64,iVBORw0KGgo=)",
        "[参]: javascript:alert(2)",
    ]
)
DANGEROUS_RAW_HTML = "\n\n".join(
    [
        '<a href="java&#x09;script:alert(1)">寅</a> <a href="&#x6A;avascript:alert(1)">卯</a>',
        '<a href=" &#1;JaVaScRiPt:alert(1)">辰</a> <img src="data:text/html,x" alt="巳">',
        '<a href="java&Tab;script:alert(1)">午</a> <a href="java&NewLine;script:alert(1)">未</a>',
    ]
)
BAD_URL = re.compile(r"javascript:|vbscript:|data:text/html", re.I)


@pytest.mark.parametrize("unsafe_html", ["", "markdown: {unsafe_html: false}\n"], ids=["trusted", "untrusted"])
def test_dangerous_urls_reach_no_output_file(site, unsafe_html):
    body = DANGEROUS_MARKDOWN + ("" if unsafe_html else "\n\n" + DANGEROUS_RAW_HTML)
    site(
        {
            "site.yaml": f"title: x\nbase_url: https://example.org/volunteer/\nsearch: false\n{unsafe_html}",
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n" + body,
            "content/pages/about.md": "---\ntitle: 关于\ndate: 2024-03-05\n---\n" + body,
            "content/volunteers/people.yaml": f"- {{id: zhang-wei, name: 张伟, teams: [hq], bio: {json.dumps(DANGEROUS_MARKDOWN)}}}\n"
            "- {id: li-na, name: 李娜, teams: [clinic-a]}\n",
        }
    )
    texts = output_texts(site.build().built)
    found = {name: BAD_URL.findall(text) for name, text in texts.items() if BAD_URL.search(text)}
    assert not found, found
    page = texts["stories/clinic/index.html"]
    for name in "甲乙丙丁戊己庚辛壬癸子丑":  # the text stays; the link leads nowhere
        assert f'<a href="">{name}</a>' in page, name
    assert '<img src="" alt="图一">' in page and '<img src="" alt="图二">' in page
    assert '<a href="https://example.org/">好</a>' in page and '<a href="mailto:team@example.org">信</a>' in page
    assert '<a href="tel:0510-12345678">电</a>' in page and '<a href="/volunteer/teams/hq/">站</a>' in page
    assert "stories/clinic/" in texts["feed.xml"]
    if not unsafe_html:  # trusted: raw HTML is HTML
        assert '<a href="">寅</a>' in page and '<a href="">辰</a>' in page and '<img src="" alt="巳">' in page
        # An image in the page itself runs nothing: kept (its file is as inert as one under media/).
        assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="点">' in page


def test_unsafe_html_false_turns_staff_html_into_text(site):
    site(
        {
            "site.yaml": "title: x\nbase_url: https://example.org/volunteer/\nmarkdown: {unsafe_html: false}\n",
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n"
            '<script>alert(1)</script>\n\n正文 <b onclick="x()">粗</b> [链接](javascript:alert(1)) [好](/teams/hq/)\n',
        }
    )
    page = (site.build().built / "stories/clinic/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;b onclick=" in page and "javascript:" not in page
    assert 'href="/volunteer/teams/hq/"' in page


def test_markdown_in_records_never_holds_html(site):
    site(
        {
            "content/volunteers/people.yaml": "- id: zhang-wei\n  name: 张伟\n  teams: [hq]\n"
            "  bio: '<script>alert(1)</script> **老队员** [点我](javascript:alert(1))'\n"
            "- {id: li-na, name: 李娜, teams: [clinic-a]}\n"
        }
    )
    page = (site.build().built / "volunteers/zhang-wei/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<strong>老队员</strong>" in page
    assert "javascript:" not in page


def test_unknown_markdown_setting_is_an_error(site):
    site({"site.yaml": "title: x\nmarkdown: {unsafe: false}\n"})
    result = site.build()
    assert result.exit_code == 1 and "unknown setting 'markdown.unsafe'" in result.output
