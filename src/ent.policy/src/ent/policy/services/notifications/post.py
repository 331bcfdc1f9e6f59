"""POST /@notifications (Manager): ask the workers for a digest now (202)."""

from ent.policy.notifications.status import ask_for_digest
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


class NotificationsPost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        result = ask_for_digest(api.portal.get())
        self.request.response.setStatus(202)
        return result
