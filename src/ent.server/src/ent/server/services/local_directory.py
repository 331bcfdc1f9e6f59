"""The local directory of `make run`: a private slapd under var/ldap, when ENT_LDAP_URI
names no existing directory. With the demo, it holds the demo directory of docs/domain.md."""

from ent.policy.directory.shape import Shape
from ent.policy.schools.importer import PACKAGED_SCHOOLS
from ent.server.ldif import DEMO_COUNTS
from ent.server.ldif import directory_entries
from ent.server.ldif import read_schools
from ent.server.ldif import write_ldif
from ent.server.services.local import free_port
from ent.server.services.local import kept_value
from ent.server.services.slapd import LocalDirectory
from pathlib import Path

import os
import secrets


DEFAULT_BASE = "dc=ent,dc=local"


def secret_file(path: Path) -> str:
    """A generated secret kept in `path` (mode 0600), the same at every run."""
    return kept_value(path, lambda: secrets.token_urlsafe(18))


def start(folder: Path, demo: bool, demo_password: str, port: int | None = None, base=DEFAULT_BASE, say=print):
    """Start (creating and loading it on first use) the local directory; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    server = LocalDirectory(
        folder, port or free_port(), Shape.from_base(base), secret_file(folder / "manager-password")
    )
    server.stop()  # a slapd left behind by an instance that was killed
    server.configure()
    if not server.is_loaded():
        ldif = folder / "initial.ldif"
        if demo:
            entries = directory_entries(server.shape, read_schools(PACKAGED_SCHOOLS), DEMO_COUNTS, demo_password)
        else:
            entries = iter(server.shape.branches())
        count = write_ldif(entries, ldif)
        server.load(ldif)
        ldif.unlink()
        say(f"local directory created in {folder} ({count} entries{', the demo directory' if demo else ''})")
    server.start()
    (folder / "uri").write_text(server.uri + "\n", encoding="utf-8")
    return server


def environment(server: LocalDirectory) -> dict:
    """The ENT_LDAP_* settings that point the ENT at `server`."""
    return {
        "ENT_LDAP_URI": server.uri,
        "ENT_LDAP_BIND_DN": server.manager_dn,
        "ENT_LDAP_BIND_PASSWORD": server.manager_password,
        "ENT_LDAP_BASE": server.shape.base,
        "ENT_LDAP_USERS_BASE": server.shape.people,
        "ENT_LDAP_GROUPS_BASE": server.shape.groups,
    }
