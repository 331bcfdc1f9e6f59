"""Aids (ent.policy.content.aid) and their forms: the window, the form made on creation,
a parent's application through the form over HTTP (a case with answers and attachments),
what the form refuses (closed, upcoming, missing field, refused file, honeypot)."""

from cases.conftest import APPLICANT
from cases.conftest import EDITOR
from cases.conftest import make_accounts
from cases.conftest import PASSWORD
from cases.conftest import PDF
from collective.honeypot.config import HONEYPOT_FIELD
from ent.policy.content.aid import aid_window
from plone import api
from zExceptions import Unauthorized

import datetime
import pytest
import requests
import transaction


TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


class TestWindow:
    @pytest.mark.parametrize(
        "opens, closes, state, sentence",
        [
            (datetime.date(2026, 9, 1), datetime.date(2027, 3, 31), "open", "Ouverte jusqu'au 31 mars 2027"),
            (datetime.date(2027, 2, 1), datetime.date(2027, 6, 30), "upcoming", "Ouvre le 1er février 2027"),
            (datetime.date(2026, 5, 1), datetime.date(2026, 10, 15), "closed", "Clôturée depuis le 15 octobre 2026"),
            # Both days included, in the site's calendar (23:30 UTC on the 14th is the 15th in Paris).
            (datetime.date(2026, 5, 1), datetime.date(2026, 11, 29), "open", "Ouverte jusqu'au 29 novembre 2026"),
        ],
    )
    def test_states(self, portal, opens, closes, state, sentence):
        now = datetime.datetime(2026, 11, 29, 22, 30, tzinfo=datetime.UTC)
        assert tuple(aid_window(opens, closes, now)) == (state, sentence)

    def test_day_of_the_site(self, portal):
        late = datetime.datetime(2026, 10, 15, 22, 30, tzinfo=datetime.UTC)  # 16 Oct in Paris
        assert aid_window(datetime.date(2026, 5, 1), datetime.date(2026, 10, 15), late).state == "closed"


def add_aid(portal, title="Aide à la cantine", opens=TODAY - DAY, closes=TODAY + 30 * DAY, publish=True):
    with api.env.adopt_user(username=EDITOR):
        aid = api.content.create(
            container=portal["aides"],
            type="Aid",
            title=title,
            description="Une aide pour la cantine.",
            beneficiaries=["families"],
            amount="150 €",
            opens=opens,
            closes=closes,
            contact="Service des aides",
        )
    if publish:
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(obj=aid, transition="publish")
    return aid


class TestAidType:
    def test_creation_gives_the_aid_its_form(self, portal):
        make_accounts()
        aid = add_aid(portal)
        form = aid["formulaire"]
        assert form.portal_type == "EasyForm"
        assert "last_name" in form.fields_model and "ent.policy.cases.action.CreateCase" in form.actions_model
        assert api.content.get_state(form) == "published"

    def test_only_in_the_aids_section(self, portal):
        make_accounts()
        with api.env.adopt_user(username=EDITOR):
            with pytest.raises((ValueError, api.exc.InvalidParameterError, Unauthorized)):
                api.content.create(container=portal["actualites"], type="Aid", title="Ailleurs")
            assert "Aid" in [fti.getId() for fti in portal["aides"].allowedContentTypes()]


@pytest.fixture
def served(functional_portal):
    make_accounts()
    aids = {
        "open": add_aid(functional_portal, "Aide ouverte"),
        "upcoming": add_aid(functional_portal, "Aide à venir", opens=TODAY + 10 * DAY, closes=TODAY + 40 * DAY),
        "closed": add_aid(functional_portal, "Aide close", opens=TODAY - 40 * DAY, closes=TODAY - 10 * DAY),
    }
    transaction.commit()
    return functional_portal, {key: aid.absolute_url() for key, aid in aids.items()}


def logged_in(portal_url, login=APPLICANT):
    http = requests.Session()
    http.auth = (login, PASSWORD)
    return http


def submit(http, form_url, fields=None, files=None, extra=None, post_to=None):
    page = http.get(form_url, timeout=60)
    assert page.status_code == 200, page.text[:500]
    token = page.text.split('name="_authenticator" value="', 1)[1].split('"', 1)[0]
    data = {
        "form.widgets.last_name": "Martin",
        "form.widgets.first_name": "Camille",
        "form.widgets.email": "camille@example.org",
        "form.widgets.comments": "Merci.",
        "form.buttons.submit": "Déposer ma demande",
        "_authenticator": token,
    }
    data.update(fields or {})
    data.update(extra or {})
    return http.post(post_to or form_url, data=data, files=files or {}, timeout=60)


