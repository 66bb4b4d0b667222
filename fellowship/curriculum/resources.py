"""Resources: links and small files attached to a module or to a cohort's resource library.

A file's type is read from its first bytes (``filetype``), never from its name or the browser's word; only
PDFs, pictures and office documents are kept, under a size limit, in the store (``core.storage``) under a
random name, and are always sent back as attachments, never shown inline, with ``nosniff``. Functions flush,
never commit; a removed file leaves the store only after the removal is committed (the view does it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import clock
from fellowship.core.storage import storage
from fellowship.curriculum.models import Resource
from fellowship.extensions import db

AREA = "resources"
# What may be added, by the type read from the content: its suffix in the store and its media type.
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


class ResourceError(ValueError):
    """A file or link that cannot be added; the message says why."""


@dataclass(frozen=True)
class Place:
    """Where a resource belongs: a module (by slug) or a cohort."""

    module_slug: str | None = None
    cohort_id: int | None = None


def kind_of(data: bytes, max_bytes: int) -> tuple[str, str]:
    """The file's suffix and media type, read from its content; refused when too large or of another type."""
    if not data:
        raise ResourceError(_l("The file is empty."))
    if len(data) > max_bytes:
        raise ResourceError(_l("The file is larger than %(size)s.", size=size_text(max_bytes)))
    guessed = filetype.guess(data[:8192] if len(data) > 8192 else data)
    extension = guessed.extension if guessed is not None else ""
    if extension == "jpeg":
        extension = "jpg"
    if extension not in ALLOWED:
        raise ResourceError(
            _l(
                "This kind of file cannot be added. Add a PDF, a picture (PNG, JPEG, WebP) or an office "
                "document (Word, Excel, PowerPoint or OpenDocument)."
            )
        )
    return extension, ALLOWED[extension]


def size_text(size: int) -> str:
    """A size for people: "2 MB", "300 KB" (binary units, rounded down)."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(1, size // 1024)} KB"


def download_name(filename: str, extension: str) -> str:
    """The name a file is downloaded under: the uploaded name's stem, cleaned, with the suffix of the type
    its content was found to be (a "report.pdf" that is really a picture downloads as "report.png")."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.rsplit(".", 1)[0] if filename else ""
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[\x00-\x1f\x7f\"/\\:*?<>|]+", "", stem).strip(" .")[:150]
    return f"{stem or 'resource'}.{extension}"


def add_link(place: Place, title: str, url: str, user_id: int) -> Resource:
    resource = Resource(
        module_slug=place.module_slug,
        cohort_id=place.cohort_id,
        title=title,
        url=url,
        added_by_id=user_id,
        added_at=clock.now(),
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def add_file(place: Place, title: str, data: bytes, filename: str, user_id: int, max_bytes: int) -> Resource:
    extension, media_type = kind_of(data, max_bytes)
    stored = storage().put(AREA, data, f".{extension}")
    resource = Resource(
        module_slug=place.module_slug,
        cohort_id=place.cohort_id,
        title=title,
        stored_name=stored,
        filename=download_name(filename, extension),
        content_type=media_type,
        size=len(data),
        added_by_id=user_id,
        added_at=clock.now(),
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def remove(resource: Resource) -> str | None:
    """Delete the resource's row; returns its stored file's name, to delete from the store once committed."""
    stored = resource.stored_name
    db.session.delete(resource)
    db.session.flush()
    return stored


def forget_file(stored: str | None) -> None:
    """Delete a removed resource's file from the store, once the removal is committed; commits the deletion
    itself (a database store deletes in a transaction of its own: the file goes, or a row of nobody stays)."""
    if stored:
        storage().delete(AREA, stored)
        db.session.commit()


def of_module(slug: str) -> sa.Select[tuple[Resource]]:
    return sa.select(Resource).where(Resource.module_slug == slug).order_by(Resource.added_at, Resource.id)


def of_cohort(cohort_id: int, newest_first: bool = False) -> sa.Select[tuple[Resource]]:
    order = (
        (Resource.added_at.desc(), Resource.id.desc()) if newest_first else (Resource.added_at, Resource.id)
    )
    return sa.select(Resource).where(Resource.cohort_id == cohort_id).order_by(*order)
