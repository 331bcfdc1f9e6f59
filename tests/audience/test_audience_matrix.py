"""The audience matrix of issue #5: a restricted item does not exist outside its audience.

docs/domain.md: "An item outside a person's audience does not exist for that person: not in
listings, collections, navigation, portlets, search (HTML and REST), feeds (RSS, iCal),
sitemap, nor by its URL. Editors of the place where it lives always see it."

One site, built once for the class (`functional_portal_class`), asked through waitress
with real HTTP requests and basic auth. Every surface is asked by every viewer:
anonymous, each profile of the school OWN and of the school OTHER, county.agent (County
editor) and county.admin (County site administrator). Each surface names the items it
would show to someone who may see everything (`scope`); the test checks, per viewer and
item, "present exactly when the viewer may see it" (`may_see`, written from docs/domain.md,
not from ent.policy.audience) and collects every mismatch into one failure that names
surface × viewer × item.

A public control item is in every surface's scope and must be there for everyone, and
county.admin must find every item of a scope: a surface that is empty or broken cannot
pass for a secure one.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from ent.policy.groups import SCHOOL_PROFILES
from lxml import html as lxml_html
from plone import api
from plone.base.interfaces.syndication import IFeedSettings
from plone.portlets.interfaces import IPortletAssignmentMapping
from plone.portlets.interfaces import IPortletManager
from support.audience_site import accounts
from support.audience_site import build
from support.audience_site import JSON
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import PASSWORD
from support.audience_site import session
from zope.component import getMultiAdapter
from zope.component import getUtility

import gzip
import json
import pytest
import requests
import transaction


#: The word in the title and text of every item: one search finds them all.
TERM = "quokka"
#: How a refused URL answers: Unauthorized, Forbidden, NotFound (or the login redirect).
REFUSED = (401, 403, 404)
OWN_PATH = f"colleges/{OWN.lower()}"
#: Where the portal's and the school's portlets show: a section of each (their homes have no
#: portlet columns).
PORTLETS_PORTAL = "aides"
PORTLETS_OWN = f"{OWN_PATH}/documents"
OTHER_PATH = f"colleges/{OTHER.lower()}"
NOW = datetime.now(UTC).replace(microsecond=0)
EVENT_START = (NOW + timedelta(days=7)).replace(hour=10, minute=0, second=0)
COUNTY_AGENT = "county.agent"
COUNTY_ADMIN = "county.admin"
CREATORS = {OWN: f"{OWN.lower()}.principal", OTHER: f"{OTHER.lower()}.principal", None: COUNTY_AGENT}


@dataclass(frozen=True)
class Item:
    """One item of the matrix. Its id is its code word, which is only in its title and URL."""

    key: str
    word: str
    portal_type: str
    folder: str
    audience: tuple
    schools: tuple = ()
    #: Keys of the items it names as related items.
    related: tuple = ()

    @property
    def id(self):
        return self.word.lower()

    @property
    def path(self):
        return f"{self.folder}/{self.id}".lstrip("/")

    @property
    def school(self):
        """The UAI of the school the item lives in, or None on the County portal."""
        for uai in (OWN, OTHER):
            if self.folder.startswith(f"colleges/{uai.lower()}"):
                return uai
        return None

    @property
    def creator(self):
        """An editor of its place: the school's principal, or a County editor."""
        return CREATORS[self.school]

    @property
    def public(self):
        return self.audience == ("public",)


