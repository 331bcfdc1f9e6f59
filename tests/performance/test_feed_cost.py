""" "Mon ENT" at scale (issue 15): what a request of the feed costs, counted rather than timed.

At 50,000 items the time of @my-feed went into loading each entry's object from the
database (plone.volto's summary fields are not catalog metadata), and a quarter of
@@mon-ent's into plone.app.event's events portlet. Counted here: objects woken, portlets
rendered; the same answers as before.
"""

from lxml import html as lxml_html
from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain
from support.audience_site import OWN
from support.audience_site import session

import pytest


own = OWN.lower()


@pytest.fixture
def woken(monkeypatch):
    """The catalog entries whose object was loaded (the served site runs in this process)."""
    paths = []
    original = AbstractCatalogBrain.getObject

    def counting(self, *args, **kwargs):
        paths.append(self.getPath())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AbstractCatalogBrain, "getObject", counting)
    return paths


@pytest.fixture
def volto_summary():
    """plone.volto's summary fields, as the served instance has them (plone.volto is loaded
    there through z3c.autoinclude; the test layers do not load it)."""
    from plone.restapi.interfaces import IJSONSummarySerializerMetadata
    from plone.volto.summary import JSONSummarySerializerMetadata
    from zope.component import getGlobalSiteManager

    registry = getGlobalSiteManager()
    utility = JSONSummarySerializerMetadata()
    registry.registerUtility(utility, IJSONSummarySerializerMetadata, name="plone.volto.summary_serializer_metadata")
    yield
    registry.unregisterUtility(utility, IJSONSummarySerializerMetadata, name="plone.volto.summary_serializer_metadata")


def test_my_feed_is_read_from_the_catalog_alone(url, items, volto_summary, woken):
    response = session(f"{own}.parent").get(f"{url}/@my-feed", timeout=60)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["items_total"] == 6
    assert woken == []
    entry = data["items"][0]
    # The summary keeps its fields: those of the catalog with their values, plone.volto's
    # (no such field on the feed's types) null.
    assert entry["title"] == items["own-event"]
    assert entry["@type"] == "Event"
    assert entry["type_title"]
    assert entry["start"].startswith("2026-12-15T19:00:00")
    for name in ("head_title", "nav_title", "image_field"):
        assert entry[name] is None


def test_mon_ent_renders_no_portlet_column(functional_portal, url, items):
    """The portal's portlets (Plone puts news and events portlets on a new site's root)."""
    from plone.app.event.portlets import portlet_events
    from plone.app.portlets.portlets import news
    from plone.portlets.interfaces import IPortletAssignmentMapping
    from plone.portlets.interfaces import IPortletManager
    from zope.component import getMultiAdapter
    from zope.component import getUtility

    import transaction

    states = ("published", "internal")
    for column, name, assignment in (
        ("plone.leftcolumn", "test-news", news.Assignment(count=5, state=states)),
        ("plone.rightcolumn", "test-events", portlet_events.Assignment(count=5, state=states)),
    ):
        manager = getUtility(IPortletManager, name=column, context=functional_portal)
        getMultiAdapter((functional_portal, manager), IPortletAssignmentMapping)[name] = assignment
    transaction.commit()
    reader = session(f"{own}.parent")
    section = reader.get(f"{url}/actualites", headers={"Accept": "text/html"}, timeout=60)
    assert lxml_html.fromstring(section.text).cssselect(".portletEvents")  # elsewhere, the portlets
    response = reader.get(f"{url}/@@mon-ent", headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200
    assert response.status_code == 200
    page = lxml_html.fromstring(response.text)
    assert page.cssselect(".ent-feed-entry")
    assert page.cssselect("#portal-column-one, #portal-column-two, .portlet") == []
