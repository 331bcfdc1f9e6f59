"""Caching is on in a new site (profiles/default/registry/caching.xml), and
`ent.policy.caching.setup.enable_caching` (for the upgrade of a site made before it) gives a
site whose caching was never set up the same settings, twice without harm."""

from ent.policy.caching.setup import enable_caching
from plone import api


RECORDS = (
    "plone.caching.interfaces.ICacheSettings.enabled",
    "plone.caching.interfaces.ICacheSettings.operationMapping",
    "plone.cachepurging.interfaces.ICachePurgingSettings.enabled",
    "plone.cachepurging.interfaces.ICachePurgingSettings.cachingProxies",
)


def test_a_new_site_caches_with_the_ents_operations(portal):
    assert api.portal.get_registry_record(RECORDS[0]) is True
    mapping = api.portal.get_registry_record(RECORDS[1])
    assert mapping["plone.content.folderView"] == mapping["plone.content.itemView"] == "ent.caching.publicPage"
    assert mapping["plone.content.dynamic"] == "plone.app.caching.noCaching"
    # No proxy in the registry: ENT_PURGE_URL names it.
    assert api.portal.get_registry_record(RECORDS[3]) == ()


def test_enable_caching_gives_an_older_site_the_same_settings(portal):
    expected = {name: api.portal.get_registry_record(name) for name in RECORDS}
    api.portal.set_registry_record(RECORDS[0], False)
    api.portal.set_registry_record(RECORDS[1], {})
    api.portal.set_registry_record(RECORDS[2], False)
    enable_caching()
    enable_caching()
    assert {name: api.portal.get_registry_record(name) for name in RECORDS} == expected
