"""Fault: the disk under var/ is full (a real, tiny tmpfs mounted for the test; skipped where
mounting is not allowed). A transaction that cannot be written fails with ENOSPC and leaves
nothing behind: Data.fs keeps its size, the last committed state is read in the same process
and after reopening, the file passes fstest, and writes succeed again once space is freed.
The person who saved sees a French page saying nothing was saved (ent.policy.diskfull, 507)."""

from ent.policy.interfaces import IEntPolicyLayer
from Products.statusmessages.interfaces import IStatusMessage
from ZODB.blob import Blob
from ZODB.FileStorage import FileStorage
from ZODB.scripts import fstest
from zope.component import getMultiAdapter
from zope.interface import alsoProvides

import errno
import pytest
import subprocess
import transaction
import ZODB


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "var"
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
    yield folder
    # Lazily: a database a failed test left open must not keep the mount after the run.
    subprocess.run(["umount", "--lazy", str(folder)], check=False)


def open_db(var, read_only=False):
    (var / "blobstorage").mkdir(mode=0o700, exist_ok=True)
    return ZODB.DB(FileStorage(str(var / "Data.fs"), blob_dir=str(var / "blobstorage"), read_only=read_only))


def save(db, text, size=0):
    tm = transaction.TransactionManager()
    connection = db.open(tm)
    try:
        blob = Blob()
        with blob.open("w") as stream:
            stream.write(text.encode() + b"\0" * size)
        connection.root()["page"] = {"text": text, "file": blob}
        tm.commit()
    except BaseException:
        tm.abort()
        raise
    finally:
        connection.close()


def read(db):
    connection = db.open()
    try:
        page = connection.root()["page"]
        with page["file"].open("r") as stream:
            return page["text"], stream.read(len(page["text"].encode())).decode()
    finally:
        connection.close()


def fill(folder):
    """Write zeros until the file system refuses: the disk is full."""
    filler = folder / "filler"
    with open(filler, "wb") as stream:
        try:
            while True:
                stream.write(b"\0" * 65536)
                stream.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def test_a_full_disk_refuses_the_save_and_keeps_the_database(small_disk):
    db = open_db(small_disk)
    save(db, "Avant")
    size = (small_disk / "Data.fs").stat().st_size
    filler = fill(small_disk)
    with pytest.raises(OSError) as raised:
        save(db, "Pendant", size=200_000)
    assert raised.value.errno == errno.ENOSPC
    assert (small_disk / "Data.fs").stat().st_size == size  # nothing half-written
    assert read(db) == ("Avant", "Avant")  # readable while the disk is full
    db.close()
    db = open_db(small_disk, read_only=True)
    assert read(db) == ("Avant", "Avant")
    db.close()
    fstest.check(str(small_disk / "Data.fs"))  # raises on a damaged file
    filler.unlink()
    db = open_db(small_disk)
    save(db, "Après", size=200_000)
    assert read(db) == ("Après", "Après")
    db.close()


def test_the_person_is_told_that_nothing_was_saved(integration):
    portal = integration["portal"]
    request = integration["request"]
    alsoProvides(request, IEntPolicyLayer)
    request.environ["HTTP_ACCEPT"] = "text/html"
    # The edit form said so before the commit failed: the page must not repeat it.
    IStatusMessage(request).add("Modifications enregistrées", type="info")
    view = getMultiAdapter((OSError(errno.ENOSPC, "No space left on device"), request), name="index.html")
    view.__parent__ = portal
    page = view()
    assert request.response.getStatus() == 507
    assert "Rien n'a été enregistré : le serveur n'a plus de place" in page
    assert "Modifications enregistrées" not in page and not IStatusMessage(request).show()


def test_other_system_errors_keep_the_usual_error_page(integration):
    request = integration["request"]
    alsoProvides(request, IEntPolicyLayer)
    request.environ["HTTP_ACCEPT"] = "application/json"
    try:
        raise FileNotFoundError(errno.ENOENT, "No such file")
    except FileNotFoundError as error:
        view = getMultiAdapter((error, request), name="index.html")
        view.__parent__ = integration["portal"]
        answer = view()
    assert request.response.getStatus() != 507
    assert "FileNotFoundError" in answer
