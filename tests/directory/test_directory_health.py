"""Only a failure to reach the directory counts as an outage (issue #9).

`HEALTH` (ent.policy.directory.plugin) decides whether a log-in is answered "directory
unavailable" (503 through `@login`, the form's message): an error of the request itself (a
wrong bind, a missing entry, a bad filter, an error of ours) must leave it judged good, and
the next log-in must go through; a directory that cannot be reached or does not answer in
time must mark it down. The errors are real ones, raised by python-ldap and node.ext.ldap
against a real slapd, a closed port and a port that never answers."""

from io import BytesIO
from support.directory_server import BASE
from support.directory_server import DEMO_PASSWORD
from support.directory_server import start_directory
from support.directory_server import tree_adapters
from support.instance_process import free_port

import ldap
import pytest
import socket


PARENT = "0310001h.parent"


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    from ent.policy.directory.config import reset_config

    server = start_directory(tmp_path_factory.mktemp("health") / "ldap")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENT_LDAP_URI", server.uri)
        patch.setenv("ENT_LDAP_BIND_DN", server.manager_dn)
        patch.setenv("ENT_LDAP_BIND_PASSWORD", server.manager_password)
        patch.setenv("ENT_LDAP_BASE", BASE)
        reset_config()
        yield server
    server.stop()
    reset_config()


@pytest.fixture
def plugin(directory):
    """The ENT's directory plugin in a PAS of its own, with the adapters that build its tree."""
    from ent.policy.directory import plugin
    from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
    from Products.PluggableAuthService.PluggableAuthService import _PLUGIN_TYPE_INFO
    from Products.PluggableAuthService.PluggableAuthService import PluggableAuthService
    from Products.PluginRegistry.PluginRegistry import PluginRegistry

    pas = PluggableAuthService()
    plugins = PluginRegistry(_PLUGIN_TYPE_INFO)
    plugins._setId("plugins")
    pas._setObject("plugins", plugins)
    pas._setObject(plugin.PLUGIN_ID, plugin.EntDirectoryPlugin(plugin.PLUGIN_ID))
    pas.plugins.activatePlugin(IAuthenticationPlugin, plugin.PLUGIN_ID)
    plugin.HEALTH.reset()
    with tree_adapters():
        yield pas[plugin.PLUGIN_ID]
    plugin.HEALTH.reset()


def new_request():
    """A request of its own, as the publisher makes one per HTTP request."""
    from zope.globalrequest import setRequest
    from ZPublisher.HTTPRequest import HTTPRequest
    from ZPublisher.HTTPResponse import HTTPResponse

    environ = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "POST"}
    request = HTTPRequest(BytesIO(), environ, HTTPResponse())
    setRequest(request)
    return request


@pytest.fixture
def request_():
    from zope.globalrequest import clearRequest

    yield new_request()
    clearRequest()


def bound(server):
    connection = ldap.initialize(server.uri)
    connection.simple_bind_s(server.manager_dn, server.manager_password)
    return connection


# Errors that come from what was asked, not from the directory being away.
NOT_OUTAGES = {
    "a wrong bind password (INVALID_CREDENTIALS)": (
        ldap.INVALID_CREDENTIALS,
        lambda server, plugin: ldap.initialize(server.uri).simple_bind_s(server.manager_dn, "not-the-password"),
    ),
    "an entry that does not exist (NO_SUCH_OBJECT)": (
        ldap.NO_SUCH_OBJECT,
        lambda server, plugin: bound(server).search_s(f"ou=nowhere,{BASE}", ldap.SCOPE_BASE),
    ),
    "a malformed filter (FILTER_ERROR)": (
        ldap.FILTER_ERROR,
        lambda server, plugin: bound(server).search_s(BASE, ldap.SCOPE_SUBTREE, "(((uid="),
    ),
    "a list as password (TypeError)": (
        TypeError,
        lambda server, plugin: ldap.initialize(server.uri).simple_bind_s(server.manager_dn, ["a", "list"]),
    ),
    "no such account in the tree (ValueError)": (
        ValueError,
        lambda server, plugin: plugin.users.search(
            criteria={"id": "nobody.here"}, attrlist=("login",), exact_match=True
        ),
    ),
}


def unreachable(server, plugin):
    """A port where nothing listens: python-ldap's SERVER_DOWN."""
    ldap.initialize(f"ldap://127.0.0.1:{free_port()}").simple_bind_s(server.manager_dn, server.manager_password)


def silent(server, plugin):
    """A port that accepts the connection and never answers: python-ldap's TIMEOUT."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        connection = ldap.initialize(f"ldap://127.0.0.1:{listener.getsockname()[1]}")
        connection.timeout = 0.5
        connection.simple_bind_s(server.manager_dn, server.manager_password)


OUTAGES = {
    "a closed port (SERVER_DOWN)": (ldap.SERVER_DOWN, unreachable),
    "no answer (TIMEOUT)": (ldap.TIMEOUT, silent),
}


def log_in(plugin, password=DEMO_PASSWORD):
    return plugin.authenticateCredentials({"login": PARENT, "password": password})


class TestNotAnOutage:
    @pytest.mark.parametrize("case", NOT_OUTAGES, ids=list(NOT_OUTAGES))
    def test_the_directory_stays_judged_good(self, directory, plugin, request_, case):
        from ent.policy.directory.plugin import directory_unavailable
        from ent.policy.directory.plugin import DirectoryHealth
        from ent.policy.directory.plugin import HEALTH

        error, call = NOT_OUTAGES[case]
        with pytest.raises(error):
            call(directory, plugin)  # the error is what the case says, raised for real
        # A health of its own, then the process's: the call gives the default, no outage.
        health = DirectoryHealth()
        assert health.call(lambda: call(directory, plugin), default="default") == "default"
        assert not health.failed_recently()
        assert HEALTH.call(lambda: call(directory, plugin)) is None
        assert not HEALTH.failed_recently()
        assert not directory_unavailable(request_)
        # The next log-in, in the next request, goes through (no 503, no wait).
        request = new_request()
        assert log_in(plugin) == (PARENT, PARENT)
        assert not directory_unavailable(request)
        # And a wrong password is only that: a refusal, the directory still judged good.
        assert log_in(plugin, "wrong-password") is None
        assert not directory_unavailable(request) and not HEALTH.failed_recently()


class TestOutage:
    @pytest.mark.parametrize("case", OUTAGES, ids=list(OUTAGES))
    def test_the_directory_is_judged_down(self, directory, plugin, request_, case):
        from ent.policy.directory.plugin import directory_unavailable
        from ent.policy.directory.plugin import DirectoryHealth
        from ent.policy.directory.plugin import HEALTH

        error, call = OUTAGES[case]
        with pytest.raises(error):
            call(directory, plugin)
        health = DirectoryHealth()
        assert health.call(lambda: call(directory, plugin), default="default") == "default"
        assert health.failed_recently()
        assert HEALTH.call(lambda: call(directory, plugin)) is None
        assert HEALTH.failed_recently()
        assert directory_unavailable(request_)  # what @login answers 503 and the form "unavailable"
        # For a while, the next log-in is not even tried: "directory unavailable" at once.
        request = new_request()
        assert log_in(plugin) is None
        assert directory_unavailable(request)
        # Once the directory answers again, log-ins go through.
        HEALTH.reset()
        request = new_request()
        assert log_in(plugin) == (PARENT, PARENT)
        assert not directory_unavailable(request)
