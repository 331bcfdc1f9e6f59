"""Throttling of failed log-ins: per account (from any address) and per address (any account).

`LoginThrottle` is a PAS authentication plugin placed first. For a login and a password
(login form, HTTP Basic, `@login`) it
- refuses at once, without checking the password, while the account or the address must
  wait (slowed down) or is locked: `request[REFUSED]` then holds the seconds left;
- otherwise asks the other authentication plugins itself, and counts a failure against
  the account and the address (not when the directory was unavailable, nor when the Zope
  root's user folder knows these credentials: the local admin lives there);
- clears the credentials it handled, so that no other plugin checks them a second time.

The counts live in the ZODB (`records`, an OOBTree of the plugin), so that every instance
on the database shares them. A failure is written in its own small transaction at once:
the request's own transaction is aborted when HTTP Basic ends in 401, and a conflict with
another instance counting the same account is retried there, not in the request.
"""

from .config import current_config
from .credentials import credentials_problem
from AccessControl.class_init import InitializeClass
from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from ent.policy.directory.plugin import directory_unavailable
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from ZODB.POSException import ConflictError
from zope.globalrequest import getRequest
from zope.interface import implementer

import hashlib
import logging
import math
import random
import time
import transaction


logger = logging.getLogger("ent.policy.logins")

PLUGIN_ID = "ent-login-throttle"
#: The request key holding the seconds a refused log-in must wait.
REFUSED = "ent.login_refused"
#: The request key holding why credentials were malformed.
MALFORMED = "ent.login_malformed"
_CHECKED = "ent.login_checked"
#: The longest pause asked between two attempts before the lock.
MAX_DELAY = 60


def refused_message(seconds) -> str:
    """The French sentence of a refused log-in."""
    seconds = max(1, math.ceil(seconds))
    if seconds <= 90:
        wait = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"Trop de tentatives de connexion échouées : connexion refusée pour le moment. Réessayez dans {wait}."


# The rule itself, on records (failures, time of the last failure, locked until): plain
# functions of time, so that it reads (and is tested) apart from PAS and the ZODB.


