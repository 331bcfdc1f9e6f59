"""The ENT's directory plugin: pas.plugins.ldap, configured from the environment.

`EntDirectoryPlugin` is pas.plugins.ldap's plugin with four decisions of ours:
- its settings come from `config.current_config()` (environment), through the adapters
  below; the plugin's own persistent settings stay empty, so no secret reaches the ZODB,
  an export or a control panel;
- a login name must look like a login: anything else (`*`, `)(uid=*`, NUL…) is a wrong
  login, never a directory search;
- user and group searches need at least 3 characters and return a bounded number of
  results: nothing lists the whole directory;
- when the directory does not answer, the request is marked so that the login form and
  `@login` can say "directory unavailable" instead of "wrong password". Only a failure to
  reach the directory counts (`HEALTH`, one state for the whole process): a malformed
  password or an error of ours never makes the directory look down.
"""

from .config import current_config
from .readonly import ReadOnlyDirectory
from .shape import DEACTIVATED
from ent.policy.logins.credentials import credentials_problem
from node.ext.ldap.interfaces import ILDAPGroupsConfig
from node.ext.ldap.interfaces import ILDAPProps
from node.ext.ldap.interfaces import ILDAPUsersConfig
from node.ext.ldap.properties import BINARY_DEFAULTS
from node.ext.ldap.properties import MULTIVALUED_DEFAULTS
from node.ext.ldap.scope import ONELEVEL
from pas.plugins.ldap.cache import RequestPluginCache
from pas.plugins.ldap.cache import VolatilePluginCache
from pas.plugins.ldap.interfaces import ICacheSettingsRecordProvider
from pas.plugins.ldap.interfaces import IPluginCacheHandler
from pas.plugins.ldap.interfaces import VALUE_NOT_CACHED
from pas.plugins.ldap.plugin import LDAPPlugin
from Products.PlonePAS.interfaces.group import IGroupIntrospection
from Products.PlonePAS.plugins.group import PloneGroup
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.interfaces.plugins import IPropertiesPlugin
from Products.PluggableAuthService.interfaces.plugins import IRolesPlugin
from zope.component import adapter
from zope.globalrequest import getRequest
from zope.interface import implementer
from zope.interface import Interface

import ldap
import ldap.filter
import logging
import re
import threading
import time


PLUGIN_ID = "ent-directory"
PLUGIN_TITLE = "ENT directory (LDAP)"
#: Seconds during which a failed directory is not asked again (pas.plugins.ldap waits 300 s
#: by default, which would keep logins failing for five minutes after slapd is back).
#: pas.plugins.ldap's own pause (PAS_PLUGINS_LDAP_ERROR_LOG_TIMEOUT, read when its plugin
#: module is imported) is not set: it only applies to the methods its `ldap_error_handler`
#: wraps (`users`, `groups`, `authenticateCredentials`, `enumerateUsers`), which
#: `EntDirectoryPlugin` replaces with `HEALTH` (tests/directory/test_directory_login.py).
RETRY_AFTER = 3.0
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
SEARCH_TEXT = re.compile(r"^[\w .@'-]+$", re.UNICODE)
MIN_SEARCH = 3
UNAVAILABLE = "ent.directory_unavailable"
#: The errors that say the directory cannot be reached or does not answer in time.
OUTAGE_ERRORS = (
    ldap.SERVER_DOWN,
    ldap.TIMEOUT,
    ldap.CONNECT_ERROR,
    ldap.UNAVAILABLE,
    ldap.BUSY,
    ldap.TIMELIMIT_EXCEEDED,
)
logger = logging.getLogger("ent.policy.directory")


class IEntDirectoryPlugin(Interface):
    """Marker of the ENT's directory plugin: its settings come from the environment."""


def is_login(value) -> bool:
    return isinstance(value, str) and bool(LOGIN_PATTERN.match(value))


def mark_unavailable():
    request = getRequest()
    if request is not None:
        request.set(UNAVAILABLE, True)


