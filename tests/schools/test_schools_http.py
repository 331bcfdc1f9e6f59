"""Schools through the real HTTP stack: the finder, REST, import, and delegated administration.

Accounts are real Plone accounts in the groups of docs/domain.md; rights come from the groups.
"""

from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes

import pytest
import requests
import transaction


PASSWORD = "a-test-password-1"
JSON = {"Accept": "application/json"}
REFUSED = (401, 403)
#: Content a person may not view is missing for them (refused = missing, #9).
MISSING = 404


@pytest.fixture
def site(functional_portal):
    """Two schools and the accounts of docs/domain.md's demo directory that the tests need."""
    portal = functional_portal
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        accounts = {
            "0310001h.principal": ["0310001h-editors", "0310001h-principal"],
            "0310001h.parent": ["0310001h-parent"],
            "0310003k.parent": ["0310003k-parent"],
            "0310003k.principal": ["0310003k-editors", "0310003k-principal"],
            "county.agent": ["county-editors", "all-county"],
            "county.admin": ["county-admins"],
        }
        for login, groups in accounts.items():
            api.user.create(email=f"{login}@example.org", username=login, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=login)
    transaction.commit()
    return portal.absolute_url()


def session(login=None):
    http = requests.Session()
    http.headers.update(JSON)
    if login:
        http.auth = (login, PASSWORD)
    return http


class TestFinder:
    def test_rest_schools(self, site):
        response = requests.get(f"{site}/@schools", headers=JSON, timeout=30)
        assert response.status_code == 200
        data = response.json()
        assert data["items_total"] == 2
        aspet = data["items"][0]
        assert aspet == {
            "@id": f"{site}/colleges/0310001h",
            "@type": "School",
            "uai": "0310001H",
            "title": "Collège Armand Latour",
            "commune": "Aspet",
            "insee": "31020",
            "url": f"{site}/colleges/0310001h",
            "services": {"catering": True, "boarding": False, "segpa": False, "ulis": True, "priority_education": None},
        }

    @pytest.mark.parametrize(
        "query, uais",
        [
            ({"commune": "aurignac"}, ["0310003K"]),
            ({"commune": "Aspet"}, ["0310001H"]),
            ({"q": "vayssie"}, ["0310003K"]),
            ({"q": "COLLÈGE"}, ["0310001H", "0310003K"]),
            ({"q": "0310001"}, ["0310001H"]),
            ({"q": "nowhere"}, []),
            ({"commune": "Aspet", "q": "vayssie"}, []),
        ],
    )
    def test_rest_filters(self, site, query, uais):
        data = requests.get(f"{site}/@schools", params=query, headers=JSON, timeout=30).json()
        assert [item["uai"] for item in data["items"]] == uais

    def test_html_finder_for_anonymous(self, site):
        response = requests.get(f"{site}/colleges", timeout=30)
        assert response.status_code == 200
        assert 'data-uai="0310001H"' in response.text and 'data-uai="0310003K"' in response.text
        assert "Collège Emile-Paul Vayssie" in response.text
        assert "Restauration, ULIS, REP" in response.text
        assert f'href="{site}/colleges/0310003k"' in response.text

    def test_html_finder_filtered(self, site):
        response = requests.get(f"{site}/colleges", params={"commune": "Aurignac"}, timeout=30)
        assert 'data-uai="0310003K"' in response.text
        assert 'data-uai="0310001H"' not in response.text
        response = requests.get(f"{site}/colleges", params={"q": "zzz"}, timeout=30)
        assert "Aucun collège ne correspond" in response.text

    def test_old_page_name_redirects_permanently(self, site):
        """Links to `@@schools-directory` (its name before 1004) land on the finder, filters kept."""
        old = f"{site}/colleges/@@schools-directory"
        response = requests.get(old, params={"commune": "Aurignac"}, allow_redirects=False, timeout=30)
        assert response.status_code == 301
        assert response.headers["Location"] == f"{site}/colleges/@@schools-finder?commune=Aurignac"
        followed = requests.get(old, params={"commune": "Aurignac"}, timeout=30)
        assert followed.status_code == 200
        assert 'data-uai="0310003K"' in followed.text and 'data-uai="0310001H"' not in followed.text

    def test_school_home_for_anonymous(self, site):
        response = requests.get(f"{site}/colleges/0310001h", timeout=30)
        assert response.status_code == 200
        assert "Collège Armand Latour" in response.text
        assert "Quartier Fontagnères" in response.text
        assert f'href="{site}/colleges/0310001h/actualites"' in response.text

    def test_rest_school(self, site):
        data = requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()
        assert data["@type"] == "School"
        assert data["uai"] == "0310001H"
        assert data["is_folderish"] is True


