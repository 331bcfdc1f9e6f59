"""Identity federation through the real stack: `make run` with its local slapd and the demo
directory of docs/domain.md; logins by form and REST; injection; the directory going down."""

from support.directory_server import BASE
from support.directory_server import start_directory
from support.instance_process import free_port
from support.instance_process import Instance
from support.logins import form_login
from support.logins import rest_login

import pytest
import requests
import subprocess
import time


JSON = {"Accept": "application/json"}
DEMO = "demo-password-for-tests"


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("directory")
    instance = Instance(
        project,
        folder / "var",
        free_port(),
        ENT_DEMO_PASSWORD=DEMO,
        ENT_ADMIN_PASSWORD="admin-password-for-tests",
        ENT_LDAP_SEARCH_LIMIT=4,
    )
    instance.start()
    yield instance
    instance.stop()


def slapd_pid(instance):
    return int((instance.var / "ldap" / "slapd.pid").read_text().strip())


class TestAudienceWithTheDirectory:
    """The demo's items reach the directory's people through the directory's groups alone."""

    def feed(self, instance, login, **params):
        token = rest_login(instance, login, DEMO).json()["token"]
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        response = requests.get(f"{instance.url}/@my-feed", params=params, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    def test_a_parent(self, instance):
        titles = self.feed(instance, "0310001h.parent")
        for title in (
            "Bienvenue sur l'ENT du Département",
            "Transports scolaires : les horaires d'hiver",
            "Travaux de printemps dans deux collèges",
            "Réunion parents-professeurs",
            "Sortie au musée reportée",
        ):
            assert title in titles
        assert "Conseil pédagogique" not in titles and "Formation : l'ENT en classe" not in titles

    def test_a_teacher(self, instance):
        titles = self.feed(instance, "0310003k.teacher")
        assert "Formation : l'ENT en classe" in titles and "Conseil pédagogique" in titles
        assert "Transports scolaires : les horaires d'hiver" not in titles

    def test_a_parent_of_a_school_without_a_broadcast(self, instance):
        titles = self.feed(instance, "0310005m.parent")
        assert "Transports scolaires : les horaires d'hiver" in titles
        assert "Travaux de printemps dans deux collèges" not in titles and "Réunion parents-professeurs" not in titles

    def test_the_banner_of_a_school_for_its_parents(self, instance):
        session, _ = form_login(instance, "0310001h.parent", DEMO)
        assert "Sortie au musée reportée" in session.get(f"{instance.url}/colleges/0310001h", timeout=30).text
        teacher, _ = form_login(instance, "0310001h.teacher", DEMO)
        assert "Sortie au musée reportée" not in teacher.get(f"{instance.url}/colleges/0310001h", timeout=30).text
        assert "Sortie au musée reportée" not in requests.get(f"{instance.url}/colleges/0310001h", timeout=30).text


class TestLogin:
    @pytest.mark.parametrize("login", ["0310001h.parent", "0310003k.teacher", "county.agent", "county.admin"])
    def test_rest_login_gives_a_usable_token(self, instance, login):
        response = rest_login(instance, login, DEMO)
        assert response.status_code == 200, response.text
        token = response.json()["token"]
        me = requests.get(
            f"{instance.url}/@users/{login}", headers={**JSON, "Authorization": f"Bearer {token}"}, timeout=30
        )
        assert me.status_code == 200
        assert me.json()["email"] == f"{login}@ent.example"

    def test_groups_come_from_the_directory(self, instance):
        token = rest_login(instance, "0310001h.principal", DEMO).json()["token"]
        me = requests.get(
            f"{instance.url}/@users/0310001h.principal",
            headers={**JSON, "Authorization": f"Bearer {token}"},
            timeout=30,
        )
        groups = {group["id"] for group in me.json()["groups"]["items"]}
        assert {"0310001h-editors", "0310001h-principal", "all-principal"} <= groups

    def test_local_roles_apply_to_directory_groups(self, instance):
        token = rest_login(instance, "0310001h.principal", DEMO).json()["token"]
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        own = requests.patch(
            f"{instance.url}/colleges/0310001h", json={"description": "Bienvenue"}, headers=headers, timeout=30
        )
        other = requests.patch(
            f"{instance.url}/colleges/0310003k", json={"description": "x"}, headers=headers, timeout=30
        )
        assert own.status_code == 204
        assert other.status_code in (401, 403)

    def test_form_login(self, instance):
        session, response = form_login(instance, "0310001h.parent", DEMO)
        assert response.status_code == 200
        assert "__ac" in session.cookies
        assert "Responsables légaux" in session.get(instance.url, timeout=30).text  # the user's full name in the header

    def test_wrong_password_and_unknown_account_answer_alike(self, instance):
        wrong = rest_login(instance, "0310001h.parent", "not-the-password")
        unknown = rest_login(instance, "nobody.here", "not-the-password")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()


class TestInjection:
    @pytest.mark.parametrize(
        "login", ["*", ")(uid=*", "0310001h.parent)(uid=*", "*)(|(uid=*", "a\x00b", "0310001h.*", "(uid=*)"]
    )
    def test_rest(self, instance, login):
        response = rest_login(instance, login, DEMO)
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "Invalid credentials"

    @pytest.mark.parametrize("login", ["*", ")(uid=*", "a\x00b"])
    def test_form(self, instance, login):
        session, response = form_login(instance, login, DEMO)
        assert response.status_code == 200
        assert "__ac" not in session.cookies
        assert "Login failed" in response.text or "Échec" in response.text or "échoué" in response.text

    @pytest.mark.parametrize("query, count", [("*", 0), ("ab", 0), ("*)(uid=*", 0), ("0310001h", 4), ("county", 2)])
    def test_user_search_is_bounded(self, instance, query, count):
        """ENT_LDAP_SEARCH_LIMIT is 4 here: 6 accounts start with 0310001h, 4 come back."""
        auth = ("admin", "admin-password-for-tests")
        found = requests.get(f"{instance.url}/@users", params={"query": query}, headers=JSON, auth=auth, timeout=30)
        assert found.status_code == 200
        body = found.json()
        users = body["items"] if isinstance(body, dict) else body
        ids = [user["id"] for user in users if user["id"] != "admin"]
        assert len(ids) == count
        assert all(query in uid for uid in ids)

    def test_sharing_search_needs_three_characters(self, instance):
        auth = ("admin", "admin-password-for-tests")
        short = requests.get(
            f"{instance.url}/colleges/0310001h/@sharing", params={"search": "03"}, headers=JSON, auth=auth, timeout=30
        )
        users = [entry for entry in short.json()["entries"] if entry["type"] == "user"]
        assert users == []


class TestCaching:
    def test_a_logged_in_page_asks_the_directory_nothing_once_warm(self, instance):
        from ent.policy.directory.shape import Shape
        from ent.server.services.slapd import LocalDirectory

        folder = instance.var / "ldap"
        port = int((folder / "uri").read_text().strip().rsplit(":", 1)[1])
        server = LocalDirectory(
            folder, port, Shape.from_base("dc=ent,dc=local"), (folder / "manager-password").read_text().strip()
        )
        session, _ = form_login(instance, "0310003k.teacher", DEMO)
        pages = [f"{instance.url}/colleges/0310003k", f"{instance.url}/colleges/0310003k/actualites"]
        for url in pages * 2:  # warm every cache
            assert session.get(url, timeout=30).status_code == 200
        before = server.searches()
        for url in pages * 3:
            response = session.get(url, timeout=30)
            assert response.status_code == 200
            assert "Enseignants" in response.text  # the user's name: the page is a logged-in one
        searches = server.searches() - before - 1  # less the count itself
        assert searches <= len(pages) * 3, "more than one directory search per page"
        assert searches == 0


class TestSecrets:
    def test_bind_password_is_nowhere_in_the_data_or_logs(self, instance):
        password = (instance.var / "ldap" / "manager-password").read_text().strip()
        assert password
        for path in ("filestorage/Data.fs", "log/event.log", "log/access.log"):
            assert password.encode() not in (instance.var / path).read_bytes(), path

    def test_bind_password_is_not_served(self, instance):
        password = (instance.var / "ldap" / "manager-password").read_text().strip()
        auth = ("admin", "admin-password-for-tests")
        for path in (
            "/@controlpanels",
            "/acl_users/ent-directory/manage_ldapplugin",
            "/@users/0310001h.parent",
            "/@groups/0310001h-parent",
        ):
            response = requests.get(f"{instance.url}{path}", headers=JSON, auth=auth, timeout=30)
            assert password not in response.text, path


class TestProvisioning:
    """`ent-directory import` against the instance's local directory, while it serves."""

    def ent_directory(self, project, instance, *args, **env):
        return subprocess.run(
            [str(project / ".venv/bin/ent-directory"), "import", *args],
            cwd=project, env={**instance.env, **env}, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    def test_import_then_log_in(self, project, instance, tmp_path):
        people = tmp_path / "people.csv"
        people.write_text(
            "id,last_name,first_name,email,profile,uais,children\n"
            "nina.petit,Petit,Nina,nina@example.org,teacher,0310001H|0310003K,\n"
            "bad row,Petit,Nina,,teacher,0310001H,\n",
            encoding="utf-8",
        )
        dry = self.ent_directory(project, instance, str(people), "--dry-run", "--full")
        assert dry.returncode == 1, dry.stderr
        assert dry.stdout.startswith("dry run: would have created 1, updated 0, deactivated ")
        assert "line 3: bad row: id='bad row' is not a login" in dry.stdout
        result = self.ent_directory(
            project, instance, str(people), "--password-env", "NEW_PASSWORD", NEW_PASSWORD="first-password-1"
        )
        assert result.returncode == 1, result.stderr
        assert result.stdout.splitlines()[0] == "created 1, updated 0, deactivated 0, rejected 1 (unchanged 0)"
        token = rest_login(instance, "nina.petit", "first-password-1").json()["token"]
        me = requests.get(
            f"{instance.url}/@users/nina.petit", headers={**JSON, "Authorization": f"Bearer {token}"}, timeout=30
        )
        groups = {group["id"] for group in me.json()["groups"]["items"]}
        assert {"0310001h-teacher", "0310003k-teacher", "all-teacher"} <= groups

    def test_deactivated_account_cannot_log_in(self, instance):
        from ent.policy.directory.shape import DEACTIVATED

        import ldap

        folder = instance.var / "ldap"
        connection = ldap.initialize((folder / "uri").read_text().strip())
        connection.simple_bind_s("cn=admin,dc=ent,dc=local", (folder / "manager-password").read_text().strip())
        connection.modify_s(
            "uid=0310005m.parent,ou=people,dc=ent,dc=local", [(ldap.MOD_REPLACE, "description", [DEACTIVATED.encode()])]
        )
        assert rest_login(instance, "0310005m.parent", DEMO).status_code == 401
        assert rest_login(instance, "0310005m.teacher", DEMO).status_code == 200


class TestDirectoryDown:
    """Runs last: hangs the instance's slapd, then stops it, and brings it back each time."""

    def test_hung_then_back(self, instance):
        pid = slapd_pid(instance)
        subprocess.run(["kill", "-STOP", str(pid)], check=True)
        try:
            assert requests.get(instance.url, timeout=10).status_code == 200
            started = time.monotonic()
            response = rest_login(instance, "0310005m.student", DEMO, timeout=10)
            assert time.monotonic() - started < 3
            assert response.status_code == 503
            # Within the retry pause, the next one does not wait at all.
            started = time.monotonic()
            assert rest_login(instance, "0310005m.staff", DEMO, timeout=10).status_code == 503
            assert time.monotonic() - started < 1
        finally:
            subprocess.run(["kill", "-CONT", str(pid)], check=True)
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and rest_login(instance, "0310005m.student", DEMO, timeout=10).status_code != 200
        ):
            time.sleep(1)
        assert rest_login(instance, "0310005m.student", DEMO, timeout=10).status_code == 200

    def test_down_then_back(self, instance):
        pid = slapd_pid(instance)
        args = (instance.var / "ldap" / "slapd.args").read_text().split()
        subprocess.run(["kill", "-TERM", str(pid)], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                subprocess.run(["kill", "-0", str(pid)], check=True, capture_output=True)
                time.sleep(0.1)
            except subprocess.CalledProcessError:
                break
        try:
            # Anonymous pages keep working.
            assert requests.get(instance.url, timeout=10).status_code == 200
            assert requests.get(f"{instance.url}/colleges/0310001h", timeout=10).status_code == 200
            # A directory user is told the directory is unavailable, quickly.
            # (Accounts not used above: PAS keeps a successful log-in for a minute.)
            started = time.monotonic()
            response = rest_login(instance, "0310003k.parent", DEMO, timeout=10)
            assert time.monotonic() - started < 3
            assert response.status_code == 503
            assert response.json()["error"]["type"] == "Directory unavailable"
            session, page = form_login(instance, "0310003k.student", DEMO)
            assert "annuaire est momentanément indisponible" in page.text
            assert "__ac" not in session.cookies
            # The local admin still logs in.
            assert rest_login(instance, "admin", "admin-password-for-tests", timeout=10).status_code == 200
        finally:
            subprocess.run(args, check=True)  # slapd -f … -h …: the same server again
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if rest_login(instance, "0310001h.parent", DEMO, timeout=10).status_code == 200:
                break
            time.sleep(1)
        assert rest_login(instance, "0310001h.parent", DEMO, timeout=10).status_code == 200


@pytest.fixture
def directory_plugin(tmp_path, monkeypatch):
    """The ENT's plugin outside a site, on a private slapd (no cache: a tree per call)."""
    from ent.policy.directory import plugin
    from ent.policy.directory.config import reset_config
    from zope.component import getGlobalSiteManager

    server = start_directory(tmp_path / "ldap")
    monkeypatch.setenv("ENT_LDAP_URI", server.uri)
    monkeypatch.setenv("ENT_LDAP_BIND_DN", server.manager_dn)
    monkeypatch.setenv("ENT_LDAP_BIND_PASSWORD", server.manager_password)
    monkeypatch.setenv("ENT_LDAP_BASE", BASE)
    reset_config()
    registry = getGlobalSiteManager()
    factories = (plugin.EnvironmentProps, plugin.EnvironmentUsersConfig, plugin.EnvironmentGroupsConfig)
    for factory in factories:
        registry.registerAdapter(factory)
    yield server, plugin.EntDirectoryPlugin(plugin.PLUGIN_ID)
    plugin.HEALTH.reset()
    for factory in factories:
        registry.unregisterAdapter(factory)
    server.stop()
    reset_config()


class TestRetryAfterAnOutage:
    """After an outage the plugin leaves the directory alone for RETRY_AFTER (3 s), no longer."""

    def test_asked_again_after_retry_after(self, directory_plugin):
        from ent.policy.directory.plugin import RETRY_AFTER

        server, plugin = directory_plugin
        account = "0310001h.parent"
        assert plugin.account_active(account) is True
        server.stop()
        started = time.monotonic()
        assert plugin.account_active(account) is None  # cannot tell: the directory is down
        failed = time.monotonic()
        assert failed - started < 1
        server.start()
        # Back, but within the pause: not asked.
        assert plugin.account_active(account) is None
        time.sleep(max(0, started + RETRY_AFTER - 0.5 - time.monotonic()))
        assert plugin.account_active(account) is None
        # Right after the pause: asked again.
        time.sleep(max(0, failed + RETRY_AFTER + 0.1 - time.monotonic()))
        assert plugin.account_active(account) is True

    def test_pas_plugins_ldap_pause_never_applies(self):
        """pas.plugins.ldap's own pause (300 s unless PAS_PLUGINS_LDAP_ERROR_LOG_TIMEOUT) lives in
        the methods its `ldap_error_handler` wraps: the ENT's plugin replaces each of them."""
        from ent.policy.directory.plugin import EntDirectoryPlugin
        from pas.plugins.ldap.plugin import LDAPPlugin

        import inspect

        wrapped = {
            name: attribute
            for name, attribute in vars(LDAPPlugin).items()
            if "ldap_error_handler" in getattr(getattr(attribute, "fget", attribute), "__qualname__", "")
        }
        assert {"users", "groups", "authenticateCredentials", "enumerateUsers"} <= set(wrapped)
        for name, attribute in wrapped.items():
            assert inspect.getattr_static(EntDirectoryPlugin, name) is not attribute, name
