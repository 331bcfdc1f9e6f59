"""The agenda pages (`@@agenda`: the County's on `/culture-loisirs`, a school's on its
`agenda` folder, County broadcasts included) and their iCal feeds (`@@agenda.ics`).

What they list comes from ent.policy.agenda, a catalog query made as the reader (or, for a
personal subscription, as the person its token stands for).
"""

from ent.policy.agenda import feed_events
from ent.policy.agenda import is_broadcast
from ent.policy.agenda import past_events
from ent.policy.agenda import subscriber
from ent.policy.agenda import subscription_token
from ent.policy.agenda import upcoming_events
from ent.policy.audience import PUBLISHED_STATES
from ent.policy.categories import CATEGORIES
from ent.policy.categories import CATEGORY_TITLES
from ent.policy.dates import local
from ent.policy.dates import MONTHS
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from plone import api
from plone.app.event.ical.exporter import construct_icalendar
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zExceptions import NotFound


#: The months on an event's date badge (the usual French abbreviations).
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ICAL_VIEW = "agenda.ics"


def clock(moment) -> str:
    """ "9 h", "18 h 30", with non-breaking spaces (a line never breaks before "h")."""
    minutes = f"\u00a0{moment.minute:02d}" if moment.minute else ""
    return f"{moment.hour}\u00a0h{minutes}"


def day_text(moment) -> str:
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{WEEKDAYS[moment.weekday()]} {day} {MONTHS[moment.month - 1]} {moment.year}"


def when(start, end) -> str:
    """An event's dates in French: "samedi 12 décembre 2026, de 9 h à 18 h"; a whole day
    (plone.app.event stores it 0:00 to 23:59) without hours."""
    start, end = local(start), local(end) or local(start)
    whole_day = (start.hour, start.minute) == (0, 0) and (end.hour, end.minute) == (23, 59)
    if start.date() == end.date():
        if whole_day:
            return day_text(start)
        if start == end:
            return f"{day_text(start)}, à {clock(start)}"
        return f"{day_text(start)}, de {clock(start)} à {clock(end)}"
    if whole_day:
        return f"du {day_text(start)} au {day_text(end)}"
    return f"du {day_text(start)}, {clock(start)}, au {day_text(end)}, {clock(end)}"


def webcal(url: str) -> str:
    """The address a calendar application subscribes to (`webcal://`, the same resource)."""
    return "webcal://" + url.split("://", 1)[-1]


class AgendaView(BrowserView):
    """The agenda of the site of the folder: upcoming events soonest first, then past ones
    by month; `?category=` filters (a GET link: no script needed)."""

    def __call__(self):
        wanted = self.request.form.get("category", "")
        self.category = wanted if wanted in CATEGORY_TITLES else ""
        self.titles = school_titles()
        return self.index()

    def filters(self):
        base = self.context.absolute_url()
        choices = [("", None), *CATEGORIES]
        return [
            {
                "value": value,
                "title": title,
                "url": f"{base}?{urlencode({'category': value})}" if value else base,
                "current": value == self.category,
            }
            for value, title in choices
        ]

    def category_title(self):
        return CATEGORY_TITLES.get(self.category, "")

    def entry(self, brain):
        start = local(brain.start)
        return {
            "url": brain.getURL(),
            "title": brain.Title,
            "description": brain.Description,
            "when": when(brain.start, brain.end),
            "datetime": start.isoformat(),
            "day": start.day,
            "month": SHORT_MONTHS[start.month - 1],
            "location": brain.location,
            "categories": [CATEGORY_TITLES[c] for c in brain.event_category or () if c in CATEGORY_TITLES],
            "broadcast": is_broadcast(brain, self.context),
            "origin_title": origin_title(brain.origin, self.titles),
            "draft": brain.review_state not in PUBLISHED_STATES,
        }

    def upcoming(self):
        return [self.entry(brain) for brain in upcoming_events(self.context, self.category)]

    def past_months(self):
        """The past events grouped by month, latest first: [{"title", "events"}]."""
        months = []
        for brain in past_events(self.context, self.category):
            start = local(brain.start)
            title = f"{MONTHS[start.month - 1].capitalize()} {start.year}"
            if not months or months[-1]["title"] != title:
                months.append({"title": title, "events": []})
            months[-1]["events"].append(self.entry(brain))
        return months

    # Subscriptions

    def ical_url(self, token=None):
        query = {}
        if self.category:
            query["category"] = self.category
        if token:
            query["token"] = token
        url = f"{self.context.absolute_url()}/{ICAL_VIEW}"
        return f"{url}?{urlencode(query)}" if query else url

    def webcal_url(self):
        return webcal(self.ical_url())

    def personal_url(self):
        """The reader's own subscription address (with their secret token), None for anonymous."""
        if api.user.is_anonymous():
            return None
        token = subscription_token(api.user.get_current().getId())
        return self.ical_url(token) if token else None

    def personal_webcal_url(self):
        url = self.personal_url()
        return webcal(url) if url else None


class AgendaICal(BrowserView):
    """The agenda as an iCalendar feed: what the requester may view, published, from a year
    ago on. `?token=` (a personal subscription) makes it as the person the token stands
    for; a wrong or revoked token answers 404, never someone else's or the public feed."""

    def __call__(self):
        token = self.request.form.get("token")
        wanted = self.request.form.get("category", "")
        self.category = wanted if wanted in CATEGORY_TITLES else None
        if token:
            user = subscriber(token)
            if user is None:
                raise NotFound("unknown subscription")
            with api.env.adopt_user(user=user):
                data = self.calendar()
        else:
            data = self.calendar()
        response = self.request.response
        response.setHeader("Content-Type", "text/calendar; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{self.filename()}"')
        if token or not api.user.is_anonymous():
            # Someone's own events: no shared cache keeps them.
            response.setHeader("Cache-Control", "private, no-store")
        return data

    def filename(self):
        return f"{self.context.getId()}.ics"

    def calendar(self) -> bytes:
        brains = feed_events(self.context, self.category)
        calendar = construct_icalendar(self.context, [brain.getObject() for brain in brains])
        calendar.add("x-wr-calname", self.calendar_name())
        return calendar.to_ical()

    def calendar_name(self):
        from ent.policy.content.school import containing_school

        school = containing_school(self.context)
        title = self.context.Title()
        return f"{title} – {school.Title()}" if school is not None else title
