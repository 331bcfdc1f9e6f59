"""Refused = missing (issue #9): every URL at or under content a person may not view
answers exactly as a missing page does, whatever the view, service, traverser or method.

The names are not listed by hand: they come from the component registry (every browser
view and REST service registered for the item's interfaces and the site's layers, every
`++namespace++` traverser), from the item's class (every HTTP method it answers, every
method Zope publishes to anyone) and from plone.rest's list of HTTP methods. Each is asked
as anonymous and as a person outside the item's audience, at the refused item and at the
same address with a missing id; the two answers must be the same status and the same
bytes once the ids are swapped, and hold none of the item's title, description, keyword
or UID.
"""

from AccessControl.SecurityInfo import ACCESS_PUBLIC
from AccessControl.ZopeSecurityPolicy import getRoles
from ent.policy.cases.model import create_case
from ent.policy.notifications.config import reset_config
from plone import api
from plone.browserlayer.utils import registered_layers
from support.audience_site import build
from support.audience_site import create_parents_news
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import PASSWORD
from support.audience_site import publish
from support.audience_site import session
from urllib.parse import quote
from urllib.parse import quote_plus
from zope.component import getSiteManager
from zope.interface import directlyProvides
from zope.interface import Interface
from zope.interface import providedBy
from zope.publisher.browser import TestRequest as BrowserRequest
from zope.publisher.interfaces.browser import IDefaultBrowserLayer
from zope.traversing.interfaces import ITraversable

import os
import pytest
import re
import requests
import tempfile
import transaction


OWN_PATH = f"colleges/{OWN.lower()}"
PRINCIPAL = f"{OWN.lower()}.principal"
OUTSIDER = f"{OTHER.lower()}.parent"
SAME_SCHOOL_OTHER_PROFILE = f"{OWN.lower()}.teacher"
AUDIENCE = f"{OWN.lower()}.parent"
#: What the publisher is asked besides what the item's class answers (plone.rest's own
#: methods and WebDAV's).
HTTP_METHODS = (
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
)
#: The methods whose answers must be the same bytes as a missing page's. With the other
#: methods (WebDAV's), a missing name is a NullResource whose 404 page names its folder by
#: id rather than title: still a 404 without any of the item's data (docs/security.md).
SAME_BYTES = ("GET", "HEAD", "POST")
#: Plone's views of helper methods (plone.app.layout.globals).
GLOBAL_VIEWS = ("plone_context_state", "plone_portal_state", "plone_tools", "plone")
SERVICE = re.compile(r"^([A-Z]+)_application_json_(.*)$")


class Secret:
    """One refused thing: where it is, and the words that must not come out."""

    def __init__(self, path, words):
        self.path = path
        self.id = path.rsplit("/", 1)[-1]
        self.missing_path = path.rsplit("/", 1)[0] + "/rien-ici"
        self.words = words


@pytest.fixture(scope="class")
def secrets(functional_portal_class):
    """A news item for OWN's parents (image, description, keywords), a draft page, and a
    published page in a private folder."""
    portal = functional_portal_class
    build(portal)
    url = portal.absolute_url()
    http = session(PRINCIPAL)
    news = create_parents_news(url)
    draft = http.post(
        f"{url}/{OWN_PATH}/documents",
        json={
            "@type": "Document",
            "id": "brouillon-cache",
            "title": "Salamandre brouillon",
            "description": "Yack privé",
        },
        timeout=60,
    )
    assert draft.status_code == 201, draft.text
    folder = http.post(
        f"{url}/{OWN_PATH}/documents",
        json={"@type": "Folder", "id": "dossier-cache", "title": "Dossier Quiscale"},
        timeout=60,
    )
    assert folder.status_code == 201, folder.text
    child = http.post(
        f"{url}/{OWN_PATH}/documents/dossier-cache",
        json={
            "@type": "Document",
            "id": "page-cache",
            "title": "Toucan enfant",
            "description": "Gnou",
            "audience": ["public"],
        },
        timeout=60,
    )
    assert child.status_code == 201, child.text
    publish(url, f"{OWN_PATH}/documents/dossier-cache/page-cache", PRINCIPAL)
    case = own_case(portal)
    space, in_space = own_space(url)
    return {
        "news": Secret(
            f"{OWN_PATH}/actualites/hippocampe-cache",
            ("Hippocampe", "Zorglub", "Wapiti", "ornithorynque", news.json()["UID"]),
        ),
        "draft": Secret(f"{OWN_PATH}/documents/brouillon-cache", ("Salamandre", "Yack", draft.json()["UID"])),
        "folder-child": Secret(
            f"{OWN_PATH}/documents/dossier-cache/page-cache",
            ("Quiscale", "Toucan", "Gnou", folder.json()["UID"], child.json()["UID"]),
        ),
        "case": Secret(f"dossiers/aides/{case.getId()}", (case.reference, "Pangolin", case.UID())),
        "space": Secret(
            f"{OWN_PATH}/espaces/espace-cache/page-de-l-espace",
            ("Okapi", "Tamanoir", "Narval", space["UID"], in_space["UID"]),
        ),
    }


