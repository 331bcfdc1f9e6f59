"""The home pages as people meet them: the County home (the site root, `@@ent-home`) and a
school's home (`@@school_view`), through the real HTTP stack, as anonymous, a parent and the
County's editors; and the home settings (`@@ent-home-controlpanel`) that change them."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from ent.policy.browser.home import DEFAULT_SECTIONS
from lxml import html as lxml_html
from plone import api
from support.audience_site import build
from support.audience_site import OWN
from support.audience_site import PASSWORD
from support.audience_site import post
from support.audience_site import session

import pytest
import requests
import transaction
import zoneinfo


own = OWN.lower()
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
#: Noon in UTC is the same day in Paris: the page's date is this day.
NEWS_DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def url(functional_portal):
    build(functional_portal)
    return functional_portal.absolute_url()


@pytest.fixture
def items(url):
    """County and school news and events; the dict maps a key to the item's title."""
    made = {}

    def add(key, path, login, day=NEWS_DAY, **data):
        title = f"Accueil {key}"
        post(url, path, login, title, effective=day.strftime("%Y-%m-%dT%H:%M:%S"), **data)
        made[key] = title

    def event(key, path, login, days, audience=("public",)):
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
        add(
            key,
            path,
            login,
            **{
                "@type": "Event",
                "audience": list(audience),
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
            },
        )

    add("county-public", "actualites", "county.agent", audience=["public"], description="Pour tout le monde")
    add("county-parents", "actualites", "county.agent", audience=["parent"])
    add("county-own-parents", "actualites", "county.agent", audience=["parent"], audience_schools=[OWN])
    add("own-public", f"colleges/{own}/actualites", f"{own}.principal", audience=["public"])
    add("own-parents", f"colleges/{own}/actualites", f"{own}.principal", audience=["parent"])
    event("county-festival", "culture-loisirs", "county.agent", days=20)
    event("county-past", "culture-loisirs", "county.agent", days=-20)
    event("own-open-day", f"colleges/{own}/agenda", f"{own}.principal", days=10)
    event("own-parents-meeting", f"colleges/{own}/agenda", f"{own}.principal", days=12, audience=["parent"])
    return made


def page(page_url, login=None):
    """The page's content region (the menus list sections too), parsed."""
    auth = (login, PASSWORD) if login else None
    response = requests.get(page_url, auth=auth, timeout=60)
    assert response.status_code == 200, response.text[:500]
    tree = lxml_html.fromstring(response.text)
    return tree.get_element_by_id("content")


def texts(elements) -> list:
    return [" ".join(element.text_content().split()) for element in elements]


def news_titles(region) -> list:
    return texts(region.cssselect(".ent-home-news h3"))


class TestCountyHome:
    def test_is_the_site_root_view(self, url):
        region = page(url)
        assert region.cssselect(".ent-county-home")
        assert len(region.getroottree().getroot().cssselect("h1")) == 1

    def test_uninstall_gives_plone_view_back(self, functional_portal):
        from ent.policy.structure import set_county_home
        from ent.policy.structure import unset_county_home

        assert functional_portal.getLayout() == "ent-home"
        unset_county_home(functional_portal)
        assert functional_portal.getLayout() == functional_portal.getDefaultLayout() != "ent-home"
        # Kept: an administrator's own choice of view.
        functional_portal.setLayout("event_listing")
        set_county_home(functional_portal)
        assert functional_portal.getLayout() == "event_listing"

    def test_latest_public_news_with_their_dates(self, url, items):
        region = page(url)
        assert news_titles(region) == [items["county-public"]]
        card = region.cssselect(".ent-news-card")[0]
        time = card.cssselect("time")[0]
        assert time.text_content() == NEWS_DAY.strftime("%d/%m/%Y")
        assert time.get("datetime").startswith(NEWS_DAY.strftime("%Y-%m-%d"))
        assert "Pour tout le monde" in card.text_content()
        # A news item without an image has no image box.
        assert not card.cssselect("img")

    def test_a_parent_sees_the_county_news_meant_for_them(self, url, items):
        titles = news_titles(page(url, f"{own}.parent"))
        assert items["county-parents"] in titles and items["county-public"] in titles
        assert items["own-public"] not in titles

    def test_news_image_with_alt_text(self, url, items):
        response = session("county.agent").patch(
            f"{url}/actualites/accueil-county-public",
            json={
                "image": {
                    "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                    "encoding": "base64",
                    "filename": "festival.png",
                    "content-type": "image/png",
                }
            },
            timeout=60,
        )
        assert response.status_code == 204, response.text
        image = page(url).cssselect(".ent-news-card img")[0]
        assert image.get("alt") == items["county-public"]
        assert requests.get(image.get("src"), timeout=60).headers["Content-Type"] == "image/png"

    def test_entry_points_to_the_services(self, url):
        region = page(url)
        cards = region.cssselect(".ent-service")
        assert [card.get("data-section") for card in cards] == list(DEFAULT_SECTIONS)
        for card in cards:
            link = card.cssselect("h3 a")[0]
            assert link.get("href") == f"{url}/{card.get('data-section')}"
            assert link.text_content().strip()
            # The icon is the site's own inline SVG, hidden from screen readers.
            assert card.cssselect("svg")[0].get("aria-hidden") == "true"
        assert "Quel est mon collège" in texts(cards)[1]

    def test_upcoming_events_with_their_french_dates(self, url, items):
        region = page(url)
        titles = texts(region.cssselect(".ent-home-events h3"))
        assert titles == [items["county-festival"]]
        when = region.cssselect(".ent-home-events time")[0].text_content()
        # The demo's festival starts in 20 days, shown in the site's zone (Europe/Paris).
        start = datetime.now(PARIS) + timedelta(days=20)
        assert when.startswith((start - timedelta(days=1)).strftime("%d/%m/%Y")) or when.startswith(
            start.strftime("%d/%m/%Y")
        )
        assert " à " in when

    def test_the_schools_finder_form(self, url):
        region = page(url)
        form = region.cssselect("form[role=search]")[0]
        assert form.get("action") == f"{url}/colleges/@@schools-finder"
        for name in ("q", "commune"):
            field = form.cssselect(f"[name={name}]")[0]
            assert form.cssselect(f"label[for={field.get('id')}]")[0].text_content().strip()
        communes = [option.get("value") for option in form.cssselect("select option")]
        assert "Aspet" in communes
        found = requests.get(form.get("action"), params={"q": "Latour"}, timeout=60)
        assert found.status_code == 200 and "Collège Armand Latour" in found.text


