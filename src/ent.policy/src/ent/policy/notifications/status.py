"""What the notification endpoints answer and do (services/notifications/,
services/notification_preferences/).

- the logged-in person's choice (`preferences_of`, `choose`): 400 with the reason for any
  other value than "immediate", "digest" or "never", 401 for anonymous;
- for Managers, the queue, the last digest, the outbox (`status`), and a digest asked for
  now (`ask_for_digest`): the mails are written by a worker within its poll interval, not
  in the request.
"""

from .config import current_config
from .digest import request_digest
from .outbox import Outbox
from .preferences import CHOICES
from .preferences import DEFAULT
from .preferences import get_preference
from .preferences import set_preference
from .preferences import TITLES
from .store import deferred_jobs
from .store import get_store
from plone import api
from zExceptions import Unauthorized

import datetime
import transaction


def current_user_id():
    if api.user.is_anonymous():
        raise Unauthorized("Log in to choose your notifications")
    return api.user.get_current().getId()


def preferences_of(site, user_id):
    return {
        "@id": f"{site.absolute_url()}/@notification-preferences",
        "notifications": get_preference(site, user_id),
        "default": DEFAULT,
        "choices": [{"id": choice, "title": TITLES[choice]} for choice in CHOICES],
    }


def choose(site, user_id, choice):
    """Record the person's choice (InvalidPreference for any other value) and answer it."""
    set_preference(site, user_id, choice)
    return preferences_of(site, user_id)


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


def ask_for_digest(site):
    """Ask for a digest now: the workers write it at their next poll (at once in this
    process, woken when the request commits)."""
    from .queue import _wake

    request_digest(site)
    transaction.get().addAfterCommitHook(_wake)
    return {**status(site), "requested": True}
