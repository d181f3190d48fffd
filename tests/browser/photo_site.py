"""A site whose one story shows four 12-megapixel phone photos (a cover and three in its text),
and how many bytes of images a phone fetches to show it.

Shared by the browser test (test_phone_photos.py) and bench/phone_photos.py. The photos are the
example's scenes (tests/example_photos.py) with fine detail over them, as a camera sees
gravel, cloth and leaves: a drawing of flat colours compresses far better than a photo, and
would make the figures look better than a real story's.
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for example_photos

import example_photos  # noqa: E402

SLUG = "volunteer-day"
STORY_PATH = f"stories/{SLUG}/"
PHONE = {  # an iPhone 13-sized phone, as serving.WIDTHS["phone"]
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")

PHOTOS = (  # name in media/photos/, scene, seed, orientation
    ("cover.jpg", example_photos.service_day, 11, 1),
    ("desk.jpg", example_photos.service_desk, 12, 6),
    ("hall.jpg", example_photos.awards_hall, 13, 1),
    ("square.jpg", example_photos.community_talk, 14, 1),
)

PARAGRAPH = (
    "12 月 5 日是国际志愿者日。上午，门诊楼前照例摆开了便民服务台，三顶红色帐篷一字排开，"
    "量血压、测血糖的队伍排得最长。不少老人量完了也不急着走，坐下来和志愿者聊几句家常，"
    "问问新开的慢病门诊在几楼，医保卡怎么在自助机上用。"
)

STORY = f"""---
title: 国际志愿者日的一天
date: 2025-12-05
summary: 上午便民服务，下午年度表彰：四张手机照片，看看手机上要下载多少。
cover: media/photos/cover.jpg
---
{PARAGRAPH}

{PARAGRAPH}

## 便民服务台

{PARAGRAPH}

![便民服务台前，志愿者给一位老人量血压](media/photos/desk.jpg)

{PARAGRAPH}

{PARAGRAPH}

## 下午的表彰会

{PARAGRAPH}

![年度总结表彰会](media/photos/hall.jpg)

{PARAGRAPH}

{PARAGRAPH}

## 社区里的科普课

{PARAGRAPH}

![社区小广场上的健康讲座](media/photos/square.jpg)

{PARAGRAPH}
"""

SITE_YAML = """title: 照片测试站
base_url: https://example.org/
language: zh-CN
"""


def detail(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Noise with a natural image's spectrum (each octave as strong as the next, from blobs a
    quarter of the frame wide down to two pixels), about ±1 (H × W)."""
    total = np.zeros((height, width), np.float32)
    cells = 4
    while cells <= width // 2:
        rows = max(2, cells * height // width)
        small = rng.standard_normal((rows, cells)).astype(np.float32)
        total += np.asarray(Image.fromarray(small, "F").resize((width, height), Image.Resampling.BICUBIC))
        cells *= 2
    return total / float(np.std(total))


def phone_photo(scene, seed: int, orientation: int = 1, strength: float = 16.0) -> bytes:
    """A 4032 × 3024 (or 3024 × 4032) JPEG as a phone saves it, EXIF and GPS included, its
    scene covered in fine detail; a portrait (orientation 6) is stored on its side."""
    upright = scene(seed)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(upright, dtype=np.float32)
    texture = detail(rng, upright.width, upright.height)[..., None]
    tint = rng.standard_normal(3).astype(np.float32) * 0.25 + 1.0  # the detail is not grey
    pixels = np.clip(pixels + texture * strength * tint, 0, 255).astype(np.uint8)
    photo = Image.fromarray(pixels)
    stored = photo.transpose(Image.Transpose.ROTATE_90) if orientation == 6 else photo
    shot = example_photos.Shot("x.jpg", scene, seed, "2025:12:05 09:41:27", (29.86412, 121.54871, 12.4), "iPhone 13")
    exif = example_photos.phone_exif(shot, stored.width, stored.height)
    exif[0x0112] = orientation
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=example_photos.QUALITY, exif=exif, subsampling="4:2:0")
    return out.getvalue()


def write_site(root: Path) -> Path:
    """The site's source in `root`: site.yaml, the story and its four photos."""
    (root / "content/stories").mkdir(parents=True, exist_ok=True)
    (root / "content/media/photos").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / f"content/stories/2025-12-05-{SLUG}.md").write_text(STORY, encoding="utf-8")
    for name, scene, seed, orientation in PHOTOS:
        (root / "content/media/photos" / name).write_bytes(phone_photo(scene, seed, orientation))
    return root


@dataclass
class Fetched:
    """The images a page fetched, by URL: bytes of each response body."""

    first: dict[str, int] = field(default_factory=dict)  # on loading the page
    scrolled: dict[str, int] = field(default_factory=dict)  # after scrolling to its end

    @property
    def first_bytes(self) -> int:
        return sum(self.first.values())

    @property
    def total_bytes(self) -> int:
        return sum({**self.first, **self.scrolled}.values())


def measure(browser, url: str, settle: float = 1.0) -> Fetched:
    """Open `url` on a phone (390 px, device scale 3) with an empty cache, and count the bytes
    of every image response: those of the first screen (after `load` and a quiet network),
    then those fetched while scrolling to the end and waiting for the lazy images."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        responses: list = []

        def on_response(response) -> None:
            path = response.url.split("?", 1)[0].lower()
            if response.request.resource_type == "image" or path.endswith(IMAGE_SUFFIXES):
                responses.append(response)

        def sizes() -> dict[str, int]:
            found = {r.url: len(r.body()) for r in responses}
            responses.clear()
            return found

        page.on("response", on_response)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        time.sleep(settle)
        fetched = Fetched(first=sizes())
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height + 844, 400):
            page.evaluate(f"window.scrollTo(0, {y})")
            time.sleep(0.05)
        page.wait_for_function(
            "[...document.images].every(img => img.complete && img.naturalWidth > 0)", timeout=15_000
        )
        page.wait_for_load_state("networkidle")
        time.sleep(settle)
        fetched.scrolled = sizes()
        return fetched
    finally:
        context.close()


def report(fetched: Fetched) -> str:
    lines = [f"first screen: {fetched.first_bytes / 1024:.0f} KB in {len(fetched.first)} images"]
    lines += [f"  {size / 1024:6.0f} KB  {url.rsplit('/', 1)[-1]}" for url, size in sorted(fetched.first.items())]
    lines.append(f"whole page, scrolled to the end: {fetched.total_bytes / 1024:.0f} KB")
    lines += [f"  {size / 1024:6.0f} KB  {url.rsplit('/', 1)[-1]}" for url, size in sorted(fetched.scrolled.items())]
    return "\n".join(lines)
