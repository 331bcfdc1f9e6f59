"""REST @linkintegrity names only what the reader may view (issue #9, "nothing through
other pages"): plone.restapi listed every linking item's title and URL, and summarised any
UID asked for."""

from support.audience_site import build
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import publish
from support.audience_site import session

import pytest


OWN_PRINCIPAL = f"{OWN.lower()}.principal"
COUNTY_AGENT = "county.agent"
SECRET_TITLE = "Blaireau confidentiel"


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