def wait_seconds(record, now, limit, window) -> float:
    """Seconds before this key may try again: 0 if it may now."""
    if record is None:
        return 0.0
    failures, last, locked_until = record
    if locked_until:
        return max(0.0, locked_until - now)
    if now - last > window:
        return 0.0
    slow_after = max(1, limit // 2)
    if failures < slow_after:
        return 0.0
    delay = min(2 ** (failures - slow_after), MAX_DELAY)
    return max(0.0, last + delay - now)


def after_failure(record, now, limit, window, lock):
    """The record once one more failure is counted."""
    if record is None:
        failures = 1
    else:
        count, last, locked_until = record
        forgotten = (locked_until and locked_until <= now) or (not locked_until and now - last > window)
        failures = 1 if forgotten else count + 1
    return (failures, now, now + lock if failures >= limit else 0.0)


def stale(record, now, window) -> bool:
    failures, last, locked_until = record
    return (locked_until and locked_until <= now) or (not locked_until and now - last > window)


def account_key(login: str) -> str:
    # Directory logins match whatever their case: one account, one count.
    return "account:" + login.strip().lower()


def address_key(address: str) -> str:
    return "address:" + address


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR. Behind the proxy at ENT_TRUSTED_PROXY, waitress
    has already set it from the proxy's X-Forwarded-For (instance.cli.proxy_settings)."""
    return (request.get("REMOTE_ADDR") or "").strip() or "unknown"


@implementer(IAuthenticationPlugin)
class LoginThrottle(BasePlugin):
    """Counts failed log-ins and refuses, for a while, accounts and addresses that fail too often."""

    meta_type = "ENT Login Throttle"

    def __init__(self, id, title=None):
        self._setId(id)
        self.title = title
        self.records = OOBTree()

    # IAuthenticationPlugin

    def authenticateCredentials(self, credentials):
        if "password" not in credentials or "login" not in credentials:
            return None  # a token, a session cookie: not a password attempt
        request = getRequest()
        login, password = credentials.get("login"), credentials.get("password")
        problem = credentials_problem(login, password)
        if problem is not None:
            # Refused here, once: no other plugin (nor the directory) sees it, nothing is counted.
            credentials.clear()
            if request is not None:
                request.set(MALFORMED, problem)
            return None
        config = current_config()
        if not config.throttle:
            return None
        checked = request.other.setdefault(_CHECKED, {}) if request is not None else {}
        memo = (login, hashlib.sha256(password.encode("utf-8", "surrogatepass")).hexdigest())
        if memo in checked:  # `@login` checks the same credentials twice in one request
            credentials.clear()
            return checked[memo]
        address = client_address(request) if request is not None else "unknown"
        keys = (account_key(login), address_key(address))
        now = time.time()
        wait = max(
            wait_seconds(self.records.get(keys[0]), now, config.account_limit, config.window_seconds),
            wait_seconds(self.records.get(keys[1]), now, config.address_limit, config.window_seconds),
        )
        if wait > 0:
            credentials.clear()
            checked[memo] = None
            if request is not None:
                request.set(REFUSED, wait)
            logger.info("log-in refused for %r from %s: %.0f s to wait", login, address, wait)
            return None
        result = self._authenticate_with_others(credentials)
        if result is None:
            if not (request is not None and directory_unavailable(request)) and not self._root_knows(login, password):
                self.count_failure(keys, now)
        elif keys[0] in self.records:
            self._write(lambda records: records.pop(keys[0], None))
        checked[memo] = result
        credentials.clear()
        return result

    def _authenticate_with_others(self, credentials):
        pas = self._getPAS()
        for plugin_id, plugin in pas.plugins.listPlugins(IAuthenticationPlugin):
            if plugin_id == self.getId():
                continue
            try:
                result = plugin.authenticateCredentials(credentials)
            except Exception:
                logger.debug("authentication plugin %s failed", plugin_id, exc_info=True)
                continue
            if result is not None and result[0] is not None:
                return result
        return None

    def _root_knows(self, login, password) -> bool:
        """Whether the Zope root's user folder (the local admin) accepts these credentials."""
        pas = self._getPAS()
        root_folder = getattr(pas.getPhysicalRoot(), "acl_users", None)
        if root_folder is None or aq_base(root_folder) is aq_base(pas):
            return False
        try:
            return root_folder.authenticate(login, password, None) is not None
        except Exception:
            return False

    # The records

    def count_failure(self, keys, now=None):
        config = current_config()
        now = time.time() if now is None else now
        limits = {keys[0]: config.account_limit, keys[1]: config.address_limit}

        def change(records):
            for key, limit in limits.items():
                records[key] = after_failure(records.get(key), now, limit, config.window_seconds, config.lock_seconds)
            if random.random() < 0.02:
                self._purge(records, now, config.window_seconds)

        self._write(change)

    @staticmethod
    def _purge(records, now, window, most=1000):
        """Forget old records (a bounded number at a time: an attacker's random logins)."""
        old = []
        for key, record in records.items():
            if stale(record, now, window):
                old.append(key)
                if len(old) >= most:
                    break
        for key in old:
            del records[key]

    def _write(self, change, seconds=10.0):
        """Apply `change` to the records in a transaction of its own, committed now.

        Concurrent failures of one account or address write the same record: the loser of
        a conflict reads again and retries, for up to `seconds` (a failed log-in may wait;
        a lost count would let an attacker try more often than the limit)."""
        records = self.records
        jar = getattr(self, "_p_jar", None)
        if jar is None or records._p_oid is None:
            change(records)  # not stored yet (a fresh site): the request's transaction
            return
        manager = transaction.TransactionManager()
        connection = jar.db().open(transaction_manager=manager)
        deadline = time.monotonic() + seconds
        attempt = 0
        try:
            while True:
                try:
                    manager.begin()
                    change(connection.get(records._p_oid))
                    manager.commit()
                    return
                except ConflictError:
                    manager.abort()
                    if time.monotonic() > deadline:
                        break
                    # Another thread or instance counted the same key: wait a little, read again.
                    time.sleep(random.uniform(0, min(0.2, 0.01 * 2**attempt)))
                    attempt += 1
            logger.warning("log-in throttle: could not record a failure after %d conflicts in %.0f s", attempt, seconds)
        finally:
            manager.abort()
            connection.close()

    def entries(self, now=None):
        """The accounts and addresses that must wait now, the longest wait first."""
        config = current_config()
        now = time.time() if now is None else now
        found = []
        for key, record in self.records.items():
            kind, value = key.split(":", 1)
            limit = config.account_limit if kind == "account" else config.address_limit
            wait = wait_seconds(record, now, limit, config.window_seconds)
            if wait > 0:
                found.append(
                    {
                        "kind": kind,
                        "value": value,
                        "failures": record[0],
                        "locked": bool(record[2]),
                        "seconds": math.ceil(wait),
                    }
                )
        return sorted(found, key=lambda entry: -entry["seconds"])

    def lift(self, kind, value) -> bool:
        """Forget the failures of one account or address; False if it had none."""
        key = account_key(value) if kind == "account" else address_key(value.strip())
        if key not in self.records:
            return False
        del self.records[key]
        return True


InitializeClass(LoginThrottle)


def install_throttle(portal):
    """Add the throttle to the site's PAS, first of the authentication plugins."""
    pas = portal.acl_users
    if PLUGIN_ID not in pas.objectIds():
        pas._setObject(PLUGIN_ID, LoginThrottle(PLUGIN_ID, title="ENT: failed log-ins throttle"))
    plugins = pas.plugins
    if PLUGIN_ID not in plugins.listPluginIds(IAuthenticationPlugin):
        plugins.activatePlugin(IAuthenticationPlugin, PLUGIN_ID)
    while plugins.listPluginIds(IAuthenticationPlugin)[0] != PLUGIN_ID:
        plugins.movePluginsUp(IAuthenticationPlugin, [PLUGIN_ID])
    return pas[PLUGIN_ID]


def get_throttle(portal):
    pas = portal.acl_users
    return pas[PLUGIN_ID] if PLUGIN_ID in pas.objectIds() else None
