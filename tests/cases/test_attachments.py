"""What an attachment may be, judged from its bytes (ent.policy.cases.attachments)."""

from ent.policy.cases.attachments import check_attachment
from ent.policy.cases.model import CaseRefused
from PIL import Image
from plone import api

import io
import pytest
import zipfile


def image(kind):
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(stream, kind)
    return stream.getvalue()


def archive(entries):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as made:
        for name, data in entries:
            made.writestr(name, data)
    return stream.getvalue()


DOCX = archive([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])
ODT = archive([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>")])
DOCM = archive(
    [
        ("[Content_Types].xml", "<Types>macroEnabled</Types>"),
        ("word/document.xml", "<x/>"),
        ("word/vbaProject.bin", "x"),
    ]
)


def test_accepted_types(cases_site):
    assert check_attachment("a.pdf", b"%PDF-1.7\n") == "application/pdf"
    assert check_attachment("photo.jpg", image("JPEG")) == "image/jpeg"
    assert check_attachment("scan", image("PNG")) == "image/png"
    assert check_attachment("scan.webp", image("WEBP")) == "image/webp"
    assert check_attachment("lettre.docx", DOCX).endswith("wordprocessingml.document")
    assert check_attachment("lettre.odt", ODT) == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    "filename, data",
    [
        ("macro.docx", DOCM),
        ("archive.pdf", archive([("virus.exe", "MZ")])),
        ("faux.png", b"\x89PNG\r\n\x1a\n<html>"),
        ("page.htm", b"<html><body>hello</body></html>"),
        ("vide.pdf", b""),
    ],
)
def test_refused_types(cases_site, filename, data):
    with pytest.raises(CaseRefused) as refused:
        check_attachment(filename, data)
    assert filename in str(refused.value)


def test_the_size_limit_is_the_setting(cases_site):
    data = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    assert check_attachment("a.pdf", data)
    api.portal.set_registry_record("ent.cases.attachment_max_mb", 1)
    with pytest.raises(CaseRefused, match="1 Mo au plus"):
        check_attachment("a.pdf", data)
