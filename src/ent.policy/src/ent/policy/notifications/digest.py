"""The daily digest: one mail per person listing the items published for them since the
last digest, grouped by school (schools alphabetically, the County's items last).

Nothing is kept per person while items are published: `store.published` holds one entry per
item. At digest time (ENT_DIGEST_HOUR, local time; or when a Manager asks, `@notifications`)
a worker claims the run (a conflict if two processes try), reads the members of every group
notified by the window's items in a few directory searches, and writes one mail for each
member whose choice is `digest` (the default). Someone who changed their choice during the
window gets the items published after the change only: an `immediate` person who switches
to the digest does not get the same item twice.

Each item is checked again at digest time: one unpublished since is left out, one whose
effective date was moved to come waits for the first digest after it (`effective`), and
the audience is the item's current one. The digest's mails reach the outbox only if its
transaction commits (`outbox.stage`): one stopped half-way is written whole next time,
never twice.
"""

from .effective import announcement
from .effective import effective_time
from .effective import LATER
from .effective import NOW
from .jobs import claimant
from .jobs import commit
from .jobs import entry_for
from .jobs import find_item
from .jobs import mail_from
from .messages import digest_message
from .outbox import DIGEST as DIGEST_PRIORITY
from .preferences import DIGEST
from .preferences import PreferenceReader
from .store import record_batch

import datetime
import logging
import time


logger = logging.getLogger("ent.policy.notifications")

#: Entries older than this (seconds) and already in a digest are dropped from the store.
KEEP = 7 * 24 * 3600
#: A digest claimed longer ago than this belongs to a worker that died: it may run again.
STALE_RUN = 3600


def next_due(state, hour) -> float:
    """The first `hour` o'clock (local time) after the last digest, or after the store was
    made: a new site's first digest is the next morning's, not one at its first start."""
    base = datetime.datetime.fromtimestamp(state.last_run_at or state.created_at or 0)
    due = base.replace(hour=hour, minute=0, second=0, microsecond=0)
    if due <= base:
        due += datetime.timedelta(days=1)
    return due.timestamp()


def is_due(state, hour, now=None) -> bool:
    """Asked for, or the day's hour has come since the last digest."""
    now = now if now is not None else time.time()
    if state.running is not None and now - state.running[0] < STALE_RUN:
        return False
    if state.requested_at is not None:
        return True
    if hour is None:
        return False
    return now >= next_due(state, hour)


def request_digest(site, now=None):
    """Ask the workers for a digest now (a Manager's `POST @notifications`)."""
    from .store import get_store

    get_store(site, create=True).digest.requested_at = now if now is not None else time.time()


def window_entries(store, start, end) -> list:
    """Entries published after `start` (None: since ever) and up to `end`."""
    low = (start,) if start is not None else None
    return [
        entry
        for (published_at, _), entry in store.published.items(min=low, max=(end, "\uffff"))
        if (start is None or published_at > start) and published_at <= end
    ]


def run_if_due(work, now=None, stopping=lambda: False) -> int | None:
    """Run the digest for `work.site` (a worker.SiteWork) if due; return the mails written.

    The mails, the new cutoff and the items postponed are one transaction: a digest stopped
    or failed half-way writes no mail (its staged mail is deleted) and is written whole at
    the next try; a digest written is never written again."""

    tm = work.tm
    tm.begin()
    store = work.store
    now = now if now is not None else work.clock()
    if store is None or not is_due(store.digest, work.config.digest_hour, now):
        tm.abort()
        return None
    state = store.digest
    start, end = state.cutoff, now
    state.running = (now, end, claimant())
    state.requested_at = None
    if not commit(tm):
        return None  # another process runs it
    written = None
    try:
        for _ in range(3):
            tm.begin()
            written, postponed = write_digest(work, start, end, stopping)
            store = work.store
            state = store.digest
            state.running = None
            state.cutoff = end
            state.last_run_at = end
            state.last_count = written
            for key, entry in postponed:
                # Listed by the first digest after its effective date (moved after publication).
                del store.published[key]
                store.published[(entry["published_at"], entry["uid"])] = entry
            if written:
                record_batch(store, work.outbox.batch_for(tm.get()), end)
            if commit(tm):
                break
            written = None
    except Exception:
        tm.abort()
        _clear_running(work)
        raise
    if written is None:
        _clear_running(work)
        logger.error("notifications: digest not recorded after 3 conflicts; it runs again")
        return None
    work.wake_sender()
    for _ in range(3):
        tm.begin()
        store = work.store
        for key in list(store.published.keys(max=(end - KEEP, "\uffff"))):
            del store.published[key]
        if commit(tm):
            break
    logger.info("notifications: digest written, %d mail(s)", written)
    return written


def _clear_running(work):

    for _ in range(3):
        work.tm.begin()
        work.store.digest.running = None
        if commit(work.tm):
            break


def write_digest(work, start, end, stopping=lambda: False) -> tuple:
    """Stage the digest's mails in the current transaction of `work.tm`; return (mails,
    [(key, entry)] of items not effective yet at `end`, to list in a later digest)."""

    entries = []
    postponed = []
    for entry in window_entries(work.store, start, end):
        obj = find_item(work.site, entry["uid"])
        if obj is None:
            continue
        when = announcement(obj, end)
        if when == LATER:
            later = effective_time(obj)
            postponed.append(((entry["published_at"], entry["uid"]), {**entry, "published_at": later}))
        elif when == NOW:
            entries.append(entry_for(obj, {**entry, "queued_at": entry["published_at"]}))
    if not entries:
        return 0, postponed
    groups = set().union(*(entry["groups"] for entry in entries))
    named = set().union(*(entry.get("people", ()) for entry in entries))
    recipients = work.recipients_factory(work.site)
    try:
        by_group, people = recipients.members_by_group(groups)
        people.update(recipients.people(named - set(people)))
    finally:
        recipients.close()
    preferences = PreferenceReader(work.site)
    sender = mail_from(work.site, work.config)
    site_url = next((e["site_url"] for e in reversed(entries) if e.get("site_url")), "")
    for_person = {}
    for index, entry in enumerate(entries):
        for group_id in entry["groups"]:
            for user_id in by_group.get(group_id, ()):
                for_person.setdefault(user_id, set()).add(index)
        for user_id in entry.get("people", ()):
            for_person.setdefault(user_id, set()).add(index)
    day = datetime.date.fromtimestamp(end)
    work.outbox.ensure()
    txn = work.tm.get()
    written = 0
    for user_id in sorted(for_person):
        if stopping():
            raise RuntimeError("stopped while writing the digest")
        choice, changed_at = preferences(user_id)
        person = people.get(user_id)
        if choice != DIGEST or person is None or not person.email:
            continue
        items = [
            entries[i]
            for i in sorted(for_person[user_id])
            if changed_at is None or entries[i]["published_at"] > changed_at
        ]
        if items:
            work.outbox.stage(digest_message(items, person, sender, site_url, day), txn, DIGEST_PRIORITY)
            written += 1
    return written, postponed
