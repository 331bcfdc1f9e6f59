"""The publishing side: one tiny job per publication, in the publishing transaction.

Publishing an item for 61,000 parents must return as fast as publishing it for one person,
and must not fail because the directory or the mail server is slow or down: the request
records the item's UID and URL (the URL of the request, so the mail links to the address
people use) and nothing else. `worker` does the rest, after the commit.
"""

from .jobs import job_queued
from .spaces import is_space_announcement
from .store import get_store
from .store import new_job_key
from ent.policy.audience import PUBLISHED_STATES
from plone import api
from plone.uuid.interfaces import IUUID

import transaction


def _wake(committed, *args):
    """After a commit that queued a job: wake this process's worker."""
    if committed:
        job_queued()


def is_publication(event) -> bool:
    """Entering a published state from an unpublished one. internal → published (a wider
    audience) tells nobody again: the first audience was told already."""
    new = getattr(event.new_state, "id", None)
    old = getattr(event.old_state, "id", None)
    return new in PUBLISHED_STATES and old not in PUBLISHED_STATES


def queue_publication(obj, event):
    """IAfterTransitionEvent of an item with an audience: queue a notification job (for an
    item of a collaborative space: at its creation, `spaces`)."""
    if not is_publication(event) and not is_space_announcement(obj, event):
        return
    uid = IUUID(obj, None)
    if uid is None:
        return
    site = api.portal.get()
    key = new_job_key()
    get_store(site, create=True).jobs[key] = {
        "uid": uid,
        "url": obj.absolute_url(),
        "site_url": site.absolute_url(),
        "queued_at": key[0],
    }
    transaction.get().addAfterCommitHook(_wake)
