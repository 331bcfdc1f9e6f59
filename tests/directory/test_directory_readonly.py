"""The County directory is read-only from the portal: `make run` with its real slapd.

Every attempt (REST as the person, REST as the admin, the account pages, the forgotten
password) is followed by a look at the LDAP entry itself: it must not have changed. A
forgotten-password request is also followed by a look at what Plone mailed (its MailHost
sends to an SMTP server of the test) and at its reset tool's requests (in the database).
"""

from plone import api
from support.instance_process import free_port
from support.instance_process import Instance
from support.smtp_server import SmtpServer
from ZODB.FileStorage import FileStorage

import html
import ldap
import pytest
import re
import requests
import time
import transaction
import ZODB


JSON = {"Accept": "application/json"}
DEMO = "demo-password-for-tests"
ADMIN = ("admin", "admin-password-for-tests")
ACCOUNT_URL = "https://compte.haute-garonne.example/"
PARENT = "0310001h.parent"
PARENT_EMAIL = f"{PARENT}@ent.example"
LOCAL = "local.forgetful"
LOCAL_EMAIL = "forgetful@example.org"


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("readonly")
    instance = Instance(
        project,
        folder / "var",
        free_port(),
        ENT_DEMO_PASSWORD=DEMO,
        ENT_ADMIN_PASSWORD=ADMIN[1],
        ENT_ACCOUNT_URL=ACCOUNT_URL,
    )
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def plone_mail(instance):
    """Plone's own mail (the forgotten-password mail, through its MailHost) goes to an SMTP
    server of the test; a local account (Plone's) that may ask for that mail."""
    smtp = SmtpServer().start()
    settings = {
        "plone.smtp_host": "127.0.0.1",
        "plone.smtp_port": smtp.port,
        "plone.email_from_address": "ent@example.org",
        "plone.email_from_name": "ENT",
    }
    response = requests.patch(f"{instance.url}/@registry", json=settings, headers=JSON, auth=ADMIN, timeout=30)
    assert response.status_code == 204, response.text
    created = requests.post(
        f"{instance.url}/@users",
        json={"username": LOCAL, "email": LOCAL_EMAIL, "password": "local-password-1"},
        headers=JSON, auth=ADMIN, timeout=30,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    yield smtp
    smtp.stop()


def mailed_to(instance, smtp, address):
    """Plone's mails to `address` so far: read once a forgotten-password mail asked for a
    local account afterwards has arrived (Plone sends at commit, in order)."""
    before = len(smtp.to(LOCAL_EMAIL))
    requests.post(f"{instance.url}/mail_password", data={"userid": LOCAL}, timeout=30)
    deadline = time.monotonic() + 30
    while len(smtp.to(LOCAL_EMAIL)) == before:
        assert time.monotonic() < deadline, "the local account's forgotten-password mail did not arrive"
        time.sleep(0.1)
    return smtp.to(address)


def reset_requests(instance):
    """The user ids Plone's reset tool (portal_password_reset) holds a request for, read
    from the instance's database."""
    db = ZODB.DB(FileStorage(str(instance.var / "filestorage" / "Data.fs"), read_only=True))
    try:
        connection = db.open()
        site = connection.root()["Application"][instance.url.rsplit("/", 1)[-1]]
        return [userid for userid, _expiry in site["portal_password_reset"]._requests.values()]
    finally:
        db.close()


def entry(instance, login):
    """The person's LDAP entry as slapd holds it (attributes and their values)."""
    folder = instance.var / "ldap"
    connection = ldap.initialize((folder / "uri").read_text().strip())
    connection.simple_bind_s("cn=admin,dc=ent,dc=local", (folder / "manager-password").read_text().strip())
    try:
        [(dn, attributes)] = connection.search_s(f"uid={login},ou=people,dc=ent,dc=local", ldap.SCOPE_BASE)
    finally:
        connection.unbind_s()
    return attributes


def token(instance, login, password=DEMO):
    response = requests.post(
        f"{instance.url}/@login", json={"login": login, "password": password}, headers=JSON, timeout=30
    )
    return response


def bearer(instance, login):
    response = token(instance, login)
    assert response.status_code == 200, response.text
    return {**JSON, "Authorization": f"Bearer {response.json()['token']}"}


def form_session(instance, login):
    session = requests.Session()
    session.post(
        f"{instance.url}/login",
        data={"__ac_name": login, "__ac_password": DEMO, "buttons.login": "Se connecter", "came_from": ""},
        timeout=30,
    )
    assert "__ac" in session.cookies
    return session


class TestRest:
    @pytest.mark.parametrize(
        "change",
        [
            {"fullname": "Pirate"},
            {"email": "pirate@evil.example"},
            {"profile": "county"},
            {"fullname": "Pirate", "description": "x"},
        ],
    )
    def test_the_person_cannot_change_their_directory_fields(self, instance, change):
        before = entry(instance, PARENT)
        response = requests.patch(
            f"{instance.url}/@users/{PARENT}", json=change, headers=bearer(instance, PARENT), timeout=30
        )
        assert response.status_code == 403
        assert "annuaire du Département" in response.json()["message"]
        assert ACCOUNT_URL in response.json()["message"]
        assert entry(instance, PARENT) == before
        me = requests.get(f"{instance.url}/@users/{PARENT}", headers=bearer(instance, PARENT), timeout=30).json()
        assert me.get("description") in (None, "")  # nothing of the request was kept

    @pytest.mark.parametrize(
        "change", [{"fullname": "Pirate"}, {"email": "pirate@evil.example"}, {"password": "new-password-123"}]
    )
    def test_the_admin_cannot_either(self, instance, change):
        login = "0310001h.teacher"
        before = entry(instance, login)
        response = requests.patch(f"{instance.url}/@users/{login}", json=change, headers=JSON, auth=ADMIN, timeout=30)
        assert response.status_code == 403
        assert "annuaire du Département" in response.json()["message"]
        assert entry(instance, login) == before
        assert token(instance, login).status_code == 200
        assert token(instance, login, "new-password-123").status_code == 401

    def test_password_with_the_old_one(self, instance):
        before = entry(instance, PARENT)
        response = requests.post(
            f"{instance.url}/@users/{PARENT}/reset-password",
            json={"old_password": DEMO, "new_password": "new-password-123"},
            headers=bearer(instance, PARENT), timeout=30,
        )  # fmt: skip
        assert response.status_code == 403
        assert ACCOUNT_URL in response.json()["error"]["message"]
        assert entry(instance, PARENT) == before
        assert token(instance, PARENT).status_code == 200

    def test_no_forgotten_password_mail(self, instance, plone_mail):
        response = requests.post(f"{instance.url}/@users/{PARENT}/reset-password", json={}, headers=JSON, timeout=30)
        assert response.status_code == 403
        assert ACCOUNT_URL in response.json()["error"]["message"]
        assert mailed_to(instance, plone_mail, PARENT_EMAIL) == []
        assert PARENT not in reset_requests(instance)

    def test_a_local_account_still_changes(self, instance):
        """Plone's own accounts (created by the admin) are not the directory's."""
        created = requests.post(
            f"{instance.url}/@users",
            json={"username": "local.helper", "email": "helper@example.org", "password": "local-password-1", "fullname": "Aide locale"},
            headers=JSON, auth=ADMIN, timeout=30,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        changed = requests.patch(
            f"{instance.url}/@users/local.helper", json={"fullname": "Aide du CDI", "password": "local-password-2"},
            headers=JSON, auth=ADMIN, timeout=30,
        )  # fmt: skip
        assert changed.status_code == 204, changed.text
        assert (
            requests.get(f"{instance.url}/@users/local.helper", headers=JSON, auth=ADMIN, timeout=30).json()["fullname"]
            == "Aide du CDI"
        )
        assert token(instance, "local.helper", "local-password-2").status_code == 200


class TestPages:
    def test_personal_information_is_read_only(self, instance):
        session = form_session(instance, PARENT)
        page = session.get(f"{instance.url}/@@personal-information", timeout=30)
        assert page.status_code == 200
        assert "Responsables légaux" in page.text and f"{PARENT}@ent.example" in page.text
        assert f'href="{ACCOUNT_URL}"' in page.text
        assert 'name="form.widgets.fullname"' not in page.text and 'name="form.widgets.email"' not in page.text

    def test_forged_form_changes_nothing(self, instance):
        session = form_session(instance, PARENT)
        before = entry(instance, PARENT)
        session.post(
            f"{instance.url}/@@personal-information",
            data={
                "form.widgets.fullname": "Pirate",
                "form.widgets.email": "pirate@evil.example",
                "form.buttons.save": "Enregistrer",
            },
            timeout=30,
        )
        assert entry(instance, PARENT) == before

    def test_change_password_page_links_to_the_account_service(self, instance):
        session = form_session(instance, PARENT)
        page = session.get(f"{instance.url}/@@change-password", timeout=30)
        assert page.status_code == 200
        assert f'href="{ACCOUNT_URL}"' in page.text
        assert 'type="password"' not in page.text

    def test_login_help_goes_to_the_account_service(self, instance):
        response = requests.get(f"{instance.url}/@@login-help", allow_redirects=False, timeout=30)
        assert response.status_code in (301, 302, 303, 307)
        assert response.headers["Location"] == ACCOUNT_URL

    def test_mail_password_refused_for_a_directory_account(self, instance, plone_mail):
        before = entry(instance, PARENT)
        session = requests.Session()
        response = session.post(f"{instance.url}/mail_password", data={"userid": PARENT}, timeout=30)
        text = html.unescape(response.text)
        assert "Le mot de passe d'un compte de l'annuaire du Département ne se change pas" in text
        assert f"adressez-vous au service de compte du Département, {ACCOUNT_URL}" in text
        assert entry(instance, PARENT) == before
        assert mailed_to(instance, plone_mail, PARENT_EMAIL) == []
        assert PARENT not in reset_requests(instance)

    def test_a_local_account_still_gets_the_mail(self, instance, plone_mail):
        """What the two tests above compare with: the same request for a local account."""
        assert len(mailed_to(instance, plone_mail, LOCAL_EMAIL)) >= 1
        [mail] = mailed_to(instance, plone_mail, LOCAL_EMAIL)[-1:]
        assert "passwordreset/" in mail.get_body(("plain",)).get_content()
        assert LOCAL in reset_requests(instance)


class TestAccountUrlSetting:
    def test_http_and_https_only(self, project):
        from ent.server import settings as settings_module

        assert settings_module.load({"ENT_ACCOUNT_URL": ACCOUNT_URL}, project)
        for bad in ("javascript:alert(1)", "ftp://compte.example/", "compte.example", "https://"):
            with pytest.raises(settings_module.SettingsError, match="ENT_ACCOUNT_URL="):
                settings_module.load({"ENT_ACCOUNT_URL": bad}, project)


@pytest.fixture
def smtp_for_plone(functional_portal):
    """Plone's MailHost sends to an SMTP server of the test."""
    smtp = SmtpServer().start()
    settings = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "email_from_address": "ent@example.org"}
    for name, value in settings.items():
        api.portal.set_registry_record(f"plone.{name}", value)
    transaction.commit()
    yield smtp
    smtp.stop()


def test_login_help_without_an_account_service(functional_portal, smtp_for_plone, monkeypatch):
    """No ENT_ACCOUNT_URL: Plone's help page, for the site's own accounts; its answer (the
    same for every login) tells a directory person to ask the County's account service."""
    monkeypatch.delenv("ENT_ACCOUNT_URL", raising=False)
    url = f"{functional_portal.absolute_url()}/@@login-help"
    with api.env.adopt_roles(["Manager"]):
        api.user.create(email=LOCAL_EMAIL, username=LOCAL, password="local-password-1")
    transaction.commit()
    session = requests.Session()
    response = session.get(url, allow_redirects=False, timeout=30)
    assert response.status_code == 200
    assert 'name="form.widgets.reset_password"' in response.text
    answers = []
    for login in (LOCAL, "nobody.here"):
        answer = session.post(
            url, data={"form.widgets.reset_password": login, "form.buttons.reset": "x"}, timeout=30
        )  # fmt: skip
        assert answer.status_code == 200
        answers.append(re.sub(r"\s+", " ", re.sub(r'value="[0-9a-f]{40}"', "", answer.text)))  # not the token
        assert "adressez-vous au service de compte du Département" in answers[-1]
    assert answers[0] == answers[1].replace("nobody.here", LOCAL)  # nobody probes for accounts
    transaction.begin()  # see what the requests committed
    assert [userid for userid, _expiry in functional_portal.portal_password_reset._requests.values()] == [LOCAL]
    assert len(smtp_for_plone.to(LOCAL_EMAIL)) == 1
    assert len(smtp_for_plone.messages) == 1
