"""Request bodies bounded by ENT_MAX_UPLOAD_MB: 413 with a message, before the body is read.

Through the real instance (`make run`, waitress) with a 1 MB limit, and the WSGI filter
of zope.ini on its own (what guards any other server).
"""

from ent.policy.hardening.bodylimit import BodyLimit
from ent.policy.hardening.bodylimit import MB
from ent.server import settings as settings_module
from support.instance_process import free_port
from support.instance_process import Instance

import base64
import io
import json
import pytest
import requests
import socket
import time


JSON = {"Accept": "application/json"}
ADMIN = ("admin", "admin-password-for-tests")
MESSAGE = "Envoi trop volumineux : 1 Mo au plus (ENT_MAX_UPLOAD_MB)"
HEADER = "uai,name,commune,website"


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    instance = Instance(
        project, folder / "var", free_port(), ENT_ADMIN_PASSWORD=ADMIN[1], ENT_DEMO="0", ENT_MAX_UPLOAD_MB=1
    )
    instance.start()
    yield instance
    instance.stop()


def schools_csv(size):
    """A schools CSV of about `size` bytes: one good school, then filler rows."""
    rows = [HEADER, "0310001H,Collège Armand Latour,Aspet,https://armand-latour.example.org/"]
    filler = "0310003K,Collège Emile-Paul Vayssie,Aurignac,https://aurignac.example.org/" + "x" * 200
    while sum(len(row) + 1 for row in rows) < size:
        rows.append(filler)
    return ("\n".join(rows) + "\n").encode()


def school_uais(instance):
    return [item["uai"] for item in requests.get(f"{instance.url}/@schools", headers=JSON, timeout=30).json()["items"]]


