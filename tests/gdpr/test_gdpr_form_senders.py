"""A training registration is its sender's, whatever address it holds: the sender's id is
recorded beside the row (gdpr.submitter), out of easyform's sight, so the form's saved-data
screen and its CSV still work; export and erasure follow the record; a row saved before
the records existed is still matched by its e-mail; a posted `ent_submitter` is ignored."""

from collective.easyform.api import get_actions
from ent.policy.gdpr import submitter
from ent.policy.gdpr.erasure import erase_person
from ent.policy.gdpr.export import export_person
from gdpr.conftest import build
from gdpr.conftest import MANAGER
from gdpr.conftest import OTHER
from gdpr.conftest import PASSWORD
from gdpr.conftest import PERSON
from gdpr.conftest import PERSON_EMAIL
from lxml import html
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import io
import json
import requests
import transaction
import zipfile


SENT_BY_OTHER = "Envoyé par Dominique pour Camille"


def exported_comments(userid):
    with api.env.adopt_user(username=userid):
        export = export_person(userid)
    stream = io.BytesIO()
    export.write(stream)
    data = json.loads(zipfile.ZipFile(io.BytesIO(stream.getvalue())).read("donnees.json"))
    return sorted(row["row"].get("comments") or "" for row in data["form_submissions"])


def rows(form):
    return {key: dict(row) for key, row in form._inputStorage["inscriptions"].items()}


def session(login):
    http = requests.Session()
    http.auth = (login, PASSWORD)
    return http


def register(http, form_url, **fields):
    page = http.get(form_url, timeout=60)
    assert page.status_code == 200, page.text[:300]
    token = page.text.split('name="_authenticator" value="', 1)[1].split('"', 1)[0]
    data = {
        "form.widgets.fullname": "Dominique Durand",
        "form.widgets.email": PERSON_EMAIL,
        "form.widgets.comments": SENT_BY_OTHER,
        "form.buttons.submit": "S'inscrire",
        "_authenticator": token,
    }
    data.update(fields)
    answer = http.post(form_url, data=data, timeout=60)
    assert answer.status_code == 200 and "Inscription enregistrée" in answer.text, answer.text[:500]
    return answer


def published_form(portal):
    """The registration form of the GDPR site, published as the help centre publishes it:
    for logged-in people."""
    form = build(portal)["form"]
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=form, transition="publish_internal")
    transaction.commit()
    return form


def test_a_row_is_its_senders_and_the_saved_data_screen_works(functional_portal):
    form = published_form(functional_portal)
    before = set(rows(form))

    # The other person registers, typing the person's address and posting a field that
    # claims to be the person.
    register(session(OTHER), form.absolute_url(), ent_submitter=PERSON)
    transaction.begin()
    (key,) = set(rows(form)) - before
    assert rows(form)[key]["email"] == PERSON_EMAIL
    assert submitter.sender(form, "inscriptions", key) == OTHER
    assert "ent_submitter" not in rows(form)[key]

    # The row is in its sender's export, not in the person's whose address it holds; the
    # rows saved before the records (no sender) are still matched by their e-mail.
    assert exported_comments(PERSON) == ["Fauteuil", "Rampe"]
    assert exported_comments(OTHER) == ["", SENT_BY_OTHER, "Remarque privée"]

    # An editor's saved-data screen lists every row, and its CSV download works.
    editor = requests.Session()
    editor.auth = (MANAGER, PASSWORD)
    screen = editor.get(f"{form.absolute_url()}/@@saveddata", timeout=60)
    assert screen.status_code == 200, screen.text[:300]
    assert screen.url.endswith("/actions/inscriptions/@@data")
    for comment in ("Fauteuil", "Rampe", "Remarque privée", SENT_BY_OTHER):
        assert comment in screen.text
    csv = editor.get(screen.url, params={"form.buttons.download": "Download", "csv_delimiter": ";"}, timeout=60)
    assert csv.status_code == 200 and "comma-separated" in csv.headers["Content-Type"]
    text = csv.content.decode()
    assert SENT_BY_OTHER in text and "Fauteuil" in text and OTHER not in text and PERSON not in text

    # The person's erasure leaves the row they did not send; its sender's takes it, with its
    # record.
    erase_person(functional_portal, PERSON, PERSON_EMAIL)
    assert SENT_BY_OTHER in {row.get("comments") for row in rows(form).values()}
    assert submitter.sender(form, "inscriptions", key) == OTHER
    erase_person(functional_portal, OTHER, "dominique@example.org")
    assert {row.get("comments") for row in rows(form).values()} == set()
    assert not list(submitter.senders(form).items())


