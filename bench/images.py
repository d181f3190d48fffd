#!/usr/bin/env python3
"""volsite's photos beside Hugo's image processing, on the same 200 phone photos (issue 17).

    bash ../shared/bench-anchors/setup.sh      # once: Hugo (extended, for WebP)
    python3 bench/images.py [--photos 200] [--runs 3] [--rev HEAD] [--out FILE.md]
                            [--modes volsite-cold,...] [--work DIR] [--timeout 1800]
    python3 bench/images.py profile [--rev HEAD]   # where one photo's processing goes

Photos: --photos phone-like 12-megapixel JPEGs (4032 × 3024, every fourth one 3024 × 4032),
made once, deterministically (numpy's generator seeded by --seed and the photo's number),
into --work (default ~/.cache/volsite-bench/images), never the repository: a smooth scene
of colour fields under a sky-to-ground gradient, shapes and thin lines with soft edges,
a mid-frequency texture and sensor noise (luminance and some colour), saved at quality 92
(2.6-3.9 MB each: the noise is drawn again, more or less of it, until it weighs that), with
a phone's EXIF: Make, Model, Orientation (1: each is stored as it is seen), the date,
exposure and a GPS position.

Sites (made once beside them, the photos hard-linked):
- volsite: one story a photo, whose cover is that photo and whose body shows the next one
  (`![...](/media/photos/photo-NNN.jpg)`), `search: false` (Pagefind is not what is measured),
  images.widths [360, 720, 1080, 1440] and quality 80 (the defaults, said explicitly);
- Hugo, in the style of ../shared/bench-anchors: the same stories, the photos under assets/,
  a partial that makes each photo `.Resize "360x webp q80"`, `.Resize "360x jpg q80"`, ... at
  360/720/1080/1440 no wider than the photo, used for the cover (single.html) and by an image
  render hook for the photo in the body; Hugo's resampling filter is its default (box) unless
  --hugo-filter says another (volsite resizes with Lanczos).

Timed, round robin, --runs times (median): volsite cold (no output, no .volsite-cache), then
a no-change rebuild (again into the same folder), then volsite warm (the cache kept, the
output moved aside: must process no image), warm again (the same, with the cache as that warm
build left it), Hugo cold (no public/, no resources/: its resources/_gen cache of processed
images gone) and Hugo warm (resources/ kept, public/ moved aside). For each volsite build,
the photos its cache (.volsite-cache/images) held before and after: processed, forgotten. Old outputs are moved aside before a timed build and deleted only between rounds
(then the 35 s wait of measure.Trash). Measured by measure.run: wall, CPU, peak memory, the
CPU the rest of the machine used meanwhile; and the image files each build wrote (count, MB).
After the rounds, an untimed cold build and one more warm one, in a driver that times volsite's
image steps (processing, or finding each photo in the cache; copying the files; tidying the
cache) and counts the photos processed, to say how much of a warm build is images.

`profile` times each step of volsite.images.process.process on one photo (decoding, turning
upright, resizing, encoding WebP and JPEG at each width) and a few cheaper ways of the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Result, git_version, machine, median, run, run_files, volsite_runner  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WIDTHS = (360, 720, 1080, 1440)
QUALITY = 80
MODES = ("volsite-cold", "volsite-no-change", "volsite-warm", "volsite-warm-again", "hugo-cold", "hugo-warm")

# ---------------------------------------------------------------- the photos

PHONES = [
    ("Apple", "iPhone 13", "17.5.1"),
    ("Apple", "iPhone 15 Pro", "18.1"),
    ("HUAWEI", "ELS-AN00", "HarmonyOS 4.2.0"),
    ("Xiaomi", "23127PN0CC", "V816.0.5.0.UNCCNXM"),
    ("samsung", "SM-S9180", "S9180ZCS2AXF1"),
    ("OPPO", "PHZ110", "ColorOS 14.0"),
]


def photo_name(i: int) -> str:
    return f"photo-{i:03d}.jpg"


def _make_photo(seed: int, i: int) -> tuple[bytes, int, int]:
    """Photo i: (JPEG bytes, width, height). Every fourth is upright (3024 × 4032)."""
    import io

    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng([seed, i])
    upright = i % 4 == 3
    w, h = (3024, 4032) if upright else (4032, 3024)
    # colour fields, muted towards grey, under a sky-to-ground gradient
    fields = rng.integers(20, 236, size=(8, 6, 3) if upright else (6, 8, 3)).astype(np.float32)
    fields = fields * 0.7 + 128 * 0.3
    scene = Image.fromarray(fields.astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    sky, ground = rng.integers(90, 250, 3), rng.integers(20, 140, 3)
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    gradient = sky * (1 - t) + ground * t
    a = np.asarray(scene, dtype=np.float32) * 0.55 + gradient * 0.45
    image = Image.fromarray(a.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(25, 45))):  # things in the picture
        x0, y0 = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
        sw, sh = int(rng.integers(w // 30, w // 3)), int(rng.integers(h // 30, h // 3))
        colour = tuple(int(c) for c in (rng.integers(0, 256, 3) * 0.75 + 32))
        kind = int(rng.integers(3))
        if kind == 0:
            draw.ellipse([x0, y0, x0 + sw, y0 + sh], fill=colour)
        elif kind == 1:
            draw.rectangle([x0, y0, x0 + sw, y0 + sh], fill=colour)
        else:
            points = [(x0 + int(rng.integers(0, sw + 1)), y0 + int(rng.integers(0, sh + 1))) for _ in range(5)]
            draw.polygon(points, fill=colour)
    for _ in range(int(rng.integers(40, 120))):  # edges: wires, railings, window frames
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(-w // 3, w // 3)), y0 + int(rng.integers(-h // 3, h // 3))
        draw.line([x0, y0, x1, y1], fill=tuple(int(c) for c in rng.integers(0, 256, 3)), width=int(rng.integers(2, 9)))
    image = image.filter(ImageFilter.GaussianBlur(2))  # a lens is not a ruler
    a = np.asarray(image, dtype=np.float32)
    texture = rng.normal(0, 12, size=(h // 8, w // 8)).astype(np.float32)  # foliage, fabric, gravel
    texture = np.asarray(Image.fromarray(texture, mode="F").resize((w, h), Image.Resampling.BILINEAR))
    a += texture[:, :, None]
    exif = _phone_exif(rng, i)
    # Sensor noise, mostly luminance; more or less of it until the photo weighs what a phone's
    # does (2.6-3.9 MB at quality 92), each try from a generator of its own (deterministic).
    sigma = float(rng.uniform(1.5, 4.5))
    for attempt in range(6):
        noisy = np.random.default_rng([seed, i, attempt])
        noise = noisy.normal(0, sigma, size=(h, w, 1)).astype(np.float32)
        noise = noise + noisy.normal(0, sigma / 3, size=(h, w, 3)).astype(np.float32)
        out = io.BytesIO()
        Image.fromarray(np.clip(a + noise, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=92, exif=exif)
        size = out.tell()
        if 2_600_000 <= size <= 3_900_000:
            break
        sigma *= 1.3 if size < 2_600_000 else 0.8
    return out.getvalue(), w, h


def _phone_exif(rng, i: int):
    from PIL import Image, TiffImagePlugin

    rational = TiffImagePlugin.IFDRational
    make, model, software = PHONES[i % len(PHONES)]
    taken = dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=int(rng.integers(0, 60 * 24 * 700)))
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x0132] = make, model, software, stamp
    exif[0x0112] = 1  # Orientation: stored as seen
    detail = exif.get_ifd(0x8769)
    detail[0x9003] = detail[0x9004] = stamp  # DateTimeOriginal, DateTimeDigitized
    detail[0x829A] = rational(1, int(rng.choice([30, 60, 120, 250, 500])))  # ExposureTime
    detail[0x829D] = rational(int(rng.choice([16, 18, 22])), 10)  # FNumber
    detail[0x8827] = int(rng.choice([50, 64, 100, 200, 400]))  # ISO
    detail[0x920A] = rational(int(rng.choice([51, 57, 67])), 10)  # FocalLength
    gps = exif.get_ifd(0x8825)  # somewhere around Shanghai
    lat, lon = 31.0 + float(rng.uniform(0, 0.5)), 121.2 + float(rng.uniform(0, 0.5))
    gps[0x0000] = b"\x02\x02\x00\x00"
    gps[0x0001], gps[0x0002] = "N", _dms(lat)
    gps[0x0003], gps[0x0004] = "E", _dms(lon)
    gps[0x0005], gps[0x0006] = b"\x00", rational(int(rng.integers(300, 9000)), 100)
    return exif


def _dms(degrees: float) -> tuple:
    from PIL import TiffImagePlugin

    rational = TiffImagePlugin.IFDRational
    whole = int(degrees)
    minutes = int((degrees - whole) * 60)
    seconds = round(((degrees - whole) * 60 - minutes) * 60 * 100)
    return rational(whole), rational(minutes), rational(seconds, 100)


def _write_photo(folder: str, seed: int, i: int) -> tuple[int, int]:
    data, _w, _h = _make_photo(seed, i)
    path = Path(folder) / photo_name(i)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    return i, len(data)


def make_photos(folder: Path, count: int, seed: int) -> None:
    """Photos 0 .. count-1 in folder, each made once for this seed and this code."""
    code = inspect.getsource(_make_photo) + inspect.getsource(_phone_exif) + inspect.getsource(_dms) + repr(PHONES)
    stamp = f"{seed} {hashlib.sha256(code.encode()).hexdigest()}"
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / ".stamp").is_file() and (folder / ".stamp").read_text() != stamp:
        for old in folder.glob("photo-*.jpg"):
            old.unlink()
    (folder / ".stamp").write_text(stamp)
    missing = [i for i in range(count) if not (folder / photo_name(i)).is_file()]
    if not missing:
        return
    print(f"making {len(missing)} photos in {folder} (about 1.5 s each, two at a time) ...", flush=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for done, (i, size) in enumerate(
            pool.map(_write_photo, [str(folder)] * len(missing), [seed] * len(missing), missing), 1
        ):
            if done % 20 == 0 or done == len(missing):
                print(
                    f"  {done}/{len(missing)} (photo {i}: {size / 1e6:.1f} MB), {time.perf_counter() - started:.0f} s",
                    flush=True,
                )


# ---------------------------------------------------------------- the two sites

SITE_YAML = f"""title: 照片基准
base_url: https://example.org/
language: zh-CN
pagination: 20
search: false
images:
  widths: [{", ".join(str(w) for w in WIDTHS)}]
  quality: {QUALITY}