def own_space(url):
    """A collaborative space of PRINCIPAL (its manager: ent.policy.workspaces) holding a page
    "for everyone": only the space's members see either."""
    http = session(PRINCIPAL)
    space = http.post(
        f"{url}/{OWN_PATH}/espaces",
        json={"@type": "Workspace", "id": "espace-cache", "title": "Espace Okapi", "description": "Tamanoir"},
        timeout=60,
    )
    assert space.status_code == 201, space.text
    page = http.post(
        f"{url}/{OWN_PATH}/espaces/espace-cache",
        json={"@type": "Document", "id": "page-de-l-espace", "title": "Page Narval", "audience": ["public"]},
        timeout=60,
    )
    assert page.status_code == 201, page.text
    return space.json(), page.json()


def own_case(portal):
    """A case of AUDIENCE (ent.policy.cases): seen by its applicant and the case handlers only."""
    transaction.begin()  # see what the server's threads committed
    with tempfile.TemporaryDirectory() as mail, api.env.adopt_user(username=AUDIENCE):
        # Its "received" mail goes to a throw-away outbox.
        os.environ["ENT_MAIL_DIR"] = mail
        reset_config()
        try:
            case = create_case("aid", portal["aides"], api.user.get_current(), [("child", "Enfant", "Pangolin")])
            transaction.commit()
        finally:
            del os.environ["ENT_MAIL_DIR"]
            reset_config()
    return case


def layers_request():
    """A request providing the layers of the ENT site, as the registry sees a real one."""
    request = BrowserRequest()
    directlyProvides(request, *registered_layers(), IDefaultBrowserLayer)
    return request


def enumerate_paths(portal, secret):
    """(method, suffix, accept) for every name the registry and the item's class know."""
    transaction.begin()  # see what the server's threads committed
    item = portal.unrestrictedTraverse(secret.path)
    request = layers_request()
    adapters = getSiteManager(portal).adapters
    asked = set()
    for name, _factory in adapters.lookupAll((providedBy(item), providedBy(request)), Interface):
        service = SERVICE.match(name)
        if service:
            method, service_name = service.groups()
            suffix = f"/{service_name}" if service_name else ""
            asked.add((method, suffix, "application/json"))
            asked.add((method, f"@api{suffix}", "application/json"))
        elif name:
            asked.add(("GET", f"/@@{name}", "text/html"))
    # The methods of Plone's "globals" views, published to anyone who may reach the view
    # (`…/item/@@plone_context_state/object_title` gave the exact title to anyone).
    for name, factory in adapters.lookupAll((providedBy(item), providedBy(request)), Interface):
        if name in GLOBAL_VIEWS:
            for method in dir(factory):
                if not method.startswith("_") and callable(getattr(factory, method, None)):
                    asked.add(("GET", f"/@@{name}/{method}", "text/html"))
    for name, _factory in adapters.lookupAll((providedBy(item), providedBy(request)), ITraversable):
        if name:
            asked.add(("GET", f"/++{name}++", "text/html"))
            asked.add(("GET", f"/++{name}++default", "text/html"))
    methods = set(HTTP_METHODS) | {
        name for name in dir(type(item)) if name.isupper() and callable(getattr(item, name, None))
    }
    for method in methods:
        for accept in ("text/html", "application/json"):
            asked.add((method, "", accept))
    for name in dir(item):
        if name.startswith(("_", "aq_")):
            continue
        try:
            value = getattr(item, name)
        except Exception:
            continue
        if not callable(value) or not getattr(value, "__doc__", None):
            continue
        roles = getRoles(item, name, value, None)
        if roles is ACCESS_PUBLIC or roles is None or "Anonymous" in roles:
            asked.add(("GET", f"/{name}", "text/html"))
    return sorted(asked)


#: One keep-alive session per viewer (a session per request would use up the server's
#: connections).
SESSIONS = {}


def ask(portal_url, viewer, method, path, suffix, accept):
    if suffix.startswith("@api"):
        url = f"{portal_url}/++api++/{path}{suffix[4:]}"
    else:
        url = f"{portal_url}/{path}{suffix}"
    http = SESSIONS.get(viewer)
    if http is None:
        http = SESSIONS[viewer] = requests.Session()
        if viewer:
            http.auth = (viewer, PASSWORD)
    body = b'{"title": "x"}' if method in ("POST", "PATCH", "PUT") else None
    headers = {"Accept": accept, "Content-Type": "application/json"}
    if method == "HEAD":
        # Zope writes a body after a HEAD's headers: a kept-alive connection would
        # read it as the next answer.
        headers["Connection"] = "close"
    return http.request(method, url, headers=headers, data=body, allow_redirects=False, timeout=60)