def directory_unavailable(request) -> bool:
    """Whether the directory failed to answer during this request."""
    return bool(request.get(UNAVAILABLE, False))


class DirectoryHealth:
    """Whether the directory answered lately: one state for the process, not per thread.

    pas.plugins.ldap keeps it in a volatile attribute of the plugin (one per ZODB
    connection, so each worker thread waited for the dead directory in turn) and counts
    any exception, a list given as password included, as an outage.
    """

    def __init__(self):
        self.failed_at = None
        #: Bumped at each outage: the trees built before hold dead connections.
        self.generation = 0
        self._lock = threading.Lock()

    def failed_recently(self) -> bool:
        failed_at = self.failed_at
        return failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER

    def failed(self, error):
        with self._lock:
            self.failed_at = time.monotonic()
            self.generation += 1
        logger.error("directory unavailable: %s", error)

    def reset(self):
        with self._lock:
            self.failed_at = None
            self.generation += 1

    def call(self, function, default=None, outage=OUTAGE_ERRORS):
        """function(), or `default` without waiting while the directory is known down.

        Only `outage` errors count against the directory; any other error is logged and
        gives `default`.
        """
        if self.failed_recently():
            mark_unavailable()
            return default
        try:
            return function()
        except outage as error:
            self.failed(error)
            mark_unavailable()
            return default
        except Exception:
            logger.exception("directory call failed (not an outage)")
            return default


HEALTH = DirectoryHealth()


