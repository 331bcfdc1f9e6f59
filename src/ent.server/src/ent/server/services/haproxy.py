"""HAProxy (Debian's) in front of several instances: `ENT_INSTANCES=N`.

It listens on ENT_HOST:ENT_PORT and spreads the requests over the N waitress instances on
loopback ports (leastconn), checks each one every second (`/@@ok`, which also reads the
database) and takes an instance out after two failed checks; a request whose connection an
instance refuses is sent to another one (`retries`, `redispatch`), so a stopped or killed
instance costs the visitors nothing. Its configuration is rendered from
instance/haproxy.cfg.in into var/haproxy, with its pidfile and admin socket.
"""

from ent.server.files import render
from ent.server.services.local import running_pid
from pathlib import Path

import os
import shutil
import signal
import socket
import subprocess
import time


HAPROXY = "/usr/sbin/haproxy"
RETRY_AFTER = 10
#: What a visitor gets when every instance is down or busy past `timeout queue`: a page in
#: French that says to try again, never HAProxy's blank error.
BUSY_PAGE = """\
HTTP/1.1 503 Service Unavailable\r
Content-Type: text/html; charset=utf-8\r
Cache-Control: no-store\r
Retry-After: {retry_after}\r
Connection: close\r
\r
<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Service très sollicité</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em">
<h1>Le service est très sollicité</h1>
<p>Le service est très sollicité, réessayez dans un instant.</p>
</body></html>
"""


class HAProxyError(RuntimeError):
    """HAProxy could not start; the message says why."""


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class LoadBalancer:
    def __init__(self, folder: Path, host: str, port: int, backends, threads: int, trusted_proxy=None):
        self.folder = Path(folder)
        self.host = host
        self.port = port
        #: [(name, host, port)] of the instances.
        self.backends = list(backends)
        self.threads = threads
        self.trusted_proxy = trusted_proxy

    @property
    def config(self) -> Path:
        return self.folder / "haproxy.cfg"

    @property
    def pidfile(self) -> Path:
        return self.folder / "haproxy.pid"

    @property
    def socket_path(self) -> Path:
        return self.folder / "haproxy.sock"

    @property
    def uri(self) -> str:
        return f"http://{_address(self.host, self.port)}"

    def configure(self, template: Path):
        servers = "\n".join(f"    server {name} {_address(host, port)}" for name, host, port in self.backends)
        text = render(
            template.read_text(encoding="utf-8"),
            {
                "folder": self.folder,
                "bind": _address(self.host, self.port),
                # 'src' needs an address: a loopback one nobody proxies from stands for none.
                "trusted": self.trusted_proxy or "127.0.0.255",
                "maxconn": self.threads,
                "servers": servers,
            },
        )
        (self.folder / "503.http").write_text(BUSY_PAGE.format(retry_after=RETRY_AFTER), encoding="utf-8")
        self.config.write_text(text, encoding="utf-8")
        result = subprocess.run([HAPROXY, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
        if result.returncode != 0:
            raise HAProxyError(
                f"the rendered {self.config} is invalid: {result.stderr.strip() or result.stdout.strip()}"
            )

    def pid(self):
        return running_pid(self.pidfile)

    def start(self, timeout=10.0):
        result = subprocess.run(
            [HAPROXY, "-D", "-f", str(self.config), "-p", str(self.pidfile)], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise HAProxyError(f"haproxy did not start on {self.uri}: {result.stderr.strip()}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise HAProxyError(f"haproxy did not listen on {self.uri} within {timeout:.0f} s")

    def command(self, line: str) -> str:
        """One command on HAProxy's admin socket (e.g. 'show servers state')."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket_path))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def servers_up(self) -> list[str]:
        """The names of the instances HAProxy sends requests to now."""
        up = []
        for line in self.command("show stat").splitlines():
            fields = line.split(",")
            if len(fields) > 17 and fields[0] == "instances" and fields[1] not in ("BACKEND", "FRONTEND"):
                if fields[17].startswith("UP"):
                    up.append(fields[1])
        return up

    def stop(self, timeout=10.0):
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGUSR1)  # soft stop: requests under way are answered first
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.05)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)


def available() -> bool:
    return shutil.which(HAPROXY) is not None or os.access(HAPROXY, os.X_OK)


def start(folder: Path, template: Path, host, port, backends, threads, trusted_proxy=None, say=print):
    """Start HAProxy on host:port in front of `backends` [(name, host, port)]; return it."""
    if not available():
        raise HAProxyError(f"{HAPROXY} is missing: install the Debian package haproxy")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    balancer = LoadBalancer(folder, host, port, backends, threads, trusted_proxy)
    balancer.stop()  # one left behind by an instance that was killed
    balancer.configure(template)
    balancer.start()
    say(f"HAProxy on {balancer.uri} in front of {len(balancer.backends)} instances")
    return balancer
