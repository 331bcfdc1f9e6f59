"""Mail follows the item (issue #9): an item effective later is announced from its effective
date, and only if it is still published for that audience then; a mail reaches the outbox
only if the transaction that wrote it commits; nothing is sent twice after a crash.

Time is the worker's clock (`run_once(clock=...)`), not sleeping. Crashes are a real
SIGKILL of a sender process, or the worker stopped at the exact step with nothing cleaned
up (as a dead process cleans nothing). Mail is delivered to a real SMTP server.
"""

from DateTime import DateTime
from datetime import datetime
from ent.policy.notifications import outbox as outbox_module
from ent.policy.notifications import worker as worker_module
from ent.policy.notifications.digest import request_digest
from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.outbox import OutboxDataManager
from ent.policy.notifications.sender import Sender
from ent.policy.notifications.store import deferred_jobs
from plone import api
from support.notifications import body
from support.notifications import by_recipient
from support.notifications import outbox_messages
from support.notifications import run_worker
from support.notifications import store_of

import pytest
import signal
import subprocess
import sys
import textwrap
import time
import transaction
import zoneinfo


DAY = 24 * 3600
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PARENT = "0310001h.parent@example.org"  # chose immediate
PARENT2 = "0310001h.parent2@example.org"  # the default: the digest


class Crash(BaseException):
    """The process dies here: no `except Exception` catches it."""


def publish_on(site, title, audience, effective=None, folder=None):
    """Publish a news item of 0310001h with an effective date (epoch seconds) or none."""
    container = folder or site["colleges"]["0310001h"]["actualites"]
    with api.env.adopt_roles(["Manager"]):
        item = api.content.create(container=container, type="News Item", title=title, audience=audience)
        if effective is not None:
            item.setEffectiveDate(DateTime(effective))
        transitions = [t["id"] for t in api.portal.get_tool("portal_workflow").getTransitionsFor(item)]
        api.content.transition(obj=item, transition="publish" if "publish" in transitions else "publish_internal")
        item.reindexObject()
    transaction.commit()
    return item


def set_effective(item, when):
    transaction.begin()
    item.setEffectiveDate(DateTime(when))
    item.reindexObject()
    transaction.commit()


def deliver(outbox, server, clock=time.time):
    """One pass of a sender to the real SMTP server; return what the server holds."""
    server.controller or server.start()
    Sender(outbox, "127.0.0.1", server.port, clock=clock).deliver()
    return server.messages


def recipients_of(messages):
    return sorted(address for _, to, _ in messages for address in to)


def digest_now(site, db, config, clock):
    transaction.begin()
    request_digest(site, clock())
    transaction.commit()
    run_worker(db, config, clock=clock)


def clear(outbox):
    for name in outbox.pending():
        outbox.delete(name)


