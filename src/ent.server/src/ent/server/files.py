"""The instance's files under var/: configuration rendered from instance/, the run lock.

Templates use `{{name}}` placeholders; a placeholder without a value is an error, so a
template and this module cannot drift apart silently.
"""

from .settings import Settings
from .settings import SettingsError
from pathlib import Path

import errno
import fcntl
import os
import re
import shutil
import socket


PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
LOCK_NAME = "ent-instance.lock"


class AlreadyRunning(RuntimeError):
    """Another ent-instance serves from the same var/ folder."""


class PortInUse(RuntimeError):
    """The address to serve on is taken."""


def render(text: str, values: dict) -> str:
    def value(match):
        name = match.group(1)
        if name not in values:
            raise SettingsError(f"template placeholder {{{{{name}}}}} has no value")
        return str(values[name])

    return PLACEHOLDER.sub(value, text)


def template_values(settings: Settings) -> dict:
    values = {
        "var": settings.var,
        "etc": settings.etc,
        "host": settings.host,
        "port": settings.port,
        "threads": settings.threads,
        "debug_mode": "on" if settings.debug else "off",
        "cache_size": settings.zodb_cache_size,
        "timezone": settings.timezone,
        "max_upload_mb": settings.max_upload_mb,
        # waitress refuses a body of this size or more: one byte above the limit.
        "max_request_body_size": settings.max_upload_mb * 1024 * 1024 + 1,
    }
    from ent.server.services.storage import storage_values

    values.update(storage_values(settings))
    storage_template = settings.templates / "storage" / f"{settings.storage}.conf.in"
    values["storage"] = render(storage_template.read_text(encoding="utf-8"), values)
    return values


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def write_instance(settings: Settings) -> Path:
    """Render zope.conf, zope.ini and site.zcml into var/etc; return the zope.ini path."""
    for folder in ("etc", "log", "cache", "filestorage", "blobstorage"):
        (settings.var / folder).mkdir(parents=True, exist_ok=True)
    os.chmod(settings.var / "blobstorage", 0o700)
    values = template_values(settings)
    for name in ("zope.conf", "zope.ini"):
        text = render((settings.templates / f"{name}.in").read_text(encoding="utf-8"), values)
        write_if_changed(settings.etc / name, text)
    shutil.copyfile(settings.templates / "site.zcml", settings.etc / "site.zcml")
    return settings.etc / "zope.ini"


class RunLock:
    """One ent-instance per var/ folder: an exclusive lock on var/ent-instance.lock.

    Taken before anything else is written, so that a second `make run` stops without
    touching the data of the one that runs. The kernel drops the lock when the process
    ends, even when it is killed.
    """

    def __init__(self, var: Path):
        self.path = var / LOCK_NAME
        self.fd = None

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def _refuse(self):
        raise AlreadyRunning(
            f"an ENT instance is already running from {self.path.parent} (pid {self.holder()}); "
            "stop it first (make stop)"
        )

    def check_free(self):
        """Raise AlreadyRunning if another instance holds the lock; create and write nothing."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._refuse()
        finally:
            os.close(fd)

    def acquire(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            self._refuse()
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def release(self):
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)
            self.fd = None


def listen_socket(host: str, port: int) -> socket.socket:
    """Bind the server's socket now, so that a taken port is reported before start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    infos = socket.getaddrinfo(host, port, family if ":" in host else socket.AF_UNSPEC, socket.SOCK_STREAM)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use; stop what uses it or set ENT_PORT") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise PortInUse(f"not allowed to listen on port {port} of {host}; choose ENT_PORT above 1023") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise PortInUse(f"ENT_HOST={host!r} is not an address of this machine") from None
        raise
    return sock
