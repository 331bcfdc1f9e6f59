"""plone.app.event's "Événements à venir" portlet, for the site it is shown on.

Upstream, it lists every upcoming event under the navigation root: on the County portal the
public events of every school (two collèges' "Portes ouvertes" side by side), and on a
school's site none of the County's events broadcast to it. On the ENT it lists the events
of the page's site as its agenda does (`ent.policy.agenda`: the site's own and the County's
meant for it, as the reader may view them) and links to that agenda. A portlet given a
search base (a collection, a folder) by an editor keeps upstream's behaviour.
"""

from Acquisition import aq_inner
from ent.policy.agenda import COUNTY_AGENDA
from ent.policy.agenda import SCHOOL_AGENDA
from ent.policy.audience import site_tokens
from ent.policy.content.school import containing_school
from plone import api
from plone.app.event.base import get_events
from plone.app.event.base import localized_now
from plone.app.event.base import RET_MODE_ACCESSORS
from plone.app.event.portlets.portlet_events import Renderer
from plone.memoize.view import memoize


def site_agenda(context):
    """The agenda of the site of `context` (a school's `agenda`, the County's
    `/culture-loisirs`), None when it is missing."""
    school = containing_school(context)
    if school is not None:
        return school.get(SCHOOL_AGENDA)
    return api.portal.get().get(COUNTY_AGENDA)


class SiteEventsRenderer(Renderer):
    def update(self):
        super().update()
        if self.search_base is not None:
            return
        agenda = site_agenda(aq_inner(self.context))
        if agenda is not None:
            url = agenda.absolute_url()
            self.next_url = url
            self.prev_url = f"{url}#ent-agenda-past-title"

    @property
    @memoize
    def events(self):
        if self.search_base is not None:
            return super().events
        context = aq_inner(self.context)
        query = {}
        if self.data.state:
            query["review_state"] = self.data.state
        return get_events(
            context,
            start=localized_now(context),
            ret_mode=RET_MODE_ACCESSORS,
            expand=True,
            limit=self.data.count,
            path="/".join(api.portal.get().getPhysicalPath()),
            audience_sites=site_tokens(context),
            **query,
        )
