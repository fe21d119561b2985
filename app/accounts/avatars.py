"""Profile pictures: uploads resized on our server, or initials drawn as SVG."""

from __future__ import annotations

import hashlib
import warnings
from io import BytesIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.accounts.models import User

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # refuses decompression bombs before decoding
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Pillow only warns about images between its warning and error limits; make that a refusal
# too (our own limit below catches them anyway if someone filters the warning out again).
warnings.simplefilter("error", Image.DecompressionBombWarning)
PALETTE = ["#7a3e48", "#2f5d62", "#5c4b8a", "#8a5a1f", "#35607f", "#4f6b2c", "#8c3f6e"]


class AvatarError(ValueError):
    """The upload is not a picture we can use."""


def square_png(data: bytes, size: int) -> bytes:
    """Crop an uploaded picture to a square, resize it, and re-encode it as PNG."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise AvatarError(_l("The picture is larger than 2 MB."))
    try:
        with Image.open(BytesIO(data)) as image:
            check_source(image)
            image.draft("RGB", (size, size))  # JPEG decodes at a fraction of its size
            square = ImageOps.fit(
                ImageOps.exif_transpose(image).convert("RGB"),
                (size, size),
                Image.Resampling.LANCZOS,
            )
    except AvatarError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise AvatarError(_l("The picture has too many pixels.")) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        # Pillow's plugins signal broken files with any of these
        raise AvatarError(_l("This file is not a picture we can read.")) from error
    out = BytesIO()
    square.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_source(image: Image.Image) -> None:
    """Refuse other formats and huge pictures before any pixel is decoded."""
    if image.format not in ACCEPTED_FORMATS:
        raise AvatarError(_l("Please upload a JPEG, PNG, GIF or WebP picture."))
    if image.width * image.height > MAX_SOURCE_PIXELS:
        raise AvatarError(_l("The picture has too many pixels."))


def initials_svg(user: User) -> str:
    """A coloured circle with the user's initials; no third-party service involved."""
    digest = hashlib.sha256(user.handle.encode()).digest()
    colour = PALETTE[digest[0] % len(PALETTE)]
    initials = "".join(ch for ch in user.initials if ch.isalnum())[:2] or "?"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<circle cx="32" cy="32" r="32" fill="{colour}"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" '
        f'text-anchor="middle">{initials}</text></svg>'
    )
