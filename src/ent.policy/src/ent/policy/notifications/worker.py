"""The worker: a thread per process that turns queued jobs into mail, and runs the digest.

It opens its own ZODB connection and, for every Plone site of the database:
1. claims a few jobs (moves them from `jobs` to `claimed` and commits: when two processes
   share the database, both claiming the same job is a conflict, and only one wins);
2. for each job, finds the item (by UID; an item unpublished meanwhile tells nobody); one
   whose effective date is to come waits in `deferred` until then (`effective`, `queue_due`);
   else reads `notified_groups(obj)`, stages one mail per member of those groups who chose
   `immediate` in the outbox, and records the item in `published` for the digest (61,000
   parents on the default, digest, cost one record, not 61,000). The mails, the job's end
   and the record are one transaction: the mails reach the outbox only if it commits
   (`outbox.stage`), and a conflict retried writes them once;
3. runs the digest when it is due (`digest`).
A job claimed by a process that died is queued again after STALE_CLAIM seconds (it wrote
no mail: its transaction never committed). When the
directory fails, the job goes back to the queue and the worker tries again at its next poll.

`start` runs at process start (IDatabaseOpenedWithRoot, in `ent-instance` and any Zope
process with ENT_NOTIFICATIONS on); test layers load the ZCML after that event, so no
thread starts in a test unless the test starts one. The threads stop before the database
closes (`stop`, hooked on the database's close).
"""

from . import digest as digest_module
from .config import current_config
from .effective import announcement
from .effective import brain_effective_time
from .effective import effective_time
from .effective import LATER
from .effective import NEVER
from .jobs import claimant
from .jobs import commit
from .jobs import entry_for
from .jobs import find_item
from .jobs import mail_from
from .jobs import set_waker
from .messages import immediate_message
from .outbox import IMMEDIATE
from .outbox import Outbox
from .preferences import IMMEDIATE as IMMEDIATE_CHOICE
from .preferences import PreferenceReader
from .recipients import Recipients
from .sender import Sender
from .store import deferred_jobs
from .store import forget_batches
from .store import get_store
from .store import KEEP_BATCHES
from .store import new_job_key
from .store import record_batch
from .store import recorded_batches
from contextlib import contextmanager

import itertools
import logging
import threading
import time
import transaction


logger = logging.getLogger("ent.policy.notifications")

#: Jobs claimed per transaction.
CLAIM_BATCH = 20
#: A claim older than this (seconds) belongs to a worker that died: the job is queued again.
STALE_CLAIM = 600
#: A job's transaction is tried this many times when it conflicts.
HANDLE_TRIES = 5


class Failures:
    """One log line when something starts failing, one when it works again."""

    def __init__(self, what):
        self.what = what
        self.since = None

    def failed(self, error):
        if self.since is None:
            self.since = time.monotonic()
            # The traceback once, for the cause; not at every poll while it lasts.
            logger.warning(
                "%s failed (%s: %s); retrying at the next poll", self.what, type(error).__name__, error, exc_info=True
            )

    def worked(self):
        if self.since is not None:
            logger.info("%s works again after %.0f s", self.what, time.monotonic() - self.since)
            self.since = None


