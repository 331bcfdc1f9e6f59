"""A private Varnish (Debian's varnishd) in front of the ENT's instance(s): ENT_PROXY=varnish.

Its working folder (var/varnish: the rendered VCL, the "busy" page, varnishd's own files, its
pidfile) is its own; it listens on the public address (ENT_HOST:ENT_PORT) and forwards to the
backend on loopback. `ent-instance run` starts it and stops it on exit. The VCL is rendered
from instance/varnish.vcl.in (docs/caching.md says what it caches and what never).
"""

from ent.server.services.local import running_pid
from ent.server.services.local import terminate
from pathlib import Path

import os
import socket
import subprocess
import time


VARNISHD = "/usr/sbin/varnishd"

#: The page of a saturated or stopped backend (a 503 with Retry-After, made by the VCL).
BUSY_PAGE = """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry_after}">
<title>Service très sollicité</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2a36; }}
main {{ max-width: 36rem; margin: 12vh auto; padding: 2rem; background: #fff;
       border-top: 6px solid #0b5aa2; border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.5rem; margin-top: 0; }}
p {{ line-height: 1.5; }}
a {{ color: #0b5aa2; }}
</style>
</head>
<body>
<main role="main">
<h1>Le service est très sollicité, réessayez dans un instant</h1>
<p>Beaucoup de personnes se connectent en ce moment à l'ENT. Cette page se rechargera
d'elle-même dans {retry_after} secondes ; vous pouvez aussi
<a href="javascript:location.reload()">réessayer maintenant</a>.</p>
<p>Les pages publiques du portail restent consultables.</p>
</main>
</body>
</html>
"""


class ProxyError(RuntimeError):
    """Varnish could not be set up or started; the message says why."""


class Varnish:
    def __init__(self, folder: Path, host: str, port: int, backend_host: str, backend_port: int):
        self.folder = Path(folder)
        self.host = host
        self.port = port
        self.backend_host = backend_host
        self.backend_port = backend_port

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def purge_host(self) -> str:
        """Where the instances send PURGE: the listening address, loopback for a wildcard."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host

    @property
    def purge_url(self) -> str:
        host = f"[{self.purge_host}]" if ":" in self.purge_host else self.purge_host
        return f"http://{host}:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.folder / "varnishd.pid"

    @property
    def vcl(self) -> Path:
        return self.folder / "default.vcl"

    @staticmethod
    def available() -> bool:
        return os.access(VARNISHD, os.X_OK)

    def configure(
        self,
        template: Path,
        threads=4,
        grace=6 * 3600,
        retry_after=10,
        first_byte_timeout=60,
        max_connections=None,
        max_ttl=86400,
        trusted_proxy=None,
    ):
        """Render the VCL: `grace` how long a public page is served stale when Zope cannot
        answer, `max_ttl` the longest a page is kept fresh whatever Zope says, `max_connections`
        how many requests Zope gets at once (default: 4 per waitress thread)."""
        from ent.server.files import render

        if not self.available():
            raise ProxyError(f"{VARNISHD} is missing: install the Debian package varnish")
        (self.folder / "work").mkdir(parents=True, exist_ok=True)
        (self.folder / "busy.html").write_text(BUSY_PAGE.format(retry_after=retry_after), encoding="utf-8")
        values = {
            "backend_host": self.backend_host,
            "backend_port": self.backend_port,
            "threads": threads,
            # Waitress queues what its threads cannot take: a few waiting per thread, no more.
            "max_connections": max_connections or max(8, threads * 4),
            "max_ttl": max_ttl,
            # Nobody's address when no proxy is trusted.
            "trusted_proxy": trusted_proxy or "127.0.0.255",
            "purge_host": self.purge_host,
            "first_byte_timeout": first_byte_timeout,
            "grace": grace,
            "retry_after": retry_after,
            "folder": self.folder,
        }
        self.vcl.write_text(render(template.read_text(encoding="utf-8"), values), encoding="utf-8")
        return self

    def pid(self):
        return running_pid(self.pidfile)

    def answers(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def start(self, memory_mb=256, timeout=30.0):
        if self.pid() is not None:
            raise ProxyError(f"a varnishd already runs from {self.folder} (pid {self.pid()})")
        listen = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        command = [
            VARNISHD,
            "-n", str(self.folder / "work"),
            "-a", listen,
            "-f", str(self.vcl),
            "-P", str(self.pidfile),
            "-s", f"malloc,{memory_mb}m",
            "-T", "127.0.0.1:0",
            # Its own user's jail needs a folder that user can read: ours is root's or the tester's.
            "-j", "none",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
            raise ProxyError(f"varnishd did not start on {self.uri}: {' '.join(lines[-3:]) or 'see its log'}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is not None and self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise ProxyError(f"varnishd did not answer on {self.uri} within {timeout:.0f} s")

    def stop(self, timeout=15.0):
        terminate(self.pid, timeout, poll=0.1)


def start(var_dir, host, port, backend_host, backend_port, say=print, template=None, threads=4, **options):
    """Render the VCL into `var_dir` and start varnishd on host:port in front of the backend;
    return the running Varnish (`.stop()`, `.uri`, `.port`)."""
    if template is None:
        template = Path(__file__).resolve().parents[6] / "instance" / "varnish.vcl.in"
    proxy = Varnish(var_dir, host, port, backend_host, backend_port)
    proxy.configure(Path(template), threads=threads, **options)
    proxy.start()
    say(f"front cache (varnish) on {proxy.uri}, in front of {backend_host}:{backend_port}")
    return proxy


def start_front(settings, say=print):
    """ENT_PROXY=varnish for `ent-instance run`: Varnish on ENT_HOST:ENT_PORT, ENT_PURGE_URL
    pointed at it; return (the running Varnish, the settings of what serves behind it: the
    instance or HAProxy, on a free loopback port, believing Varnish's X-Forwarded-For)."""
    from ent.policy.caching.config import reset_config
    from ent.server.services.local import free_port

    import dataclasses

    back = dataclasses.replace(settings, host="127.0.0.1", port=free_port(), proxy=None, trusted_proxy="127.0.0.1")
    proxy = start(
        settings.var / "varnish",
        settings.host,
        settings.port,
        back.host,
        back.port,
        say=say,
        template=settings.templates / "varnish.vcl.in",
        threads=settings.threads * settings.instances,
        trusted_proxy=settings.trusted_proxy,
    )
    say(f"the site is at {proxy.uri}/{settings.site_id} (through the front cache)")
    os.environ["ENT_PURGE_URL"] = proxy.purge_url
    # Several instances (serve-one, started with this environment) behind HAProxy behind
    # Varnish: the visitor is the last but one address (Varnish's, then HAProxy's).
    os.environ["ENT_TRUSTED_PROXY"] = "127.0.0.1"
    reset_config()
    return proxy, back
