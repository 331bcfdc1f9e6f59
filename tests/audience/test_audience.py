"""The audience of an item: fields, defaults, states, rights, and the 400s of bad input."""

from ent.policy import audience
from plone import api
from support.audience_site import build
from support.audience_site import create
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import publish
from support.audience_site import session

import pytest
import transaction


@pytest.fixture
def site(functional_portal):
    build(functional_portal)
    return functional_portal


@pytest.fixture
def url(site):
    return site.absolute_url()


def error_message(response) -> str:
    """plone.restapi's 400 message: the field errors, as one string (quotes escaped)."""
    return response.json()["message"].replace("\\'", "'")


OWN_PRINCIPAL = f"{OWN.lower()}.principal"


def own_news(url, login=OWN_PRINCIPAL, **data):
    data = {"@type": "News Item", "title": "Sortie au musée", **data}
    return create(url, f"colleges/{OWN.lower()}/actualites", login, **data)


def county_news(url, **data):
    data = {"@type": "News Item", "title": "Transports scolaires", **data}
    return create(url, "actualites", "county.agent", **data)


class TestTargets:
    """What an audience means: the groups, the sites, the state."""

    def test_school_item_defaults_to_the_school_members(self, url, site):
        response = own_news(url)
        assert response.status_code == 201, response.text
        assert response.json()["audience"] == ["student", "parent", "teacher", "staff", "principal", "attee"]
        publish(url, f"colleges/{OWN.lower()}/actualites/sortie-au-musee", f"{OWN.lower()}.principal")
        transaction.begin()
        item = site["colleges"][OWN.lower()]["actualites"]["sortie-au-musee"]
        assert api.content.get_state(item) == "internal"
        assert audience.targets(item) == [
            f"{OWN.lower()}-{p}" for p in ("student", "parent", "teacher", "staff", "principal", "attee")
        ]
        assert audience.sites(item) == [OWN]
        assert audience.origin(item) == OWN

    def test_county_item_defaults_to_public(self, url, site):
        response = county_news(url)
        assert response.status_code == 201, response.text
        assert response.json()["audience"] == ["public"]
        data = publish(url, "actualites/transports-scolaires", "county.agent")
        assert data["review_state"] == "published"
        transaction.begin()
        item = site["actualites"]["transports-scolaires"]
        assert audience.targets(item) == ["public"]
        assert audience.sites(item) == ["county"]
        assert audience.origin(item) == "county"
        assert set(audience.notified_groups(item)) == {
            f"all-{p}" for p in ("student", "parent", "teacher", "staff", "principal", "attee", "county")
        }

    @pytest.mark.parametrize(
        "data, groups, sites",
        [
            ({"audience": ["parent"]}, ["all-parent"], ["county", "all-schools"]),
            ({"audience": ["parent", "county"]}, ["all-parent", "all-county"], ["county", "all-schools"]),
            ({"audience": ["county"]}, ["all-county"], ["county"]),
            (
                {"audience": ["parent", "teacher"], "audience_schools": [OWN, OTHER.lower()]},
                [
                    f"{OWN.lower()}-parent",
                    f"{OTHER.lower()}-parent",
                    f"{OWN.lower()}-teacher",
                    f"{OTHER.lower()}-teacher",
                ],
                ["county", OWN, OTHER],
            ),
            (
                {"audience": ["public"], "audience_schools": [OTHER]},
                [f"{OTHER.lower()}-{p}" for p in ("student", "parent", "teacher", "staff", "principal", "attee")],
                ["county", OTHER],
            ),
        ],
    )
    def test_county_targets(self, url, site, data, groups, sites):
        response = county_news(url, **data)
        assert response.status_code == 201, response.text
        transaction.begin()
        item = site["actualites"]["transports-scolaires"]
        assert sorted(audience.targets(item)) == sorted(groups)
        assert audience.sites(item) == sites

    def test_one_publish_transition_whatever_the_audience(self, url, site):
        own_news(url, audience=["public"])
        data = publish(url, f"colleges/{OWN.lower()}/actualites/sortie-au-musee", f"{OWN.lower()}.principal")
        assert data["review_state"] == "published"

    def test_changing_the_audience_of_a_published_item_moves_it(self, url, site):
        path = f"colleges/{OWN.lower()}/actualites/sortie-au-musee"
        principal = session(f"{OWN.lower()}.principal")
        own_news(url, audience=["public"])
        publish(url, path, f"{OWN.lower()}.principal")
        assert session().get(f"{url}/{path}", timeout=30).status_code == 200

        response = principal.patch(f"{url}/{path}", json={"audience": ["parent"]}, timeout=30)
        assert response.status_code == 204, response.text
        assert principal.get(f"{url}/{path}", timeout=30).json()["review_state"] == "internal"
        # Outside the audience the item is missing (refused = missing, #9).
        assert session().get(f"{url}/{path}", timeout=30).status_code == 404
        assert session(f"{OWN.lower()}.parent").get(f"{url}/{path}", timeout=30).status_code == 200
        assert session(f"{OWN.lower()}.teacher").get(f"{url}/{path}", timeout=30).status_code == 404

        principal.patch(f"{url}/{path}", json={"audience": ["public"]}, timeout=30)
        assert principal.get(f"{url}/{path}", timeout=30).json()["review_state"] == "published"
        assert session().get(f"{url}/{path}", timeout=30).status_code == 200

    def test_author_cannot_edit_a_published_item(self, url, site):
        """Only the place's editors change a published item (its audience decides who sees it)."""
        path = f"colleges/{OWN.lower()}/actualites/sortie-au-musee"
        with api.env.adopt_roles(["Manager"]):
            api.user.grant_roles(
                username=f"{OWN.lower()}.teacher",
                roles=["Contributor"],
                obj=site["colleges"][OWN.lower()]["actualites"],
            )
        transaction.commit()
        assert own_news(url, login=f"{OWN.lower()}.teacher", audience=["parent"]).status_code == 201
        publish(url, path, f"{OWN.lower()}.principal")
        response = session(f"{OWN.lower()}.teacher").patch(f"{url}/{path}", json={"audience": ["public"]}, timeout=30)
        assert response.status_code in (401, 403)


