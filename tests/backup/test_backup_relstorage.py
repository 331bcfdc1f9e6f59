"""`ent-backup` on a RelStorage site (the private PostgreSQL of var/postgresql): a pg_dump
while the database runs, changes made after it, `restore`: the database as it was at the
backup, its blobs (kept in PostgreSQL) included."""

from ent.server import settings as settings_module
from ent.server.commands import backup
from ent.server.services.storage import open_database
from ent.server.services.storage import start_storage
from pathlib import Path
from ZODB.blob import Blob

import os
import pytest
import shutil
import tempfile
import transaction


@pytest.fixture
def relstorage_site(project, monkeypatch):
    # The postgres account must reach the cluster's folder: not pytest's private tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="ent-backup-", dir="/tmp"))
    os.chmod(folder, 0o711)
    for name in list(os.environ):
        if name.startswith("ENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ENT_STORAGE", "relstorage")
    monkeypatch.setenv("ENT_VAR_DIR", str(folder / "var"))
    monkeypatch.setenv("ENT_BACKUP_DIR", str(folder / "backups"))
    monkeypatch.setenv("ENT_HOME", str(project))
    settings = settings_module.load(os.environ, project)
    server = start_storage(settings, say=lambda message: None)
    yield settings
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def write(settings, text):
    db = open_database(settings)
    try:
        tm = transaction.TransactionManager()
        connection = db.open(tm)
        blob = Blob()
        with blob.open("w") as stream:
            stream.write(text.encode())
        connection.root()["report"] = {"text": text, "file": blob}
        tm.commit()
        connection.close()
    finally:
        db.close()


def read(settings):
    db = open_database(settings)
    try:
        connection = db.open()
        value = connection.root()["report"]
        with value["file"].open("r") as stream:
            result = (value["text"], stream.read().decode())
        connection.close()
        return result
    finally:
        db.close()


def test_a_dump_restores_the_database_as_it_was(relstorage_site, capsys):
    write(relstorage_site, "Bilan du premier trimestre")
    assert backup.main(["backup"]) == 0
    assert "(pg_dump)" in capsys.readouterr().out
    write(relstorage_site, "Écrasé après la sauvegarde")
    shutil.rmtree(relstorage_site.var / "blobcache", ignore_errors=True)
    assert backup.main(["restore"]) == 0
    assert read(relstorage_site) == ("Bilan du premier trimestre", "Bilan du premier trimestre")
