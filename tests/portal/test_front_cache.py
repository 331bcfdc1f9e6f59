"""The front cache (issue #15, docs/caching.md): a real varnishd, with the VCL of
instance/varnish.vcl.in, in front of the demo instance.

- A public page read by anonymous visitors is served from the cache (X-Cache: HIT).
- A page fetched by its audience (a parents' news item, the school home as a parent sees it,
  Mon ENT) is then served neither to another person nor to anonymous.
- An edit (publish, modify) is seen at once: the instance purges the proxy (ENT_PURGE_URL).
- Zope down or saturated: public pages from the cache (grace), anything else the French
  "réessayez dans un instant" page, 503 with Retry-After.
"""

from concurrent.futures import ThreadPoolExecutor
from ent.server.services import varnish
from support.demo_instance import PEOPLE

import pytest
import requests
import socket
import threading
import time
import uuid


JSON = {"Accept": "application/json", "Content-Type": "application/json"}
SCHOOL = "colleges/0310001h"


@pytest.fixture(scope="module")
def front(demo, project, tmp_path_factory):
    """Varnish on the port the demo instance purges, in front of it."""
    proxy = varnish.start(
        tmp_path_factory.mktemp("varnish"),
        "127.0.0.1",
        demo.purge_port,
        "127.0.0.1",
        demo.port,
        say=lambda message: None,
        template=project / "instance" / "varnish.vcl.in",
    )
    yield f"{proxy.uri}/ent"
    proxy.stop()


def rest(demo, login):
    """A REST session of `login` (a plone.restapi token), straight to the instance."""
    token = requests.post(
        f"{demo.url}/@login", json={"login": login, "password": demo.password(login)}, headers=JSON, timeout=60
    ).json()["token"]
    http = requests.Session()
    http.headers.update({**JSON, "Authorization": f"Bearer {token}"})
    return http


def publish_news(demo, login, folder, title, audience):
    http = rest(demo, login)
    created = http.post(
        f"{demo.url}/{folder}", json={"@type": "News Item", "title": title, "audience": audience}, timeout=60
    )
    assert created.status_code == 201, created.text
    item = created.json()["@id"]
    transitions = http.get(f"{item}/@workflow", timeout=60).json()["transitions"]
    publish = [t["@id"] for t in transitions if t["@id"].rsplit("/", 1)[-1] in ("publish", "publish_internal")]
    assert http.post(publish[0], timeout=60).status_code == 200
    return item[len(demo.url) + 1 :]


def logged_in(demo, front, login):
    """A browser-like session of `login` that logged in through the front cache."""
    http = requests.Session()
    answer = http.post(
        f"{front}/login",
        data={"__ac_name": login, "__ac_password": demo.password(login), "buttons.login": "Se connecter"},
        timeout=60,
    )
    assert "__ac" in http.cookies, answer.status_code
    return http


def test_a_public_page_is_served_from_the_cache(front):
    for path in (SCHOOL, ""):
        url = f"{front}/{path}".rstrip("/")
        first = requests.get(url, timeout=60)
        second = requests.get(url, timeout=60)
        assert first.status_code == second.status_code == 200
        assert second.headers["X-Cache"] == "HIT", path
        assert second.text == first.text
        # The browser asks again each time; only this cache keeps it.
        assert "s-maxage" not in second.headers["Cache-Control"]
        assert "max-age=0" in second.headers["Cache-Control"]


def test_what_its_audience_fetched_is_served_to_nobody_else(demo, front):
    word = f"Tamarin{uuid.uuid4().hex[:8]}"
    news = publish_news(demo, PEOPLE["principal"], f"{SCHOOL}/actualites", f"Réunion {word}", ["parent"])
    # Anonymous visitors' copy of the school home is in the cache first.
    requests.get(f"{front}/{SCHOOL}", timeout=60)
    parent = logged_in(demo, front, PEOPLE["parent"])
    for path in (news, SCHOOL, "@@mon-ent"):
        seen = parent.get(f"{front}/{path}", timeout=60)
        assert seen.status_code == 200 and word in seen.text, path
        assert seen.headers["X-Cache"] == "MISS" and seen.headers["Cache-Control"] == "private, no-store"
    teacher = logged_in(demo, front, PEOPLE["teacher"])
    for path in (news, SCHOOL, "@@mon-ent"):
        for http, who in ((requests.Session(), "anonymous"), (teacher, "teacher")):
            for _ in range(2):
                answer = http.get(f"{front}/{path}", timeout=60)
                assert word not in answer.text, (path, who)
                assert PEOPLE["parent"] not in answer.text, (path, who)


