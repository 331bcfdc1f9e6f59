"""The activity of a space: its latest changes and comments, and what is new for a person
since their last visit.

Everything is read from the catalog as the reader (its `allowedRolesAndUsers` applies):
items of the space by their modification date, and comments, which plone.app.discussion
catalogs as `Discussion Item` under the item they are on. A reader sees in the activity
what they may see in the space, nothing more.

A person's last visit of a space is kept in one site-level store (an `OOBTree` keyed by
`(user id, space UID)`, so that a person's spaces are one range of keys). A page view
writes only when the space changed since the visit recorded: viewing a space where
nothing happened reads the store (and one catalog entry) and writes nothing; a person
writes once per change they see, never per page view. The write it sometimes makes is marked as safe for plone.protect (the site's own
bookkeeping on a GET, not a change the person asked for).
"""

from BTrees.OOBTree import OOBTree
from DateTime import DateTime
from ent.policy.dates import french_datetime
from persistent import Persistent
from plone import api
from plone.protect.utils import safeWrite
from plone.uuid.interfaces import IUUID
from typing import NamedTuple
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest

import time


KEY = "ent.policy.workspaces.activity"
#: "New" never reaches further back than this (seconds): a first visit, or one long ago,
#: counts the last 30 days, not the whole history of the space.
NEW_WINDOW = 30 * 24 * 3600
COMMENT = "Discussion Item"
CONVERSATION = "/++conversation++default/"


class Activity(NamedTuple):
    """One line of a space's activity."""

    kind: str  # "comment", "created" or "modified"
    title: str  # the item's title; for a comment, the item it is on
    url: str  # the item; for a comment, its anchor on the item's page
    portal_type: str
    author: str  # the user id of who made it (the catalog's `Creator`)
    when: DateTime
    date: str  # `when` in the site's zone, in French
    excerpt: str  # a comment's first words; "" for an item


class VisitStore(Persistent):
    def __init__(self):
        #: (user id, space UID) → epoch seconds of the last visit recorded.
        self.visits = OOBTree()


def get_store(site=None, create=False):
    site = site if site is not None else api.portal.get()
    annotations = IAnnotations(site)
    store = annotations.get(KEY)
    if store is None and create:
        store = annotations[KEY] = VisitStore()
        request = getRequest()
        safeWrite(site, request)
        safeWrite(site.__annotations__, request)
    return store


def _space_path(space) -> str:
    return "/".join(space.getPhysicalPath())


def _user_id(user=None) -> str:
    user = user if user is not None else api.user.get_current()
    return user.getId()


def _activity(brain) -> Activity:
    if brain.portal_type == COMMENT:
        item_url, _, comment_id = brain.getURL().rpartition(CONVERSATION)
        return Activity(
            "comment",
            brain.in_response_to or "",
            f"{item_url}#{comment_id}",
            COMMENT,
            brain.Creator or "",
            brain.modified,
            french_datetime(brain.modified),
            brain.Description or "",
        )
    created, modified = brain.created, brain.modified
    # An item saved once more within a minute of its creation is still "new".
    kind = "created" if created is not None and modified is not None and modified - created < 1 / 1440 else "modified"
    return Activity(
        kind,
        brain.Title or brain.getId,
        brain.getURL(),
        brain.portal_type,
        brain.Creator or "",
        modified,
        french_datetime(modified),
        "",
    )


def _query(path, **extra) -> dict:
    query = {
        "path": path,
        # Items and comments: a folder's date moves whenever something is added to it (and
        # the space itself is where it all happens), which says nothing new.
        "is_folderish": False,
        "sort_on": "modified",
        "sort_order": "reverse",
    }
    query.update(extra)
    return query


def _count_query(path, **extra) -> dict:
    query = _query(path, **extra)
    del query["sort_on"], query["sort_order"]
    return query


def latest(space, limit=10) -> list:
    """The `limit` latest changes and comments in `space`, newest first, as the current
    reader may see them."""
    return _latest(_space_path(space), limit)


