"""`ent-sectoring`: the County admin's command line for the school sectoring of a running ENT.

    ent-sectoring import FILE [--dry-run]

Posts the official sectoring file ("carte scolaire", `;`-separated, UTF-8 or Latin-1) to the
running instance's `@sectoring-import` and prints its report. Address and account as for
`ent-schools` (ENT_* settings, `--url`, `--user`; password from ENT_PASSWORD, else
ENT_ADMIN_PASSWORD, else var/admin-password).

Exit status: 0 when the file went in, 1 when it was refused (rejected rows, a column
missing, no row for a collège of the portal: nothing imported), 2 when nothing could be done
(unreadable file, instance unreachable, not allowed).
"""

from ent.server import settings as settings_module
from ent.server.commands.schools import password_for

import argparse
import os
import pathlib
import requests
import sys


PROG = "ent-sectoring"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def print_report(report, out=sys.stdout):
    if report.get("encoding"):
        print(f"{report['filename']}: read as {report['encoding']}", file=out)
    print(report["summary"], file=out)
    for item in report.get("rejected", []):
        print(f"  line {item['line']}: {item['reason']}", file=out)
    for item in report.get("overlaps", []):
        print(f"  overlap: {item['message']}", file=out)
    for item in report.get("unknown_schools", []):
        lines = ", ".join(str(line) for line in item["lines"])
        more = "…" if item["rows"] > len(item["lines"]) else ""
        print(
            f"  not a collège of the portal: {item['uai']} {item['name']} ({item['rows']} rows: line {lines}{more})",
            file=out,
        )
    for item in report.get("updated", []):
        print(
            f"  line {item['line']}: {item['street'] or item['insee']} now {item['to']} (was {item['from']})", file=out
        )


def command_import(args, settings):
    path = pathlib.Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    user = args.user or settings.admin_user
    password = password_for(user, settings)
    if password is None:
        return fail(f"no password for {user!r}: set ENT_PASSWORD")
    url = (args.url or settings.url).rstrip("/") + "/@sectoring-import"
    params = {"filename": path.name}
    if args.dry_run:
        params["dry_run"] = "1"
    try:
        response = requests.post(
            url,
            data=data,
            params=params,
            headers={"Accept": "application/json", "Content-Type": "text/csv"},
            auth=(user, password),
            timeout=args.timeout,
        )
    except requests.ConnectionError:
        return fail(f"no ENT instance answers at {url}: is it running (make run)?")
    except requests.Timeout:
        return fail(f"{url} did not answer within {args.timeout} s")
    if response.status_code in (401, 403):
        return fail(f"{user!r} may not import the sectoring at {url} (HTTP {response.status_code})")
    try:
        body = response.json()
    except ValueError:
        return fail(f"{url} answered HTTP {response.status_code}, not JSON")
    if response.status_code not in (200, 400) or "summary" not in body:
        return fail(f"{url} answered HTTP {response.status_code}: {body}")
    print_report(body)
    return 0 if body.get("refused") is None else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="Manage the school sectoring of a running ENT.")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import the official sectoring file (carte scolaire, CSV)")
    importing.add_argument("file", help="`;`-separated CSV in the official format (UTF-8 or Latin-1)")
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