class TestFinderBatching:
    """@schools batched as plone.restapi's @search: b_start, b_size, items_total, batching."""

    def test_one_batch_has_no_batching_links(self, site):
        data = requests.get(f"{site}/@schools", headers=JSON, timeout=30).json()
        assert data["@id"] == f"{site}/@schools"
        assert data["items_total"] == 2
        assert "batching" not in data

    def test_batches_of_one(self, site):
        url = f"{site}/@schools"
        first = requests.get(url, params={"b_size": 1}, headers=JSON, timeout=30).json()
        assert [item["uai"] for item in first["items"]] == ["0310001H"]
        assert first["items_total"] == 2
        assert first["batching"] == {
            "@id": f"{url}?b_size=1",
            "first": f"{url}?b_start=0&b_size=1",
            "last": f"{url}?b_start=1&b_size=1",
            "next": f"{url}?b_start=1&b_size=1",
        }
        second = requests.get(first["batching"]["next"], headers=JSON, timeout=30).json()
        assert [item["uai"] for item in second["items"]] == ["0310003K"]
        assert second["items_total"] == 2
        assert second["batching"]["prev"] == f"{url}?b_start=0&b_size=1"
        assert "next" not in second["batching"]

    def test_filters_are_kept_in_the_links(self, site):
        data = requests.get(f"{site}/@schools", params={"q": "collège", "b_size": 1}, headers=JSON, timeout=30).json()
        assert data["@id"] == f"{site}/@schools?q=coll%C3%A8ge"
        assert data["batching"]["next"] == f"{site}/@schools?b_start=1&q=coll%C3%A8ge&b_size=1"

    def test_past_the_end(self, site):
        data = requests.get(f"{site}/@schools", params={"b_start": 10}, headers=JSON, timeout=30).json()
        assert data["items"] == []
        assert data["items_total"] == 2

    def test_a_big_batch_size_is_one_batch(self, site):
        # plone.restapi sets no upper bound on b_size: everything in one batch.
        data = requests.get(f"{site}/@schools", params={"b_size": 100000}, headers=JSON, timeout=30).json()
        assert [item["uai"] for item in data["items"]] == ["0310001H", "0310003K"]
        assert "batching" not in data

    @pytest.mark.parametrize(
        "params, message",
        [
            ({"b_start": "two"}, "Invalid b_start: Not an integer"),
            ({"b_size": "many"}, "Invalid b_size: Not an integer"),
            ({"b_start": -1}, "b_size must be positive and b_start not negative"),
            ({"b_size": 0}, "b_size must be positive and b_start not negative"),
            ({"b_size": -1}, "b_size must be positive and b_start not negative"),
        ],
    )
    def test_bad_batch_parameters(self, site, params, message):
        response = requests.get(f"{site}/@schools", params=params, headers=JSON, timeout=30)
        assert response.status_code == 400
        assert response.json()["type"] == "BadRequest"
        assert response.json()["message"] == message


class TestImportEndpoint:
    def post(self, site, data, login=None, **params):
        return session(login).post(
            f"{site}/@schools-import", data=data, params=params, headers={"Content-Type": "text/csv"}, timeout=60
        )

    def test_county_admin_imports(self, site):
        changed = ASPET.replace("05 61 88 40 80", "05 61 00 00 00")
        response = self.post(site, csv_bytes(changed, AURIGNAC, ASPET.replace("0310001H", "0310002A")), "county.admin")
        assert response.status_code == 200
        report = response.json()
        assert report["updated"] == ["0310001H"]
        assert report["unchanged"] == ["0310003K"]
        assert report["rejected"] == [
            {
                "line": 4,
                "uai": "0310002A",
                "reason": "'0310002A' is not a valid UAI: the check letter of 0310002 is J, not A",
            }
        ]
        school = requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()
        assert school["phone"] == "05 61 00 00 00"

    def test_dry_run(self, site):
        response = self.post(site, csv_bytes(ASPET.replace("Aspet", "Aspet-le-Bas")), "county.admin", dry_run="true")
        assert response.json()["updated"] == ["0310001H"]
        school = requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()
        assert school["commune"] == "Aspet"

    def test_latin1_file_is_refused(self, site):
        response = self.post(site, csv_bytes(ASPET).decode().encode("latin-1"), "county.admin")
        assert response.status_code == 400
        assert "line 2: the file is not UTF-8" in response.json()["error"]["message"]

    @pytest.mark.parametrize("login", [None, "0310001h.principal", "county.agent", "0310001h.parent"])
    def test_only_county_admins_import(self, site, login):
        response = self.post(site, csv_bytes(ASPET.replace("Aspet", "Ailleurs")), login)
        assert response.status_code in REFUSED
        school = requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()
        assert school["commune"] == "Aspet"


