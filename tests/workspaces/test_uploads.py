"""Uploads in a space: active content (HTML, SVG, XML, scripts) is always a download, on every
surface that serves a File's or an Image's bytes; the size limit is announced to the forms."""

from ent.policy.workspaces.uploads import upload_limit_bytes
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage

import base64
import pytest
import re
import requests
import transaction


SCRIPT = b"<script>document.title='pwned'</script>"
HTML = b"<html><body>" + SCRIPT + b"</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>"
XML = b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ACTIVE_FILES = [
    ("page.html", "text/html", HTML),
    ("dessin.svg", "image/svg+xml", SVG),
    ("donnees.xml", "application/xml", XML),
    ("texte.xml", "text/xml", XML),
    ("script.js", "application/javascript", SCRIPT),
    ("page.xhtml", "application/xhtml+xml", HTML),
]


def http():
    session = requests.Session()
    session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    return session


@pytest.fixture
def folder(functional_portal):
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(container=functional_portal, type="Folder", id="depot", title="Dépôt")
    transaction.commit()
    return folder


def add_file(folder, filename, mimetype, data):
    with api.env.adopt_roles(["Manager"]):
        item = api.content.create(
            container=folder,
            type="File",
            id=filename.replace(".", "-"),
            title=filename,
            file=NamedBlobFile(data=data, contentType=mimetype, filename=filename),
        )
    transaction.commit()
    return item.absolute_url()


def add_image(folder, filename, mimetype, data):
    with api.env.adopt_roles(["Manager"]):
        item = api.content.create(
            container=folder,
            type="Image",
            id=filename.replace(".", "-"),
            title=filename,
            image=NamedBlobImage(data=data, contentType=mimetype, filename=filename),
        )
    transaction.commit()
    return item.absolute_url()


def assert_download(response, data):
    assert response.status_code == 200, response.url
    assert response.headers["Content-Disposition"].startswith("attachment;"), response.url
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A scale of an SVG is the SVG with its size rewritten: still the SVG, still its script.
    assert response.content == data or (b"<svg" in response.content and SCRIPT in response.content), response.url


def test_an_active_file_is_always_a_download(folder):
    session = http()
    for filename, mimetype, data in ACTIVE_FILES:
        url = add_file(folder, filename, mimetype, data)
        for surface in ("", "@@download/file", f"@@download/file/{filename}", "@@display-file/file", "@@display-file"):
            assert_download(session.get(f"{url}/{surface}".rstrip("/"), timeout=60), data)
        # The item's page is Plone's page about the file, never its bytes.
        page = session.get(f"{url}/view", timeout=60)
        assert page.status_code == 200 and SCRIPT not in page.content


def test_an_svg_image_is_always_a_download(folder):
    url = add_image(folder, "logo.svg", "image/svg+xml", SVG)
    session = http()
    surfaces = [
        "",
        "@@download/image",
        "@@display-file/image",
        "@@images/image",
        "@@images/image/preview",
        "@@images/image/thumb",
    ]
    for surface in surfaces:
        assert_download(session.get(f"{url}/{surface}".rstrip("/"), timeout=60), SVG)
    page = session.get(f"{url}/view", timeout=60)
    assert page.status_code == 200 and SCRIPT not in page.content
    # The addresses the page's <img> point at (scales by their uid) are downloads too.
    shown = set(re.findall(r'src="([^"]*@@images/[^"]+)"', page.text))
    assert shown
    for src in shown:
        assert_download(session.get(src, timeout=60), SVG)


def test_a_png_image_and_a_pdf_are_still_shown_inline(folder):
    """What the browser may render safely stays inline: the check is not 'download everything'."""
    url = add_image(folder, "photo.png", "image/png", PNG)
    response = http().get(f"{url}/@@images/image", timeout=60)
    assert response.status_code == 200
    assert not response.headers.get("Content-Disposition", "").startswith("attachment")
    pdf = add_file(folder, "note.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
    response = http().get(f"{pdf}/@@display-file/file", timeout=60)
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_the_upload_limit_follows_the_platform_setting(monkeypatch):
    monkeypatch.delenv("ENT_MAX_UPLOAD_MB", raising=False)
    assert upload_limit_bytes() == 50 * 1024 * 1024
    monkeypatch.setenv("ENT_MAX_UPLOAD_MB", "3")
    assert upload_limit_bytes() == 3 * 1024 * 1024