def raw_request(instance, head: bytes, body_parts=(), pause=0.0, timeout=10):
    """Send `head` then `body_parts` on a raw socket; return what the server answered.

    Stops sending as soon as an answer arrives: a server that refuses the body early
    answers before it has all been sent.
    """
    sock = socket.create_connection(("127.0.0.1", instance.port), timeout=timeout)
    sent = 0
    try:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        for part in body_parts:
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                break
            sent += len(part)
            time.sleep(pause)
        sock.setblocking(True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    finally:
        sock.close()
    return answer.decode("utf-8", "replace"), sent


class TestThroughTheInstance:
    def test_small_import_goes_in(self, instance):
        response = requests.post(
            f"{instance.url}/@schools-import", data=schools_csv(100), auth=ADMIN,
            headers={**JSON, "Content-Type": "text/csv"}, timeout=60,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert "0310001H" in school_uais(instance)

    def test_oversized_import_gets_413_and_changes_nothing(self, instance):
        before = school_uais(instance)
        response = requests.post(
            f"{instance.url}/@schools-import", data=schools_csv(2 * MB), auth=ADMIN,
            headers={**JSON, "Content-Type": "text/csv"}, timeout=60,
        )  # fmt: skip
        assert response.status_code == 413
        assert MESSAGE in response.json()["error"]["message"]
        assert school_uais(instance) == before

    def test_oversized_file_upload(self, instance):
        data = base64.b64encode(b"%PDF-1.4 " + b"0" * (2 * MB)).decode()
        response = requests.post(
            instance.url,
            json={"@type": "File", "title": "Gros fichier", "file": {"data": data, "encoding": "base64", "filename": "gros.pdf", "content-type": "application/pdf"}},
            headers=JSON, auth=ADMIN, timeout=60,
        )  # fmt: skip
        assert response.status_code == 413
        assert MESSAGE in response.json()["error"]["message"]
        found = requests.get(
            f"{instance.url}/@search", params={"portal_type": "File"}, headers=JSON, auth=ADMIN, timeout=30
        )
        assert found.json()["items_total"] == 0

    def test_oversized_form_post_gets_a_page_message(self, instance):
        files = {"file": ("gros.csv", io.BytesIO(b"0" * (2 * MB)), "text/csv")}
        response = requests.post(f"{instance.url}/login", files=files, timeout=60)
        assert response.status_code == 413
        assert MESSAGE in response.text

    def test_refused_at_the_headers_before_the_body(self, instance):
        """10 GB announced, nothing sent: the answer comes at once."""
        head = (
            f"POST /ent/@schools-import HTTP/1.1\r\nHost: 127.0.0.1:{instance.port}\r\n"
            "Accept: application/json\r\nContent-Type: text/csv\r\n"
            f"Content-Length: {10 * 1024 * MB}\r\n\r\n"
        ).encode()
        started = time.monotonic()
        answer, _ = raw_request(instance, head, timeout=10)
        assert time.monotonic() - started < 5
        assert answer.startswith("HTTP/1.1 413")
        assert MESSAGE in answer
        assert "nosniff" in answer  # waitress's answer carries the security headers too

    def test_chunked_body_is_counted_while_read(self, instance):
        head = (
            f"POST /ent/@schools-import HTTP/1.1\r\nHost: 127.0.0.1:{instance.port}\r\n"
            "Accept: application/json\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        chunk = b"x" * (256 * 1024)
        part = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        answer, sent = raw_request(instance, head, [part] * 40, pause=0.02)  # 10 MB offered
        assert answer.startswith("HTTP/1.1 413")
        assert MESSAGE in answer
        assert sent < 3 * MB  # refused soon after the limit, not after 10 MB


def echo_app(environ, start_response):
    """A WSGI application that reads the body it is given and says how long it was."""
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(len(body)).encode()]


class Untouchable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the body was read")


def call(app, environ):
    answer = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


class TestWsgiFilter:
    """The filter of zope.ini alone: what guards `runwsgi` or any server but ours."""

    def test_content_length_over_the_limit_never_reads_the_body(self):
        environ = {
            "CONTENT_LENGTH": str(MB + 1),
            "wsgi.input": Untouchable(),
            "HTTP_ACCEPT": "application/json",
            "PATH_INFO": "/ent/@schools-import",
        }
        status, headers, body = call(BodyLimit(echo_app, MB), environ)
        assert status.startswith("413")
        assert MESSAGE in json.loads(body)["error"]["message"]
        assert headers["X-Content-Type-Options"] == "nosniff"

    def test_at_the_limit_passes(self):
        environ = {"CONTENT_LENGTH": str(MB), "wsgi.input": io.BytesIO(b"0" * MB), "PATH_INFO": "/"}
        status, _, body = call(BodyLimit(echo_app, MB), environ)
        assert status == "200 OK" and body == str(MB).encode()

    def test_chunked_over_the_limit(self):
        environ = {
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input": io.BytesIO(b"0" * (MB + 1)),
            "PATH_INFO": "/login",
        }
        status, headers, body = call(BodyLimit(echo_app, MB), environ)
        assert status.startswith("413")
        assert headers["Content-Type"].startswith("text/plain")
        assert MESSAGE in body.decode()

    def test_chunked_under_the_limit_reaches_the_application(self):
        environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(b"0" * 1000), "PATH_INFO": "/"}
        status, _, body = call(BodyLimit(echo_app, MB), environ)
        assert status == "200 OK" and body == b"1000"


class TestSetting:
    def test_default(self, project):
        assert settings_module.load({}, project).max_upload_mb == 50

    @pytest.mark.parametrize("value", ["0", "lots", "-5", "99999"])
    def test_bad_value_is_one_line(self, project, value):
        with pytest.raises(settings_module.SettingsError, match=f"ENT_MAX_UPLOAD_MB={value!r}"):
            settings_module.load({"ENT_MAX_UPLOAD_MB": value}, project)

    def test_rendered_into_zope_ini(self, project, tmp_path):
        from ent.server import files

        settings = settings_module.load({"ENT_MAX_UPLOAD_MB": "7", "ENT_VAR_DIR": str(tmp_path / "var")}, project)
        text = files.write_instance(settings).read_text()
        assert "max_upload_mb = 7" in text and f"max_request_body_size = {7 * MB + 1}" in text


def test_a_bad_request_is_answered_not_logged_as_an_error(instance):
    """A REST body that is not JSON is the visitor's mistake: 400 with a message, and the
    event log gets no ERROR for it (the site's error log ignores BadRequest), so that an
    ERROR there still means a fault of the server."""
    log = instance.var / "log" / "event.log"
    before = log.read_text(errors="replace")
    wrong = requests.patch(
        instance.url, data=b"{not json", headers={**JSON, "Content-Type": "application/json"}, auth=ADMIN, timeout=60
    )
    assert wrong.status_code == 400, wrong.text
    # A service of ours that raises BadRequest (logged as an ERROR before the site ignored it).
    batch = requests.get(f"{instance.url}/@my-spaces", params={"b_size": 0}, headers=JSON, auth=ADMIN, timeout=60)
    assert batch.status_code == 400 and "b_size" in batch.text, batch.text
    time.sleep(0.5)
    added = log.read_text(errors="replace")[len(before) :]
    assert " ERROR " not in added, added
