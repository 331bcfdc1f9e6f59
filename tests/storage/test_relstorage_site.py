"""A site on RelStorage with the private PostgreSQL `make run` starts (ENT_STORAGE=relstorage,
no ENT_RELSTORAGE_DSN): created, written (a page and a file), restarted, read back."""

from ent.server.services.postgresql import PrivatePostgreSQL
from ent.server.services.slapd import LocalDirectory
from support.instance_process import free_port
from support.instance_process import Instance
from support.instance_process import make_env

import base64
import pytest
import requests
import secrets
import subprocess
import sys


REPORT = b"%PDF-1.4\n" + bytes(range(256)) * 64  # a file: a blob, kept in PostgreSQL


@pytest.fixture(scope="module")
def instance(project, storage_folder):
    instance = Instance(
        project,
        storage_folder / "var",
        free_port(),
        ENT_STORAGE="relstorage",
        ENT_DEMO="0",
        ENT_ADMIN_PASSWORD=secrets.token_urlsafe(16),
    )
    instance.start()
    yield instance
    instance.stop()


def admin(instance) -> requests.Session:
    session = requests.Session()
    session.auth = ("admin", instance.env["ENT_ADMIN_PASSWORD"])
    session.headers["Accept"] = "application/json"
    return session


def ent_instance(project, command, env):
    """`ent-instance COMMAND` itself (not through make: its install step may print)."""
    return subprocess.run(
        [sys.executable, "-m", "ent.server.commands.instance", command, "--home", str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def blob_bytes_in_postgresql(var) -> int:
    connection = PrivatePostgreSQL(var / "postgresql").connect("ent")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(length(lo_get(chunk))), 0) FROM blob_chunk")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_written_site_is_read_back_after_a_restart(instance):
    session = admin(instance)
    page = session.post(
        instance.url,
        json={"@type": "Document", "id": "rentree", "title": "Rentrée des classes", "text": "Le 2 septembre."},
        timeout=60,
    )
    assert page.status_code == 201, page.text
    document = session.post(
        instance.url,
        json={
            "@type": "File",
            "id": "bulletin",
            "title": "Bulletin",
            "file": {
                "data": base64.b64encode(REPORT).decode(),
                "encoding": "base64",
                "filename": "bulletin.pdf",
                "content-type": "application/pdf",
            },
        },
        timeout=60,
    )
    assert document.status_code == 201, document.text
    # The data is in PostgreSQL, the file included; no FileStorage was made.
    assert blob_bytes_in_postgresql(instance.var) >= len(REPORT)
    assert not (instance.var / "filestorage" / "Data.fs").exists()

    assert instance.stop() == 0
    assert PrivatePostgreSQL(instance.var / "postgresql").pid() is None, "PostgreSQL outlived the instance"
    instance.start()

    session = admin(instance)
    assert session.get(f"{instance.url}/rentree", timeout=60).json()["title"] == "Rentrée des classes"
    download = session.get(f"{instance.url}/bulletin/@@download/file", timeout=60)
    assert download.status_code == 200
    assert download.content == REPORT


def test_unreachable_database_is_one_line_and_nothing_is_written(project, storage_folder):
    var = storage_folder / "unreachable" / "var"
    dsn = f"host=127.0.0.1 port={free_port()} dbname=ent user=ent password=secret connect_timeout=3"
    env = make_env(var, free_port(), ENT_STORAGE="relstorage", ENT_RELSTORAGE_DSN=dsn, ENT_DEMO="0")
    result = ent_instance(project, "run", env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ent-instance: error: cannot connect to PostgreSQL with ENT_RELSTORAGE_DSN")
    assert "secret" not in result.stdout + result.stderr
    assert not (var / "etc" / "zope.conf").exists()
    assert not (var / "postgresql").exists()
    # The directory started before the storage was tried is stopped again.
    assert LocalDirectory(var / "ldap", 0, None, "").pid() is None


def test_malformed_dsn_is_a_settings_error(project, storage_folder):
    var = storage_folder / "malformed" / "var"
    env = make_env(var, free_port(), ENT_STORAGE="relstorage", ENT_RELSTORAGE_DSN="host=db password='unclosed")
    result = ent_instance(project, "check", env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ent-instance: error: ENT_RELSTORAGE_DSN is not a PostgreSQL connection string "
        "(e.g. 'dbname=ent user=ent host=db.example port=5432' or postgresql://ent@db.example/ent)"
    ]
    assert "unclosed" not in result.stderr
    assert not var.exists()
