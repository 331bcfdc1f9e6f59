""" "Mon ENT" and @my-feed, County broadcasts on school sites, and the alert banner.

Everything through the real HTTP stack (waitress) with accounts in the groups of docs/domain.md.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from lxml import html as lxml_html
from support.audience_site import announce
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import PASSWORD
from support.audience_site import session

import pytest
import requests
import time


own = OWN.lower()
other = OTHER.lower()
SCHOOL_NAMES = {OWN: "Collège Armand Latour", OTHER: "Collège Vayssié"}


OWN_PARENT_FEED = [
    "own-event",
    "own-parents",
    "own-public",
    "county-own-parents",
    "county-all-parents",
    "county-public",
]


def feed(url, login, **params):
    response = session(login).get(f"{url}/@my-feed", params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


class TestMyFeed:
    def test_what_is_meant_for_a_parent_newest_first(self, url, items):
        data = feed(url, f"{own}.parent")
        assert [i["title"] for i in data["items"]] == [items[k] for k in OWN_PARENT_FEED]
        assert data["items_total"] == len(OWN_PARENT_FEED)

    def test_each_entry_says_where_it_comes_from(self, url, items):
        entries = {i["title"]: i for i in feed(url, f"{own}.parent")["items"]}
        assert entries[items["own-parents"]]["origin"] == OWN
        assert entries[items["own-parents"]]["origin_title"] == SCHOOL_NAMES[OWN]
        assert entries[items["county-all-parents"]]["origin"] == "county"
        assert entries[items["county-all-parents"]]["origin_title"] == "Département"
        assert entries[items["own-event"]]["@type"] == "Event"

    def test_a_teacher_sees_other_entries(self, url, items):
        titles = [i["title"] for i in feed(url, f"{own}.teacher")["items"]]
        assert titles == [items[k] for k in ("own-teachers", "own-public", "county-teachers", "county-public")]

    def test_the_other_school(self, url, items):
        titles = [i["title"] for i in feed(url, f"{other}.parent")["items"]]
        assert titles == [
            items[k]
            for k in ("other-parents", "other-public", "county-other-parents", "county-all-parents", "county-public")
        ]

    def test_filter_by_school(self, url, items):
        titles = [i["title"] for i in feed(url, f"{own}.parent", school=OWN)["items"]]
        assert titles == [items[k] for k in ("own-event", "own-parents", "own-public")]
        titles = [i["title"] for i in feed(url, f"{own}.parent", school="county")["items"]]
        assert titles == [items[k] for k in ("county-own-parents", "county-all-parents", "county-public")]

    def test_filter_by_type(self, url, items):
        titles = [i["title"] for i in feed(url, f"{own}.parent", portal_type="Event")["items"]]
        assert titles == [items["own-event"]]

    def test_batching_like_search(self, url, items):
        first = feed(url, f"{own}.parent", b_size=2)
        assert first["items_total"] == len(OWN_PARENT_FEED)
        assert [i["title"] for i in first["items"]] == [items[k] for k in OWN_PARENT_FEED[:2]]
        assert "next" in first["batching"]
        second = session(f"{own}.parent").get(first["batching"]["next"], timeout=60).json()
        assert [i["title"] for i in second["items"]] == [items[k] for k in OWN_PARENT_FEED[2:4]]

    @pytest.mark.parametrize(
        "params, words",
        [
            ({"school": OTHER}, f"'{OTHER}' is not one of your schools"),
            ({"school": "0310001A"}, "0310001A"),
            ({"portal_type": "Folder"}, "'Folder' is not a type of the feed"),
            ({"b_size": "many"}, "Invalid b_size: Not an integer"),
            ({"b_size": 0}, "b_size must be positive and b_start not negative"),
            ({"b_start": -1}, "b_size must be positive and b_start not negative"),
        ],
    )
    def test_bad_filters(self, url, items, params, words):
        response = session(f"{own}.parent").get(f"{url}/@my-feed", params=params, timeout=60)
        assert response.status_code == 400
        assert words in response.json()["message"]

    def test_anonymous(self, url):
        assert session().get(f"{url}/@my-feed", timeout=60).status_code == 401

    def test_withdrawn_item_leaves_the_feed(self, url, items):
        county = session("county.agent")
        item = f"{url}/actualites/entree-county-all-parents"
        assert county.post(f"{item}/@workflow/reject", timeout=60).status_code == 200
        titles = [i["title"] for i in feed(url, f"{own}.parent")["items"]]
        assert items["county-all-parents"] not in titles


def content(html) -> str:
    """The page's content region (the navigation also lists the items a person may see)."""
    return html.split('id="content"', 1)[1]


