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
        assert b'href="++theme++barceloneta/rules.xml"' in theme.readFile("rules.xml")
        assert b"++theme++barceloneta/css/barceloneta.min.css" in theme.readFile("css/ent.css")

    def test_loopback_is_themed(self, portal):
        """Plone leaves 127.0.0.1 unthemed by default; `make run` serves there."""
        blacklist = api.portal.get_registry_record("plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist")
        assert "127.0.0.1" not in blacklist

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile("ent.theme:default") == ("1000",)


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer):
        installer.uninstall_product(PACKAGE)

    def test_uninstalled(self, installer):
        assert installer.is_product_installed(PACKAGE) is False

    def test_back_to_barceloneta(self, portal):
        assert getCurrentTheme() == "barceloneta"
