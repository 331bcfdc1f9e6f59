"""What the worker and the digest share: who claims a job, committing, finding an item,
what a mail says of it, the sender's address; and how a queued job wakes this process's
worker without the queue importing it (the worker registers itself with `set_waker`).
"""

from email.utils import formataddr
from ent.policy.audience import PUBLISHED_STATES
from plone import api
from ZODB.POSException import ConflictError

import os
import socket
import threading


_waker = None


def set_waker(waker):
    """`waker()` is called when a job is queued in this process (None: nobody to wake)."""
    global _waker
    _waker = waker


def job_queued():
    """A job was committed: this process's worker starts at once instead of at its next poll
    (the workers of other processes poll)."""
    if _waker is not None:
        _waker()


def claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def commit(tm) -> bool:
    """Commit; on a conflict (another process wrote the same thing) abort and say so."""
    try:
        tm.commit()
        return True
    except ConflictError:
        tm.abort()
        return False


def find_item(site, uid):
    """The published item with this UID, whoever may see it, or None. An item of a
    collaborative space is there for its members from its creation (`spaces`)."""
    from .spaces import space_of

    brains = site.portal_catalog.unrestrictedSearchResults(UID=uid)
    if not brains:
        return None
    obj = brains[0]._unrestrictedGetObject()
    state = site.portal_workflow.getInfoFor(obj, "review_state", None)
    return obj if state in PUBLISHED_STATES or space_of(obj) is not None else None


def school_of(obj, space=None):
    """(origin, title of the school) of `obj`: ("county", "") on the County portal; ("space",
    "Espace « … »") in a collaborative space."""
    from ent.policy.audience import origin
    from ent.policy.content.school import containing_school

    if space is not None:
        return "space", f"Espace « {space.Title()} »"
    code = origin(obj)
    school = containing_school(obj)
    return code, (school.Title() if school is not None else "")


def entry_for(obj, job) -> dict:
    """What a mail says of the item, and who is told (the audience as it is now; in a
    space, its members as they are now: groups, and `people` named one by one)."""
    from .spaces import space_of
    from .spaces import space_recipients
    from ent.policy.audience import notified_groups

    space = space_of(obj)
    if space is not None:
        groups, people = space_recipients(space)
    else:
        groups, people = list(notified_groups(obj)), []
    code, title = school_of(obj, space)
    url = job.get("url") or obj.absolute_url()
    if space is not None and job.get("site_url"):
        # Announced at its creation, which an add may follow with a rename: its address now.
        depth = len(api.portal.get().getPhysicalPath())
        url = "/".join([job["site_url"], *obj.getPhysicalPath()[depth:]])
    return {
        "uid": job["uid"],
        "title": obj.Title() or obj.getId(),
        "description": (obj.Description() or "").strip(),
        "portal_type": obj.portal_type,
        "url": url,
        "site_url": job.get("site_url") or "",
        "origin": code,
        "origin_title": title,
        "published_at": job["queued_at"],
        "groups": groups,
        "people": people,
    }


def mail_from(site, config) -> str:
    """ENT_MAIL_FROM, else the site's sender address (mail settings), else noreply@this host."""
    if config.mail_from:
        return config.mail_from
    registry = site.portal_registry
    address = registry.get("plone.email_from_address") or f"noreply@{socket.getfqdn() or 'localhost'}"
    name = registry.get("plone.email_from_name") or site.Title() or ""
    return formataddr((name, address))