"""

HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "zh-cn"
title = "照片基准"
hasCJKLanguage = true
paginate = 20
timeout = "1800s"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[permalinks]
  stories = "/stories/:slug/"
[imaging]
  quality = {quality}
  resampleFilter = "{filter}"
"""

# One photo as a <picture>: WebP and JPEG at each width no wider than the photo.
HUGO_PICTURE = (
    '{{ $img := .img }}{{ $webp := slice }}{{ $jpg := slice }}{{ $src := "" }}'
    "{{ range $w := slice " + " ".join(str(w) for w in WIDTHS) + " }}{{ if le $w $img.Width }}"
    '{{ $a := $img.Resize (printf "%dx webp q' + str(QUALITY) + '" $w) }}'
    '{{ $b := $img.Resize (printf "%dx jpg q' + str(QUALITY) + '" $w) }}'
    '{{ $webp = $webp | append (printf "%s %dw" $a.RelPermalink $w) }}'
    '{{ $jpg = $jpg | append (printf "%s %dw" $b.RelPermalink $w) }}{{ $src = $b }}{{ end }}{{ end }}'
    '<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}" sizes="(max-width: 40rem) 100vw, 40rem">'
    '<img src="{{ $src.RelPermalink }}" srcset="{{ delimit $jpg ", " }}" sizes="(max-width: 40rem) 100vw, 40rem" '
    'width="{{ $src.Width }}" height="{{ $src.Height }}" alt="{{ .alt }}" loading="lazy" decoding="async"></picture>\n'
)

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} | {{ .Site.Title }}{{ end }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Params.cover }}{{ with resources.Get . }}{{ partial "picture.html" (dict "img" . "alt" "") }}{{ end }}{{ end }}
<p class="summary">{{ .Params.summary }}</p>
{{ .Content }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $p := .Paginator }}<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}<ul>
{{ range first 10 (where .Site.RegularPages "Section" "stories").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>{{ end }}
""",
    "partials/picture.html": HUGO_PICTURE,
    "_default/_markup/render-image.html": """{{ with resources.Get (strings.TrimPrefix "/" .Destination) }}"""
    """{{ partial "picture.html" (dict "img" . "alt" $.Text) }}{{ else }}"""
    """<img src="{{ .Destination | safeURL }}" alt="{{ .Text }}">{{ end }}""",
}

PLACES = ["社区服务站", "老旧小区", "湿地公园", "江边堤坝", "乡村小学", "敬老院", "火车站广场", "市图书馆"]
DOINGS = ["义诊", "清理河道", "陪伴老人", "植树", "交通引导", "图书整理", "急救培训", "献血宣传"]


def _story(i: int, count: int) -> tuple[str, str, str]:
    """(slug, front matter lines without cover, body) of story i: its cover is photo i, its body
    shows photo i + 1."""
    place, doing = PLACES[i % len(PLACES)], DOINGS[(i * 3) % len(DOINGS)]
    date = dt.date(2024, 1, 1) + dt.timedelta(days=i * 3)
    slug = f"photos-{i:03d}"
    front = f"title: 在{place}的{doing}（{i + 1}）\nslug: {slug}\ndate: {date.isoformat()}\nsummary: 志愿者们在{place}开展{doing}活动。\n"
    body = (
        f"周末的清晨，志愿者们来到{place}，开展了一次{doing}活动。\n\n"
        f"![{place}的{doing}现场](/media/photos/{photo_name((i + 1) % count)})\n\n"
        f"活动结束时，大家在{place}门口合影留念。\n"
    )
    return slug, front, body


def make_sites(work: Path, photos: Path, count: int, hugo_filter: str) -> tuple[Path, Path]:
    """The volsite site and the Hugo site of the first `count` photos (made once)."""
    root = work / "sites" / f"{count}-{hugo_filter}"
    volsite, hugo = root / "volsite", root / "hugo"
    code = inspect.getsource(_story) + SITE_YAML + HUGO_CONFIG + repr(HUGO_LAYOUTS) + (photos / ".stamp").read_text()
    stamp = hashlib.sha256(code.encode()).hexdigest()
    if (root / ".done").is_file() and (root / ".done").read_text() == stamp:
        return volsite, hugo
    shutil.rmtree(root, ignore_errors=True)
    (volsite / "content" / "stories").mkdir(parents=True)
    (volsite / "content" / "media" / "photos").mkdir(parents=True)
    (hugo / "content" / "stories").mkdir(parents=True)
    (hugo / "assets" / "media" / "photos").mkdir(parents=True)
    (volsite / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (hugo / "config.toml").write_text(HUGO_CONFIG.format(quality=QUALITY, filter=hugo_filter), encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / rel).write_text(text, encoding="utf-8")
    (hugo / "content" / "stories" / "_index.md").write_text("---\ntitle: 故事\n---\n", encoding="utf-8")
    for i in range(count):
        name = photo_name(i)
        os.link(photos / name, volsite / "content" / "media" / "photos" / name)
        os.link(photos / name, hugo / "assets" / "media" / "photos" / name)
        slug, front, body = _story(i, count)
        cover = f"cover: media/photos/{name}\n"
        text = f"---\n{front}{cover}---\n\n{body}"
        (volsite / "content" / "stories" / f"{slug}.md").write_text(text, encoding="utf-8")
        (hugo / "content" / "stories" / f"{slug}.md").write_text(text, encoding="utf-8")
    (root / ".done").write_text(stamp)
    return volsite, hugo


# ---------------------------------------------------------------- timing


@dataclass
class Spec:
    cwd: Path
    cmd: list[str]
    aside: list[Path]  # moved aside before the build (outside the timing)
    output: Path
    images: Path  # where the build writes its processed photos
    env: dict | None = None


def spec(mode: str, volsite_site: Path, hugo_site: Path, volsite: tuple[list[str], dict | None]) -> Spec:
    if mode.startswith("volsite"):
        s = volsite_site
        leftovers = sorted(s.glob(".output.*"))  # staging folders a failed build may leave
        aside = {
            "volsite-cold": [s / "output", s / ".volsite-cache", *leftovers],
            "volsite-warm": [s / "output", *leftovers],
            "volsite-warm-again": [s / "output", *leftovers],
            "volsite-no-change": [],
        }[mode]
        cmd = [*volsite[0], "build", ".", "-o", "output", "-q"]
        return Spec(s, cmd, aside, s / "output", s / "output" / "media" / "photos", volsite[1])
    h = hugo_site
    aside = [h / "public", h / "resources"] if mode == "hugo-cold" else [h / "public"]
    return Spec(h, ["hugo", "--quiet"], aside, h / "public", h / "public" / "media" / "photos")


def image_files(folder: Path) -> tuple[int, int]:
    """(how many, bytes) of the WebP and JPEG files under folder."""
    n = size = 0
    for path, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith((".webp", ".jpg")):
                n += 1
                size += os.stat(os.path.join(path, name)).st_size
    return n, size


def cached(site: Path) -> set[str]:
    """The keys of the photos volsite's cache holds whole (a variants.json written last)."""
    folder = site / ".volsite-cache" / "images"
    return {p.name for p in folder.iterdir() if (p / "variants.json").is_file()} if folder.is_dir() else set()


@dataclass
class Row:
    mode: str
    run: int
    result: Result
    images: int
    image_bytes: int
    note: str = ""


def measure_all(
    modes: list[str],
    runs: int,
    volsite_site: Path,
    hugo_site: Path,
    volsite: tuple[list[str], dict | None],
    work: Path,
    timeout: float,
) -> list[Row]:
    trash, logs, raw = run_files(
        work,
        "images",
        "mode\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\ttree_rss_kb\tproportional_kb\trc\timages\timage_bytes\tother_cpu_s\tnote\n",
    )
    rows: list[Row] = []
    # The photos in the page cache, as after the first build of a session; the tools' own files too.
    for path in sorted((volsite_site / "content" / "media" / "photos").iterdir()):
        path.read_bytes()
    subprocess.run(["hugo", "version"], capture_output=True)
    subprocess.run([*volsite[0], "--version"], capture_output=True, env=volsite[1])
    trash.purge()
    for r in range(1, runs + 1):
        for mode in modes:
            s = spec(mode, volsite_site, hugo_site, volsite)
            if mode == "volsite-no-change" and not (s.output / "media").is_dir():
                print(f"  {mode:<18} run {r}: skipped (no output to rebuild)", flush=True)
                continue
            if (
                "warm" in mode
                and not (s.cwd / (".volsite-cache" if mode.startswith("volsite") else "resources")).is_dir()
            ):
                print(f"  {mode:<18} run {r}: skipped (no cache: run the cold build first)", flush=True)
                continue
            trash.aside(*s.aside)
            before = cached(s.cwd) if mode.startswith("volsite") else set()
            result = run(s.cmd, s.cwd, logs / f"{mode}-{r}.log", timeout=timeout, env=s.env)
            n, size = image_files(s.images) if s.images.is_dir() else (0, 0)
            note = ""
            if mode.startswith("volsite") and result.ok:
                after = cached(s.cwd)
                note = (
                    f"cache before {len(before)}, processed {len(after - before)}, "
                    f"forgotten {len(before - after)}, after {len(after)}"
                )
            row = Row(mode, r, result, n, size, note)
            rows.append(row)
            with open(raw, "a") as f:
                f.write(
                    f"{mode}\t{r}\t{result.wall:.3f}\t{result.user:.2f}\t{result.sys:.2f}\t{result.maxrss_kb}\t"
                    f"{result.tree_kb}\t{result.proportional_kb}\t{result.rc}\t{n}\t{size}\t{result.other_cpu:.2f}\t{note}\n"
                )
            status = "ok" if result.ok else ("TIMED OUT" if result.timed_out else f"FAILED rc={result.rc}")
            print(
                f"  {mode:<18} run {r}  wall {result.wall:7.2f} s  cpu {result.cpu:7.2f} s  peak {result.peak_mib:6.0f} MiB"
                f"  images {n:>5} ({size / 1e6:6.1f} MB)  other cpu {result.other_cpu:5.2f} s  {status}  {note}",
                flush=True,
            )
            if not result.ok:
                tail = result.log.read_text(errors="replace").splitlines()[-15:]
                print("    " + "\n    ".join(tail), flush=True)
        trash.purge()
    return rows


# The driver of the untimed, instrumented warm build: volsite's image steps timed in-process.
DRIVER = r"""
import json, os, sys, time
from pathlib import Path
import volsite.builds as builds
import volsite.images.stage as stage
import volsite.output.write as write
import volsite.pipeline as pipeline
import volsite.speed.store as store

site, log = Path(sys.argv[1]), sys.argv[2]
spent = {"site_images": 0.0, "copy_images": 0.0, "finish_images": 0.0}

def timed(owner, name, key, only=None):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if only is None or only(args):
                spent[key] += time.perf_counter() - started
    setattr(owner, name, wrapper)

timed(pipeline, "site_images", "site_images")
timed(write.Staging, "copy", "copy_images", lambda a: str(a[1]).startswith("media/"))
timed(write.Staging, "put", "copy_images", lambda a: str(a[1]).startswith("media/"))
timed(store.BuildStore, "finish_images", "finish_images")
made = stage.process
def counted(*args, **kwargs):  # (in forked workers too: each adds a line)
    with open(log, "a") as f:
        f.write("processed\n")
    return made(*args, **kwargs)
stage.process = counted
started = time.perf_counter()
result = builds.build(site, site / "output")
spent["build"] = time.perf_counter() - started
spent["pages"], spent["files"] = result.pages, result.files
spent["processed"] = sum(1 for _ in open(log)) if os.path.exists(log) else 0
print(json.dumps(spent))
"""


def warm_breakdown(volsite_site: Path, volsite: tuple[list[str], dict | None], work: Path) -> dict | None:
    """One untimed cold build, then one warm build in the driver: how long volsite's image steps took
    when every photo is in the cache."""
    trash = work / ".trash"
    trash.mkdir(parents=True, exist_ok=True)
    for path in [volsite_site / "output", volsite_site / ".volsite-cache"]:
        if path.exists():
            shutil.move(str(path), str(trash / f"breakdown-{time.time_ns()}"))
    print("breakdown: an untimed cold build, then an instrumented warm one ...", flush=True)
    subprocess.run([*volsite[0], "build", ".", "-o", "output", "-q"], cwd=volsite_site, env=volsite[1], check=True)
    shutil.move(str(volsite_site / "output"), str(trash / f"breakdown-{time.time_ns()}"))
    held = len(cached(volsite_site))
    os.sync()  # the cold build's files written out, as measure.run does before a timed build
    time.sleep(5)
    log = work / "processed.log"
    log.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(volsite_site), str(log)],
        capture_output=True,
        text=True,
        env=volsite[1],
        cwd=volsite_site,
    )
    if out.returncode != 0:
        print(f"the instrumented warm build failed:\n{out.stderr[-2000:]}", flush=True)
        return None
    found = json.loads(out.stdout.strip().splitlines()[-1])
    found["held"], found["kept"] = held, len(cached(volsite_site))
    return found


