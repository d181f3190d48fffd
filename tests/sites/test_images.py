"""Photos as phones take them (SPEC section 9, issue 17): re-encoded without any metadata at the
site's widths, every <img> with its size, bad images named with their file, kept by the store."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from conftest import tree_digest

GPS_LATITUDE = (31.0, 14.0, 5.5)


def phone_photo(width: int = 1800, height: int = 1350, orientation: int = 1, form: str = "JPEG") -> bytes:
    """A photo as a phone saves it: maker, model, orientation and the GPS position in EXIF,
    an XMP packet and a comment."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 60):
        draw.rectangle((i, (i * 7) % height, i + 40, (i * 7) % height + 80), fill=(i % 255, 90, 200 - i % 200))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Apple", "iPhone 13", orientation
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "E", 4: (121.0, 28.0, 12.3)}
    out = io.BytesIO()
    extra = {"comment": b"at home, 3rd floor"} if form == "JPEG" else {}
    image.save(out, form, exif=exif.tobytes(), xmp=b"<x:xmpmeta>where: home</x:xmpmeta>", **extra)
    return out.getvalue()


def screenshot_png() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGBA", (900, 600), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle((100, 100, 800, 500), fill=(20, 120, 200, 255))
    info = PngInfo()
    info.add_text("Author", "王芳 13912345678")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


STORY = """---
title: 义诊现场
date: 2024-03-05
cover: media/photos/cover.jpg
---
清晨六点出发。

![队员在量血压](media/photos/body.jpg "现场")

![示意图](media/photos/screen.png)
"""


@pytest.fixture
def photo_site(site):
    site(
        {
            "content/stories/2024-03-05-clinic.md": STORY,
            "content/media/photos/cover.jpg": phone_photo(),
            "content/media/photos/body.jpg": phone_photo(1200, 1600, orientation=6),
            "content/media/photos/screen.png": screenshot_png(),
            "content/media/rules.pdf": b"%PDF-1.4 rules\n",
        }
    )
    return site


def _published_images(out):
    return [p for p in out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif")]


def test_no_published_image_carries_metadata_or_is_wider_than_the_widest_setting(photo_site):
    result = photo_site.build()
    assert result.exit_code == 0, result.output
    images = [p for p in _published_images(result.built) if p.parts[-2] == "photos"]
    assert len(images) >= 10
    for path in images:
        data = path.read_bytes()
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp", "Author"} & set(image.info), (
                path,
                image.info.keys(),
            )
            assert image.width <= 1440, path
        for leak in (b"Exif", b"GPS", b"iPhone", b"xmpmeta", b"3rd floor", "王芳".encode()):
            assert leak not in data, (path, leak)
    originals = {name: (photo_site.root / "content/media/photos" / name).read_bytes() for name in ("cover.jpg",)}
    assert (result.built / "media/photos/cover.jpg").read_bytes() != originals["cover.jpg"]


def test_the_original_path_is_the_cleaned_photo_and_other_widths_sit_beside_it(photo_site):
    out = photo_site.build().built
    with Image.open(out / "media/photos/cover.jpg") as image:
        assert image.size == (1440, 1080) and image.format == "JPEG"
    for width in (360, 720, 1080):
        with Image.open(out / f"media/photos/cover.{width}w.webp") as image:
            assert image.format == "WEBP" and image.width == width
    with Image.open(out / "media/photos/body.jpg") as image:
        # stored 1200 × 1600 with orientation 6: turned upright it is 1600 × 1200, then made 1440 wide
        assert image.size == (1440, 1080)
    with Image.open(out / "media/photos/screen.png") as image:
        assert image.format == "PNG" and image.mode == "RGBA"  # a screenshot stays lossless, its transparency kept
    assert (out / "media/rules.pdf").read_bytes() == b"%PDF-1.4 rules\n"  # not an image: as it is


