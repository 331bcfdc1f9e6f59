"""The instance's settings, read from the environment and checked before anything runs.

Every setting has one environment variable; docs (README.md) list them. A bad value
raises `SettingsError` whose message names the variable and the value, so that the
command line can print one line and stop before anything under var/ is touched.
"""

from dataclasses import dataclass
from dataclasses import field
from ent.policy.environment import flag
from ent.policy.environment import number
from functools import partial
from pathlib import Path

import ipaddress
import re
import socket


class SettingsError(ValueError):
    """A setting has a value the instance cannot work with."""


_integer = partial(number, error=SettingsError)
_flag = partial(flag, error=SettingsError)


DEFAULT_SITE_TITLE = "Portail du Département"
SITE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
ADMIN_USER_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Settings:
    home: Path
    var: Path
    host: str
    port: int
    threads: int
    storage: str
    site_id: str
    site_title: str
    admin_user: str
    admin_password: str | None
    demo: bool
    debug: bool
    zodb_cache_size: int
    timezone: str
    ldap_uri: str | None
    ldap_port: int | None
    demo_password: str = field(repr=False, default="")
    #: Largest request body accepted, in MB (ent.policy.hardening.bodylimit, ent.server.bodylimit).
    max_upload_mb: int = 50
    #: Address of the reverse proxy in front of the ENT, whose X-Forwarded-Proto (HSTS,
    #: URLs) and X-Forwarded-For (the visitor's address: log-in throttling, access log)
    #: waitress believes (commands.instance.proxy_settings).
    trusted_proxy: str | None = None
    #: How many waitress processes serve the site behind HAProxy (commands.instance).
    instances: int = 1
    #: ENT_STORAGE=relstorage: the PostgreSQL to use (libpq's DSN); None: a private one in
    #: var/postgresql (ent.server.services.postgresql).
    relstorage_dsn: str | None = field(repr=False, default=None)
    #: ENT_STORAGE=zeo: the ZEO server (host:port or a Unix socket's path); None: a private
    #: one in var/zeo (ent.server.services.zeo).
    zeo_address: str | None = None
    #: Where `ent-backup` writes the restore points (ENT_BACKUP_DIR; default backups/ beside
    #: var/, never inside it) and how many it keeps (ENT_BACKUP_KEEP; commands.backup).
    backup_dir: Path | None = None
    backup_keep: int = 7
    #: ENT_PROXY=varnish: a private Varnish on ENT_HOST:ENT_PORT caches public pages in front
    #: of the instance(s) (ent.server.services.varnish, docs/caching.md); None: no front cache.
    proxy: str | None = None

    @property
    def local_directory(self) -> bool:
        """No ENT_LDAP_URI: `make run` serves its own directory from var/ldap."""
        return not self.ldap_uri

    @property
    def templates(self) -> Path:
        return self.home / "instance"

    @property
    def etc(self) -> Path:
        return self.var / "etc"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/{self.site_id}"


def known_storages(templates: Path) -> list[str]:
    """The storages this instance can use: one template each in instance/storage/."""
    return sorted(p.name.removesuffix(".conf.in") for p in (templates / "storage").glob("*.conf.in"))


def _host(raw):
    host = raw.strip()
    if not host:
        raise SettingsError("ENT_HOST is empty (e.g. 127.0.0.1, or 0.0.0.0 for every interface)")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        raise SettingsError(
            f"ENT_HOST={raw!r} is neither an IP address nor a host name this machine resolves"
        ) from None
    return host


def _trusted_proxy(raw):
    value = raw.strip()
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise SettingsError(
            f"ENT_TRUSTED_PROXY={raw!r} is not an IP address (the reverse proxy's, e.g. 127.0.0.1)"
        ) from None
    # waitress compares it, as a string, with the peer's address: the canonical form
    # ('::1', not '0::1').
    return str(address)


def _backup_dir(raw, home, var):
    value = raw.strip()
    folder = Path(value) if value else home / "backups"
    if not folder.is_absolute():
        folder = home / folder
    folder = folder.resolve()
    if folder == var or var in folder.parents:
        # Destroying var/ (a lost disk, a mistaken rm) would take the backups with it.
        raise SettingsError(f"ENT_BACKUP_DIR={raw!r} is inside the data folder {var}: choose a folder outside it")
    return folder


def _relstorage_dsn(raw):
    value = raw.strip()
    if not value:
        return None
    from psycopg2 import ProgrammingError
    from psycopg2.extensions import parse_dsn

    try:
        parse_dsn(value)
    except ProgrammingError:
        # The DSN may hold a password: not repeated in the message.
        raise SettingsError(
            "ENT_RELSTORAGE_DSN is not a PostgreSQL connection string "
            "(e.g. 'dbname=ent user=ent host=db.example port=5432' or postgresql://ent@db.example/ent)"
        ) from None
    return value


def _zeo_address(raw):
    value = raw.strip()
    if not value:
        return None
    if value.startswith("/"):
        return value
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise SettingsError(f"ENT_ZEO_ADDRESS={raw!r} is neither host:port nor a Unix socket's absolute path")
    return value


PROXIES = ("varnish",)


