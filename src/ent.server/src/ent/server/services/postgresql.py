"""A private PostgreSQL server (Debian's) for RelStorage, and the pg_dump/pg_restore helpers.

`ENT_STORAGE=relstorage` without `ENT_RELSTORAGE_DSN`: `ent-instance run` starts a
PostgreSQL of its own whose cluster lives in var/postgresql/data, listening on a loopback
port only (no Unix socket), with a generated password kept in var/postgresql/password
(mode 0600, never in the repository). It is not the system service; it stops with the
instance, and a server left behind by a killed instance is stopped at the next start.

PostgreSQL refuses to run as root: when we are root, the cluster belongs to the Debian
`postgres` account and its programs run as that account.
"""

from ent.server.services.local import free_port
from ent.server.services.local import kept_value
from ent.server.services.local import port_is_free
from ent.server.services.local import running_pid
from pathlib import Path

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time


DATABASE = "ent"
USER = "ent"
SERVICE_ACCOUNT = "postgres"


class PostgreSQLError(RuntimeError):
    """PostgreSQL could not be set up, started, reached, dumped or restored; the message says why."""


def binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL server programs (Debian's layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def program(name: str) -> str:
    folder = binaries()
    if folder is not None and (folder / name).exists():
        return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise PostgreSQLError(f"{name} is missing: install the Debian package postgresql (make install does)")
    return found


def dsn_quote(value: str) -> str:
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


class PrivatePostgreSQL:
    """The cluster in `folder`/data, served on 127.0.0.1:`port` (kept in `folder`/port)."""

    host = "127.0.0.1"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700 if not self._as_service_account() else 0o711)
        self.password = kept_value(self.folder / "password", lambda: secrets.token_urlsafe(24))
        self.port = int(kept_value(self.folder / "port", free_port))

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def logfile(self) -> Path:
        return self.folder / "postgresql.log"

    @property
    def pidfile(self) -> Path:
        return self.data / "postmaster.pid"

    def dsn(self, database: str = DATABASE) -> str:
        return (
            f"dbname={dsn_quote(database)} user={dsn_quote(USER)} password={dsn_quote(self.password)} "
            f"host={self.host} port={self.port}"
        )

    @property
    def uri(self) -> str:
        return f"postgresql://{USER}@{self.host}:{self.port}/{DATABASE}"

    @staticmethod
    def _as_service_account() -> bool:
        return os.geteuid() == 0

    def _run(self, *command, check=True, timeout=120) -> subprocess.CompletedProcess:
        """Run a server program, as the `postgres` account when we are root."""
        kwargs = {}
        if self._as_service_account():
            kwargs = {"user": SERVICE_ACCOUNT, "group": pwd.getpwnam(SERVICE_ACCOUNT).pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(part) for part in command], capture_output=True, text=True, timeout=timeout, cwd="/", **kwargs
        )
        if check and result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise PostgreSQLError(f"{Path(command[0]).name} failed: {lines[-1] if lines else result.returncode}")
        return result

    def _give(self, path: Path):
        if self._as_service_account():
            account = pwd.getpwnam(SERVICE_ACCOUNT)
            os.chown(path, account.pw_uid, account.pw_gid)

    def check_reachable(self):
        """The `postgres` account must reach the cluster's folder through every parent folder."""
        if not self._as_service_account():
            return
        if self._run("test", "-x", self.folder, check=False).returncode != 0:
            raise PostgreSQLError(
                f"the account {SERVICE_ACCOUNT!r} that runs PostgreSQL cannot reach {self.folder}: "
                "let it through the parent folders (chmod o+x) or set ENT_VAR_DIR elsewhere"
            )

    def is_initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def initialise(self):
        """initdb: a cluster whose only role is `ent` (password authentication, even locally)."""
        self.data.mkdir(mode=0o700, exist_ok=True)
        self._give(self.data)
        pwfile = self.folder / "initdb-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(self.password + "\n")
        self._give(pwfile)
        try:
            self._run(
                program("initdb"), "-D", self.data, "-U", USER, f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)

    def pid(self) -> int | None:
        return running_pid(self.pidfile)

    def start(self, timeout=60.0):
        if not port_is_free(self.port):
            # The kept port was taken meanwhile by something else: choose another.
            self.port = free_port()
            (self.folder / "port").write_text(f"{self.port}\n", encoding="utf-8")
        self.logfile.touch()
        self._give(self.logfile)
        options = (
            f"-c listen_addresses={self.host} -p {self.port} -c unix_socket_directories='' "
            "-c max_connections=200 -c fsync=on"
        )
        self._run(
            program("pg_ctl"), "-D", self.data, "-l", self.logfile, "-o", options, "-w", "-t", int(timeout), "start",
            timeout=timeout + 10,
        )  # fmt: skip
        self.ensure_database()
        return self

    def connect(self, database="postgres"):
        import psycopg2

        return psycopg2.connect(self.dsn(database), connect_timeout=5)

    def ensure_database(self):
        connection = self.connect()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            connection.close()

    def stop(self, timeout=60.0):
        if self.pid() is None:
            return
        result = self._run(program("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "-t", int(timeout), "stop",
                           check=False, timeout=timeout + 10)  # fmt: skip
        if result.returncode != 0 and self.pid() is not None:
            os.kill(self.pid(), signal.SIGQUIT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.pid() is not None:
                time.sleep(0.1)


def start(folder: Path, say=print) -> PrivatePostgreSQL:
    """Start (creating its cluster on first use) the private PostgreSQL in `folder`; return it.

    A server already running from `folder` is taken for one left behind and stopped first:
    the caller holds the instance's run lock (files.RunLock), or knows no instance runs."""
    server = PrivatePostgreSQL(folder)
    server.check_reachable()
    server.stop()  # a server left behind by an instance that was killed
    if not server.is_initialised():
        server.initialise()
        say(f"private PostgreSQL cluster created in {server.data}")
    server.start()
    return server


def check_dsn(dsn: str, timeout=5) -> None:
    """Raise PostgreSQLError (one line) unless `dsn` connects; read nothing, write nothing."""
    import psycopg2

    try:
        psycopg2.connect(dsn, connect_timeout=timeout).close()
    except psycopg2.Error as error:
        lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
        raise PostgreSQLError(
            f"cannot connect to PostgreSQL with ENT_RELSTORAGE_DSN: {lines[0] if lines else error}"
        ) from None


def _client_env(dsn: str) -> tuple[dict, str]:
    """pg_dump and pg_restore take the DSN as their --dbname; keep libpq's other variables out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return env, dsn


def dump(dsn: str, path: Path) -> Path:
    """Dump the database of `dsn` into `path` (pg_dump's custom format: compressed, restorable
    with `restore`); a consistent snapshot even while the site is written to. Written to a
    temporary file first, so that `path` is either complete or absent."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    env, dbname = _client_env(dsn)
    result = subprocess.run(
        [program("pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={dbname}"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        lines = result.stderr.strip().splitlines()
        raise PostgreSQLError(f"pg_dump failed: {lines[-1] if lines else result.returncode}")
    os.replace(tmp, path)
    return path


def restore(dsn: str, path: Path) -> None:
    """Replace the content of the database of `dsn` by the dump `path` (made by `dump`). The
    instances using it must be stopped. One transaction: on error, the database is unchanged."""
    path = Path(path)
    if not path.is_file():
        raise PostgreSQLError(f"no dump at {path}")
    env, dbname = _client_env(dsn)
    result = subprocess.run(
        [program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--exit-on-error", f"--dbname={dbname}", str(path)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise PostgreSQLError(f"pg_restore failed: {lines[-1] if lines else result.returncode}")
