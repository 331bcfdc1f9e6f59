"""What the notification tests share: reading the outbox, one pass of the worker."""

from email import message_from_bytes
from email import policy
from ent.policy.notifications import worker as worker_module

import threading
import time


def wait_until(condition, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def outbox_messages(outbox):
    return [message_from_bytes((outbox.new / name).read_bytes(), policy=policy.default) for name in outbox.pending()]


def by_recipient(messages):
    result = {}
    for message in messages:
        result.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
    return result


def body(message):
    return message.get_body(("plain",)).get_content()


def run_worker(db, config, **kw):
    """One pass of the worker, in its own thread and connection, as in a running instance."""
    errors = []

    def target():
        try:
            worker_module.run_once(db, config, **kw)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    if errors:
        raise errors[0]


def store_of(portal):
    from ent.policy.notifications.store import get_store

    return get_store(portal)


def a_message(to, subject="Essai"):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "ent@example.org"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Bonjour,\n" + "Une ligne de texte.\n" * 100)  # longer than one SMTP line
    return message