def normalised(response, secret):
    """Status, headers and body with the asked address's id replaced by the missing one."""
    text = response.text
    for form in (secret.id, quote(secret.id), quote_plus(secret.id)):
        text = text.replace(form, "rien-ici")
    headers = {
        key.lower(): value.replace(secret.id, "rien-ici")
        for key, value in response.headers.items()
        if key.lower() not in ("date", "content-length", "x-powered-by")
    }
    return response.status_code, headers, text


def traces(response, secret):
    """The item's words in the answer, but for the address the reader asked for."""
    _status, headers, text = normalised(response, secret)
    everything = text + " ".join(f"{k}: {v}" for k, v in headers.items())
    return [word for word in secret.words if word.lower() in everything.lower()]


class TestRefusedIsMissing:
    """The enumeration, at each refused thing, for each person it is refused to."""

    @pytest.mark.parametrize(
        "key, viewers",
        [
            ("news", (None, OUTSIDER)),
            ("draft", (AUDIENCE,)),
            ("folder-child", (None,)),
            ("case", (OUTSIDER,)),  # anonymous: tests/cases/test_pages.py, and the news item here
            # A teacher of the space's school, not on its roster (anonymous: tests/workspaces).
            ("space", (SAME_SCHOOL_OTHER_PROFILE,)),
        ],
    )
    def test_every_name_answers_as_missing(self, functional_portal_class, secrets, key, viewers):
        portal = functional_portal_class
        secret = secrets[key]
        url = portal.absolute_url()
        paths = enumerate_paths(portal, secret)
        # The enumeration is the registry's, not a short list: views, services, traversers.
        assert len(paths) > 250, len(paths)
        assert ("GET", "/@@plone_context_state/object_title", "text/html") in paths
        failures = []
        for viewer in viewers:
            missing_answers = {}
            for method, suffix, accept in paths:
                refused = ask(url, viewer, method, secret.path, suffix, accept)
                if refused.status_code != 404:
                    failures.append(f"{viewer or 'anonymous'} {method} {suffix} {accept}: {refused.status_code}")
                leaked = traces(refused, secret)
                if leaked:
                    failures.append(f"{viewer or 'anonymous'} {method} {suffix} {accept}: shows {leaked}")
                key_missing = (method, suffix, accept)
                if key_missing not in missing_answers:
                    missing_answers[key_missing] = ask(url, viewer, method, secret.missing_path, suffix, accept)
                if method in SAME_BYTES and normalised(refused, secret) != normalised(
                    missing_answers[key_missing], secret
                ):
                    failures.append(f"{viewer or 'anonymous'} {method} {suffix} {accept}: differs from a missing page")
        # Leaks first: they are the worst, and the message shows 80 lines.
        failures.sort(key=lambda failure: "shows" not in failure)
        assert not failures, f"{len(failures)} of {len(paths) * len(viewers)}:\n" + "\n".join(failures[:80])

    def test_the_audience_still_sees_it(self, functional_portal_class, secrets):
        """The guard hides from outsiders only: the item's audience and editors get it."""
        url = functional_portal_class.absolute_url()
        for viewer in (AUDIENCE, PRINCIPAL):
            response = session(viewer).get(f"{url}/{secrets['news'].path}", timeout=60)
            assert response.status_code == 200
            assert "Zorglub" in response.text
        response = session(PRINCIPAL).get(f"{url}/{secrets['draft'].path}", timeout=60)
        assert response.status_code == 200 and "Salamandre" in response.text

    def test_logged_out_reader_logs_in_and_comes_back(self, functional_portal_class, secrets):
        """A parent opening a mail's link while logged out: the 404 offers to log in and
        the log-in form takes them back to the item."""
        url = functional_portal_class.absolute_url()
        item_url = f"{url}/{secrets['news'].path}"
        http = requests.Session()
        page = http.get(item_url, headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 404
        links = re.findall(r'href="([^"]*/login\?came_from=[^"]*)"', page.text)
        assert links, "no log-in link on the 404 page"
        form = http.get(links[0].replace("&amp;", "&"), timeout=60)
        assert form.status_code == 200
        came_from = re.search(r'name="came_from"[^>]*value="([^"]*)"', form.text) or re.search(
            r'value="([^"]*)"[^>]*name="came_from"', form.text
        )
        assert came_from and came_from.group(1) == item_url
        logged_in = http.post(
            f"{url}/login",
            data={
                "__ac_name": AUDIENCE,
                "__ac_password": PASSWORD,
                "came_from": came_from.group(1),
                "buttons.login": "Se connecter",
                "form.submitted": "1",
            },
            timeout=60,
        )
        assert logged_in.status_code == 200
        assert logged_in.url == item_url
        assert "Zorglub" in logged_in.text
