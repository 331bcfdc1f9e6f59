"""Moving a FileStorage site to RelStorage (`ent-storage convert`), the pg_dump/pg_restore
helpers backups use, and the private ZEO server shared by two databases (two instances)."""

from ent.server import settings as settings_module
from ent.server.services import postgresql
from ent.server.services.storage import open_database
from ent.server.services.storage import start_storage
from ZODB.blob import Blob

import os
import pytest
import subprocess
import sys
import ZODB
import ZODB.FileStorage


REPORT = b"%PDF-1.4 bulletin du premier trimestre\n" * 100


def settings_for(project, var, **environ):
    return settings_module.load({"ENT_VAR_DIR": str(var), **environ}, project)


def write_filestorage_site(var):
    """A small site as FileStorage keeps it: objects and a blob, under var/."""
    (var / "filestorage").mkdir(parents=True)
    (var / "blobstorage").mkdir()
    storage = ZODB.FileStorage.FileStorage(str(var / "filestorage" / "Data.fs"), blob_dir=str(var / "blobstorage"))
    db = ZODB.DB(storage)
    with db.transaction() as connection:
        blob = Blob()
        with blob.open("w") as stream:
            stream.write(REPORT)
        connection.root()["ent"] = {"title": "Portail du Département", "bulletin": blob}
    db.close()


def read_site(db):
    with db.transaction() as connection:
        site = connection.root()["ent"]
        with site["bulletin"].open() as stream:
            return site["title"], stream.read()


def convert(project, var, *args, **environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENT_")}
    env.update(ENT_VAR_DIR=str(var), **environ)
    return subprocess.run(
        [sys.executable, "-m", "ent.server.commands.convert", "--home", str(project), "convert", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def converted(project, storage_folder):
    var = storage_folder / "var"
    write_filestorage_site(var)
    result = convert(project, var)
    return var, result


def test_convert_copies_the_site_and_its_files_into_postgresql(project, converted):
    var, result = converted
    assert result.returncode == 0, result.stderr
    assert "Serve the site with ENT_STORAGE=relstorage" in result.stdout
    assert (var / "filestorage" / "Data.fs").exists()  # kept
    settings = settings_for(project, var, ENT_STORAGE="relstorage")
    server = start_storage(settings, say=lambda message: None)
    try:
        db = open_database(settings)
        try:
            assert read_site(db) == ("Portail du Département", REPORT)
        finally:
            db.close()
    finally:
        server.stop()


def test_convert_again_refuses_to_overwrite_without_clear(project, converted):
    var, _ = converted
    result = convert(project, var)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ent-storage: error: zodbconvert failed: the relstorage database already holds data: add --clear to replace it"
    ]
    assert postgresql.PrivatePostgreSQL(var / "postgresql").pid() is None  # stopped after the refusal


def test_convert_without_filestorage_is_one_line(project, storage_folder):
    result = convert(project, storage_folder / "empty" / "var")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no FileStorage to convert" in result.stderr


def test_dump_and_restore_bring_back_the_database(project, converted):
    var, _ = converted
    settings = settings_for(project, var, ENT_STORAGE="relstorage")
    server = start_storage(settings, say=lambda message: None)
    try:
        dump = postgresql.dump(server.dsn(), var.parent / "ent.dump")
        assert dump.stat().st_size > 0
        db = open_database(settings)
        with db.transaction() as connection:
            connection.root()["ent"]["title"] = "Écrit après la sauvegarde"
        db.close()

        postgresql.restore(server.dsn(), dump)

        db = open_database(settings)
        try:
            assert read_site(db) == ("Portail du Département", REPORT)
        finally:
            db.close()
        with pytest.raises(postgresql.PostgreSQLError, match="^no dump at "):
            postgresql.restore(server.dsn(), var.parent / "missing.dump")
    finally:
        server.stop()


def test_private_zeo_server_is_shared_by_two_instances(project, storage_folder):
    settings = settings_for(project, storage_folder / "zeo" / "var", ENT_STORAGE="zeo")
    server = start_storage(settings, say=lambda message: None)
    try:
        first, second = open_database(settings), open_database(settings)
        try:
            with first.transaction() as connection:
                blob = Blob()
                with blob.open("w") as stream:
                    stream.write(REPORT)
                connection.root()["ent"] = {"title": "Écrit par la première", "bulletin": blob}
            assert read_site(second) == ("Écrit par la première", REPORT)
        finally:
            first.close()
            second.close()
    finally:
        server.stop()
    assert server.pid() is None
    assert (settings.var / "zeo" / "Data.fs").exists()


def test_convert_to_zeo_gives_the_private_zeo_server_the_site(project, storage_folder):
    var = storage_folder / "tozeo" / "var"
    write_filestorage_site(var)
    result = convert(project, var, "--to", "zeo")
    assert result.returncode == 0, result.stderr
    settings = settings_for(project, var, ENT_STORAGE="zeo")
    server = start_storage(settings, say=lambda message: None)
    try:
        db = open_database(settings)
        try:
            assert read_site(db) == ("Portail du Département", REPORT)
        finally:
            db.close()
    finally:
        server.stop()
    again = convert(project, var, "--to", "zeo")
    assert again.returncode == 1
    assert "already holds data: add --clear" in again.stderr


@pytest.mark.parametrize("address", ["zeo.example", "zeo.example:port", ":8100", "relative/zeo.sock"])
def test_zeo_address_must_be_host_port_or_a_socket_path(project, storage_folder, address):
    with pytest.raises(settings_module.SettingsError, match="^ENT_ZEO_ADDRESS=.* is neither host:port"):
        settings_for(project, storage_folder / "bad", ENT_STORAGE="zeo", ENT_ZEO_ADDRESS=address)
    assert settings_for(project, storage_folder / "good", ENT_ZEO_ADDRESS="zeo.example:8100").zeo_address
