"""Caching on a site made before it (the upgrade step the lead engineer writes calls
`enable_caching`): what profiles/default/registry/caching.xml gives a new site."""

from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility


#: The same as caching.xml's operationMapping.
OPERATION_MAPPING = {
    "plone.resource": "plone.app.caching.strongCaching",
    "plone.stableResource": "plone.app.caching.strongCaching",
    "plone.content.itemView": "ent.caching.publicPage",
    "plone.content.folderView": "ent.caching.publicPage",
    "plone.content.file": "ent.caching.publicPage",
    "plone.content.feed": "plone.app.caching.noCaching",
    "plone.content.dynamic": "plone.app.caching.noCaching",
}


def enable_caching(context=None):
    """Install plone.app.caching's profile if it is not, then the ENT's settings; safe twice."""
    setup = api.portal.get_tool("portal_setup")
    if setup.getLastVersionForProfile("plone.app.caching:default") == "unknown":
        setup.runAllImportStepsFromProfile("profile-plone.app.caching:default")
    registry = getUtility(IRegistry)
    registry["plone.caching.interfaces.ICacheSettings.enabled"] = True
    registry["plone.caching.interfaces.ICacheSettings.operationMapping"] = dict(OPERATION_MAPPING)
    registry["plone.cachepurging.interfaces.ICachePurgingSettings.enabled"] = True
    registry["plone.cachepurging.interfaces.ICachePurgingSettings.cachingProxies"] = ()