def _proxy(raw):
    value = raw.strip().lower()
    if value in ("", "none", "0", "no"):
        return None
    if value not in PROXIES:
        raise SettingsError(f"ENT_PROXY={raw!r} is not a known front cache (choose varnish, or leave it empty)")
    return value


def load(environ, home) -> Settings:
    """Read every ENT_* setting from `environ`; raise SettingsError on the first bad one."""
    home = Path(home).resolve()
    templates = home / "instance"
    if not (templates / "zope.conf.in").is_file():
        raise SettingsError(f"ENT_HOME={str(home)!r} has no instance/zope.conf.in: run from the project folder")

    storage = environ.get("ENT_STORAGE", "filestorage").strip() or "filestorage"
    storages = known_storages(templates)
    if storage not in storages:
        raise SettingsError(f"ENT_STORAGE={storage!r} is not a known storage (choose one of: {', '.join(storages)})")

    site_id = environ.get("ENT_SITE_ID", "ent").strip()
    if not SITE_ID_PATTERN.match(site_id):
        raise SettingsError(
            f"ENT_SITE_ID={site_id!r} is not a valid site id "
            "(lower-case letters, digits, '-' or '_', starting with a letter)"
        )
    admin_user = environ.get("ENT_ADMIN_USER", "admin").strip()
    if not ADMIN_USER_PATTERN.match(admin_user):
        raise SettingsError(f"ENT_ADMIN_USER={admin_user!r} is not a valid login name")
    admin_password = environ.get("ENT_ADMIN_PASSWORD") or None
    if admin_password is not None and len(admin_password) < 8:
        raise SettingsError("ENT_ADMIN_PASSWORD is shorter than 8 characters")

    title = environ.get("ENT_SITE_TITLE", "").strip() or DEFAULT_SITE_TITLE
    var = Path(environ.get("ENT_VAR_DIR", "").strip() or home / "var")
    if not var.is_absolute():
        var = home / var

    timezone = environ.get("ENT_TIMEZONE", "Europe/Paris").strip()
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:
        raise SettingsError(f"ENT_TIMEZONE={timezone!r} is not a known time zone (e.g. Europe/Paris)") from None

    if "ENT_TRUSTED_PROXIES" in environ:
        # Ignored silently, every visitor would share the proxy's address (and its lock).
        raise SettingsError("ENT_TRUSTED_PROXIES is no longer read: set ENT_TRUSTED_PROXY to the proxy's IP address")

    ldap_uri = environ.get("ENT_LDAP_URI", "").strip() or None
    try:
        from ent.policy.directory.config import read_config

        read_config(environ)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    try:
        from ent.policy.notifications.config import read_config as read_notification_config

        read_notification_config(environ)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    try:
        from ent.policy.directory.readonly import read_account_url

        read_account_url(environ)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    try:
        from ent.policy.caching.config import read_config as read_caching_config

        read_caching_config(environ)
    except ValueError as error:
        raise SettingsError(str(error)) from None

    instances = _integer(environ, "ENT_INSTANCES", 1, 1, 64)
    if instances > 1 and storage == "filestorage":
        raise SettingsError(
            f"ENT_INSTANCES={instances} needs a database the instances share: "
            "set ENT_STORAGE=relstorage (or zeo); a FileStorage is one process's file"
        )

    return Settings(
        home=home,
        var=var.resolve(),
        host=_host(environ.get("ENT_HOST", "127.0.0.1")),
        port=_integer(environ, "ENT_PORT", 8080, 1, 65535),
        threads=_integer(environ, "ENT_THREADS", 4, 1, 64),
        storage=storage,
        site_id=site_id,
        site_title=title,
        admin_user=admin_user,
        admin_password=admin_password,
        demo=_flag(environ, "ENT_DEMO", True),
        debug=_flag(environ, "ENT_DEBUG", False),
        # 200,000, not Plone's usual 30,000: the catalog of a County's 50,000 items does not
        # fit in 30,000 objects, so pages read in turn loaded its buckets again from the
        # storage on every request (@my-feed p95 1.3 s at 30,000, 46 ms at 200,000, for about
        # the same memory: docs/benchmarks.md, "Targeted communication at scale").
        zodb_cache_size=_integer(environ, "ENT_ZODB_CACHE_SIZE", 200_000, 100, 10_000_000),
        timezone=timezone,
        ldap_uri=ldap_uri,
        ldap_port=_integer(environ, "ENT_LDAP_PORT", None, 1, 65535),
        demo_password=environ.get("ENT_DEMO_PASSWORD") or "demo",
        max_upload_mb=_integer(environ, "ENT_MAX_UPLOAD_MB", 50, 1, 10240),
        trusted_proxy=_trusted_proxy(environ.get("ENT_TRUSTED_PROXY", "")),
        relstorage_dsn=_relstorage_dsn(environ.get("ENT_RELSTORAGE_DSN", "")),
        zeo_address=_zeo_address(environ.get("ENT_ZEO_ADDRESS", "")),
        backup_dir=_backup_dir(environ.get("ENT_BACKUP_DIR", ""), home, var.resolve()),
        backup_keep=_integer(environ, "ENT_BACKUP_KEEP", 7, 1, 1000),
        instances=instances,
        proxy=_proxy(environ.get("ENT_PROXY", "")),
    )
