"""Project images: only real JPEG, PNG or WebP pictures, re-encoded before they are stored.

A file is refused (with a message saying why) when it is too large, is not one of those formats, carries
data after the image's end or markers of another format (a "polyglot" that is also HTML, a script, a
PDF or a ZIP), or has absurd dimensions. What is kept is a fresh encoding of the pixels only (no
metadata, no trailing bytes) under a random name, so the upload's own bytes are never served.
"""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from fellowship.core.storage import content_version, storage

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
FOREIGN_MARKERS = (b"<script", b"<html", b"<svg", b"<?php", b"<!doctype", b"%pdf-", b"pk\x03\x04", b"<iframe")
MAX_SIDE = 8000
STORED_SIDE = 1600


class ImageRejected(ValueError):
    """The upload is not an image we keep; the message says why."""


def _ends_cleanly(data: bytes, kind: str) -> bool:
    body = data.rstrip(b"\x00")
    if kind == "PNG":
        return body.endswith(b"IEND\xaeB`\x82")
    if kind == "JPEG":
        return body.endswith(b"\xff\xd9")
    return True  # WebP is a RIFF container whose declared size is checked below


def check(data: bytes, max_bytes: int) -> str:
    """The image's format name, or ImageRejected."""
    if not data:
        raise ImageRejected(_l("The file is empty."))
    if len(data) > max_bytes:
        raise ImageRejected(
            _l("The image is larger than %(size)d MB.", size=max(1, max_bytes // (1024 * 1024)))
        )
    lowered = data.lower()
    if any(marker in lowered for marker in FOREIGN_MARKERS):
        raise ImageRejected(_l("The file also contains something other than an image; it is refused."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(_l("The file is not a JPEG, PNG or WebP image.")) from error
    if kind not in FORMATS:
        raise ImageRejected(_l("The file is not a JPEG, PNG or WebP image."))
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ImageRejected(_l("The image is too large in pixels."))
    if kind == "WEBP" and len(data) != 8 + int.from_bytes(data[4:8], "little"):
        raise ImageRejected(_l("The file also contains something other than an image; it is refused."))
    if not _ends_cleanly(data, kind):
        raise ImageRejected(_l("The file also contains something other than an image; it is refused."))
    return kind


AREA = "awards"
"""The store's area of contest projects' images."""


def store(data: bytes, max_bytes: int) -> str:
    """Check, re-encode (at most 1600 px on the longer side) and put in the store; returns the stored name."""
    kind = check(data, max_bytes)
    with Image.open(io.BytesIO(data)) as original:
        picture = ImageOps.exif_transpose(original)
        picture.thumbnail((STORED_SIDE, STORED_SIDE))
        keep_alpha = kind == "PNG" and picture.mode in {"RGBA", "LA", "P"}
        picture = picture.convert("RGBA" if keep_alpha else "RGB")
        buffer = io.BytesIO()
        if keep_alpha:
            picture.save(buffer, "PNG", optimize=True)
            suffix = ".png"
        else:
            picture.save(buffer, "JPEG", quality=85, optimize=True)
            suffix = ".jpg"
    return storage().put(AREA, buffer.getvalue(), suffix)


def version(stored_name: str) -> str:
    """What an image's address carries as ``v``: the start of its content's SHA-256, which the stored name
    begins with (core/storage.py), so the address changes exactly when the picture does."""
    return content_version(stored_name)
