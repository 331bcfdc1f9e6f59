"""Test layers of ent.policy.

ENT_FIXTURE is a whole ENT site as `ent-instance` creates it (site.SITE_PROFILES): the
theme's layer, plus the policy. The demo profile is left out: tests create what they need.
"""

from ent.theme.testing import THEME_FIXTURE
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


class EntLayer(PloneSandboxLayer):
    defaultBases = (THEME_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import ent.policy

        self.loadZCML(package=ent.policy)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "ent.policy:default")


ENT_FIXTURE = EntLayer()
ENT_INTEGRATION_TESTING = IntegrationTesting(bases=(ENT_FIXTURE,), name="EntLayer:IntegrationTesting")
ENT_FUNCTIONAL_TESTING = FunctionalTesting(bases=(ENT_FIXTURE, WSGI_SERVER_FIXTURE), name="EntLayer:FunctionalTesting")
