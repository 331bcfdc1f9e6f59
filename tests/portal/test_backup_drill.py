"""The restore drill on the demo site as `make run` serves it: content, a file, a person's
notification preference and the parent's form submissions (cases) exist; `make backup` runs
while pages are being added; var/ is gone (a new, empty folder); `make restore` and `make run`
give the same site: the same page, the same file's bytes, the same preference, the same cases,
the same people in the directory, and every page added during the backup either wholly there
or wholly absent. `make restore` over the live instance is refused in one line."""

from support.demo_instance import DemoInstance
from support.demo_instance import PEOPLE
from support.instance_process import make
from support.instance_process import own_lines

import json
import os
import pytest
import requests
import shutil
import threading


JSON = {"Accept": "application/json", "Content-Type": "application/json"}
#: A file whose bytes are not text: a blob, stored beside Data.fs.
FILE_BYTES = bytes(range(256)) * 40


def admin(instance):
    session = requests.Session()
    session.auth = ("admin", instance.admin_password)
    session.headers.update(JSON)
    return session


def create(session, url, **fields):
    answer = session.post(url, data=json.dumps(fields), timeout=60)
    assert answer.status_code == 201, answer.text
    return answer.json()


def site_state(instance, folder_id):
    """What a person would check after a restore, read through the site."""
    manager = admin(instance)
    folder = manager.get(f"{instance.url}/{folder_id}", params={"b_size": 1000}, timeout=60).json()
    page = manager.get(f"{instance.url}/{folder_id}/compte-rendu", timeout=60).json()
    download = manager.get(f"{instance.url}/{folder_id}/releve/@@download/file", timeout=60)
    agent = instance.session(PEOPLE["county-agent"])
    preference = agent.get(f"{instance.url}/@notification-preferences", headers=JSON, timeout=60).json()
    cases = instance.session(PEOPLE["parent"]).get(f"{instance.url}/@cases", headers=JSON, timeout=60).json()
    found = manager.get(
        f"{instance.url}/@search",
        params={"path.query": f"/{instance.env.get('ENT_SITE_ID', 'ent')}/{folder_id}", "portal_type": "Document"},
        timeout=60,
    ).json()
    return {
        "items": sorted(item["@id"].rsplit("/", 1)[1] for item in folder["items"]),
        "page": (page["title"], page["text"]["data"]),
        "file": (download.status_code, download.content),
        "preference": preference.get("notifications"),
        "cases": sorted((case["reference"], case.get("state")) for case in cases["items"]),
        "catalogued": found["items_total"],
    }


@pytest.fixture
def restored(project, tmp_path):
    instance = None

    def start(demo):
        nonlocal instance
        instance = DemoInstance(project, tmp_path / "restored")
        instance.admin_password = demo.admin_password
        instance.env["ENT_ADMIN_PASSWORD"] = demo.admin_password
        instance.env["ENT_BACKUP_DIR"] = demo_backups(demo)
        return instance

    yield start
    if instance is not None:
        instance.stop()


def demo_backups(demo):
    return str(demo.var.parent / "backups")


def test_backup_destroy_restore_gives_the_same_site(demo, restored, project):
    manager = admin(demo)
    folder_id = "exercice-de-restauration"
    if manager.get(f"{demo.url}/{folder_id}", timeout=60).status_code == 200:
        manager.delete(f"{demo.url}/{folder_id}", timeout=60)
    create(manager, demo.url, **{"@type": "Folder", "id": folder_id, "title": "Exercice de restauration"})
    base = f"{demo.url}/{folder_id}"
    create(
        manager,
        base,
        **{
            "@type": "Document",
            "id": "compte-rendu",
            "title": "Compte rendu du conseil",
            "text": {"data": "<p>Le conseil s’est réuni le 12 mars.</p>", "content-type": "text/html"},
        },
    )
    create(
        manager,
        base,
        **{
            "@type": "File",
            "id": "releve",
            "title": "Relevé",
            "file": {
                "data": __import__("base64").b64encode(FILE_BYTES).decode(),
                "encoding": "base64",
                "filename": "releve.bin",
                "content-type": "application/octet-stream",
            },
        },
    )
    agent = demo.session(PEOPLE["county-agent"])
    original = agent.get(f"{demo.url}/@notification-preferences", headers=JSON, timeout=60).json()["notifications"]
    chosen = "never" if original != "never" else "immediate"
    answer = agent.patch(
        f"{demo.url}/@notification-preferences", data=json.dumps({"notifications": chosen}), headers=JSON, timeout=60
    )
    assert answer.status_code == 200, answer.text
    try:
        env = dict(demo.env, ENT_BACKUP_DIR=demo_backups(demo))
        shutil.rmtree(env["ENT_BACKUP_DIR"], ignore_errors=True)

        # Pages added while the backup runs: each one whole in the restored site, or absent.
        stop = threading.Event()
        added = []

        def writer():
            session = admin(demo)
            while not stop.is_set():
                n = len(added) + 1
                create(session, base, **{"@type": "Document", "id": f"ajout-{n}", "title": f"Ajout {n}"})
                added.append(f"ajout-{n}")

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            result = make(project, "backup", env, timeout=300)
        finally:
            stop.set()
            thread.join()
        assert result.returncode == 0, result.stderr
        assert "restore point" in result.stdout
        before = site_state(demo, folder_id)
        assert before["file"] == (200, FILE_BYTES) and before["preference"] == chosen and before["cases"]

        # Over the live instance: refused, one line, its data untouched.
        data_fs = demo.var / "filestorage" / "Data.fs"
        inode = data_fs.stat().st_ino
        refused = make(project, "restore", env)
        assert refused.returncode != 0
        lines = own_lines(refused.stderr)
        assert len(lines) == 1 and "refusing to restore over a live instance" in lines[0], refused.stderr
        assert data_fs.stat().st_ino == inode
        assert not list(demo.var.glob("before-restore-*")) and not list(demo.var.glob("*.restoring"))

        # var/ destroyed: the restored instance starts from an empty folder.
        instance = restored(demo)
        assert not instance.var.exists()
        result = make(project, "restore", instance.env, timeout=300)
        assert result.returncode == 0, result.stderr
        instance.start()
        after = site_state(instance, folder_id)
    finally:
        agent.patch(
            f"{demo.url}/@notification-preferences",
            data=json.dumps({"notifications": original}),
            headers=JSON,
            timeout=60,
        )
    pages = [name for name in after["items"] if name.startswith("ajout-")]
    # The pages the backup holds are the first k pages added, each catalogued with it.
    assert set(pages) == set(added[: len(pages)])
    assert after["catalogued"] == 1 + len(pages)
    for key in ("page", "file", "preference", "cases"):
        assert after[key] == before[key], key
    assert set(after["items"]) - set(pages) == {"compte-rendu", "releve"}
    assert os.path.isdir(instance.var / "ldap")  # the directory's people came back with it
