"""ent.server.services.local: the ports and kept values every private service uses."""

from ent.server.services.local import free_port
from ent.server.services.local import kept_value
from ent.server.services.local import port_is_free

import socket
import stat


def test_a_port_just_left_by_a_stopped_server_is_free():
    """A server that stopped leaves its connections in TIME_WAIT: its port must still look
    free, or a restarted PostgreSQL or ZEO moves to another port its clients do not know."""
    port = free_port()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    assert not port_is_free(port)  # listening: taken
    accepted.close()  # the server closes first: TIME_WAIT on its side
    client.close()
    server.close()
    assert port_is_free(port)


def test_a_kept_value_is_made_once_and_private(tmp_path):
    made = []
    path = tmp_path / "password"
    first = kept_value(path, lambda: made.append(1) or "s3cret")
    assert kept_value(path, lambda: made.append(1) or "other") == first == "s3cret"
    assert made == [1]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_running_pid_and_its_end(tmp_path):
    """running_pid reads a service's pidfile and says whether it still runs; terminate stops it."""
    from ent.server.services.local import running_pid
    from ent.server.services.local import terminate

    import subprocess
    import sys

    pidfile = tmp_path / "service.pid"
    assert running_pid(pidfile) is None  # no file
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    pidfile.write_text(f"{process.pid}\n")
    assert running_pid(pidfile) == process.pid

    def pid_of():
        return None if process.poll() is not None else running_pid(pidfile)

    terminate(pid_of, timeout=10)
    assert process.wait(10) is not None and pid_of() is None
    pidfile.write_text("not a pid\n")
    assert running_pid(pidfile) is None