def save_settings(url, login, **fields):
    """Submit the home settings form as `login`, as a browser does; returns the response."""
    http = requests.Session()
    http.auth = (login, PASSWORD)
    form_url = f"{url}/@@ent-home-controlpanel"
    form = http.get(form_url, timeout=60, allow_redirects=False)
    if form.status_code != 200:
        return form
    token = lxml_html.fromstring(form.text).cssselect("input[name=_authenticator]")[0].get("value")
    data = {"_authenticator": token, "form.buttons.save": "Enregistrer"}
    data.update({f"form.widgets.{name}": value for name, value in fields.items()})
    data.setdefault("form.widgets.news_count", "6")
    data.setdefault("form.widgets.events_count", "4")
    data.setdefault("form.widgets.sections", "\n".join(DEFAULT_SECTIONS))
    return http.post(form_url, data=data, timeout=60)


class TestHomeSettings:
    def test_editors_choose_sections_order_intro_and_counts(self, url, items):
        post(url, "actualites", "county.agent", "Accueil plus récente", audience=["public"])
        response = save_settings(
            url,
            "county.agent",
            sections="projets\naides",
            news_count="1",
            intro="Bienvenue aux familles",
        )
        assert response.status_code == 200
        region = page(url)
        assert [card.get("data-section") for card in region.cssselect(".ent-service")] == ["projets", "aides"]
        assert news_titles(region) == ["Accueil plus récente"]
        assert region.cssselect(".ent-home-intro")[0].text_content() == "Bienvenue aux familles"

    def test_card_text_is_the_section_itself(self, url):
        response = session("county.agent").patch(
            f"{url}/aides", json={"title": "Bourses et aides", "description": "Demander une aide en ligne"}, timeout=60
        )
        assert response.status_code == 204
        card = page(url).cssselect(".ent-service[data-section=aides]")[0]
        assert "Bourses et aides" in card.text_content() and "Demander une aide en ligne" in card.text_content()

    def test_an_unknown_section_is_refused_with_its_name(self, url):
        response = save_settings(url, "county.agent", sections="aides\nbibliotheque")
        assert (
            "bibliotheque"
            in lxml_html.fromstring(response.text).cssselect(".invalid-feedback, .error")[0].text_content()
        )
        assert api.portal.get_registry_record("ent.home.sections") == list(DEFAULT_SECTIONS)

    def test_a_section_the_reader_may_not_view_is_not_shown(self, url, functional_portal):
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(obj=functional_portal["projets"], transition="reject")
        transaction.commit()
        sections = [card.get("data-section") for card in page(url).cssselect(".ent-service")]
        assert "projets" not in sections and "aides" in sections

    @pytest.mark.parametrize("login", [f"{own}.parent", f"{own}.principal", None])
    def test_only_county_editors_and_admins_change_them(self, url, login):
        # Refused: Plone sends a person to its "insufficient privileges" page, anonymous to log in.
        response = (
            save_settings(url, login, news_count="1")
            if login
            else requests.get(f"{url}/@@ent-home-controlpanel", timeout=60, allow_redirects=False)
        )
        assert response.status_code in (302, 401, 403)
        assert api.portal.get_registry_record("ent.home.news_count") == 6

    def test_a_county_admin_changes_them(self, url):
        assert save_settings(url, "county.admin", events_count="2").status_code == 200
        transaction.begin()
        assert api.portal.get_registry_record("ent.home.events_count") == 2