class TestBadInput:
    """REST refuses bad audiences with a 400 that names the value, and creates nothing."""

    @pytest.mark.parametrize(
        "where, data, message",
        [
            ("school", {"audience": ["parents"]}, "'parents' is not an audience"),
            ("school", {"audience": []}, 'say ["public"]'),
            ("school", {"audience": ["public", "parent"]}, '"public" already means everyone'),
            ("school", {"audience": ["county"]}, "'county' is not a profile of a school"),
            ("school", {"audience": ["parent"], "audience_schools": [OTHER]}, "audience_schools is for County items"),
            ("county", {"audience": ["parent"], "audience_schools": ["0310001A"]}, "0310001A"),
            ("county", {"audience": ["parent"], "audience_schools": ["0319999Z"]}, "'0319999Z'"),
            ("county", {"audience": ["parent"], "audience_schools": ["nope"]}, "nope"),
            ("county", {"audience": ["teachers"]}, "'teachers' is not an audience"),
        ],
    )
    def test_refused(self, url, site, where, data, message):
        response = own_news(url, **data) if where == "school" else county_news(url, **data)
        assert response.status_code == 400, response.text
        assert message in error_message(response)
        transaction.begin()
        folder = site["colleges"][OWN.lower()]["actualites"] if where == "school" else site["actualites"]
        assert "sortie-au-musee" not in folder and "transports-scolaires" not in folder

    def test_patch_refused_keeps_the_item(self, url, site):
        path = f"colleges/{OWN.lower()}/actualites/sortie-au-musee"
        own_news(url, audience=["parent"])
        principal = session(f"{OWN.lower()}.principal")
        response = principal.patch(f"{url}/{path}", json={"audience": ["nobody"]}, timeout=30)
        assert response.status_code == 400
        assert "'nobody' is not an audience" in error_message(response)
        assert principal.get(f"{url}/{path}", timeout=30).json()["audience"] == ["parent"]

    @pytest.mark.parametrize(
        "data, message",
        [
            (
                {
                    "@type": "Event",
                    "title": "Conseil",
                    "start": "2026-12-10T18:00:00+00:00",
                    "end": "2026-12-10T17:00:00+00:00",
                },
                "La date de fin doit être après la date de début",
            ),
            (
                {
                    "@type": "Announcement",
                    "title": "Neige",
                    "start": "2026-12-10T18:00:00+00:00",
                    "end": "2026-12-10T08:00:00+00:00",
                },
                "doit suivre son début",
            ),
            (
                {
                    "@type": "News Item",
                    "title": "Brevet",
                    "effective": "2026-12-10T18:00:00",
                    "expires": "2026-12-01T08:00:00",
                },
                "La date d'expiration doit être après la date effective",
            ),
        ],
    )
    def test_dates_in_the_wrong_order(self, url, site, data, message):
        response = create(url, f"colleges/{OWN.lower()}/actualites", f"{OWN.lower()}.principal", **data)
        assert response.status_code == 400, response.text
        assert message in error_message(response)