def aid_cases(portal):
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    return [brain._unrestrictedGetObject() for brain in catalog.unrestrictedSearchResults(portal_type="Case")]


class TestApplying:
    def test_a_parent_applies_and_gets_a_case(self, served):
        portal, urls = served
        http = logged_in(portal.absolute_url())
        page = http.get(urls["open"] + "/formulaire", timeout=60)
        assert "Ouverte jusqu" in page.text and f'name="{HONEYPOT_FIELD}"' in page.text
        response = submit(
            http,
            urls["open"] + "/formulaire",
            files={"form.widgets.attachment_1": ("avis.pdf", PDF, "application/pdf")},
        )
        assert response.status_code == 200
        [case] = aid_cases(portal)
        assert case.reference in response.text and case.absolute_url() in response.text
        answers = {name: value for name, _label, value in case.answers}
        assert answers["last_name"] == "Martin" and answers["comments"] == "Merci."
        assert case.attachments["attachment_1"]["file"].data == PDF
        assert case.applicant == APPLICANT

    @pytest.mark.parametrize("key, says", [("closed", "Clôturée depuis le"), ("upcoming", "Ouvre le")])
    def test_not_open_refused_with_the_date(self, served, key, says):
        portal, urls = served
        http = logged_in(portal.absolute_url())
        page = http.get(urls[key] + "/formulaire", timeout=60)
        assert says in page.text and "form.buttons.submit" not in page.text
        # Posted anyway (the page shows no form): the action refuses, saying when.
        response = submit(http, urls["open"] + "/formulaire", post_to=urls[key] + "/formulaire")
        assert says.lower() in response.text.lower()
        assert aid_cases(portal) == []

    def test_missing_required_field(self, served):
        portal, urls = served
        response = submit(
            logged_in(portal.absolute_url()), urls["open"] + "/formulaire", {"form.widgets.last_name": ""}
        )
        assert (
            "invalid-feedback" in response.text or "Champ obligatoire" in response.text or "Required" in response.text
        )
        assert aid_cases(portal) == []

    @pytest.mark.parametrize(
        "filename, data",
        [
            ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200),
            ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
            ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ],
    )
    def test_refused_attachment_stores_nothing(self, served, filename, data):
        portal, urls = served
        response = submit(
            logged_in(portal.absolute_url()),
            urls["open"] + "/formulaire",
            files={"form.widgets.attachment_1": (filename, data, "application/octet-stream")},
        )
        assert "type accepté" in response.text
        assert aid_cases(portal) == []

    def test_honeypot_filled_refused(self, served):
        portal, urls = served
        response = submit(
            logged_in(portal.absolute_url()), urls["open"] + "/formulaire", extra={HONEYPOT_FIELD: "spam"}
        )
        assert response.status_code == 403
        assert aid_cases(portal) == []

    def test_anonymous_sent_to_log_in(self, served):
        portal, urls = served
        response = requests.get(urls["open"] + "/formulaire", timeout=60, allow_redirects=False)
        assert response.status_code == 302 and "/login?came_from=" in response.headers["Location"]
        page = requests.get(urls["open"], timeout=60).text
        assert "Se connecter pour déposer une demande" in page

    def test_prefilled_name_and_email(self, served):
        portal, urls = served
        page = logged_in(portal.absolute_url()).get(urls["open"] + "/formulaire", timeout=60).text
        # conftest: "Camille Martin", 0310001h.parent@example.org
        assert 'value="Martin"' in page and 'value="Camille"' in page and f"{APPLICANT}@example.org" in page


class TestRest:
    def test_editor_creates_and_anyone_reads_an_aid(self, served):
        portal, urls = served
        editor = requests.Session()
        editor.auth = (EDITOR, PASSWORD)
        editor.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        data = {
            "@type": "Aid",
            "title": "Aide par REST",
            "beneficiaries": ["attee"],
            "opens": "2027-02-01",
            "closes": "2027-03-31",
            "amount": "100 €",
        }
        created = editor.post(f"{portal.absolute_url()}/aides", json=data, timeout=60)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["beneficiaries"] == [{"token": "attee", "title": "Agents ATTEE"}]
        assert body["items"][0]["@id"].endswith("/aide-par-rest/formulaire")
        elsewhere = editor.post(f"{portal.absolute_url()}/actualites", json=data, timeout=60)
        assert elsewhere.status_code in (400, 401, 403)
        read = requests.get(urls["open"], headers={"Accept": "application/json"}, timeout=60).json()
        assert (read["@type"], read["opens"], read["amount"]) == ("Aid", str(TODAY - DAY), "150 €")
