"""RelStorage on PostgreSQL against FileStorage (issue 15): reads and writes through the ZODB,
each storage opened from its own instance/storage template, on the same machine, in the
same run.

    .venv/bin/python benchmarks/storage.py [--objects 2000] [--blobs 200] [--json FILE]

Measured for each storage (FileStorage in a temporary var/; RelStorage on the private
PostgreSQL `ent-instance run` would start, in the same temporary var/):

- writes: transactions per second, each commits one new persistent item of ~2 KB (a
  page's size in the ZODB) into an OOBTree, as a page saved by an editor;
- blob writes: MB per second, --blobs files of 256 KB, one transaction each;
- cold reads: items per second read through a fresh connection with an empty object
  cache (what a new instance, or an instance whose cache was evicted, pays);
- warm reads: items per second, the same reads from the connection's cache (the storage
  is not reached: a sanity line, it should not depend on the storage);
- blob reads: MB per second, each file opened and read through a fresh connection.

Ratios are RelStorage / FileStorage. Everything runs in a temporary folder (PostgreSQL on
127.0.0.1 only) and is stopped at the end, also on error or Ctrl-C. A short smoke run:
`--objects 200 --blobs 20`.
"""

from pathlib import Path

import argparse
import json
import os
import shutil
import sys
import tempfile
import time


ROOT = Path(__file__).resolve().parent.parent
ITEM_TEXT = "Le conseil départemental informe les familles. " * 44  # ~2 KB
BLOB = os.urandom(256 * 1024)


def settings_for(var: Path, storage: str):
    from ent.server import settings as settings_module

    return settings_module.load({"ENT_VAR_DIR": str(var), "ENT_STORAGE": storage}, ROOT)


def measure(db, objects: int, blobs: int) -> dict:
    from BTrees.OOBTree import OOBTree
    from persistent.mapping import PersistentMapping
    from ZODB.blob import Blob

    import transaction

    figures = {}
    with db.transaction() as connection:
        connection.root()["items"] = OOBTree()
        connection.root()["files"] = OOBTree()

    connection = db.open()
    items = connection.root()["items"]
    started = time.perf_counter()
    for number in range(objects):
        items[f"item-{number}"] = PersistentMapping(title=f"Actualité {number}", text=ITEM_TEXT)
        transaction.commit()
    figures["writes per s"] = objects / (time.perf_counter() - started)
    files = connection.root()["files"]
    started = time.perf_counter()
    for number in range(blobs):
        blob = Blob()
        with blob.open("w") as stream:
            stream.write(BLOB)
        files[f"file-{number}"] = blob
        transaction.commit()
    figures["blob writes MB/s"] = blobs * len(BLOB) / 1e6 / (time.perf_counter() - started)
    connection.close()

    connection = db.open()
    connection.cacheMinimize()
    items = connection.root()["items"]
    started = time.perf_counter()
    for number in range(objects):
        assert items[f"item-{number}"]["title"]
    figures["cold reads per s"] = objects / (time.perf_counter() - started)
    started = time.perf_counter()
    for number in range(objects):
        assert items[f"item-{number}"]["title"]
    figures["warm reads per s"] = objects / (time.perf_counter() - started)
    connection.close()

    started = time.perf_counter()
    for number in range(blobs):
        connection = db.open()
        with connection.root()["files"][f"file-{number}"].open() as stream:
            assert len(stream.read()) == len(BLOB)
        connection.close()
    figures["blob reads MB/s"] = blobs * len(BLOB) / 1e6 / (time.perf_counter() - started)
    return figures


def run(storage: str, folder: Path, objects: int, blobs: int) -> dict:
    from ent.server.services.storage import open_database
    from ent.server.services.storage import start_storage

    settings = settings_for(folder / storage / "var", storage)
    service = start_storage(settings, say=lambda message: None)
    try:
        db = open_database(settings)
        try:
            return measure(db, objects, blobs)
        finally:
            db.close()
    finally:
        if service is not None:
            service.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=2000, help="items written and read (default 2000)")
    parser.add_argument("--blobs", type=int, default=200, help="files of 256 KB written and read (default 200)")
    parser.add_argument("--json", type=Path, help="also write the figures into this file")
    args = parser.parse_args(argv)
    # PostgreSQL refuses root: its account must reach the folder (see docs/storage.md).
    folder = Path(tempfile.mkdtemp(prefix="ent-bench-storage-", dir="/tmp"))
    os.chmod(folder, 0o711)
    try:
        results = {storage: run(storage, folder, args.objects, args.blobs) for storage in ("filestorage", "relstorage")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nStorage: {args.objects} items, {args.blobs} files of 256 KB\n")
    print("| Figure | FileStorage | RelStorage (PostgreSQL) | RelStorage / FileStorage |")
    print("|---|---:|---:|---:|")
    for figure, value in results["filestorage"].items():
        other = results["relstorage"][figure]
        print(f"| {figure} | {value:,.1f} | {other:,.1f} | {other / value:.2f}x |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
