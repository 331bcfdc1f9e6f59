"""Nothing restricted or personal is cacheable by a shared cache (issue #15, docs/caching.md).

The view names are not listed by hand: every browser view and REST service the component
registry knows for the site root, a school, a public news item and a news item for the
school's parents (with the site's layers), and the item's default view. Each is asked as a
logged-in parent (the audience of the restricted item), and, at the restricted item, as
anonymous; no answer may be storable by a shared cache. The public pages anonymous reads
are, on the contrary, public with s-maxage: the positive control that the check can fail.
"""

from plone.browserlayer.utils import registered_layers
from support.audience_site import build
from support.audience_site import create_parents_news
from support.audience_site import login_of
from support.audience_site import OWN
from support.audience_site import OWN_PATH
from support.audience_site import PASSWORD
from support.audience_site import post
from support.audience_site import PRINCIPAL
from zope.component import getSiteManager
from zope.interface import directlyProvides
from zope.interface import Interface
from zope.interface import providedBy
from zope.publisher.browser import TestRequest as BrowserRequest
from zope.publisher.interfaces.browser import IDefaultBrowserLayer

import pytest
import re
import requests
import transaction


PARENT = login_of(OWN, "parent")
SERVICE = re.compile(r"^GET_application_json_(.*)$")
#: Views that change something or never end on a GET (they are still refused to a shared
#: cache by the same guard; asking them here would only change the site under the test).
NOT_ASKED = re.compile(r"logout|delete|rename|lock|unlock|paste|cut|copy|undo|iterate|workflow|status_modify")


def shared_cacheable(response) -> bool:
    """Could a shared cache (RFC 9111 §3) store this answer and give it to someone else?"""
    control = {
        part.strip().split("=")[0].lower() for part in response.headers.get("Cache-Control", "").split(",") if part
    }
    if {"private", "no-store"} & control:
        return False
    if "s-maxage" in control or "public" in control:
        return True
    # No explicit word: heuristically cacheable when it has a validator or an expiry.
    return bool(response.headers.get("Expires") or response.headers.get("Last-Modified"))


def enumerate_names(portal, path):
    """(suffix, accept) of every view and GET service registered for the item at `path`."""
    transaction.begin()  # see what the server's threads committed
    item = portal.unrestrictedTraverse(path) if path else portal
    request = BrowserRequest()
    directlyProvides(request, *registered_layers(), IDefaultBrowserLayer)
    asked = {("", "text/html")}
    for name, _factory in getSiteManager(portal).adapters.lookupAll((providedBy(item), providedBy(request)), Interface):
        service = SERVICE.match(name)
        if service:
            asked.add((f"/{service.group(1)}" if service.group(1) else "", "application/json"))
        elif name and "_application_json_" not in name and not NOT_ASKED.search(name):
            asked.add((f"/@@{name}", "text/html"))
    return sorted(asked)


#: One keep-alive session per viewer.
SESSIONS = {}


def ask(url, login, accept):
    http = SESSIONS.get(login)
    if http is None:
        http = SESSIONS[login] = requests.Session()
        if login:
            http.auth = (login, PASSWORD)
    return http.get(url, headers={"Accept": accept}, allow_redirects=False, timeout=120)


@pytest.fixture(scope="class")
def site(functional_portal_class):
    portal = functional_portal_class
    build(portal)
    url = portal.absolute_url()
    public = post(url, f"{OWN_PATH}/actualites", PRINCIPAL, "Fête du collège", audience=["public"])
    create_parents_news(url)
    return {
        "portal": portal,
        "url": url,
        "public": public[len(url) + 1 :],
        "restricted": f"{OWN_PATH}/actualites/hippocampe-cache",
    }