ITEMS = (
    # The school OWN.
    Item("own-parent-news", "Albatros", "News Item", f"{OWN_PATH}/actualites", ("parent",)),
    Item("own-teacher-event", "Bergamote", "Event", f"{OWN_PATH}/agenda", ("teacher",)),
    Item("own-student-page", "Capucine", "Document", f"{OWN_PATH}/documents", ("student",)),
    Item("own-parent-alert", "Mimosa", "Announcement", OWN_PATH, ("parent",)),
    Item("own-public-page", "Fougere", "Document", f"{OWN_PATH}/documents", ("public",)),
    Item("own-public-event", "Edelweiss", "Event", f"{OWN_PATH}/agenda", ("public",)),
    Item("own-public-alert", "Narcisse", "Announcement", OWN_PATH, ("public",)),
    Item(
        "own-public-news",
        "Dromadaire",
        "News Item",
        f"{OWN_PATH}/actualites",
        ("public",),
        related=("own-parent-news", "own-teacher-event", "own-student-page", "own-public-page"),
    ),
    # The school OTHER.
    Item("other-public-news", "Koala", "News Item", f"{OTHER_PATH}/actualites", ("public",)),
    # The County portal: one item for the parents of OTHER, broadcasts to every school.
    Item("county-other-parent-news", "Gazelle", "News Item", "actualites", ("parent",), (OTHER,)),
    Item("county-teacher-news", "Lamantin", "News Item", "actualites", ("teacher",)),
    Item("county-teacher-page", "Iguane", "Document", "", ("teacher",)),
    Item("county-parent-alert", "Orchidee", "Announcement", "", ("parent",)),
    Item("county-public-news", "Hibiscus", "News Item", "actualites", ("public",)),
    Item("county-public-alert", "Pivoine", "Announcement", "", ("public",)),
    Item(
        "county-public-page",
        "Jonquille",
        "Document",
        "",
        ("public",),
        related=("county-other-parent-news", "county-teacher-page", "county-public-news"),
    ),
)
BY_KEY = {item.key: item for item in ITEMS}
assert len({item.word.lower() for item in ITEMS}) == len(ITEMS)

#: What folder listings, navigation and collections show (announcements are banners).
LISTED_TYPES = ("News Item", "Event", "Document")
#: What "Mon ENT" shows (ent.policy.feed).
FEED_TYPES = ("News Item", "Event", "Announcement")


def keys(folder=None, school="any", types=None, also=()):
    """The items in `folder` (exactly), or of `school` (None: the County), of `types`."""
    return tuple(
        item.key
        for item in ITEMS
        if (folder is None or item.folder == folder)
        and (school == "any" or item.school == school)
        and (types is None or item.portal_type in types)
    ) + tuple(also)


ALL = keys()
EVENTS = keys(types=("Event",))
NEWS = keys(types=("News Item",))
RELATED = tuple(key for item in ITEMS for key in item.related)
# County News Items for profiles of every school show on every school's news (ent-news).
BROADCASTS = ("county-teacher-news",)

#: Every viewer (None is anonymous), the most privileged first: a page or portlet cached
#: for an editor would show in the answer of a later viewer.
VIEWERS = (
    COUNTY_ADMIN,
    COUNTY_AGENT,
    *(
        f"{uai.lower()}.{profile}"
        for uai in (OWN, OTHER)
        for profile in sorted(SCHOOL_PROFILES, key=lambda p: p != "principal")
    ),
    None,
)


def may_see(viewer, item: Item) -> bool:
    """docs/domain.md's rule, written independently of ent.policy.audience.

    - a public item: everyone;
    - the editors of the item's place: the school's principal (`{uai}-editors`) for a
      school's item, the County editors (`county-editors`) for a County item; the County
      administrators (`county-admins`: Site Administrator of the whole portal, schools
      included) everywhere;
    - on a school's site: the listed profiles of that school;
    - on the County portal: the listed profiles in the listed schools (every school if
      none is listed).
    """
    if item.public:
        return True
    if viewer is None:
        return False
    if viewer == COUNTY_ADMIN:
        return True
    if viewer == COUNTY_AGENT:
        return item.school is None
    uai, profile = viewer.split(".")
    uai = uai.upper()
    if item.school is not None:
        return uai == item.school and (profile in item.audience or profile == "principal")
    return profile in item.audience and (not item.schools or uai in item.schools)


