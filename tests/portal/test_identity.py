"""The County identity and the chrome of every page (ent.theme.identity, ent.theme.chrome):
the control panel refuses what is not a logo or a colour and keeps what was there; the
logo shows in the header and is served by the site; no Plone branding; the person's
links in the header; Plone's toolbar and the authors only for people who may edit."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser
from support.demo_instance import PEOPLE

import io
import pytest
import re
import requests
import transaction


SCHOOL = "colleges/0310001h"


def png(size=(40, 20), padding=0) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "#1b3a6b").save(buffer, "PNG")
    # A text chunk after the image data pads the file without breaking it.
    return buffer.getvalue() + b"\0" * padding


@pytest.fixture
def admin_browser(functional_app):
    browser = Browser(functional_app)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    return browser


def control_panel(browser, portal_url):
    browser.open(f"{portal_url}/@@ent-identity-controlpanel")
    return browser


def save(browser):
    browser.getControl(name="form.buttons.save").click()


def upload_logo(browser, portal_url, data: bytes, filename: str, content_type: str = "image/png"):
    control_panel(browser, portal_url)
    if "form.widgets.logo.action" in browser.contents:  # a logo is there: replace it
        browser.getControl(name="form.widgets.logo.action").value = ["replace"]
    browser.getControl(name="form.widgets.logo").add_file(io.BytesIO(data), content_type, filename)
    save(browser)


def record(name):
    transaction.begin()
    return api.portal.get_registry_record(f"ent.identity.{name}")


class TestControlPanel:
    def test_refuses_a_file_that_is_not_an_image(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        upload_logo(admin_browser, url, b"%PDF-1.4 not an image at all", "logo.png")
        assert "Ce fichier n'est pas une image" in admin_browser.contents
        assert record("logo") is None

    def test_refuses_an_svg(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        upload_logo(admin_browser, url, svg, "logo.svg", "image/svg+xml")
        assert "Les images SVG ne sont pas acceptées" in admin_browser.contents
        assert record("logo") is None

    def test_refuses_an_oversized_logo_and_keeps_the_previous_one(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        upload_logo(admin_browser, url, png(), "logo.png")
        first = record("logo")
        assert first
        upload_logo(admin_browser, url, png(padding=600 * 1024), "big.png")
        assert "il ne peut pas dépasser 512 ko" in admin_browser.contents
        assert record("logo") == first

    def test_refuses_a_bad_colour_and_keeps_the_previous_one(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        control_panel(admin_browser, url)
        admin_browser.getControl(name="form.widgets.main_colour").value = "blue"
        save(admin_browser)
        assert "« blue » n'est pas une couleur" in admin_browser.contents
        control_panel(admin_browser, url)
        admin_browser.getControl(name="form.widgets.accent_colour").value = "#12345"
        save(admin_browser)
        assert "« #12345 » n'est pas une couleur" in admin_browser.contents
        assert record("main_colour") == "#1b3a6b"

    def test_refuses_a_main_colour_too_light_for_white_text(self, functional_portal, admin_browser):
        control_panel(admin_browser, functional_portal.absolute_url())
        admin_browser.getControl(name="form.widgets.main_colour").value = "#ffcc00"
        save(admin_browser)
        assert "Le texte blanc sur #ffcc00 a un contraste de 1,51:1 ; il faut au moins 4,5:1." in admin_browser.contents
        assert record("main_colour") == "#1b3a6b"

    def test_colours_are_served_as_css_properties(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        control_panel(admin_browser, url)
        admin_browser.getControl(name="form.widgets.main_colour").value = "#0b3d2e"
        save(admin_browser)
        admin_browser.open(url)
        styles = re.search(r'href="([^"]*@@ent-identity\.css[^"]*)"', admin_browser.contents).group(1)
        admin_browser.open(styles)
        assert admin_browser.headers["Content-Type"].startswith("text/css")
        assert "--ent-main: #0b3d2e;" in admin_browser.contents

    def test_uploaded_logo_in_the_header_and_served(self, functional_portal, admin_browser):
        url = functional_portal.absolute_url()
        logo = png()
        upload_logo(admin_browser, url, logo, "departement.png")
        anonymous = Browser(functional_portal.aq_parent)
        anonymous.open(url)
        src = re.search(r'<img class="ent-brand-logo" alt="" src="([^"]+)"', anonymous.contents).group(1)
        assert "@@ent-logo" in src
        assert f'property="og:image" content="{src}"' in anonymous.contents
        served = requests.get(src, timeout=30)
        assert served.headers["Content-Type"] == "image/png"
        assert served.content == logo

    def test_rest_controlpanel_refuses_a_bad_colour(self, functional_portal):
        url = functional_portal.absolute_url()
        answer = requests.patch(
            f"{url}/@controlpanels/ent-identity",
            json={"main_colour": "rouge"},
            headers={"Accept": "application/json"},
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            timeout=30,
        )
        assert answer.status_code == 400
        assert "n'est pas une couleur" in answer.text
        assert record("main_colour") == "#1b3a6b"


# The demo site as `make run` serves it: the people of docs/domain.md.


def page(demo, who, path=""):
    answer = demo.session(PEOPLE[who]).get(f"{demo.url}/{path}", timeout=60)
    assert answer.status_code == 200, (who, path, answer.status_code)
    return answer.text


def header_links(html):
    usertools = re.search(r'<nav class="ent-usertools".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", usertools)


def a_school_news_item(demo):
    html = page(demo, "principal", f"{SCHOOL}/actualites")
    return re.search(rf'href="{re.escape(demo.url)}/({SCHOOL}/actualites/[^"/?#@]+)"', html).group(1)


class TestChrome:
    def test_no_plone_branding_on_the_home_page(self, demo):
        html = page(demo, "anonymous")
        for plone in ("Powered by Plone", "plone-logo", 'name="generator"', "barceloneta-apple-touch", "favicon.ico"):
            assert plone not in html
        assert "Plone" not in re.search(r"<footer.*?</footer>", html, re.S).group(0)

    def test_anonymous_is_offered_to_log_in(self, demo):
        html = page(demo, "anonymous")
        assert header_links(html) == ["Se connecter"]
        assert 'id="edit-bar"' not in html

    def test_a_parent_has_mon_ent_and_no_back_office(self, demo):
        for path in ("", SCHOOL, a_school_news_item(demo)):
            html = page(demo, "parent", path)
            assert header_links(html) == ["Mon ENT", "Mes notifications", "Mes données", "Se déconnecter"], path
            assert f'href="{demo.url}/@@mon-ent"' in html
            assert f'href="{demo.url}/@@notifications-preferences"' in html
            assert f'href="{demo.url}/@@mes-donnees"' in html
            assert 'id="edit-bar"' not in html
            assert "plone-toolbar-" not in html
            assert "label-by-author" not in html

    def test_a_school_links_back_to_the_county_portal(self, demo):
        html = page(demo, "parent", SCHOOL)
        assert re.search(rf'<a class="ent-county-link"\s+href="{re.escape(demo.url)}"', html)

    def test_a_principal_edits_in_their_school(self, demo):
        item = a_school_news_item(demo)
        html = page(demo, "principal", item)
        assert 'id="edit-bar"' in html
        assert "plone-toolbar-" in html
        assert "Se déconnecter" in header_links(html)


class TestBylines:
    """The authors of an item ("par …") for people who may edit it, not for its readers."""

    @pytest.fixture
    def news(self, functional_portal):
        with api.env.adopt_roles(["Manager"]):
            item = api.content.create(
                container=functional_portal["actualites"], type="News Item", id="news", title="Une actualité"
            )
            api.content.transition(obj=item, to_state="published")
            for login in ("reader", "editor"):
                api.user.create(email=f"{login}@example.org", username=login, password="secret-pass-123")
            api.user.grant_roles(username="editor", obj=item, roles=["Editor"])
        transaction.commit()
        return item

    def view_as(self, functional_app, url, login):
        browser = Browser(functional_app)
        browser.addHeader("Authorization", f"Basic {login}:secret-pass-123")
        browser.open(url)
        return browser.contents

    def test_a_reader_sees_no_author_nor_toolbar(self, functional_app, news):
        html = self.view_as(functional_app, news.absolute_url(), "reader")
        assert "label-by-author" not in html
        assert 'id="edit-bar"' not in html
        assert "plone-toolbar-" not in html

    def test_a_readers_page_works_no_toolbar_out(self, functional_app, news, monkeypatch):
        """The hidden toolbar's viewlets and personal bar are not worked out for nothing;
        for an editor they are."""
        from plone.app.layout.viewlets.common import ContentViewsViewlet
        from plone.app.layout.viewlets.toolbar import ToolbarViewletManager

        worked = []
        update = ContentViewsViewlet.update
        personal_bar = ToolbarViewletManager.get_personal_bar
        monkeypatch.setattr(ContentViewsViewlet, "update", lambda self: worked.append("views") or update(self))
        monkeypatch.setattr(
            ToolbarViewletManager, "get_personal_bar", lambda self: worked.append("bar") or personal_bar(self)
        )
        self.view_as(functional_app, news.absolute_url(), "reader")
        assert worked == []
        self.view_as(functional_app, news.absolute_url(), "editor")
        assert set(worked) == {"views", "bar"}

    def test_an_editor_sees_the_authors_and_the_toolbar(self, functional_app, news):
        html = self.view_as(functional_app, news.absolute_url(), "editor")
        assert "label-by-author" in html
        assert 'id="edit-bar"' in html
