""" "Mon ENT": the page a person lands on after logging in (ent.policy.feed)."""

from ent.policy.audience import COUNTY
from ent.policy.cases.screen import case_query
from ent.policy.cases.screen import case_row
from ent.policy.dates import french_datetime
from ent.policy.feed import COUNTY_TITLE
from ent.policy.feed import FEED_TYPES
from ent.policy.feed import FeedError
from ent.policy.feed import my_feed
from ent.policy.feed import origin_title
from ent.policy.feed import person_groups
from ent.policy.feed import person_schools
from ent.policy.feed import school_titles
from ent.policy.i18n import _
from plone import api
from plone.base.interfaces import IRedirectAfterLogin
from plone.batching import Batch
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zExceptions import Unauthorized
from zope.interface import implementer


PAGE_SIZE = 20
#: The person's cases shown in "Mes démarches", most recently changed first.
CASES_SHOWN = 20


class MonEntView(BrowserView):
    """The person's feed: filters by school and type, 20 entries a page."""

    page_title = _("My ENT")

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized("Mon ENT")
        # The page is the person's own feed, over the whole width as the homes are: the
        # portal's portlet columns repeated its news and events for whoever may view them,
        # and plone.app.event's events portlet (each date formatted from the woken object)
        # took a quarter of the page's time.
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        form = self.request.form
        self.school = form.get("school") or ""
        self.type = form.get("type") or ""
        self.titles = school_titles()
        user = api.user.get_current()
        self.schools = person_schools(person_groups(user))
        self.error = None
        try:
            b_start = max(int(form.get("b_start", 0)), 0)
        except ValueError:
            b_start = 0
        try:
            brains = my_feed(
                user,
                school=self.school or None,
                types=[self.type] if self.type else None,
                b_start=b_start,
                b_size=PAGE_SIZE,
            )
        except FeedError as error:
            self.error = str(error)
            brains = []
            self.request.response.setStatus(400)
        self.batch = Batch(brains, PAGE_SIZE, b_start)
        return self.index()

    def my_cases(self):
        """ "Mes démarches": the person's own cases (catalog metadata), last changed first."""
        query = case_query({}, applicant=api.user.get_current().getId())
        query.update(sort_on="modified", sort_limit=CASES_SHOWN)
        brains = api.portal.get_tool("portal_catalog")(**query)[:CASES_SHOWN]
        return [case_row(brain, self.titles) for brain in brains]

    def my_spaces(self):
        """ "Mes espaces": the person's spaces, what is new in each since the last visit."""
        from ent.policy.workspaces.activity import summaries

        return summaries()

    def my_statistics(self):
        """The usage statistics the person may read (ent.policy.stats.access): the County's
        dashboard for its administrators, their school's for a principal; none for others."""
        from ent.policy.stats.access import is_county_admin
        from ent.policy.stats.access import may_view

        user = api.user.get_current()
        portal_url = api.portal.get().absolute_url()
        if is_county_admin(user):
            return [{"url": f"{portal_url}/@@stats", "title": COUNTY_TITLE}]
        return [
            {"url": f"{portal_url}/colleges/{uai.lower()}/@@stats", "title": self.titles.get(uai, uai)}
            for uai in self.schools
            if may_view(user, uai)
        ]

    def aids_url(self):
        return f"{api.portal.get().absolute_url()}/aides"

    def school_options(self):
        options = [(uai, self.titles.get(uai, uai)) for uai in self.schools]
        return options + [(COUNTY, COUNTY_TITLE)]

    def type_options(self):
        return list(FEED_TYPES.items())

    def entry(self, brain):
        return {
            "url": brain.getURL(),
            "title": brain.Title,
            "description": brain.Description,
            "type": FEED_TYPES.get(brain.portal_type, brain.portal_type),
            "portal_type": brain.portal_type,
            "origin": brain.origin,
            "origin_title": origin_title(brain.origin, self.titles),
            # In the site's time zone (Plone's formatter keeps the zone the date was stored
            # in), the same words as the mails; "" for an entry never given a date.
            "date": french_datetime(brain.effective),
            "start": french_datetime(brain.start) if brain.portal_type == "Event" else "",
        }

    def page_url(self, b_start):
        query = {key: value for key, value in (("school", self.school), ("type", self.type)) if value}
        if b_start:
            query["b_start"] = b_start
        base = f"{self.context.absolute_url()}/@@mon-ent"
        return f"{base}?{urlencode(query)}" if query else base


@implementer(IRedirectAfterLogin)
class LandOnMonEnt:
    """After logging in from a home page or the log-in link, a person lands on "Mon ENT".

    A deep link (came_from a page of the site) is kept: who followed a link to a news
    item logs in to read that item.
    """

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, came_from=None, is_initial_login=False):
        root = api.portal.get_navigation_root(self.context).absolute_url()
        bare = (came_from or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
        landing_pages = {root, api.portal.get().absolute_url()}
        if (
            not bare
            or bare in landing_pages
            or bare.rsplit("/", 1)[-1] in ("login", "login_form", "logged_out", "require_login", "@@mon-ent", "mon-ent")
        ):
            return f"{root}/@@mon-ent"
        return came_from
