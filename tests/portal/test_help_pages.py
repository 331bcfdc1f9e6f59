"""The help centre of the demo site (`/aide-formation`): guides, FAQ and training sessions, a
search that stays in the section, registration to a session, and the support request form
whose submissions become cases for the County's site administrators."""

from lxml import html
from support.demo_instance import PEOPLE
from urllib.parse import parse_qs
from urllib.parse import urlparse

import io
import pytest
import uuid


HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def centre(demo):
    return f"{demo.url}/aide-formation"


def page(session, url, **params):
    answer = session.get(url, params=params, headers=HTML, timeout=60)
    return answer, html.fromstring(answer.text)


def texts(tree, xpath):
    return [" ".join(el.text_content().split()) for el in tree.xpath(xpath)]


def came_from(href):
    return parse_qs(urlparse(href).query).get("came_from", [""])[0]


def submit(session, form_url, values, files=None):
    """Post the form of `form_url` as a browser does: what its inputs hold (prefilled
    fields, the authenticator, the spam trap left empty) with `values`, pressing its
    first submit button."""
    answer, tree = page(session, form_url)
    assert answer.status_code == 200, answer.status_code
    form = tree.xpath("//form[contains(@class, 'easyformForm') or .//input[@name='form.buttons.submit']]")[0]
    data = {
        el.get("name"): el.get("value") or ""
        for el in form.xpath(".//input[@name]")
        if el.get("type") not in ("submit", "file", "checkbox", "radio")
    }
    data.update({el.get("name"): el.text or "" for el in form.xpath(".//textarea[@name]")})
    data.update(values)
    button = form.xpath(".//*[@type='submit'][starts-with(@name, 'form.buttons.')]")[0]
    data[button.get("name")] = button.get("value") or ""
    action = form.get("action") or form_url
    return session.post(action, data=data, files=files or {}, headers=HTML, timeout=60)


class TestHelpCentre:
    def test_lists_guides_faq_and_training_session(self, demo, centre):
        answer, tree = page(demo.session(PEOPLE["teacher"]), centre)
        assert answer.status_code == 200
        guides = texts(tree, "//section[contains(@class, 'ent-help-guides')]//li/a")
        assert "Premiers pas sur l'ENT" in guides
        assert len(guides) == 3
        questions = texts(tree, "//section[contains(@class, 'ent-help-faq')]//li/a")
        assert "J'ai oublié mon mot de passe : qui peut le changer ?" in questions
        sessions = tree.xpath("//li[contains(@class, 'ent-help-session')]")
        assert "Formation : publier sur le site de son collège" in sessions[0].text_content()
        register = sessions[0].xpath('.//a[normalize-space()="S\'inscrire"]')
        assert register and "/aide-formation/inscription-" in register[0].get("href")

    def test_search_finds_a_question_and_stays_in_the_section(self, demo, centre):
        session = demo.session(None)
        _answer, tree = page(session, centre, SearchableText="secrétariat")
        found = tree.xpath("//section[contains(@class, 'ent-help-results')]//a[@class='ent-help-question-link']")
        assert [" ".join(a.text_content().split()) for a in found] == [
            "J'ai oublié mon mot de passe : qui peut le changer ?"
        ]
        # The link opens that question on the FAQ page, without JavaScript.
        faq, faq_tree = page(session, found[0].get("href"))
        assert faq.status_code == 200
        opened = faq_tree.xpath("//details[@open]/summary")
        assert [" ".join(s.text_content().split()) for s in opened] == [
            "J'ai oublié mon mot de passe : qui peut le changer ?"
        ]
        # An event of another section ("Culture et loisirs") is not in the help.
        _answer, tree = page(session, centre, SearchableText="Festival")
        assert tree.xpath("//section[contains(@class, 'ent-help-results')]//*[@class='ent-help-no-result']")
        assert not tree.xpath("//li[contains(@class, 'ent-help-result')]")


class TestSupportRequest:
    def test_anonymous_is_asked_to_log_in(self, demo, centre):
        session = demo.session(None)
        form_url = f"{centre}/demande-assistance"
        _answer, tree = page(session, centre)
        login = tree.xpath("//a[contains(@class, 'ent-help-login')]")
        assert came_from(login[0].get("href")) == form_url
        answer, tree = page(session, form_url)
        assert answer.status_code == 404
        assert not tree.xpath("//textarea")
        assert form_url in [came_from(a.get("href")) for a in tree.xpath("//a[contains(@href, 'came_from')]")]

    def test_a_teachers_request_becomes_a_case_for_the_county_admins(self, demo, centre):
        teacher = demo.session(PEOPLE["teacher"])
        subject = f"Imprimante introuvable {uuid.uuid4().hex[:8]}"
        answer = submit(
            teacher,
            f"{centre}/demande-assistance",
            {
                "form.widgets.subject": subject,
                "form.widgets.message": "Depuis ce matin, l'imprimante de la salle 12 n'apparaît plus.",
                "form.widgets.school:list": "0310001H",
                "form.widgets.school-empty-marker": "1",
            },
            files={"form.widgets.attachment": ("capture.png", png(), "image/png")},
        )
        assert answer.status_code == 200, answer.status_code
        admin = demo.session(PEOPLE["county-admin"])
        cases = admin.get(f"{demo.url}/@cases", params={"b_size": 200}, headers=JSON, timeout=60)
        assert cases.status_code == 200
        mine = [c for c in cases.json()["items"] if c["kind"] == "support" and c["school"] == "0310001H"]
        assert mine, cases.json()
        found = []
        for case in mine:
            text = admin.get(case["@id"], headers=HTML, timeout=60).text
            if subject in text:
                found.append(case)
        assert len(found) == 1
        # Nobody else sees it: another teacher gets the page of a missing one.
        other = demo.session("0310003k.teacher").get(found[0]["@id"], headers=HTML, timeout=60)
        assert other.status_code == 404


class TestTrainingRegistration:
    def test_a_registration_is_read_by_the_county_editors(self, demo, centre):
        teacher = demo.session(PEOPLE["teacher"])
        _answer, tree = page(teacher, centre)
        form_url = tree.xpath("//li[contains(@class, 'ent-help-session')]//a[normalize-space()=\"S'inscrire\"]")[0].get(
            "href"
        )
        remark = f"Fauteuil roulant {uuid.uuid4().hex[:8]}"
        answer = submit(teacher, form_url, {"form.widgets.comments": remark})
        assert answer.status_code == 200
        saved = demo.session(PEOPLE["county-agent"]).get(f"{form_url}/@@saveddata", headers=HTML, timeout=60)
        assert saved.status_code == 200
        assert remark in saved.text
        # The registrants do not read each other's registrations.
        other = demo.session(PEOPLE["teacher"]).get(f"{form_url}/@@saveddata", headers=HTML, timeout=60)
        assert remark not in other.text


def png():
    """A small PNG screenshot (the attachment check reads the bytes)."""
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (40, 20), (46, 94, 170)).save(data, "PNG")
    return data.getvalue()
