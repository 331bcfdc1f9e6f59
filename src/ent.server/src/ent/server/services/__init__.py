"""The local services that `ent-instance` starts beside Zope when no external one is set:
the directory (a private slapd under var/ldap), the storage's server (a private PostgreSQL
under var/postgresql, a ZEO server under var/zeo: `start_storage`, ent.server.services.storage)."""

from ent.server.services.storage import start_storage  # noqa: F401
from ent.server.services.storage import StorageError  # noqa: F401
