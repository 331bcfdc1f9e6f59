"""`ent-storage convert`: move the site's FileStorage (var/filestorage/Data.fs and
var/blobstorage) into RelStorage on PostgreSQL, with RelStorage's zodbconvert (or into the
private ZEO server's folder var/zeo, a copy: a ZEO server keeps a FileStorage).

    ent-storage convert [--to relstorage|zeo] [--clear] [--dry-run]

The destination is the one `ENT_STORAGE=relstorage` (or zeo) would use with the same
settings: ENT_RELSTORAGE_DSN, else the private PostgreSQL of var/postgresql, started for the
conversion and stopped after it (ENT_ZEO_ADDRESS, else the private ZEO server of var/zeo).
The instance must be stopped; the FileStorage is read only and kept. Then serve with
`ENT_STORAGE=relstorage make run`. A destination that already holds data is refused unless
--clear (which empties it first). Errors are one line on stderr, exit status 1 (2: settings).
"""

from dataclasses import replace
from ent.server import files
from ent.server import settings as settings_module
from ent.server.services.storage import start_storage
from ent.server.services.storage import StorageError
from pathlib import Path

import argparse
import os
import re
import shutil
import subprocess
import sys
import time


PROG = "ent-storage"
TARGETS = ("relstorage", "zeo")


def fail(message: str, status: int = 1) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def say(message: str) -> None:
    print(f"{PROG}: {message}", flush=True)


def storage_section(rendered: str, name: str) -> str:
    """The storage section of a rendered instance/storage template, named `name` for
    zodbconvert (its %import lines kept; the database's own keys dropped)."""
    imports = [line for line in rendered.splitlines() if line.startswith("%import")]
    body = re.search(r"<zodb_db main>\n(.*)</zodb_db>", rendered, re.S).group(1)
    lines = [
        line
        for line in body.splitlines()
        if not re.match(r"^  (cache-size|mount-point)\b", line) and not line.strip().startswith("#")
    ]
    text = "\n".join(lines)
    text = re.sub(r"^(\s*)<([a-z]+)>", lambda m: f"{m.group(1)}<{m.group(2)} {name}>", text, count=1, flags=re.M)
    return "\n".join([*imports, text])


def conversion_config(settings, target: str) -> str:
    source = f"""\
<filestorage source>
  path {settings.var / "filestorage" / "Data.fs"}
  blob-dir {settings.var / "blobstorage"}
  read-only true
</filestorage>
"""
    values = files.template_values(replace(settings, storage=target))
    return f"%define INSTANCE {settings.var}\n{source}\n{storage_section(values['storage'], 'destination')}\n"


def write_secret(path: Path, text: str) -> None:
    """The configuration may hold the database's password: readable by us only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)


def copy_into_private_zeo(settings, clear: bool, dry_run: bool) -> int:
    """A ZEO server's data is a FileStorage: the private server's is a copy of the site's
    (zodbconvert through a ZEO client would lose the blobs: ZEO's restore takes none)."""
    if settings.zeo_address:
        return fail(
            f"ENT_ZEO_ADDRESS={settings.zeo_address} is an outside ZEO server: copy "
            f"{settings.var / 'filestorage' / 'Data.fs'} and {settings.var / 'blobstorage'} into its storage"
        )
    folder = settings.var / "zeo"
    if (folder / "Data.fs").exists() and not clear:
        return fail(f"the ZEO server's database {folder / 'Data.fs'} already holds data: add --clear to replace it")
    if dry_run:
        say(f"would copy {settings.var / 'filestorage' / 'Data.fs'} and its blobs into {folder} (dry run)")
        return 0
    from ent.server.services.zeo import PrivateZEO

    PrivateZEO(folder, settings.templates / "zeoserver.conf.in").stop()
    started = time.monotonic()
    for name in ("Data.fs", "Data.fs.index"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "blobs", ignore_errors=True)
    shutil.copy2(settings.var / "filestorage" / "Data.fs", folder / "Data.fs")
    if (settings.var / "blobstorage").is_dir():
        shutil.copytree(settings.var / "blobstorage", folder / "blobs", ignore=shutil.ignore_patterns("tmp", ".lock"))
    (folder / "blobs").mkdir(mode=0o700, exist_ok=True)
    say(
        f"copied into {folder} in {time.monotonic() - started:.1f} s; "
        f"{settings.var / 'filestorage' / 'Data.fs'} is kept. Serve the site with ENT_STORAGE=zeo."
    )
    return 0


def command_convert(settings, target: str, clear: bool, dry_run: bool) -> int:
    data_fs = settings.var / "filestorage" / "Data.fs"
    if not data_fs.is_file():
        return fail(f"no FileStorage to convert: {data_fs} does not exist")
    lock = files.RunLock(settings.var)
    try:
        lock.check_free()
        lock.acquire()  # no instance starts on this var/ folder while the data moves
    except files.AlreadyRunning as error:
        return fail(f"{error}: the conversion needs it stopped")
    destination = replace(settings, storage=target)
    if target == "zeo":
        try:
            return copy_into_private_zeo(settings, clear, dry_run)
        finally:
            lock.release()
    service = None
    try:
        try:
            service = start_storage(destination, say)
        except StorageError as error:
            return fail(str(error))
        settings.etc.mkdir(parents=True, exist_ok=True)
        config = settings.etc / f"zodbconvert-{target}.conf"
        write_secret(config, conversion_config(settings, target))
        (settings.var / "blobcache").mkdir(exist_ok=True)
        command = [sys.executable, "-m", "relstorage.zodbconvert", str(config)]
        if clear:
            command.insert(-1, "--clear")
        if dry_run:
            command.insert(-1, "--dry-run")
        say(f"copying {data_fs} and its blobs into {target}{' (dry run)' if dry_run else ''}…")
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            lines = [line for line in (result.stderr + result.stdout).strip().splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit status {result.returncode}"
            if "destination storage has data" in reason:
                reason = f"the {target} database already holds data: add --clear to replace it"
            return fail(f"zodbconvert failed: {reason}")
        copied = re.findall(r"Copied (\d+ transactions?.*)", result.stderr + result.stdout)
        say(
            f"converted in {time.monotonic() - started:.1f} s{f' ({copied[-1].strip()})' if copied else ''}; "
            f"{data_fs} is kept. Serve the site with ENT_STORAGE={target}."
        )
        return 0
    finally:
        if service is not None:
            service.stop()
        lock.release()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    convert = subparsers.add_parser("convert", help="copy the FileStorage into RelStorage (or ZEO)")
    convert.add_argument("--to", choices=TARGETS, default="relstorage", help="the destination (default relstorage)")
    convert.add_argument("--clear", action="store_true", help="empty the destination first")
    convert.add_argument("--dry-run", action="store_true", help="read everything, write nothing")
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
    return command_convert(settings, args.to, args.clear, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
