"""Link integrity names only what the reader may view (issue #9, "nothing through other
pages"): plone.restapi's @linkintegrity listed every linking item's title and URL and
summarised any UID asked for; Plone's delete confirmation (the page, folder contents'
dialog, `@@delete_confirmation_info`) named a linking item whenever the reader had "Access
contents information" on it, which the audience does not withhold."""

from support.audience_site import build
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import publish
from support.audience_site import session

import pytest


OWN_PRINCIPAL = f"{OWN.lower()}.principal"
COUNTY_AGENT = "county.agent"
SECRET_TITLE = "Blaireau confidentiel"
SECRET_DESCRIPTION = "Tatou discret"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="class")
def linked(functional_portal_class):
    """A public County page, and a news item for OWN's parents whose text links to it."""
    build(functional_portal_class)
    url = functional_portal_class.absolute_url()
    page = session(COUNTY_AGENT).post(
        url, json={"@type": "Document", "id": "cible", "title": "Page cible", "audience": ["public"]}, timeout=60
    )
    assert page.status_code == 201, page.text
    publish(url, "cible", COUNTY_AGENT)
    target = page.json()["UID"]
    news = session(OWN_PRINCIPAL).post(
        f"{url}/colleges/{OWN.lower()}/actualites",
        json={
            "@type": "News Item",
            "id": "blaireau",
            "title": SECRET_TITLE,
            "description": SECRET_DESCRIPTION,
            "audience": ["parent"],
            "text": {
                "data": f'<p><a href="resolveuid/{target}">la page</a></p>',
                "content-type": "text/html",
                "encoding": "utf-8",
            },
        },
        timeout=60,
    )
    assert news.status_code == 201, news.text
    publish(url, f"colleges/{OWN.lower()}/actualites/blaireau", OWN_PRINCIPAL)
    return url, target, news.json()["UID"]


def breaches(url, login, uid):
    response = session(login).get(f"{url}/@linkintegrity", params={"uids": uid}, timeout=60)
    return response


class TestLinkIntegrity:
    def test_a_linking_item_the_reader_may_not_view_is_counted_not_named(self, linked):
        url, target, news_uid = linked
        response = breaches(url, COUNTY_AGENT, target)
        assert response.status_code == 200, response.text
        sources = response.json()[0]["breaches"]
        assert sources == [{"@id": None, "uid": None, "title": "Élément non accessible"}]
        assert SECRET_TITLE not in response.text and news_uid not in response.text and "blaireau" not in response.text

    def test_a_linking_item_the_reader_may_view_is_named(self, linked):
        url, target, news_uid = linked
        response = breaches(url, OWN_PRINCIPAL, target)
        assert response.status_code == 200, response.text
        [source] = response.json()[0]["breaches"]
        assert source["title"] == SECRET_TITLE and source["uid"] == news_uid
        assert source["@id"].endswith(f"/colleges/{OWN.lower()}/actualites/blaireau")

    @pytest.mark.parametrize("login", [COUNTY_AGENT, f"{OTHER.lower()}.principal"])
    def test_a_refused_uid_is_as_unknown(self, linked, login):
        url, _target, news_uid = linked
        refused = breaches(url, login, news_uid)
        unknown = breaches(url, login, "0" * 32)
        assert refused.status_code == unknown.status_code == 400
        assert SECRET_TITLE not in refused.text
        assert refused.json()["message"].replace(news_uid, "X") == unknown.json()["message"].replace("0" * 32, "X")


DRAFT_TITLE = "Ébauche du pangolin"


@pytest.fixture(scope="class")
def linked_twice(linked):
    """`linked`, and a draft page of OWN's principal whose text links to the County page too."""
    url, target, news_uid = linked
    draft = session(OWN_PRINCIPAL).post(
        f"{url}/colleges/{OWN.lower()}",
        json={
            "@type": "Document",
            "id": "pangolin",
            "title": DRAFT_TITLE,
            "description": "Brouillon à ne pas montrer",
            "text": {
                "data": f'<p><a href="resolveuid/{target}">la page</a></p>',
                "content-type": "text/html",
                "encoding": "utf-8",
            },
        },
        timeout=60,
    )
    assert draft.status_code == 201, draft.text
    return url, target, (news_uid, draft.json()["UID"])


def traces(text, uids):
    """What of the linking items a page shows: titles, descriptions, ids, URLs or UIDs."""
    words = (SECRET_TITLE, SECRET_DESCRIPTION, "blaireau", DRAFT_TITLE, "Brouillon à ne pas", "pangolin", *uids)
    return [word for word in words if word in text]


def confirmations(url, login, target):
    """The HTML that names what deleting the County page would break, as `login` gets it:
    the delete confirmation page, folder contents' delete dialog and the info view."""
    http = session(login)
    page = http.get(f"{url}/cible/delete_confirmation", headers=HTML, timeout=60)
    dialog = http.get(
        f"{url}/@@fc-delete", params={"render": "yes", "selection": f'["{target}"]'}, headers=HTML, timeout=60
    )
    info = http.get(f"{url}/cible/@@delete_confirmation_info", headers=HTML, timeout=60)
    assert page.status_code == dialog.status_code == info.status_code == 200, (page.text, dialog.text)
    assert 'name="form.buttons.Delete"' in page.text  # the confirmation itself: `login` may delete
    return {"page": page.text, "dialog": dialog.json()["html"], "info": info.text}


class TestDeleteConfirmation:
    def test_linking_items_the_editor_may_not_view_are_counted_not_named(self, linked_twice):
        """The County agent may delete the County page; it is linked from a news item for
        one school's parents and from a school's draft, which the agent may not view."""
        url, target, uids = linked_twice
        for where, text in confirmations(url, COUNTY_AGENT, target).items():
            assert traces(text, uids) == [], where
            assert text.count('class="breach-item"') == 2, where
            assert text.count("pas accessible") == 2, where

    @pytest.mark.parametrize("login", [f"{OTHER.lower()}.principal", f"{OTHER.lower()}.parent"])
    def test_other_readers_of_the_page_get_no_name_either(self, linked_twice, login):
        """`@@delete_confirmation_info` is public: any reader of the County page may ask."""
        url, _target, uids = linked_twice
        response = session(login).get(f"{url}/cible/@@delete_confirmation_info", headers=HTML, timeout=60)
        assert response.status_code == 200
        assert traces(response.text, uids) == []
        assert response.text.count("pas accessible") == 2

    def test_the_news_audience_sees_the_news_not_the_draft(self, linked_twice):
        url, _target, uids = linked_twice
        response = session(f"{OWN.lower()}.parent").get(
            f"{url}/cible/@@delete_confirmation_info", headers=HTML, timeout=60
        )
        assert response.status_code == 200
        assert SECRET_TITLE in response.text
        assert DRAFT_TITLE not in response.text and "pangolin" not in response.text and uids[1] not in response.text
        assert response.text.count("pas accessible") == 1

    def test_linking_items_the_reader_may_view_are_named(self, linked_twice):
        url, _target, _uids = linked_twice
        response = session(OWN_PRINCIPAL).get(f"{url}/cible/@@delete_confirmation_info", headers=HTML, timeout=60)
        assert response.status_code == 200
        assert SECRET_TITLE in response.text and DRAFT_TITLE in response.text
        assert f"/colleges/{OWN.lower()}/actualites/blaireau" in response.text
        assert "pas accessible" not in response.text
