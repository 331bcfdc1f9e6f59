"""Links: http, https and mailto only, through REST, the edit forms and the schools import.

A `javascript:` link in a School's `website` ran in the browser of whoever clicked "Site de
l'établissement" on the school's home page.
"""

from ent.policy.hardening.urls import check_url
from ent.policy.hardening.urls import shown
from ent.policy.hardening.urls import UnsafeURL
from ent.policy.schools.importer import import_schools
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from support.schools_data import ASPET
from support.schools_data import csv_bytes

import pytest
import requests
import transaction


JSON = {"Accept": "application/json"}
AUTH = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
GOOD = "https://armand-latour.example.org/"
BAD = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]
#: What the editor reads when a `javascript:` link is refused (the site is in French).
REFUSED_JAVASCRIPT = "« javascript:alert(1) » : seuls les liens http, https et mailto sont acceptés (pas javascript:)"


class TestCheck:
    @pytest.mark.parametrize(
        "value", [GOOD, "http://example.org", "mailto:vie-scolaire@example.org", "HTTPS://EXAMPLE.ORG"]
    )
    def test_accepted(self, value):
        assert check_url(value)

    @pytest.mark.parametrize("value", BAD)
    def test_refused(self, value):
        with pytest.raises(UnsafeURL) as error:
            check_url(value)
        message = error.value.doc()  # what the forms and REST translate
        assert message.domain == "ent"
        assert message.mapping["value"] == shown(value)
        assert shown(value) in str(error.value)

    def test_refusal_quotes_what_the_browser_hides(self):
        assert shown("java\tscript:alert(1)") == "« java\\tscript:alert(1) »"
        assert shown("x" * 1000) == f"« {'x' * 200}… »"

    def test_refusal_reads_in_french(self, portal):
        """With the site's catalogues loaded: the line a log, a CLI or `str()` gives."""
        with pytest.raises(UnsafeURL) as error:
            check_url("javascript:alert(1)")
        assert str(error.value) == REFUSED_JAVASCRIPT
        with pytest.raises(UnsafeURL) as error:
            check_url("java\tscript:alert(1)")
        assert str(error.value) == (
            "« java\\tscript:alert(1) » : un lien ne peut contenir ni caractère de contrôle ni retour à la ligne"
        )
        with pytest.raises(UnsafeURL) as error:
            check_url("/colleges/0310001h")
        assert str(error.value) == (
            "« /colleges/0310001h » n'est pas un lien : il doit commencer par http://, https:// ou mailto:"
        )

    def test_relative_only_where_allowed(self):
        assert check_url("${portal_url}/resolveuid/abc", relative=True)
        assert check_url("/colleges/0310001h", relative=True)
        with pytest.raises(UnsafeURL):
            check_url("/colleges/0310001h")


@pytest.fixture
def school(functional_portal):
    with api.env.adopt_roles(["Manager"]):
        import_schools(functional_portal["colleges"], csv_bytes(ASPET))
    transaction.commit()
    return functional_portal["colleges"]["0310001h"]


class TestSchoolWebsite:
    @pytest.mark.parametrize("value", BAD[:4])
    def test_rest_refuses_and_saves_nothing(self, school, value):
        url = school.absolute_url()
        response = requests.patch(url, json={"website": value}, headers=JSON, auth=AUTH, timeout=30)
        assert response.status_code == 400
        message = response.json()["message"]  # plone.restapi: the field and its error, named
        assert "'website'" in message and "Script:alert(" in message.replace("script", "Script")
        assert "seuls les liens" in message or "un lien ne peut contenir" in message
        assert "\n" not in message and "Message(" not in message
        data = requests.get(url, headers=JSON, auth=AUTH, timeout=30).json()
        assert data["website"] == "http://armand-latour.ecollege.haute-garonne.fr/"

    def test_rest_accepts_https(self, school):
        url = school.absolute_url()
        response = requests.patch(url, json={"website": GOOD}, headers=JSON, auth=AUTH, timeout=30)
        assert response.status_code == 204, response.text
        page = requests.get(url, timeout=30).text
        assert f'href="{GOOD}"' in page

    def test_edit_form_refuses(self, school):
        """As a browser sends the edit form: every field it holds, the inputs joined to it by
        their `form` attribute (the version's time, ent.policy.editconflict) included. (Not
        zope.testbrowser: its webtest forms count such inputs, its element index does not.)"""
        from lxml import html as lxml_html

        url = f"{school.absolute_url()}/edit"
        page = lxml_html.fromstring(requests.get(url, auth=AUTH, timeout=30).text)
        (form,) = page.xpath("//form[@id='form']")
        fields = dict(form.form_values())
        fields.update({field.name: field.value for field in page.xpath("//input[@form='form']")})
        fields["form.widgets.website"] = "javascript:alert(1)"
        fields["form.buttons.save"] = "Enregistrer"
        answer = requests.post(url, data=fields, auth=AUTH, timeout=30)
        assert REFUSED_JAVASCRIPT in answer.text
        assert "only http, https and mailto" not in answer.text
        transaction.begin()
        assert school.website == "http://armand-latour.ecollege.haute-garonne.fr/"

    def test_inline_validation_refuses(self, school):
        """What the editor reads first: the form checks the field when the cursor leaves it."""
        url = f"{school.absolute_url()}/edit/@@z3cform_validate_field"
        data = {"fname": "form.widgets.website", "form.widgets.website": "javascript:alert(1)"}
        answer = requests.post(url, data=data, auth=AUTH, timeout=30)
        assert answer.json() == {"errmsg": REFUSED_JAVASCRIPT}

    def test_a_stored_javascript_link_is_not_rendered(self, school):
        """A value saved before the check existed does not become a link on the home page."""
        school.website = "javascript:alert(1)"
        transaction.commit()
        page = requests.get(school.absolute_url(), timeout=30).text
        assert "javascript:alert" not in page
        assert "Site de l'établissement" not in page