class SiteWork:
    """The worker's work on one site, in its own transactions (`tm`).

    `clock` gives the time (epoch seconds): tests move it instead of waiting."""

    def __init__(
        self, site, tm, config, outbox, wake_sender=lambda: None, recipients_factory=Recipients, clock=time.time
    ):
        self.site = site
        self.tm = tm
        self.config = config
        self.outbox = outbox
        self.wake_sender = wake_sender
        self.recipients_factory = recipients_factory
        self.clock = clock

    @property
    def store(self):
        return get_store(self.site)

    def requeue_stale(self, now=None):
        now = now if now is not None else self.clock()
        self.tm.begin()
        store = self.store
        if store is None:
            self.tm.abort()
            return 0
        stale = [key for key, (_, claimed_at, _) in store.claimed.items() if now - claimed_at > STALE_CLAIM]
        for key in stale:
            job, _, _ = store.claimed.pop(key)
            store.jobs[key] = job
        forgotten = forget_batches(store, now - KEEP_BATCHES)
        if (stale or forgotten) and commit(self.tm):
            if stale:
                logger.warning("notifications: %d job(s) of a stopped worker queued again", len(stale))
        else:
            self.tm.abort()
        return len(stale)

    def queue_due(self, now=None) -> int:
        """Jobs of items whose effective date has come go back to the queue; those of items
        deleted meanwhile are dropped. One catalog search; a write only when one is due."""
        now = now if now is not None else self.clock()
        self.tm.begin()
        store = self.store
        waiting = deferred_jobs(store) if store is not None else None
        if not waiting:
            self.tm.abort()
            return 0
        brains = {
            brain.UID: brain for brain in self.site.portal_catalog.unrestrictedSearchResults(UID=list(waiting.keys()))
        }
        due = []
        for uid in list(waiting.keys()):
            brain = brains.get(uid)
            effective = brain_effective_time(brain) if brain is not None else None
            if brain is None or effective is None or effective <= now:
                due.append(uid)
        if not due:
            self.tm.abort()
            return 0
        for uid in due:
            job = waiting.pop(uid)
            # Queued at its effective date, behind the jobs already waiting for it.
            store.jobs[new_job_key(min(job.get("due", now), now))] = job
        if commit(self.tm):
            return len(due)
        return 0

    def claim(self, limit=CLAIM_BATCH) -> list:
        """Move up to `limit` jobs to `claimed` and commit; [] if none, or another worker won."""
        self.tm.begin()
        store = self.store
        if store is None or not store.jobs:
            self.tm.abort()
            return []
        now, me = self.clock(), claimant()
        batch = []
        for key in list(itertools.islice(store.jobs.keys(), limit)):
            job = store.jobs.pop(key)
            store.claimed[key] = (job, now, me)
            batch.append((key, job))
        return batch if commit(self.tm) else []

    def release(self, keys):
        """Put claimed jobs back in the queue (the directory failed: try again later)."""
        for _ in range(3):
            self.tm.begin()
            store = self.store
            for key in keys:
                if key in store.claimed:
                    store.jobs[key] = store.claimed.pop(key)[0]
            if commit(self.tm):
                return

    def handle(self, key, job) -> int:
        """Tell the `immediate` people of the job's item; return how many mails were written.

        The mails, the end of the job and the item's record for the digest are one
        transaction: on a conflict it is aborted (its staged mails deleted) and done again,
        so a retried job writes its mails once."""
        for _ in range(HANDLE_TRIES):
            self.tm.begin()
            try:
                written, entry = self._handle(key, job)
            except Exception:
                self.tm.abort()
                raise
            if commit(self.tm):
                if written:
                    self.wake_sender()
                if entry is not None:
                    logger.log(
                        logging.INFO if written else logging.DEBUG,
                        "notifications: %r published; %d immediate mail(s)",
                        entry["title"],
                        written,
                    )
                return written
        # The claim stays: the job is done again after STALE_CLAIM; nothing was written.
        logger.error("notifications: job %s not recorded after %d conflicts; tried again later", key, HANDLE_TRIES)
        return 0

    def _handle(self, key, job):
        """In the current transaction: (mails staged, entry or None)."""
        store = self.store
        now = self.clock()
        store.claimed.pop(key, None)
        obj = find_item(self.site, job["uid"])
        if obj is None:
            return 0, None
        when = announcement(obj, now)
        if when == LATER:
            # Told when it becomes effective; a second publication of the same item before
            # then shares this one job.
            deferred_jobs(store, create=True)[job["uid"]] = {**job, "due": effective_time(obj)}
            logger.debug("notifications: %r waits for its effective date", obj.Title())
            return 0, None
        if when == NEVER:
            return 0, None
        if job.get("due") is not None:
            # Announced as published at its effective date (the mail's date, the digest's day).
            effective = effective_time(obj) or job["queued_at"]
            job = {**job, "queued_at": max(job["queued_at"], min(effective, now))}
        entry = entry_for(obj, job)
        immediate = PreferenceReader(self.site).with_choice(IMMEDIATE_CHOICE)
        written = 0
        if immediate and (entry["groups"] or entry.get("people")):
            recipients = self.recipients_factory(self.site)
            try:
                people = recipients.members_among(entry["groups"], immediate)
                people.update(recipients.people(set(entry.get("people", ())) & immediate))
            finally:
                recipients.close()
            sender = mail_from(self.site, self.config)
            self.outbox.ensure()
            txn = self.tm.get()
            for person in sorted(people.values()):
                if person.email:
                    self.outbox.stage(immediate_message(entry, person, sender), txn, IMMEDIATE)
                    written += 1
            if written:
                record_batch(store, self.outbox.batch_for(txn), now)
        store.published[(entry["published_at"], entry["uid"])] = entry
        return written, entry

    def process_jobs(self, stopping=lambda: False) -> int:
        """Claim and handle jobs until none is left; return how many were handled."""
        self.requeue_stale()
        self.queue_due()
        done = 0
        while not stopping():
            batch = self.claim()
            if not batch:
                break
            for index, (key, job) in enumerate(batch):
                try:
                    self.handle(key, job)
                except Exception:
                    self.tm.abort()
                    self.release([k for k, _ in batch[index:]])
                    raise
                done += 1
        return done

    def recorded_batches(self) -> set:
        self.tm.begin()
        store = self.store
        batches = recorded_batches(store, self.clock() - KEEP_BATCHES) if store is not None else set()
        self.tm.abort()
        return batches

    def run(self, stopping=lambda: False):
        self.process_jobs(stopping)
        digest_module.run_if_due(self, stopping=stopping)


