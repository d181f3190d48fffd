"""Photos as phones take them, made fit to publish: read (JPEG, PNG, GIF, WebP, HEIC/HEIF),
turned upright, converted to sRGB, every metadata block dropped (EXIF with the GPS position,
XMP, IPTC, maker notes, comments, thumbnails, PNG text), resized to the site's widths and
encoded again. Pure: bytes in, bytes out; what goes wrong is an ImageError saying what to do.
"""

from __future__ import annotations

import io
import warnings

import PIL
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

from ..messages import say
from ..problems import NOTHING
from .heif import register_heif
from .made import MAX_BYTES, MAX_PIXELS, MODERN, ImageError, Processed, Variant, too_large

# What makes the files: another version must not find files made the old way.
PROCESS_VERSION = f"1 {PIL.__version__}"


def process(
    data: bytes,
    widths: tuple[int, ...],
    square: bool = False,
    lossless: bool = False,
    quality: int = 80,
    modern: bool = True,
) -> Processed:
    """`data` re-encoded at each of `widths` no wider than it (the image's own width when it is
    narrower than all of them), as WebP and as JPEG, or as PNG where it has transparency or is
    `lossless` (a screenshot or a drawing saved as PNG); an animated GIF stays one GIF. With
    `square`, cropped to a centred square first (portraits). Without `modern`, no WebP."""
    image = _open(data, max(widths))
    if getattr(image, "is_animated", False) and image.format == "GIF":
        return _animated_gif(image, max(widths))
    image = _upright_srgb(image)
    if square:
        side = min(image.size)
        image = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    fallback = "png" if alpha or lossless else "jpeg"
    sizes = sorted({min(width, image.width) for width in widths})
    variants: list[Variant] = []
    for width in sizes:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        if modern:
            variants.append(Variant(width, height, MODERN, _encode(resized, MODERN, quality)))
        variants.append(Variant(width, height, fallback, _encode(resized, fallback, quality)))
    largest = variants[-1]
    return Processed(largest.width, largest.height, tuple(variants))


def _open(data: bytes, largest: int) -> Image.Image:
    """Decoded, no larger than needed where the format can (a JPEG at a half, a quarter or
    an eighth of its size, when the largest width wanted is that small)."""
    if len(data) > MAX_BYTES:
        raise ImageError(too_large(len(data)))
    register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            pixels = image.width * image.height
            if pixels > MAX_PIXELS:
                raise ImageError(
                    say(
                        "V402",
                        "is {width} × {height} pixels, more than the {limit} million volsite reads{used_by}: export "
                        "it again at a smaller size",
                        width=image.width,
                        height=image.height,
                        limit=MAX_PIXELS // 1_000_000,
                        used_by=NOTHING,
                    )
                )
            if image.format == "JPEG":
                turned = image.getexif().get(0x0112) in (5, 6, 7, 8)  # stored on its side
                wide, high = (image.height, image.width) if turned else image.size
                wanted = (largest, max(1, largest * high // wide))
                image.draft("RGB", (wanted[1], wanted[0]) if turned else wanted)
            image.load()
            return image
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            say(
                "V403",
                "has more pixels than the {limit} million volsite reads{used_by}: export it again at a smaller size",
                limit=MAX_PIXELS // 1_000_000,
                used_by=NOTHING,
            )
        ) from None
    except UnidentifiedImageError:
        raise ImageError(
            say(
                "V404",
                "is not an image volsite can read (JPEG, PNG, GIF, WebP or HEIC){used_by}: save it again as "
                "JPEG or PNG",
                used_by=NOTHING,
            )
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's words for a file cut short or damaged
        raise ImageError(
            say(
                "V405",
                "cannot be read ({error}){used_by}: the file is damaged or cut short; copy it again",
                error=exc,
                used_by=NOTHING,
            )
        ) from None


def _upright_srgb(image: Image.Image) -> Image.Image:
    """Turned as the camera says (EXIF orientation), its colours in sRGB, nothing else kept."""
    upright = ImageOps.exif_transpose(image)
    if upright is None:  # (only with in_place)
        upright = image
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") else "RGB"
            converted = ImageCms.profileToProfile(
                upright.convert(mode), source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
            if converted is not None:
                upright = converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a profile that does not read: the pixels as they are
    if upright.mode not in ("RGB", "RGBA", "LA", "L", "P"):
        upright = upright.convert("RGB")
    upright.info = {key: value for key, value in upright.info.items() if key == "transparency"}
    return upright


def _encode(image: Image.Image, form: str, quality: int) -> bytes:
    out = io.BytesIO()
    if form == "webp":
        image.save(out, "WEBP", quality=quality, method=4)
    elif form == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _animated_gif(image: Image.Image, largest: int) -> Processed:
    """An animated GIF stays one animated GIF, no wider than the largest width, without its
    comments and extensions."""
    width = min(largest, image.width)
    height = max(1, round(image.height * width / image.width))
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        resized = frame.convert("RGBA").resize((width, height), Image.Resampling.LANCZOS)
        resized.info = {}  # (a copy of the GIF's: its comment, extensions)
        frames.append(resized)
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0, disposal=2)
    return Processed(width, height, (Variant(width, height, "gif", out.getvalue()),))
