"""Start and stop the real ENT instance the way a user does: `make run`, `make stop`."""

from pathlib import Path

import os
import re
import requests
import signal
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def snapshot(folder: Path) -> dict:
    """What a user would call 'the data': every file under `folder`, its size and mtime."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def make_env(var: Path, port: int, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENT_")}
    env.update(ENT_VAR_DIR=str(var), ENT_PORT=str(port), ENT_HOST="127.0.0.1")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def make(project: Path, target: str, env: dict, timeout=120) -> subprocess.CompletedProcess:
    """Run `make -s TARGET` to its end and return what it printed."""
    return subprocess.run(
        ["make", "-s", "--no-print-directory", target],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


MAKE_ERROR = re.compile(r"^make(\[\d+\])?: \*\*\* ")


def own_lines(stderr: str) -> list[str]:
    """stderr without make's own closing `make: *** [...] Error N` line (`make[1]:` when
    the tests run under `make test`)."""
    return [line for line in stderr.splitlines() if line.strip() and not MAKE_ERROR.match(line)]


class Instance:
    """An instance started with `make run` in the background."""

    def __init__(self, project: Path, var: Path, port: int, **extra):
        self.project = project
        self.var = var
        self.port = port
        self.env = make_env(var, port, **extra)
        self.url = f"http://127.0.0.1:{port}/{self.env.get('ENT_SITE_ID', 'ent')}"
        self.process = None
        self.log = None
        self.runs = 0

    def start(self, timeout=240):
        self.runs += 1
        self.log = self.var.parent / f"make-run-{self.port}-{self.runs}.log"
        stream = self.log.open("w")
        started = time.monotonic()
        self.process = subprocess.Popen(
            ["make", "-s", "--no-print-directory", "run"],
            cwd=self.project,
            env=self.env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"make run exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(self.url, timeout=5).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:  # not listening yet, or a first page slower than 5 s
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.url} did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text() if self.log and self.log.exists() else ""

    def stop(self, timeout=60) -> int | None:
        """Stop as a user does (`make stop`); return the exit status of `make run`."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        result = make(self.project, "stop", self.env, timeout=timeout + 30)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            raise AssertionError(f"make stop did not stop make run: {result.stdout}{result.stderr}") from None
