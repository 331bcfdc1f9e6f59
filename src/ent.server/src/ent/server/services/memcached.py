"""A private memcached (Debian's) for the directory cache that several instances share.

`ent-instance run` starts it under var/memcached, on a loopback port, when ENT_INSTANCES
is above 1 and ENT_MEMCACHED names no existing one; it stops with the instance. Each
instance then finds it in ENT_MEMCACHED (ent.policy.directory.config), so a search the
directory answered for one instance is not asked again by the others.
"""

from ent.server.services.local import free_port
from ent.server.services.local import running_pid
from ent.server.services.local import terminate
from pathlib import Path

import os
import socket
import subprocess
import time


MEMCACHED = "/usr/bin/memcached"
#: Memory for the cache, in MB: search results of the directory, small.
MEMORY_MB = 64


class MemcachedError(RuntimeError):
    """The private memcached could not start; the message says why."""


class Memcached:
    def __init__(self, folder: Path, port: int, host="127.0.0.1"):
        self.folder = Path(folder)
        self.port = port
        self.host = host

    @property
    def uri(self) -> str:
        """The ENT_MEMCACHED value: `host:port`."""
        return f"{self.host}:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.folder / "memcached.pid"

    def pid(self):
        return running_pid(self.pidfile)

    def answers(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as sock:
                sock.sendall(b"version\r\n")
                return sock.recv(64).startswith(b"VERSION")
        except OSError:
            return False

    def start(self, timeout=10.0):
        if not os.access(MEMCACHED, os.X_OK):
            raise MemcachedError(f"{MEMCACHED} is missing: install the Debian package memcached")
        command = [
            MEMCACHED, "-d", "-P", str(self.pidfile), "-l", self.host, "-p", str(self.port),
            "-U", "0", "-m", str(MEMORY_MB),
        ]  # fmt: skip
        if os.geteuid() == 0:
            command += ["-u", "root"]  # memcached refuses to run as root unless told
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise MemcachedError(f"memcached did not start on {self.uri}: {result.stderr.strip()}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise MemcachedError(f"memcached did not answer on {self.uri} within {timeout:.0f} s")

    def stop(self, timeout=10.0):
        terminate(self.pid, timeout, poll=0.05)
        self.pidfile.unlink(missing_ok=True)


def start(folder: Path, port: int | None = None, say=print) -> Memcached:
    """Start a private memcached in `folder` (stopping one an earlier run left behind)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    server = Memcached(folder, port or free_port())
    server.stop()
    server.start()
    say(f"private memcached on {server.uri} (directory cache shared by the instances)")
    return server
