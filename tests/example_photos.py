#!/usr/bin/env python3
"""Make the example site's phone photos again: four scenes drawn with Pillow, saved as an
iPhone saves them (4032 × 3024, JPEG quality 88, EXIF with Make, Model, the time taken, the
orientation and a GPS position), so that the example exercises what volsite does to a real
phone photo: turned upright, resized, and published without any of that metadata.

    python3 tests/example_photos.py [--out content/media/stories] [--preview DIR]

The scenes are made from fixed seeds: the same Pillow and NumPy make the same files. One photo
(volunteer-day-desk.jpg) is a portrait stored on its side with Orientation 6, as iPhones store
every portrait shot. --preview also writes small upright copies to look at.
"""

from __future__ import annotations

import argparse
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "content" / "media" / "stories"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian's fonts-wqy-microhei
QUALITY = 88
MAX_BYTES = 2_500_000

RED = (200, 30, 36)  # the organisation's red vests and tents
RED_DARK = (150, 18, 24)
YELLOW = (255, 214, 90)
WHITE = (246, 246, 242)


# ---------------------------------------------------------------------------- drawing


def font(size: int) -> ImageFont.FreeTypeFont | None:
    return ImageFont.truetype(str(FONT), max(8, int(size))) if FONT.is_file() else None


def text_centered(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], text: str, fill) -> None:
    """`text` as large as fits in `box`, centred; without the CJK font, pale strokes where it would be."""
    x0, y0, x1, y1 = box
    height = (y1 - y0) * 0.72
    face = font(height)
    if face is None:
        step = height * 1.1
        count = int((x1 - x0) * 0.8 // step)
        start = (x0 + x1) / 2 - count * step / 2
        for i in range(count):
            cx = start + i * step
            draw.rectangle((cx + step * 0.15, y0 + height * 0.2, cx + step * 0.85, y0 + height * 1.1), outline=fill)
        return
    while face.getlength(text) > (x1 - x0) * 0.92 and face.size > 8:
        face = font(face.size * 0.9)
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=face, fill=fill, anchor="mm")