@implementer(IEntDirectoryPlugin)
class EntDirectoryPlugin(ReadOnlyDirectory, LDAPPlugin):
    meta_type = "ENT Directory Plugin"

    def _principals(self, kind):
        """pas.plugins.ldap's `users` or `groups` node; None without or while the directory fails."""
        if not current_config().enabled:
            return None
        # Building the tree binds with the service account, never with what a visitor
        # typed: any directory error here means the directory cannot be used.
        return HEALTH.call(lambda: getattr(self._ugm(), kind), outage=ldap.LDAPError)

    @property
    def users(self):
        return self._principals("users")

    @property
    def groups(self):
        return self._principals("groups")

    def authenticateCredentials(self, credentials):
        # Not super(): pas.plugins.ldap's would count any error as an outage, per thread.
        login, password = credentials.get("login"), credentials.get("password")
        if not current_config().enabled or not is_login(login):
            return None
        if credentials_problem(login, password) is not None:
            return None  # never sent to the directory: a wrong password, not an outage
        if not self.is_plugin_active(IAuthenticationPlugin):
            return None
        users = self.users
        if not users:
            return None
        userid = HEALTH.call(lambda: users.authenticate(login, password))
        return (userid, login) if userid else None

    def account_active(self, userid):
        """True if the directory has this account and it is not deactivated, False if
        not, None when the directory cannot tell (unavailable). Asks the directory itself,
        past every cache: a token must end within a minute of the account."""
        if not current_config().enabled:
            return False
        if not is_login(userid):
            return False
        users = self.users
        if not users:
            return None
        config = current_config()
        # The filter of EnvironmentUsersConfig, for this one account.
        query = f"(&{config.users_filter}(!(description={DEACTIVATED}))({config.login_attribute}={ldap.filter.escape_filter_chars(userid)}))"
        session = users.context.ldap_session
        found = HEALTH.call(
            lambda: session.search(
                queryFilter=query, scope=ONELEVEL, baseDN=config.users_base, force_reload=True, attrlist=["dn"]
            )
        )
        if found is None:
            return None
        return bool(found)

    def getGroupById(self, group_id):
        """pas.plugins.ldap lists every group to check that one exists; look it up instead."""
        if not is_login(group_id) or not self.is_plugin_active(IGroupIntrospection):
            return None
        groups = self.groups
        if not groups:
            return None
        try:
            ugm_group = groups[group_id]
        except KeyError:
            return None
        # The rest is pas.plugins.ldap's, copied: it builds the group inside getGroupById,
        # after its listing, with no piece of its own to call.
        group = PloneGroup(ugm_group.id, ugm_group.attrs.get("title", None)).__of__(self)
        pas = self._getPAS()
        plugins = pas.plugins
        for finder_id, finder in plugins.listPlugins(IPropertiesPlugin):
            data = finder.getPropertiesForUser(group, None)
            if data:
                group.addPropertysheet(finder_id, data)
        group._addGroups(pas._getGroupsForPrincipal(group, None, plugins=plugins))
        for _, rolemaker in plugins.listPlugins(IRolesPlugin):
            roles = rolemaker.getRolesForPrincipal(group, None)
            if roles:
                group._addRoles(roles)
        return group

    def enumerateUsers(self, id=None, login=None, exact_match=False, sort_by=None, max_results=None, **kw):
        if not current_config().enabled:
            return ()
        # Some callers (plone.restapi's @users?query=) pass a one-item list.
        id, login = single(id), single(login)
        limit = min(max_results or current_config().search_limit, current_config().search_limit)
        if exact_match:
            values = [v for v in (id, login) if v is not None]
            if not values or not all(is_login(v) for v in values):
                return ()
            key = (id, login)
            if MISSING.fresh(key):
                return ()
            users = self.users
            if not users:
                return ()
            criteria = {k: v for k, v in (("id", id), ("login", login)) if v is not None}
            failures = HEALTH.generation

            def exact():
                try:
                    return users.search(criteria=criteria, attrlist=("login",), exact_match=True)
                except ValueError:  # node.ext.ldap: none, or more than one
                    return []

            matches = HEALTH.call(exact, default=None)
            if matches is None:
                return ()  # the directory failed: proves nothing
            found = [{"id": uid, "login": attrs["login"][0], "pluginid": self.getId()} for uid, attrs in matches][
                :limit
            ]
            if not found and HEALTH.generation == failures:
                MISSING.add(key)
            return found
        criteria = {k: v for k, v in dict(kw, id=id, login=login).items() if isinstance(v, str) and v.strip()}
        criteria = {k: v for k, v in criteria.items() if k in ("id", "login", "fullname", "email", "name")}
        if not criteria or not all(searchable(v) for v in criteria.values()):
            return ()
        if "login" in criteria:
            criteria.pop("name", None)
        users = self.users
        if not users:
            return ()
        # One page of at most `limit` entries: the directory never sends more.
        criteria = {key: value.strip().rstrip("*") + "*" for key, value in criteria.items()}
        page = HEALTH.call(
            lambda: users.raw_search(
                criteria=criteria, attrlist=("login",), exact_match=False, page_size=limit, cookie=""
            )
        )
        if page is None:
            return ()
        found, _ = page
        plugin_id = self.getId()
        return [{"id": uid, "login": attrs["login"][0], "pluginid": plugin_id} for uid, attrs in found[:limit]]

    def enumerateGroups(self, id=None, exact_match=False, sort_by=None, max_results=None, **kw):
        if not current_config().enabled:
            return ()
        limit = min(max_results or current_config().search_limit, current_config().search_limit)
        if exact_match:
            if not is_login(id):
                return ()
            return super().enumerateGroups(id=id, exact_match=True, max_results=limit)
        criteria = {
            k: v for k, v in dict(kw, id=id).items() if k in ("id", "title") and isinstance(v, str) and v.strip()
        }
        if not criteria or not all(searchable(v) for v in criteria.values()):
            return ()
        return super().enumerateGroups(exact_match=False, max_results=limit, **criteria)


class MissingPrincipals:
    """Ids the directory does not know, remembered for ENT_LDAP_CACHE_SECONDS.

    PAS caches the users it finds, not the ones it does not: without this, every page
    showing content by a local account (the admin) would ask the directory again.
    """

    def __init__(self):
        self._seen = {}
        self._lock = threading.Lock()

    def fresh(self, key) -> bool:
        seen = self._seen.get(key)
        return seen is not None and time.monotonic() - seen < current_config().cache_seconds

    def add(self, key):
        with self._lock:
            if len(self._seen) > 10000:
                self._seen.clear()
            self._seen[key] = time.monotonic()

    def clear(self):
        with self._lock:
            self._seen.clear()


