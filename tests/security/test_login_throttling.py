"""Throttling of failed log-ins (issue #9): per account and per address, slowed then locked
with a French message, lifted by an administrator, shared by every instance of a database."""

from support.instance_process import free_port
from support.instance_process import Instance
from support.logins import form_login
from support.logins import rest_login
from threading import Thread

import http.client
import json
import pytest
import requests
import time


JSON = {"Accept": "application/json"}
DEMO = "demo-password-for-tests"
ADMIN = ("admin", "admin-password-for-tests")
FRENCH = "Trop de tentatives de connexion échouées"


class TestRule:
    """The rule alone (ent.policy.logins.throttle), on plain numbers."""

    def test_slowed_then_locked_then_forgotten(self):
        from ent.policy.logins.throttle import after_failure
        from ent.policy.logins.throttle import wait_seconds

        record, now = None, 1000.0
        for _ in range(2):
            record = after_failure(record, now, 4, 60, 30)
        assert record == (2, 1000.0, 0.0)
        assert wait_seconds(record, now, 4, 60) == 1  # slowed after half the limit
        assert wait_seconds(record, now + 1, 4, 60) == 0
        record = after_failure(record, now + 1, 4, 60, 30)
        assert wait_seconds(record, now + 1, 4, 60) == 2
        record = after_failure(record, now + 3, 4, 60, 30)
        assert record == (4, 1003.0, 1033.0)  # locked for 30 s
        assert wait_seconds(record, now + 10, 4, 60) == 23
        assert wait_seconds(record, now + 33, 4, 60) == 0  # the lock ends
        assert after_failure(record, now + 40, 4, 60, 30) == (1, 1040.0, 0.0)  # and counts start again
        assert wait_seconds((3, 1000.0, 0.0), 1000.0 + 61, 4, 60) == 0  # old failures are forgotten

    @pytest.mark.parametrize(
        "environ, message",
        [
            ({"ENT_LOGIN_ACCOUNT_LIMIT": "ten"}, "ENT_LOGIN_ACCOUNT_LIMIT='ten' is not a whole number"),
            ({"ENT_LOGIN_LOCK_SECONDS": "0"}, "ENT_LOGIN_LOCK_SECONDS='0' is out of range"),
            ({"ENT_LOGIN_THROTTLE": "maybe"}, "ENT_LOGIN_THROTTLE='maybe' is not a yes/no value"),
        ],
    )
    def test_bad_settings_are_named(self, environ, message):
        from ent.policy.logins.config import LoginConfigError
        from ent.policy.logins.config import read_config

        with pytest.raises(LoginConfigError) as error:
            read_config(environ)
        assert str(error.value).startswith(message)


def caught_up(*dbs, seconds=10):
    """Wait until every ZEO client has received the invalidations of the last commit.

    A ZEO client learns of the others' commits asynchronously (its `sync()` does nothing):
    read too early, a client sees the state before another client's last commit."""
    deadline = time.monotonic() + seconds
    while len({db.lastTransaction() for db in dbs}) > 1:
        assert time.monotonic() < deadline, "a ZEO client did not receive the last commit"
        time.sleep(0.01)


@pytest.fixture
def two_instances(tmp_path):
    """Two ZODB clients of one ZEO server: what two instances on one database are."""
    from ent.policy.logins.config import reset_config

    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "Data.fs"))
    first, second = ZEO.DB(address), ZEO.DB(address)
    yield first, second
    first.close()
    second.close()
    stop()
    reset_config()


def new_request(address):
    """A request of its own from `address`, as the publisher makes one per HTTP request."""
    from io import BytesIO
    from ZPublisher.HTTPRequest import HTTPRequest
    from ZPublisher.HTTPResponse import HTTPResponse

    environ = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "POST", "REMOTE_ADDR": address}
    return HTTPRequest(BytesIO(), environ, HTTPResponse())