class TestUpgrade:
    """1001 → 1002: items of a site without audiences keep who could see them."""

    def test_existing_items_get_the_audience_of_their_state(self, portal, setup_tool):
        from support.schools_data import add_school

        with api.env.adopt_roles(["Manager"]):
            school = add_school(portal)
            published = api.content.create(container=school["actualites"], type="News Item", title="Ancienne")
            members = api.content.create(container=school["actualites"], type="News Item", title="Membres")
            for item, transition in ((published, "publish"), (members, "publish_internal")):
                del item.audience  # as before 1002: no audience at all
                workflow = api.portal.get_tool("portal_workflow").getWorkflowsFor(item)[0]
                workflow._executeTransition(item, workflow.transitions[transition])
            school["actualites"].setLayout("summary_view")
            setup_tool.setLastVersionForProfile("ent.policy:default", "1001")
            setup_tool.upgradeProfile("ent.policy:default")
        # all the way to the profile's version
        current = setup_tool.getVersionForProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == (current,)
        assert published.audience == ["public"] and api.content.get_state(published) == "published"
        assert members.audience == list(audience.default_audience(members))
        assert api.content.get_state(members) == "internal"
        assert school["actualites"].getLayout() == "ent-news"
        brains = api.content.find(UID=members.UID())
        assert brains[0].audience == ["student", "parent", "teacher", "staff", "principal", "attee"]


class TestForms:
    """The add forms offer what makes sense where the item is."""

    def form(self, url, path, login):
        from support.audience_site import PASSWORD

        import requests

        response = requests.get(f"{url}/{path}/++add++News Item", auth=(login, PASSWORD), timeout=60)
        assert response.status_code == 200
        return response.text

    def test_school_form(self, url):
        html = self.form(url, f"colleges/{OWN.lower()}/actualites", f"{OWN.lower()}.principal")
        assert 'value="parent"' in html and 'value="public"' in html
        assert 'value="county"' not in html
        assert "audience_schools" not in html

    def test_county_form(self, url):
        html = self.form(url, "actualites", "county.agent")
        assert 'value="parent"' in html and 'value="county"' in html
        assert "form.widgets.IAudience.audience_schools" in html


def test_announcement_text_is_searchable(portal):
    from plone.app.textfield.value import RichTextValue

    import datetime

    with api.env.adopt_roles(["Manager"]):
        start = datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.UTC)
        api.content.create(
            container=portal["actualites"],
            type="Announcement",
            title="Neige",
            start=start,
            end=start + datetime.timedelta(days=1),
            text=RichTextValue("<p>Les <b>transports</b> sont suspendus.</p>", "text/html", "text/x-html-safe"),
        )
        assert [b.Title for b in api.content.find(SearchableText="transports")] == ["Neige"]
