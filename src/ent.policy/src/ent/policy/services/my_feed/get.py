"""GET @my-feed: the "Mon ENT" feed of the person asking (ent.policy.feed)."""

from ent.policy.dates import local_iso
from ent.policy.feed import FeedError
from ent.policy.feed import my_feed
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from ent.policy.services.batching import batch_window
from plone import api
from plone.app.contentlisting.catalog import CatalogContentListingObject
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.summary import merge_serializer_metadata_utilities_data
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.component import getMultiAdapter


#: Catalog metadata every entry carries, besides plone.restapi's summary.
FIELDS = ("origin", "effective", "start", "end", "audience", "review_state")
DATES = ("effective", "start", "end")
#: What plone.restapi computes itself rather than reading an attribute.
COMPUTED = {"type_title"}


def metadata_only(catalog) -> tuple[dict, list]:
    """plone.restapi's summary settings with only the default fields the catalog's metadata
    holds, and the names of the others.

    plone.volto adds `head_title`, `nav_title` and `image_field` to every summary; none is
    metadata, so plone.restapi woke each entry's object to read them (25 objects loaded
    from the database a page, most of the feed's time at 50,000 items). The feed's types
    have none of those fields: they are given as null, as they were.
    """
    settings = merge_serializer_metadata_utilities_data()
    held = set(catalog.schema()) | settings["non_metadata_attributes"]
    accessors = settings["field_accessors"]
    kept, left = set(), []
    for field in settings["default_metadata_fields"]:
        accessor = accessors.get(field, field)
        # The listing object's own methods (PortalType, Title…) read the catalog entry.
        if field in COMPUTED or accessor in held or accessor in vars(CatalogContentListingObject):
            kept.add(field)
        else:
            left.append(field)
    return {**settings, "default_metadata_fields": kept}, sorted(left)


class MyFeedGet(Service):
    """`items`, `items_total` and `batching` like @search; `?school=` and `?portal_type=` filter."""

    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized("Log in to see your feed.")
        form = self.request.form
        types = form.get("portal_type") or []
        if isinstance(types, str):
            types = [types]
        b_start, b_size = batch_window(form)
        try:
            brains = my_feed(
                api.user.get_current(), school=form.get("school"), types=types, b_start=b_start, b_size=b_size
            )
        except FeedError as error:
            raise BadRequest(str(error)) from None
        form["metadata_fields"] = list(FIELDS)
        # Read by plone.restapi's summary serializer from the request (its own cache).
        form["summary_serializer_metadata"], absent = metadata_only(api.portal.get_tool("portal_catalog"))
        result = getMultiAdapter((brains, self.request), ISerializeToJson)(fullobjects=False)
        titles = school_titles()
        for item in result["items"]:
            for name in absent:
                item[name] = None
            item["origin_title"] = origin_title(item.get("origin"), titles)
            # The same instants, with the site's offset (Europe/Paris) as the pages show them.
            for name in DATES:
                if item.get(name):
                    item[name] = local_iso(item[name])
        return result