class TestMonEntPage:
    def page(self, url, login, **params):
        response = requests.get(f"{url}/@@mon-ent", params=params, auth=(login, PASSWORD), timeout=60)
        assert response.status_code == 200, response.text[:500]
        return content(response.text)

    def test_same_entries_as_the_feed(self, url, items):
        html = self.page(url, f"{own}.parent")
        positions = [html.index(items[k]) for k in OWN_PARENT_FEED]
        assert positions == sorted(positions)
        for key in ("own-teachers", "other-parents", "county-other-parents", "county-teachers"):
            assert items[key] not in html
        assert SCHOOL_NAMES[OWN] in html and "Département" in html

    def test_filters_and_pages(self, url, items):
        html = self.page(url, f"{own}.parent", school="county")
        assert items["own-parents"] not in html and items["county-public"] in html
        html = self.page(url, f"{own}.parent", type="Event")
        assert items["own-event"] in html and items["own-parents"] not in html

    def test_bad_filter_is_said(self, url, items):
        response = requests.get(
            f"{url}/@@mon-ent", params={"school": OTHER}, auth=(f"{own}.parent", PASSWORD), timeout=60
        )
        assert response.status_code == 400
        assert "is not one of your schools" in response.text

    def test_anonymous_is_asked_to_log_in(self, url):
        response = requests.get(f"{url}/@@mon-ent", timeout=60, allow_redirects=False)
        assert response.status_code in (302, 401)

    def test_landing_page_after_login(self, url):
        http = requests.Session()
        form = http.get(f"{url}/login", timeout=60)
        assert form.status_code == 200
        response = http.post(
            f"{url}/login",
            data={
                "__ac_name": f"{own}.parent",
                "__ac_password": PASSWORD,
                "buttons.login": "Se connecter",
                "came_from": "",
            },
            timeout=60,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        assert response.headers["Location"] == f"{url}/@@mon-ent"

    def test_deep_link_is_kept_after_login(self, url, items):
        http = requests.Session()
        target = f"{url}/colleges/{own}/actualites/entree-own-parents"
        response = http.post(
            f"{url}/login",
            data={
                "__ac_name": f"{own}.parent",
                "__ac_password": PASSWORD,
                "buttons.login": "Se connecter",
                "came_from": target,
            },
            timeout=60,
            allow_redirects=False,
        )
        assert response.headers["Location"] == target


class TestBroadcasts:
    """A County item for schools is one object shown on every targeted school's site."""

    def pages(self, url, login, uai):
        auth = (login, PASSWORD) if login else None
        home = requests.get(f"{url}/colleges/{uai.lower()}", auth=auth, timeout=60).text
        news = requests.get(f"{url}/colleges/{uai.lower()}/actualites", auth=auth, timeout=60).text
        return content(home), content(news)

    @pytest.mark.parametrize(
        "login, uai, shown",
        [
            (f"{own}.parent", OWN, True),
            (f"{own}.teacher", OWN, False),
            (None, OWN, False),
            (f"{other}.parent", OTHER, False),
            (f"{own}.principal", OWN, False),
        ],
    )
    def test_on_the_targeted_school_for_its_profiles(self, url, items, login, uai, shown):
        for page in self.pages(url, login, uai):
            assert (items["county-own-parents"] in page) is shown
            assert (items["county-all-parents"] in page) is (login is not None and login.endswith(".parent"))

    def test_public_school_news_and_county_news_side_by_side(self, url, items):
        home, news = self.pages(url, f"{own}.parent", OWN)
        for page in (home, news):
            assert items["own-public"] in page and items["own-parents"] in page
            assert items["other-public"] not in page and items["county-teachers"] not in page

    def test_edit_and_withdraw_change_every_school_at_once(self, url, items):
        county = session("county.agent")
        item = f"{url}/actualites/entree-county-all-parents"
        county.patch(item, json={"title": "Transports : nouvel horaire"}, timeout=60)
        for login, uai in ((f"{own}.parent", OWN), (f"{other}.parent", OTHER)):
            home, news = self.pages(url, login, uai)
            assert "Transports : nouvel horaire" in home and "Transports : nouvel horaire" in news
        county.post(f"{item}/@workflow/reject", timeout=60)
        for login, uai in ((f"{own}.parent", OWN), (f"{other}.parent", OTHER)):
            home, news = self.pages(url, login, uai)
            assert "Transports : nouvel horaire" not in home and "Transports : nouvel horaire" not in news


class TestAlerts:
    """A published Announcement in its window is a banner on every page of its sites, for its audience."""

    def announce(self, *args, **data):
        return announce(*args, **data)

    def banner(self, page_url, login=None):
        auth = (login, PASSWORD) if login else None
        html = requests.get(page_url, auth=auth, timeout=60).text
        return [part.split("</a>")[0].rsplit(">", 1)[-1] for part in html.split('class="alert-link"')[1:]]

    def test_on_every_page_of_the_school_for_its_audience(self, url, items):
        now = datetime.now(UTC)
        self.announce(
            url,
            f"colleges/{own}/actualites",
            f"{own}.principal",
            "Collège fermé demain",
            now - timedelta(minutes=1),
            now + timedelta(hours=2),
            audience=["parent"],
        )
        pages = [
            f"{url}/colleges/{own}",
            f"{url}/colleges/{own}/actualites",
            f"{url}/colleges/{own}/actualites/entree-own-public",
            f"{url}/colleges/{own}/agenda",
        ]
        for page in pages:
            assert self.banner(page, f"{own}.parent") == ["Collège fermé demain"], page
            assert self.banner(page, f"{own}.teacher") == [], page
            assert self.banner(page) == [], page
        assert self.banner(f"{url}/colleges/{other}", f"{other}.parent") == []
        assert self.banner(url, f"{own}.parent") == []  # the County portal is another site

    def test_county_alert_on_the_targeted_schools_and_the_county_portal(self, url):
        now = datetime.now(UTC)
        self.announce(
            url,
            "actualites",
            "county.agent",
            "Neige : transports suspendus",
            now - timedelta(minutes=1),
            now + timedelta(hours=2),
            audience=["public"],
            audience_schools=[OWN],
        )
        assert self.banner(f"{url}/colleges/{own}") == ["Neige : transports suspendus"]
        assert self.banner(url) == ["Neige : transports suspendus"]
        assert self.banner(f"{url}/colleges/{other}") == []

    def test_not_before_its_start(self, url):
        now = datetime.now(UTC)
        self.announce(
            url, "actualites", "county.agent", "Plus tard", now + timedelta(hours=1), now + timedelta(hours=2)
        )
        assert self.banner(url) == []
        assert self.banner(url, "county.agent") == []

    def test_disappears_by_itself_at_its_end(self, url):
        now = datetime.now(UTC)
        end = now + timedelta(seconds=8)
        self.announce(url, "actualites", "county.agent", "Bientôt fini", now - timedelta(minutes=1), end)
        assert self.banner(url) == ["Bientôt fini"]
        assert self.banner(url, "county.agent") == ["Bientôt fini"]
        time.sleep(max(0, (end - datetime.now(UTC)).total_seconds()) + 1.5)
        assert self.banner(url) == []
        assert self.banner(url, "county.agent") == []  # editors too: the window is over


def user_menu(page: str) -> dict:
    """The header's menu of the person ("Mon compte"): its links' texts and addresses."""
    return {
        link.text_content().strip(): link.get("href")
        for link in lxml_html.fromstring(page).xpath("//nav[@id='ent-usertools']//a")
    }


def test_user_menu_links(url):
    """On a school's site the logged-in person's menu offers "Mon ENT" and "Mes notifications",
    and both pages open. Notification preferences are the person's, the same for every school
    (stored on the portal), so the menu leads to the portal's one page; anonymous visitors get
    "Se connecter" instead."""
    parent = (f"{own}.parent", PASSWORD)
    menu = user_menu(requests.get(f"{url}/colleges/{own}", auth=parent, timeout=60).text)
    assert menu["Mon ENT"] == f"{url}/@@mon-ent"
    assert menu["Mes notifications"] == f"{url}/@@notifications-preferences"
    assert menu["Mes données"] == f"{url}/@@mes-donnees"
    assert "Se déconnecter" in menu
    for address in (menu["Mon ENT"], menu["Mes notifications"], menu["Mes données"]):
        assert requests.get(address, auth=parent, timeout=60).status_code == 200, address
    preferences = lxml_html.fromstring(requests.get(menu["Mes notifications"], auth=parent, timeout=60).text)
    assert preferences.xpath("//input[@type='radio'][@name='form.widgets.notifications']")
    anonymous = user_menu(requests.get(f"{url}/colleges/{own}", timeout=60).text)
    assert "Se connecter" in anonymous
    assert "Mon ENT" not in anonymous
    assert "Mes notifications" not in anonymous
    assert "Mes données" not in anonymous