def test_an_editor_removing_a_row_removes_its_record(functional_portal):
    form = published_form(functional_portal)
    before = set(rows(form))
    register(session(OTHER), form.absolute_url())
    transaction.begin()
    (key,) = set(rows(form)) - before

    # The editor ticks the row on the saved-data screen and deletes it.
    editor = requests.Session()
    editor.auth = (MANAGER, PASSWORD)
    url = f"{form.absolute_url()}/actions/inscriptions/@@data"
    page = html.fromstring(editor.get(url, timeout=60).text)
    crud = page.xpath(f'//input[@type="checkbox"][contains(@name, ".{key}.")]')[0]
    data = {field.name: field.value or "" for field in crud.xpath("ancestor::form[1]//input[@type='hidden']")}
    data[crud.name] = crud.get("value", "selected")
    (delete,) = crud.xpath("ancestor::form[1]//*[@type='submit'][contains(@name, 'delete')]")
    data[delete.get("name")] = delete.get("value")
    answer = editor.post(url, data=data, timeout=60)
    assert answer.status_code == 200
    transaction.begin()
    assert key not in rows(form)
    assert submitter.sender(form, "inscriptions", key) is None
    # The person's export and erasure do not trip on it.
    assert exported_comments(OTHER) == ["", "Remarque privée"]

    # "Clear all" leaves no record either.
    register(session(OTHER), form.absolute_url())
    transaction.begin()
    assert sorted(submitter.senders(form).values()) == sorted([PERSON, OTHER, OTHER])
    get_actions(form)["inscriptions"].clearSavedFormInput()
    assert not rows(form) and not list(submitter.senders(form).items())


def test_a_posted_ent_submitter_claims_nothing(person_data):
    """A form field of that name (posted, or even a field of the form) is never a sender."""
    from plone.app.testing import logout

    class Published:
        def __init__(self, request):
            self.request = request

    form = person_data["form"]
    action = get_actions(form)["inscriptions"]
    # A row that holds a field `ent_submitter` naming the person, under another address.
    forged = {"name": "Quelqu'un", "email": "quelquun@example.org", "comments": "Forgé", "ent_submitter": PERSON}
    action.addDataRow(forged)
    # An anonymous POST claiming to be the person.
    request = form.REQUEST
    request.environ["REQUEST_METHOD"] = "POST"
    request.form[submitter.KEY] = PERSON
    request.other[submitter.KEY] = PERSON  # as Zope copies a posted field there
    logout()
    submitter.record_submitter(Published(request))
    anonymous = {"name": "Anonyme", "email": "anonyme@example.org", "comments": "Anonyme"}
    action.addDataRow(anonymous)
    assert submitter.sender(form, "inscriptions", forged["id"]) is None
    assert submitter.sender(form, "inscriptions", anonymous["id"]) is None
    assert exported_comments(PERSON) == ["Fauteuil", "Rampe"]


def test_a_post_outside_the_site_is_served(functional_portal):
    """The sender is noted on every POST, also where there is no Plone site (the Zope root's
    management screens, adding a site): that must not fail (it answered 500)."""
    root = functional_portal.absolute_url().rsplit("/", 1)[0]
    response = requests.post(
        f"{root}/manage_main", data={"field": "value"}, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=30
    )
    assert response.status_code == 200, response.text[:500]
