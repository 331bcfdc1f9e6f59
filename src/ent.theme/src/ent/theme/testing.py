"""Test layers of ent.theme: a Plone site with the ENT theme installed."""

from plone.app.contenttypes.testing import PLONE_APP_CONTENTTYPES_FIXTURE
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


class EntThemeLayer(PloneSandboxLayer):
    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import ent.theme

        self.loadZCML(package=ent.theme)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "ent.theme:default")


THEME_FIXTURE = EntThemeLayer()
THEME_INTEGRATION_TESTING = IntegrationTesting(bases=(THEME_FIXTURE,), name="EntThemeLayer:IntegrationTesting")
THEME_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(THEME_FIXTURE, WSGI_SERVER_FIXTURE), name="EntThemeLayer:FunctionalTesting"
)
