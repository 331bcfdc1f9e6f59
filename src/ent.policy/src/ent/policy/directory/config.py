"""The directory's connection settings, read from the environment only.

Nothing here is stored in the ZODB, a GenericSetup profile or the registry: the bind
password lives in ENT_LDAP_BIND_PASSWORD and in this process's memory, nowhere else.
`ent-instance` exports these variables for its own local slapd when no ENT_LDAP_URI is set.
"""

from dataclasses import dataclass
from dataclasses import field
from ent.policy.environment import flag
from ent.policy.environment import number
from ent.policy.environment import ProcessSettings
from functools import partial

import os
import re


class DirectoryConfigError(ValueError):
    """A directory setting has a value the ENT cannot use; the message names it."""


_number = partial(number, error=DirectoryConfigError)
_flag = partial(flag, error=DirectoryConfigError)


def _attribute(environ, name, default):
    value = environ.get(name, "").strip() or default
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,63}", value):
        raise DirectoryConfigError(f"{name}={value!r} is not an LDAP attribute name")
    return value


@dataclass(frozen=True)
class DirectoryConfig:
    uri: str
    bind_dn: str
    bind_password: str = field(repr=False)
    users_base: str
    groups_base: str
    start_tls: bool = False
    ignore_cert: bool = False
    ca_file: str | None = None
    connect_timeout: float = 2.0
    operation_timeout: float = 2.5
    page_size: int = 500
    users_filter: str = "(objectClass=inetOrgPerson)"
    groups_filter: str = "(objectClass=groupOfNames)"
    memcached: str = ""
    cache_seconds: int = 60
    search_limit: int = 50
    login_attribute: str = "uid"
    fullname_attribute: str = "cn"
    email_attribute: str = "mail"
    profile_attribute: str = "employeeType"

    @property
    def enabled(self) -> bool:
        return bool(self.uri)


def read_config(environ=None) -> DirectoryConfig:
    """The directory settings of the environment; an empty URI means no directory."""
    environ = os.environ if environ is None else environ
    uri = environ.get("ENT_LDAP_URI", "").strip()
    if uri and not uri.startswith(("ldap://", "ldaps://", "ldapi://")):
        raise DirectoryConfigError(f"ENT_LDAP_URI={uri!r} is not an ldap://, ldaps:// or ldapi:// address")
    base = environ.get("ENT_LDAP_BASE", "").strip()
    users_base = environ.get("ENT_LDAP_USERS_BASE", "").strip() or (f"ou=people,{base}" if base else "")
    groups_base = environ.get("ENT_LDAP_GROUPS_BASE", "").strip() or (f"ou=groups,{base}" if base else "")
    if uri and not (users_base and groups_base):
        raise DirectoryConfigError(
            "ENT_LDAP_URI is set but not ENT_LDAP_USERS_BASE and ENT_LDAP_GROUPS_BASE (or ENT_LDAP_BASE)"
        )
    return DirectoryConfig(
        uri=uri,
        bind_dn=environ.get("ENT_LDAP_BIND_DN", "").strip(),
        bind_password=environ.get("ENT_LDAP_BIND_PASSWORD", ""),
        users_base=users_base,
        groups_base=groups_base,
        start_tls=_flag(environ, "ENT_LDAP_START_TLS", False),
        ignore_cert=_flag(environ, "ENT_LDAP_IGNORE_CERT", False),
        ca_file=environ.get("ENT_LDAP_CA_FILE", "").strip() or None,
        connect_timeout=_number(environ, "ENT_LDAP_CONNECT_TIMEOUT", 2.0, 0.1, 60, float),
        operation_timeout=_number(environ, "ENT_LDAP_TIMEOUT", 2.5, 0.5, 600, float),
        page_size=_number(environ, "ENT_LDAP_PAGE_SIZE", 500, 10, 10000),
        users_filter=environ.get("ENT_LDAP_USERS_FILTER", "").strip() or "(objectClass=inetOrgPerson)",
        groups_filter=environ.get("ENT_LDAP_GROUPS_FILTER", "").strip() or "(objectClass=groupOfNames)",
        memcached=environ.get("ENT_MEMCACHED", "").strip(),
        cache_seconds=_number(environ, "ENT_LDAP_CACHE_SECONDS", 60, 0, 86400),
        search_limit=_number(environ, "ENT_LDAP_SEARCH_LIMIT", 50, 1, 1000),
        login_attribute=_attribute(environ, "ENT_LDAP_LOGIN_ATTRIBUTE", "uid"),
        fullname_attribute=_attribute(environ, "ENT_LDAP_FULLNAME_ATTRIBUTE", "cn"),
        email_attribute=_attribute(environ, "ENT_LDAP_EMAIL_ATTRIBUTE", "mail"),
        profile_attribute=_attribute(environ, "ENT_LDAP_PROFILE_ATTRIBUTE", "employeeType"),
    )


_settings = ProcessSettings(read_config)
#: The settings of this process, read once; `reset_config` forgets them.
current_config = _settings.current
reset_config = _settings.reset
