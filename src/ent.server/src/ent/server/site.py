"""The admin account and the Plone site of the instance, created on the first run.

Everything here runs inside the Zope application (`app`), before the server starts.
"""

from .settings import Settings
from pathlib import Path

import os
import secrets
import time
import transaction


#: The profiles of an ENT site, on top of Plone's own base profile. The first three are
#: those of Plone's "classic" distribution (plone.classicui); ours come after.
SITE_PROFILES = (
    "plone.app.contenttypes:default",
    "plone.app.layout:default",
    "plonetheme.barceloneta:default",
    "ent.policy:default",
    "ent.theme:default",
)
DEMO_PROFILE = "ent.policy:demo"
PASSWORD_FILE = "admin-password"


def password_file(settings: Settings) -> Path:
    return settings.var / PASSWORD_FILE


def ensure_admin(app, settings: Settings, say=print) -> None:
    """Create the Zope admin (Manager) on first run; apply ENT_ADMIN_PASSWORD when given.

    Without ENT_ADMIN_PASSWORD, the first run generates a password, prints it once and
    stores it in var/admin-password, readable by its owner only.
    """
    users = app.acl_users
    user = users.getUserById(settings.admin_user)
    if user is None:
        password = settings.admin_password
        if password is None:
            password = secrets.token_urlsafe(15)
            path = password_file(settings)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(password + "\n")
            say(f"Generated the password of '{settings.admin_user}' (shown once, kept in {path}): {password}")
        users.userFolderAddUser(settings.admin_user, password, ["Manager"], [])
        transaction.commit()
        return
    if (
        settings.admin_password is not None
        and users.authenticate(settings.admin_user, settings.admin_password, None) is None
    ):
        users.userFolderEditUser(settings.admin_user, settings.admin_password, ["Manager"], [])
        transaction.commit()
        say(f"Password of '{settings.admin_user}' set from ENT_ADMIN_PASSWORD")


def set_time_zone(site, timezone: str):
    """`ENT_TIMEZONE` as the site's zone: ent.policy's profile (registry/dates.xml) sets
    Europe/Paris after addPloneSite has set the zone it was given."""
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility
    from zope.component.hooks import setSite

    setSite(site)
    registry = getUtility(IRegistry)
    registry["plone.portal_timezone"] = timezone
    registry["plone.available_timezones"] = [timezone]


def ensure_site(app, settings: Settings, say=print):
    """Create the Plone site `settings.site_id` if it does not exist yet; return it."""
    site = app.get(settings.site_id)
    if site is not None:
        return site
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from Products.CMFPlone.factory import addPloneSite
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    say(f"Creating the site '{settings.site_id}' (first run; this takes a minute)…")
    started = time.monotonic()
    app = makerequest(app)
    app.REQUEST["PARENTS"] = [app]
    admin = app.acl_users.getUserById(settings.admin_user)
    newSecurityManager(None, admin.__of__(app.acl_users))
    try:
        extensions = SITE_PROFILES + ((DEMO_PROFILE,) if settings.demo else ())
        site = addPloneSite(
            app,
            settings.site_id,
            title=settings.site_title,
            extension_ids=extensions,
            default_language="fr",
            portal_timezone=settings.timezone,
        )
        set_time_zone(site, settings.timezone)
        transaction.get().note(f"ent-instance: created the site {settings.site_id}")
        transaction.commit()
    except BaseException:
        transaction.abort()
        raise
    finally:
        setSite(None)
        noSecurityManager()
    say(f"Site '{settings.site_id}' created in {time.monotonic() - started:.1f} s")
    return site