class TestEffectiveDate:
    def test_announced_when_it_becomes_effective_not_at_publication(self, site, functional, config, smtp):
        now = time.time()
        tomorrow = now + DAY
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        publish_on(site, "Voyage à Barcelone", ["parent"], effective=tomorrow)
        run_worker(db, config, clock=lambda: now)
        assert outbox.pending() == []
        digest_now(site, db, config, lambda: now + 60)
        assert outbox.pending() == []  # nor in today's digest
        transaction.begin()
        assert len(deferred_jobs(store_of(site))) == 1 and len(store_of(site).jobs) == 0
        from ent.policy.notifications.status import status

        assert status(site, config)["deferred"] == 1  # what a Manager sees in @notifications

        run_worker(db, config, clock=lambda: tomorrow + 5)
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]
        (mail,) = smtp.to(PARENT)
        assert mail["Subject"] == "[Collège Armand Latour] Voyage à Barcelone"
        # published on its date, as the site's readers count days (Europe/Paris)
        assert datetime.fromtimestamp(tomorrow, PARIS).strftime("%d/%m/%Y") in body(mail)
        run_worker(db, config, clock=lambda: tomorrow + 600)
        assert outbox.pending() == []  # once
        digest_now(site, db, config, lambda: tomorrow + 3600)
        assert recipients_of(deliver(outbox, smtp)) == sorted([PARENT, PARENT2])  # the next digest lists it

    @pytest.mark.parametrize("withdrawal", ["retracted", "deleted", "audience changed"])
    def test_withdrawn_before_its_date_tells_nobody(self, site, functional, config, withdrawal):
        now = time.time()
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        item = publish_on(site, "Sortie annulée", ["parent"], effective=now + DAY)
        run_worker(db, config, clock=lambda: now)
        transaction.begin()
        with api.env.adopt_roles(["Manager"]):
            if withdrawal == "retracted":
                api.content.transition(obj=item, transition="reject")
            elif withdrawal == "deleted":
                api.content.delete(obj=item, check_linkintegrity=False)
            else:
                item.audience = ["teacher"]
                item.reindexObject()
        transaction.commit()
        run_worker(db, config, clock=lambda: now + DAY + 5)
        digest_now(site, db, config, lambda: now + DAY + 60)
        told = sorted(by_recipient(outbox_messages(outbox)))
        if withdrawal == "audience changed":
            # Its audience when it becomes effective: the school's teachers (digest), no parent.
            assert told == ["0310001h.teacher@example.org"]
        else:
            assert told == []
        transaction.begin()
        assert not deferred_jobs(store_of(site))

    def test_a_date_moved_earlier_is_announced_at_the_new_date(self, site, functional, config):
        now = time.time()
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        item = publish_on(site, "Réunion avancée", ["parent"], effective=now + 7 * DAY)
        run_worker(db, config, clock=lambda: now)
        set_effective(item, now + DAY)
        run_worker(db, config, clock=lambda: now + 3600)
        assert outbox.pending() == []
        run_worker(db, config, clock=lambda: now + DAY + 5)
        assert list(by_recipient(outbox_messages(outbox))) == [PARENT]

    def test_a_date_moved_later_waits_for_the_new_date(self, site, functional, config):
        now = time.time()
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        item = publish_on(site, "Réunion reportée", ["parent"], effective=now + DAY)
        run_worker(db, config, clock=lambda: now)
        set_effective(item, now + 3 * DAY)
        run_worker(db, config, clock=lambda: now + DAY + 5)
        assert outbox.pending() == []
        run_worker(db, config, clock=lambda: now + 3 * DAY + 5)
        assert list(by_recipient(outbox_messages(outbox))) == [PARENT]

    def test_moved_to_come_after_its_announcement_waits_for_the_digest_of_its_date(self, site, functional, config):
        now = time.time()
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        item = publish_on(site, "Date corrigée", ["parent"])
        run_worker(db, config, clock=lambda: now)
        assert list(by_recipient(outbox_messages(outbox))) == [PARENT]  # told at once: it was effective
        clear(outbox)
        set_effective(item, now + DAY)
        digest_now(site, db, config, lambda: now + 60)
        assert outbox.pending() == []
        digest_now(site, db, config, lambda: now + DAY + 60)
        assert list(by_recipient(outbox_messages(outbox))) == [PARENT2]


