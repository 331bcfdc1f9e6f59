"""The outbox: mail waiting for the SMTP server, on disk, as a Maildir.

`var/mail/outbox` (ENT_MAIL_DIR) is a Maildir. A mail reaches `new/` only if the
transaction that wrote it commits (`stage`): it is written to `tmp/` at once, and a data
manager joined to the transaction renames it into `new/` after the database has committed
(`tpc_finish`), or deletes it when the transaction aborts (a conflict retried, an error).
The transaction also records the batch (`record_batch`, in the site's store), so that a
process killed between the database's commit and the renames leaves a trace: `recover`
moves such mail into `new/` later, and deletes what a transaction that never committed
left in `tmp/` (Maildir's 36 hours). So a mail is written once, never twice.

The sender takes a message by renaming it from `new/` into `cur/` before it talks to the
server (two senders on one outbox never take the same one), deletes it once the server has
taken it, moves it to `rejected/` if refused for good (5xx), back to `new/` when the server
or the connection fails. A message left in `cur/` by a sender that was killed may have been
delivered: it is moved to `interrupted/` and not sent again (at most once).

Any mail reader shows the outbox (`mutt -f var/mail/outbox`); `ls var/mail/outbox/new | wc -l`
counts what waits. Names sort by priority, then time: a mail about one publication
overtakes the thousands of a daily digest.
"""

from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from transaction.interfaces import IDataManagerSavepoint
from transaction.interfaces import ISavepointDataManager
from zope.interface import implementer

import itertools
import logging
import os
import secrets
import socket
import time


logger = logging.getLogger("ent.policy.notifications")

IMMEDIATE = 1
DIGEST = 5
#: Maildir's rule: what stays in tmp/ longer than this was left by a writer that died.
ORPHAN_AGE = 36 * 3600
#: A staged mail younger than this may belong to a transaction still committing: left alone.
RECOVER_AFTER = 60
#: A message in cur/ longer than this was taken by a sender that died (one message takes
#: seconds: every SMTP reply is bounded by sender.CONNECT_TIMEOUT).
SENDING_STALE = 600
_counter = itertools.count()


def new_batch() -> str:
    """A batch: the mails of one transaction, named `{priority}.{time}.{batch}.{n}`."""
    return secrets.token_hex(8)


def batch_of(name) -> str | None:
    parts = name.split(".")
    return parts[2] if len(parts) == 4 else None