def meant_for(viewer, item: Item) -> bool:
    """Whether `item` is in the viewer's "Mon ENT" feed: it targets one of their groups.

    A school's item targets that school's groups of its profiles (all six when public); a
    County item its profiles' groups (`all-{profile}`, or `{uai}-{profile}` for the listed
    schools), or everyone when public for no school in particular.
    """
    if viewer is None or item.portal_type not in FEED_TYPES:
        return False
    profiles = SCHOOL_PROFILES if item.public else item.audience
    if item.school is not None:
        targets = {f"{item.school.lower()}-{profile}" for profile in profiles}
    elif item.public and not item.schools:
        return True
    elif item.schools:
        targets = {f"{uai.lower()}-{profile}" for uai in item.schools for profile in profiles}
    else:
        targets = {f"all-{profile}" for profile in profiles}
    return bool(targets & set(accounts()[viewer]))


def viewer_name(viewer):
    return viewer or "anonymous"


# --- The site ------------------------------------------------------------------------


def post(portal_url, path, login, data):
    response = session(login).post(f"{portal_url}/{path}".rstrip("/"), json=data, timeout=60)
    assert response.status_code == 201, f"{path}: {response.status_code} {response.text[:500]}"
    return response.json()


def transition(portal_url, path, login, name):
    response = session(login).post(f"{portal_url}/{path}/@workflow/{name}", timeout=60)
    assert response.status_code == 200, f"{path} {name}: {response.status_code} {response.text[:500]}"


def create_item(portal_url, item: Item) -> str:
    """Create and publish `item` through REST as an editor of its place; returns its UID."""
    data = {
        "@type": item.portal_type,
        "id": item.id,
        "title": f"{item.word} {TERM}",
        "text": {"data": f"<p>{item.word} : texte, mot {TERM}.</p>", "content-type": "text/html", "encoding": "utf-8"},
        "audience": list(item.audience),
    }
    if item.schools:
        data["audience_schools"] = list(item.schools)
    if item.portal_type == "Event":
        data["start"] = EVENT_START.isoformat()
        data["end"] = (EVENT_START + timedelta(hours=2)).isoformat()
    if item.portal_type == "Announcement":
        data["start"] = (NOW - timedelta(hours=1)).isoformat()
        data["end"] = (NOW + timedelta(days=3)).isoformat()
    uid = post(portal_url, item.folder, item.creator, data)["UID"]
    transition(portal_url, item.path, item.creator, "publish" if item.public else "publish_internal")
    return uid


def relate(portal_url, item: Item, uids):
    """Its editor names the item's related items, as the edit form does."""
    response = session(item.creator).patch(
        f"{portal_url}/{item.path}", json={"relatedItems": [uids[key] for key in item.related]}, timeout=60
    )
    assert response.status_code == 204, f"{item.path}: {response.status_code} {response.text[:500]}"


COLLECTION_PATH = f"{OWN_PATH}/selection"


def create_collection(portal_url):
    """A Collection in OWN of news, events and pages, published. Its query has no path:
    plone.app.querystring searches the navigation root, here the school."""
    post(
        portal_url,
        OWN_PATH,
        CREATORS[OWN],
        {
            "@type": "Collection",
            "id": "selection",
            "title": "Sélection",
            "query": [
                {"i": "portal_type", "o": "plone.app.querystring.operation.selection.any", "v": list(LISTED_TYPES)}
            ],
            "sort_on": "effective",
            "item_count": 50,
        },
    )
    transition(portal_url, COLLECTION_PATH, CREATORS[OWN], "publish")


def assign(context, column, name, assignment):
    manager = getUtility(IPortletManager, name=column, context=context)
    getMultiAdapter((context, manager), IPortletAssignmentMapping)[name] = assignment


def add_portlets(portal):
    """News, events and calendar portlets on the portal root (the schools inherit them);
    collection and navigation portlets on the school OWN."""
    from plone.app.event.portlets import portlet_calendar
    from plone.app.event.portlets import portlet_events
    from plone.app.portlets.portlets import navigation
    from plone.app.portlets.portlets import news
    from plone.portlet.collection import collection

    # Both published states: for everyone ("published") and for an audience ("internal").
    states = ("published", "internal")
    assign(portal, "plone.leftcolumn", "news", news.Assignment(count=20, state=states))
    assign(portal, "plone.leftcolumn", "events", portlet_events.Assignment(count=20, state=states))
    assign(portal, "plone.leftcolumn", "calendar", portlet_calendar.Assignment(state=states))
    school = portal.unrestrictedTraverse(OWN_PATH)
    selection = portal.unrestrictedTraverse(COLLECTION_PATH)
    assign(
        school,
        "plone.rightcolumn",
        "collection",
        collection.Assignment(header="Sélection", uid=selection.UID(), limit=50),
    )
    assign(school, "plone.rightcolumn", "navigation", navigation.Assignment(bottomLevel=0))


