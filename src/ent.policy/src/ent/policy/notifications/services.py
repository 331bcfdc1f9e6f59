"""REST services of notifications.

- `GET /@notification-preferences`: the logged-in person's choice;
  `PATCH` with `{"notifications": "immediate" | "digest" | "never"}` changes it
  (400 with the reason for any other value, 401 for anonymous).
- `GET /@notifications` (Manager): the queue, the last digest, the outbox;
  `POST /@notifications` asks the workers for a digest now (202); the mails are written
  by a worker within its poll interval, not in the request.
"""

from .config import current_config
from .digest import request_digest
from .outbox import Outbox
from .preferences import CHOICES
from .preferences import DEFAULT
from .preferences import get_preference
from .preferences import InvalidPreference
from .preferences import set_preference
from .preferences import TITLES
from .store import deferred_jobs
from .store import get_store
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import Unauthorized
from zope.interface import alsoProvides

import datetime


def current_user_id():
    if api.user.is_anonymous():
        raise Unauthorized("Log in to choose your notifications")
    return api.user.get_current().getId()


def preferences_body(site, user_id):
    return {
        "@id": f"{site.absolute_url()}/@notification-preferences",
        "notifications": get_preference(site, user_id),
        "default": DEFAULT,
        "choices": [{"id": choice, "title": TITLES[choice]} for choice in CHOICES],
    }


class PreferencesGet(Service):
    def reply(self):
        site = api.portal.get()
        return preferences_body(site, current_user_id())


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
            set_preference(site, user_id, data["notifications"])
        except InvalidPreference as error:
            return self.bad_request(str(error))
        return preferences_body(site, user_id)

    def bad_request(self, message):
        self.request.response.setStatus(400)
        return {"error": {"type": "BadRequest", "message": message}}


def iso(timestamp):
    return datetime.datetime.fromtimestamp(timestamp).astimezone().isoformat() if timestamp else None


def status(site, config=None):
    from . import worker

    config = config or current_config()
    store = get_store(site)
    outbox = Outbox(config.outbox_dir())
    digest = store.digest if store is not None else None
    return {
        "@id": f"{site.absolute_url()}/@notifications",
        "worker": worker.RUNTIME.running,
        "jobs": len(store.jobs) if store is not None else 0,
        "claimed": len(store.claimed) if store is not None else 0,
        # Items published with an effective date to come: announced on that date.
        "deferred": len(deferred_jobs(store) or ()) if store is not None else 0,
        "published": len(store.published) if store is not None else 0,
        "digest": {
            "hour": config.digest_hour,
            "last_run": iso(digest.last_run_at) if digest else None,
            "last_count": digest.last_count if digest else 0,
            "requested": bool(digest and digest.requested_at),
            "running": bool(digest and digest.running),
        },
        "outbox": {
            "waiting": outbox.count(),
            "rejected": outbox.rejected_count(),
            "interrupted": outbox.interrupted_count(),
        },
        "smtp": f"{config.smtp_host}:{config.smtp_port}",
    }


class NotificationsGet(Service):
    def reply(self):
        return status(api.portal.get())


class NotificationsPost(Service):
    """Ask for a digest now: the workers write it at their next poll (at once in this process)."""

    def reply(self):
        from .queue import _wake

        alsoProvides(self.request, IDisableCSRFProtection)
        site = api.portal.get()
        request_digest(site)
        import transaction

        transaction.get().addAfterCommitHook(_wake)
        self.request.response.setStatus(202)
        return {**status(site), "requested": True}
