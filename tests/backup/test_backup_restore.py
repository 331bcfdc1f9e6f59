"""`ent-backup` on a real FileStorage with its blobs (ZODB, repozo, the blob folder), without
a Plone site: backup, destroy var/, restore, the same objects and files; a backup taken while
transactions commit restores to a consistent state; pruning; the refusals (an instance
running, a backup folder that cannot be written, a backup folder inside var/), one line each,
nothing changed. The drill with a whole site is tests/portal/test_backup_drill.py."""

from ent.server.commands import backup
from pathlib import Path
from support.instance_process import snapshot
from ZODB.blob import Blob
from ZODB.FileStorage import FileStorage

import json
import os
import pytest
import shutil
import subprocess
import sys
import threading
import time
import transaction
import ZODB


def open_db(var: Path, read_only=False):
    return ZODB.DB(
        FileStorage(
            str(var / "filestorage" / "Data.fs"),
            blob_dir=str(var / "blobstorage"),
            read_only=read_only,
        )
    )


def write(db, **values):
    """Set root[name] = (text, a blob holding text) for each name, in one transaction."""
    tm = transaction.TransactionManager()
    connection = db.open(tm)
    root = connection.root()
    for name, text in values.items():
        blob = Blob()
        with blob.open("w") as stream:
            stream.write(text.encode())
        root[name] = {"text": text, "file": blob}
    tm.commit()
    connection.close()


def read(var: Path) -> dict:
    """{name: (text, the blob's bytes)} of the database in var/."""
    db = open_db(var, read_only=True)
    try:
        connection = db.open()
        result = {}
        for name, value in connection.root().items():
            with value["file"].open("r") as stream:
                result[name] = (value["text"], stream.read().decode())
        connection.close()
        return result
    finally:
        db.close()


