"""A private OpenLDAP server (Debian's slapd) for the demo and the tests.

Its configuration and database live in one folder (var/ldap for `make run`), it listens on
a loopback port only, and it is not the system service. `make run` starts it when no
ENT_LDAP_URI names an existing directory, and stops it when the instance stops.
"""

from ent.policy.directory.shape import hash_password
from ent.policy.directory.shape import Shape
from ent.server.services.local import running_pid
from ent.server.services.local import terminate
from pathlib import Path

import logging
import os
import shutil
import subprocess
import time


logger = logging.getLogger("ent.server.services.slapd")


SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")

CONFIG = """\
# Private slapd of the ENT, written by ent.server.services.slapd. Do not edit.
{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload back_monitor
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
loglevel none

database mdb
maxsize 4294967296
suffix "{base}"
rootdn "{manager_dn}"
rootpw {manager_hash}
directory {folder}/data
index objectClass eq
index uid eq,sub
index cn eq,sub
index member eq
index employeeType eq
index description eq
index mail eq

access to attrs=userPassword
    by self write
    by anonymous auth
    by * none
access to *
    by users read
    by * none

# Operation counters (cn=Monitor), for the manager only: how many searches the ENT makes.
database monitor
access to dn.subtree="cn=Monitor"
    by dn.exact="{manager_dn}" read
    by * none
"""


class DirectoryError(RuntimeError):
    """The private directory could not be set up or started; the message says why."""


class LocalDirectory:
    def __init__(self, folder: Path, port: int, shape: Shape, manager_password: str, host="127.0.0.1"):
        self.folder = Path(folder)
        self.port = port
        self.host = host
        self.shape = shape
        self.manager_password = manager_password

    @property
    def uri(self) -> str:
        return f"ldap://{self.host}:{self.port}"

    @property
    def manager_dn(self) -> str:
        return f"cn=admin,{self.shape.base}"

    @property
    def config(self) -> Path:
        return self.folder / "slapd.conf"

    @property
    def pidfile(self) -> Path:
        return self.folder / "slapd.pid"

    @staticmethod
    def available() -> bool:
        return os.access(SLAPD, os.X_OK) and os.access(SLAPADD, os.X_OK)

    def configure(self):
        if not self.available():
            raise DirectoryError(f"{SLAPD} is missing: install the Debian packages slapd and ldap-utils")
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
        text = CONFIG.format(
            includes=includes,
            folder=self.folder,
            base=self.shape.base,
            manager_dn=self.manager_dn,
            manager_hash=hash_password(self.manager_password).decode(),
        )
        fd = os.open(self.config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)

    def is_loaded(self) -> bool:
        return (self.folder / "data" / "data.mdb").exists()

    def load(self, ldif: Path):
        """Load an LDIF file into the stopped server's database (slapadd: fast)."""
        result = subprocess.run(
            [SLAPADD, "-q", "-f", str(self.config), "-l", str(ldif)], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise DirectoryError(f"slapadd failed on {ldif}: {result.stderr.strip().splitlines()[-1:]}")

    def pid(self):
        return running_pid(self.pidfile)

    def start(self, timeout=15.0):
        if self.pid() is not None:
            raise DirectoryError(f"a slapd already runs from {self.folder} (pid {self.pid()})")
        result = subprocess.run([SLAPD, "-f", str(self.config), "-h", f"{self.uri}/"], capture_output=True, text=True)
        if result.returncode != 0:
            raise DirectoryError(f"slapd did not start on {self.uri}: {result.stderr.strip() or 'see its log'}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise DirectoryError(f"slapd did not answer on {self.uri} within {timeout:.0f} s")

    def answers(self) -> bool:
        import ldap

        connection = ldap.initialize(self.uri)
        connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 1)
        try:
            connection.simple_bind_s(self.manager_dn, self.manager_password)
            return True
        except ldap.LDAPError:
            return False
        finally:
            connection.unbind_s()

    def searches(self) -> int:
        """Searches completed since the server started (cn=Monitor); this one included."""
        import ldap

        connection = ldap.initialize(self.uri)
        try:
            connection.simple_bind_s(self.manager_dn, self.manager_password)
            entry = connection.search_s(
                "cn=Search,cn=Operations,cn=Monitor", ldap.SCOPE_BASE, "(objectClass=*)", ["monitorOpCompleted"]
            )
            return int(entry[0][1]["monitorOpCompleted"][0])
        finally:
            connection.unbind_s()

    def stop(self, timeout=15.0):
        if terminate(self.pid, timeout, poll=0.1):
            # Killed, it could not remove its pid file: the next start must not find it.
            self.pidfile.unlink(missing_ok=True)
            logger.warning("slapd in %s did not stop within %.0f s of SIGTERM: killed", self.folder, timeout)

    def wipe(self):
        self.stop()
        shutil.rmtree(self.folder / "data", ignore_errors=True)
