"""`ent-gdpr`: a person's data on a running ENT, for its administrators.

    ent-gdpr purge [--dry-run] [--retention-days N] [--url URL] [--user USER]
    ent-gdpr export LOGIN [--output FILE] [--url URL] [--user USER]

`purge` anonymises the people the directory import deactivated longer ago than the
retention delay (the site's `ent.gdpr.retention_days`, 92 days, or `--retention-days` for
this run): their name leaves what they wrote, their submissions and preferences are
deleted; `--dry-run` says who and what, and changes nothing. Running it twice changes
nothing the second time. `export` writes the ZIP of a person's data (default
`donnees-LOGIN.zip`). Like `ent-cases`, it talks to the running instance through its REST
API (`@gdpr-purge`, `@gdpr-export`) with the admin's account (password: ENT_PASSWORD, else
ENT_ADMIN_PASSWORD, else var/admin-password).

Exit status: 0 when done, 2 when nothing could be done (bad delay, instance unreachable,
refused) — with one line saying why.
"""

from ent.server import settings as settings_module
from ent.server.commands.schools import password_for
from pathlib import Path

import argparse
import os
import requests
import sys


PROG = "ent-gdpr"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def retention(value):
    """A whole number of days ≥ 0, or a ValueError saying why: a negative delay would
    erase at once."""
    try:
        days = int(value)
    except ValueError:
        raise ValueError(f"--retention-days {value!r} is not a whole number of days") from None
    if days < 0:
        raise ValueError(f"--retention-days {days}: a retention delay cannot be negative")
    return days


def credentials(args, settings):
    user = args.user or settings.admin_user
    return user, password_for(user, settings)


def answer(response, url, user, action):
    """The JSON body of a 200, or the one line that says why not (returned as a str)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    message = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
    if response.status_code in (401, 403):
        return f"{user!r} may not {action} at {url} (HTTP {response.status_code})" + (f": {message}" if message else "")
    if body is None:
        return f"{url} answered HTTP {response.status_code}, not JSON"
    if response.status_code != 200:
        return f"{url} answered HTTP {response.status_code}: {message or body}"
    return body


def call(method, url, args, user, password, **kwargs):
    try:
        return requests.request(
            method, url, headers={"Accept": "application/json"}, auth=(user, password), timeout=args.timeout, **kwargs
        )
    except requests.ConnectionError:
        return f"no ENT instance answers at {url}: is it running (make run)?"
    except requests.Timeout:
        return f"{url} did not answer within {args.timeout} s"


def print_report(report):
    print(report["summary"])
    for person in report["people"]:
        print(
            f"  {person['userid']} (désactivé le {person['deactivated'][:10]}) : "
            f"{person['content']} contenu(s), {person['comments']} commentaire(s), {person['cases']} dossier(s), "
            f"{person['form_submissions']} inscription(s), {person['spaces']} espace(s)"
        )


def command_purge(args, settings):
    if args.retention_days is not None:
        try:
            args.retention_days = retention(args.retention_days)
        except ValueError as error:
            return fail(str(error))
    user, password = credentials(args, settings)
    if password is None:
        return fail(f"no password for {user!r}: set ENT_PASSWORD")
    url = (args.url or settings.url).rstrip("/") + "/@gdpr-purge"
    body = {"dry_run": bool(args.dry_run)}
    if args.retention_days is not None:
        body["retention_days"] = args.retention_days
    response = call("POST", url, args, user, password, json=body)
    if isinstance(response, str):
        return fail(response)
    report = answer(response, url, user, "purge personal data")
    if isinstance(report, str):
        return fail(report)
    print_report(report)
    return 0


def command_export(args, settings):
    user, password = credentials(args, settings)
    if password is None:
        return fail(f"no password for {user!r}: set ENT_PASSWORD")
    output = Path(args.output or f"donnees-{args.login}.zip")
    if output.exists():
        return fail(f"{output} exists: choose another --output")
    url = (args.url or settings.url).rstrip("/") + "/@gdpr-export"
    response = call("GET", url, args, user, password, params={"user": args.login}, stream=True)
    if isinstance(response, str):
        return fail(response)
    if response.status_code != 200 or response.headers.get("Content-Type") != "application/zip":
        return fail(answer(response, url, user, "export personal data"))
    with output.open("xb") as target:
        for chunk in response.iter_content(1 << 20):
            target.write(chunk)
    print(f"{output} ({output.stat().st_size} octets)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="A person's data on a running ENT (GDPR).")
    commands = parser.add_subparsers(dest="command", required=True)
    purging = commands.add_parser("purge", help="anonymise the people deactivated longer than the retention delay")
    purging.add_argument("--dry-run", action="store_true", help="say who and what would be erased, change nothing")
    purging.add_argument("--retention-days", help="the delay for this run (default: the site's)")
    exporting = commands.add_parser("export", help="write the ZIP of a person's data")
    exporting.add_argument("login", help="the person's login")
    exporting.add_argument("--output", help="the ZIP to write (default: donnees-LOGIN.zip)")
    for command in (purging, exporting):
        command.add_argument("--url", help="the site's URL (default: from ENT_HOST, ENT_PORT, ENT_SITE_ID)")
        command.add_argument("--user", help="account to act as (default: the admin)")
        command.add_argument("--timeout", type=float, default=900, help="seconds to wait for the answer (900)")
    parser.add_argument("--home", default=os.environ.get("ENT_HOME") or os.getcwd(), help=argparse.SUPPRESS)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:
        # argparse's own one line (usage, then the error); our exit status for "nothing done".
        return 2 if exit.code else 0
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error))
    if args.command == "purge":
        return command_purge(args, settings)
    return command_export(args, settings)


if __name__ == "__main__":
    sys.exit(main())
