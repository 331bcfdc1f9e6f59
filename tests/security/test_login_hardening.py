"""Log-ins that cannot be knocked over (issue #9), through the real stack: `make run` with
its local slapd. Malformed input gets 400/401 at once and never makes the directory look
down; a hung directory says "unavailable" (503) within 3 s, from every thread."""

from concurrent.futures import ThreadPoolExecutor
from support.instance_process import free_port
from support.instance_process import Instance

import base64
import csv
import itertools
import pytest
import re
import requests
import subprocess
import time


JSON = {"Accept": "application/json"}
DEMO = "demo-password-for-tests"
ADMIN = ("admin", "admin-password-for-tests")


def demo_accounts():
    """Every demo directory account, each used once: PAS keeps a successful log-in a minute."""
    from ent.policy.groups import SCHOOL_PROFILES
    from ent.policy.schools.importer import PACKAGED_SCHOOLS

    with PACKAGED_SCHOOLS.open(encoding="utf-8") as stream:
        uais = [row["uai"].lower() for row in csv.DictReader(stream)]
    return (f"{uai}.{profile}" for uai, profile in itertools.product(uais, SCHOOL_PROFILES))


ACCOUNTS = demo_accounts()


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hardening")
    # Throttling far away: this module is about malformed input and outages.
    instance = Instance(
        project, folder / "var", free_port(), ENT_DEMO_PASSWORD=DEMO, ENT_ADMIN_PASSWORD=ADMIN[1],
        ENT_LOGIN_ACCOUNT_LIMIT=1000, ENT_LOGIN_ADDRESS_LIMIT=100000,
    )  # fmt: skip
    instance.start()
    yield instance
    instance.stop()


def rest_login(instance, login, password, timeout=30):
    return requests.post(
        f"{instance.url}/@login", json={"login": login, "password": password}, headers=JSON, timeout=timeout
    )


def form_login(instance, data, timeout=30):
    session = requests.Session()
    session.get(f"{instance.url}/login", timeout=timeout)
    response = session.post(
        f"{instance.url}/login", data={**data, "buttons.login": "Se connecter", "came_from": ""}, timeout=timeout
    )
    return session, response


def assert_directory_healthy(instance):
    """Directory log-ins work at once, on every worker thread (four at a time, twice)."""
    accounts = [next(ACCOUNTS) for _ in range(8)]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda login: rest_login(instance, login, DEMO, timeout=10).status_code, accounts))
    assert statuses == [200] * 8, dict(zip(accounts, statuses, strict=True))


HUGE = "x" * 3_000_000
MALFORMED = {
    "list": ["demo"],
    "object": {"password": "demo"},
    "number": 12345,
    "null": None,
    "empty": "",
    "nul": "demo\x00password",
    "megabytes": HUGE,
}


class TestMalformedRest:
    @pytest.mark.parametrize("kind", sorted(MALFORMED))
    def test_password(self, instance, kind):
        started = time.monotonic()
        response = rest_login(instance, "0310001h.parent", MALFORMED[kind])
        assert time.monotonic() - started < 3
        assert response.status_code == 400, response.text
        assert response.json()["error"]["message"].startswith("Invalid credentials: password")
        assert_directory_healthy(instance)

    @pytest.mark.parametrize("kind", sorted(MALFORMED))
    def test_login(self, instance, kind):
        response = rest_login(instance, MALFORMED[kind], DEMO)
        if kind == "nul":  # a string that cannot be a login: a wrong login (test_directory_login)
            assert response.status_code == 401 and response.json()["error"]["type"] == "Invalid credentials"
        else:
            assert response.status_code == 400, response.text
            assert response.json()["error"]["message"].startswith("Invalid credentials: login")
        assert_directory_healthy(instance)

    @pytest.mark.parametrize("body", ["[1, 2]", '"login password"', "{not json", "null"])
    def test_not_an_object(self, instance, body):
        response = requests.post(
            f"{instance.url}/@login", data=body, headers={**JSON, "Content-Type": "application/json"}, timeout=30
        )
        assert response.status_code == 400, response.text
        assert_directory_healthy(instance)


