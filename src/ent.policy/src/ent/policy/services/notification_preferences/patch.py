"""PATCH /@notification-preferences {"notifications": "immediate" | "digest" | "never"}:
change the logged-in person's choice; 400 with the reason for anything else."""

from ent.policy.notifications.preferences import InvalidPreference
from ent.policy.notifications.status import choose
from ent.policy.notifications.status import current_user_id
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides


class PreferencesPatch(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        site = api.portal.get()
        user_id = current_user_id()
        try:
            data = json_body(self.request)
        except Exception:
            return self.bad_request('the body is not JSON; send {"notifications": "immediate", "digest" or "never"}')
        if not isinstance(data, dict) or "notifications" not in data:
            return self.bad_request('send {"notifications": "immediate", "digest" or "never"}')
        try:
            return choose(site, user_id, data["notifications"])
        except InvalidPreference as error:
            return self.bad_request(str(error))

    def bad_request(self, message):
        # plone.restapi's answer for a refused body (as its @login, @users, @relations).
        self.request.response.setStatus(400)
        return {"error": {"type": "BadRequest", "message": message}}