def enable_feeds(portal):
    """Syndication (RSS, Atom) on the folders and the collection; the sitemap."""
    for path in (
        f"{OWN_PATH}/actualites",
        f"{OWN_PATH}/agenda",
        f"{OWN_PATH}/documents",
        "actualites",
        COLLECTION_PATH,
    ):
        settings = IFeedSettings(portal.unrestrictedTraverse(path))
        settings.enabled = True
        settings.feed_types = ("RSS", "rss.xml", "atom.xml")
        settings.max_items = 50
    api.portal.set_registry_record("plone.enable_sitemap", True)
    # The ENT's menus leave news items and events out (a County news section holds
    # thousands); an integrator may put them back, and security must hold then too.
    displayed = api.portal.get_registry_record("plone.displayed_types")
    api.portal.set_registry_record("plone.displayed_types", tuple(displayed) + ("News Item", "Event"))


@pytest.fixture(scope="class")
def matrix_site(functional_portal_class):
    portal = functional_portal_class
    build(portal)
    url = portal.absolute_url()
    uids = {item.key: create_item(url, item) for item in ITEMS}
    for item in ITEMS:
        if item.related:
            relate(url, item, uids)
    create_collection(url)
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        add_portlets(portal)
        enable_feeds(portal)
    transaction.commit()
    return url


# --- Asking a surface ----------------------------------------------------------------


class Client:
    """One HTTP session per viewer; each (viewer, request) is sent once for the class."""

    def __init__(self, portal_url):
        self.portal_url = portal_url
        self.sessions = {}
        self.answers = {}

    def session(self, viewer):
        if viewer not in self.sessions:
            http = requests.Session()
            if viewer:
                http.auth = (viewer, PASSWORD)
            self.sessions[viewer] = http
        return self.sessions[viewer]

    def get(self, viewer, path, accept="text/html", params=()):
        key = (viewer, "GET", path, accept, params)
        if key not in self.answers:
            url = f"{self.portal_url}/{path}".rstrip("/")
            self.answers[key] = self.session(viewer).get(
                url, headers={"Accept": accept}, params=list(params), allow_redirects=False, timeout=60
            )
        return self.answers[key]

    def post_json(self, viewer, path, data):
        key = (viewer, "POST", path, repr(data))
        if key not in self.answers:
            url = f"{self.portal_url}/{path}".rstrip("/")
            self.answers[key] = self.session(viewer).post(
                url, headers=JSON, json=data, allow_redirects=False, timeout=60
            )
        return self.answers[key]


class SurfaceBroken(Exception):
    """The surface did not answer as a surface should (e.g. no 200 for a public page)."""


def refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    # Plone's HTML challenge: whoever may not see is sent to the login form.
    return response.status_code in (301, 302, 303) and "login" in response.headers.get("Location", "")


def words_in(text: str, scope) -> dict:
    text = text.lower()
    return {key: BY_KEY[key].word.lower() in text for key in scope}


