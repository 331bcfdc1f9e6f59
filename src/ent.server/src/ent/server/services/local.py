"""What every private service under var/ shares: loopback ports and values kept from run to run."""

from pathlib import Path

import os
import signal
import socket
import time


def free_port(host="127.0.0.1") -> int:
    """A port nothing listens on now (the system's choice)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host="127.0.0.1") -> bool:
    """Whether a server could listen on `port`. SO_REUSEADDR as the servers themselves set
    it: the connections of a server just stopped (TIME_WAIT) do not make its port look taken,
    which would move a restarted PostgreSQL or ZEO away from the port its clients know."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def kept_value(path: Path, make) -> str:
    """A value kept in `path` (mode 0600), made once by `make()`, the same at every run
    (a generated password, a service's port)."""
    path = Path(path)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = str(make())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(value + "\n")
    return value


def running_pid(pidfile: Path) -> int | None:
    """The pid a service wrote in `pidfile` (its first word), if that process still runs."""
    try:
        pid = int(Path(pidfile).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def terminate(pid_of, timeout: float, poll=0.05) -> None:
    """SIGTERM to the process `pid_of()` names, wait until it is gone, SIGKILL after `timeout`."""
    pid = pid_of()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_of() is not None:
        time.sleep(poll)
    if pid_of() is not None:
        os.kill(pid, signal.SIGKILL)