class TestDelegation:
    """A school's editor runs their school, and nothing else."""

    def test_edits_their_school_home(self, site):
        http = session("0310001h.principal")
        response = http.patch(f"{site}/colleges/0310001h", json={"description": "Bienvenue au collège"}, timeout=30)
        assert response.status_code == 204
        assert (
            requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()["description"]
            == "Bienvenue au collège"
        )

    def test_publishes_news_in_their_school(self, site):
        http = session("0310001h.principal")
        news = {"@type": "News Item", "title": "Rentrée", "audience": ["public"]}
        created = http.post(f"{site}/colleges/0310001h/actualites", json=news, timeout=30)
        assert created.status_code == 201, created.text
        url = created.json()["@id"]
        assert requests.get(url, headers=JSON, timeout=30).status_code == MISSING  # private for now
        assert http.post(f"{url}/@workflow/publish", json={}, timeout=30).status_code == 200
        assert requests.get(url, headers=JSON, timeout=30).status_code == 200

    def test_cannot_change_the_uai(self, site):
        http = session("0310001h.principal")
        http.patch(f"{site}/colleges/0310001h", json={"uai": "0310003K"}, timeout=30)
        assert requests.get(f"{site}/colleges/0310001h", headers=JSON, timeout=30).json()["uai"] == "0310001H"

    @pytest.mark.parametrize(
        "method, path, body",
        [
            ("patch", "/colleges/0310003k", {"description": "pirate"}),
            ("post", "/colleges/0310003k/actualites", {"@type": "News Item", "title": "pirate"}),
            ("patch", "/actualites", {"description": "pirate"}),
            ("post", "/actualites", {"@type": "News Item", "title": "pirate"}),
            ("patch", "", {"title": "pirate"}),
            ("post", "/colleges", {"@type": "School", "uai": "0310005M", "title": "pirate"}),
            (
                "post",
                "/colleges/0310003k/@sharing",
                {"entries": [{"id": "0310001h.parent", "type": "user", "roles": {"Editor": True}}]},
            ),
            ("post", "/@groups", {"groupname": "pirates"}),
            ("patch", "/@groups/county-admins", {"users": {"0310001h.principal": True}}),
            ("post", "/@users", {"username": "pirate", "email": "p@example.org", "password": "pirate-pirate"}),
        ],
    )
    def test_refused_outside_their_school(self, site, method, path, body):
        response = getattr(session("0310001h.principal"), method)(f"{site}{path}", json=body, timeout=30)
        assert response.status_code in REFUSED, (response.status_code, response.text[:300])

    @pytest.mark.parametrize("path", ["/@controlpanels", "/@controlpanels/mail", "/@addons", "/@users"])
    def test_no_control_panel(self, site, path):
        assert session("0310001h.principal").get(f"{site}{path}", timeout=30).status_code in REFUSED

    def test_no_control_panel_html(self, site):
        response = requests.get(
            f"{site}/@@overview-controlpanel", auth=("0310001h.principal", PASSWORD), timeout=30, allow_redirects=False
        )
        assert response.status_code in (302, 401, 403)

    def test_shares_inside_their_school(self, site):
        http = session("0310001h.principal")
        entries = [{"id": "0310001h-parent", "type": "group", "roles": {"Contributor": True}}]
        assert (
            http.post(f"{site}/colleges/0310001h/documents/@sharing", json={"entries": entries}, timeout=30).status_code
            == 204
        )
        sharing = http.get(f"{site}/colleges/0310001h/documents/@sharing", timeout=30).json()
        group = next(entry for entry in sharing["entries"] if entry["id"] == "0310001h-parent")
        assert group["roles"]["Contributor"] is True

    def test_cannot_give_a_site_wide_role(self, site):
        http = session("0310001h.principal")
        entries = [{"id": "0310001h.parent", "type": "user", "roles": {"Manager": True, "Site Administrator": True}}]
        http.post(f"{site}/colleges/0310001h/@sharing", json={"entries": entries}, timeout=30)
        roles = session("county.admin").get(f"{site}/@users/0310001h.parent", timeout=30).json()["roles"]
        assert "Manager" not in roles and "Site Administrator" not in roles
        assert session("0310001h.parent").get(f"{site}/@controlpanels", timeout=30).status_code in REFUSED
        assert (
            session("0310001h.parent").patch(f"{site}/colleges/0310001h", json={"title": "x"}, timeout=30).status_code
            in REFUSED
        )


