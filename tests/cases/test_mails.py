"""A case's mails reach its applicant through a real SMTP server on loopback: one when the
request is stored, one at each decision, none twice and none for what did not commit."""

from cases.conftest import APPLICANT
from cases.conftest import HANDLER
from cases.conftest import make_accounts
from cases.conftest import make_source
from cases.conftest import PDF
from ent.policy.cases.model import create_case
from ent.policy.cases.model import decide
from ent.policy.notifications.config import current_config
from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.sender import Sender
from plone import api
from support.smtp_server import SmtpServer

import pytest
import transaction


REASON = "Le quotient familial dépasse le plafond de l'aide."


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def deliver(smtp):
    """What the instance's mail sender does when woken: everything committed, sent once."""
    Sender(Outbox(current_config().outbox_dir()), "127.0.0.1", smtp.port).deliver()


def test_the_applicant_is_told_at_submission_and_at_each_decision(functional_portal, smtp):
    make_accounts()
    source = make_source(functional_portal)
    with api.env.adopt_user(username=APPLICANT):
        case = create_case(
            "aid", source, api.user.get_current(), [("child", "Enfant", "Léa")], [("p", "Avis", "a.pdf", PDF, "")]
        )
    reference = case.reference
    deliver(smtp)
    assert smtp.to(f"{APPLICANT}@example.org") == []  # nothing before the commit
    transaction.commit()
    deliver(smtp)
    with api.env.adopt_user(username=HANDLER):
        decide(case, "review")
        decide(case, "refuse", REASON)
    transaction.commit()
    deliver(smtp)
    deliver(smtp)  # woken again: nothing is sent twice
    with api.env.adopt_user(username=HANDLER):
        decide(case, "reopen")
    transaction.abort()  # a decision that did not commit tells nobody
    deliver(smtp)
    mails = smtp.to(f"{APPLICANT}@example.org")
    assert [mail["Subject"] for mail in mails] == [
        f"Votre demande n° {reference} a bien été reçue",
        f"Votre demande n° {reference} est en cours d'instruction",
        f"Votre demande n° {reference} est refusée",
    ]
    refusal = mails[-1].get_content()
    assert REASON in refusal and case.absolute_url() in refusal
    assert all(mail["To"] == f"Camille Martin <{APPLICANT}@example.org>" for mail in mails)


def test_the_demos_cases_mail_nobody(cases_site, source, mail_dir):
    """The demo's cases stand for past requests: made and decided in `unannounced`, they
    stage no mail; the next real request does."""
    from cases.conftest import staged
    from ent.policy.cases.mails import unannounced

    with unannounced(), api.env.adopt_user(username=APPLICANT):
        case = create_case("aid", source, api.user.get_current(), [("child", "Enfant", "Léa")])
    with unannounced(), api.env.adopt_user(username=HANDLER):
        decide(case, "accept")
    assert staged(mail_dir) == []
    with api.env.adopt_user(username=APPLICANT):
        create_case("aid", source, api.user.get_current(), [("child", "Enfant", "Théo")])
    assert len(staged(mail_dir)) == 1
