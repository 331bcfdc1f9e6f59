"""GET /@notifications (Manager): the queue, the last digest, the outbox."""

from ent.policy.notifications.status import status
from plone import api
from plone.restapi.services import Service


class NotificationsGet(Service):
    def reply(self):
        return status(api.portal.get())