MISSING = MissingPrincipals()


def single(value):
    """A search value as one string: a one-item list or tuple gives its item."""
    if isinstance(value, (list, tuple)):
        return value[0] if len(value) == 1 and isinstance(value[0], str) else None
    return value


def searchable(text: str) -> bool:
    """A search term: at least 3 characters, no wildcard or filter syntax."""
    text = text.strip().rstrip("*")
    return len(text) >= MIN_SEARCH and bool(SEARCH_TEXT.match(text))


def apply_timeouts(config):
    """python-ldap's process-wide timeouts: they also bound the bind that checks a user's
    password, which node.ext.ldap opens without the plugin's own options."""
    ldap.set_option(ldap.OPT_NETWORK_TIMEOUT, config.connect_timeout)
    ldap.set_option(ldap.OPT_TIMEOUT, config.operation_timeout)


@implementer(ILDAPProps)
@adapter(IEntDirectoryPlugin)
class EnvironmentProps:
    """Server settings of node.ext.ldap, from the environment."""

    retry_max = 1
    retry_delay = 0
    binary_attributes = BINARY_DEFAULTS
    multivalued_attributes = MULTIVALUED_DEFAULTS

    def __init__(self, plugin):
        config = current_config()
        apply_timeouts(config)
        self.uri = config.uri
        self.user = config.bind_dn
        self.password = config.bind_password
        self.start_tls = config.start_tls
        self.ignore_cert = config.ignore_cert
        self.tls_cacertfile = config.ca_file
        self.tls_cacertdir = None
        self.tls_clcertfile = None
        self.tls_clkeyfile = None
        self.page_size = config.page_size
        self.conn_timeout = config.connect_timeout
        self.op_timeout = config.operation_timeout
        self.cache = bool(config.memcached)
        self.timeout = config.cache_seconds
        self.memcached = config.memcached


@implementer(ILDAPUsersConfig)
@adapter(IEntDirectoryPlugin)
class EnvironmentUsersConfig:
    strict = False
    defaults = {}
    scope = ONELEVEL
    objectClasses = ["inetOrgPerson"]
    memberOfSupport = False
    recursiveGroups = False
    memberOfExternalGroupDNs = []
    account_expiration = False
    expiresAttr = None
    expiresUnit = 0

    def __init__(self, plugin):
        config = current_config()
        # The attributes of a County's directory may differ from the demo's (ENT_LDAP_*_ATTRIBUTE).
        self.attrmap = {
            "rdn": config.login_attribute,
            "id": config.login_attribute,
            "login": config.login_attribute,
            "fullname": config.fullname_attribute,
            "email": config.email_attribute,
            "profile": config.profile_attribute,
        }
        self.baseDN = config.users_base
        # Deactivated accounts (provisioning) are not users any more: they cannot log in.
        self.queryFilter = f"(&{config.users_filter}(!(description={DEACTIVATED})))"


@implementer(ILDAPGroupsConfig)
@adapter(IEntDirectoryPlugin)
class EnvironmentGroupsConfig:
    strict = False
    defaults = {}
    scope = ONELEVEL
    objectClasses = ["groupOfNames"]
    memberOfSupport = False
    recursiveGroups = False
    memberOfExternalGroupDNs = []
    expiresAttr = None
    expiresUnit = 0
    attrmap = {"rdn": "cn", "id": "cn", "title": "description", "description": "description"}

    def __init__(self, plugin):
        config = current_config()
        self.baseDN = config.groups_base
        self.queryFilter = config.groups_filter