class TestMalformedForm:
    @pytest.mark.parametrize(
        "data",
        [
            {"__ac_name": "0310001h.parent", "__ac_password:list": ["demo", "other"]},
            {"__ac_name:list": ["0310001h.parent", "x"], "__ac_password": DEMO},
            {"__ac_name": "0310001h.parent", "__ac_password:int": "12"},
            {"__ac_name": "0310001h.parent", "__ac_password:record": "x"},
            {"__ac_name": "0310001h.parent", "__ac_password": "a\x00b"},
            {"__ac_name": "0310001h.parent", "__ac_password": "x" * 2_000_000},
        ],
        ids=["password-list", "login-list", "password-int", "password-record", "nul", "megabytes"],
    )
    def test_form(self, instance, data):
        started = time.monotonic()
        session, response = form_login(instance, data)
        # An answer, not a hang (the bound is loose: the tests share a loaded machine).
        assert time.monotonic() - started < 30
        assert response.status_code == 200
        assert "__ac" not in session.cookies
        assert 'name="__ac_password"' in response.text  # the form again, with its error
        errors = re.findall(
            r'class="[^"]*(?:statusmessage-error|invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</', response.text, re.S
        )
        assert errors, response.text[-3000:]
        assert "annuaire est momentanément indisponible" not in response.text
        assert_directory_healthy(instance)


class TestMalformedBasic:
    @pytest.mark.parametrize(
        "credentials",
        [
            b"0310001h.parent:demo\x00x",
            b"0310001h.parent:" + b"x" * 150_000,
            b"0310001h.parent:\xff\xfe",
            b"\x00:\x00",
            b"nocolon",
            b"\xff",
        ],
        ids=["nul", "long", "latin", "nul-login", "no-colon", "not-utf8"],
    )
    def test_basic(self, instance, credentials):
        header = "Basic " + base64.b64encode(credentials).decode()
        response = requests.get(
            f"{instance.url}/@users/0310001h.parent", headers={**JSON, "Authorization": header}, timeout=30
        )
        assert response.status_code == 401
        assert_directory_healthy(instance)

    def test_a_good_basic_login_still_works(self, instance):
        login = next(ACCOUNTS)
        response = requests.get(f"{instance.url}/@users/{login}", headers=JSON, auth=(login, DEMO), timeout=30)
        assert response.status_code == 200


def slapd_pid(instance):
    return int((instance.var / "ldap" / "slapd.pid").read_text().strip())


class TestHungDirectory:
    """Runs last: stops the slapd process (SIGSTOP) once every worker thread used it."""

    def test_first_login_says_unavailable_within_3_s(self, instance):
        assert_directory_healthy(instance)  # every thread holds a live connection
        pid = slapd_pid(instance)
        subprocess.run(["kill", "-STOP", str(pid)], check=True)
        try:
            started = time.monotonic()
            response = rest_login(instance, next(ACCOUNTS), DEMO, timeout=15)
            assert time.monotonic() - started < 3
            assert response.status_code == 503, response.text
            assert response.json()["error"]["type"] == "Directory unavailable"
            # Every thread knows at once: four log-ins at a time, none waits.
            accounts = [next(ACCOUNTS) for _ in range(4)]
            started = time.monotonic()
            with ThreadPoolExecutor(4) as pool:
                statuses = list(
                    pool.map(lambda login: rest_login(instance, login, DEMO, timeout=15).status_code, accounts)
                )
            assert statuses == [503] * 4
            assert time.monotonic() - started < 2
            session, page = form_login(instance, {"__ac_name": next(ACCOUNTS), "__ac_password": DEMO})
            assert "annuaire est momentanément indisponible" in page.text
            # The local admin still logs in.
            assert rest_login(instance, *ADMIN, timeout=10).status_code == 200
        finally:
            subprocess.run(["kill", "-CONT", str(pid)], check=True)
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and rest_login(instance, "0310001h.teacher", DEMO, timeout=10).status_code != 200
        ):
            time.sleep(1)
        assert_directory_healthy(instance)
