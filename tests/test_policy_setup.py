"""ent.policy as a Plone add-on: installed, French, REST API on, upgradable, uninstallable."""

from plone import api

import pytest


PACKAGE = "ent.policy"


class TestInstall:
    def test_installed(self, installer):
        assert installer.is_product_installed(PACKAGE) is True

    def test_browser_layer(self, browser_layers):
        from ent.policy.interfaces import IEntPolicyLayer

        assert IEntPolicyLayer in browser_layers

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1003",)

    @pytest.mark.parametrize("dependency", ["plone.restapi", "collective.easyform", "plone.app.contenttypes"])
    def test_dependencies_installed(self, installer, dependency):
        assert installer.is_product_installed(dependency) is True

    def test_french_only(self, portal):
        assert api.portal.get_registry_record("plone.default_language") == "fr"
        assert api.portal.get_registry_record("plone.available_languages") == ["fr"]

    def test_upgrade_steps_registered(self, setup_tool):
        """The upgrade wiring exists, so the first real upgrade only adds a step."""
        steps = setup_tool.listUpgrades("ent.policy:default", show_old=True)
        assert steps, "ent.policy:default has no upgrade step registered"

    def test_profile_up_to_date(self, setup_tool):
        """A freshly installed site needs no upgrade of ent.policy."""
        assert setup_tool.listUpgrades("ent.policy:default") == []

    def test_upgrade_from_1000(self, portal, setup_tool):
        """A site of the first release (1000) upgrades to the schools (1001), audiences (1002) and log-in hardening (1003)."""
        setup_tool.setLastVersionForProfile("ent.policy:default", "1000")
        assert setup_tool.listUpgrades("ent.policy:default"), "no upgrade step from 1000"
        setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1003",)
        assert "colleges" in portal.objectIds()

    def test_upgrade_from_1002(self, portal, setup_tool):
        """1002 → 1003: a site without the log-in throttle and ending tokens gets both."""
        from ent.policy.logins.setup import uninstall_logins
        from ent.policy.logins.throttle import PLUGIN_ID
        from ent.policy.logins.tokens import EntTokenPlugin

        uninstall_logins(portal)
        assert PLUGIN_ID not in portal.acl_users.objectIds()
        setup_tool.setLastVersionForProfile("ent.policy:default", "1002")
        setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1003",)
        assert PLUGIN_ID in portal.acl_users.objectIds()
        assert isinstance(portal.acl_users.jwt_auth, EntTokenPlugin)

    def test_upgrade_from_1002_keywords(self, portal, setup_tool):
        """1002 → 1003: the site's own keywords vocabulary (what the reader may see)."""
        from ent.policy.vocabularies.keywords import reader_keywords
        from zope.schema.interfaces import IVocabularyFactory

        registry = portal.getSiteManager()
        registry.unregisterUtility(provided=IVocabularyFactory, name="plone.app.vocabularies.Keywords")
        assert registry.queryUtility(IVocabularyFactory, "plone.app.vocabularies.Keywords") is not reader_keywords
        setup_tool.setLastVersionForProfile("ent.policy:default", "1002")
        setup_tool.upgradeProfile("ent.policy:default")
        assert registry.queryUtility(IVocabularyFactory, "plone.app.vocabularies.Keywords") is reader_keywords

    def test_uninstall_profile_hidden(self, portal):
        from ent.policy.setuphandlers import HiddenProfiles

        assert "ent.policy:uninstall" in HiddenProfiles().getNonInstallableProfiles()


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer):
        installer.uninstall_product(PACKAGE)

    def test_uninstalled(self, installer):
        assert installer.is_product_installed(PACKAGE) is False

    def test_browser_layer_removed(self, browser_layers):
        from ent.policy.interfaces import IEntPolicyLayer

        assert IEntPolicyLayer not in browser_layers