class TestSchoolHome:
    def school_url(self, url):
        return f"{url}/colleges/{own}"

    def test_a_parent_sees_the_school_news_and_the_county_broadcasts(self, url, items):
        region = page(self.school_url(url), f"{own}.parent")
        titles = news_titles(region)
        for key in ("own-public", "own-parents", "county-parents", "county-own-parents"):
            assert items[key] in titles
        assert items["county-public"] not in titles
        entry = region.cssselect(".ent-news-entry")[titles.index(items["county-own-parents"])]
        assert entry.cssselect(".ent-origin")[0].get("data-origin") == "county"
        assert entry.cssselect("time")[0].text_content() == NEWS_DAY.strftime("%d/%m/%Y")

    def test_anonymous_sees_the_public_news_only(self, url, items):
        titles = news_titles(page(self.school_url(url)))
        assert titles == [items["own-public"]]

    def test_upcoming_events_of_its_agenda(self, url, items):
        anonymous = texts(page(self.school_url(url)).cssselect(".ent-home-events h3"))
        assert anonymous == [items["own-open-day"]]
        parent = texts(page(self.school_url(url), f"{own}.parent").cssselect(".ent-home-events h3"))
        assert parent == [items["own-open-day"], items["own-parents-meeting"]]

    def test_contact_card(self, url):
        card = page(self.school_url(url)).cssselect(".ent-school-card")[0]
        text = " ".join(card.text_content().split())
        assert "Quartier Fontagnères" in text and "31160 Aspet" in text
        links = {link.get("href") for link in card.cssselect("a")}
        assert {
            "tel:0561884080",
            "mailto:0310001h@ac-toulouse.fr",
            "http://armand-latour.ecollege.haute-garonne.fr/",
        } <= links

    def test_its_spaces_or_a_line_saying_there_is_none(self, url):
        section = page(self.school_url(url)).cssselect(".ent-school-spaces")[0]
        assert not section.cssselect("li") and section.cssselect("p")
        space = session(f"{own}.principal").post(
            f"{self.school_url(url)}/espaces", json={"@type": "Folder", "title": "Club théâtre"}, timeout=60
        )
        assert space.status_code == 201
        assert texts(page(self.school_url(url), f"{own}.principal").cssselect(".ent-school-spaces li")) == [
            "Club théâtre"
        ]
        # Private: the others do not see it.
        assert not page(self.school_url(url), f"{own}.parent").cssselect(".ent-school-spaces li")

    def test_ways_back_to_the_county_portal_and_mon_ent(self, url):
        links = [
            link.get("href") for link in page(self.school_url(url), f"{own}.parent").cssselect(".ent-school-ways a")
        ]
        assert links == [url, f"{self.school_url(url)}/@@mon-ent"]
        # A visitor is offered to log in (and lands on Mon ENT).
        links = [link.get("href") for link in page(self.school_url(url)).cssselect(".ent-school-ways a")]
        assert links == [url, f"{self.school_url(url)}/login"]

    def test_name_logo_and_accent_colour(self, url):
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        response = session("county.admin").patch(
            self.school_url(url),
            json={
                "accent_color": "#7a1f5c",
                "logo": {"data": png, "encoding": "base64", "filename": "logo.png", "content-type": "image/png"},
            },
            timeout=60,
        )
        assert response.status_code == 204, response.text
        region = page(self.school_url(url))
        assert region.cssselect("h1")[0].text_content() == "Collège Armand Latour"
        logo = region.cssselect("img.ent-school-logo")[0]
        assert "Collège Armand Latour" in logo.get("alt")
        assert requests.get(logo.get("src"), timeout=60).headers["Content-Type"] == "image/png"
        # The colour is the school's on all its pages, not on the County's.
        assert "ent-has-accent" in region.cssselect(".ent-school")[0].get("class")
        for school_page in (self.school_url(url), f"{self.school_url(url)}/actualites"):
            assert "--ent-accent: #7a1f5c;" in requests.get(school_page, timeout=60).text
        assert "#7a1f5c" not in requests.get(url, timeout=60).text
