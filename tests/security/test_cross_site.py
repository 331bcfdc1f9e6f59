"""Requests another site's page makes a browser send are refused (docs/security.md).

A form of evil.example posted with the person's cookie or remembered Basic credentials:
refused by its Origin (403) on every path; and the REST services that turn plone.protect's
token off read only a JSON body, which no cross-site form can send (text/plain bodies that
look like JSON included)."""

from ent.policy.hardening.origin import from_another_site
from ent.policy.hardening.origin import host_of
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import pytest
import requests


AUTH = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
JSON = {"Accept": "application/json"}


class Request(dict):
    def __init__(self, method, origin, server_url="http://ent.example:8080"):
        super().__init__(REQUEST_METHOD=method, SERVER_URL=server_url)
        self.origin = origin

    def getHeader(self, name):
        return self.origin if name == "Origin" else None


@pytest.mark.parametrize(
    "url, host",
    [
        ("https://ent.example", "ent.example"),
        ("https://ENT.example:443", "ent.example"),
        ("http://ent.example:80/", "ent.example"),
        ("http://ent.example:8080", "ent.example:8080"),
        ("http://[::1]:8080", "[::1]:8080"),
        ("null", ""),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


def test_which_requests_come_from_another_site():
    assert from_another_site(Request("POST", "https://evil.example"))
    assert from_another_site(Request("DELETE", "null"))
    assert from_another_site(Request("PATCH", "http://ent.example.evil.example:8080"))
    assert not from_another_site(Request("POST", "http://ent.example:8080"))
    # Behind a TLS proxy Zope may see http where the browser says https: the host decides.
    assert not from_another_site(Request("POST", "https://ent.example", server_url="http://ent.example"))
    assert not from_another_site(Request("POST", None))  # curl, the ENT's commands
    assert not from_another_site(Request("GET", "https://evil.example"))  # reading changes nothing


def test_a_form_of_another_site_is_refused_on_every_path(functional_portal):
    url = functional_portal.absolute_url()
    evil = {**JSON, "Origin": "https://evil.example"}
    for path in ("@cases-purge", "@gdpr-purge", "@notifications", "@@gdpr-admin", "login"):
        answer = requests.post(f"{url}/{path}", data={"dry_run": "0"}, headers=evil, auth=AUTH, timeout=60)
        assert answer.status_code == 403, (path, answer.status_code, answer.text[:200])
    own = {**JSON, "Origin": url.rsplit("/", 1)[0]}
    answer = requests.post(f"{url}/@cases-purge", json={"dry_run": True}, headers=own, auth=AUTH, timeout=60)
    assert answer.status_code == 200 and answer.json()["dry_run"] is True, answer.text


@pytest.mark.parametrize("service", ["@gdpr-purge", "@cases-purge"])
def test_a_purge_reads_only_a_json_body(functional_portal, service):
    url = f"{functional_portal.absolute_url()}/{service}"
    form = requests.post(url, data={"dry_run": "0", "retention_days": "0"}, headers=JSON, auth=AUTH, timeout=60)
    assert form.status_code == 400 and "JSON" in form.text, form.text
    # A text/plain form can carry a body that parses as JSON: refused all the same.
    plain = requests.post(
        url,
        data=b'{"dry_run": false, "retention_days": 0, "x": "="}',
        headers={**JSON, "Content-Type": "text/plain"},
        auth=AUTH,
        timeout=60,
    )
    assert plain.status_code == 400, plain.text
    answer = requests.post(url, json={"dry_run": True}, headers=JSON, auth=AUTH, timeout=60)
    assert answer.status_code == 200 and answer.json()["dry_run"] is True, answer.text
