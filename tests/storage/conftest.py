"""Storage tests: a var/ folder the `postgres` account can reach (pytest's own temporary
folders are private to root, and PostgreSQL refuses to run as root)."""

from pathlib import Path

import os
import pytest
import shutil
import tempfile


def reachable_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ent-storage-", dir="/tmp"))
    os.chmod(folder, 0o711)
    return folder


@pytest.fixture(scope="module")
def storage_folder():
    folder = reachable_folder()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
