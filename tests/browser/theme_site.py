"""The small site of the theme authors' guide (docs/themes.md): the tests' Chinese site
(conftest.BASE_SITE) with an about and a join page, a story with a cover photo and headings,
an award, and the guide's example theme, tests/themes/harbour, copied in as
themes/harbour and named in site.yaml.

Shared by tests/sites/test_themes_guide.py (the built files) and
tests/browser/test_theme_screens.py (the pages in Chromium).
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # for conftest and example_photos

from conftest import BASE_SITE, write_files  # noqa: E402

THEME = TESTS / "themes" / "harbour"
BASE_PATH = "/volunteer/"  # BASE_SITE's base_url's path
STORY = "stories/harbour-day/"

SITE_YAML = """
    title: 测试站
    organization: 测试志愿服务总队
    description: 港口社区的志愿者，每周六在码头服务站等您。
    base_url: https://example.org/volunteer/
    theme: harbour
"""

PARAGRAPH = (
    "周六早上七点，码头服务站的门就开了。志愿者们把血压计、老花镜和热水壶摆上桌，"
    "等着赶早市回来的老人歇歇脚、量量血压，顺便问问医保卡怎么在自助机上用。"
)

FILES = {
    "site.yaml": SITE_YAML,
    "content/pages/about.md": """
        ---
        title: 关于我们
        date: 2024-01-01
        slug: about
        ---
        我们是港口社区的志愿服务队。
    """,
    "content/pages/join.md": """
        ---
        title: 如何加入
        date: 2024-01-01
        slug: join
        ---
        每周六上午到码头服务站报名。
    """,
    "content/stories/2024-06-01-harbour-day.md": f"""
        ---
        title: 码头服务站的一个周六
        date: 2024-06-01
        summary: 血压计、老花镜和一壶热水：码头服务站的一个上午。
        volunteers: [zhang-wei, li-na]
        teams: [hq]
        tags: [便民服务]
        cover: media/stories/harbour-day.jpg
        author: 宣传组
        ---
        {PARAGRAPH}

        ## 早上七点

        {PARAGRAPH}

        ## 中午收摊

        {PARAGRAPH}
    """,
    "content/awards/2024.yaml": """
        - {title: 优秀志愿者, volunteer: li-na, year: 2024, level: 市级, issuer: 测试市志愿服务联合会}
    """,
}


def cover_photo() -> bytes:
    """A real photo-like picture (one of the example's scenes), small enough to make quickly."""
    import example_photos

    out = io.BytesIO()
    example_photos.service_day(7, 1200, 900).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def write_site(root: Path) -> Path:
    """The guide's site at `root`, with the example theme as themes/harbour."""
    write_files(root, {**BASE_SITE, **FILES, "content/media/stories/harbour-day.jpg": cover_photo()})
    copy_theme(root)
    return root


def copy_theme(root: Path) -> Path:
    """Copy tests/themes/harbour into the site as themes/harbour (as a theme author would)."""
    target = root / "themes" / "harbour"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(THEME, target)
    return target