@dataclass(frozen=True)
class Surface:
    """A place where items show; `look(client, viewer)` says which items of `scope` it shows.

    `meant_only`: the surface shows what is meant for the viewer ("Mon ENT"), not all they
    may see: expected is `may_see and meant_for`.
    `plone_bug`: the surface shows nothing to anybody because of a bug of Plone (the
    reason); the test checks it stays empty, and fails the day Plone fixes it.
    """

    name: str
    scope: tuple
    meant_only: bool = field(default=False, kw_only=True)
    plone_bug: str = field(default="", kw_only=True)

    def expected(self, viewer, item):
        if self.plone_bug:
            return False
        if self.meant_only and not meant_for(viewer, item):
            return False
        return may_see(viewer, item)

    def look(self, client, viewer) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class Page(Surface):
    """A page or document (HTML, JSON, XML, iCal…): the items whose word it contains.

    `select`: CSS selector of the part of an HTML page that is the surface (a portlet, the
    global navigation…); it must be on the page, for every viewer. `refusable`: the page
    itself may be refused to some viewers (then they see none of its items).
    """

    path: str = ""
    accept: str = "text/html"
    params: tuple = ()
    select: str = ""
    gzipped: bool = False
    refusable: bool = False

    def look(self, client, viewer):
        response = client.get(viewer, self.path, self.accept, self.params)
        if self.refusable and refused(response):
            return dict.fromkeys(self.scope, False)
        if response.status_code != 200:
            raise SurfaceBroken(f"GET {self.path}: {response.status_code} {response.headers.get('Location', '')}")
        text = gzip.decompress(response.content).decode("utf-8") if self.gzipped else response.text
        if self.select:
            elements = lxml_html.fromstring(text).cssselect(self.select)
            if not elements:
                raise SurfaceBroken(f"GET {self.path}: nothing matches {self.select!r}")
            text = "".join(lxml_html.tostring(element, encoding="unicode") for element in elements)
        return words_in(text, self.scope)


@dataclass(frozen=True)
class Search(Surface):
    """A POSTed REST search (`@querystring-search`)."""

    path: str = ""
    data: tuple = ()

    def look(self, client, viewer):
        response = client.post_json(viewer, self.path, dict(self.data))
        if response.status_code != 200:
            raise SurfaceBroken(f"POST {self.path}: {response.status_code} {response.text[:200]}")
        return words_in(response.text, self.scope)


@dataclass(frozen=True)
class ItemURL(Surface):
    """Each item's own URL (plus `suffix`): 200 with the item's word, or refused."""

    accept: str = "text/html"
    suffix: str = ""

    def look(self, client, viewer):
        seen = {}
        for key in self.scope:
            item = BY_KEY[key]
            response = client.get(viewer, f"{item.path}{self.suffix}", self.accept)
            if response.status_code == 200:
                if item.word.lower() not in response.text.lower():
                    raise SurfaceBroken(f"GET {item.path}{self.suffix}: 200 without the item's title")
                seen[key] = True
            elif response.status_code == 404:
                # Refused = missing (#9): an item outside the audience answers as a
                # missing one, never 401, 403 or a log-in redirect.
                seen[key] = False
            else:
                raise SurfaceBroken(
                    f"GET {item.path}{self.suffix}: {response.status_code} {response.headers.get('Location', '')}"
                )
        return seen


REST = "application/json"
ANY = "*/*"
SEARCH = (("SearchableText", TERM),)
BIG_BATCH = (("b_size", "50"),)
DEPTH = (("expand.navigation.depth", "3"),)
CALENDAR_MONTH = (("year", str(EVENT_START.year)), ("month", str(EVENT_START.month)))
SITEMAP_PAGE = (("page", "1"),)
# The query builder's live results stop at 10: ask for the news items only.
QUERY_RECORDS = (
    ("query.i:records", "SearchableText"),
    ("query.o:records", "plone.app.querystring.operation.string.contains"),
    ("query.v:records", TERM),
    ("query.i:records", "portal_type"),
    ("query.o:records", "plone.app.querystring.operation.selection.any"),
    ("query.v:records:list", "News Item"),
)
VOCABULARY_QUERY = (
    ("name", "plone.app.vocabularies.Catalog"),
    (
        "query",
        json.dumps(
            {"criteria": [{"i": "SearchableText", "o": "plone.app.querystring.operation.string.contains", "v": TERM}]}
        ),
    ),
    ("attributes", json.dumps(["UID", "Title", "path"])),
    ("batch", json.dumps({"page": 1, "size": 50})),
)
SEARCH_FEED_BUG = (
    "Plone 6.2's SearchFeed (the portal root's RSS, @@search_rss) calls Batch(result, start, end): "
    "batches of size b_start, so always empty"
)
OWN_ITEMS = keys(school=OWN)
OWN_LISTED = keys(school=OWN, types=LISTED_TYPES)
OWN_NEWS = keys(school=OWN, types=("News Item",))
OWN_ACTUALITES = keys(f"{OWN_PATH}/actualites")
OWN_AGENDA = keys(f"{OWN_PATH}/agenda")
OWN_DOCUMENTS = keys(f"{OWN_PATH}/documents")
OTHER_NEWS = keys(school=OTHER, types=("News Item",))
COUNTY_LISTED = keys(school=None, types=LISTED_TYPES)
COUNTY_ACTUALITES = keys("actualites")
COUNTY_ROOT = keys("")
FEED = keys(types=FEED_TYPES)
OWN_PUBLIC_NEWS = BY_KEY["own-public-news"]
COUNTY_PUBLIC_PAGE = BY_KEY["county-public-page"]

