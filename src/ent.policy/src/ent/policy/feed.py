""" "Mon ENT": what is meant for a person, from the County and from each of their schools.

One query serves the page (`@@mon-ent`) and REST (`@my-feed`): the published news items,
events and announcements whose `audience_targets` (ent.policy.audience) meet the person's
groups, newest first. The catalog adds its security filter (allowed roles and users) and
the publication window, so the feed can only narrow what Plone lets the person see.
"""

from DateTime import DateTime
from ent.policy.audience import COUNTY
from ent.policy.audience import PUBLIC
from ent.policy.audience import PUBLISHED_STATES
from ent.policy.groups import school_of_group
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai
from plone import api
from plone.memoize import ram


#: The types of the feed, and their names in filters and pages.
FEED_TYPES = {
    "News Item": "Actualité",
    "Event": "Événement",
    "Announcement": "Annonce",
}
COUNTY_TITLE = "Département"


class FeedError(ValueError):
    """A filter of the feed is wrong; the message names the value."""


def person_groups(user) -> list:
    """The ids of the groups of `user` (the directory's and Plone's)."""
    return [group for group in (user.getGroups() or []) if group]


def person_schools(groups) -> list:
    """The UAIs of the schools a person belongs to, from their `{uai}-{profile}` groups."""
    schools = []
    for group in groups:
        found = school_of_group(group)
        if found is not None and found[1] != "editors" and found[0] not in schools:
            schools.append(found[0])
    return schools


def check_filters(school=None, types=None, schools=()) -> tuple:
    """The filters, checked: `school` is "county" or one of the person's schools."""
    if school:
        if school != COUNTY:
            try:
                school = normalize_uai(school)
            except InvalidUAI as error:
                raise FeedError(str(error)) from None
            if school not in schools:
                raise FeedError(f"{school!r} is not one of your schools ({', '.join(schools) or 'none'})")
    wanted = []
    for name in types or ():
        if name not in FEED_TYPES:
            raise FeedError(f"{name!r} is not a type of the feed (one of: {', '.join(FEED_TYPES)})")
        wanted.append(name)
    return school or None, wanted or list(FEED_TYPES)


def feed_query(groups, school=None, types=None) -> dict:
    """The catalog query of the feed of a person in `groups`."""
    schools = person_schools(groups)
    school, types = check_filters(school, types, schools)
    query = {
        "portal_type": types,
        "audience_targets": [*groups, PUBLIC],
        "review_state": list(PUBLISHED_STATES),
        # Editors may see items outside their window elsewhere; the feed is what is current.
        "effectiveRange": DateTime(),
        "sort_on": "effective",
        "sort_order": "descending",
    }
    if school:
        query["origin"] = school
    return query


def my_feed(user, school=None, types=None, b_start=0, b_size=None):
    """The feed of `user` as catalog brains (lazy), newest first.

    With `b_size`, the catalog sorts only what the page needs (plone.batching knows such
    results: `actual_result_count` gives the total).
    """
    query = feed_query(person_groups(user), school=school, types=types)
    return search(query, b_start, b_size)


def search(query, b_start=0, b_size=None):
    if b_size:
        query.update(b_start=b_start, b_size=b_size)
    return api.portal.get_tool("portal_catalog").searchResults(**query)


def _titles_key(function):
    """Until the catalog changes: a school renamed or added is seen at once."""
    catalog = api.portal.get_tool("portal_catalog")
    return ("/".join(catalog.getPhysicalPath()), catalog.getCounter())


@ram.cache(_titles_key)
def school_titles() -> dict:
    """UAI → school name, for saying where each entry comes from (names are public)."""
    catalog = api.portal.get_tool("portal_catalog")
    titles = {brain.school_uai: brain.Title for brain in catalog.unrestrictedSearchResults(portal_type="School")}
    titles[COUNTY] = COUNTY_TITLE
    return titles


def origin_title(origin, titles) -> str:
    return titles.get(origin or COUNTY, origin or COUNTY_TITLE)


def site_items(context, types=("News Item",), b_start=0, b_size=None):
    """What shows on the site of `context`: its own items and the County's broadcasts to it.

    A school's site shows its items and the County items that target it (one object per
    broadcast, whatever the number of schools); the County portal shows County items.
    Security applies: a person sees the entries meant for them, editors their drafts.
    """
    from ent.policy.audience import site_tokens

    query = {
        "portal_type": list(types),
        "audience_sites": site_tokens(context),
        "sort_on": "effective",
        "sort_order": "descending",
    }
    return search(query, b_start, b_size)


def current_alerts(context):
    """The published announcements of the site of `context` whose window is open now.

    Their window is also their publication window, so after their end time the catalog
    drops them for everyone; the explicit `start`/`end` bounds keep editors (who may see
    items outside their window) from seeing a finished banner. Date indexes count in
    minutes: the exact times, kept as catalog metadata, decide to the second.
    """
    from ent.policy.audience import site_tokens

    now = DateTime()
    brains = api.portal.get_tool("portal_catalog").searchResults(
        portal_type="Announcement",
        audience_sites=site_tokens(context),
        review_state=list(PUBLISHED_STATES),
        start={"query": now, "range": "max"},
        end={"query": now, "range": "min"},
        effectiveRange=now,
        sort_on="start",
        sort_order="descending",
    )
    return [brain for brain in brains if brain.start <= now < brain.end]


def site_events(context, limit):
    """The next published events of the site of `context` (those going on now included),
    soonest first: its own and the County's meant for it, as the reader may view them (the
    County home, a school's home)."""
    from ent.policy.audience import site_tokens

    now = DateTime()
    brains = api.portal.get_tool("portal_catalog").searchResults(
        portal_type="Event",
        audience_sites=site_tokens(context),
        review_state=list(PUBLISHED_STATES),
        end={"query": now, "range": "min"},
        effectiveRange=now,
        sort_on="start",
        sort_limit=limit,
    )
    return list(brains[:limit])