# ---------------------------------------------------------------- one photo, step by step

PROFILE = r"""
import io, json, sys, time
from PIL import Image
from volsite.images import process as p

data = open(sys.argv[1], "rb").read()
widths = tuple(int(w) for w in sys.argv[2].split(","))
quality = int(sys.argv[3])
steps = {}

def clock(name, fn, *args, **kwargs):
    best = None
    for _ in range(3):
        started = time.perf_counter()
        value = fn(*args, **kwargs)
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    steps[name] = steps.get(name, 0.0) + best
    return value

clock("process() whole, as a build calls it", p.process, data, widths, quality=quality)
image = clock("decode (JPEG draft: scaled in the decoder)", p._open, data, max(widths))
steps["decoded size"] = "%d x %d" % image.size
upright = clock("upright + sRGB + metadata dropped", p._upright_srgb, image)
rgb = clock("convert to RGB", upright.convert, "RGB")
for w in widths:
    h = round(rgb.height * w / rgb.width)
    small = clock(f"resize to {w} (Lanczos)", rgb.resize, (w, h), Image.Resampling.LANCZOS)
    clock(f"encode {w} WebP (method 4)", p._encode, small, "webp", quality)
    clock(f"encode {w} JPEG (optimize, progressive)", p._encode, small, "jpeg", quality)

# Cheaper ways, for comparison
alt = {}
def clock_alt(name, fn):
    best = None
    for _ in range(3):
        started = time.perf_counter()
        fn()
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    alt[name] = alt.get(name, 0.0) + best

def full_decode():
    im = Image.open(io.BytesIO(data)); im.load()
clock_alt("decode at full size (what a decoder without DCT scaling does)", full_decode)
def encode(im, form, **kw):
    out = io.BytesIO(); im.save(out, form, **kw); return out.getvalue()
for w in widths:
    h = round(rgb.height * w / rgb.width)
    small = rgb.resize((w, h), Image.Resampling.LANCZOS)
    clock_alt("resize all widths, Lanczos with reducing_gap=3", lambda: rgb.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0))
    clock_alt("resize all widths, bicubic", lambda: rgb.resize((w, h), Image.Resampling.BICUBIC))
    clock_alt("encode all widths WebP method 2", lambda: encode(small, "WEBP", quality=quality, method=2))
    clock_alt("encode all widths WebP method 0", lambda: encode(small, "WEBP", quality=quality, method=0))
    clock_alt("encode all widths JPEG baseline, no optimize", lambda: encode(small, "JPEG", quality=quality))
    clock_alt("encode all widths JPEG optimize, not progressive", lambda: encode(small, "JPEG", quality=quality, optimize=True))
print(json.dumps({"steps": steps, "alternatives": alt}))
"""


