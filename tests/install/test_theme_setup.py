"""ent.theme: the ENT theme, based on Barceloneta, active everywhere the site is served."""

from plone import api
from plone.app.theming.utils import getCurrentTheme

import pytest


PACKAGE = "ent.theme"


class TestInstall:
    def test_installed(self, installer):
        assert installer.is_product_installed(PACKAGE) is True

    def test_theme_active(self, portal):
        assert getCurrentTheme() == "ent"
        assert api.portal.get_registry_record("plone.app.theming.interfaces.IThemeSettings.enabled") is True

    def test_theme_extends_barceloneta(self, portal):
        from plone.resource.utils import queryResourceDirectory

        theme = queryResourceDirectory("theme", "ent")
        assert b"++theme++barceloneta/css/barceloneta.min.css" in theme.readFile("css/ent.css")

    def test_theme_loads_the_home_pages_css(self, portal):
        """The County and school home pages write their CSS in home.css; ent.css loads it."""
        from plone.resource.utils import queryResourceDirectory

        theme = queryResourceDirectory("theme", "ent")
        assert b'@import url("home.css");' in theme.readFile("css/ent.css")
        assert theme.isFile("css/home.css")

    def test_identity_records_and_defaults(self, portal):
        assert api.portal.get_registry_record("ent.identity.county_name") == "Département"
        assert api.portal.get_registry_record("ent.identity.main_colour") == "#1b3a6b"
        assert api.portal.get_registry_record("ent.identity.logo") is None

    def test_identity_control_panel_in_site_setup(self, portal):
        configlets = [action.getId() for action in portal.portal_controlpanel.listActions()]
        assert "ent-identity" in configlets

    def test_loopback_is_themed(self, portal):
        """Plone leaves 127.0.0.1 unthemed by default; `make run` serves there."""
        blacklist = api.portal.get_registry_record("plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist")
        assert "127.0.0.1" not in blacklist

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile("ent.theme:default") == ("1001",)

    def test_upgrade_to_1001_adds_the_identity(self, portal, setup_tool):
        """A site made at 1000 gets the County identity's records and control panel."""
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility

        registry = getUtility(IRegistry)
        for name in [key for key in registry.records.keys() if key.startswith("ent.identity.")]:
            del registry.records[name]
        portal.portal_controlpanel.unregisterConfiglet("ent-identity")
        setup_tool.setLastVersionForProfile("ent.theme:default", "1000")
        setup_tool.upgradeProfile("ent.theme:default")
        assert setup_tool.getLastVersionForProfile("ent.theme:default") == ("1001",)
        assert api.portal.get_registry_record("ent.identity.county_name") == "Département"
        configlets = [action.getId() for action in portal.portal_controlpanel.listActions()]
        assert "ent-identity" in configlets


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer):
        installer.uninstall_product(PACKAGE)

    def test_uninstalled(self, installer):
        assert installer.is_product_installed(PACKAGE) is False

    def test_back_to_barceloneta(self, portal):
        assert getCurrentTheme() == "barceloneta"

    def test_control_panel_removed(self, portal):
        configlets = [action.getId() for action in portal.portal_controlpanel.listActions()]
        assert "ent-identity" not in configlets