def _latest(path, limit):
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog(**_query(path, sort_limit=limit))[:limit]
    return [_activity(brain) for brain in brains]


def new_since(space, user, when) -> int:
    """How many items and comments of `space` the current reader may see were changed after
    `when` (epoch seconds or DateTime) by someone else than `user`."""
    return _new_since(_space_path(space), user, when)


def _new_since(path, user, when) -> int:
    when = when.timeTime() if isinstance(when, DateTime) else float(when)
    when = max(when, time.time() - NEW_WINDOW)
    catalog = api.portal.get_tool("portal_catalog")
    others = {"not": _user_id(user)}
    # The `modified` index counts in whole minutes: the minutes after the visit's are
    # counted by the index alone, the visit's own minute by the items' exact dates.
    next_minute = DateTime((int(when) // 60 + 1) * 60)
    later = catalog(**_count_query(path, modified={"query": next_minute, "range": "min"}, Creator=others))
    minute = DateTime(when)
    same_minute = catalog(
        **_count_query(path, modified={"query": [minute, minute], "range": "min:max"}, Creator=others)
    )
    return len(later) + sum(1 for brain in same_minute if brain.modified.timeTime() > when)


def last_visit(space, user=None, site=None):
    """Epoch seconds of the person's last recorded visit of `space`, or None."""
    store = get_store(site)
    if store is None:
        return None
    return store.visits.get((_user_id(user), IUUID(space)))


def visits_of(user=None, site=None) -> dict:
    """space UID → epoch seconds of the last visit, for every space the person visited."""
    store = get_store(site)
    if store is None:
        return {}
    user_id = _user_id(user)
    return {uid: when for (_, uid), when in store.visits.items(min=(user_id, ""), max=(user_id, "\uffff"))}


def record_visit(space, user=None, request=None, now=None, newest=None) -> bool:
    """Record that the person sees `space` now (its page). Writes only when something in
    the space changed after the visit recorded (or none is): a page view of a space where
    nothing happened since writes nothing, and a person writes at most once per change.
    `newest`: the latest activity the page shows, if it has it. Returns whether it wrote.
    Anonymous visits are not recorded."""
    if user is None and api.user.is_anonymous():
        return False
    now = now if now is not None else time.time()
    key = (_user_id(user), IUUID(space))
    store = get_store()
    previous = store.visits.get(key) if store is not None else None
    if previous is not None:
        if newest is None:
            found = latest(space, 1)
            newest = found[0] if found else None
        if newest is None or newest.when.timeTime() <= previous:
            return False
    store = get_store(create=True)
    store.visits[key] = now
    request = request if request is not None else getRequest()
    safeWrite(store, request)
    safeWrite(store.visits, request)
    return True


class SpaceSummary(NamedTuple):
    """A space in a person's list: what is new since their last visit."""

    uid: str
    title: str
    description: str
    url: str
    new: int
    last_visit: float | None
    last_activity: Activity | None


def summaries(user=None, spaces=None) -> list:
    """The person's spaces (`membership.my_spaces`, or the `spaces` brains given), each with
    its count of what is new since the last visit and its latest activity; spaces with
    something new first, then by title."""
    from ent.policy.workspaces.membership import my_spaces

    if spaces is None:
        # The current reader's spaces as the catalog lets them see them.
        spaces = my_spaces(user)
    user = user if user is not None else api.user.get_current()
    brains = spaces
    visits = visits_of(user)
    result = []
    for brain in brains:
        uid, path = brain.UID, brain.getPath()
        newest = _latest(path, 1)
        visit = visits.get(uid)
        new = 0
        if newest:
            if visit is None or newest[0].when.timeTime() > visit:
                new = _new_since(path, user, visit or 0)
        result.append(
            SpaceSummary(
                uid,
                brain.Title,
                brain.Description or "",
                brain.getURL(),
                new,
                visit,
                newest[0] if newest else None,
            )
        )
    result.sort(key=lambda s: (s.new == 0, s.title.lower()))
    return result
