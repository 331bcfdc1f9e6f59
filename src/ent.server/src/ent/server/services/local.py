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
    if is_zombie(pid):
        return None
    return pid


def is_zombie(pid: int) -> bool:
    """Whether `pid` has exited and waits to be reaped. A daemon that forked itself away is
    reaped by PID 1, which in a container may never do it: such a process still answers
    kill(pid, 0) but runs no more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ")".
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def terminate(pid_of, timeout: float, poll=0.05) -> bool:
    """SIGTERM to the process `pid_of()` names, wait until it is gone, SIGKILL after `timeout`.
    True when it had to be killed (it may have left its pid file behind)."""
    pid = pid_of()
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_of() is not None:
        time.sleep(poll)
    if pid_of() is None:
        return False
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # it ended between the last look and now
        return False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and pid_of() is not None:
        time.sleep(poll)
    return True
