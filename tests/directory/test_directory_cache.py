"""ENT_MEMCACHED: directory searches cached in a real memcached, shared across processes."""

from support.directory_server import BASE
from support.directory_server import start_directory
from support.directory_server import tree_adapters
from support.instance_process import free_port

import pytest
import socket
import subprocess
import time


@pytest.fixture
def memcached(tmp_path):
    port = free_port()
    process = subprocess.Popen(["/usr/bin/memcached", "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-u", "root"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def stats(address):
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += connection.recv(65536)
    return {line.split()[1]: line.split()[2] for line in data.decode().splitlines() if line.startswith("STAT ")}


@pytest.fixture
def configured(tmp_path, memcached, monkeypatch):
    from ent.policy.directory.config import reset_config
    from ent.policy.directory.plugin import MemcachedServersProvider
    from node.ext.ldap.interfaces import ICacheProviderFactory
    from pas.plugins.ldap.cache import cacheProviderFactory
    from pas.plugins.ldap.interfaces import ICacheSettingsRecordProvider
    from zope.component import getGlobalSiteManager

    server = start_directory(tmp_path / "ldap")
    monkeypatch.setenv("ENT_LDAP_URI", server.uri)
    monkeypatch.setenv("ENT_LDAP_BIND_DN", server.manager_dn)
    monkeypatch.setenv("ENT_LDAP_BIND_PASSWORD", server.manager_password)
    monkeypatch.setenv("ENT_LDAP_BASE", BASE)
    monkeypatch.setenv("ENT_MEMCACHED", memcached)
    reset_config()
    registry = getGlobalSiteManager()
    # What the ZCML of ent.policy and pas.plugins.ldap registers in a running instance.
    registry.registerUtility(MemcachedServersProvider(), ICacheSettingsRecordProvider)
    registry.registerUtility(cacheProviderFactory(), ICacheProviderFactory)
    # bda.cache registers this adapter when first imported: under a test layer that stacked
    # its own registry (plone.testing), the registration left with the layer (the test
    # failed so when such a module ran before it on the same worker).
    from bda.cache.memcached import MemcachedManager

    registry.registerAdapter(MemcachedManager)
    yield server
    registry.unregisterUtility(provided=ICacheSettingsRecordProvider)
    registry.unregisterUtility(provided=ICacheProviderFactory)
    server.stop()
    reset_config()


def fresh_tree():
    from ent.policy.directory import plugin
    from node.ext.ldap.ugm import Ugm

    return Ugm(
        props=plugin.EnvironmentProps(None),
        ucfg=plugin.EnvironmentUsersConfig(None),
        gcfg=plugin.EnvironmentGroupsConfig(None),
        rcfg=None,
    )


def test_searches_are_shared_through_memcached(configured, memcached):
    """A second process (here: a second, fresh tree) gets the answer from memcached."""
    criteria = {"id": "0310001h.parent"}
    first = fresh_tree().users.search(criteria=criteria, attrlist=("login",), exact_match=True)
    before = configured.searches()
    second = fresh_tree().users.search(criteria=criteria, attrlist=("login",), exact_match=True)
    assert second == first == [("0310001h.parent", {"login": ["0310001h.parent"]})]
    assert configured.searches() - before == 1  # only the count itself: memcached answered
    counters = stats(memcached)
    assert int(counters["get_hits"]) >= 1
    assert int(counters["curr_items"]) >= 1


def test_without_memcached_every_tree_asks(configured, monkeypatch):
    from ent.policy.directory.config import reset_config

    monkeypatch.delenv("ENT_MEMCACHED")
    reset_config()
    criteria = {"id": "0310001h.parent"}
    fresh_tree().users.search(criteria=criteria, attrlist=("login",), exact_match=True)
    before = configured.searches()
    fresh_tree().users.search(criteria=criteria, attrlist=("login",), exact_match=True)
    assert configured.searches() - before == 2


@pytest.fixture
def plugin(monkeypatch):
    """The ENT's plugin outside a site, with the adapters that build and cache its tree."""
    from ent.policy.directory import plugin
    from ent.policy.directory.config import reset_config

    monkeypatch.setenv("ENT_LDAP_CACHE_SECONDS", "1")
    reset_config()
    with tree_adapters():
        yield plugin.EntDirectoryPlugin(plugin.PLUGIN_ID)
    reset_config()


class TestDirectoryTree:
    """Each worker thread keeps its directory tree for ENT_LDAP_CACHE_SECONDS, not past an outage."""

    def test_kept_while_fresh_then_rebuilt(self, plugin):
        tree = plugin._ugm()
        assert plugin._ugm() is tree
        time.sleep(1.1)  # ENT_LDAP_CACHE_SECONDS=1
        assert plugin._ugm() is not tree

    def test_rebuilt_after_an_outage(self, plugin):
        from ent.policy.directory.plugin import HEALTH

        tree = plugin._ugm()
        HEALTH.failed(OSError("test outage"))
        try:
            assert plugin._ugm() is not tree  # its connections died with the directory
        finally:
            HEALTH.reset()

    def test_zero_keeps_it_for_one_request(self, plugin, monkeypatch):
        from ent.policy.directory.config import reset_config
        from zope.globalrequest import clearRequest
        from zope.globalrequest import setRequest

        monkeypatch.setenv("ENT_LDAP_CACHE_SECONDS", "0")
        reset_config()
        setRequest({})
        try:
            tree = plugin._ugm()
            assert plugin._ugm() is tree
            setRequest({})  # the next request
            assert plugin._ugm() is not tree
        finally:
            clearRequest()
