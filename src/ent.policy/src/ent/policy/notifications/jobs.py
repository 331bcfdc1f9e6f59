"""What the worker and the digest share: who claims a job, committing, finding an item,
what a mail says of it, the sender's address; and how a queued job wakes this process's
worker without the queue importing it (the worker registers itself with `set_waker`).
"""

from email.utils import formataddr
from ent.policy.audience import PUBLISHED_STATES
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
    """The published item with this UID, whoever may see it, or None."""
    brains = site.portal_catalog.unrestrictedSearchResults(UID=uid)
    if not brains:
        return None
    obj = brains[0]._unrestrictedGetObject()
    state = site.portal_workflow.getInfoFor(obj, "review_state", None)
    return obj if state in PUBLISHED_STATES else None


def school_of(obj):
    """(origin, title of the school) of `obj`: ("county", "") on the County portal."""
    from ent.policy.audience import origin
    from ent.policy.content.school import containing_school

    code = origin(obj)
    school = containing_school(obj)
    return code, (school.Title() if school is not None else "")


def entry_for(obj, job) -> dict:
    """What a mail says of the item, and who is told (the audience as it is now)."""
    from ent.policy.audience import notified_groups

    code, title = school_of(obj)
    return {
        "uid": job["uid"],
        "title": obj.Title() or obj.getId(),
        "description": (obj.Description() or "").strip(),
        "portal_type": obj.portal_type,
        "url": job.get("url") or obj.absolute_url(),
        "site_url": job.get("site_url") or "",
        "origin": code,
        "origin_title": title,
        "published_at": job["queued_at"],
        "groups": list(notified_groups(obj)),
    }


def mail_from(site, config) -> str:
    """ENT_MAIL_FROM, else the site's sender address (mail settings), else noreply@this host."""
    if config.mail_from:
        return config.mail_from
    registry = site.portal_registry
    address = registry.get("plone.email_from_address") or f"noreply@{socket.getfqdn() or 'localhost'}"
    name = registry.get("plone.email_from_name") or site.Title() or ""
    return formataddr((name, address))
