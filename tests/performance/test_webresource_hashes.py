"""The bundles' hashes kept a minute (ent.policy.patches.webresources): the same addresses and
integrity attributes as Plone computes, no file read again at the next page, and a changed
file gets its new address at once through the resource registry, within the minute otherwise."""

from ent.policy.interfaces import IEntPolicyLayer
from ent.policy.patches import webresources
from Products.CMFPlone.resources import utils
from Products.CMFPlone.resources.browser.resource import REQUEST_CACHE_KEY
from Products.CMFPlone.resources.browser.resource import ResourceView
from Products.CMFPlone.resources.browser.resource import update_resource_registry_mtime
from Products.CMFPlone.resources.utils import get_override_directory
from Products.CMFPlone.resources.webresource import PloneBaseResource
from zope.globalrequest import setRequest
from zope.interface import alsoProvides
from zope.interface import noLongerProvides

import pytest
import re


#: A bundle file of every page, and its place in the resource overrides.
FILE = "++plone++static/plone-fullscreen/fullscreen.css"
OVERRIDE = "static/plone-fullscreen/fullscreen.css"


@pytest.fixture
def page(portal, monkeypatch):
    """render(): the scripts and style sheets of a page, as a new request renders them."""
    monkeypatch.setattr(webresources, "_hashes", {})
    request = portal.REQUEST
    setRequest(request)
    alsoProvides(request, IEntPolicyLayer)  # as traversing an ENT site does

    def render():
        if hasattr(request, REQUEST_CACHE_KEY):
            delattr(request, REQUEST_CACHE_KEY)
        view = ResourceView(portal, request, None, None)
        view.update()
        return view.rendered["js"] + view.rendered["css"]

    return render


def address(html, path=FILE):
    found = re.search(r"\+\+webresource\+\+([0-9a-f-]+)/" + re.escape(path), html)
    assert found, html
    return found.group(1)


def test_the_same_addresses_and_integrity_as_plone(page, monkeypatch):
    kept = page()
    monkeypatch.setattr(PloneBaseResource, "file_hash", webresources._upstream)
    assert page() == kept
    assert address(kept) and 'integrity="sha384-' in kept


def test_no_file_is_read_again_at_the_next_page(page, monkeypatch):
    page()
    reads = []
    original = utils.get_resource
    monkeypatch.setattr(
        "Products.CMFPlone.resources.webresource.get_resource",
        lambda context, path: reads.append(path) or original(context, path),
    )
    page()
    assert reads == []


def test_a_change_through_the_registry_is_seen_at_once(page):
    before = address(page())
    get_override_directory(None).writeFile(OVERRIDE, b"body { color: #123456; }")
    update_resource_registry_mtime()
    assert address(page()) != before


def test_another_change_is_seen_within_the_minute(page, monkeypatch):
    before = address(page())
    get_override_directory(None).writeFile(OVERRIDE, b"body { color: #654321; }")
    assert address(page()) == before  # kept: the registry did not change
    later = webresources.monotonic() + webresources.TTL + 1
    monkeypatch.setattr(webresources, "monotonic", lambda: later)
    assert address(page()) != before


def test_another_plone_site_hashes_as_plone(page, portal):
    noLongerProvides(portal.REQUEST, IEntPolicyLayer)
    page()
    assert webresources._hashes == {}
