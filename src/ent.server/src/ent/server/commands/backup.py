"""`ent-backup`: back up the ENT's data and restore it (`make backup`, `make restore`).

    ent-backup backup [--full]   a restore point in ENT_BACKUP_DIR (incremental when it can)
    ent-backup restore [--at T]  the newest restore point (or the newest at or before T,
                                 YYYY-MM-DD-HH-MM-SS in UTC) into var/; the instance stopped
    ent-backup list              the restore points, oldest first

A restore point of a FileStorage site (the default storage) is:
- the database: repozo (ZODB.scripts.repozo) in ENT_BACKUP_DIR/filestorage, a full backup then
  incremental ones (only what was appended to Data.fs since); repozo copies up to the last
  committed transaction, so it runs while the site is written to;
- the blobs (files, images): a snapshot in points/<T>/blobstorage made AFTER repozo, so it holds
  every blob of every transaction the database copy holds (a blob file is written before its
  transaction commits and never changes afterwards). Blobs already in the previous snapshot are
  hard links to it: an incremental snapshot costs only the new files, and every snapshot is
  complete on its own;
- the local directory of `make run` (var/ldap, when ENT_LDAP_URI names no outside directory):
  an LDIF export (slapcat) and its manager password;
- manifest.json, written last: a point without it (a backup interrupted) is not a restore point.

ENT_BACKUP_KEEP (default 7) restore points are kept: a full backup is made once the current
chain has that many points, and a chain is removed when none of the newest ENT_BACKUP_KEEP
points needs it. A refusal (an instance running, a backup folder that cannot be written, no
restore point) is one line on stderr, exit status 1 (2 for a bad setting), nothing changed.
"""

from ent.server import files
from ent.server import settings as settings_module
from pathlib import Path

import argparse
import contextlib
import datetime
import errno
import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


PROG = "ent-backup"
STAMP = re.compile(r"^\d{4}(-\d\d){5}$")
DATA_FILE = re.compile(r"^(\d{4}(?:-\d\d){5})\.(deltafsz?|fsz?)$")
SLAPCAT = "/usr/sbin/slapcat"
#: A RelStorage point's copy of the database (pg_dump's custom format; blobs are in it).
DUMP = "database.dump"


class BackupError(RuntimeError):
    """A backup or a restore cannot be made; the message says why, in one line."""


def say(message: str) -> None:
    print(f"{PROG}: {message}", flush=True)


def fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


