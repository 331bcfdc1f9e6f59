"""Several instances (issue 15): `ENT_INSTANCES=2 ent-instance run` serves one site from two
waitress processes behind HAProxy, on one shared database.

One topology for the module, as `make run` starts it: an ENT_DEMO=0 site on RelStorage with
the private PostgreSQL, the local directory, a private memcached, HAProxy; a real SMTP
server on loopback. The kill test is last: it kills one instance.
"""

from ent.policy.directory.shape import group_entry
from ent.policy.directory.shape import hash_password
from ent.policy.directory.shape import person_entry
from ent.policy.directory.shape import Shape
from ent.server.services.haproxy import LoadBalancer
from ent.server.settings import load
from ent.server.settings import SettingsError
from pathlib import Path
from support.instance_process import free_port
from support.instance_process import make_env
from support.smtp_server import SmtpServer

import os
import psutil
import pytest
import re
import requests
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


ADMIN = ("admin", "admin-password-for-tests")
JSON = {"Accept": "application/json", "Content-Type": "application/json"}
PARENT = "r.parent"
PARENT_PASSWORD = "a-parent-password-1"
PARENT_MAIL = "r.parent@example.org"


def wait_until(check, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} not met within {timeout} s")


def reachable_folder() -> Path:
    """A folder the `postgres` account can reach (pytest's are private to root; PostgreSQL
    refuses to run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="ent-instances-", dir="/tmp"))
    os.chmod(folder, 0o711)
    return folder


class Topology:
    def __init__(self, project, folder, smtp):
        self.folder = folder
        self.var = folder / "var"
        self.port = free_port()
        self.home = project
        self.env = make_env(
            self.var,
            self.port,
            ENT_HOME=self.home,
            ENT_INSTANCES=2,
            ENT_DEMO=0,
            ENT_ADMIN_PASSWORD=ADMIN[1],
            ENT_SMTP_HOST="127.0.0.1",
            ENT_SMTP_PORT=smtp.port,
            ENT_MAIL_FROM="ent@example.org",
            ENT_SMTP_RETRY_MAX=1,
            ENT_NOTIFICATIONS_POLL=0.5,
            ENT_DIGEST_HOUR="off",
            ENT_STORAGE="relstorage",
        )
        self.url = f"http://127.0.0.1:{self.port}/ent"
        self.log = folder / "run.log"
        self.process = None

    def command(self, *args):
        return [str(Path(sys.executable).parent / "ent-instance"), "--home", str(self.home), *args]

    def start(self, timeout=300):
        self.process = subprocess.Popen(
            self.command("run"),
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ent-instance run exited:\n{self.log.read_text()}")
            if "instances (log in as" in self.log.read_text():
                return
            time.sleep(0.5)
        raise RuntimeError(f"not serving within {timeout} s:\n{self.log.read_text()}")

    def stop(self):
        subprocess.run(self.command("stop"), env=self.env, capture_output=True, timeout=120)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)

    @property
    def balancer(self) -> LoadBalancer:
        return LoadBalancer(self.var / "haproxy", "127.0.0.1", self.port, [], 4)

    def instance_urls(self) -> dict:
        """{name: site URL on that instance}, from HAProxy's rendered configuration."""
        config = (self.var / "haproxy" / "haproxy.cfg").read_text()
        return {
            name: f"http://127.0.0.1:{port}/ent"
            for name, port in re.findall(r"^\s+server (\S+) 127\.0\.0\.1:(\d+)$", config, re.M)
        }

    def instance_pids(self) -> list:
        """The serve-one processes of this topology (children of `ent-instance run`)."""
        return [child.pid for child in psutil.Process(self.process.pid).children() if "serve-one" in child.cmdline()]

    def served_counts(self) -> dict:
        counts = {}
        for line in self.balancer.command("show stat").splitlines():
            fields = line.split(",")
            if len(fields) > 7 and fields[0] == "instances" and fields[1].startswith("instance"):
                counts[fields[1]] = int(fields[7])
        return counts

    def add_parent(self):
        """A parent with an e-mail address in the local directory (all-parent)."""
        import ldap

        password = (self.var / "ldap" / "manager-password").read_text().strip()
        uri = (self.var / "ldap" / "uri").read_text().strip()
        shape = Shape.from_base("dc=ent,dc=local")
        connection = ldap.initialize(uri)
        connection.simple_bind_s(f"cn=admin,{shape.base}", password)
        entry = person_entry(PARENT, "Rémi", "Parent", PARENT_MAIL, "parent", hash_password(PARENT_PASSWORD))
        connection.add_s(shape.person_dn(PARENT), list(entry.items()))
        group = group_entry("all-parent", "Tous les parents", [shape.person_dn(PARENT)])
        connection.add_s(shape.group_dn("all-parent"), list(group.items()))
        connection.unbind_s()