class DirectoryTreeCache(VolatilePluginCache):
    """pas.plugins.ldap's volatile cache: the directory tree, kept per worker thread, fresh
    for ENT_LDAP_CACHE_SECONDS (not its 10 s) and never past an outage.

    A logged-in page then asks the directory nothing while the tree is fresh. With
    ENT_MEMCACHED, node.ext.ldap also keeps search results in memcached across processes.
    `get` and `set` are restated because upstream's freshness is a module constant and its
    entry has no room for the outage generation.
    """

    def get(self):
        try:
            built, generation, tree = getattr(self.context, self._key())
        except AttributeError:
            return VALUE_NOT_CACHED
        if generation != HEALTH.generation:  # built before an outage: dead connections
            self.invalidate()
            return VALUE_NOT_CACHED
        if time.monotonic() - built >= current_config().cache_seconds:
            return VALUE_NOT_CACHED
        return tree

    def set(self, value):
        setattr(self.context, self._key(), (time.monotonic(), HEALTH.generation, value))


@implementer(IPluginCacheHandler)
@adapter(IEntDirectoryPlugin)
def directory_tree_cache(plugin):
    """The plugin's cache of its directory tree: with ENT_LDAP_CACHE_SECONDS=0,
    pas.plugins.ldap's cache of one request."""
    return DirectoryTreeCache(plugin) if current_config().cache_seconds else RequestPluginCache(plugin)


class MemcachedServers:
    """ENT_MEMCACHED for pas.plugins.ldap's memcached factory (which reads the registry)."""

    @property
    def value(self):
        return current_config().memcached


@implementer(ICacheSettingsRecordProvider)
class MemcachedServersProvider:
    def __call__(self):
        return MemcachedServers()


CACHE_ID = "ent-directory-cache"
#: The log-in throttle's plugin id (ent.policy.logins.throttle.PLUGIN_ID).
AHEAD_OF_DIRECTORY = "ent-login-throttle"
#: How long PAS keeps what it learned of a user (properties, groups, roles).
CACHE_SECONDS = 60


def install_cache(portal):
    """A RAM cache for the site's PAS: a logged-in page then asks the directory nothing.

    PAS caches its user look-ups (`_findUser`, `_verifyUser`) in the cache manager
    associated with it; entries expire after CACHE_SECONDS, so that a change of group in
    the directory shows within a minute.
    """
    from Products.StandardCacheManagers.RAMCacheManager import RAMCacheManager

    if CACHE_ID not in portal.objectIds():
        portal._setObject(CACHE_ID, RAMCacheManager(CACHE_ID))
        portal[CACHE_ID].manage_editProps(
            "ENT: directory look-ups",
            {"threshold": 100000, "cleanup_interval": 300, "request_vars": (), "max_age": CACHE_SECONDS},
        )
    portal.acl_users.ZCacheable_setManagerId(CACHE_ID)


def install_plugin(portal):
    """Add the directory plugin to the site's PAS, first for every interface it provides."""
    install_cache(portal)
    pas = portal.acl_users
    if PLUGIN_ID not in pas.objectIds():
        pas._setObject(PLUGIN_ID, EntDirectoryPlugin(PLUGIN_ID, title=PLUGIN_TITLE))
    plugin = pas[PLUGIN_ID]
    for info in pas.plugins.listPluginTypeInfo():
        interface = info["interface"]
        if not interface.providedBy(plugin):
            continue
        if PLUGIN_ID not in pas.plugins.listPluginIds(interface):
            pas.plugins.activatePlugin(interface, PLUGIN_ID)
        # First, but after the log-in throttle (ent.policy.logins), which must see
        # every password before anyone checks it.
        while (ids := pas.plugins.listPluginIds(interface)).index(PLUGIN_ID) > 0 and ids[0] != AHEAD_OF_DIRECTORY:
            pas.plugins.movePluginsUp(interface, [PLUGIN_ID])
        while (ids := pas.plugins.listPluginIds(interface)).index(PLUGIN_ID) > 1:
            pas.plugins.movePluginsUp(interface, [PLUGIN_ID])
    return plugin


def uninstall_plugin(portal):
    pas = portal.acl_users
    if PLUGIN_ID in pas.objectIds():
        pas._delObject(PLUGIN_ID)
    pas.ZCacheable_setManagerId(None)
    if CACHE_ID in portal.objectIds():
        portal._delObject(CACHE_ID)
