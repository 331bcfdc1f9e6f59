"""Colours and logos of the ENT's pages: parsing `#rrggbb`, the WCAG 2.1 contrast ratio,
and what a logo may be. One place for the County's identity (ent.theme.identity) and a
school's logo and accent colour (ent.policy.content.school).

A main or accent colour is the background of white text (navigation, buttons, a school's
header band), so it must reach the ratio WCAG 2.1 AA asks of normal text against white
(1.4.3, 4.5:1).
"""

import io
import math
import re


HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
#: WCAG 2.1 AA, success criterion 1.4.3: normal text against its background.
MIN_TEXT_CONTRAST = 4.5


def parse_hex(color: str) -> tuple[int, int, int]:
    """The red, green and blue of `#rrggbb` (0–255); ValueError for anything else."""
    if not isinstance(color, str) or not HEX_COLOR.fullmatch(color):
        raise ValueError(f"{color!r} is not a colour like #1a5e8c")
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _linear(channel: int) -> float:
    """An sRGB channel (0–255) in linear light, as WCAG 2.1 defines it."""
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """WCAG 2.1's relative luminance of `#rrggbb`: 0 for black, 1 for white."""
    red, green, blue = (_linear(channel) for channel in parse_hex(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str = WHITE) -> float:
    """The contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """A ratio as French pages write it ("4,48:1"), rounded down: a colour just under the
    limit never shows as reaching it (4.4996 is "4,49:1", not "4,50:1")."""
    shown = math.floor(ratio * 100) / 100
    text = f"{shown:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}:1"


#: The raster formats every browser shows, by Pillow's name; SVG is refused (it may carry
#: scripts, and the ENT does not sanitise it).
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
#: Their names as a message lists them.
IMAGE_FORMATS = "PNG, JPEG, GIF, WebP"


def image_type(data: bytes) -> str | None:
    """The content type of an image's bytes as Pillow reads them (never a file's name), or
    None when they are not one of IMAGE_TYPES (SVG, text, a truncated or corrupt image)."""
    from PIL import Image
    from PIL import UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_TYPES.get(kind)


def is_svg(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head
