"""The agendas: the County's (`/culture-loisirs`) and each school's (`/colleges/{uai}/agenda`),
as pages (ent.policy.browser.agenda) and iCal feeds.

An agenda lists the events of its site: on the County portal the County's events, on a
school's site its own events and the County's events that target it (one object shown on
each targeted school's agenda, as County news are: `audience.site_tokens`). The catalog's
own security decides what each reader finds (allowed roles, publication window): the query
is made as the reader, never as a more powerful user.

A calendar application subscribes without a cookie. The feed's plain address gives what
anonymous visitors may view (public events); a person's subscription address carries a
secret token (`subscription_token`) that stands for them: the feed is then made as them,
and holds what they may view, and nothing more.
"""

from DateTime import DateTime
from ent.policy.audience import PUBLISHED_STATES
from ent.policy.audience import site_tokens
from ent.policy.categories import CATEGORY_TITLES
from ent.policy.content.school import containing_school
from plone import api
from plone.keyring.interfaces import IKeyManager
from plone.keyring.keyring import Keyring
from zope.component import getUtility

import hashlib
import hmac


#: The agenda page (ent.policy.browser.agenda), the layout of the agendas' folders.
AGENDA_VIEW = "agenda"
#: The County's agenda, a section of the portal (structure.SECTIONS).
COUNTY_AGENDA = "culture-loisirs"
#: A school's agenda section (content.school.SECTIONS).
SCHOOL_AGENDA = "agenda"
#: The layout of a school's agenda before the agenda page (plone.app.event's).
OLD_SCHOOL_AGENDA_VIEW = "event_listing"
#: How far back the page shows past events, and the feed carries them.
PAST_DAYS = 365
PAST_LIMIT = 60


class UnknownCategory(ValueError):
    """The category filter names no category."""


def agenda_query(context, category=None) -> dict:
    """The catalog query of the events of the agenda of `context`'s site."""
    query = {"portal_type": "Event", "audience_sites": site_tokens(context)}
    if category:
        if category not in CATEGORY_TITLES:
            raise UnknownCategory(category)
        query["event_category"] = category
    return query


def search(query):
    return api.portal.get_tool("portal_catalog").searchResults(**query)


def upcoming_events(context, category=None, now=None):
    """The events not over yet (those going on now included), soonest first."""
    now = now or DateTime()
    return search({**agenda_query(context, category), "end": {"query": now, "range": "min"}, "sort_on": "start"})


def past_events(context, category=None, now=None, limit=PAST_LIMIT):
    """The events over in the last PAST_DAYS days, latest first, at most `limit`."""
    now = now or DateTime()
    query = {
        **agenda_query(context, category),
        "end": {"query": (now - PAST_DAYS, now), "range": "min:max"},
        "sort_on": "start",
        "sort_order": "descending",
        "sort_limit": limit,
    }
    return list(search(query)[:limit])


def feed_events(context, category=None, now=None):
    """The events of the iCal feed: published ones (a calendar carries no draft), from
    PAST_DAYS ago on."""
    now = now or DateTime()
    return search(
        {
            **agenda_query(context, category),
            "review_state": list(PUBLISHED_STATES),
            "effectiveRange": now,
            "end": {"query": now - PAST_DAYS, "range": "min"},
            "sort_on": "start",
        }
    )


def is_broadcast(brain, context) -> bool:
    """Whether the event is a County event shown on the school's agenda of `context`."""
    return containing_school(context) is not None and getattr(brain, "origin", None) == "county"


# Personal subscriptions ------------------------------------------------------------


#: The keyring of the subscription tokens, our own: Plone rotates its `_system` ring every
#: week (plone.protect), which would break every subscription.
SUBSCRIPTION_RING = "ent.agenda"


def ensure_subscription_ring():
    """Create the keyring of the subscription tokens if it does not exist (setup, upgrade).
    Rotating it (`getUtility(IKeyManager).rotate("ent.agenda")`) revokes every token."""
    manager = getUtility(IKeyManager)
    if SUBSCRIPTION_RING not in manager:
        manager[SUBSCRIPTION_RING] = Keyring()
        manager[SUBSCRIPTION_RING].fill()


def _signature(userid: str) -> str | None:
    manager = getUtility(IKeyManager)
    if SUBSCRIPTION_RING not in manager:
        return None  # a site not set up for subscriptions yet: no token is valid
    secret = manager.secret(SUBSCRIPTION_RING)
    return hmac.new(secret.encode(), f"ent-agenda:{userid}".encode(), hashlib.sha256).hexdigest()[:32]


def subscription_token(userid: str) -> str | None:
    """The secret of `userid`'s personal subscriptions (the same for every agenda), None
    when the site has no subscription keyring."""
    signature = _signature(userid)
    return f"{userid}:{signature}" if signature else None


def subscriber(token: str):
    """The user a token stands for, or None (a wrong, altered or revoked token; a person no
    longer in the directory)."""
    userid, _sep, signature = (token or "").rpartition(":")
    expected = _signature(userid) if userid else None
    if not expected or not hmac.compare_digest(signature, expected):
        return None
    return api.user.get(userid=userid)


# Setup (also for existing sites: upgrade) --------------------------------------------


def set_agenda_views(portal):
    """The agenda page as the view of `/culture-loisirs` and of every school's agenda
    (unless an administrator chose another view than Plone's event listing), and the
    keyring of the personal subscriptions."""
    ensure_subscription_ring()
    section = portal.get(COUNTY_AGENDA)
    if section is not None and getattr(section.aq_base, "layout", None) in (None, "", "listing_view"):
        section.setLayout(AGENDA_VIEW)
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="School"):
        set_school_agenda_view(brain._unrestrictedGetObject())


def set_school_agenda_view(school):
    agenda = school.get(SCHOOL_AGENDA)
    if agenda is not None and getattr(agenda.aq_base, "layout", None) in (None, "", OLD_SCHOOL_AGENDA_VIEW):
        agenda.setLayout(AGENDA_VIEW)