def profile(photo: Path, volsite: tuple[list[str], dict | None]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROFILE, str(photo), ",".join(str(w) for w in WIDTHS), str(QUALITY)],
        capture_output=True,
        text=True,
        env=volsite[1],
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def profile_report(found: dict, photo: Path) -> list[str]:
    steps = dict(found["steps"])
    whole = steps.pop("process() whole, as a build calls it")
    size = steps.pop("decoded size")
    summed = sum(steps.values())
    lines = [
        f"## One photo, step by step ({photo.name}, {photo.stat().st_size / 1e6:.1f} MB; best of 3, one process)",
        "",
        f"volsite.images.process.process: {whole:.3f} s (the steps below sum to {summed:.3f} s; decoded at {size}).",
        "",
        "| step | s | share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {took:.3f} | {took / summed:.0%} |" for name, took in steps.items()]
    groups = {
        "decoding": sum(t for n, t in steps.items() if n.startswith("decode")),
        "resizing": sum(t for n, t in steps.items() if n.startswith("resize")),
        "WebP encoding": sum(t for n, t in steps.items() if n.startswith("encode") and "WebP" in n),
        "JPEG encoding": sum(t for n, t in steps.items() if n.startswith("encode") and "JPEG" in n),
        "upright, sRGB, RGB": sum(t for n, t in steps.items() if n.startswith(("upright", "convert"))),
    }
    lines += ["", "By kind: " + ", ".join(f"{k} {v:.3f} s ({v / summed:.0%})" for k, v in groups.items()) + ".", ""]
    lines += ["Other ways of the same steps (all four widths):", "", "| way | s |", "|---|---:|"]
    lines += [f"| {name} | {took:.3f} |" for name, took in found["alternatives"].items()]
    return lines + [""]


