"""GET @my-spaces: the spaces of the person asking, with what is new in each since their
last visit (ent.policy.workspaces.activity)."""

from ent.policy.dates import local_iso
from ent.policy.services.batching import batched
from ent.policy.workspaces.activity import summaries
from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized


def activity_json(activity):
    if activity is None:
        return None
    return {
        "kind": activity.kind,
        "title": activity.title,
        "@id": activity.url,
        "@type": activity.portal_type,
        "author": activity.author,
        "date": local_iso(activity.when),
    }


def summary_json(summary):
    visit = summary.last_visit
    # The instants with the site's offset, as @my-feed gives them.
    return {
        "@id": summary.url,
        "@type": "Workspace",
        "UID": summary.uid,
        "title": summary.title,
        "description": summary.description,
        "new": summary.new,
        "last_visit": local_iso(visit) if visit else None,
        "last_activity": activity_json(summary.last_activity),
    }


class MySpacesGet(Service):
    """`items` (the spaces, those with something new first), `items_total`, `batching`."""

    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized("Log in to see your spaces.")
        return batched(self.request, summaries(), summary_json)
