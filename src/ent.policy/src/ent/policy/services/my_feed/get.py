"""GET @my-feed: the "Mon ENT" feed of the person asking (ent.policy.feed)."""

from ent.policy.dates import local_iso
from ent.policy.feed import FeedError
from ent.policy.feed import my_feed
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from ent.policy.services.batching import batch_window
from plone import api
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.component import getMultiAdapter


#: Catalog metadata every entry carries, besides plone.restapi's summary.
FIELDS = ("origin", "effective", "start", "end", "audience", "review_state")
DATES = ("effective", "start", "end")


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
        result = getMultiAdapter((brains, self.request), ISerializeToJson)(fullobjects=False)
        titles = school_titles()
        for item in result["items"]:
            item["origin_title"] = origin_title(item.get("origin"), titles)
            # The same instants, with the site's offset (Europe/Paris) as the pages show them.
            for name in DATES:
                if item.get(name):
                    item[name] = local_iso(item[name])
        return result