class TestImport:
    @pytest.mark.parametrize("value", ["javascript:alert(1)", "http://example.org/\tjavascript:"])
    def test_row_rejected_with_line_and_reason(self, portal, value):
        row = ASPET.replace("http://armand-latour.ecollege.haute-garonne.fr/", value)
        with api.env.adopt_roles(["Manager"]):
            report = import_schools(portal["colleges"], csv_bytes(row))
        assert report.created == []
        assert [item.as_dict() for item in report.rejected] == [
            {"line": 2, "uai": "0310001H", "reason": f"website={value!r} is not an http(s) address"}
        ]
        assert "0310001h" not in portal["colleges"].objectIds()


class TestLink:
    @pytest.fixture
    def folder(self, functional_portal):
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(container=functional_portal, type="Folder", id="liens", title="Liens")
        transaction.commit()
        return folder

    @pytest.mark.parametrize("value", BAD[:4])
    def test_rest_refuses(self, folder, value):
        response = requests.post(
            folder.absolute_url(),
            json={"@type": "Link", "title": "Piège", "remoteUrl": value},
            headers=JSON,
            auth=AUTH,
            timeout=30,
        )
        assert response.status_code == 400
        message = response.json()["message"]
        assert "'remoteUrl'" in message and "Script:alert(" in message.replace("script", "Script")
        assert "seuls les liens" in message or "un lien ne peut contenir" in message
        assert "\n" not in message and "Message(" not in message
        transaction.begin()
        assert folder.objectIds() == []

    @pytest.mark.parametrize("value", [GOOD, "mailto:cdi@example.org"])
    def test_rest_accepts(self, folder, value):
        response = requests.post(
            folder.absolute_url(),
            json={"@type": "Link", "title": "Bon", "remoteUrl": value},
            headers=JSON,
            auth=AUTH,
            timeout=30,
        )
        assert response.status_code == 201, response.text

    def test_internal_link_still_accepted(self, folder):
        response = requests.post(
            folder.absolute_url(),
            json={"@type": "Link", "title": "Interne", "remoteUrl": f"{folder.absolute_url()}"},
            headers=JSON, auth=AUTH, timeout=30,
        )  # fmt: skip
        assert response.status_code == 201, response.text

    def test_add_form_refuses(self, folder):
        from plone.testing.zope import Browser

        browser = Browser(folder.aq_parent.aq_parent)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
        browser.open(f"{folder.absolute_url()}/++add++Link")
        browser.getControl(name="form.widgets.IDublinCore.title").value = "Piège"
        browser.getControl(name="form.widgets.remoteUrl.external").value = "javascript:alert(1)"
        browser.getControl(name="form.buttons.save").click()
        assert REFUSED_JAVASCRIPT in browser.contents
        assert "only http, https and mailto" not in browser.contents
        transaction.begin()
        assert folder.objectIds() == []


class TestEvent:
    def test_event_url_refuses_javascript(self, functional_portal):
        """plone.app.event's own check: kept, tested so that a change of it would show."""
        response = requests.post(
            functional_portal.absolute_url(),
            json={"@type": "Event", "title": "Piège", "start": "2026-05-01T10:00:00", "end": "2026-05-01T11:00:00", "event_url": "javascript:alert(1)"},
            headers=JSON, auth=AUTH, timeout=30,
        )  # fmt: skip
        assert response.status_code == 400, response.text[:3000]


class TestUpgrade:
    def test_clear_unsafe_links(self, portal):
        from ent.policy.hardening.links import clear_unsafe_links

        with api.env.adopt_roles(["Manager"]):
            import_schools(portal["colleges"], csv_bytes(ASPET))
            school = portal["colleges"]["0310001h"]
            school.website = "javascript:alert(1)"
            event = api.content.create(container=portal, type="Event", id="sortie", title="Sortie")
            event.event_url = "https://musee.example.org/"
            cleared = clear_unsafe_links(portal)
        assert cleared == ["/plone/colleges/0310001h"]
        assert school.website is None
        assert event.event_url == "https://musee.example.org/"
