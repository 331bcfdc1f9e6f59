"""Tokens (JWT of `@login`) that end with the account, at `@logout`, and after ENT_TOKEN_LIFETIME.

plone.restapi's JWT plugin accepts a token until it expires, whatever became of the
account, and `@logout` cannot end it unless every token ever issued is stored
(`store_tokens`: one more write at every log-in, and a list that only grows). Instead the
site's `jwt_auth` plugin becomes `EntTokenPlugin` (same settings, same id, same place):
- a token is extracted only if its account still exists and is active: the directory is
  asked at most every RECHECK_SECONDS per account and process (past its caches), so a
  removed or deactivated account's tokens stop within a minute;
- `@logout` puts the token's digest in `revoked`, kept until the token would have expired
  anyway: writes happen at log-out only, and the list stays as small as the log-outs of
  one token lifetime;
- new tokens last ENT_TOKEN_LIFETIME.
Extraction, unlike authentication, is not cached by PAS: a revoked token fails at once.
"""

from .config import current_config
from AccessControl.class_init import InitializeClass
from Acquisition import aq_base
from BTrees.OIBTree import OIBTree
from plone.restapi.pas.plugin import JWTAuthenticationPlugin

import hashlib
import logging
import threading
import time


logger = logging.getLogger("ent.policy.logins")

PLUGIN_ID = "jwt_auth"
#: Seconds during which an account found active is not asked again (per process).
RECHECK_SECONDS = 30


class AccountChecks:
    """Accounts found active or not lately, per process."""

    def __init__(self):
        self._seen = {}
        self._lock = threading.Lock()

    def get(self, key):
        seen = self._seen.get(key)
        if seen is not None and time.monotonic() - seen[0] < RECHECK_SECONDS:
            return seen[1]
        return None

    def set(self, key, active):
        with self._lock:
            if len(self._seen) > 100000:
                self._seen.clear()
            self._seen[key] = (time.monotonic(), active)

    def clear(self):
        with self._lock:
            self._seen.clear()


CHECKS = AccountChecks()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def account_active(pas, userid) -> bool:
    """Whether the account of a token still exists and may log in.

    Local accounts (source_users) are looked up in the ZODB; directory accounts in the
    directory. While the directory is unavailable, its accounts are taken as active: an
    outage does not log everyone out (and no one can be removed from it meanwhile).
    """
    local = pas._getOb("source_users", None)
    if local is not None and local.enumerateUsers(id=userid, exact_match=True):
        return True
    directory = pas._getOb("ent-directory", None)
    if directory is None:
        return False
    active = directory.account_active(userid)
    return True if active is None else active


class EntTokenPlugin(JWTAuthenticationPlugin):
    """plone.restapi's JWT plugin, with tokens that end with the account and at log-out."""

    revoked = None

    def extractCredentials(self, request):
        credentials = super().extractCredentials(request)
        if not credentials or "token" not in credentials:
            return credentials
        token = credentials["token"]
        if self.is_revoked(token):
            return None
        payload = self._decode_token(token)
        if not payload or not isinstance(payload.get("sub"), str):
            return None
        userid = payload["sub"]
        key = ("/".join(self.getPhysicalPath()), userid)
        active = CHECKS.get(key)
        if active is None:
            active = account_active(self._getPAS(), userid)
            CHECKS.set(key, active)
        return credentials if active else None

    def create_token(self, userid, timeout=None, data=None):
        if timeout is None:
            timeout = current_config().token_lifetime
        return super().create_token(userid, timeout=timeout, data=data)

    def is_revoked(self, token) -> bool:
        revoked = self.revoked
        return revoked is not None and token_digest(token) in revoked

    def revoke(self, token) -> bool:
        """End this token now (log-out); False if it is not a valid token of this site."""
        payload = self._decode_token(token)
        if not payload or "sub" not in payload:
            return False
        if self.revoked is None:
            self.revoked = OIBTree()
        now = int(time.time())
        # Kept until it would have expired anyway; without `exp`, for the longest lifetime.
        expires = int(payload.get("exp") or now + 30 * 86400)
        self.revoked[token_digest(token)] = expires
        self._forget_expired(now)
        return True

    def _forget_expired(self, now, most=200):
        old = []
        for digest, expires in self.revoked.items():
            if expires < now:
                old.append(digest)
                if len(old) >= most:
                    break
        for digest in old:
            del self.revoked[digest]


InitializeClass(EntTokenPlugin)


def install_tokens(portal):
    """Make the site's `jwt_auth` an EntTokenPlugin (its settings and place stay)."""
    pas = portal.acl_users
    if PLUGIN_ID not in pas.objectIds():
        return None
    plugin = aq_base(pas._getOb(PLUGIN_ID))
    if not isinstance(plugin, EntTokenPlugin):
        plugin.__class__ = EntTokenPlugin
        plugin._p_changed = True
    return pas._getOb(PLUGIN_ID)


def uninstall_tokens(portal):
    pas = portal.acl_users
    if PLUGIN_ID in pas.objectIds():
        plugin = aq_base(pas._getOb(PLUGIN_ID))
        if isinstance(plugin, EntTokenPlugin):
            plugin.__class__ = JWTAuthenticationPlugin
            plugin._p_changed = True
