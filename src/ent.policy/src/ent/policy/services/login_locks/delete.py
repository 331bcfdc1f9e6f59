"""DELETE @login-locks {"account": LOGIN} or {"address": IP}: lift one lock (204)."""

from ent.policy.logins.locks import lift_lock
from ent.policy.logins.locks import LockRequestError
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides


class LoginLocksDelete(Service):
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
        # plone.restapi's answer for a refused request (as its @login, @users, @relations).
        self.request.response.setStatus(status)
        return {"error": {"type": "Bad Request" if status == 400 else "Not Found", "message": message}}
