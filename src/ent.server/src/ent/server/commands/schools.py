"""`ent-schools`: the County admin's command line for the schools of a running ENT.

    ent-schools import FILE [--dry-run]

It talks to the running instance through its REST API (`@schools-import`), so that the
import happens while the site is served. The instance's address comes from the same ENT_*
settings as `make run` (or `--url`); the account is `--user` (default: the admin) with the
password from ENT_PASSWORD, else ENT_ADMIN_PASSWORD, else var/admin-password.

Exit status: 0 when every row went in, 1 when rows were rejected, 2 when nothing could be
imported (bad file, instance unreachable, refused).
"""

from ent.server import settings as settings_module
from ent.server.site import password_file

import argparse
import os
import requests
import sys


PROG = "ent-schools"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def password_for(user, settings):
    for name in ("ENT_PASSWORD", "ENT_ADMIN_PASSWORD"):
        if os.environ.get(name) and (name == "ENT_PASSWORD" or user == settings.admin_user):
            return os.environ[name]
    path = password_file(settings)
    if user == settings.admin_user and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return None


def print_report(report):
    print(report["summary"])
    for item in report["rejected"]:
        print(f"  line {item['line']}: {item['uai'] or '(no UAI)'}: {item['reason']}")


def command_import(args, settings):
    try:
        data = open(args.file, "rb").read()
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    user = args.user or settings.admin_user
    password = password_for(user, settings)
    if password is None:
        return fail(f"no password for {user!r}: set ENT_PASSWORD")
    url = (args.url or settings.url).rstrip("/") + "/@schools-import"
    try:
        response = requests.post(
            url,
            data=data,
            params={"dry_run": "true"} if args.dry_run else None,
            headers={"Accept": "application/json", "Content-Type": "text/csv; charset=utf-8"},
            auth=(user, password),
            timeout=args.timeout,
        )
    except requests.ConnectionError:
        return fail(f"no ENT instance answers at {url}: is it running (make run)?")
    except requests.Timeout:
        return fail(f"{url} did not answer within {args.timeout} s")
    if response.status_code in (401, 403):
        return fail(f"{user!r} may not import schools at {url} (HTTP {response.status_code})")
    try:
        body = response.json()
    except ValueError:
        return fail(f"{url} answered HTTP {response.status_code}, not JSON")
    if response.status_code == 400:
        return fail(body.get("error", {}).get("message", "the file was refused"))
    if response.status_code != 200:
        return fail(f"{url} answered HTTP {response.status_code}: {body}")
    print_report(body)
    return 1 if body["rejected"] else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="Manage the schools of a running ENT.")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import the official list of schools (CSV)")
    importing.add_argument("file", help="CSV file in the format of colleges-haute-garonne.csv (UTF-8)")
    importing.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    importing.add_argument("--url", help="the site's URL (default: from ENT_HOST, ENT_PORT, ENT_SITE_ID)")
    importing.add_argument("--user", help="account to import as (default: the admin)")
    importing.add_argument("--timeout", type=float, default=900, help="seconds to wait for the import (900)")
    parser.add_argument("--home", default=os.environ.get("ENT_HOME") or os.getcwd(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error))
    return command_import(args, settings)


if __name__ == "__main__":
    sys.exit(main())
