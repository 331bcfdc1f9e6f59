"""POST @logout: the token sent ends now, in every instance (plone.restapi's only logs out
of the session unless every token is stored)."""

from ent.policy.logins.tokens import EntTokenPlugin
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


class Logout(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        pas = api.portal.get_tool("acl_users")
        plugin = pas._getOb("jwt_auth", None)
        auth = self.request._auth or ""
        if isinstance(plugin, EntTokenPlugin) and auth[:7].lower() == "bearer ":
            plugin.revoke(auth.split()[-1])
        api.portal.get_tool("portal_membership").logoutUser(self.request)
        self.request.response.setStatus(200)
        return super().reply()
