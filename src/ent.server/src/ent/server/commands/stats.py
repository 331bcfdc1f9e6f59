"""`ent-stats`: the usage statistics' command line (docs/statistics.md).

    ent-stats ingest [LOG ...] [--db FILE]

Adds the page views of the access logs that were not read yet to the aggregates
(ent.policy.stats.ingest): by default every `var/log/stats*.log*` (the current log, the
rotated ones, compressed or not, and other instances' `stats-*.log`) into
`var/stats/stats.sqlite` (ENT_STATS_DB). Safe to run again and again (cron, every few
minutes): lines already counted are not counted twice. Corrupt lines are skipped and counted.

Exit status: 0 when the lines went in (corrupt lines included), 2 when nothing could be done
(settings, an unreadable log or database: nothing of the run kept).
"""

from ent.policy.stats import store
from ent.policy.stats.ingest import ingest
from ent.policy.stats.ingest import IngestError
from ent.server import settings as settings_module
from pathlib import Path

import argparse
import os
import sqlite3
import sys
import time


PROG = "ent-stats"


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def command_ingest(args, var: Path):
    logs = [Path(name) for name in args.logs] or sorted((var / "log").glob("stats*.log*"))
    missing = [str(path) for path in logs if not path.is_file()]
    if missing:
        return fail(f"no such log file: {', '.join(missing)}")
    database = Path(args.db) if args.db else store.default_path(var)
    started = time.monotonic()
    try:
        report = ingest(logs, database)
    except IngestError as error:
        return fail(str(error))
    except sqlite3.Error as error:
        return fail(f"cannot write {database}: {error}")
    except OSError as error:
        return fail(f"cannot write {database}: {error.strerror}")
    seconds = time.monotonic() - started
    for item in report.files:
        state = "nothing new" if item.skipped else f"{item.lines} lines, {item.corrupt} corrupt"
        print(f"  {item.path}: {state}")
    print(f"{report.summary()} ({seconds:.1f} s) into {database}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description="Usage statistics of the ENT (aggregates only).")
    commands = parser.add_subparsers(dest="command", required=True)
    ingesting = commands.add_parser("ingest", help="add the access logs' new lines to the aggregates")
    ingesting.add_argument("logs", nargs="*", help="log files (default: var/log/stats*.log*)")
    ingesting.add_argument(
        "--db", help="the aggregates' SQLite file (default: ENT_STATS_DB, else var/stats/stats.sqlite)"
    )
    parser.add_argument("--home", default=os.environ.get("ENT_HOME") or os.getcwd(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error))
    return command_ingest(args, Path(settings.var))


if __name__ == "__main__":
    sys.exit(main())
