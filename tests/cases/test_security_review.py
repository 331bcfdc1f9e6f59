"""Security review of issue 12: what the REST API gives of a case and of the help desk's forms.

- The case's page tells its applicant "Les services du Département" for a handler's step (a
  decision is the County's, not one agent's); REST `@workflow` and `@history` of the case named
  the agent (login and full name) to the applicant, and so did Plone's history pages
  (`@@contenthistorypopup`…).
- REST GET of any EasyForm (an aid's form, the support form, a registration form) answered 500
  to everyone (collective.easyform asks for its permission by id), listing every permission of
  the site; now 200, with the registrations (saved data) only for who may read them.
"""

from cases.conftest import APPLICANT
from cases.conftest import EDITOR
from cases.conftest import HANDLER
from cases.conftest import make_accounts
from cases.conftest import make_source
from cases.conftest import OTHER_PARENT
from cases.conftest import PASSWORD
from collective.easyform.api import get_actions
from ent.policy.cases.model import create_case
from ent.policy.cases.model import decide
from ent.policy.helpdesk import create_registration_form
from plone import api
from plone.dexterity.utils import createContentInContainer
from Products.CMFCore.indexing import processQueue
from zope.schema import getFieldsInOrder

import datetime
import requests
import transaction


JSON = {"Accept": "application/json"}


def get(url, login):
    return requests.get(url, auth=(login, PASSWORD), headers=JSON, timeout=60)


def test_rest_history_of_a_case_names_no_agent_to_its_applicant(functional_portal):
    make_accounts()
    source = make_source(functional_portal)
    with api.env.adopt_user(username=APPLICANT):
        case = create_case("aid", source, api.user.get_current(), [("child", "Enfant", "Anne")])
    with api.env.adopt_user(username=HANDLER):
        decide(case, "refuse", "Hors délai.")
    transaction.commit()
    url = case.absolute_url()
    for path in ("@workflow", "@history", "?expand=workflow"):
        seen = get(f"{url}/{path}" if path.startswith("@") else f"{url}{path}", APPLICANT)
        assert seen.status_code == 200, path
        assert HANDLER not in seen.text and "Agent Instructeur" not in seen.text, path
        # The applicant still reads the decision and its reason.
        assert "Hors d\\u00e9lai." in seen.text or "Hors délai." in seen.text, path
    for page in ("@@contenthistory", "@@contenthistorypopup", "@@versions_history_form", "@@history"):
        seen = requests.get(f"{url}/{page}", auth=(APPLICANT, PASSWORD), timeout=60)
        assert HANDLER not in seen.text and "Agent Instructeur" not in seen.text, page
    handler_view = get(f"{url}/@workflow", HANDLER)
    assert handler_view.status_code == 200 and HANDLER in handler_view.text


def test_rest_get_of_forms_answers_and_keeps_registrations_to_their_readers(functional_portal):
    make_accounts()
    with api.env.adopt_roles(["Manager"]):
        start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
        event = createContentInContainer(
            functional_portal["aide-formation"],
            "Event",
            title="Formation ENT",
            start=start,
            end=start + datetime.timedelta(hours=3),
        )
        form = create_registration_form(event)
        api.content.transition(obj=form, transition="publish_internal")
        action = dict(getFieldsInOrder(get_actions(form)))["inscriptions"]
        action.addDataRow(
            {"fullname": "Camille Martin", "email": "camille@example.org", "school": None, "comments": ""}
        )
    transaction.commit()
    support = functional_portal["aide-formation"]["demande-assistance"].absolute_url()
    assert get(support, APPLICANT).status_code == 200
    plain = get(form.absolute_url(), APPLICANT)
    assert plain.status_code == 200
    assert "Camille Martin" not in plain.text and "Permission" not in plain.text
    editor = get(form.absolute_url(), EDITOR)
    assert editor.status_code == 200 and "Camille Martin" in editor.text


def test_case_screen_offers_only_the_schools_of_cases_its_reader_handles(portal):
    from ent.policy.cases.screen import school_options
    from ent.policy.groups import COUNTY_ADMINS

    make_accounts()
    with api.env.adopt_roles(["Manager"]):
        api.user.create(email="support@example.org", username="county.support", password=PASSWORD)
        api.group.add_user(groupname=COUNTY_ADMINS, username="county.support")
    source = make_source(portal)
    with api.env.adopt_user(username=APPLICANT):
        create_case("aid", source, api.user.get_current(), [("child", "Enfant", "Anne")], school="0310001H")
        create_case("support", source, api.user.get_current(), [("subject", "Objet", "Aide")], school="0310003K")
    # Indexed as at the end of the request that made them.
    processQueue()
    with api.env.adopt_user(username="county.support"):
        assert [uai for uai, _name in school_options({}, ("support",))] == ["0310003K"]
    with api.env.adopt_user(username=HANDLER):
        assert [uai for uai, _name in school_options({}, ("aid",))] == ["0310001H"]


#: A refusal (the test layer sends a logged-in person to its "insufficient privileges" page).
REFUSED = (302, 401, 403, 404)


def refusal(url):
    return requests.get(url, auth=(OTHER_PARENT, PASSWORD), allow_redirects=False, timeout=60)


def test_case_folders_tell_nobody_else_how_many_cases_or_which(functional_portal):
    """Any logged-in person views /dossiers/aides (to reach their own case); Zope published the
    folder's `objectCount`, `hasObject`, `has_key` and `getObjectPosition` to them: the number
    of cases, and whether a reference exists (True / nothing, 204 / 500)."""
    make_accounts()
    source = make_source(functional_portal)
    with api.env.adopt_user(username=APPLICANT):
        case = create_case("aid", source, api.user.get_current(), [("child", "Enfant", "Anne")])
    transaction.commit()
    folder = case.__parent__.absolute_url()
    for path in ("objectCount", f"hasObject?id={case.getId()}", f"has_key?id={case.getId()}"):
        seen = refusal(f"{folder}/{path}")
        assert seen.status_code in REFUSED and seen.text not in ("1", "True"), path
    existing = refusal(f"{folder}/getObjectPosition?id={case.getId()}")
    missing = refusal(f"{folder}/getObjectPosition?id=a-1999-00001")
    assert existing.status_code in REFUSED and existing.status_code == missing.status_code
    # The handler, who lists the cases anyway, still may.
    assert requests.get(f"{folder}/objectCount", auth=(HANDLER, PASSWORD), timeout=60).text == "1"
