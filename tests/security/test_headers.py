"""Security headers on every response, and `came_from` that stays on the site.

Through the real instance (`make run`), in the functional test layer (where the other
tests run), and in headless Chromium: Plone's pages must work under the policy.
"""

from ent.policy.hardening.headers import CONTENT_SECURITY_POLICY
from ent.policy.hardening.headers import EDITING_CONTENT_SECURITY_POLICY
from ent.policy.hardening.redirects import is_on_site
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from selenium.webdriver.common.by import By
from support.browser import chromium_driver
from support.instance_process import free_port
from support.instance_process import Instance

import http.client
import pytest
import requests
import time


JSON = {"Accept": "application/json"}
ADMIN = ("admin", "admin-password-for-tests")
ALWAYS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("headers")
    instance = Instance(
        project, folder / "var", free_port(), ENT_ADMIN_PASSWORD=ADMIN[1], ENT_DEMO="0", ENT_TRUSTED_PROXY="127.0.0.1"
    )
    instance.start()
    yield instance
    instance.stop()


def check_headers(response, https=False):
    for name in ALWAYS:
        assert name in response.headers, (
            f"{name} missing on {response.request.method} {response.url} ({response.status_code})"
        )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert ("Strict-Transport-Security" in response.headers) is https


class TestEveryResponse:
    @pytest.mark.parametrize(
        "path, headers, status",
        [
            ("", {}, 200),  # a page
            ("/login", {}, 200),
            ("", JSON, 200),  # REST
            ("/++api++", {}, 200),
            ("/no-such-page", {}, 404),  # errors
            ("/no-such-page", JSON, 404),
            ("/@controlpanels", JSON, 401),
            ("/@@overview-controlpanel", {}, 302),  # anonymous: sent to the log-in page
            ("/++theme++ent/css/ent.css", {}, 200),  # resources
            ("/++plone++static/plone-fontello/css/plone-fontello.css", {}, None),
            ("/favicon.ico", {}, None),
        ],
    )
    def test_anonymous(self, instance, path, headers, status):
        response = requests.get(f"{instance.url}{path}", headers=headers, allow_redirects=False, timeout=30)
        if status is not None:
            assert response.status_code == status
        check_headers(response)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY

    def test_logged_in_rest_and_pages(self, instance):
        for path, headers in (("", JSON), ("/@@overview-controlpanel", {}), ("/@users", JSON)):
            response = requests.get(f"{instance.url}{path}", headers=headers, auth=ADMIN, timeout=30)
            assert response.status_code == 200
            check_headers(response)
            # Plone's folder contents needs eval: for logged-in people only.
            assert response.headers["Content-Security-Policy"] == EDITING_CONTENT_SECURITY_POLICY

    def test_post_and_redirect(self, instance):
        response = requests.post(
            f"{instance.url}/@login", json={"login": "admin", "password": "wrong"}, headers=JSON, timeout=30
        )
        assert response.status_code == 401
        check_headers(response)

    def test_hsts_over_https_only(self, instance):
        """The instance trusts X-Forwarded-Proto from 127.0.0.1 (ENT_TRUSTED_PROXY), as
        from the HTTPS proxy in front of it."""
        plain = requests.get(instance.url, timeout=30)
        check_headers(plain, https=False)
        proxied = requests.get(instance.url, headers={"X-Forwarded-Proto": "https"}, timeout=30)
        check_headers(proxied, https=True)
        assert "max-age=" in proxied.headers["Strict-Transport-Security"]
        # From any other address the header is dropped by waitress: no HSTS.
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30, source_address=("127.0.0.2", 0))
        try:
            connection.request("GET", f"/{instance.url.rsplit('/', 1)[1]}", headers={"X-Forwarded-Proto": "https"})
            forged = connection.getresponse()
            assert forged.status == 200 and forged.getheader("X-Content-Type-Options") == "nosniff"
            assert forged.getheader("Strict-Transport-Security") is None
        finally:
            connection.close()


def test_trusted_proxy_setting(project):
    from ent.server import settings as settings_module

    assert settings_module.load({}, project).trusted_proxy is None
    assert settings_module.load({"ENT_TRUSTED_PROXY": "10.0.0.2"}, project).trusted_proxy == "10.0.0.2"
    with pytest.raises(settings_module.SettingsError, match="ENT_TRUSTED_PROXY='proxy.example'"):
        settings_module.load({"ENT_TRUSTED_PROXY": "proxy.example"}, project)
    assert (
        settings_module.load({"ENT_TRUSTED_PROXY": " 0:0::1 "}, project).trusted_proxy == "::1"
    )  # as waitress sees it
    # The log-in throttle's former setting is refused, not silently ignored.
    with pytest.raises(settings_module.SettingsError, match="ENT_TRUSTED_PROXIES is no longer read"):
        settings_module.load({"ENT_TRUSTED_PROXIES": "10.0.0.2"}, project)


