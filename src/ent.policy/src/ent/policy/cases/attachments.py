"""What an attachment may be: judged from its bytes, never from its name or the browser's word.

Accepted: PDF, PNG, JPEG, WebP, OpenDocument and Office Open XML files (without macros).
Everything else is refused — executables, HTML, SVG (a script in an image), archives — and
so is a file over the registry's `ent.cases.attachment_max_mb`.
"""

from .errors import CaseRefused
from plone import api

import io
import zipfile


MAX_MB_RECORD = "ent.cases.attachment_max_mb"
DEFAULT_MAX_MB = 5
ACCEPTED = "PDF, PNG, JPEG, WebP, OpenDocument (odt, ods, odp) ou Office (docx, xlsx, pptx)"
PDF = "application/pdf"
#: Types a browser may show inline; anything else is downloaded as application/octet-stream.
SHOWN_TYPES = (PDF, "image/png", "image/jpeg", "image/webp")
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPENDOCUMENT = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.graphics",
)


def max_bytes() -> int:
    megabytes = api.portal.get_registry_record(MAX_MB_RECORD, default=DEFAULT_MAX_MB) or DEFAULT_MAX_MB
    return int(megabytes) * 1024 * 1024


def _image(data, kind):
    """The image's type if Pillow reads it as the format its first bytes say, else None."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind:
                return None
            image.verify()
    except Exception:
        return None
    return f"image/{kind.lower()}"


def _office(data):
    """The type of an OpenDocument or Office Open XML file, None for any other zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if names and names[0] == "mimetype":
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            return mimetype if mimetype in OPENDOCUMENT else None
        if "[Content_Types].xml" not in names:
            return None
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None
    # Macros make a document a program.
    if "macroEnabled" in types or any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    for folder, mimetype in OOXML.items():
        if any(name.startswith(folder) for name in names):
            return mimetype
    return None


def detected_type(data: bytes):
    """The accepted type `data` is, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(data, "PNG")
    if data.startswith(b"\xff\xd8\xff"):
        return _image(data, "JPEG")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _image(data, "WEBP")
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def check_attachment(filename: str, data: bytes) -> str:
    """The file's type (judged from `data`); raises CaseRefused with a French message."""
    name = filename or "sans nom"
    if not data:
        raise CaseRefused(f"La pièce jointe « {name} » est vide.")
    limit = max_bytes()
    if len(data) > limit:
        raise CaseRefused(
            f"La pièce jointe « {name} » dépasse la taille autorisée ({limit // (1024 * 1024)} Mo au plus)."
        )
    content_type = detected_type(bytes(data))
    if content_type is None:
        raise CaseRefused(f"La pièce jointe « {name} » n'est pas d'un type accepté. Types acceptés : {ACCEPTED}.")
    return content_type
