"""A private ZEO server, the second storage for several instances (ENT_STORAGE=zeo).

Without ENT_ZEO_ADDRESS, `ent-instance run` starts a ZEO server of its own (ZEO's runzeo, in
a process of its own) serving var/zeo/Data.fs and its blobs on a loopback port kept in
var/zeo/port, with its pidfile and log in var/zeo; it stops with the instance, and a server
left behind by a killed instance is stopped at the next start.
"""

from ent.server.files import render
from ent.server.files import write_if_changed
from ent.server.services.local import free_port
from ent.server.services.local import port_is_free
from ent.server.services.local import running_pid
from pathlib import Path

import os
import signal
import socket
import subprocess
import sys
import time


class ZEOError(RuntimeError):
    """The ZEO server could not be started or reached; the message says why."""


def answers(address: str, timeout=1.0) -> bool:
    """Something accepts connections at `address` (host:port or a Unix socket's path)."""
    try:
        if address.startswith("/"):
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(timeout)
                sock.connect(address)
        else:
            host, _, port = address.rpartition(":")
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError:
        return False
    return True


class PrivateZEO:
    host = "127.0.0.1"

    def __init__(self, folder: Path, template: Path):
        self.folder = Path(folder)
        self.template = Path(template)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        port_file = self.folder / "port"
        if not port_file.exists():
            port_file.write_text(f"{free_port()}\n", encoding="utf-8")
        self.port = int(port_file.read_text(encoding="utf-8").strip())
        self.process = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"zeo://{self.address}"

    @property
    def config(self) -> Path:
        return self.folder / "zeoserver.conf"

    @property
    def pidfile(self) -> Path:
        return self.folder / "zeoserver.pid"

    def configure(self):
        (self.folder / "blobs").mkdir(mode=0o700, exist_ok=True)
        text = render(self.template.read_text(encoding="utf-8"), {"folder": self.folder, "address": self.address})
        write_if_changed(self.config, text)

    def pid(self) -> int | None:
        return running_pid(self.pidfile)

    def start(self, timeout=30.0):
        if not port_is_free(self.port):
            self.port = free_port()
            (self.folder / "port").write_text(f"{self.port}\n", encoding="utf-8")
        self.configure()
        log = (self.folder / "runzeo.out").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ZEO.runzeo", "-C", str(self.config)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ZEOError(f"the ZEO server did not start (see {self.folder / 'zeoserver.log'})")
            if answers(self.address):
                return self
            time.sleep(0.1)
        self.stop()
        raise ZEOError(f"the ZEO server did not answer on {self.address} within {timeout:.0f} s")

    def stop(self, timeout=30.0):
        pid = self.process.pid if self.process is not None and self.process.poll() is None else self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.pid == pid:
                if self.process.poll() is not None:
                    break
            elif self.pid() is None:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)


def start(folder: Path, template: Path, say=print) -> PrivateZEO:
    """Start the private ZEO server in `folder` (its config rendered from `template`); return it."""
    server = PrivateZEO(folder, template)
    server.stop()  # a server left behind by an instance that was killed
    server.start()
    return server
