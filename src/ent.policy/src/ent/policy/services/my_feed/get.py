"""GET @my-feed: the "Mon ENT" feed of the person asking (ent.policy.feed)."""

from ent.policy.feed import FeedError
from ent.policy.feed import my_feed
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from plone import api
from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.component import getMultiAdapter


#: Catalog metadata every entry carries, besides plone.restapi's summary.
FIELDS = ("origin", "effective", "start", "end", "audience", "review_state")


class MyFeedGet(Service):
    """`items`, `items_total` and `batching` like @search; `?school=` and `?portal_type=` filter."""

    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized("Log in to see your feed.")
        form = self.request.form
        types = form.get("portal_type") or []
        if isinstance(types, str):
            types = [types]
        try:
            b_size = int(form.get("b_size", DEFAULT_BATCH_SIZE))
            b_start = int(form.get("b_start", 0))
        except ValueError:
            raise BadRequest("b_size and b_start are numbers") from None
        if b_size < 1 or b_start < 0:
            raise BadRequest("b_size must be positive and b_start not negative")
        try:
            brains = my_feed(
                api.user.get_current(), school=form.get("school"), types=types, b_start=b_start, b_size=b_size
            )
        except FeedError as error:
            raise BadRequest(str(error)) from None
        form["metadata_fields"] = list(FIELDS)
        result = getMultiAdapter((brains, self.request), ISerializeToJson)(fullobjects=False)
        titles = school_titles()
        for item in result["items"]:
            item["origin_title"] = origin_title(item.get("origin"), titles)
        return result
