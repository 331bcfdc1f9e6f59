"""The aggregates: one SQLite file (var/stats/stats.sqlite by default, ENT_STATS_DB),
written by `ent-stats ingest` only, read by the dashboards and `@stats`.

    views(day, site, section, profile, views, visits)   page views and visits per day
    months(month, site, section, profile, views, visits) the same per month (long periods)
    people(month, site, profile, sketch)                 the month's HyperLogLog (sketch.py)
    files(identity, path, offset, lines, corrupt, ...)   how far each log was read

Nothing in it names a person. WAL mode: the instances read while an ingest writes.
"""

from pathlib import Path

import os
import sqlite3


SCHEMA = """
CREATE TABLE IF NOT EXISTS views (
    day TEXT NOT NULL, site TEXT NOT NULL, section TEXT NOT NULL, profile TEXT NOT NULL,
    views INTEGER NOT NULL, visits INTEGER NOT NULL,
    PRIMARY KEY (day, site, section, profile));
CREATE INDEX IF NOT EXISTS views_site_day ON views (site, day);
CREATE TABLE IF NOT EXISTS months (
    month TEXT NOT NULL, site TEXT NOT NULL, section TEXT NOT NULL, profile TEXT NOT NULL,
    views INTEGER NOT NULL, visits INTEGER NOT NULL,
    PRIMARY KEY (month, site, section, profile));
CREATE INDEX IF NOT EXISTS months_site_month ON months (site, month);
CREATE TABLE IF NOT EXISTS people (
    month TEXT NOT NULL, site TEXT NOT NULL, profile TEXT NOT NULL, sketch BLOB NOT NULL,
    PRIMARY KEY (month, site, profile));
CREATE TABLE IF NOT EXISTS files (
    identity TEXT PRIMARY KEY, path TEXT NOT NULL, offset INTEGER NOT NULL,
    lines INTEGER NOT NULL, corrupt INTEGER NOT NULL, updated TEXT NOT NULL);
"""


def default_path(var=None) -> Path:
    """ENT_STATS_DB, else var/stats/stats.sqlite."""
    configured = os.environ.get("ENT_STATS_DB", "").strip()
    if configured:
        return Path(configured)
    if var is None:
        from ent.policy.notifications.config import instance_var

        var = instance_var()
    return Path(var) / "stats" / "stats.sqlite"


def connect(path, create=True):
    """A connection, or None when reading figures that were never ingested."""
    path = Path(path)
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    if create:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
    return connection