class Outbox:
    def __init__(self, mail_dir):
        self.root = Path(mail_dir) / "outbox"
        self.rejected = Path(mail_dir) / "rejected"
        self.interrupted = Path(mail_dir) / "interrupted"
        self.new = self.root / "new"
        self.tmp = self.root / "tmp"
        self.cur = self.root / "cur"

    def ensure(self):
        for folder in (self.new, self.tmp, self.cur, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def _write(self, path, message):
        data = message.as_bytes() if hasattr(message, "as_bytes") else bytes(message)
        with open(path, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())

    def add(self, message, priority=IMMEDIATE) -> str:
        """Write `message` for the sender now, outside any transaction (tools, tests); return its name."""
        name = f"{priority}.{time.time_ns()}.P{os.getpid()}Q{next(_counter)}.{socket.gethostname().replace('/', '_').replace('.', '_')}"
        path = self.tmp / name
        self._write(path, message)
        os.rename(path, self.new / name)
        return name

    def stage(self, message, txn, priority=IMMEDIATE) -> str:
        """Write `message` into tmp/; it goes to new/ when `txn` commits, away if it aborts.

        The caller records `batch_for(txn)` in the database in the same transaction
        (`store.record_batch`): that is what `recover` trusts after a crash."""
        manager = OutboxDataManager.joined(self, txn)
        name = f"{priority}.{manager.started}.{manager.batch}.{len(manager.names):07d}"
        self._write(self.tmp / name, message)
        manager.names.append(name)
        return name

    def batch_for(self, txn) -> str:
        """The batch of `txn`'s mails (joins the transaction, so call it when staging)."""
        return OutboxDataManager.joined(self, txn).batch

    def has_stale_staged(self, now=None) -> bool:
        """Is there mail in tmp/ older than RECOVER_AFTER (left by a stop or a crash)?"""
        now = now if now is not None else time.time()
        try:
            with os.scandir(self.tmp) as entries:
                for entry in entries:
                    try:
                        if now - entry.stat().st_mtime >= RECOVER_AFTER:
                            return True
                    except FileNotFoundError:
                        continue
        except FileNotFoundError:
            pass
        return False

    def recover(self, committed, now=None) -> tuple:
        """Mail of committed batches left in tmp/ by a crash goes to new/; mail of batches that
        never committed, left for ORPHAN_AGE, is deleted. `committed(batch)` says whether the
        database holds the batch. Return (moved, deleted)."""
        now = now if now is not None else time.time()
        moved = deleted = 0
        try:
            entries = list(os.scandir(self.tmp))
        except FileNotFoundError:
            return 0, 0
        for entry in entries:
            try:
                age = now - entry.stat().st_mtime
            except FileNotFoundError:
                continue
            if age < RECOVER_AFTER:
                continue
            batch = batch_of(entry.name)
            try:
                if batch is not None and committed(batch):
                    os.rename(entry.path, self.new / entry.name)
                    moved += 1
                elif age > ORPHAN_AGE:
                    os.unlink(entry.path)
                    deleted += 1
            except FileNotFoundError:  # the committing transaction, or another process, was first
                continue
        if moved:
            logger.warning(
                "outbox: %d mail(s) of a committed transaction interrupted by a stop moved to %s", moved, self.new
            )
        if deleted:
            logger.warning(
                "outbox: %d mail(s) of a transaction that never committed deleted from %s", deleted, self.tmp
            )
        return moved, deleted

    def pending(self) -> list:
        """Names of the messages waiting, in sending order."""
        try:
            return sorted(entry.name for entry in os.scandir(self.new) if entry.is_file())
        except FileNotFoundError:
            return []

    def take(self, name) -> bool:
        """Take a waiting message for sending (new/ → cur/); False if it is gone (another sender)."""
        try:
            # Its age in cur/ says how long it has been in a sender's hands (a rename keeps
            # the time of writing); touched before the rename so no sender sees it stale.
            os.utime(self.new / name)
            os.rename(self.new / name, self.cur / name)
            return True
        except FileNotFoundError:
            return False

    def put_back(self, name):
        """A message taken but not delivered (the connection failed) waits again."""
        try:
            os.rename(self.cur / name, self.new / name)
        except FileNotFoundError:
            pass

    def read(self, name, folder=None):
        """(sender, recipients, bytes) of a message (in new/, or `folder`), or None if it is gone."""
        try:
            data = ((folder or self.new) / name).read_bytes()
        except FileNotFoundError:
            return None
        headers = BytesHeaderParser().parsebytes(data)
        sender = [address for _, address in getaddresses(headers.get_all("From", []))]
        recipients = [address for _, address in getaddresses(headers.get_all("To", [])) if address]
        return (sender[0] if sender else ""), recipients, data

    def delete(self, name):
        for folder in (self.cur, self.new):
            try:
                (folder / name).unlink()
                return
            except FileNotFoundError:
                pass

    def reject(self, name) -> Path:
        """Move a message the server refused for good out of the way; return where."""
        self.rejected.mkdir(parents=True, exist_ok=True)
        target = self.rejected / name
        source = self.cur / name if (self.cur / name).exists() else self.new / name
        os.replace(source, target)
        return target

    def set_aside_interrupted(self, now=None) -> list:
        """Messages a killed sender had taken (in cur/ for SENDING_STALE): they may have been
        delivered, so they are not sent again but kept in interrupted/. Return their names."""
        now = now if now is not None else time.time()
        moved = []
        try:
            entries = list(os.scandir(self.cur))
        except FileNotFoundError:
            return moved
        for entry in entries:
            try:
                if now - entry.stat().st_mtime < SENDING_STALE:
                    continue
                self.interrupted.mkdir(parents=True, exist_ok=True)
                os.rename(entry.path, self.interrupted / entry.name)
                moved.append(entry.name)
            except FileNotFoundError:
                continue
        if moved:
            logger.warning(
                "outbox: %d message(s) whose sending was interrupted by a stop may have been delivered: not sent again, kept in %s",
                len(moved),
                self.interrupted,
            )
        return moved

    def count(self) -> int:
        return len(self.pending())

    def rejected_count(self) -> int:
        return _files_in(self.rejected)

    def interrupted_count(self) -> int:
        return _files_in(self.interrupted)


def _files_in(folder) -> int:
    try:
        return sum(1 for entry in os.scandir(folder) if entry.is_file())
    except FileNotFoundError:
        return 0


@implementer(IDataManagerSavepoint)
class _Savepoint:
    """Rolling back to a savepoint drops the mails staged after it."""

    def __init__(self, manager):
        self.manager = manager
        self.count = len(manager.names)

    def rollback(self):
        manager = self.manager
        for name in manager.names[self.count :]:
            try:
                (manager.outbox.tmp / name).unlink()
            except FileNotFoundError:
                pass
        del manager.names[self.count :]


@implementer(ISavepointDataManager)
class OutboxDataManager:
    """The mails staged in one transaction: renamed into new/ at its end, deleted if it aborts.

    zope.sendmail's MailDataManager does the same with an arbitrary place in the commit
    order (its sortKey is its id): a crash between the database's commit and the mails'
    would then lose them or, the other way round, send them again. Here the outbox
    finishes last (sortKey below) and the batch is recorded in the database, so `recover`
    knows which mail left in tmp/ was committed."""

    def __init__(self, outbox, txn):
        self.outbox = outbox
        self.transaction_manager = getattr(txn, "_manager", None)
        self.batch = new_batch()
        self.started = time.time_ns()
        self.names = []
        self.finished = False

    @classmethod
    def joined(cls, outbox, txn):
        """The manager of `outbox` in `txn`, joined at the first mail."""
        try:
            managers = txn.data(cls)
        except KeyError:
            managers = {}
            txn.set_data(cls, managers)
        manager = managers.get(outbox.root)
        if manager is None:
            manager = managers[outbox.root] = cls(outbox, txn)
            txn.join(manager)
        return manager

    # After every database of the transaction ('~' sorts after the storages' keys, which
    # are names and paths): the mails move only once the database holds the batch.
    def sortKey(self):
        return f"~ent.outbox:{self.outbox.root}:{self.batch}"

    def _discard(self):
        if self.finished:
            return
        for name in self.names:
            try:
                (self.outbox.tmp / name).unlink()
            except FileNotFoundError:
                pass
        self.names = []

    def abort(self, txn):
        self._discard()

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        # A mail deleted from tmp/ meanwhile (by `recover`, after ORPHAN_AGE) fails the vote:
        # the transaction aborts rather than committing a batch with mail missing.
        for name in self.names:
            if not (self.outbox.tmp / name).exists():
                raise OSError(f"staged mail {name} is missing from {self.outbox.tmp}")

    def tpc_finish(self, txn):
        self.finished = True
        for name in self.names:
            try:
                os.rename(self.outbox.tmp / name, self.outbox.new / name)
            except OSError:
                # Never fail after the database committed: `recover` moves it later.
                logger.exception("outbox: could not move %s into new/; it will be recovered", name)

    def tpc_abort(self, txn):
        self._discard()

    def savepoint(self):
        return _Savepoint(self)
