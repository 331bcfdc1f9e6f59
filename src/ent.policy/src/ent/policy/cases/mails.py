"""The applicant's mails: the request received, then each decision. French, plain text,
with the case's number and address; staged in the notification outbox, so that they leave
only if the transaction that stored the case or its decision commits."""

from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import formataddr
from email.utils import make_msgid
from ent.policy.dates import local
from ent.policy.notifications.config import current_config
from ent.policy.notifications.jobs import mail_from
from ent.policy.notifications.messages import host_name
from ent.policy.notifications.outbox import IMMEDIATE
from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.store import get_store
from ent.policy.notifications.store import record_batch
from plone import api

import contextlib
import datetime
import logging
import threading
import transaction


logger = logging.getLogger("ent.policy.cases")

#: state → (subject, first lines); `{reference}` and `{source}` are filled in.
TEXTS = {
    "received": (
        "Votre demande n° {reference} a bien été reçue",
        [
            "Votre demande n° {reference} ({source}) a bien été reçue.",
            "Vous serez informé(e) par courriel de sa suite.",
        ],
    ),
    "under_review": (
        "Votre demande n° {reference} est en cours d'instruction",
        ["Votre demande n° {reference} ({source}) est en cours d'instruction par les services du Département."],
    ),
    "accepted": (
        "Votre demande n° {reference} est acceptée",
        ["Votre demande n° {reference} ({source}) est acceptée."],
    ),
    "refused": (
        "Votre demande n° {reference} est refusée",
        ["Votre demande n° {reference} ({source}) est refusée."],
    ),
}


def case_message(case, state, reason, sender):
    subject, lines = TEXTS[state]
    values = {"reference": case.reference, "source": case.source_title or case.Title()}
    body = [f"Bonjour {case.applicant_name or ''},".replace(" ,", ","), ""]
    body += [line.format(**values) for line in lines]
    if state == "refused" and reason:
        body += ["", "Motif du refus :", reason]
    elif reason:
        body += ["", "Message du Département :", reason]
    body += [
        "",
        "Suivre votre demande :",
        case.absolute_url(),
        "",
        "-- ",
        "Message automatique, merci de ne pas y répondre.",
    ]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((case.applicant_name or "", case.applicant_email))
    message["Subject"] = subject.format(**values)
    message["Date"] = format_datetime(local(datetime.datetime.now(datetime.UTC)))
    message["Message-ID"] = make_msgid(domain=host_name())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(body) + "\n", charset="utf-8")
    return message


def _wake_sender(committed, *args):
    if committed:
        from ent.policy.notifications.worker import wake_sender

        wake_sender()


_unannounced = threading.local()


@contextlib.contextmanager
def unannounced():
    """Cases made or decided inside this block mail nobody: the demo's, which stand for past
    requests (as its news items announce nothing), not for requests of today."""
    _unannounced.active = True
    try:
        yield
    finally:
        _unannounced.active = False


def stage_mail(case, state, reason=""):
    """Stage the mail of `state` to the applicant in the current transaction; its name, or
    None (no address, notifications off, no text for that state, an unannounced block)."""
    if state not in TEXTS or not case.applicant_email or getattr(_unannounced, "active", False):
        return None
    config = current_config()
    if not config.enabled:
        return None
    portal = api.portal.get()
    outbox = Outbox(config.outbox_dir()).ensure()
    txn = transaction.get()
    name = outbox.stage(case_message(case, state, reason, mail_from(portal, config)), txn, IMMEDIATE)
    # The batch, recorded in the same transaction, is what outbox.recover trusts after a crash.
    record_batch(get_store(portal, create=True), outbox.batch_for(txn))
    txn.addAfterCommitHook(_wake_sender)
    return name