def vertical_gradient(width: int, height: int, stops: list[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    """An H × W × 3 float array whose colour goes through `stops` (position 0..1, colour) top to bottom."""
    ys = np.linspace(0.0, 1.0, height)
    positions = [p for p, _ in stops]
    column = np.stack([np.interp(ys, positions, [c[i] for _, c in stops]) for i in range(3)], axis=1)
    return np.repeat(column[:, None, :], width, axis=1)


def smooth_noise(rng: np.random.Generator, width: int, height: int, cells: int) -> np.ndarray:
    """Noise varying over about `cells` blobs across the width, values roughly 0..1 (H × W)."""
    small = rng.random((max(2, cells * height // width), cells)).astype(np.float32)
    image = Image.fromarray((small * 255).astype(np.uint8)).resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.float32) / 255.0


def clouds(rng: np.random.Generator, sky: np.ndarray, horizon: int, amount: float) -> None:
    """Soft white clouds over the sky part of `sky` (in place)."""
    height, width = horizon, sky.shape[1]
    blobs = smooth_noise(rng, width, height, 9) * 0.6 + smooth_noise(rng, width, height, 23) * 0.4
    cover = np.clip((blobs - (1.0 - amount)) * 3.0, 0.0, 1.0)[..., None]
    cover *= np.linspace(1.0, 0.4, height)[:, None, None]
    sky[:horizon] = sky[:horizon] * (1 - cover) + np.array([250, 250, 252]) * cover


def shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in color)  # type: ignore[return-value]


SKIN = [(236, 196, 160), (222, 178, 140), (206, 160, 124), (240, 205, 175)]
HAIR = [(24, 20, 18), (38, 30, 26), (60, 52, 48), (150, 146, 140), (200, 198, 194)]
COATS = [(40, 48, 70), (70, 70, 76), (120, 86, 60), (30, 30, 34), (96, 110, 130), (140, 40, 52), (60, 90, 70)]
SHIRTS = [(230, 232, 236), (120, 150, 190), (90, 96, 110), (210, 200, 180)]
TROUSERS = [(30, 34, 48), (50, 50, 56), (70, 74, 90), (40, 36, 34)]


@dataclass
class Person:
    x: float  # centre, pixels
    foot: float  # y of the feet
    height: float  # pixels, head to foot
    vest: bool = False  # a red volunteer vest
    back: bool = False  # seen from behind
    seated: bool = False  # no legs: the body ends at the seat (behind a table, in a chair)
    coat: tuple[int, int, int] | None = None
    holding: tuple[int, int, int] | None = None  # something held in front (a certificate, a leaflet)


def draw_person(draw: ImageDraw.ImageDraw, rng: np.random.Generator, p: Person) -> None:
    h = p.height
    skin = SKIN[rng.integers(len(SKIN))]
    hair = HAIR[rng.integers(len(HAIR))]
    coat = p.coat or (SHIRTS if p.vest else COATS)[rng.integers(len(SHIRTS if p.vest else COATS))]
    trousers = TROUSERS[rng.integers(len(TROUSERS))]
    top = p.foot - h
    r = h * 0.066
    shoulder_y = top + 2.25 * r
    half = h * (0.125 + rng.random() * 0.02)
    hip_y = top + h * 0.5
    x = p.x
    if not p.seated:
        # legs and shoes
        gap = h * 0.012
        draw.rounded_rectangle((x - half * 0.8, hip_y - r, x - gap, p.foot - h * 0.02), radius=h * 0.02, fill=trousers)
        draw.rounded_rectangle((x + gap, hip_y - r, x + half * 0.8, p.foot - h * 0.02), radius=h * 0.02, fill=trousers)
        draw.ellipse((x - half * 0.9, p.foot - h * 0.04, x - gap, p.foot + h * 0.005), fill=(26, 24, 24))
        draw.ellipse((x + gap, p.foot - h * 0.04, x + half * 0.9, p.foot + h * 0.005), fill=(26, 24, 24))
    bottom = top + h * 0.7 if p.seated else hip_y + h * 0.04
    # arms, then the body over them
    arm = half * 0.34
    for side in (-1, 1):
        ax = x + side * (half + arm * 0.3)
        draw.rounded_rectangle(
            (ax - arm, shoulder_y + r * 0.2, ax + arm, shoulder_y + h * 0.33), radius=arm, fill=shade(coat, 0.85)
        )
        if not p.back:
            draw.ellipse(
                (ax - arm * 0.9, shoulder_y + h * 0.3, ax + arm * 0.9, shoulder_y + h * 0.3 + arm * 1.8), fill=skin
            )
    draw.rounded_rectangle((x - half, shoulder_y, x + half, bottom), radius=h * 0.05, fill=coat)
    if p.vest:
        neck = half * (0.0 if p.back else 0.32)
        vest = [
            (x - half * 1.02, shoulder_y + r * 0.1),
            (x - neck, shoulder_y + r * 0.1),
            (x, shoulder_y + (0 if p.back else h * 0.12)),
            (x + neck, shoulder_y + r * 0.1),
            (x + half * 1.02, shoulder_y + r * 0.1),
            (x + half * 1.02, min(bottom, hip_y + h * 0.02)),
            (x - half * 1.02, min(bottom, hip_y + h * 0.02)),
        ]
        draw.polygon(vest, fill=RED)
        draw.line(
            [(x - half * 0.5, shoulder_y + h * 0.2), (x + half * 0.5, shoulder_y + h * 0.2)],
            fill=YELLOW,
            width=max(1, int(h * 0.012)),
        )
        if not p.back:
            draw.rectangle((x - half * 0.8, shoulder_y + h * 0.06, x - half * 0.35, shoulder_y + h * 0.11), fill=YELLOW)
    if p.holding and not p.back:
        draw.rectangle((x - half * 0.75, shoulder_y + h * 0.14, x + half * 0.75, shoulder_y + h * 0.29), fill=p.holding)
        draw.rectangle((x - half * 0.55, shoulder_y + h * 0.18, x + half * 0.55, shoulder_y + h * 0.2), fill=YELLOW)
    # neck and head
    draw.rectangle((x - r * 0.45, top + 1.6 * r, x + r * 0.45, shoulder_y + r * 0.3), fill=shade(skin, 0.9))
    draw.ellipse((x - r * 0.92, top, x + r * 0.92, top + 2.1 * r), fill=hair if p.back else skin)
    if not p.back:
        draw.chord((x - r * 0.98, top - r * 0.08, x + r * 0.98, top + 1.5 * r), 180, 360, fill=hair)
        eye = max(1, r * 0.09)
        for side in (-1, 1):
            draw.ellipse(
                (x + side * r * 0.38 - eye, top + r * 1.05 - eye, x + side * r * 0.38 + eye, top + r * 1.05 + eye),
                fill=(40, 30, 28),
            )


def shadow(layer: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float, strength: int = 70) -> None:
    layer.ellipse((x - w / 2, y - h / 2, x + w / 2, y + h / 2), fill=(0, 0, 0, strength))


def tent(
    draw: ImageDraw.ImageDraw,
    shade_layer: ImageDraw.ImageDraw,
    x0: float,
    x1: float,
    ground: float,
    height: float,
    label: str,
    depth: float = 0.0,
) -> tuple[float, float]:
    """A red folding canopy with `label` on its valance, legs standing at `ground`; returns the
    y of the valance's bottom and the top of the table under it."""
    width = x1 - x0
    valance_bottom = ground - height * 0.68
    valance_top = valance_bottom - height * 0.12
    peak = valance_top - height * 0.2
    shadow(shade_layer, (x0 + x1) / 2, ground - height * 0.02, width * 1.05, height * 0.16 + depth, 60)
    leg = max(3, width * 0.012)
    for lx in (x0 + leg, x1 - leg):
        draw.rectangle((lx - leg / 2, valance_bottom, lx + leg / 2, ground), fill=(180, 182, 188))
    # the back legs, further away
    for lx in (x0 + width * 0.08, x1 - width * 0.08):
        draw.rectangle((lx - leg / 3, valance_bottom, lx + leg / 3, ground - height * 0.05), fill=(150, 152, 158))
    draw.polygon([(x0, valance_top), ((x0 + x1) / 2, peak), (x1, valance_top)], fill=RED)
    draw.polygon([((x0 + x1) / 2, peak), (x1, valance_top), ((x0 + x1) / 2, valance_top)], fill=shade(RED, 0.82))
    draw.rectangle((x0, valance_top, x1, valance_bottom), fill=RED)
    scallop = (valance_bottom - valance_top) * 0.35
    count = max(4, int(width / (scallop * 3)))
    for i in range(count):
        sx = x0 + i * width / count
        draw.chord((sx, valance_bottom - scallop, sx + width / count, valance_bottom + scallop), 0, 180, fill=RED)
    text_centered(draw, (x0, valance_top, x1, valance_bottom), label, WHITE)
    # the underside, in its own shade
    draw.polygon(
        [
            (x0 + leg, valance_bottom),
            (x1 - leg, valance_bottom),
            (x1 - width * 0.08, valance_bottom + height * 0.05),
            (x0 + width * 0.08, valance_bottom + height * 0.05),
        ],
        fill=RED_DARK,
    )
    return valance_bottom, ground - height * 0.3


def table(draw: ImageDraw.ImageDraw, rng: np.random.Generator, x0: float, x1: float, top: float, ground: float) -> None:
    draw.rectangle((x0, top, x1, ground - (ground - top) * 0.08), fill=WHITE)
    draw.rectangle((x0, top, x1, top + (ground - top) * 0.06), fill=(228, 228, 224))
    draw.line(
        [(x0, ground - (ground - top) * 0.08), (x1, ground - (ground - top) * 0.08)], fill=(200, 200, 196), width=3
    )
    span = x1 - x0
    for _ in range(3):
        bx = x0 + span * (0.1 + rng.random() * 0.7)
        bw = span * (0.06 + rng.random() * 0.08)
        bh = (ground - top) * (0.12 + rng.random() * 0.2)
        color = [(70, 110, 170), (235, 235, 235), (90, 160, 120), (220, 80, 60)][rng.integers(4)]
        draw.rectangle((bx, top - bh, bx + bw, top + 2), fill=color)


def tree(
    draw: ImageDraw.ImageDraw, rng: np.random.Generator, x: float, ground: float, height: float, bare: bool
) -> None:
    trunk = height * 0.05
    draw.rectangle((x - trunk / 2, ground - height * 0.55, x + trunk / 2, ground), fill=(84, 64, 50))
    if bare:
        for _ in range(14):
            angle = -math.pi / 2 + (rng.random() - 0.5) * 1.8
            length = height * (0.2 + rng.random() * 0.35)
            sy = ground - height * (0.4 + rng.random() * 0.25)
            draw.line(
                [(x, sy), (x + math.cos(angle) * length, sy + math.sin(angle) * length)],
                fill=(96, 78, 64),
                width=max(2, int(trunk * 0.25)),
            )
        return
    greens = [(62, 120, 58), (78, 140, 66), (52, 100, 50), (96, 156, 78)]
    for _ in range(26):
        cx = x + (rng.random() - 0.5) * height * 0.7
        cy = ground - height * (0.5 + rng.random() * 0.45)
        rr = height * (0.1 + rng.random() * 0.12)
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=greens[rng.integers(len(greens))])


def plaza(image: np.ndarray, horizon: int, near: tuple[int, int, int], far: tuple[int, int, int]) -> None:
    """Paving from the horizon down (in place)."""
    height = image.shape[0] - horizon
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    image[horizon:] = np.array(far) * (1 - t) + np.array(near) * t


def tiles(draw: ImageDraw.ImageDraw, width: int, height: int, horizon: int, vanish_x: float, color) -> None:
    for i in range(-30, 31):
        bottom_x = vanish_x + i * width * 0.08
        draw.line([(vanish_x + i * width * 0.004, horizon), (bottom_x, height)], fill=color, width=3)
    y, step = horizon + 4.0, 6.0
    while y < height:
        draw.line([(0, y), (width, y)], fill=color, width=max(1, int(step * 0.04)))
        y += step
        step *= 1.28


def building(
    draw: ImageDraw.ImageDraw, rng: np.random.Generator, box, wall, rows: int, cols: int, sign: str | None
) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=wall)
    cell_w, cell_h = (x1 - x0) / cols, (y1 - y0) / rows
    for r in range(rows):
        for c in range(cols):
            wx, wy = x0 + c * cell_w, y0 + r * cell_h
            glass = (110 + rng.integers(30), 140 + rng.integers(30), 170 + rng.integers(25))
            draw.rectangle((wx + cell_w * 0.18, wy + cell_h * 0.22, wx + cell_w * 0.82, wy + cell_h * 0.8), fill=glass)
            draw.line(
                [(wx + cell_w * 0.18, wy + cell_h * 0.8), (wx + cell_w * 0.82, wy + cell_h * 0.8)],
                fill=shade(wall, 0.8),
                width=4,
            )
    if sign:
        sh = cell_h * 0.9
        draw.rectangle((x0 + (x1 - x0) * 0.2, y0 - sh * 1.1, x1 - (x1 - x0) * 0.2, y0 - sh * 0.1), fill=(238, 238, 236))
        text_centered(draw, (x0 + (x1 - x0) * 0.2, y0 - sh * 1.1, x1 - (x1 - x0) * 0.2, y0 - sh * 0.1), sign, RED)


def finish(rng: np.random.Generator, image: Image.Image, grain: float = 3.0) -> Image.Image:
    """What a phone's camera adds: a little softness, light falling off at the corners, fine
    grain in the shadows and the colour."""
    image = image.filter(ImageFilter.GaussianBlur(1.3))
    pixels = np.asarray(image, dtype=np.float32)
    height, width = pixels.shape[:2]
    ys, xs = np.ogrid[-1.0 : 1.0 : height * 1j, -1.0 : 1.0 : width * 1j]
    vignette = 1.0 - 0.22 * np.clip(xs * xs * 0.7 + ys * ys * 0.9, 0.0, 1.6) ** 1.4
    pixels *= vignette[..., None].astype(np.float32)
    half = rng.normal(0.0, grain, (height // 2, width // 2, 1)).astype(np.float32)
    grain_image = Image.fromarray(np.clip(half[..., 0] * 8 + 128, 0, 255).astype(np.uint8)).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    pixels += (np.asarray(grain_image, dtype=np.float32)[..., None] - 128) / 8
    pixels += smooth_noise(rng, width, height, 5)[..., None] * 10 - 5  # light not quite even
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


# ---------------------------------------------------------------------------- scenes


def crowd(
    rng: np.random.Generator, count: int, xs: tuple[float, float], feet: tuple[float, float], scale, **kwargs
) -> list[Person]:
    people = []
    for _ in range(count):
        foot = feet[0] + rng.random() * (feet[1] - feet[0])
        people.append(
            Person(xs[0] + rng.random() * (xs[1] - xs[0]), foot, scale(foot) * (0.9 + rng.random() * 0.15), **kwargs)
        )
    return people


def service_day(seed: int, width: int = 4032, height: int = 3024) -> Image.Image:
    """12 月 5 日上午，门诊楼前的便民服务台：three red tents, a banner, volunteers and a queue."""
    rng = np.random.default_rng(seed)
    horizon = int(height * 0.47)
    pixels = vertical_gradient(width, height, [(0.0, (96, 150, 214)), (0.47, (196, 218, 236)), (1.0, (196, 218, 236))])
    clouds(rng, pixels, horizon, 0.35)
    plaza(pixels, horizon, (150, 146, 140), (188, 184, 176))
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    tiles(draw, width, height, horizon, width * 0.55, (166, 162, 156))
    building(
        draw,
        rng,
        (width * 0.08, height * 0.14, width * 0.92, horizon + 6),
        (226, 220, 208),
        6,
        18,
        "澜州市人民医院 门诊楼",
    )
    draw.rectangle((width * 0.42, horizon - height * 0.11, width * 0.58, horizon + 6), fill=(70, 90, 110))
    for i in range(4):
        tree(draw, rng, width * (0.03 + i * 0.31), horizon + height * 0.03, height * 0.38, bare=True)
    overlay = Image.new("RGBA", image.size)
    shades = ImageDraw.Draw(overlay)

    def scale(foot: float) -> float:
        return (foot - horizon) * 1.55

    people = crowd(rng, 10, (0, width), (horizon + height * 0.06, horizon + height * 0.12), scale)
    tents = [(0.04, 0.34, "便民服务"), (0.36, 0.66, "红马甲志愿服务"), (0.68, 0.98, "健康咨询")]
    ground_y = horizon + height * 0.2
    tent_height = scale(ground_y) * 1.45
    tables = []
    for left, right, label in tents:
        _, table_top = tent(draw, shades, width * left, width * right, ground_y, tent_height, label)
        tables.append((width * (left + 0.03), width * (right - 0.03), table_top))
        for k in range(2):
            people.append(
                Person(width * (left + 0.09 + k * 0.13), ground_y - height * 0.015, scale(ground_y) * 0.95, vest=True)
            )
    # the long banner across the front of the middle tent
    draw.rectangle((width * 0.2, horizon + height * 0.005, width * 0.8, horizon + height * 0.045), fill=RED)
    text_centered(
        draw,
        (width * 0.2, horizon + height * 0.005, width * 0.8, horizon + height * 0.045),
        "12·5 国际志愿者日 便民服务进社区",
        YELLOW,
    )
    image.paste(Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"))
    draw = ImageDraw.Draw(image)
    for person in sorted(people, key=lambda p: p.foot):
        draw_person(draw, rng, person)
    for x0, x1, top in tables:
        table(draw, rng, x0, x1, top, ground_y + height * 0.01)
    front = crowd(
        rng,
        7,
        (width * 0.02, width * 0.98),
        (ground_y + height * 0.1, ground_y + height * 0.3),
        lambda f: scale(f) * 0.8,
    )
    for person in front:
        person.back = rng.random() < 0.5
    overlay = Image.new("RGBA", image.size)
    shades = ImageDraw.Draw(overlay)
    for person in front:
        shadow(shades, person.x + person.height * 0.08, person.foot, person.height * 0.35, person.height * 0.06)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    for person in sorted(front, key=lambda p: p.foot):
        draw_person(draw, rng, person)
    return finish(rng, image)


def service_desk(seed: int, width: int = 3024, height: int = 4032) -> Image.Image:
    """A portrait, close: a volunteer takes an old man's blood pressure at the service desk."""
    rng = np.random.default_rng(seed)
    horizon = int(height * 0.36)
    pixels = vertical_gradient(width, height, [(0.0, (110, 160, 218)), (0.36, (200, 220, 236)), (1.0, (200, 220, 236))])
    clouds(rng, pixels, horizon, 0.3)
    plaza(pixels, horizon, (140, 136, 130), (184, 180, 172))
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    tiles(draw, width, height, horizon, width * 0.4, (160, 156, 150))
    building(draw, rng, (-width * 0.1, height * 0.05, width * 1.1, horizon + 4), (226, 220, 208), 5, 9, None)
    overlay = Image.new("RGBA", image.size)
    shades = ImageDraw.Draw(overlay)
    ground_y = height * 0.86
    tent(draw, shades, -width * 0.06, width * 1.06, ground_y, height * 0.9, "红马甲志愿服务", depth=height * 0.05)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    behind = [
        Person(width * (0.15 + 0.22 * i), horizon + height * 0.16, height * 0.22, vest=i % 2 == 0) for i in range(4)
    ]
    for person in behind:
        draw_person(draw, rng, person)
    volunteer = Person(width * 0.3, height * 0.93, height * 0.62, vest=True, seated=True, coat=(236, 236, 240))
    old_man = Person(width * 0.8, height * 1.0, height * 0.62, seated=True, coat=(70, 70, 80))
    draw_person(draw, rng, volunteer)
    draw_person(draw, rng, old_man)
    table(draw, rng, width * 0.05, width * 0.95, height * 0.71, height * 1.02)
    # the blood pressure monitor and its cuff
    draw.rounded_rectangle(
        (width * 0.42, height * 0.64, width * 0.6, height * 0.712), radius=width * 0.01, fill=(238, 240, 244)
    )
    draw.rectangle((width * 0.45, height * 0.652, width * 0.57, height * 0.685), fill=(120, 150, 140))
    draw.line([(width * 0.6, height * 0.69), (width * 0.72, height * 0.7)], fill=(60, 60, 70), width=12)
    draw.rectangle((width * 0.36, height * 0.69, width * 0.4, height * 0.71), fill=RED)
    draw.rounded_rectangle(
        (width * 0.66, height * 0.66, width * 0.8, height * 0.71), radius=width * 0.02, fill=(40, 60, 100)
    )
    return finish(rng, image)


def awards_hall(seed: int, width: int = 4032, height: int = 3024) -> Image.Image:
    """下午的年度总结表彰会: the stage's red backdrop, the honoured holding certificates, the hall."""
    rng = np.random.default_rng(seed)
    pixels = vertical_gradient(
        width, height, [(0.0, (58, 46, 40)), (0.55, (104, 84, 70)), (0.62, (120, 96, 76)), (1.0, (70, 56, 48))]
    )
    ys, xs = np.ogrid[0:height, 0:width]
    for cx in (0.3, 0.7):
        spot = np.exp(-(((xs - width * cx) / (width * 0.22)) ** 2 + ((ys - height * 0.4) / (height * 0.35)) ** 2))
        pixels += spot[..., None] * np.array([70, 60, 40])
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    backdrop = (width * 0.1, height * 0.08, width * 0.9, height * 0.5)
    draw.rectangle(backdrop, fill=RED)
    draw.rectangle((backdrop[0], backdrop[3] - height * 0.015, backdrop[2], backdrop[3]), fill=RED_DARK)
    text_centered(
        draw, (width * 0.15, height * 0.12, width * 0.85, height * 0.22), "澜州市人民医院红马甲志愿服务总队", YELLOW
    )
    text_centered(draw, (width * 0.15, height * 0.23, width * 0.85, height * 0.36), "2025 年度总结表彰会", YELLOW)
    stage = height * 0.62
    draw.rectangle((0, stage, width, stage + height * 0.04), fill=(90, 60, 44))
    draw.rectangle((0, stage + height * 0.04, width, stage + height * 0.05), fill=(50, 34, 26))
    on_stage = [
        Person(width * (0.2 + i * 0.12), stage + height * 0.01, height * 0.3, vest=i % 2 == 1, holding=RED_DARK)
        for i in range(6)
    ]
    for person in on_stage:
        draw_person(draw, rng, person)
    # a bouquet of flowers by the lectern
    draw.rectangle((width * 0.86, stage - height * 0.2, width * 0.95, stage), fill=(120, 70, 44))
    for _ in range(40):
        fx, fy = width * (0.86 + rng.random() * 0.09), stage - height * (0.2 + rng.random() * 0.06)
        fr = width * 0.008
        draw.ellipse(
            (fx - fr, fy - fr, fx + fr, fy + fr), fill=[(230, 60, 80), (250, 220, 80), (250, 250, 240)][rng.integers(3)]
        )
    # the audience, from behind, row by row
    for row in range(4):
        size = height * (0.34 + row * 0.08)
        top = height * (0.56 + row * 0.08)
        count = 9 - row
        for i in range(count):
            x = width * (i + 0.5 + (rng.random() - 0.5) * 0.4) / count
            draw_person(draw, rng, Person(x, top + size, size, back=True, seated=True, vest=rng.random() < 0.3))
    return finish(rng, image, grain=3.6)


def community_talk(seed: int, width: int = 4032, height: int = 3024) -> Image.Image:
    """全民营养周, 翠苑社区的小广场: a red tent, a roll-up banner, residents on folding chairs."""
    rng = np.random.default_rng(seed)
    horizon = int(height * 0.5)
    pixels = vertical_gradient(width, height, [(0.0, (70, 140, 222)), (0.5, (186, 214, 238)), (1.0, (186, 214, 238))])
    clouds(rng, pixels, horizon, 0.45)
    plaza(pixels, horizon, (160, 150, 138), (196, 188, 176))
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    tiles(draw, width, height, horizon, width * 0.35, (176, 168, 156))
    for i, wall in enumerate([(236, 222, 200), (220, 210, 196), (238, 228, 214)]):
        x0 = width * (-0.05 + i * 0.38)
        building(draw, rng, (x0, height * (0.08 + 0.05 * i), x0 + width * 0.3, horizon), wall, 9, 6, None)
    for i in range(7):
        tree(
            draw,
            rng,
            width * (0.02 + i * 0.16),
            horizon + height * 0.02,
            height * (0.3 + rng.random() * 0.08),
            bare=False,
        )
    overlay = Image.new("RGBA", image.size)
    shades = ImageDraw.Draw(overlay)

    def scale(foot: float) -> float:
        return (foot - horizon) * 1.6

    ground_y = horizon + height * 0.16
    tent(draw, shades, width * 0.3, width * 0.72, ground_y, scale(ground_y) * 1.5, "健康科普进社区")
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    # the roll-up banner beside the tent
    bx0, bx1 = width * 0.76, width * 0.86
    draw.rectangle((bx0, ground_y - scale(ground_y) * 1.25, bx1, ground_y), fill=(250, 250, 246))
    draw.rectangle((bx0, ground_y - scale(ground_y) * 1.25, bx1, ground_y - scale(ground_y) * 1.0), fill=RED)
    room = scale(ground_y) * 0.95
    face = font(min((bx1 - bx0) * 0.6, room / 4 / 1.2))
    if face is not None:
        for k, char in enumerate("减盐减油"):
            y = ground_y - scale(ground_y) * 0.98 + room * (k + 0.5) / 4
            draw.text(((bx0 + bx1) / 2, y), char, font=face, fill=RED, anchor="mm")
    draw.rectangle(
        (bx0 - width * 0.005, ground_y - height * 0.01, bx1 + width * 0.005, ground_y + height * 0.005),
        fill=(90, 90, 96),
    )
    table(draw, rng, width * 0.36, width * 0.66, ground_y - scale(ground_y) * 0.3, ground_y + height * 0.005)
    speaker = Person(
        width * 0.24,
        ground_y + height * 0.02,
        scale(ground_y + height * 0.02),
        coat=(248, 248, 250),
        holding=(240, 240, 240),
    )
    helper = Person(width * 0.68, ground_y + height * 0.01, scale(ground_y + height * 0.01), vest=True)
    for person in (speaker, helper):
        draw_person(draw, rng, person)
    # the audience on folding chairs, from behind
    rows = [(0.73, 6), (0.84, 5), (0.97, 4)]
    for fraction, count in rows:
        foot = height * fraction
        size = scale(foot) * 0.62
        for i in range(count):
            x = width * (i + 0.5 + (rng.random() - 0.5) * 0.25) / count
            top = foot - size
            draw_person(draw, rng, Person(x, foot, size, back=True, seated=True))
            chair = (40, 110, 190)
            draw.rounded_rectangle(
                (x - size * 0.17, top + size * 0.48, x + size * 0.17, top + size * 0.62), radius=size * 0.02, fill=chair
            )
            for side in (-1, 1):
                draw.rectangle(
                    (
                        x + side * size * 0.15 - size * 0.015,
                        top + size * 0.62,
                        x + side * size * 0.15 + size * 0.015,
                        top + size * 0.95,
                    ),
                    fill=shade(chair, 0.8),
                )
    return finish(rng, image)


# ---------------------------------------------------------------------------- EXIF


@dataclass(frozen=True)
class Shot:
    name: str
    draw: object  # (seed) -> upright image
    seed: int
    taken: str  # "YYYY:MM:DD HH:MM:SS", local time (+08:00)
    where: tuple[float, float, float]  # latitude, longitude (degrees), altitude (m)
    model: str
    orientation: int = 1  # 6: stored on its side, to be turned 90° clockwise (a portrait)


SHOTS = (
    Shot(
        "volunteer-day-service.jpg", service_day, 1205, "2025:12:05 09:41:27", (29.86412, 121.54871, 12.4), "iPhone 13"
    ),
    Shot(
        "volunteer-day-desk.jpg", service_desk, 1206, "2025:12:05 10:07:53", (29.86405, 121.54893, 11.9), "iPhone 13", 6
    ),
    Shot(
        "volunteer-day-awards.jpg",
        awards_hall,
        1207,
        "2025:12:05 15:22:10",
        (29.86467, 121.54802, 19.0),
        "iPhone 15 Pro",
    ),
    Shot(
        "community-nutrition-talk.jpg",
        community_talk,
        519,
        "2025:05:19 09:12:44",
        (29.87731, 121.56304, 8.6),
        "iPhone 12",
    ),
)

LENSES = {
    "iPhone 12": ("iPhone 12 back dual wide camera 4.2mm f/1.6", 4.2, 26),
    "iPhone 13": ("iPhone 13 back dual wide camera 5.1mm f/1.6", 5.1, 26),
    "iPhone 15 Pro": ("iPhone 15 Pro back triple camera 6.765mm f/1.78", 6.765, 24),
}


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def phone_exif(shot: Shot, width: int, height: int) -> Image.Exif:
    """EXIF as an iPhone writes it: the camera, the time, the orientation and where it was."""
    lens, focal, focal35 = LENSES[shot.model]
    exif = Image.Exif()
    exif[Base.Make] = "Apple"
    exif[Base.Model] = shot.model
    exif[Base.Orientation] = shot.orientation
    exif[Base.XResolution] = IFDRational(72, 1)
    exif[Base.YResolution] = IFDRational(72, 1)
    exif[Base.ResolutionUnit] = 2
    exif[Base.Software] = "17.1.2"
    exif[Base.DateTime] = shot.taken
    exif[Base.HostComputer] = shot.model
    camera = exif.get_ifd(IFD.Exif)
    camera[Base.ExposureTime] = IFDRational(1, 60 if "15:" in shot.taken else 320)
    camera[Base.FNumber] = IFDRational(16, 10)
    camera[Base.ExposureProgram] = 2
    camera[Base.ISOSpeedRatings] = 320 if "15:" in shot.taken else 50
    camera[Base.ExifVersion] = b"0232"
    camera[Base.DateTimeOriginal] = shot.taken
    camera[Base.DateTimeDigitized] = shot.taken
    camera[Base.OffsetTime] = "+08:00"
    camera[Base.OffsetTimeOriginal] = "+08:00"
    camera[Base.OffsetTimeDigitized] = "+08:00"
    camera[Base.SubsecTimeOriginal] = "412"
    camera[Base.Flash] = 16
    camera[Base.FocalLength] = IFDRational(round(focal * 1000), 1000)
    camera[Base.ColorSpace] = 65535
    camera[Base.ExifImageWidth] = width
    camera[Base.ExifImageHeight] = height
    camera[Base.FocalLengthIn35mmFilm] = focal35
    camera[Base.LensMake] = "Apple"
    camera[Base.LensModel] = lens
    latitude, longitude, altitude = shot.where
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = dms(latitude)
    gps[GPS.GPSLongitudeRef] = "E"
    gps[GPS.GPSLongitude] = dms(longitude)
    gps[GPS.GPSAltitudeRef] = b"\x00"
    gps[GPS.GPSAltitude] = IFDRational(round(altitude * 1000), 1000)
    hour, minute, second = (int(part) for part in shot.taken[11:].split(":"))
    gps[GPS.GPSTimeStamp] = (IFDRational((hour - 8) % 24, 1), IFDRational(minute, 1), IFDRational(second, 1))
    gps[GPS.GPSDateStamp] = shot.taken[:10]
    gps[GPS.GPSSpeedRef] = "K"
    gps[GPS.GPSSpeed] = IFDRational(0, 1)
    gps[GPS.GPSImgDirectionRef] = "T"
    gps[GPS.GPSImgDirection] = IFDRational(18734, 100)
    gps[GPS.GPSHPositioningError] = IFDRational(4711, 1000)
    return exif


def photo_bytes(shot: Shot) -> bytes:
    upright: Image.Image = shot.draw(shot.seed)  # type: ignore[operator]
    stored = upright.transpose(Image.Transpose.ROTATE_90) if shot.orientation == 6 else upright
    out = io.BytesIO()
    exif = phone_exif(shot, stored.width, stored.height)
    stored.save(out, "JPEG", quality=QUALITY, exif=exif, subsampling="4:2:0")
    data = out.getvalue()
    assert len(data) <= MAX_BYTES, f"{shot.name} is {len(data)} bytes, more than {MAX_BYTES}"
    with Image.open(io.BytesIO(data)) as check:
        assert ImageOps.exif_transpose(check).size == upright.size  # (turned upright, it is as drawn)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the photos go (default content/media/stories)")
    parser.add_argument("--preview", type=Path, help="also write 1008-px upright PNG copies here, to look at")
    parser.add_argument("--only", nargs="*", help="only these file names")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        if args.only and shot.name not in args.only:
            continue
        data = photo_bytes(shot)
        (args.out / shot.name).write_bytes(data)
        print(f"{args.out / shot.name}  {len(data) / 1e6:.2f} MB")
        if args.preview:
            args.preview.mkdir(parents=True, exist_ok=True)
            with Image.open(io.BytesIO(data)) as opened:
                small = ImageOps.exif_transpose(opened)
                small.thumbnail((1008, 1008))
                small.save((args.preview / shot.name).with_suffix(".png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
