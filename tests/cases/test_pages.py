"""A case over HTTP: who sees it, its attachments as downloads, the decision form, and the
reason rule through plone.restapi's @workflow."""

from cases.conftest import APPLICANT
from cases.conftest import EDITOR
from cases.conftest import HANDLER
from cases.conftest import make_accounts
from cases.conftest import make_source
from cases.conftest import OTHER_PARENT
from cases.conftest import PASSWORD
from cases.conftest import PDF
from ent.policy.cases.model import create_case
from plone import api

import pytest
import re
import requests
import transaction


@pytest.fixture
def case_url(functional_portal):
    portal = functional_portal
    make_accounts()
    source = make_source(portal)
    with api.env.adopt_user(username=APPLICANT):
        case = create_case(
            "aid",
            source,
            api.user.get_current(),
            [("child", "Enfant", "Léa Tournesol"), ("needs", "Besoins", ["cantine", "transport"])],
            [("proof", "Avis d'imposition", "avis d'impôt.pdf", PDF, "text/html")],
            school="0310001H",
        )
    transaction.commit()
    return case.absolute_url()


def http(login=None):
    session = requests.Session()
    if login:
        session.auth = (login, PASSWORD)
    return session


def test_the_applicant_and_the_handlers_see_it_nobody_else(case_url):
    mine = http(APPLICANT).get(case_url, timeout=60)
    assert mine.status_code == 200
    assert "Léa Tournesol" in mine.text and "cantine, transport" in mine.text and "Reçue" in mine.text
    assert "Avis d&#x27;imposition" in mine.text or "Avis d'imposition" in mine.text
    assert 'name="transition"' not in mine.text
    handled = http(HANDLER).get(case_url, timeout=60)
    assert handled.status_code == 200 and 'name="transition"' in handled.text
    missing = case_url.rsplit("/", 1)[0] + "/a-1999-00001"
    for login in (OTHER_PARENT, EDITOR, None):
        refused = http(login).get(case_url, timeout=60)
        assert refused.status_code == 404, login
        assert "Tournesol" not in refused.text
        assert refused.status_code == http(login).get(missing, timeout=60).status_code
        attachment = http(login).get(f"{case_url}/@@case-attachment/proof", timeout=60)
        assert attachment.status_code == 404 and PDF not in attachment.content


def test_an_attachment_is_always_downloaded(case_url):
    response = http(APPLICANT).get(f"{case_url}/@@case-attachment/proof", timeout=60)
    assert response.status_code == 200
    assert response.content == PDF
    # The bytes decided the type, not what the browser said (text/html).
    assert response.headers["Content-Type"].startswith("application/pdf")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert http(APPLICANT).get(f"{case_url}/@@case-attachment/other", timeout=60).status_code == 404


def test_rest_workflow_refuses_a_refusal_without_reason(case_url):
    handler = http(HANDLER)
    handler.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    refused = handler.post(f"{case_url}/@workflow/refuse", json={"comment": " "}, timeout=60)
    assert refused.status_code == 400
    assert "motif" in refused.json()["error"]["message"]
    assert handler.get(case_url, timeout=60).json()["review_state"] == "received"
    # The applicant may not decide at all.
    applicant = http(APPLICANT)
    applicant.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    assert applicant.post(f"{case_url}/@workflow/accept", json={}, timeout=60).status_code in (400, 401, 403)
    done = handler.post(f"{case_url}/@workflow/refuse", json={"comment": "Hors délai."}, timeout=60)
    assert done.status_code == 200, done.text
    assert handler.get(case_url, timeout=60).json()["review_state"] == "refused"


def test_the_decision_form(case_url):
    handler = http(HANDLER)
    page = handler.get(case_url, timeout=60)
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    # Without the authenticator: refused (CSRF), nothing changed.
    forged = handler.post(f"{case_url}/@@case_view", data={"transition": "accept"}, timeout=60)
    assert forged.status_code in (403, 400)
    missing = handler.post(
        f"{case_url}/@@case_view", data={"transition": "refuse", "reason": "", "_authenticator": token}, timeout=60
    )
    assert missing.status_code == 400
    assert "indiquez le motif du refus" in missing.text
    done = handler.post(
        f"{case_url}/@@case_view",
        data={"transition": "refuse", "reason": "Quotient trop élevé.", "_authenticator": token},
        timeout=60,
    )
    assert done.status_code == 200 and "Refusée" in done.text
    seen = http(APPLICANT).get(case_url, timeout=60).text
    assert "Quotient trop élevé." in seen and "Les services du Département" in seen