class TestNothingPersonalIsShared:
    def test_public_pages_are_cached_for_anonymous(self, site):
        for path in ("", OWN_PATH, site["public"]):
            response = requests.get(f"{site['url']}/{path}".rstrip("/"), timeout=60)
            assert response.status_code == 200, path
            assert shared_cacheable(response), (path, response.headers.get("Cache-Control"))
            assert "s-maxage=" in response.headers["Cache-Control"]

    def test_the_same_pages_logged_in_are_private(self, site):
        http = requests.Session()
        http.post(
            f"{site['url']}/login",
            data={"__ac_name": PARENT, "__ac_password": PASSWORD, "buttons.login": "Se connecter"},
            timeout=60,
        )
        assert "__ac" in http.cookies
        for path in ("", OWN_PATH, site["public"], site["restricted"], "@@mon-ent"):
            response = http.get(f"{site['url']}/{path}".rstrip("/"), timeout=60)
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"] == "private, no-store", path

    @pytest.mark.parametrize(
        "where, login",
        # The guard decides by who asks and what the item is, not by the view: the
        # restricted item asked by its audience is the enumeration's case (the public pages
        # logged in: test_the_same_pages_logged_in_are_private). Anonymous gets at every name
        # of it the same answer as at a missing page, headers included (tests/security/
        # test_concealment.py): test_refused_is_missing_and_private.
        [("restricted", PARENT)],
    )
    def test_every_name_is_private(self, site, where, login):
        path = {"root": "", "school": OWN_PATH}[where] if where in ("root", "school") else site[where]
        names = enumerate_names(site["portal"], path)
        # The registry's enumeration, not a short list.
        assert len(names) > 80, names
        base = f"{site['url']}/{path}".rstrip("/")
        answers = [(name, ask(base + name[0], login, name[1])) for name in names]
        shared = [
            (suffix, accept, response.status_code, response.headers.get("Cache-Control"))
            for (suffix, accept), response in answers
            if shared_cacheable(response)
        ]
        assert shared == []

    def test_refused_is_missing_and_private(self, site):
        for path in (site["restricted"], f"{site['restricted']}/@@images/image", f"{OWN_PATH}/actualites/rien-ici"):
            response = requests.get(f"{site['url']}/{path}", timeout=60)
            assert response.status_code == 404, path
            assert response.headers["Cache-Control"] == "private, no-store", path


@pytest.fixture(scope="class")
def files(functional_portal_class):
    """A file and an image in the school's private folder (its principal's), and the same in
    a published folder of the County portal."""
    from plone import api
    from plone.namedfile.file import NamedBlobFile
    from plone.namedfile.file import NamedBlobImage

    import base64

    portal = functional_portal_class
    build(portal)
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    with api.env.adopt_roles(["Manager"]):
        made = {}
        school = portal.unrestrictedTraverse(OWN_PATH)
        for where, container in (("private", school), ("public", portal)):
            folder = api.content.create(container=container, type="Folder", id=f"dossier-{where}", title=where)
            made[f"{where}-file"] = api.content.create(
                container=folder, type="File", id="releve", title="Relevé",
                file=NamedBlobFile(b"%PDF-1.4 secret", filename="releve.pdf", contentType="application/pdf"),
            )  # fmt: skip
            made[f"{where}-image"] = api.content.create(
                container=folder, type="Image", id="photo", title="Photo",
                image=NamedBlobImage(png, filename="photo.png"),
            )  # fmt: skip
            if where == "public":
                # Files and images have no workflow of their own: they follow their folder.
                api.content.transition(obj=folder, to_state="published")
    transaction.commit()
    return {name: item.absolute_url() for name, item in made.items()}


#: What a browser fetches of a file or an image: blob answers, which the transform chain
#: does not see (stream iterators), a Range request and HEAD included.
FILE_ADDRESSES = ("/@@download/file", "/@@display-file/file", "")
IMAGE_ADDRESSES = ("/@@images/image", "/@@images/image/thumb", "/@@download/image", "")


class TestFiles:
    def test_a_private_file_is_never_stored_by_a_shared_cache(self, files):
        http = requests.Session()
        http.auth = (login_of(OWN, "principal"), PASSWORD)
        for name, suffixes in (("private-file", FILE_ADDRESSES), ("private-image", IMAGE_ADDRESSES)):
            for suffix in suffixes:
                for method, headers in (("GET", {}), ("GET", {"Range": "bytes=0-3"}), ("HEAD", {})):
                    # HEAD on a connection of its own: the test server sends a blob's bytes
                    # after a HEAD too, which would garble the next answer on a kept one.
                    asker = http if method == "GET" else requests
                    response = asker.request(method, files[name] + suffix, headers=headers, auth=http.auth, timeout=60)
                    assert response.status_code in (200, 206), (name, suffix, method, response.status_code)
                    where = (name, suffix, method, headers)
                    assert response.headers.get("Cache-Control") == "private, no-store", where
                    assert "X-Cache-Rule" not in response.headers, where

    def test_a_public_file_read_anonymously_may_be_shared(self, files):
        """The positive control: the same rule finds a public file public. (An image's
        `@@images/image` has no ruleset of plone.app.caching: it stays private, which is safe.)"""
        for suffix in ("/@@download/file", "/@@display-file/file"):
            response = requests.get(files["public-file"] + suffix, timeout=60)
            assert response.status_code == 200, suffix
            assert "s-maxage=" in response.headers.get("Cache-Control", ""), (suffix, response.headers)
