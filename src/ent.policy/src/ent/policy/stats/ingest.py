"""`ent-stats ingest`: add the access-log lines not read yet to the aggregates.

Incremental and idempotent: a log file is known by its first line (a rotated file keeps
it, a new one has another: `logrotate` renames, compresses or truncates, all followed), and
`files.offset` says how far it was read; the counts and the offsets change in one SQLite
transaction, so re-reading the same lines, or an interrupted run, changes nothing. Several
instances' logs are several files: they add up. A line that is not a page view as
`collect` writes it (cut short, not JSON, a field missing or wrong) is skipped and counted.
A last line without its newline is being written: it is read next time.
"""

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from ent.policy.stats import sketch
from ent.policy.stats import store
from pathlib import Path

import gzip
import hashlib
import json
import re


SITE = re.compile(r"^(county|\d{7}[a-z])$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHUNK = 1 << 20


@dataclass
class FileReport:
    path: str
    lines: int = 0
    corrupt: int = 0
    skipped: bool = False  # read before: nothing new


@dataclass
class Report:
    files: list = field(default_factory=list)
    views: int = 0
    visits: int = 0

    @property
    def lines(self):
        return sum(item.lines for item in self.files)

    @property
    def corrupt(self):
        return sum(item.corrupt for item in self.files)

    def summary(self) -> str:
        return (
            f"{self.lines} new lines in {len(self.files)} log file(s): {self.views} page views, "
            f"{self.visits} visits, {self.corrupt} corrupt line(s) skipped"
        )


class Aggregates:
    """What one run adds, in memory until its transaction."""

    def __init__(self):
        self.views = Counter()
        self.visits = Counter()
        self.people = {}

    def add(self, raw: bytes) -> bool:
        """Count one line; False when it is corrupt."""
        try:
            text = raw.decode("utf-8")
            line, end = _scan(text, 0)
            if end != len(text) or type(line) is not dict:
                return False
            key = (line["t"][:10], line["site"], line["section"], line["profile"])
            visit = line["visit"]
            register = sketch.parse_register(line["p"]) if "p" in line else None
        except (ValueError, KeyError, TypeError, AttributeError, StopIteration, UnicodeDecodeError):
            return False
        if visit not in (0, 1):
            return False
        if key not in self.views and not valid_key(key):
            return False
        self.views[key] += 1
        if visit:
            self.visits[key] += 1
        if register is not None:
            people = (key[0][:7], key[1], key[3])
            registers = self.people.get(people)
            if registers is None:
                registers = self.people[people] = sketch.empty()
            index, rank = register
            if rank > registers[index]:
                registers[index] = rank
        return True


#: json's C scanner without json.loads' per-call checks (the ingest's hot loop).
_scan = json.JSONDecoder().scan_once


def valid_key(key) -> bool:
    """A (day, site, section, profile) as `collect` writes them; checked once per key."""
    day, site, section, profile = key
    if not (isinstance(site, str) and SITE.match(site) and isinstance(section, str) and isinstance(profile, str)):
        return False
    if len(section) > 200 or not profile.isidentifier() or not DAY.match(day):
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def open_log(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def identity_of(first_line: bytes) -> str:
    return hashlib.sha256(first_line).hexdigest()[:32]


def read_file(path: Path, offset: int, aggregates: Aggregates, report: FileReport) -> int:
    """Count the complete lines after `offset`; the offset after the last one."""
    with open_log(path) as stream:
        stream.seek(offset)
        rest = b""
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            data = rest + chunk
            end = data.rfind(b"\n")
            if end < 0:
                rest = data
                continue
            for raw in data[:end].split(b"\n"):
                report.lines += 1
                if not raw.strip() or not aggregates.add(raw):
                    report.corrupt += 1
            offset += end + 1
            rest = data[end + 1 :]
    return offset


def first_line(path: Path):
    try:
        with open_log(path) as stream:
            line = stream.readline(1 << 16)
    except (OSError, EOFError):
        return None
    return line if line.endswith(b"\n") else None


def ingest(paths, database, now=None) -> Report:
    """Add the new lines of `paths` (log files, rotated ones included) to `database`."""
    report = Report()
    connection = store.connect(database)
    try:
        connection.execute("BEGIN IMMEDIATE")  # one ingest at a time; readers go on
        aggregates = Aggregates()
        offsets = {}
        for path in sorted({Path(p) for p in paths}):
            line = first_line(path)
            if line is None:
                continue
            identity = identity_of(line)
            if identity in offsets:  # the same file twice (a copy)
                continue
            row = connection.execute("SELECT offset, lines, corrupt FROM files WHERE identity = ?", (identity,))
            known = row.fetchone() or (0, 0, 0)
            file_report = FileReport(str(path))
            try:
                offset = read_file(path, known[0], aggregates, file_report)
            except (OSError, EOFError, gzip.BadGzipFile) as error:
                raise IngestError(f"cannot read {path}: {error}") from error
            file_report.skipped = offset == known[0]
            offsets[identity] = (str(path), offset, known[1] + file_report.lines, known[2] + file_report.corrupt)
            report.files.append(file_report)
        write(connection, aggregates, offsets, now or datetime.now().astimezone())
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    report.views = sum(aggregates.views.values())
    report.visits = sum(aggregates.visits.values())
    return report


class IngestError(Exception):
    """A log that cannot be read: nothing of the run is kept."""


def write(connection, aggregates, offsets, now):
    connection.executemany(
        "INSERT INTO views (day, site, section, profile, views, visits) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (day, site, section, profile) DO UPDATE SET "
        "views = views + excluded.views, visits = visits + excluded.visits",
        [(*key, count, aggregates.visits[key]) for key, count in aggregates.views.items()],
    )
    monthly = Counter()
    for (day, *rest), count in aggregates.views.items():
        monthly[(day[:7], *rest)] += count
    monthly_visits = Counter()
    for (day, *rest), count in aggregates.visits.items():
        monthly_visits[(day[:7], *rest)] += count
    connection.executemany(
        "INSERT INTO months (month, site, section, profile, views, visits) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (month, site, section, profile) DO UPDATE SET "
        "views = views + excluded.views, visits = visits + excluded.visits",
        [(*key, count, monthly_visits[key]) for key, count in monthly.items()],
    )
    for key, registers in aggregates.people.items():
        row = connection.execute("SELECT sketch FROM people WHERE month = ? AND site = ? AND profile = ?", key)
        known = row.fetchone()
        if known is not None:
            sketch.merge(registers, sketch.unpack(known[0]))
        connection.execute(
            "INSERT OR REPLACE INTO people (month, site, profile, sketch) VALUES (?, ?, ?, ?)",
            (*key, sketch.pack(registers)),
        )
    connection.executemany(
        "INSERT OR REPLACE INTO files (identity, path, offset, lines, corrupt, updated) VALUES (?, ?, ?, ?, ?, ?)",
        [(identity, *values, now.isoformat(timespec="seconds")) for identity, values in offsets.items()],
    )