@pytest.fixture
def site(tmp_path, project, monkeypatch):
    """var/ with a database, ENT_* pointing at it and at a backup folder beside it."""
    var = tmp_path / "var"
    (var / "filestorage").mkdir(parents=True)
    (var / "blobstorage").mkdir(mode=0o700)
    for name in list(os.environ):
        if name.startswith("ENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ENT_VAR_DIR", str(var))
    monkeypatch.setenv("ENT_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("ENT_HOME", str(project))
    return var


def test_restore_into_a_destroyed_var_gives_the_same_objects_and_files(site, capsys):
    db = open_db(site)
    write(db, page="Bonjour", photo="JPEG 1")
    db.close()
    assert backup.main(["backup"]) == 0
    first = json.loads(next((site.parent / "backups" / "points").glob("*/manifest.json")).read_text())
    assert first["kind"] == "full"

    db = open_db(site)
    write(db, photo="JPEG 2", form="Réponse d'un parent")  # a blob changed, one added
    db.close()
    time.sleep(1)  # repozo names its files by the second
    assert backup.main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "(incremental)" in out and "1 new" not in out.split("(incremental)")[0]
    before = read(site)

    shutil.rmtree(site)
    assert backup.main(["restore"]) == 0
    assert (
        read(site)
        == before
        == {
            "page": ("Bonjour", "Bonjour"),
            "photo": ("JPEG 2", "JPEG 2"),
            "form": ("Réponse d'un parent", "Réponse d'un parent"),
        }
    )
    # An older point: the state as it was then, its own blobs included.
    shutil.rmtree(site)
    assert backup.main(["restore", "--at", first["stamp"]]) == 0
    assert read(site) == {"page": ("Bonjour", "Bonjour"), "photo": ("JPEG 1", "JPEG 1")}


def test_the_blobs_of_an_incremental_point_are_links_to_the_previous_ones(site):
    db = open_db(site)
    write(db, **{f"file{n}": "x" * 10_000 for n in range(5)})
    db.close()
    backup.main(["backup"])
    db = open_db(site)
    write(db, extra="y")
    db.close()
    time.sleep(1)
    backup.main(["backup"])
    first, second = sorted((site.parent / "backups" / "points").iterdir())
    manifest = json.loads((second / "manifest.json").read_text())
    assert (manifest["blob_files"], manifest["new_blob_files"]) == (7, 2)  # .layout and the new blob
    old = {p.relative_to(first): p.stat().st_ino for p in (first / "blobstorage").rglob("*.blob")}
    new = {p.relative_to(second): p.stat().st_ino for p in (second / "blobstorage").rglob("*.blob")}
    shared = {path for path, inode in old.items() if new.get(path) == inode}
    assert len(shared) == 5


def test_a_backup_while_transactions_commit_restores_a_consistent_state(site):
    db = open_db(site)
    write(db, a="0", b="0")
    stop = threading.Event()
    committed = []

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            # a and b always change together: a restored state with a != b is a torn copy.
            write(db, a=str(n), b=str(n))
            committed.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(3):
            time.sleep(0.3)
            assert backup.main(["backup"]) == 0
            time.sleep(1)
    finally:
        stop.set()
        thread.join()
        db.close()
    points = sorted(p.name for p in (site.parent / "backups" / "points").iterdir())
    assert len(points) == 3
    seen = []
    for stamp in points:
        shutil.rmtree(site)
        assert backup.main(["restore", "--at", stamp]) == 0
        state = read(site)
        assert state["a"] == state["b"], stamp
        assert state["a"][0] == state["a"][1]  # the blob of the same transaction
        seen.append(int(state["a"][0]))
    assert seen == sorted(seen) and seen[-1] > seen[0] > 0  # written to during the backups
    assert len(committed) > seen[-1]


def test_old_points_are_pruned_by_whole_chains(site, monkeypatch, capsys):
    monkeypatch.setenv("ENT_BACKUP_KEEP", "2")
    db = open_db(site)
    for n in range(5):
        write(db, page=f"version {n}")
        assert backup.main(["backup"]) == 0
        time.sleep(1)
    db.close()
    repository = backup.Repository(site.parent / "backups")
    kinds = [kind for _, kind in repository.data_files()]
    # A full backup once a chain holds ENT_BACKUP_KEEP points; a chain goes when no kept point needs it.
    assert kinds == ["full", "incremental"] or kinds == ["full", "incremental", "full"], kinds
    assert len(repository.points()) >= 2
    assert sorted(p.name for p in repository.points_dir.iterdir()) == [p["stamp"] for p in repository.points()]
    shutil.rmtree(site)
    assert backup.main(["restore"]) == 0
    assert read(site)["page"][0] == "version 4"


def test_a_restore_while_an_instance_runs_is_refused_and_changes_nothing(site, capsys):
    db = open_db(site)
    write(db, page="Bonjour")
    db.close()
    assert backup.main(["backup"]) == 0
    capsys.readouterr()
    # An instance holds var/ent-instance.lock for as long as it runs (files.RunLock).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from ent.server.files import RunLock; "
            "RunLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)",
            str(site),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = snapshot(site)
        assert backup.main(["restore"]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "refusing to restore over a live instance" in err[0] and "stop it first" in err[0]
        assert snapshot(site) == before
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def read_only_folder(tmp_path):
    """A read-only file system (root writes everywhere else: permissions would not stop it)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {result.stderr.decode().strip()}")
    yield folder
    # Lazily: a database a failed test left open must not keep the mount after the run.
    subprocess.run(["umount", "--lazy", str(folder)], check=False)


def test_a_backup_folder_that_cannot_be_written_is_refused_in_one_line(site, read_only_folder, monkeypatch, capsys):
    db = open_db(site)
    write(db, page="Bonjour")
    db.close()
    monkeypatch.setenv("ENT_BACKUP_DIR", str(read_only_folder / "backups"))
    before = snapshot(site)
    assert backup.main(["backup"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not writable" in err[0] and "Read-only file system" in err[0], err
    assert snapshot(site) == before
    assert list(read_only_folder.iterdir()) == []


def test_a_backup_folder_inside_var_is_refused(site, monkeypatch, capsys):
    monkeypatch.setenv("ENT_BACKUP_DIR", str(site / "backups"))
    assert backup.main(["backup"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ENT_BACKUP_DIR" in err[0] and "inside the data folder" in err[0]
    assert not (site / "backups").exists()


def test_restore_without_any_backup_says_so(site, capsys):
    assert backup.main(["restore"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no backup folder" in err[0]
    assert backup.main(["restore", "--at", "yesterday"]) == 1
