"""GET /@notification-preferences: the logged-in person's choice (401 for anonymous)."""

from ent.policy.notifications.status import current_user_id
from ent.policy.notifications.status import preferences_of
from plone import api
from plone.restapi.services import Service


class PreferencesGet(Service):
    def reply(self):
        return preferences_of(api.portal.get(), current_user_id())