class TestSharedDatabase:
    """Two processes on one database: two ZODB clients of one ZEO server, failures counted
    at the same time on the same account from both, with write conflicts; a lock written
    through one refuses the log-in at the other, and lifted through one is lifted for both."""

    def test_failures_from_two_instances_add_up(self, two_instances, monkeypatch):
        from ent.policy.logins.config import reset_config
        from ent.policy.logins.throttle import account_key
        from ent.policy.logins.throttle import address_key
        from ent.policy.logins.throttle import LoginThrottle

        import transaction

        monkeypatch.setenv("ENT_LOGIN_ACCOUNT_LIMIT", "1000")
        monkeypatch.setenv("ENT_LOGIN_ADDRESS_LIMIT", "1000")
        reset_config()
        first, second = two_instances
        connection = first.open()
        connection.root()["throttle"] = LoginThrottle("throttle")
        transaction.commit()
        connection.close()
        caught_up(first, second)
        keys = (account_key("0310001H.Parent"), address_key("203.0.113.5"))

        errors = []

        def fail(db, times):
            try:
                manager = transaction.TransactionManager()
                connection = db.open(transaction_manager=manager)
                throttle = connection.root()["throttle"]
                for _ in range(times):
                    throttle.count_failure(keys)
                manager.abort()
                connection.close()
            except Exception as error:  # noqa: BLE001 - reported below, a thread's error is otherwise lost
                errors.append(repr(error))

        threads = [Thread(target=fail, args=(db, 15)) for db in (first, second, first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        caught_up(first, second)
        for db in (first, second):
            connection = db.open()
            connection.sync()
            records = connection.root()["throttle"].records
            assert records["account:0310001h.parent"][0] == 60
            assert records["address:203.0.113.5"][0] == 60
            connection.close()

    def test_a_lock_through_one_refuses_at_the_other(self, two_instances, monkeypatch):
        """Each instance checks a log-in in its own connection and request, through a PAS
        whose first plugin is the throttle and whose user folder has the account."""
        from ent.policy.logins.config import reset_config
        from ent.policy.logins.throttle import LoginThrottle
        from ent.policy.logins.throttle import PLUGIN_ID
        from ent.policy.logins.throttle import REFUSED
        from OFS.Application import Application
        from OFS.Folder import Folder
        from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
        from Products.PluggableAuthService.PluggableAuthService import _PLUGIN_TYPE_INFO
        from Products.PluggableAuthService.PluggableAuthService import PluggableAuthService
        from Products.PluggableAuthService.plugins.ZODBUserManager import ZODBUserManager
        from Products.PluginRegistry.PluginRegistry import PluginRegistry
        from zope.globalrequest import clearRequest
        from zope.globalrequest import setRequest

        import transaction

        monkeypatch.setenv("ENT_LOGIN_ACCOUNT_LIMIT", "2")  # slowed after 1 failure, locked at 2
        monkeypatch.setenv("ENT_LOGIN_ADDRESS_LIMIT", "1000")
        monkeypatch.setenv("ENT_LOGIN_LOCK_SECONDS", "600")
        reset_config()
        first, second = two_instances
        connection = first.open()
        app = connection.root()["Application"] = Application()
        pas = PluggableAuthService()
        plugins = PluginRegistry(_PLUGIN_TYPE_INFO)
        plugins._setId("plugins")
        pas._setObject("plugins", plugins)
        pas._setObject(PLUGIN_ID, LoginThrottle(PLUGIN_ID))
        pas._setObject("users", ZODBUserManager("users"))
        pas.users.addUser("0310001h.parent", "0310001h.parent", "the-right-one")
        for plugin_id in (PLUGIN_ID, "users"):
            pas.plugins.activatePlugin(IAuthenticationPlugin, plugin_id)
        # As a Plone site's PAS: in a folder of the Zope root, whose own user folder is empty.
        app._setObject("site", Folder("site"))
        app.site._setObject("acl_users", pas)
        transaction.commit()
        connection.close()
        caught_up(first, second)

        def log_in(db, password, address):
            """(user id or None, seconds refused or None) of one log-in through `db`."""
            manager = transaction.TransactionManager()
            connection = db.open(transaction_manager=manager)
            request = new_request(address)
            setRequest(request)
            try:
                throttle = connection.root()["Application"].site.acl_users[PLUGIN_ID]
                result = throttle.authenticateCredentials({"login": "0310001h.parent", "password": password})
                return (result and result[0]), request.get(REFUSED)
            finally:
                clearRequest()
                manager.abort()
                connection.close()

        def lift(db):
            manager = transaction.TransactionManager()
            connection = db.open(transaction_manager=manager)
            try:
                assert connection.root()["Application"].site.acl_users[PLUGIN_ID].lift("account", "0310001H.parent")
                manager.commit()
            finally:
                connection.close()

        assert log_in(first, "wrong-1", "203.0.113.1") == (None, None)
        caught_up(first, second)
        # Slowed at the other instance, from another address, even with the right password.
        userid, refused = log_in(second, "the-right-one", "203.0.113.2")
        assert userid is None and 0 < refused <= 1
        time.sleep(1.1)
        assert log_in(first, "wrong-2", "203.0.113.3") == (None, None)
        caught_up(first, second)
        # Locked through the first: the second refuses the owner for the lock's length.
        userid, refused = log_in(second, "the-right-one", "203.0.113.4")
        assert userid is None and refused > 590
        # Lifted through the second: the first lets the owner in.
        lift(second)
        caught_up(first, second)
        assert log_in(first, "the-right-one", "203.0.113.5") == ("0310001h.parent", None)
        # And the other way round: locked through the second, lifted through the first.
        assert log_in(second, "wrong-3", "203.0.113.6") == (None, None)
        time.sleep(1.1)
        assert log_in(second, "wrong-4", "203.0.113.7") == (None, None)
        caught_up(first, second)
        assert log_in(first, "the-right-one", "203.0.113.8")[1] > 590
        lift(first)
        caught_up(first, second)
        assert log_in(second, "the-right-one", "203.0.113.9") == ("0310001h.parent", None)


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("throttling")
    instance = Instance(
        project, folder / "var", free_port(), ENT_DEMO_PASSWORD=DEMO, ENT_ADMIN_PASSWORD=ADMIN[1],
        ENT_LOGIN_ACCOUNT_LIMIT=4, ENT_LOGIN_ADDRESS_LIMIT=6, ENT_LOGIN_LOCK_SECONDS=6, ENT_LOGIN_WINDOW=120,
    )  # fmt: skip
    instance.start()
    yield instance
    instance.stop()


def lift(instance, **body):
    return requests.delete(f"{instance.url}/@login-locks", json=body, headers=JSON, auth=ADMIN, timeout=30)


def locks(instance):
    response = requests.get(f"{instance.url}/@login-locks", headers=JSON, auth=ADMIN, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    # Batched as plone.restapi's lists: its own address, every lock counted, one batch here.
    assert body["@id"] == f"{instance.url}/@login-locks" and body["items_total"] == len(body["items"])
    assert "batching" not in body
    return {(item["kind"], item["value"]): item for item in body["items"]}


class TestThroughHttp:
    def test_an_account_is_slowed_then_locked_then_its_owner_logs_in(self, instance):
        account = "0310001h.parent"
        assert rest_login(instance, account, "wrong-1").status_code == 401
        assert rest_login(instance, account.upper(), "wrong-2").status_code == 401  # one account, whatever the case
        # Slowed: the next attempt must wait, even with the right password.
        refused = rest_login(instance, account, DEMO)
        assert refused.status_code == 429
        assert refused.json()["error"]["message"].startswith(FRENCH)
        assert int(refused.headers["Retry-After"]) >= 1
        time.sleep(1.1)
        assert rest_login(instance, account, "wrong-3").status_code == 401
        time.sleep(2.1)
        assert rest_login(instance, account, "wrong-4").status_code == 401
        # Locked: the right password is refused through every door, with the French message.
        started = time.monotonic()
        assert rest_login(instance, account, DEMO).status_code == 429
        session, page = form_login(instance, account, DEMO)
        assert FRENCH in page.text and "__ac" not in session.cookies
        basic = requests.get(f"{instance.url}/@users/{account}", headers=JSON, auth=(account, DEMO), timeout=30)
        assert basic.status_code == 401
        assert ("account", account) in locks(instance)
        assert locks(instance)[("account", account)]["locked"] is True
        # Another account from the same address is not locked (the address is only slowed).
        time.sleep(2.1)
        assert rest_login(instance, "0310001h.teacher", DEMO).status_code == 200
        # The lock ends by itself: the owner logs in.
        time.sleep(max(0, 6.2 - (time.monotonic() - started)))
        assert rest_login(instance, account, DEMO).status_code == 200
        assert ("account", account) not in locks(instance)
        assert lift(instance, address="127.0.0.1").status_code == 204

    def test_an_address_is_locked_whatever_the_account_and_the_header(self, instance):
        lift(instance, address="127.0.0.1")
        accounts = [
            f"0310003k.{profile}" for profile in ("student", "parent", "teacher", "staff", "principal", "attee")
        ]
        for number, (account, pause) in enumerate(zip(accounts, (0, 0, 0, 1.1, 2.1, 4.1), strict=True)):
            time.sleep(pause)
            # X-Forwarded-For is not believed: no proxy is trusted here.
            response = rest_login(instance, account, "wrong", **{"X-Forwarded-For": f"198.51.100.{number}"})
            assert response.status_code == 401, (account, response.text)
        refused = rest_login(instance, "0310005m.parent", DEMO)
        assert refused.status_code == 429 and refused.json()["error"]["message"].startswith(FRENCH)
        assert locks(instance)[("address", "127.0.0.1")]["locked"] is True
        # The local admin is not locked out, and the page lists the lock in French.
        page = requests.get(f"{instance.url}/@@login-locks", auth=ADMIN, timeout=30)
        assert page.status_code == 200
        assert "Connexions bloquées" in page.text and "127.0.0.1" in page.text and "Lever le blocage" in page.text
        assert lift(instance, address="127.0.0.1").status_code == 204
        assert rest_login(instance, "0310005m.parent", DEMO).status_code == 200

    def test_lifting_from_the_page(self, instance):
        import re

        session = requests.Session()
        session.auth = ADMIN
        # The lock lasts ENT_LOGIN_LOCK_SECONDS (6 s here): on a loaded machine it may end
        # before the page is read, which then has nothing to lift; lock it again then.
        for _attempt in range(3):
            for _ in range(2):
                rest_login(instance, "0310005m.teacher", "wrong")
            assert ("account", "0310005m.teacher") in locks(instance)
            page = session.get(f"{instance.url}/@@login-locks", timeout=30)
            found = re.search(r'name="_authenticator" value="([^"]+)"', page.text)
            if found and "0310005m.teacher" in page.text:
                break
        assert found, page.text
        token = found.group(1)
        done = session.post(
            f"{instance.url}/@@login-locks",
            data={"kind": "account", "value": "0310005m.teacher", "_authenticator": token},
            timeout=30,
        )
        assert done.status_code == 200
        assert "Blocage levé pour compte 0310005m.teacher" in done.text
        assert ("account", "0310005m.teacher") not in locks(instance)
        lift(instance, address="127.0.0.1")

    @pytest.mark.parametrize(
        "body, status, message",
        [
            ({}, 400, "Expected a JSON object"),
            ({"account": "a", "address": "127.0.0.1"}, 400, "Expected a JSON object"),
            ({"address": "not-an-ip"}, 400, "'not-an-ip' n'est pas une adresse IP."),
            ({"account": ["x"]}, 400, "Valeur invalide pour compte"),
            ({"account": "nobody.here"}, 404, "Aucun échec de connexion enregistré pour 'nobody.here'."),
        ],
    )
    def test_lifting_bad_input(self, instance, body, status, message):
        response = lift(instance, **body)
        assert response.status_code == status
        assert response.json()["error"]["message"].startswith(message)

    def test_only_administrators_see_or_lift(self, instance):
        assert requests.get(f"{instance.url}/@login-locks", headers=JSON, timeout=30).status_code == 401
        token = rest_login(instance, "0310001h.principal", DEMO).json()["token"]
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        assert requests.get(f"{instance.url}/@login-locks", headers=headers, timeout=30).status_code in (401, 403)
        forbidden = requests.delete(
            f"{instance.url}/@login-locks", json={"address": "127.0.0.1"}, headers=headers, timeout=30
        )
        assert forbidden.status_code in (401, 403)


@pytest.fixture(scope="class")
def proxied(project, tmp_path_factory):
    """An instance behind a proxy at 127.0.0.1 (ENT_TRUSTED_PROXY); two failures lock an
    address, four an account: the account's limit is above the address's, so that only a
    count of the account from every address locks it."""
    folder = tmp_path_factory.mktemp("throttling-proxied")
    instance = Instance(
        project, folder / "var", free_port(), ENT_DEMO_PASSWORD=DEMO, ENT_ADMIN_PASSWORD=ADMIN[1], ENT_TRUSTED_PROXY="127.0.0.1",
        ENT_LOGIN_ACCOUNT_LIMIT=4, ENT_LOGIN_ADDRESS_LIMIT=2, ENT_LOGIN_LOCK_SECONDS=60, ENT_LOGIN_WINDOW=120,
    )  # fmt: skip
    instance.start()
    yield instance
    instance.stop()


def login_from(instance, source, login, password, forwarded):
    """@login sent from the local address `source` (not the proxy's), with X-Forwarded-For."""
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30, source_address=(source, 0))
    try:
        body = json.dumps({"login": login, "password": password})
        headers = {**JSON, "Content-Type": "application/json", "X-Forwarded-For": forwarded}
        connection.request("POST", f"/{instance.url.rsplit('/', 1)[1]}/@login", body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


class TestBehindTheProxy:
    def test_failures_count_per_forwarded_address(self, proxied):
        visitor = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}  # the proxy added the last one
        assert rest_login(proxied, "0310001h.parent", "wrong", **visitor).status_code == 401
        time.sleep(1.1)
        assert rest_login(proxied, "0310001h.student", "wrong", **visitor).status_code == 401
        # That visitor's address is locked, whatever the account...
        refused = rest_login(proxied, "0310001h.teacher", DEMO, **visitor)
        assert refused.status_code == 429 and refused.json()["error"]["message"].startswith(FRENCH)
        # ...another visitor behind the same proxy is not, nor is the proxy itself.
        assert rest_login(proxied, "0310001h.teacher", DEMO, **{"X-Forwarded-For": "198.51.100.8"}).status_code == 200
        assert rest_login(proxied, "0310001h.teacher", DEMO).status_code == 200
        found = locks(proxied)
        assert found[("address", "198.51.100.7")]["locked"] is True
        assert ("address", "198.51.100.8") not in found and ("address", "127.0.0.1") not in found
        assert ("address", "6.6.6.6") not in found

    def test_an_account_is_locked_whatever_the_address(self, proxied):
        """Failures for one account from four visitors behind the proxy, each under the
        address limit: the account is slowed, then locked, for every address; lifted, its
        owner logs in."""
        account = "0310005m.parent"

        def attempt(password, visitor):
            return rest_login(proxied, account, password, **{"X-Forwarded-For": f"198.51.100.{visitor}"})

        assert attempt("wrong-1", 21).status_code == 401
        assert attempt("wrong-2", 22).status_code == 401
        time.sleep(1.1)  # two failures: the account waits 1 s
        assert attempt("wrong-3", 23).status_code == 401
        # Slowed (2 s now): the right password from a visitor who never failed must wait.
        slowed = attempt(DEMO, 30)
        assert slowed.status_code == 429, slowed.text
        assert slowed.json()["error"]["message"].startswith(FRENCH)
        time.sleep(2.1)
        assert attempt("wrong-4", 24).status_code == 401
        # Locked (ENT_LOGIN_LOCK_SECONDS=60 here), from any address, the proxy's own included.
        for refused in (attempt(DEMO, 31), rest_login(proxied, account, DEMO)):
            assert refused.status_code == 429, refused.text
            assert refused.json()["error"]["message"].startswith(FRENCH)
            assert int(refused.headers["Retry-After"]) > 30
        found = locks(proxied)
        assert found[("account", account)]["locked"] is True and found[("account", account)]["failures"] == 4
        # No visitor reached the address limit: the account's own count locked it.
        assert not any(found.get(("address", f"198.51.100.{visitor}"), {}).get("locked") for visitor in range(20, 32))
        # Lifted by an administrator: the owner logs in, from yet another address.
        assert lift(proxied, account=account).status_code == 204
        assert attempt(DEMO, 32).status_code == 200
        assert ("account", account) not in locks(proxied)

    def test_the_header_is_ignored_from_anyone_else(self, proxied):
        for _ in range(2):
            assert login_from(proxied, "127.0.0.3", "0310003k.parent", "wrong", "198.51.100.9") == 401
            time.sleep(1.1)
        found = locks(proxied)
        assert found[("address", "127.0.0.3")]["locked"] is True
        assert ("address", "198.51.100.9") not in found
        assert login_from(proxied, "127.0.0.3", "0310003k.teacher", DEMO, "198.51.100.10") == 429
