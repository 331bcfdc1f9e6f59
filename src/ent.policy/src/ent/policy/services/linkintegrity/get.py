"""GET @linkintegrity: what deleting items would break, naming only what the reader may view.

plone.restapi's service resolves the UIDs unrestrictedly (the summary of an item the
reader may not view) and lists every linking item's title and URL (its `accessible` flag,
which Plone's HTML form honours, is dropped). Here a UID the reader may not view is as
unknown (400), and a linking item they may not view is counted without its title, URL or
UID.
"""

from plone import api
from plone.app.linkintegrity.utils import linkintegrity_enabled
from plone.restapi.interfaces import ISerializeToJsonSummary
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.component import getMultiAdapter


NOT_ACCESSIBLE = "Élément non accessible"


def viewable(uid) -> bool:
    """Whether the reader may view the item: the catalog's own rule (allowedRolesAndUsers)."""
    return bool(api.portal.get_tool("portal_catalog")(UID=uid))


def breaches_of(item, uids):
    """The items linking to `item`; the UIDs of its contents that are linked to are added
    to `uids`, to be answered in turn (as plone.restapi does)."""
    info = item.restrictedTraverse("@@delete_confirmation_info")
    sources = []
    for breach in info.get_breaches():
        if breach["target"]["uid"] not in uids:
            uids.append(breach["target"]["uid"])
            continue
        for source in breach.get("sources", []):
            if viewable(source["uid"]):
                sources.append({"@id": source["url"], "uid": source["uid"], "title": source["title"]})
            else:
                sources.append({"@id": None, "uid": None, "title": NOT_ACCESSIBLE})
    return sources


class LinkIntegrityGet(Service):
    def reply(self):
        if not linkintegrity_enabled():
            return json_compatible([])
        uids = self.request.form.get("uids", [])
        if not uids:
            raise BadRequest('Missing parameter "uids"')
        if not isinstance(uids, list):
            uids = [uids]
        catalog = api.portal.get_tool("portal_catalog")
        result = []
        for uid in uids:
            brains = catalog(UID=uid)
            if not brains:
                raise BadRequest(f"Unknown UID: {uid}")
            item = brains[0].getObject()
            data = getMultiAdapter((item, self.request), ISerializeToJsonSummary)()
            data["breaches"] = breaches_of(item, uids)
            data["items_total"] = len(catalog(path="/".join(item.getPhysicalPath()))) - 1
            result.append(data)
        return json_compatible(result)