@pytest.fixture(scope="module")
def topology(project):
    smtp = SmtpServer().start()
    topology = Topology(project, reachable_folder(), smtp)
    topology.smtp = smtp
    try:
        topology.start()
        yield topology
    finally:
        if topology.process is not None:
            topology.stop()
        smtp.stop()
        shutil.rmtree(topology.folder, ignore_errors=True)


def test_several_instances_on_filestorage_are_refused_in_one_line(project, tmp_path, monkeypatch, capsys):
    from ent.server.commands.instance import main

    with pytest.raises(SettingsError, match="ENT_INSTANCES=2 needs a database the instances share"):
        load({"ENT_INSTANCES": "2"}, project)
    for name in [name for name in os.environ if name.startswith("ENT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ENT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ENT_INSTANCES", "2")
    assert main(["--home", str(project), "run"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "ent-instance: error: ENT_INSTANCES=2 needs a database the instances share: "
        "set ENT_STORAGE=relstorage (or zeo); a FileStorage is one process's file"
    ]
    assert not (tmp_path / "var").exists()


def test_a_page_written_on_one_instance_is_read_on_the_other(topology):
    urls = topology.instance_urls()
    assert sorted(urls) == ["instance1", "instance2"]
    created = requests.post(
        urls["instance1"],
        json={"@type": "Document", "title": "Écrit sur la première instance"},
        headers=JSON,
        auth=ADMIN,
        timeout=60,
    )
    assert created.status_code == 201, created.text
    path = created.json()["@id"].split("/ent/", 1)[1]
    read = requests.get(f"{urls['instance2']}/{path}", headers=JSON, auth=ADMIN, timeout=60)
    assert read.status_code == 200
    assert read.json()["title"] == "Écrit sur la première instance"
    through = requests.get(f"{topology.url}/{path}", headers=JSON, auth=ADMIN, timeout=60)
    assert through.json()["title"] == "Écrit sur la première instance"


def test_haproxy_spreads_the_requests_over_both(topology):
    before = topology.served_counts()
    for _ in range(12):
        assert requests.get(f"{topology.url}/@@ok", timeout=30).status_code == 200
    after = topology.served_counts()
    served = {name: after[name] - before.get(name, 0) for name in after}
    assert sorted(served) == ["instance1", "instance2"]
    assert all(count >= 3 for count in served.values()), served


@pytest.fixture(scope="module")
def parent(topology):
    """A parent of the directory (all-parent) logged in through REST: its request headers."""
    topology.add_parent()
    login = requests.post(
        f"{topology.url}/@login", json={"login": PARENT, "password": PARENT_PASSWORD}, headers=JSON, timeout=60
    )
    assert login.status_code == 200, login.text
    return {**JSON, "Authorization": f"Bearer {login.json()['token']}"}


def memcached_stats(topology) -> dict:
    match = re.search(r"private memcached on (127\.0\.0\.1):(\d+)", topology.log.read_text())
    assert match, topology.log.read_text()
    with socket.create_connection((match.group(1), int(match.group(2))), timeout=5) as sock:
        sock.sendall(b"stats\r\n")
        text = b""
        while not text.endswith(b"END\r\n"):
            text += sock.recv(65536)
    return {line.split()[1]: line.split()[2] for line in text.decode().splitlines() if line.startswith("STAT ")}


def test_the_instances_share_the_directory_cache_in_memcached(topology, parent):
    for url in topology.instance_urls().values():
        me = requests.get(f"{url}/@users/{PARENT}", headers=parent, timeout=60)
        assert me.status_code == 200, me.text
    stats = memcached_stats(topology)
    assert int(stats["cmd_set"]) > 0 and int(stats["get_hits"]) > 0, stats


def test_one_notification_job_gives_one_mail(topology, parent):
    """Both instances run a notification worker on the same jobs: each job is claimed by
    one of them (a ZODB conflict for the other), so each item gives one mail."""
    urls = list(topology.instance_urls().values())
    chosen = requests.patch(
        f"{topology.url}/@notification-preferences", json={"notifications": "immediate"}, headers=parent, timeout=60
    )
    assert chosen.status_code == 200, chosen.text
    titles = [f"Annonce {number}" for number in range(6)]
    for number, title in enumerate(titles):
        url = urls[number % 2]  # published alternately on each instance
        created = requests.post(
            f"{url}/actualites",
            json={"@type": "News Item", "title": title, "audience": ["parent"]},
            headers=JSON,
            auth=ADMIN,
            timeout=60,
        )
        assert created.status_code == 201, created.text
        item = f"{url}/{created.json()['@id'].split('/ent/', 1)[1]}"
        transitions = requests.get(f"{item}/@workflow", headers=JSON, auth=ADMIN, timeout=60).json()["transitions"]
        names = [transition["@id"].rsplit("/", 1)[-1] for transition in transitions]
        transition = "publish" if "publish" in names else "publish_internal"
        published = requests.post(f"{item}/@workflow/{transition}", headers=JSON, auth=ADMIN, timeout=60)
        assert published.status_code == 200, published.text
    topology.smtp.wait_for(len(titles), timeout=90)
    time.sleep(3)  # six polls of each worker: a job handled twice would give a second mail now
    subjects = sorted(message["Subject"] for message in topology.smtp.to(PARENT_MAIL))
    assert len(subjects) == len(titles)
    assert [s.rsplit("] ", 1)[-1] for s in subjects] == titles


def test_a_killed_instance_is_taken_out_without_errors(topology):
    statuses = []
    stop = threading.Event()

    def visitor():
        session = requests.Session()
        while not stop.is_set():
            try:
                statuses.append(session.get(f"{topology.url}/@@ok", timeout=30).status_code)
            except requests.RequestException as error:
                statuses.append(repr(error))

    visitors = [threading.Thread(target=visitor) for _ in range(4)]
    for thread in visitors:
        thread.start()
    time.sleep(1)
    victim = sorted(topology.instance_pids())[-1]
    os.kill(victim, signal.SIGKILL)
    try:
        up = wait_until(
            lambda: (servers := topology.balancer.servers_up()) and len(servers) == 1 and servers,
            timeout=15,
            what="HAProxy taking the killed instance out",
        )
        time.sleep(2)
    finally:
        stop.set()
        for thread in visitors:
            thread.join(60)
    assert len(up) == 1
    assert len(statuses) > 20
    assert set(statuses) == {200}, [s for s in statuses if s != 200][:5]
    # `ent-instance run` starts it again: a new process, not the killed one.
    wait_until(lambda: len(topology.instance_pids()) == 2, timeout=15, what="the instance started again")
    assert victim not in topology.instance_pids()


def test_no_instance_up_gives_the_french_busy_page_with_retry_after(project, tmp_path):
    """HAProxy alone, its instances not listening: the visitor gets the ENT's page, not a
    blank error (the same page after 30 s in the queue of busy instances)."""
    from ent.server.services import haproxy

    port = free_port()
    balancer = haproxy.start(
        tmp_path / "haproxy",
        project / "instance" / "haproxy.cfg.in",
        "127.0.0.1",
        port,
        [("instance1", "127.0.0.1", free_port()), ("instance2", "127.0.0.1", free_port())],
        4,
        say=lambda message: None,
    )
    try:
        answer = requests.get(f"http://127.0.0.1:{port}/ent", timeout=60)
    finally:
        balancer.stop()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "10"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Le service est très sollicité, réessayez dans un instant." in answer.text
    assert balancer.pid() is None
