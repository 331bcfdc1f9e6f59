"""What notifications keep in the site: preferences, the job queue, published items, the digest's state.

One persistent object in the site's annotations, holding BTrees so that concurrent writers
touch different buckets: publishing requests insert jobs, the workers of every process
claim them, people change their preference. Nothing is kept per person but an explicit
choice: 61,000 parents on the default (digest) cost nothing here.
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations

import secrets
import time


KEY = "ent.policy.notifications"


class DigestState(Persistent):
    """When the last digest ran and what it covered; a digest claimed or requested."""

    #: Items published up to this time (epoch seconds) were in a digest already.
    cutoff = None
    #: When the store was made: the first digest is the first ENT_DIGEST_HOUR after it.
    created_at = None
    last_run_at = None
    last_count = 0
    #: (claimed_at, cutoff, claimant) while a worker writes a digest.
    running = None
    #: Time a Manager asked for a digest now (REST), or None.
    requested_at = None


class NotificationStore(Persistent):
    def __init__(self):
        #: user id → (choice, changed_at); absent means the default, digest.
        self.preferences = OOBTree()
        #: (queued_at, token) → job: {"uid", "url", "site_url", "queued_at"}.
        self.jobs = OOBTree()
        #: job key → (job, claimed_at, claimant): being processed by a worker.
        self.claimed = OOBTree()
        #: (published_at, uid) → entry: what the digest lists (see worker.entry_for).
        self.published = OOBTree()
        self.digest = DigestState()
        self.digest.created_at = time.time()
        #: uid → job of an item published with an effective date to come (see `deferred_jobs`).
        self.deferred = OOBTree()
        #: (committed_at, batch) of the outbox batches written (see `record_batch`).
        self.outbox_batches = OOBTree()


def deferred_jobs(store, create=False):
    """uid → job waiting for its item's effective date; one per item. Stores made before
    this existed get it at the first write (None until then when `create` is false)."""
    tree = getattr(store, "deferred", None)
    if tree is None and create:
        tree = store.deferred = OOBTree()
    return tree


#: Batch records older than this are dropped: `outbox.recover` only needs those whose
#: mail may still sit in tmp/ (outbox.ORPHAN_AGE, 36 h).
KEEP_BATCHES = 3 * 24 * 3600


def record_batch(store, batch, now=None):
    """Say, in the transaction that staged them, that the outbox batch `batch` committed."""
    tree = getattr(store, "outbox_batches", None)
    if tree is None:
        tree = store.outbox_batches = OOBTree()
    tree[(now if now is not None else time.time(), batch)] = True


def recorded_batches(store, since) -> set:
    tree = getattr(store, "outbox_batches", None)
    if tree is None:
        return set()
    return {batch for _, batch in tree.keys(min=(since,))}


def forget_batches(store, before) -> int:
    """Drop batch records older than `before`; return how many (no write when none)."""
    tree = getattr(store, "outbox_batches", None)
    if tree is None:
        return 0
    old = list(tree.keys(max=(before, "\uffff")))
    for key in old:
        del tree[key]
    return len(old)


def get_store(site, create=False):
    """The site's store; None when there is none yet and `create` is false (no write)."""
    annotations = IAnnotations(site)
    store = annotations.get(KEY)
    if store is None and create:
        store = annotations[KEY] = NotificationStore()
    return store


def new_job_key(now=None):
    """Keys sort by time; the token makes two jobs of the same instant different keys."""
    return (now if now is not None else time.time(), secrets.token_hex(4))
