"""Nothing through other pages (issue #9): a page the reader may see that links or embeds
an item they may not see shows nothing of that item, and `resolveuid` does not lead there;
the keywords offered to an editor are those of what they may see.
"""

from plone import api
from support.audience_site import build
from support.audience_site import create_parents_news
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import publish
from support.audience_site import session

import pytest
import re
import transaction


OWN_PATH = f"colleges/{OWN.lower()}"
OTHER_PATH = f"colleges/{OTHER.lower()}"
PRINCIPAL = f"{OWN.lower()}.principal"
OTHER_PRINCIPAL = f"{OTHER.lower()}.principal"
OUTSIDER = f"{OTHER.lower()}.parent"
AUDIENCE = f"{OWN.lower()}.parent"
UNKNOWN_UID = "0" * 32
#: What of the parents-only news item must not come out to an outsider.
SECRET_WORDS = ("Hippocampe", "Zorglub", "Wapiti", "hippocampe-cache", "actualites/")


@pytest.fixture(scope="class")
def site(functional_portal_class):
    """A parents-only news item of OWN (with image, description, a keyword of its own) and
    a public page of OWN whose text links it and embeds its image with a caption."""
    portal = functional_portal_class
    build(portal)
    with api.env.adopt_roles(["Manager"]):
        api.portal.set_registry_record("plone.image_captioning", True)
    transaction.commit()
    url = portal.absolute_url()
    http = session(PRINCIPAL)
    news = create_parents_news(url)
    uid = news.json()["UID"]
    text = (
        f'<p>Voir <a href="resolveuid/{uid}">la sortie</a>.</p>'
        f'<p><img src="resolveuid/{uid}/@@images/image/preview" class="image-richtext captioned" /></p>'
    )
    page = http.post(
        f"{url}/{OWN_PATH}/documents",
        json={
            "@type": "Document",
            "id": "page-publique",
            "title": "Page publique",
            "audience": ["public"],
            "subjects": ["kiosque"],
            "text": {"data": text, "content-type": "text/html", "encoding": "utf-8"},
        },
        timeout=60,
    )
    assert page.status_code == 201, page.text
    publish(url, f"{OWN_PATH}/documents/page-publique", PRINCIPAL)
    return {
        "url": url,
        "uid": uid,
        "page": f"{url}/{OWN_PATH}/documents/page-publique",
        "news": f"{url}/{OWN_PATH}/actualites/hippocampe-cache",
    }


def page_html(site, viewer):
    response = session(viewer).get(site["page"], headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200, (viewer, response.status_code)
    return response.text


def keywords(url, path, viewer):
    response = session(viewer).get(
        f"{url}/{path}/@vocabularies/plone.app.vocabularies.Keywords?b_size=1000", timeout=60
    )
    assert response.status_code == 200, response.text
    return {item["title"] for item in response.json()["items"]}


def classic_keywords(url, path, viewer):
    response = session(viewer).get(
        f"{url}/{path}/@@getVocabulary", params={"name": "plone.app.vocabularies.Keywords"}, timeout=60
    )
    assert response.status_code == 200, response.text
    return {item["text"] for item in response.json()["results"]}


def without_tokens(html):
    """A page without its anti-CSRF tokens, which change from one request to the next."""
    return re.sub(r'(data-token="|name="_authenticator" value=")[0-9a-f]+', r"\1", html)


class TestThroughOtherPages:
    def test_audience_sees_link_and_caption(self, site):
        """Asked first, so that a cached rendering would show up in the next tests."""
        html = page_html(site, AUDIENCE)
        assert f'href="{site["news"]}"' in html
        assert "Wapiti confidentiel" in html  # the caption: the image's description
        assert f"{site['news']}/@@images/" in html

    @pytest.mark.parametrize("viewer", [None, OUTSIDER])
    def test_outsider_sees_the_page_without_the_item(self, site, viewer):
        html = page_html(site, viewer)
        assert "Page publique" in html
        assert "la sortie" in html  # the link's own words are the page's
        body = html.lower()
        leaked = [word for word in SECRET_WORDS if word.lower() in body]
        assert not leaked, leaked
        # The link stays as written: it leads to a 404 like any broken link.
        assert re.search(rf'href="[^"]*resolveuid/{site["uid"]}"', html)

    @pytest.mark.parametrize("name", ["resolveuid", "@@resolveuid"])
    @pytest.mark.parametrize("viewer", [None, OUTSIDER])
    def test_resolveuid_is_missing_for_outsiders(self, site, name, viewer):
        http = session(viewer)
        http.headers["Accept"] = "text/html"
        refused = http.get(f"{site['url']}/{name}/{site['uid']}", allow_redirects=False, timeout=60)
        unknown = http.get(f"{site['url']}/{name}/{UNKNOWN_UID}", allow_redirects=False, timeout=60)
        assert refused.status_code == unknown.status_code == 404
        assert "location" not in refused.headers
        assert without_tokens(refused.text.replace(site["uid"], UNKNOWN_UID)) == without_tokens(unknown.text)
        assert not [word for word in SECRET_WORDS if word.lower() in refused.text.lower()]
        image = http.get(
            f"{site['url']}/{name}/{site['uid']}/@@images/image/preview", allow_redirects=False, timeout=60
        )
        assert image.status_code == 404 and "location" not in image.headers

    @pytest.mark.parametrize("name", ["resolveuid", "@@resolveuid"])
    def test_resolveuid_leads_the_audience(self, site, name):
        response = session(AUDIENCE).get(f"{site['url']}/{name}/{site['uid']}", allow_redirects=False, timeout=60)
        assert response.status_code == 301
        assert response.headers["location"] == site["news"]

    def test_keywords_of_refused_items_are_not_offered(self, site):
        url = site["url"]
        offered = keywords(url, OTHER_PATH, OTHER_PRINCIPAL)
        assert "kiosque" in offered  # a public page's keyword: the vocabulary works
        assert "ornithorynque" not in offered
        classic = classic_keywords(url, OTHER_PATH, OTHER_PRINCIPAL)
        assert "kiosque" in classic and "ornithorynque" not in classic
        filtered = session(OTHER_PRINCIPAL).get(
            f"{url}/{OTHER_PATH}/@vocabularies/plone.app.vocabularies.Keywords", params={"title": "ornith"}, timeout=60
        )
        assert filtered.status_code == 200 and filtered.json()["items"] == []

    def test_keywords_of_own_items_are_offered(self, site):
        url = site["url"]
        assert {"kiosque", "ornithorynque"} <= keywords(url, OWN_PATH, PRINCIPAL)
        assert "ornithorynque" in classic_keywords(url, OWN_PATH, PRINCIPAL)