def test_waitress_is_given_the_proxy(project):
    from ent.server import settings as settings_module
    from ent.server.commands.instance import proxy_settings
    from waitress.adjustments import Adjustments

    assert proxy_settings(settings_module.load({}, project)) == {}
    given = proxy_settings(settings_module.load({"ENT_TRUSTED_PROXY": "10.0.0.2"}, project))
    adjustments = Adjustments(**given)  # waitress accepts them as they are
    assert adjustments.trusted_proxy == "10.0.0.2" and adjustments.trusted_proxy_count == 1
    assert adjustments.trusted_proxy_headers == {"x-forwarded-proto", "x-forwarded-for"}


class TestFunctionalLayer:
    """Where the other tests run: Zope without our WSGI pipeline."""

    def test_headers(self, functional_portal):
        url = functional_portal.absolute_url()
        for path, headers, auth in (
            ("", {}, None),
            ("", JSON, None),
            ("/nothing-here", {}, None),
            ("/@users", JSON, (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)),
        ):
            response = requests.get(f"{url}{path}", headers=headers, auth=auth, timeout=30)
            check_headers(response)
            policy = EDITING_CONTENT_SECURITY_POLICY if auth else CONTENT_SECURITY_POLICY
            assert response.headers["Content-Security-Policy"] == policy


EVIL = [
    "https://evil.example/ent",
    "https://evil.example/ent/colleges",
    "//evil.example/ent",
    "/\\evil.example/ent",
    "\\\\evil.example",
    "javascript:alert(1)",
    "javascript://%0aalert(1)/ent/colleges",
    "http:evil.example",
    " https://evil.example/",
    "https://evil.example@127.0.0.1/ent",  # its host is 127.0.0.1 (without the port): refused too
]


class TestCameFrom:
    @pytest.mark.parametrize("came_from", EVIL)
    def test_form_login_stays_on_the_site(self, instance, came_from):
        session = requests.Session()
        response = session.post(
            f"{instance.url}/login",
            data={"__ac_name": "admin", "__ac_password": ADMIN[1], "buttons.login": "Se connecter", "came_from": came_from},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert response.status_code in (301, 302, 303, 307, 308)
        location = response.headers["Location"]
        assert location.startswith(f"http://127.0.0.1:{instance.port}/"), location
        assert "evil" not in location and "javascript" not in location
        check_headers(response)

    def test_a_deep_link_on_the_site_is_kept(self, instance):
        came_from = f"{instance.url}/colleges"
        session = requests.Session()
        response = session.post(
            f"{instance.url}/login",
            data={"__ac_name": "admin", "__ac_password": ADMIN[1], "buttons.login": "Se connecter", "came_from": came_from},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert response.headers["Location"] == came_from

    @pytest.mark.parametrize("url", EVIL)
    def test_check(self, url):
        assert not is_on_site(url, "http://127.0.0.1:8080")

    @pytest.mark.parametrize("url", ["/ent/colleges", "http://127.0.0.1:8080/ent", "HTTP://127.0.0.1:8080/ent?x=1#y"])
    def test_check_accepts_the_site(self, url):
        assert is_on_site(url, "http://127.0.0.1:8080")


@pytest.fixture
def chromium():
    """Headless Chromium that keeps the console's messages (CSP violations are there)."""
    with chromium_driver(console=True) as driver:
        yield driver


def csp_violations(driver):
    """What the console said about the policy (Chromium cuts long messages in the middle)."""
    signs = ("Content Security Policy", "Content-Security-Policy", "violates the", "EvalError", "Refused to")
    return [entry["message"] for entry in driver.get_log("browser") if any(sign in entry["message"] for sign in signs)]


class TestPlonePagesUnderThePolicy:
    def test_home_edit_form_and_login_as_admin(self, instance, chromium):
        document = requests.post(
            instance.url, json={"@type": "Document", "id": "page-csp", "title": "Page", "text": {"data": "<p>Texte</p>", "content-type": "text/html"}},
            headers=JSON, auth=ADMIN, timeout=30,
        )  # fmt: skip
        assert document.status_code == 201, document.text
        chromium.get(f"{instance.url}/login")
        time.sleep(1)
        violations = csp_violations(chromium)
        chromium.find_element(By.ID, "__ac_name").send_keys("admin")
        chromium.find_element(By.ID, "__ac_password").send_keys(ADMIN[1])
        chromium.find_element(
            By.CSS_SELECTOR, "#login-form button[type=submit], #login-form input[type=submit]"
        ).click()
        time.sleep(2)
        assert "__ac" in {cookie["name"] for cookie in chromium.get_cookies()}
        for path, started in (
            ("", "#portal-personaltools, .personaltools-wrapper"),
            ("/page-csp/edit", ".tox-tinymce"),
            ("/colleges/folder_contents", ".pat-structure table"),
        ):
            chromium.get(f"{instance.url}{path}")
            time.sleep(4)  # patterns, TinyMCE and the structure pattern load after the page
            violations += csp_violations(chromium)
            assert chromium.find_elements(By.CSS_SELECTOR, started), f"{path}: {started} not there; {violations}"
        assert violations == []