SURFACES = (
    # The item's URL: its page, REST, its breadcrumbs, an event's iCal.
    ItemURL("url-html", ALL),
    ItemURL("url-rest", ALL, accept=REST),
    ItemURL("breadcrumbs-rest", ALL, accept=REST, suffix="/@breadcrumbs"),
    ItemURL("ics-event", EVENTS, suffix="/ics_view"),
    # Listings: a school's home and news (its own and the County's broadcasts to it), the
    # folders' default and other public views, REST items.
    Page("listing-own-home", OWN_NEWS + BROADCASTS, OWN_PATH, select="#content"),
    # The County home: the County's news and upcoming events (not the schools').
    Page("county-home", keys(school=None, types=("News Item", "Event")), "", select="#content"),
    Page("listing-other-home", OTHER_NEWS + ("county-other-parent-news",) + BROADCASTS, OTHER_PATH, select="#content"),
    Page("listing-own-actualites", OWN_ACTUALITES + BROADCASTS, f"{OWN_PATH}/actualites", select="#content"),
    Page(
        "listing-other-actualites",
        OTHER_NEWS + ("county-other-parent-news",) + BROADCASTS,
        f"{OTHER_PATH}/actualites",
        select="#content",
    ),
    Page("listing-own-agenda", OWN_AGENDA, f"{OWN_PATH}/agenda", select="#content"),
    Page("listing-own-documents", OWN_DOCUMENTS, f"{OWN_PATH}/documents", select="#content"),
    Page("listing-own-documents-full-view", OWN_DOCUMENTS, f"{OWN_PATH}/documents/full_view", select="#content"),
    Page("listing-own-documents-tabular-view", OWN_DOCUMENTS, f"{OWN_PATH}/documents/tabular_view", select="#content"),
    Page("listing-county-actualites", COUNTY_ACTUALITES, "actualites", select="#content"),
    Page("listing-portal-events", EVENTS, "event_listing", select="#content"),
    Page("listing-own-recently-modified", OWN_ITEMS, f"{OWN_PATH}/@@recently_modified", select="#content"),
    Page("items-rest-own-actualites", OWN_ACTUALITES, f"{OWN_PATH}/actualites", accept=REST),
    Page("items-rest-own-agenda", OWN_AGENDA, f"{OWN_PATH}/agenda", accept=REST),
    Page("items-rest-own-documents", OWN_DOCUMENTS, f"{OWN_PATH}/documents", accept=REST),
    Page("items-rest-county-actualites", COUNTY_ACTUALITES, "actualites", accept=REST),
    Page("items-rest-county-root", COUNTY_ROOT, "", accept=REST),
    # A collection (its portlet is further down) and the query builder behind collections.
    Page("collection-html", OWN_LISTED, COLLECTION_PATH, select="#content"),
    Page("collection-rest", OWN_LISTED, COLLECTION_PATH, accept=REST),
    Page("querybuilder-html-results", NEWS, "@@querybuilder_html_results", params=QUERY_RECORDS),
    Search(
        "querystring-search-rest",
        ALL,
        path="@querystring-search",
        data=(
            ("query", [{"i": "SearchableText", "o": "plone.app.querystring.operation.string.contains", "v": TERM}]),
            ("b_size", 50),
        ),
    ),
    # Navigation: global navigation, REST, the navigation portlet, the sitemap page.
    Page("globalnav-own", OWN_LISTED, OWN_PATH, select="#portal-globalnav"),
    Page("globalnav-county", COUNTY_LISTED, "", select="#portal-globalnav"),
    Page("navigation-rest-own", OWN_LISTED, f"{OWN_PATH}/@navigation", accept=REST, params=DEPTH),
    Page("navigation-rest-county", COUNTY_LISTED, "@navigation", accept=REST, params=DEPTH),
    Page(
        "contextnavigation-rest-own-actualites",
        OWN_ACTUALITES,
        f"{OWN_PATH}/actualites/@contextnavigation",
        accept=REST,
    ),
    Page(
        "navigation-portlet-own-actualites", OWN_ACTUALITES, f"{OWN_PATH}/actualites", select=".portletNavigationTree"
    ),
    Page("navigation-portlet-own-agenda", OWN_AGENDA, f"{OWN_PATH}/agenda", select=".portletNavigationTree"),
    Page("navigation-portlet-own-documents", OWN_DOCUMENTS, f"{OWN_PATH}/documents", select=".portletNavigationTree"),
    Page("sitemap-page-county", COUNTY_LISTED, "@@sitemap", select="#content"),
    # Related items of a public item: its page, REST, and @relations.
    Page("related-items-html-own", OWN_PUBLIC_NEWS.related, OWN_PUBLIC_NEWS.path, select="#section-related"),
    Page("related-items-html-county", COUNTY_PUBLIC_PAGE.related, COUNTY_PUBLIC_PAGE.path, select="#section-related"),
    Page("related-items-rest-own", OWN_PUBLIC_NEWS.related, OWN_PUBLIC_NEWS.path, accept=REST),
    Page("related-items-rest-county", COUNTY_PUBLIC_PAGE.related, COUNTY_PUBLIC_PAGE.path, accept=REST),
    Page("relations-rest", RELATED, "@relations", accept=REST, params=(("relation", "relatedItems"),), refusable=True),
    # Portlets (on a section: the homes are designed pages without portlet columns), and the
    # alert banner of announcements.
    Page("news-portlet-portal", NEWS, PORTLETS_PORTAL, select=".portletNews"),
    Page("news-portlet-own", OWN_NEWS, PORTLETS_OWN, select=".portletNews"),
    Page("events-portlet-portal", EVENTS, PORTLETS_PORTAL, select=".portletEvents"),
    Page("events-portlet-own", EVENTS, PORTLETS_OWN, select=".portletEvents"),
    Page("calendar-portlet-own", EVENTS, PORTLETS_OWN, params=CALENDAR_MONTH, select=".portlet-calendar"),
    Page("collection-portlet-own", OWN_LISTED, PORTLETS_OWN, select=".portletCollection"),
    Page(
        "alerts-own",
        keys(OWN_PATH, types=("Announcement",), also=("county-parent-alert",)),
        OWN_PATH,
        select=".ent-alerts",
    ),
    Page("alerts-county", keys("", types=("Announcement",)), "", select=".ent-alerts"),
    # Search: the search page, live search, REST, the widgets' catalog vocabulary.
    # (the search page shows 10 results a page: two searches, by type)
    Page("search-html-news", NEWS, "@@search", params=SEARCH + (("portal_type", "News Item"),), select="#content"),
    Page(
        "search-html-other-types",
        keys(types=("Document", "Event", "Announcement")),
        "@@search",
        params=SEARCH
        + (("portal_type:list", "Document"), ("portal_type:list", "Event"), ("portal_type:list", "Announcement")),
        select="#content",
    ),
    Page("search-html-own", OWN_ITEMS, f"{OWN_PATH}/@@search", params=SEARCH, select="#content"),
    Page("livesearch", ALL, "@@ajax-search", accept=REST, params=SEARCH + (("perPage", "50"),)),
    Page("search-rest", ALL, "@search", accept=REST, params=SEARCH + BIG_BATCH),
    Page("search-rest-own", OWN_ITEMS, f"{OWN_PATH}/@search", accept=REST, params=SEARCH + BIG_BATCH),
    Page("catalog-vocabulary", ALL, "@@getVocabulary", accept=REST, params=VOCABULARY_QUERY, refusable=True),
    # "Mon ENT": what is meant for the viewer, among what they may see.
    Page("mon-ent", FEED, "@@mon-ent", select="#content", refusable=True, meant_only=True),
    Page("my-feed-rest", FEED, "@my-feed", accept=REST, params=BIG_BATCH, refusable=True, meant_only=True),
    # Feeds: RSS and Atom of the folders and the collection, the search feed, iCal.
    Page("rss-own-actualites", OWN_ACTUALITES, f"{OWN_PATH}/actualites/RSS", accept=ANY),
    Page("rss-own-agenda", OWN_AGENDA, f"{OWN_PATH}/agenda/rss.xml", accept=ANY),
    Page("atom-own-documents", OWN_DOCUMENTS, f"{OWN_PATH}/documents/atom.xml", accept=ANY),
    Page("rss-county-actualites", COUNTY_ACTUALITES, "actualites/RSS", accept=ANY),
    Page("rss-collection", OWN_LISTED, f"{COLLECTION_PATH}/RSS", accept=ANY),
    Page("atom-collection", OWN_LISTED, f"{COLLECTION_PATH}/atom.xml", accept=ANY),
    Page("rss-county-root", COUNTY_ROOT, "RSS", accept=ANY, plone_bug=SEARCH_FEED_BUG),
    Page("search-rss", COUNTY_ROOT, "@@search_rss", accept=ANY, params=SEARCH, plone_bug=SEARCH_FEED_BUG),
    Page("ics-own-agenda", EVENTS, f"{OWN_PATH}/agenda/ics_view", accept=ANY),
    Page("ics-own-school", EVENTS, f"{OWN_PATH}/ics_view", accept=ANY),
    Page("ics-portal", EVENTS, "ics_view", accept=ANY),
    Page("ics-collection", EVENTS, f"{COLLECTION_PATH}/ics_view", accept=ANY),
    # The sitemap for search engines: the portal's (its first page) and the school's.
    Page("sitemap-xml", ALL, "sitemap.xml.gz", accept=ANY, params=SITEMAP_PAGE, gzipped=True),
    Page("sitemap-xml-own", OWN_ITEMS, f"{OWN_PATH}/sitemap.xml.gz", accept=ANY, params=SITEMAP_PAGE, gzipped=True),
)
assert len({surface.name for surface in SURFACES}) == len(SURFACES)


@pytest.fixture(scope="class")
def client(matrix_site):
    return Client(matrix_site)


def mismatches(surface, client) -> list:
    """Every viewer × item where the surface disagrees with the rule."""
    failures = []
    for viewer in VIEWERS:
        try:
            seen = surface.look(client, viewer)
        except SurfaceBroken as error:
            failures.append(f"{surface.name} × {viewer_name(viewer)}: broken: {error}")
            continue
        for key in surface.scope:
            if seen[key] != surface.expected(viewer, BY_KEY[key]):
                wrong = "LEAK, shown" if seen[key] else "missing"
                failures.append(f"{surface.name} × {viewer_name(viewer)} × {key}: {wrong}")
    return failures


class TestAudienceMatrix:
    """Every surface × every viewer × every item of the surface."""

    @pytest.mark.parametrize("surface", SURFACES, ids=lambda surface: surface.name)
    def test_surface(self, client, surface):
        # A public control item is in every scope: everyone must find it there.
        assert any(BY_KEY[key].public for key in surface.scope), surface.name
        failures = mismatches(surface, client)
        reason = f" (expected empty: {surface.plone_bug})" if surface.plone_bug else ""
        assert not failures, f"{len(failures)} mismatches{reason}:\n" + "\n".join(failures)