class TestCountyRoles:
    def test_county_editor_edits_the_county_portal(self, site):
        response = session("county.agent").patch(
            f"{site}/actualites", json={"description": "Le Département"}, timeout=30
        )
        assert response.status_code == 204

    def test_county_editor_has_no_right_in_a_school(self, site):
        response = session("county.agent").patch(f"{site}/colleges/0310001h", json={"description": "x"}, timeout=30)
        assert response.status_code in REFUSED

    def test_county_admin_manages_schools(self, site):
        response = session("county.admin").patch(
            f"{site}/colleges/0310001h", json={"accent_color": "#aa3300"}, timeout=30
        )
        assert response.status_code == 204
        assert session("county.admin").get(f"{site}/@controlpanels", timeout=30).status_code == 200


class TestMembersOfASchool:
    def test_internal_news_for_the_school_members_only(self, site):
        http = session("0310001h.principal")
        url = http.post(
            f"{site}/colleges/0310001h/actualites", json={"@type": "News Item", "title": "Réunion parents"}, timeout=30
        ).json()["@id"]
        assert http.post(f"{url}/@workflow/publish_internal", json={}, timeout=30).status_code == 200
        assert session("0310001h.parent").get(url, timeout=30).status_code == 200
        assert session("0310003k.parent").get(url, timeout=30).status_code == MISSING
        assert session().get(url, timeout=30).status_code == MISSING
        assert session("county.agent").get(url, timeout=30).status_code == MISSING


class TestCreation:
    def test_county_admin_creates_a_school_through_rest(self, site):
        response = session("county.admin").post(
            f"{site}/colleges", json={"@type": "School", "uai": "0310005m", "title": "Collège Jean Monnet"}, timeout=30
        )
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["@id"] == f"{site}/colleges/0310005m"
        assert data["uai"] == "0310005M"
        items = session("county.admin").get(f"{site}/colleges/0310005m", timeout=30).json()["items"]
        assert [item["@id"].rsplit("/", 1)[1] for item in items] == ["actualites", "agenda", "documents", "espaces"]

    @pytest.mark.parametrize(
        "uai, words",
        [
            ("0310005A", "the check letter of 0310005 is M, not A"),
            ("0310001H", "UAI 0310001H is already used"),
            ("abc", "'ABC' is not a UAI"),
        ],
    )
    def test_bad_uai_through_rest(self, site, uai, words):
        response = session("county.admin").post(
            f"{site}/colleges", json={"@type": "School", "uai": uai, "title": "Collège X"}, timeout=30
        )
        assert response.status_code == 400
        assert words in response.text
        assert requests.get(f"{site}/@schools", headers=JSON, timeout=30).json()["items_total"] == 2


class TestPublicationWindow:
    """Effective and expiration dates: outside its window an item leaves listings and search,
    except for the editors of its place."""

    @pytest.mark.parametrize(
        "dates",
        [{"expires": "2020-01-01T00:00:00"}, {"effective": "2099-01-01T00:00:00"}],
    )
    def test_outside_the_window(self, site, dates):
        http = session("0310001h.principal")
        body = {"@type": "News Item", "title": "Hors fenêtre", "audience": ["public"], **dates}
        url = http.post(f"{site}/colleges/0310001h/actualites", json=body, timeout=30).json()["@id"]
        assert http.post(f"{url}/@workflow/publish", json={}, timeout=30).status_code == 200
        query = {"portal_type": "News Item", "path": "/plone/colleges/0310001h"}
        found = lambda login: [
            i["@id"] for i in session(login).get(f"{site}/@search", params=query, timeout=30).json()["items"]
        ]  # noqa: E731
        assert url not in found(None)
        assert url not in found("0310001h.parent")
        assert url in found("0310001h.principal")
        listing = requests.get(f"{site}/colleges/0310001h/actualites", timeout=30).text
        assert "Hors fenêtre" not in listing

    def test_inside_the_window(self, site):
        http = session("0310001h.principal")
        body = {
            "@type": "News Item",
            "title": "Dans la fenêtre",
            "audience": ["public"],
            "effective": "2020-01-01T00:00:00",
            "expires": "2099-01-01T00:00:00",
        }
        url = http.post(f"{site}/colleges/0310001h/actualites", json=body, timeout=30).json()["@id"]
        http.post(f"{url}/@workflow/publish", json={}, timeout=30)
        query = {"portal_type": "News Item", "path": "/plone/colleges/0310001h"}
        items = session().get(f"{site}/@search", params=query, timeout=30).json()["items"]
        assert url in [item["@id"] for item in items]
        assert "Dans la fenêtre" in requests.get(f"{site}/colleges/0310001h/actualites", timeout=30).text