class TestOnlyWhatCommits:
    def test_an_aborted_publication_queues_nothing_and_writes_nothing(self, site, functional, config):
        with api.env.adopt_roles(["Manager"]):
            item = api.content.create(
                container=site["colleges"]["0310001h"]["actualites"],
                type="News Item",
                title="Brouillon",
                audience=["parent"],
            )
            api.content.transition(obj=item, transition="publish_internal")
        transaction.abort()
        outbox = Outbox(config.outbox_dir()).ensure()
        run_worker(functional["zodbDB"], config)
        assert outbox.pending() == [] and list(outbox.tmp.iterdir()) == []

    def test_mail_staged_in_an_aborted_transaction_never_reaches_the_outbox(self, tmp_path):
        from support.notifications import a_message

        outbox = Outbox(tmp_path / "mail").ensure()
        manager = transaction.TransactionManager()
        txn = manager.begin()
        outbox.stage(a_message("parent@example.org"), txn)
        assert len(list(outbox.tmp.iterdir())) == 1 and outbox.pending() == []
        manager.abort()
        assert list(outbox.tmp.iterdir()) == [] and outbox.pending() == []
        txn = manager.begin()
        outbox.stage(a_message("kept@example.org"), txn)
        savepoint = txn.savepoint()
        outbox.stage(a_message("rolled-back@example.org"), txn)
        savepoint.rollback()
        manager.commit()
        assert [m["To"] for m in outbox_messages(outbox)] == ["kept@example.org"]
        assert list(outbox.tmp.iterdir()) == []

    def test_a_conflict_retried_writes_one_mail(self, site, functional, config, smtp, monkeypatch):
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        publish_on(site, "Une seule fois", ["parent"])
        handle = worker_module.SiteWork._handle
        attempts = []

        def another_process_touches_the_claim(work, key, job):
            result = handle(work, key, job)
            attempts.append(len(list(outbox.tmp.iterdir())))
            if len(attempts) == 1:
                # Another process writes the same claim meanwhile: this commit conflicts.
                other = transaction.TransactionManager()
                connection = db.open(transaction_manager=other)
                store = store_of(connection.root()["Application"][site.getId()])
                store.claimed[key] = (job, time.time(), "another process")
                other.commit()
                connection.close()
            return result

        monkeypatch.setattr(worker_module.SiteWork, "_handle", another_process_touches_the_claim)
        run_worker(db, config)
        assert attempts == [1, 1]  # staged, conflicted and deleted, staged again
        assert list(outbox.tmp.iterdir()) == []
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]
        transaction.begin()
        assert len(store_of(site).claimed) == 0 and len(store_of(site).published) == 1


@pytest.fixture
def dead_process_cleans_nothing(monkeypatch):
    """A killed process does not abort its transaction: its staged mail stays in tmp/."""
    monkeypatch.setattr(OutboxDataManager, "abort", lambda self, txn: None)
    monkeypatch.setattr(OutboxDataManager, "tpc_abort", lambda self, txn: None)
    return monkeypatch


