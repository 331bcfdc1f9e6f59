"""The export of a person's data: everything they authored or submitted and what the ENT
holds about them, in a ZIP; for the person themself and the site's administrators only."""

from ent.policy.gdpr.export import export_person
from ent.policy.gdpr.export import ExportRefused
from gdpr.conftest import build
from gdpr.conftest import MANAGER
from gdpr.conftest import OTHER
from gdpr.conftest import PASSWORD
from gdpr.conftest import PDF
from gdpr.conftest import PERSON
from gdpr.conftest import PERSON_EMAIL
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import io
import json
import pytest
import requests
import transaction
import zipfile


def unzip(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(archive.read("donnees.json")), archive


def test_the_export_holds_what_the_person_made_and_nothing_of_others(person_data):
    # A handler of the County takes the case up: the export names the County, not them (as
    # the case's page does).
    with api.env.adopt_roles(["Manager"]), api.env.adopt_user(username=MANAGER):
        api.content.transition(obj=person_data["case"], transition="review")
    with api.env.adopt_user(username=PERSON):
        export = export_person(PERSON)
    stream = io.BytesIO()
    export.write(stream)
    data, archive = unzip(stream.getvalue())
    assert data["account"]["email"] == PERSON_EMAIL
    assert "all-parent" in data["account"]["groups"]
    assert sorted(item["title"] for item in data["content"]) == ["Liste des fournitures", "Sortie au musée"]
    assert [c["text"] for c in data["comments"]] == ["Nous viendrons à la kermesse."]
    assert data["comments"][0]["on"].endswith("/kermesse")
    (case,) = data["cases"]
    assert case["reference"] == person_data["case"].reference
    assert case["answers"] == [{"name": "child", "label": "Enfant", "value": "Anne Martin"}]
    assert archive.read(case["attachments"][0]["file"]) == PDF
    (page,) = [item for item in data["content"] if item["type"] == "File"]
    assert archive.read(page["files"][0]) == b"crayons, gomme\n"
    # Their rows: the one kept by their id, and the older one by their address; never
    # another's row that typed their address.
    assert sorted(row["row"]["comments"] for row in data["form_submissions"]) == ["Fauteuil", "Rampe"]
    assert data["spaces"] == [{"path": "/espaces/parents", "title": "Parents", "role": "editor"}]
    assert len(data["space_visits"]) == 1
    assert data["notification_preference"]["choice"] == "immediate"
    assert "agenda_subscription" in data
    text = archive.read("donnees.json").decode()
    assert "Kermesse" not in text and "Bonne idée" not in text and "Dominique" not in text
    assert "Remarque privée" not in text
    assert [(step["actor"], step["actor_name"]) for step in case["history"]][-1] == (
        "",
        "Les services du Département",
    )
    assert MANAGER not in text and "Agent Départemental" not in text


def test_another_person_may_not_export_it(person_data):
    with api.env.adopt_user(username=OTHER), pytest.raises(ExportRefused):
        export_person(PERSON)


def test_rest_page_and_refusals(functional_portal):
    build(functional_portal)
    transaction.commit()
    url = functional_portal.absolute_url()

    def get(path, auth=None, **params):
        # plone.rest answers a service for a client that accepts JSON (the ZIP, or the error).
        headers = {"Accept": "application/json"} if path.startswith("@gdpr") else {}
        return requests.get(
            f"{url}/{path}", params=params, auth=auth, headers=headers, timeout=60, allow_redirects=False
        )

    own = get("@gdpr-export", (PERSON, PASSWORD))
    assert own.status_code == 200, own.text
    assert own.headers["Content-Type"] == "application/zip"
    assert "private" in own.headers["Cache-Control"] and "no-store" in own.headers["Cache-Control"]
    data, _archive = unzip(own.content)
    assert data["account"]["userid"] == PERSON

    admin = get("@gdpr-export", (SITE_OWNER_NAME, SITE_OWNER_PASSWORD), user=PERSON)
    assert admin.status_code == 200
    assert unzip(admin.content)[0]["cases"][0]["applicant_name"] == "Camille Martin"
    # A login typed with spaces around it is the same person, not an empty export.
    spaced = get("@gdpr-export", (SITE_OWNER_NAME, SITE_OWNER_PASSWORD), user=f" {PERSON} ")
    assert unzip(spaced.content)[0]["cases"][0]["applicant_name"] == "Camille Martin"

    # Another person: refused with one line, whether the person exists or not.
    for someone in (PERSON, "nobody.at.all"):
        refused = get("@gdpr-export", (OTHER, PASSWORD), user=someone)
        assert refused.status_code == 403
        assert "personne concernée" in refused.json()["error"]["message"]
    assert get("@gdpr-export", user=PERSON).status_code == 401

    # "Mes données": the person's page and its ZIP; anonymous is sent to log in.
    page = get("@@mes-donnees", (PERSON, PASSWORD))
    assert page.status_code == 200
    assert "Mes données" in page.text and "camille.martin@example.org" in page.text
    assert "Télécharger mes données" in page.text
    download = get("@@mes-donnees", (PERSON, PASSWORD), download=1)
    assert download.headers["Content-Type"] == "application/zip"
    assert unzip(download.content)[0]["account"]["userid"] == PERSON
    assert get("@@mes-donnees").status_code in (302, 401)

    # The administrators' screen: anyone's ZIP; others may not open it.
    screen = get("@@gdpr-admin", (SITE_OWNER_NAME, SITE_OWNER_PASSWORD))
    assert screen.status_code == 200 and "Effacement" in screen.text
    zipped = get("@@gdpr-admin", (SITE_OWNER_NAME, SITE_OWNER_PASSWORD), userid=OTHER, download=1)
    assert unzip(zipped.content)[0]["account"]["userid"] == OTHER
    assert get("@@gdpr-admin", (PERSON, PASSWORD)).status_code in (302, 401, 403, 404)


def test_a_form_keeps_who_sent_it_whatever_the_fields_say(person_data):
    """The sender recorded with a row is `request.other["ent_submitter"]`: after
    authentication it is the logged-in person's id, even when the posted fields claim
    another's."""
    from ent.policy.gdpr.submitter import record_submitter

    class Event:
        def __init__(self, request):
            self.request = request

    request = person_data["form"].REQUEST
    request.form["ent_submitter"] = OTHER
    request.other["ent_submitter"] = OTHER  # as Zope copies a posted field there
    request.environ["REQUEST_METHOD"] = "POST"
    with api.env.adopt_user(username=PERSON):
        record_submitter(Event(request))
    assert getattr(request, "ent_submitter", "") == PERSON  # what gdpr.submitter records
