"""A real OpenLDAP server for the tests, started with the product's own machinery."""

from contextlib import contextmanager
from ent.policy.directory.shape import Shape
from ent.server.ldif import DEMO_COUNTS
from ent.server.ldif import directory_entries
from ent.server.ldif import write_ldif
from ent.server.services.slapd import LocalDirectory
from support.instance_process import free_port

import secrets


BASE = "dc=ent,dc=test"
DEMO_PASSWORD = "demo-test-password"
SCHOOLS = [("0310001H", "Collège Armand Latour"), ("0310003K", "Collège Emile-Paul Vayssie")]


def start_directory(folder, schools=SCHOOLS):
    """A private slapd in `folder`, loaded with the demo directory of `schools`."""
    shape = Shape.from_base(BASE)
    server = LocalDirectory(folder, free_port(), shape, secrets.token_urlsafe(12))
    server.configure()
    write_ldif(directory_entries(shape, schools, DEMO_COUNTS, DEMO_PASSWORD), folder / "demo.ldif")
    server.load(folder / "demo.ldif")
    return server.start()


@contextmanager
def tree_adapters():
    """The adapters that build and cache the ENT plugin's directory tree, registered
    globally while the block runs (the plugin used outside a site, without ZCML)."""
    from ent.policy.directory import plugin
    from zope.component import getGlobalSiteManager

    registry = getGlobalSiteManager()
    factories = (
        plugin.EnvironmentProps,
        plugin.EnvironmentUsersConfig,
        plugin.EnvironmentGroupsConfig,
        plugin.directory_tree_cache,
    )
    for factory in factories:
        registry.registerAdapter(factory)
    try:
        yield
    finally:
        for factory in factories:
            registry.unregisterAdapter(factory)