class TestCrashes:
    def test_killed_before_the_database_commit_then_restarted(
        self, site, functional, config, smtp, dead_process_cleans_nothing
    ):
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        publish_on(site, "Avant le commit", ["parent"])
        handle = worker_module.SiteWork._handle

        def dies_before_committing(work, key, job):
            handle(work, key, job)
            raise Crash()

        dead_process_cleans_nothing.setattr(worker_module.SiteWork, "_handle", dies_before_committing)
        with pytest.raises(Crash):
            run_worker(db, config)
        dead_process_cleans_nothing.undo()
        assert len(list(outbox.tmp.iterdir())) == 1 and outbox.pending() == []
        now = time.time()
        # Restarted; the job's claim is stale: the job is done again, its first mail never moves.
        run_worker(db, config, clock=lambda: now + worker_module.STALE_CLAIM + 5)
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]
        run_worker(db, config, clock=lambda: now + outbox_module.ORPHAN_AGE + 5)
        assert list(outbox.tmp.iterdir()) == []  # Maildir's rule: the dead transaction's mail goes
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]

    def test_killed_between_the_database_commit_and_the_outbox(
        self, site, functional, config, smtp, dead_process_cleans_nothing
    ):
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        publish_on(site, "Après le commit", ["parent"])

        def dies(self, txn):
            raise Crash()

        dead_process_cleans_nothing.setattr(OutboxDataManager, "tpc_finish", dies)
        with pytest.raises(Crash):
            run_worker(db, config)
        dead_process_cleans_nothing.undo()
        transaction.begin()
        # The database committed first (the outbox finishes last): the job is done.
        assert len(store_of(site).claimed) == 0 and len(store_of(site).jobs) == 0
        assert outbox.pending() == [] and len(list(outbox.tmp.iterdir())) == 1
        now = time.time()
        run_worker(db, config, clock=lambda: now + worker_module.STALE_CLAIM + 5)
        assert list(outbox.tmp.iterdir()) == []  # recovered: its batch is in the database
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]
        run_worker(db, config, clock=lambda: now + outbox_module.ORPHAN_AGE + 5)
        assert recipients_of(deliver(outbox, smtp)) == [PARENT]

    def test_a_digest_stopped_half_way_writes_nothing_then_all_once(self, site, functional, config, smtp):
        db = functional["zodbDB"]
        outbox = Outbox(config.outbox_dir())
        publish_on(site, "Pour les enseignants", ["teacher"], folder=site["actualites"])  # County: 2 teachers
        run_worker(db, config)
        transaction.begin()
        request_digest(site)
        transaction.commit()
        seen = []

        def stops_after_one():
            seen.append(len(list(outbox.tmp.iterdir())))
            return len(seen) > 1 and seen[-1] >= 1

        with pytest.raises(RuntimeError, match="stopped"):
            worker_module.run_once(db, config, stopping=stops_after_one)
        assert outbox.pending() == [] and list(outbox.tmp.iterdir()) == []
        transaction.begin()
        assert store_of(site).digest.running is None and store_of(site).digest.cutoff is None
        request_digest(site)
        transaction.commit()
        run_worker(db, config)
        assert recipients_of(deliver(outbox, smtp)) == ["0310001h.teacher@example.org", "0310003k.teacher@example.org"]

    def test_a_sender_killed_after_delivery_sends_nothing_twice(self, tmp_path, smtp):
        from support.notifications import a_message

        smtp.start()
        outbox = Outbox(tmp_path / "mail").ensure()
        outbox.add(a_message("first@example.org", "Premier"))
        script = textwrap.dedent(
            f"""
            import os, signal
            from ent.policy.notifications.outbox import Outbox
            from ent.policy.notifications.sender import Sender

            class DiesAfterDelivery(Sender):
                def delivered(self, name):  # the server has it; killed before removing it
                    os.kill(os.getpid(), signal.SIGKILL)

            DiesAfterDelivery(Outbox({str(tmp_path / "mail")!r}), "127.0.0.1", {smtp.port}).deliver()
            """
        )
        child = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        assert recipients_of(smtp.messages) == ["first@example.org"]
        assert outbox.pending() == [] and len(list(outbox.cur.iterdir())) == 1
        outbox.add(a_message("second@example.org", "Second"))
        # Restarted (a while later): the interrupted message is set aside, the next one goes.
        later = time.time() + outbox_module.SENDING_STALE + 5
        Sender(outbox, "127.0.0.1", smtp.port, clock=lambda: later).deliver()
        assert recipients_of(smtp.messages) == ["first@example.org", "second@example.org"]
        assert outbox.interrupted_count() == 1 and list(outbox.cur.iterdir()) == []
        Sender(outbox, "127.0.0.1", smtp.port, clock=lambda: later + 60).deliver()
        assert recipients_of(smtp.messages) == ["first@example.org", "second@example.org"]

    def test_two_senders_on_one_outbox_send_each_message_once(self, tmp_path, smtp):
        from support.notifications import a_message

        smtp.start()
        outbox = Outbox(tmp_path / "mail").ensure()
        for n in range(40):
            outbox.add(a_message(f"parent{n:02d}@example.org", f"Message {n}"))
        senders = [Sender(Outbox(tmp_path / "mail"), "127.0.0.1", smtp.port) for _ in range(2)]
        import threading

        threads = [threading.Thread(target=s.deliver) for s in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert recipients_of(smtp.messages) == [f"parent{n:02d}@example.org" for n in range(40)]
        assert outbox.pending() == [] and list(outbox.cur.iterdir()) == []
