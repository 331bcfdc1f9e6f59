"""Fault: PostgreSQL restarted under load (ENT_STORAGE=relstorage, the private PostgreSQL that
`make run` starts). Readers and a writer keep sending requests; the database stops for three
seconds and comes back on its port (`pg_ctl restart`, as an operator or the system does):
during the outage every request is answered at once (an error, no hang), and afterwards they
succeed again without restarting Plone, the pages written before the outage all there."""

from ent.server.services.postgresql import PrivatePostgreSQL
from ent.server.services.postgresql import program
from pathlib import Path
from support.instance_process import free_port
from support.instance_process import Instance

import os
import pytest
import requests
import secrets
import shutil
import tempfile
import threading
import time


@pytest.fixture(scope="module")
def instance(project):
    # The postgres account must reach the cluster's folder: not pytest's private tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="ent-faults-", dir="/tmp"))
    os.chmod(folder, 0o711)
    instance = Instance(
        project,
        folder / "var",
        free_port(),
        ENT_STORAGE="relstorage",
        ENT_DEMO="0",
        ENT_ADMIN_PASSWORD=secrets.token_urlsafe(16),
    )
    instance.start()
    yield instance
    instance.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_requests_fail_fast_during_the_outage_and_succeed_after(instance):
    auth = ("admin", instance.env["ENT_ADMIN_PASSWORD"])
    json = {"Accept": "application/json"}
    server = PrivatePostgreSQL(instance.var / "postgresql")
    answers = []  # (phase, seconds taken, status)
    written = []
    phase = "before"
    stop = threading.Event()

    def send(method, url, **kw):
        started = time.monotonic()
        try:
            status = requests.request(method, url, auth=auth, headers=json, timeout=60, **kw).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        answers.append((phase, time.monotonic() - started, status))
        return status

    def reader():
        while not stop.is_set():
            send("GET", f"{instance.url}/@search", params={"SearchableText": "page"})
            time.sleep(0.05)

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            if send("POST", instance.url, json={"@type": "Document", "id": f"page-{n}", "title": f"Page {n}"}) == 201:
                written.append(f"page-{n}")
            time.sleep(0.1)

    threads = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        phase = "outage"
        server.stop()
        time.sleep(3)
        # On a stopped server, pg_ctl restart starts it with the options it last ran with (its port).
        server._run(program("pg_ctl"), "-D", server.data, "-l", server.logfile, "-w", "restart", check=False)
        phase = "after"
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    before = [status for when, _, status in answers if when == "before"]
    outage = [(took, status) for when, took, status in answers if when == "outage"]
    after = [status for when, _, status in answers if when == "after"]
    assert before and set(before) <= {200, 201}
    assert outage and max(took for took, _ in outage) < 10  # answered at once, no hang
    # Plone was not restarted: once the database answers, so does every request.
    first_ok = next(n for n, status in enumerate(after) if status in (200, 201))
    assert first_ok <= 6 and set(after[first_ok:]) <= {200, 201}, after
    listing = requests.get(instance.url, auth=auth, headers=json, params={"b_size": 1000}, timeout=60).json()
    assert set(written) <= {item["@id"].rsplit("/", 1)[1] for item in listing["items"]}
