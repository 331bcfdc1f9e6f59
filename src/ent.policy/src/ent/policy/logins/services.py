"""REST: `@login-locks` (see and lift log-in locks), `@logout` that ends the token."""

from .locks import current_locks
from .locks import lift_lock
from .locks import LockRequestError
from .tokens import EntTokenPlugin
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides


class LoginLocksGet(Service):
    """GET @login-locks: the accounts and addresses refused now, and for how long."""

    def reply(self):
        return {"items": current_locks(self.context)}


class LoginLocksDelete(Service):
    """DELETE @login-locks {"account": LOGIN} or {"address": IP}: lift one lock."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            data = json_body(self.request)
        except Exception:
            data = None
        if not isinstance(data, dict) or len([k for k in ("account", "address") if k in data]) != 1:
            return self.error(400, 'Expected a JSON object {"account": LOGIN} or {"address": IP}.')
        kind = "account" if "account" in data else "address"
        try:
            lifted = lift_lock(self.context, kind, data[kind])
        except LockRequestError as error:
            return self.error(400, str(error))
        if not lifted:
            return self.error(404, f"Aucun échec de connexion enregistré pour {data[kind]!r}.")
        return self.reply_no_content()

    def error(self, status, message):
        self.request.response.setStatus(status)
        return {"error": {"type": "Bad Request" if status == 400 else "Not Found", "message": message}}


class Logout(Service):
    """POST @logout: the token sent ends now, in every instance (plone.restapi's only
    logs out of the session unless every token is stored)."""

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
