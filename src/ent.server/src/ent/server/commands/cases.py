"""`ent-cases`: the County admin's command line for the cases of a running ENT.

    ent-cases purge [--dry-run] [--url URL] [--user USER]

Deletes the cases closed (accepted or refused) for longer than the retention period (the
site's setting `ent.cases.retention_days`), their attachments with them; `--dry-run` says
which ones and deletes nothing. Like `ent-schools`, it talks to the running instance through
its REST API (`@cases-purge`); the address and the account come from the same ENT_*
settings (password: ENT_PASSWORD, else ENT_ADMIN_PASSWORD, else var/admin-password).

Exit status: 0 when done, 2 when nothing could be done (instance unreachable, refused).
"""

from ent.server import settings as settings_module
from ent.server.commands.schools import password_for

import argparse
import os
import requests
import sys


PROG = "ent-cases"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def print_report(report):
    print(report["summary"])
    for reference in report["references"]:
        print(f"  {reference}")


def command_purge(args, settings):
    user = args.user or settings.admin_user
    password = password_for(user, settings)
    if password is None:
        return fail(f"no password for {user!r}: set ENT_PASSWORD")
    url = (args.url or settings.url).rstrip("/") + "/@cases-purge"
    try:
        response = requests.post(
            url,
            json={"dry_run": bool(args.dry_run)},
            headers={"Accept": "application/json"},
            auth=(user, password),
            timeout=args.timeout,
        )
    except requests.ConnectionError:
        return fail(f"no ENT instance answers at {url}: is it running (make run)?")
    except requests.Timeout:
        return fail(f"{url} did not answer within {args.timeout} s")
    if response.status_code in (401, 403):
        return fail(f"{user!r} may not purge cases at {url} (HTTP {response.status_code})")
    try:
        body = response.json()
    except ValueError:
        return fail(f"{url} answered HTTP {response.status_code}, not JSON")
    if response.status_code != 200:
        return fail(f"{url} answered HTTP {response.status_code}: {body}")
    print_report(body)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="Manage the cases of a running ENT.")
    commands = parser.add_subparsers(dest="command", required=True)
    purging = commands.add_parser("purge", help="delete the cases closed for longer than the retention period")
    purging.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    purging.add_argument("--url", help="the site's URL (default: from ENT_HOST, ENT_PORT, ENT_SITE_ID)")
    purging.add_argument("--user", help="account to purge as (default: the admin)")
    purging.add_argument("--timeout", type=float, default=900, help="seconds to wait for the purge (900)")
    parser.add_argument("--home", default=os.environ.get("ENT_HOME") or os.getcwd(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error))
    return command_purge(args, settings)


if __name__ == "__main__":
    sys.exit(main())