# ---------------------------------------------------------------- the report


@dataclass
class Summary:
    mode: str
    ok: int
    runs: int
    wall: float
    lo: float
    hi: float
    cpu: float
    peak: float
    other: float
    images: int
    image_mb: float
    notes: str


def summarise(rows: list[Row]) -> dict[str, Summary]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.mode, []).append(row)
    out = {}
    for mode, group in groups.items():
        good = [g for g in group if g.result.ok]
        walls = [g.result.wall for g in good]
        out[mode] = Summary(
            mode,
            len(good),
            len(group),
            median(walls),
            min(walls, default=float("nan")),
            max(walls, default=float("nan")),
            median([g.result.cpu for g in good]),
            max((g.result.peak_mib for g in good), default=float("nan")),
            max((g.result.other_cpu for g in group), default=0.0),
            good[-1].images if good else 0,
            good[-1].image_bytes / 1e6 if good else 0.0,
            "; ".join(f"run {g.run}: {g.note}" for g in group if g.note),
        )
    return out


LABELS = {
    "volsite-cold": "volsite, cold (no output, no .volsite-cache)",
    "volsite-no-change": "volsite, no-change rebuild",
    "volsite-warm": "volsite, warm (cache kept, new output)",
    "volsite-warm-again": "volsite, warm again (the cache the warm build left)",
    "hugo-cold": "Hugo, cold (no resources/_gen)",
    "hugo-warm": "Hugo, warm (resources kept, new public/)",
}