def test_an_edit_is_seen_at_once(demo, front):
    school_home = f"{front}/{SCHOOL}"
    requests.get(school_home, timeout=60)
    assert requests.get(school_home, timeout=60).headers["X-Cache"] == "HIT"
    word = f"Kermesse{uuid.uuid4().hex[:8]}"
    news = publish_news(demo, PEOPLE["principal"], f"{SCHOOL}/actualites", f"La {word}", ["public"])
    assert word in requests.get(school_home, timeout=60).text
    item = f"{front}/{news}"
    requests.get(item, timeout=60)
    assert requests.get(item, timeout=60).headers["X-Cache"] == "HIT"
    changed = rest(demo, PEOPLE["principal"]).patch(f"{demo.url}/{news}", json={"title": f"La {word} reportée"})
    assert changed.status_code == 204
    assert f"La {word} reportée" in requests.get(item, timeout=60).text
    assert f"La {word} reportée" in requests.get(school_home, timeout=60).text


class Relay:
    """A TCP relay between Varnish and the instance that the test can cut ("down") or make
    hold every new connection without an answer ("saturated")."""

    def __init__(self, port):
        self.target = ("127.0.0.1", port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.mode = "forward"
        self.held = []
        self.piped = []
        threading.Thread(target=self.accept, daemon=True).start()

    def set(self, mode):
        """Also cut the connections Varnish keeps open for reuse: the next request opens one."""
        self.mode = mode
        if mode != "forward":
            for end in self.piped:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.piped = []

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
            elif self.mode == "saturated":
                self.held.append(client)
            else:
                upstream = socket.create_connection(self.target)
                self.piped += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.server.close()
        for client in self.held:
            client.close()


@pytest.fixture(scope="module")
def relayed(demo, project, tmp_path_factory):
    """A second Varnish, in front of the relay: pages fresh for 1 s, one request at a time to
    Zope, a 5 s wait for its first byte."""
    relay = Relay(demo.port)
    proxy = varnish.start(
        tmp_path_factory.mktemp("varnish-relayed"),
        "127.0.0.1",
        _free_port(),
        "127.0.0.1",
        relay.port,
        say=lambda message: None,
        template=project / "instance" / "varnish.vcl.in",
        max_ttl=1,
        max_connections=1,
        first_byte_timeout=5,
    )
    yield relay, f"{proxy.uri}/ent"
    proxy.stop()
    relay.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_busy_page(answer):
    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "Le service est très sollicité, réessayez dans un instant" in answer.text
    assert '<html lang="fr">' in answer.text


def test_zope_down_public_pages_from_the_cache_others_a_clear_page(relayed):
    relay, front = relayed
    relay.set("forward")
    school_home = requests.get(f"{front}/{SCHOOL}", timeout=60)
    assert school_home.status_code == 200
    time.sleep(1.5)  # older than its 1 s: stale, kept for grace
    relay.set("down")
    try:
        again = requests.get(f"{front}/{SCHOOL}", timeout=60)
        assert again.status_code == 200 and again.text == school_home.text
        assert_busy_page(requests.get(f"{front}/login", timeout=60))
        assert_busy_page(requests.get(f"{front}/{SCHOOL}", cookies={"__ac": "someone"}, timeout=60))
    finally:
        relay.set("forward")


def test_zope_saturated_the_next_request_gets_the_clear_page_at_once(relayed):
    relay, front = relayed
    relay.set("forward")
    assert requests.get(f"{front}/{SCHOOL}", timeout=60).status_code == 200
    relay.set("saturated")
    try:
        with ThreadPoolExecutor(1) as pool:
            # Takes the only connection Zope may have, and waits.
            waiting = pool.submit(requests.get, f"{front}/login", timeout=60)
            time.sleep(0.5)
            started = time.monotonic()
            answer = requests.get(f"{front}/contact-info", timeout=60)
            assert_busy_page(answer)
            assert time.monotonic() - started < 2
            assert requests.get(f"{front}/{SCHOOL}", timeout=60).status_code == 200
            assert_busy_page(waiting.result())
    finally:
        relay.set("forward")