@contextmanager
def site_context(site, request):
    """Work on `site` as the system user, with a request for URLs and site hooks."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.users import system
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest

    setSite(site)
    setRequest(request)
    newSecurityManager(request, system)
    try:
        yield site
    finally:
        noSecurityManager()
        setRequest(None)
        setSite(None)


def plone_sites(app):
    from plone.base.interfaces import IPloneSiteRoot

    return [obj for obj in app.objectValues() if IPloneSiteRoot.providedBy(obj)]


def each_site(db, tm):
    """Yield every Plone site of `db`, set up as the current site, in a connection of `tm`."""
    from Testing.makerequest import makerequest

    connection = db.open(transaction_manager=tm)
    try:
        app = makerequest(connection.root()["Application"])
        for site in plone_sites(app):
            with site_context(site, app.REQUEST):
                yield site
    finally:
        tm.abort()
        connection.close()


def run_once(
    db,
    config=None,
    outbox=None,
    wake_sender=lambda: None,
    stopping=lambda: False,
    recipients_factory=Recipients,
    clock=time.time,
):
    """One pass of the worker over every site of `db` (what the thread repeats; tests call it)."""
    config = config or current_config()
    outbox = outbox or Outbox(config.outbox_dir())
    tm = transaction.TransactionManager()
    batches = set()
    needs_recovery = outbox.has_stale_staged(clock())
    for site in each_site(db, tm):
        work = SiteWork(site, tm, config, outbox, wake_sender, recipients_factory, clock)
        if needs_recovery:
            batches |= work.recorded_batches()
        work.run(stopping)
    if needs_recovery:
        # After every site: a batch is known to one site only, and mail is deleted only if
        # no site knows it.
        moved, _ = outbox.recover(batches.__contains__, clock())
        if moved:
            wake_sender()


class Worker(threading.Thread):
    def __init__(self, db, config, outbox, sender=None):
        super().__init__(name="ent-notifications", daemon=True)
        self.db = db
        self.config = config
        self.outbox = outbox
        self.sender = sender
        self.failures = Failures("notifications worker")
        self._wake = threading.Event()
        self._halt = threading.Event()

    def wake(self):
        self._wake.set()

    def stop(self, timeout=30):
        self._halt.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)

    def run(self):
        while not self._halt.is_set():
            self._wake.clear()
            try:
                run_once(
                    self.db,
                    self.config,
                    self.outbox,
                    wake_sender=self.sender.wake if self.sender else (lambda: None),
                    stopping=self._halt.is_set,
                )
                self.failures.worked()
            except Exception as error:  # the directory or the database failed: next poll
                self.failures.failed(error)
            self._wake.wait(self.config.poll_seconds)


class Runtime:
    """The threads of this process: the worker and the sender."""

    def __init__(self):
        self.worker = None
        self.sender = None
        self.lock = threading.Lock()

    def start(self, db, config=None):
        config = config or current_config()
        with self.lock:
            if self.worker is not None:
                return self
            outbox = Outbox(config.outbox_dir()).ensure()
            self.sender = Sender(
                outbox, config.smtp_host, config.smtp_port, config.retry_max_seconds, config.poll_seconds
            )
            self.worker = Worker(db, config, outbox, self.sender)
            self.sender.start()
            self.worker.start()
        logger.info(
            "notifications: worker and sender started (SMTP %s:%s, outbox %s, digest at %s)",
            config.smtp_host,
            config.smtp_port,
            outbox.root,
            "on demand only" if config.digest_hour is None else f"{config.digest_hour} h",
        )
        return self

    def stop(self, timeout=30):
        with self.lock:
            worker, sender = self.worker, self.sender
            self.worker = self.sender = None
        if worker is not None:
            worker.stop(timeout)
        if sender is not None:
            sender.stop(timeout)

    def wake(self):
        worker = self.worker
        if worker is not None:
            worker.wake()

    @property
    def running(self):
        return self.worker is not None


RUNTIME = Runtime()
# A job queued in this process wakes its worker (ent.policy.notifications.jobs).
set_waker(RUNTIME.wake)


def wake():
    RUNTIME.wake()


def wake_sender():
    sender = RUNTIME.sender
    if sender is not None:
        sender.wake()


def start(db, config=None):
    """Start this process's worker and sender; they stop before `db` closes."""
    config = config or current_config()
    if not config.enabled:
        logger.info("notifications: ENT_NOTIFICATIONS is off; no worker in this process")
        return None
    runtime = RUNTIME.start(db, config)
    close = db.close
    if not getattr(close, "_ent_stops_notifications", False):

        def close_after_stopping(*args, **kw):
            RUNTIME.stop()
            return close(*args, **kw)

        close_after_stopping._ent_stops_notifications = True
        db.close = close_after_stopping
    return runtime


def stop():
    RUNTIME.stop()


def database_opened(event):
    """IDatabaseOpenedWithRoot: the process serves this database; start the threads."""
    start(event.database)