class Repository:
    """ENT_BACKUP_DIR: filestorage/ (repozo's files), points/<T>/ (the rest of each point)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.filestorage = self.folder / "filestorage"
        self.points_dir = self.folder / "points"

    def ensure_writable(self):
        """Create the folders and write a probe file: refuse with one line if that fails (a
        read-only or full file system, no permission — which root's os.access would not tell)."""
        try:
            for folder in (self.folder, self.filestorage, self.points_dir):
                folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-") as probe:
                probe.write(b"x" * 4096)
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as error:
            raise BackupError(
                f"the backup folder {self.folder} (ENT_BACKUP_DIR) is not writable: {error.strerror or error}"
            ) from None

    @contextlib.contextmanager
    def locked(self):
        """One backup or restore at a time on this folder."""
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BackupError(f"another backup or restore is using {self.folder}; try again when it ends") from None
            yield
        finally:
            os.close(fd)

    def data_files(self) -> list[tuple[str, str]]:
        """repozo's data files as (stamp, kind: 'full' or 'incremental'), oldest first."""
        if not self.filestorage.is_dir():
            return []
        found = []
        for name in os.listdir(self.filestorage):
            match = DATA_FILE.match(name)
            if match:
                found.append((match.group(1), "incremental" if match.group(2).startswith("delta") else "full"))
        return sorted(found)

    def point(self, stamp: str) -> Path:
        return self.points_dir / stamp

    def points(self, storage=None) -> list[dict]:
        """The complete restore points (a manifest and the database's copy), oldest first;
        those of one storage when it is given."""
        data = dict(self.data_files())
        points = []
        folders = sorted(self.points_dir.iterdir()) if self.points_dir.is_dir() else []
        for folder in folders:
            manifest = folder / "manifest.json"
            if not manifest.is_file():
                continue
            point = json.loads(manifest.read_text(encoding="utf-8"))
            if point.get("storage", "filestorage") == "filestorage":
                if folder.name not in data:
                    continue
            elif not (folder / DUMP).is_file():
                continue
            if storage is None or point.get("storage", "filestorage") == storage:
                points.append(point)
        return points

    def chains(self) -> list[list[str]]:
        """The stamps of each chain (a full backup and the incrementals after it), oldest first."""
        chains = []
        for stamp, kind in self.data_files():
            if kind == "full" or not chains:
                chains.append([])
            chains[-1].append(stamp)
        return chains

    def remove(self, stamp: str):
        for name in os.listdir(self.filestorage) if self.filestorage.is_dir() else []:
            if name.split(".")[0] == stamp:
                os.unlink(self.filestorage / name)
        shutil.rmtree(self.point(stamp), ignore_errors=True)

    def prune(self, keep: int) -> list[str]:
        """Remove the chains none of the newest `keep` points needs; return the stamps removed."""
        complete = {point["stamp"] for point in self.points("filestorage")}
        newest = sorted(complete)[-keep:]
        removed = []
        # A PostgreSQL dump is a whole database: the older ones simply go.
        dumps = [point["stamp"] for point in self.points("relstorage")]
        for stamp in dumps[:-keep]:
            self.remove(stamp)
            removed.append(stamp)
        complete |= set(dumps[-keep:])
        if not newest:
            return removed
        for chain in self.chains():
            if chain[-1] < newest[0]:
                for stamp in chain:
                    self.remove(stamp)
                    removed.append(stamp)
        # Folders of interrupted backups (no manifest, or no database file) go too.
        stamps = {stamp for stamp, _ in self.data_files()}
        if self.points_dir.is_dir():
            for folder in self.points_dir.iterdir():
                if folder.name not in complete and folder.name not in stamps and folder.name < newest[-1]:
                    shutil.rmtree(folder, ignore_errors=True)
        return removed


def run_repozo(args: list[str]):
    """repozo in this process; its errors (it calls sys.exit with the message) become BackupError."""
    from ZODB.scripts import repozo

    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            repozo.main(args)
    except SystemExit as exit:
        if exit.code not in (None, 0):
            raise BackupError(f"repozo: {exit.code}") from None


def snapshot_blobs(source: Path, target: Path, previous: Path | None) -> tuple[int, int, int]:
    """Copy the blob folder `source` into `target` (made here), linking the files the previous
    snapshot holds already. Return (files, new files, bytes of the new files)."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    files_count = new = new_bytes = 0
    for folder, dirs, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        if relative == Path("."):
            # tmp/: blobs of transactions not committed yet; none of the copied database's.
            dirs[:] = [d for d in dirs if d != "tmp"]
        (partial / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            if name.endswith(".lock"):
                continue
            path = Path(folder) / name
            destination = partial / relative / name
            kept = previous / relative / name if previous is not None else None
            try:
                size = path.stat().st_size
                if kept is not None and name != ".layout" and kept.is_file() and kept.stat().st_size == size:
                    os.link(kept, destination)
                else:
                    shutil.copy2(path, destination)
                    new += 1
                    new_bytes += size
            except FileNotFoundError:  # removed by a pack since the listing: not the copied state's
                continue
            files_count += 1
    os.replace(partial, target)
    return files_count, new, new_bytes


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def backup_directory(settings, point: Path) -> int | None:
    """Export the local directory of `make run` (slapcat reads the live database); return the
    number of entries, None when the directory is an outside one."""
    ldap = settings.var / "ldap"
    if not settings.local_directory or not (ldap / "slapd.conf").is_file():
        return None
    target = point / "ldap.ldif"
    result = subprocess.run(
        [SLAPCAT, "-f", str(ldap / "slapd.conf"), "-l", str(target)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"slapcat could not export the local directory: {result.stderr.strip()[-200:]}")
    os.chmod(target, 0o600)
    shutil.copy2(ldap / "manager-password", point / "ldap-manager-password")
    return target.read_text(encoding="utf-8").count("\ndn: ") + 1


def write_manifest(point: Path, manifest: dict):
    """The manifest is written last, in one rename: a point has one only when it is complete."""
    text = json.dumps(manifest, indent=2) + "\n"
    (point / "manifest.json.tmp").write_text(text, encoding="utf-8")
    os.replace(point / "manifest.json.tmp", point / "manifest.json")


def command_backup(settings, full=False) -> int:
    if settings.storage == "relstorage":
        return backup_relstorage(settings)
    if settings.storage != "filestorage":
        raise BackupError(
            f"ent-backup backs up ENT_STORAGE=filestorage or relstorage; for {settings.storage} see docs/operations.md"
        )
    data_fs = settings.var / "filestorage" / "Data.fs"
    blobs = settings.var / "blobstorage"
    if not data_fs.is_file():
        raise BackupError(f"there is no database to back up in {data_fs.parent} (has the site been created?)")
    repository = Repository(settings.backup_dir)
    repository.ensure_writable()
    started = time.monotonic()
    with repository.locked():
        before = {stamp for stamp, _ in repository.data_files()}
        chains = repository.chains()
        if chains and len(chains[-1]) >= settings.backup_keep:
            full = True  # a new chain, so that pruning can drop the old one
        # repozo names its files by the second: never twice in the same second.
        while time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime()) in before:
            time.sleep(0.2)
        run_repozo(["-B", "-z", "-r", str(repository.filestorage), "-f", str(data_fs), *(["-F"] if full else [])])
        added = [item for item in repository.data_files() if item[0] not in before]
        if not added:
            say(f"nothing changed since the last backup ({max(before)}): no new restore point")
            return 0
        stamp, kind = added[-1]
        point = repository.point(stamp)
        point.mkdir(parents=True, exist_ok=True)
        complete = [p["stamp"] for p in repository.points("filestorage")]
        previous = repository.point(complete[-1]) / "blobstorage" if complete else None
        if previous is not None and not previous.is_dir():
            previous = None
        if blobs.is_dir():
            blob_files, new_blobs, new_bytes = snapshot_blobs(blobs, point / "blobstorage", previous)
        else:
            blob_files = new_blobs = new_bytes = 0
        entries = backup_directory(settings, point)
        database_file = next(
            p for p in repository.filestorage.iterdir() if p.name.split(".")[0] == stamp and DATA_FILE.match(p.name)
        )
        manifest = {
            "stamp": stamp,
            "kind": kind,
            "storage": "filestorage",
            "site_id": settings.site_id,
            "database_bytes": data_fs.stat().st_size,
            "database_file": database_file.name,
            "database_file_bytes": database_file.stat().st_size,
            "blob_files": blob_files,
            "new_blob_files": new_blobs,
            "new_blob_bytes": new_bytes,
            "directory_entries": entries,
            "seconds": round(time.monotonic() - started, 2),
            "made": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        write_manifest(point, manifest)
        removed = repository.prune(settings.backup_keep)
    say(
        f"restore point {stamp} ({kind}) in {settings.backup_dir}: database {human(database_file.stat().st_size)} "
        f"written, {blob_files} blob file(s) of which {new_blobs} new ({human(new_bytes)}), "
        f"in {time.monotonic() - started:.1f} s" + (f"; {len(removed)} old point(s) removed" if removed else "")
    )
    return 0


@contextlib.contextmanager
def relstorage_dsn(settings):
    """The DSN of the site's PostgreSQL, started for the time of the block if it is the private
    one and no instance runs it (one started by `ent-instance run` is used as it is)."""
    from ent.server.services import postgresql
    from ent.server.services import storage

    if settings.relstorage_dsn:
        yield settings.relstorage_dsn
        return
    folder = storage.postgresql_folder(settings)
    if not (folder / "data").is_dir():
        raise BackupError(f"there is no private PostgreSQL in {folder} (has the site been created?)")
    server = postgresql.PrivatePostgreSQL(folder)
    started = None
    if server.pid() is None:
        try:
            started = postgresql.start(folder, say=lambda message: None)
        except postgresql.PostgreSQLError as error:
            raise BackupError(str(error)) from None
    try:
        yield server.dsn()
    finally:
        if started is not None:
            started.stop()


def backup_relstorage(settings) -> int:
    """A restore point of a RelStorage site: pg_dump of its database (blobs included: they are
    kept in the database), a consistent snapshot even while the site is written to."""
    from ent.server.services import postgresql

    repository = Repository(settings.backup_dir)
    repository.ensure_writable()
    started = time.monotonic()
    with repository.locked():
        stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
        while repository.point(stamp).exists():
            time.sleep(0.2)
            stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
        point = repository.point(stamp)
        point.mkdir(parents=True)
        with relstorage_dsn(settings) as dsn:
            try:
                dump = postgresql.dump(dsn, point / DUMP)
            except postgresql.PostgreSQLError as error:
                shutil.rmtree(point, ignore_errors=True)
                raise BackupError(str(error)) from None
        entries = backup_directory(settings, point)
        write_manifest(
            point,
            {
                "stamp": stamp,
                "kind": "pg_dump",
                "storage": "relstorage",
                "site_id": settings.site_id,
                "database_file": DUMP,
                "database_file_bytes": dump.stat().st_size,
                "blob_files": 0,
                "new_blob_files": 0,
                "new_blob_bytes": 0,
                "directory_entries": entries,
                "seconds": round(time.monotonic() - started, 2),
                "made": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            },
        )
        removed = repository.prune(settings.backup_keep)
    say(
        f"restore point {stamp} (pg_dump) in {settings.backup_dir}: database {human(dump.stat().st_size)}, "
        f"in {time.monotonic() - started:.1f} s" + (f"; {len(removed)} old point(s) removed" if removed else "")
    )
    return 0


def restore_relstorage(settings, repository, point, lock) -> int:
    from ent.server.services import postgresql

    stamp = point["stamp"]
    started = time.monotonic()
    settings.var.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire()
    except files.AlreadyRunning as error:
        raise BackupError(f"refusing to restore over a live instance: {error}") from None
    try:
        with relstorage_dsn(settings) as dsn:
            try:
                # One transaction: a failed restore leaves the database as it was.
                postgresql.restore(dsn, repository.point(stamp) / DUMP)
            except postgresql.PostgreSQLError as error:
                raise BackupError(str(error)) from None
        aside = settings.var / f"before-restore-{time.strftime('%Y-%m-%d-%H-%M-%S', time.gmtime())}"
        if (repository.point(stamp) / "ldap.ldif").is_file() and settings.local_directory:
            restore_directory(settings, repository.point(stamp), aside)
        # The blob cache holds blobs of the database as it was: emptied, it fills again.
        shutil.rmtree(settings.var / "blobcache", ignore_errors=True)
    finally:
        lock.release()
    say(f"restored the point {stamp} (pg_dump) into the database in {time.monotonic() - started:.1f} s")
    return 0


def choose_point(repository: Repository, at: str | None, storage: str) -> dict:
    points = repository.points(storage)
    if at is not None:
        if not STAMP.match(at):
            raise BackupError(f"--at {at!r} is not a time YYYY-MM-DD-HH-MM-SS (UTC, as `ent-backup list` shows)")
        points = [p for p in points if p["stamp"] <= at]
    if not points:
        where = f" at or before {at}" if at else ""
        raise BackupError(f"no restore point{where} of a {storage} site in {repository.folder} (ENT_BACKUP_DIR)")
    return points[-1]


def restore_directory(settings, point: Path, aside: Path):
    """The local directory as it was: var/ldap made again from the point's LDIF."""
    from ent.policy.directory.shape import Shape
    from ent.server.services.local_directory import DEFAULT_BASE
    from ent.server.services.slapd import LocalDirectory

    ldap = settings.var / "ldap"
    if ldap.exists():
        aside.mkdir(parents=True, exist_ok=True)
        os.replace(ldap, aside / "ldap")
    ldap.mkdir(mode=0o700)
    shutil.copy2(point / "ldap-manager-password", ldap / "manager-password")
    password = (ldap / "manager-password").read_text(encoding="utf-8").strip()
    server = LocalDirectory(ldap, 0, Shape.from_base(DEFAULT_BASE), password)
    server.configure()
    server.load(point / "ldap.ldif")


def command_restore(settings, at=None) -> int:
    if settings.storage not in ("filestorage", "relstorage"):
        raise BackupError(
            f"ent-backup restores ENT_STORAGE=filestorage or relstorage; for {settings.storage} see docs/operations.md"
        )
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
    except files.AlreadyRunning as error:
        raise BackupError(f"refusing to restore over a live instance: {error}") from None
    repository = Repository(settings.backup_dir)
    if not repository.folder.is_dir():
        raise BackupError(f"no backup folder {repository.folder} (ENT_BACKUP_DIR)")
    point = choose_point(repository, at, settings.storage)
    if settings.storage == "relstorage":
        return restore_relstorage(settings, repository, point, lock)
    stamp = point["stamp"]
    started = time.monotonic()
    settings.var.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire()  # no instance starts while the data are put back
    except files.AlreadyRunning as error:
        raise BackupError(f"refusing to restore over a live instance: {error}") from None
    try:
        filestorage = settings.var / "filestorage"
        filestorage.mkdir(parents=True, exist_ok=True)
        restoring = filestorage / "Data.fs.restoring"
        for leftover in filestorage.glob("Data.fs.restoring*"):
            leftover.unlink()
        # -w: every file's size and checksum verified against the backup's record.
        run_repozo(["-R", "-w", "-r", str(repository.filestorage), "-D", stamp, "-o", str(restoring)])
        blobs_source = repository.point(stamp) / "blobstorage"
        blobs_restoring = settings.var / "blobstorage.restoring"
        shutil.rmtree(blobs_restoring, ignore_errors=True)
        if blobs_source.is_dir():
            shutil.copytree(blobs_source, blobs_restoring, copy_function=shutil.copy2)
        else:
            blobs_restoring.mkdir()
        os.chmod(blobs_restoring, 0o700)
    except BaseException:
        # A restore that fails half-way (a full disk, a corrupt backup) leaves var/ as it was.
        for leftover in (settings.var / "filestorage").glob("Data.fs.restoring*"):
            leftover.unlink()
        shutil.rmtree(settings.var / "blobstorage.restoring", ignore_errors=True)
        lock.release()
        raise
    try:
        # What was there is kept aside, not deleted: a restore loses nothing.
        aside = settings.var / f"before-restore-{time.strftime('%Y-%m-%d-%H-%M-%S', time.gmtime())}"
        current = [
            p
            for p in filestorage.iterdir()
            if p.name.startswith("Data.fs") and not p.name.startswith("Data.fs.restoring")
        ]
        if current or (settings.var / "blobstorage").exists():
            (aside / "filestorage").mkdir(parents=True, exist_ok=True)
            for path in current:
                os.replace(path, aside / "filestorage" / path.name)
            if (settings.var / "blobstorage").exists():
                os.replace(settings.var / "blobstorage", aside / "blobstorage")
        os.replace(restoring, filestorage / "Data.fs")
        if Path(f"{restoring}.index").exists():
            os.replace(f"{restoring}.index", filestorage / "Data.fs.index")
        os.replace(blobs_restoring, settings.var / "blobstorage")
        if (repository.point(stamp) / "ldap.ldif").is_file() and settings.local_directory:
            restore_directory(settings, repository.point(stamp), aside)
    finally:
        lock.release()
    kept = f"; what var/ held is kept in {aside}" if aside.exists() else ""
    say(
        f"restored the point {stamp} ({point['kind']}) into {settings.var}: database "
        f"{human((settings.var / 'filestorage' / 'Data.fs').stat().st_size)}, {point['blob_files']} blob file(s), "
        f"in {time.monotonic() - started:.1f} s{kept}"
    )
    return 0


def command_list(settings) -> int:
    repository = Repository(settings.backup_dir)
    points = repository.points()
    if not points:
        say(f"no restore point in {repository.folder}")
        return 0
    for point in points:
        print(
            f"{point['stamp']}  {point['kind']:<11}  database {human(point['database_file_bytes']):>9}  "
            f"{point['blob_files']} blob file(s), {point['new_blob_files']} new ({human(point['new_blob_bytes'])})"
        )
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["backup", "restore", "list"])
    parser.add_argument("--full", action="store_true", help="backup: a full backup, not an incremental one")
    parser.add_argument("--at", help="restore: the newest point at or before this time (YYYY-MM-DD-HH-MM-SS, UTC)")
    parser.add_argument(
        "--home",
        default=os.environ.get("ENT_HOME") or os.getcwd(),
        help="the project folder, holding instance/ (default: ENT_HOME or the current folder)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = settings_module.load(os.environ, args.home)
    except settings_module.SettingsError as error:
        return fail(str(error), 2)
    try:
        if args.command == "backup":
            return command_backup(settings, full=args.full)
        if args.command == "restore":
            return command_restore(settings, at=args.at)
        return command_list(settings)
    except BackupError as error:
        return fail(str(error), 1)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            return fail(f"no space left on the device of {error.filename or settings.backup_dir}", 1)
        return fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1)


if __name__ == "__main__":
    sys.exit(main())