def report(summaries: dict[str, Summary], header: list[str], breakdown: dict | None, modes: list[str]) -> str:
    lines = header + [
        "",
        "| build | runs ok | median wall s | min–max s | median CPU s | peak memory MiB | others' CPU s (max) "
        "| image files | image MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in modes:
        s = summaries.get(mode)
        if s is None:
            continue
        lines.append(
            f"| {LABELS[mode]} | {s.ok}/{s.runs} | {s.wall:.2f} | {s.lo:.2f}–{s.hi:.2f} | {s.cpu:.2f} | {s.peak:.0f} "
            f"| {s.other:.1f} | {s.images} | {s.image_mb:.1f} |"
        )
    notes = [f"- {LABELS[m]}: {summaries[m].notes}" for m in modes if m in summaries and summaries[m].notes]
    lines += ["", *notes, ""] if notes else [""]
    lines += [
        "## Ratios (median wall, median CPU, peak memory)",
        "",
        "| volsite | Hugo | wall | CPU | memory |",
        "|---|---|---:|---:|---:|",
    ]
    for mine, theirs in (
        ("volsite-cold", "hugo-cold"),
        ("volsite-warm", "hugo-warm"),
        ("volsite-no-change", "hugo-warm"),
        ("volsite-warm", "hugo-cold"),
    ):
        v, h = summaries.get(mine), summaries.get(theirs)
        if v and h and v.ok and h.ok:
            lines.append(
                f"| {LABELS[mine]} | {LABELS[theirs]} | {v.wall / h.wall:.2f}× | {v.cpu / h.cpu:.2f}× | {v.peak / h.peak:.2f}× |"
            )
    v, h = summaries.get("volsite-cold"), summaries.get("hugo-cold")
    if v and h and v.ok and h.ok:
        ratio = v.wall / h.wall
        verdict = "met" if ratio <= 1.5 else "not met"
        lines += [
            "",
            f"Target: volsite cold within 1.5× Hugo cold: {v.wall:.2f} s ÷ {h.wall:.2f} s = {ratio:.2f}× → **{verdict}**",
        ]
    if breakdown:
        images = breakdown["site_images"] + breakdown["copy_images"] + breakdown["finish_images"]
        verdict = "met" if breakdown["processed"] == 0 and images < 1.0 else "not met"
        lines += [
            "",
            "## A warm build's image work (one more warm build, untimed, volsite's steps timed in-process)",
            "",
            f"Whole build {breakdown['build']:.2f} s ({breakdown['pages']} pages, {breakdown['files']} files); "
            f"photos processed: {breakdown['processed']}; image work {images:.2f} s "
            f"({images / breakdown['build']:.0%}): finding each photo in the cache (reading and hashing it) "
            f"{breakdown['site_images']:.2f} s, copying their files into the new output "
            f"{breakdown['copy_images']:.2f} s, tidying the cache {breakdown['finish_images']:.2f} s. "
            f"Photos in the cache: {breakdown['held']} before it, {breakdown['kept']} after.",
            f"Target: a warm build processes no photo and spends under 1 s on images → **{verdict}**",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    argv = sys.argv[1:]
    profiling = bool(argv) and argv[0] == "profile"
    if profiling:
        argv = argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200, help="how many photos (and stories)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (median)")
    parser.add_argument(
        "--modes", default=",".join(MODES), help=f"comma-separated, in run order; of {', '.join(MODES)}"
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--hugo-filter", default="box", help="Hugo's imaging.resampleFilter (its default: box)")
    parser.add_argument("--out", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path.home() / ".cache" / "volsite-bench" / "images",
        help="photos, sites, logs and raw rows (never the repository)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before one build is killed")
    parser.add_argument("--rev", help="measure this commit of volsite (a snapshot), not the working tree as it is")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the instrumented warm build")
    parser.add_argument("--no-profile", action="store_true", help="skip timing one photo step by step")
    args = parser.parse_args(argv)
    work = args.work.expanduser().resolve()
    if work == REPO or REPO in work.parents:
        parser.error("--work must be outside the repository")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}; choose from {', '.join(MODES)}")

    photos = work / "photos"
    make_photos(photos, args.photos, args.seed)
    prefix, env, label = volsite_runner(REPO, args.rev, work)
    if env is None:  # this tree's volsite, not whichever one pip installed in editable mode (another worktree's)
        env = dict(os.environ, PYTHONPATH=str(REPO / "generator"))
    if profiling:
        photo = photos / photo_name(0)
        print("\n".join(profile_report(profile(photo, (prefix, env)), photo)))
        return
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True) if shutil.which("hugo") else None
    if hugo is None or "extended" not in hugo.stdout:
        sys.exit(
            f"Hugo extended (it encodes WebP) is needed; run: bash {REPO.parent / 'shared/bench-anchors/setup.sh'}"
        )
    volsite_site, hugo_site = make_sites(work, photos, args.photos, args.hugo_filter)
    sizes = [p.stat().st_size for p in sorted((volsite_site / "content" / "media" / "photos").iterdir())]
    started = dt.datetime.now()
    import PIL

    header = [
        f"# volsite's photos beside Hugo's image processing ({started:%Y-%m-%d %H:%M})",
        "",
        f"Machine: {machine()}. Command: `python3 bench/images.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"{len(sizes)} phone photos (12 MP JPEG, quality 92, {min(sizes) / 1e6:.1f}–{max(sizes) / 1e6:.1f} MB, "
        f"{sum(sizes) / 1e6:.0f} MB in all), each the cover of one story and shown in the body of another; "
        f"widths {list(WIDTHS)} as WebP and JPEG, quality {QUALITY}; Hugo's filter: {args.hugo_filter}. "
        f"Round robin ({', '.join(modes)}), {args.runs} runs; medians, min–max over the runs.",
        "",
        f"- volsite {label} (Python {sys.version.split()[0]}, Pillow {PIL.__version__} here)",
        f"- {hugo.stdout.strip()}",
    ]
    print("\n".join(header), flush=True)
    at_start = git_version(REPO)
    rows = measure_all(modes, args.runs, volsite_site, hugo_site, (prefix, env), work, args.timeout)
    if not args.rev and git_version(REPO) != at_start:
        header.append(f"- **volsite changed during the run**: {at_start} at the start, {git_version(REPO)} at the end")
    breakdown = None if args.no_breakdown else warm_breakdown(volsite_site, (prefix, env), work)
    text = report(summarise(rows), header, breakdown, modes)
    if not args.no_profile:
        photo = photos / photo_name(0)
        text += "\n" + "\n".join(profile_report(profile(photo, (prefix, env)), photo))
    print("\n" + text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