def test_every_img_has_width_and_height_and_photos_have_every_size(photo_site):
    out = photo_site.build().built
    page = (out / "stories/clinic/index.html").read_text(encoding="utf-8")
    assert page.count("<picture>") == 3  # the cover and both images of the text
    assert 'fetchpriority="high"' in page and 'loading="lazy"' in page
    assert 'alt="队员在量血压" title="现场"' in page
    for html in out.rglob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", html.read_text(encoding="utf-8")):
            assert re.search(r'\swidth="\d+"', tag) and re.search(r'\sheight="\d+"', tag), (html, tag)
    srcset = re.search(r'<source type="image/webp" srcset="([^"]+)"', page).group(1)
    assert "cover.360w.webp 360w" in srcset and "cover.1440w.webp 1440w" in srcset


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("bad.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        ("cut.jpg", None, "cut short"),
        ("huge.png", None, "pixels"),
    ],
)
def test_a_bad_image_is_a_problem_naming_it_and_output_is_untouched(photo_site, name, data, said):
    first = photo_site.build()
    before = tree_digest(first.built)
    if name == "cut.jpg":
        whole = phone_photo()
        data = whole[: len(whole) // 2]
    elif name == "huge.png":
        out = io.BytesIO()
        Image.new("1", (30000, 30000)).save(out, "PNG")
        data = out.getvalue()
    photo_site.write({f"content/media/{name}": data})
    result = photo_site.build()
    assert result.exit_code == 1, result.output
    assert re.search(rf"content/media/{re.escape(name)}: .*{re.escape(said)}", result.output), result.output
    assert tree_digest(first.built) == before


def test_all_bad_images_are_reported_at_once_with_the_page_that_uses_them(photo_site):
    photo_site.write(
        {
            "content/media/photos/cover.jpg": b"not a photo",
            "content/media/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        }
    )
    result = photo_site.build()
    assert result.exit_code == 1
    assert "content/media/photos/cover.jpg: is not an image volsite can read" in result.output
    assert "(used by story 'clinic')" in result.output
    assert "content/media/logo.svg: holds an event handler (onload)" in result.output


def test_a_drawing_that_only_draws_is_published_as_it_is(photo_site):
    drawing = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
    photo_site.write({"content/media/map.svg": drawing})
    out = photo_site.build().built
    assert (out / "media/map.svg").read_bytes() == drawing


def test_unchanged_photos_are_not_processed_again_and_an_edit_processes_only_it(photo_site, tmp_path, monkeypatch):
    import volsite.images.process

    # (without a search index the build is staged in this process, where the count is kept)
    photo_site.write({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    photo_site.build()
    made: list[int] = []
    process = volsite.images.process.process
    monkeypatch.setattr(
        volsite.images.process,
        "process",
        lambda data, *args, **kwargs: made.append(len(data)) or process(data, *args, **kwargs),
    )
    again = photo_site.build("-o", str(tmp_path / "again"))
    assert again.exit_code == 0 and made == []
    assert tree_digest(again.built) == tree_digest(photo_site.root / "output")
    import shutil

    shutil.rmtree(photo_site.root / ".volsite-cache" / "images")
    photo_site.build("-o", str(tmp_path / "cold"))
    assert len(made) == 3  # the counting sees what a cold build processes: the three photos
    made.clear()
    photo_site.write({"content/media/photos/body.jpg": phone_photo(1000, 800)})
    photo_site.build("-o", str(tmp_path / "edited"))
    assert len(made) == 1


def test_the_same_photos_build_to_the_same_bytes(photo_site, tmp_path):
    one = photo_site.build("-o", str(tmp_path / "one")).built
    import shutil

    shutil.rmtree(photo_site.root / ".volsite-cache")
    two = photo_site.build("-o", str(tmp_path / "two")).built
    assert tree_digest(one) == tree_digest(two)


def test_an_iphone_heic_photo_is_published_as_jpeg_and_webp(site):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.open(io.BytesIO(phone_photo(1600, 1200))).save(out, "HEIF")
    site(
        {
            "content/stories/2024-03-05-clinic.md": STORY.replace("cover.jpg", "iphone.heic"),
            "content/media/photos/iphone.heic": out.getvalue(),
            "content/media/photos/body.jpg": phone_photo(),
            "content/media/photos/screen.png": screenshot_png(),
        }
    )
    result = site.build()
    assert result.exit_code == 0, result.output
    assert not (result.built / "media/photos/iphone.heic").exists()
    with Image.open(result.built / "media/photos/iphone.jpg") as image:
        assert image.format == "JPEG" and not image.getexif()
    assert "media/photos/iphone.jpg" in (result.built / "stories/clinic/index.html").read_text(encoding="utf-8")


def test_an_animated_gif_stays_animated(site):
    frames = [Image.new("RGB", (200, 100), (i * 60, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0, comment=b"secret")
    site({"content/media/wave.gif": out.getvalue()})
    built = site.build().built
    with Image.open(built / "media/wave.gif") as image:
        assert getattr(image, "n_frames", 1) == 3 and "comment" not in image.info


def test_a_preview_shows_a_new_photo_at_once_and_makes_its_other_sizes_at_its_next_look(photo_site, tmp_path):
    """volsite serve never holds a reload back for image work it can do later: a new photo
    is published at its widest first; the next look makes every size, as a build does."""
    import shutil

    from volsite.builds import build, rebuild
    from volsite.speed.session import SessionStore

    root, store, live = photo_site.root, SessionStore(), tmp_path / "live"
    first = rebuild(root, live, store, search=False, images_later=True)
    assert first.images_later == 3
    assert (live / "media/photos/cover.jpg").is_file() and not (live / "media/photos/cover.720w.webp").exists()
    with Image.open(live / "media/photos/cover.jpg") as image:
        assert image.size == (1440, 1080) and not image.getexif()
    assert 'src="/volunteer/media/photos/cover.jpg"' in (live / "stories/clinic/index.html").read_text(encoding="utf-8")
    second = rebuild(root, live, store, search=False)
    assert second.images_later == 0 and (live / "media/photos/cover.720w.webp").is_file()
    build(root, tmp_path / "clean")
    shutil.rmtree(tmp_path / "clean/pagefind")
    assert tree_digest(live) == tree_digest(tmp_path / "clean")


def test_the_preview_server_makes_the_other_sizes_at_its_next_look_unasked(photo_site):
    from volsite.serve.server import Preview

    preview = Preview(photo_site.root, False, lambda message: None)
    try:
        assert preview.update() and preview.images_later  # shown at its widest
        assert not (preview.output / "media/photos/cover.720w.webp").exists()
        assert preview.update() and not preview.images_later  # nothing saved: the sizes are made
        assert (preview.output / "media/photos/cover.720w.webp").is_file()
        assert not preview.update()  # and then there is nothing to do
    finally:
        preview.close()


def test_photos_found_by_forked_workers_stay_in_the_store(photo_site, tmp_path, monkeypatch):
    """Each process of a build looks photos up in the store; the store must keep every one the
    build used, not only those the main process looked up (half of a warm build's photos were
    forgotten, and made again by the next)."""
    from conftest import shared_out

    shared_out(monkeypatch)  # every photo's work shared out between two processes
    photo_site.write({"content/media/photos/more.jpg": phone_photo(1600, 1200)})
    kept = photo_site.root / ".volsite-cache/images"
    assert photo_site.build().exit_code == 0
    first = sorted(p.name for p in kept.iterdir())
    assert len(first) == 4
    for run in ("warm", "warm again"):
        assert photo_site.build("-o", str(tmp_path / run)).exit_code == 0
        assert sorted(p.name for p in kept.iterdir()) == first, run


def test_a_photo_in_a_records_markdown_is_a_sized_picture_too(photo_site):
    photo_site.write(
        {
            "content/volunteers/people.yaml": (
                "- {id: zhang-wei, name: 张伟, teams: [hq]}\n"
                "- id: li-na\n  name: 李娜\n  teams: [clinic-a]\n  bio: '在义诊现场。![现场](media/photos/body.jpg)'\n"
            )
        }
    )
    page = (photo_site.build().built / "volunteers/li-na/index.html").read_text(encoding="utf-8")
    assert re.search(r'<picture><source type="image/webp" srcset="[^"]*body\.360w\.webp 360w', page)
    assert re.search(r'<img src="/volunteer/media/photos/body\.jpg" [^>]*width="1440" height="1080" alt="现场"', page)


def test_a_warm_build_does_not_read_photos_it_already_made(photo_site, tmp_path, monkeypatch):
    """The last build's record knows each photo's hash while the file is as it was: a build
    into another folder finds the processed files without reading 3 MB a photo again."""
    import volsite.images.stage
    import volsite.speed.record

    monkeypatch.setattr(volsite.speed.record, "RACY_NS", 0)  # trust files however fresh
    photo_site.write({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    photo_site.build()
    read: list[str] = []
    read_bytes = volsite.images.stage.read_bytes
    monkeypatch.setattr(
        volsite.images.stage, "read_bytes", lambda root, rel, *args: read.append(rel) or read_bytes(root, rel, *args)
    )
    warm = photo_site.build("-o", str(tmp_path / "warm"))
    assert warm.exit_code == 0 and read == []
    assert tree_digest(warm.built) == tree_digest(photo_site.root / "output")
    photo_site.write({"content/media/photos/body.jpg": phone_photo(1000, 800)})
    photo_site.build("-o", str(tmp_path / "edited"))
    assert read == ["content/media/photos/body.jpg"]  # only the photo that changed is read
