"""`ent-directory`: the directory's command line.

    ent-directory import FILE [--full] [--dry-run] [--password-env VAR]
        people from a CSV into the directory (see ent.policy.directory.provisioning, docs/directory.md)
    ent-directory generate {demo,scale} FILE.ldif
        the demo directory, or the scale directory of the benchmarks (~115,000 accounts)
    ent-directory load FILE.ldif
        load an LDIF into the local directory (var/ldap) while the instance is stopped

The directory is the one of ENT_LDAP_URI (with ENT_LDAP_BIND_DN and ENT_LDAP_BIND_PASSWORD)
or, without it, the local directory of `make run` in var/ldap (its server must run for
`import`). Exit status: 0 done, 1 rows rejected, 2 nothing done.
"""

from ent.policy.csvfiles import ImportFileError
from ent.policy.directory.config import DirectoryConfigError
from ent.policy.directory.config import read_config
from ent.policy.directory.provisioning import DirectoryWriter
from ent.policy.directory.provisioning import provision
from ent.policy.directory.shape import Shape
from ent.policy.schools.importer import PACKAGED_SCHOOLS
from ent.server import settings as settings_module
from ent.server.ldif import DEMO_COUNTS
from ent.server.ldif import directory_entries
from ent.server.ldif import read_schools
from ent.server.ldif import SCALE_COUNTS
from ent.server.ldif import SCALE_COUNTY_STAFF
from ent.server.ldif import write_ldif
from ent.server.services import local_directory
from ent.server.services.slapd import DirectoryError
from ent.server.services.slapd import LocalDirectory
from pathlib import Path

import argparse
import ldap
import os
import sys
import time


PROG = "ent-directory"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def connect(settings):
    """The directory to provision: ENT_LDAP_URI's, or the local one of var/ldap."""
    config = read_config()
    if config.enabled:
        shape = Shape(base=config.users_base.split(",", 1)[1], people=config.users_base, groups=config.groups_base)
        return DirectoryWriter(config.uri, config.bind_dn, config.bind_password, shape)
    folder = settings.var / "ldap"
    uri_file = folder / "uri"
    if not uri_file.exists():
        raise DirectoryError(f"no local directory in {folder}: start the ENT (make run) or set ENT_LDAP_URI")
    shape = Shape.from_base(local_directory.DEFAULT_BASE)
    password = (folder / "manager-password").read_text(encoding="utf-8").strip()
    return DirectoryWriter(uri_file.read_text().strip(), f"cn=admin,{shape.base}", password, shape)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, label):
        self.total, self.label, self.started, self.last = total, label, time.monotonic(), 0.0

    def __call__(self, count):
        now = time.monotonic()
        if now - self.last < 0.2 and count < self.total:
            return
        self.last = now
        width = 40
        done = int(width * min(count, self.total) / self.total)
        sys.stderr.write(
            f"\r{self.label} [{'#' * done}{'.' * (width - done)}] {count}/{self.total} {now - self.started:.0f} s"
        )
        if count >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def command_import(args, settings):
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    try:
        directory = connect(settings)
        password = os.environ.get(args.password_env) if args.password_env else None
        if args.password_env and not password:
            return fail(f"{args.password_env} is not set")
        report = provision(directory, data, full=args.full, dry_run=args.dry_run, initial_password=password)
    except ImportFileError as error:
        return fail(str(error))
    except (DirectoryError, DirectoryConfigError) as error:
        return fail(str(error))
    except ldap.LDAPError as error:
        return fail(
            f"the directory refused or did not answer: {error.args[0].get('desc', error) if error.args else error}"
        )
    print(report.summary())
    for line, uid, reason in report.rejected:
        print(f"  line {line}: {uid or '(no id)'}: {reason}")
    if args.verbose:
        for name in ("created", "updated", "deactivated"):
            for uid in getattr(report, name):
                print(f"  {name}: {uid}")
    return 1 if report.rejected else 0


def command_generate(args, settings):
    schools = read_schools(args.schools)
    shape = Shape.from_base(args.base)
    password = os.environ.get("ENT_DEMO_PASSWORD") or "demo"
    if args.kind == "demo":
        entries, total = directory_entries(shape, schools, DEMO_COUNTS, password), None
    else:
        per_school = sum(SCALE_COUNTS.values())
        entries = directory_entries(shape, schools, SCALE_COUNTS, password, SCALE_COUNTY_STAFF, numbered=True)
        total = len(schools) * per_school + SCALE_COUNTY_STAFF + 2
    progress = Progress(total + 3 + 7 * len(schools) + 9, "writing") if total else None
    count = write_ldif(entries, args.file, progress)
    if progress:
        progress(progress.total)
    print(f"{count} entries written to {args.file}")
    return 0


def command_load(args, settings):
    folder = settings.var / "ldap"
    try:
        server = LocalDirectory(
            folder,
            0,
            Shape.from_base(local_directory.DEFAULT_BASE),
            local_directory.secret_file(folder / "manager-password"),
        )
        if server.pid() is not None:
            return fail(f"the local directory in {folder} is running: stop the ENT first (make stop)")
        server.wipe()
        server.configure()
        started = time.monotonic()
        server.load(Path(args.file))
    except DirectoryError as error:
        return fail(str(error))
    print(f"{args.file} loaded into {folder} in {time.monotonic() - started:.0f} s")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="The ENT's directory (LDAP).")
    parser.add_argument("--home", default=os.environ.get("ENT_HOME") or os.getcwd(), help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="provision people from a CSV")
    importing.add_argument("file")
    importing.add_argument("--full", action="store_true", help="the file is everyone: deactivate the absent")
    importing.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    importing.add_argument("--password-env", help="initial password of created accounts, from this variable")
    importing.add_argument("--verbose", action="store_true", help="list every account created, updated, deactivated")
    generating = commands.add_parser("generate", help="write the demo or the scale directory as LDIF")
    generating.add_argument("kind", choices=("demo", "scale"))
    generating.add_argument("file")
    generating.add_argument("--schools", default=str(PACKAGED_SCHOOLS), help="schools file (official format)")
    generating.add_argument("--base", default=local_directory.DEFAULT_BASE)
    loading = commands.add_parser("load", help="replace the local directory's content by an LDIF (instance stopped)")
    loading.add_argument("file")
    args = parser.parse_args(argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error))
    return {"import": command_import, "generate": command_generate, "load": command_load}[args.command](args, settings)


if __name__ == "__main__":
    sys.exit(main())
