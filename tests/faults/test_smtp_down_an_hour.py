"""Fault: the mail server is down for an hour (the hour simulated: the sender's clock and the
age of the files in the outbox move on; nothing waits an hour). Publishing goes on without
error, the mail waits in the outbox, one log line says the server is down, and once it is back
every mail is delivered, none twice, within the back-off's maximum of its return."""

from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.sender import Sender
from plone import api
from support.notifications import run_worker

import logging
import os
import time
import transaction


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


def publish(container, title):
    transaction.begin()  # see what the worker committed
    with api.env.adopt_roles(["Manager"]):
        item = api.content.create(container=container, type="News Item", title=title, audience=["parent"])
        transitions = [t["id"] for t in api.portal.get_tool("portal_workflow").getTransitionsFor(item)]
        api.content.transition(obj=item, transition="publish" if "publish" in transitions else "publish_internal")
    transaction.commit()


def age(folder, seconds):
    """Every file of the outbox `seconds` older, as if that time had gone by."""
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def test_mail_waits_an_hour_then_each_one_arrives_once(site, functional, config, smtp, caplog):
    caplog.set_level(logging.INFO, logger="ent.policy.notifications")
    db = functional["zodbDB"]
    news = site["colleges"]["0310001h"]["actualites"]
    clock = Clock()
    outbox = Outbox(config.outbox_dir()).ensure()
    # The sender of a running instance, pass by pass (its thread calls deliver() the same way).
    sender = Sender(outbox, "127.0.0.1", smtp.port, retry_max=config.retry_max_seconds, clock=clock)
    titles = []
    for minute in range(60):  # the server is down (never started)
        if minute % 15 == 0:  # people keep publishing: nothing they do fails
            titles.append(f"Information n° {len(titles) + 1}")
            publish(news, titles[-1])
            run_worker(db, config)
        assert sender.deliver() == 0
        age(outbox.new.parent, 60)
        clock.now += 60
    assert outbox.count() == len(titles) == 4  # the parent of 0310001h who chose immediate
    assert sender.down_since is not None and sender.delay <= config.retry_max_seconds
    down = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(down) == 1  # one line for the hour, not one per try or per message

    smtp.start()
    assert sender.deliver() == 4
    for _ in range(3):  # the next passes send nothing again
        clock.now += 60
        assert sender.deliver() == 0
    received = [(tuple(to), message["Subject"]) for _, to, message in smtp.messages]
    assert len(received) == len(set(received)) == 4
    assert sorted(subject.split("] ", 1)[1] for _, subject in received) == sorted(titles)
    assert outbox.count() == 0 and outbox.rejected_count() == 0
    assert not outbox.interrupted.exists() or not any(outbox.interrupted.iterdir())
    assert any("is back" in r.getMessage() for r in caplog.records)
