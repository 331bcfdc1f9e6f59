"""The County directory is read-only from the portal.

The directory belongs to the County: names, e-mail addresses, profiles and passwords are
changed in the County's account service (`ENT_ACCOUNT_URL`), never through Plone.
pas.plugins.ldap would write them back (a user PATCHing their own `fullname` through
`@users` changed their LDAP entry); `ReadOnlyDirectory`, mixed into the ENT's directory
plugin, refuses every such write at the PAS level, so that no path through Plone (forms,
REST, plone.api, a password reset) can write. Local accounts (the Zope admin, Plone
accounts) are not the directory's and keep working as before.
"""

from ent.policy.hardening.urls import url_scheme
from pas.plugins.ldap.sheet import LDAPUserPropertySheet
from Products.PlonePAS.interfaces.propertysheets import IMutablePropertySheet
from Products.PluggableAuthService.UserPropertySheet import UserPropertySheet
from zExceptions import Forbidden
from zope.interface import implementer

import os


ACCOUNT_URL_VARIABLE = "ENT_ACCOUNT_URL"
READ_ONLY_MESSAGE = (
    "Ces informations viennent de l'annuaire du Département : elles ne se modifient pas dans l'ENT{where}."
)


class AccountURLError(ValueError):
    """ENT_ACCOUNT_URL is not an http(s) address; the message names it."""


def read_account_url(environ=None) -> str:
    """The County's account service (ENT_ACCOUNT_URL), '' when not set; http(s) only."""
    environ = os.environ if environ is None else environ
    url = environ.get(ACCOUNT_URL_VARIABLE, "").strip()
    if url and (url_scheme(url) not in ("http", "https") or not url.split("://", 1)[-1].strip("/")):
        raise AccountURLError(f"{ACCOUNT_URL_VARIABLE}={url!r} is not an http:// or https:// address")
    return url


def account_url() -> str:
    """ENT_ACCOUNT_URL of this process; '' when unset or invalid (`ent-instance` refuses to
    start with an invalid one)."""
    try:
        return read_account_url()
    except AccountURLError:
        return ""


def read_only_message() -> str:
    url = account_url()
    return READ_ONLY_MESSAGE.format(where=f" mais sur le service de compte du Département, {url}" if url else "")


def refuse():
    raise Forbidden(read_only_message())


@implementer(IMutablePropertySheet)
class DirectoryPropertySheet(UserPropertySheet):
    """A directory person's (or group's) properties, as read; a change raises Forbidden.

    Mutable in name only: Plone then asks it, not the next sheet, so a change of a
    directory field fails loudly (403) instead of landing in the ZODB or being ignored.
    Writing back the value it holds is not a change (forms send every field).
    """

    def canWriteProperty(self, obj, id):
        return False

    def setProperty(self, obj, id, value):
        if self.getProperty(id) != value:
            refuse()

    def setProperties(self, obj, mapping):
        for id, value in mapping.items():
            self.setProperty(obj, id, value)


class ReadOnlyDirectory:
    """Mixed into `EntDirectoryPlugin` before pas.plugins.ldap's plugin."""

    def getPropertiesForUser(self, user_or_group, request=None):
        sheet = super().getPropertiesForUser(user_or_group, request)
        if isinstance(sheet, LDAPUserPropertySheet):
            return DirectoryPropertySheet(sheet.getId(), **dict(sheet.propertyItems()))
        return sheet

    def setPropertiesForUser(self, user, propertysheet):
        pass

    def doChangeUser(self, user_id, password, **kw):
        if self.enumerateUsers(id=user_id, exact_match=True):
            refuse()
        # Not a directory person: PAS asks the next user manager (the site's own accounts).
        raise RuntimeError(f"{user_id} is not a directory account")

    def allowPasswordSet(self, id):
        return False

    def is_directory_account(self, user_id) -> bool:
        return bool(user_id) and bool(self.enumerateUsers(id=user_id, exact_match=True))


def is_directory_account(user_id) -> bool:
    """Whether `user_id` is a person of the County directory (not a local account)."""
    from ent.policy.directory.plugin import PLUGIN_ID
    from plone import api

    plugin = api.portal.get_tool("acl_users").get(PLUGIN_ID)
    return plugin is not None and plugin.is_directory_account(user_id)


def is_directory_user(user) -> bool:
    """Whether a logged-in user (PAS user or member) comes from the directory."""
    from ent.policy.directory.plugin import PLUGIN_ID

    user = getattr(user, "getUser", lambda: user)()
    sheets = getattr(user, "listPropertysheets", lambda: ())()
    return PLUGIN_ID in sheets
