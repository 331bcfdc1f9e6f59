"""The instance as a user gets it from `make run`: the real server, on a free port.

One instance is created for the module (first run: site creation), then stopped and
started again to check that a second run keeps the data and creates nothing.
"""

from ent.server.services.local import is_zombie
from ent.server.services.local import running_pid
from support.instance_process import free_port
from support.instance_process import Instance
from support.instance_process import make
from support.instance_process import make_env
from support.instance_process import own_lines
from support.instance_process import snapshot
from zoneinfo import ZoneInfo

import datetime
import os
import pytest
import re
import requests
import socket
import stat
import subprocess


@pytest.fixture(scope="module")
def instance(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("instance")
    # A French département overseas: the site's zone is ENT_TIMEZONE's, not the profile's default.
    instance = Instance(project, folder / "var", free_port(), ENT_TIMEZONE="America/Cayenne")
    instance.start()
    yield instance
    instance.stop()


def generated_password(output):
    match = re.search(r"Generated the password of 'admin' \(shown once, kept in (\S+)\): (\S+)", output)
    assert match, f"no generated password announced in:\n{output}"
    return match.group(1), match.group(2)


class TestFirstRun:
    def test_home_page_is_french_html(self, instance):
        response = requests.get(instance.url, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert re.search(r'<html[^>]*\slang="fr"', response.text)
        assert "<title>Portail du Département</title>" in response.text

    def test_home_page_has_the_ent_theme(self, instance):
        response = requests.get(instance.url, timeout=30)
        assert "++theme++ent/css/ent.css" in response.text
        css = requests.get(f"{instance.url}/++theme++ent/css/ent.css", timeout=30)
        assert css.status_code == 200
        assert "var(--ent-main" in css.text
        assert "@@ent-identity.css" in response.text  # the County's colours, set in its control panel

    def test_rest_api_on_the_site_root(self, instance):
        response = requests.get(instance.url, headers={"Accept": "application/json"}, timeout=30)
        assert response.status_code == 200
        data = response.json()
        assert data["@id"] == instance.url
        assert data["@type"] == "Plone Site"
        assert data["title"] == "Portail du Département"

    def test_generated_admin_password_printed_once_and_kept_private(self, instance):
        path, password = generated_password(instance.output())
        assert path == str(instance.var / "admin-password")
        kept = instance.var / "admin-password"
        assert kept.read_text().strip() == password
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert len(password) >= 16

    def test_admin_logs_in_with_the_generated_password(self, instance):
        _, password = generated_password(instance.output())
        headers = {"Accept": "application/json"}
        response = requests.post(
            f"{instance.url}/@login", json={"login": "admin", "password": password}, headers=headers, timeout=30
        )
        assert response.status_code == 200
        token = response.json()["token"]
        controlpanels = requests.get(
            f"{instance.url}/@controlpanels", headers={**headers, "Authorization": f"Bearer {token}"}, timeout=30
        )
        assert controlpanels.status_code == 200
        assert requests.get(f"{instance.url}/@controlpanels", headers=headers, timeout=30).status_code == 401

    def test_the_site_keeps_the_time_zone_of_ENT_TIMEZONE(self, instance):
        _, password = generated_password(instance.output())
        answer = requests.get(
            f"{instance.url}/@controlpanels/date-and-time",
            headers={"Accept": "application/json"},
            auth=("admin", password),
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.json()["data"]["portal_timezone"] == {"title": "America/Cayenne", "token": "America/Cayenne"}
        # The process runs in that zone too: the event log (like Plone's own dates) says Cayenne's time.
        last = (instance.var / "log" / "event.log").read_text().strip().splitlines()[-1]
        logged = datetime.datetime.strptime(last[:19], "%Y-%m-%d %H:%M:%S")
        cayenne = datetime.datetime.now(ZoneInfo("America/Cayenne")).replace(tzinfo=None)
        assert abs(cayenne - logged) < datetime.timedelta(minutes=20), last

    def test_wrong_password_refused(self, instance):
        response = requests.post(
            f"{instance.url}/@login",
            json={"login": "admin", "password": "not-the-password"},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        assert response.status_code == 401

    def test_second_make_run_is_refused_and_touches_nothing(self, instance, project):
        before = snapshot(instance.var)
        result = make(project, "run", instance.env)
        assert result.returncode != 0
        lines = own_lines(result.stderr)
        assert len(lines) == 1, result.stderr
        assert "already running" in lines[0]
        assert "Traceback" not in result.stdout + result.stderr
        assert snapshot(instance.var) == before
        assert requests.get(instance.url, timeout=30).status_code == 200

    def test_data_lives_under_var(self, instance):
        assert (instance.var / "filestorage" / "Data.fs").stat().st_size > 0
        assert (instance.var / "blobstorage").is_dir()
        assert (instance.var / "etc" / "zope.conf").is_file()


class TestSchoolsOnTheRunningSite:
    """The demo's collèges, and `ent-schools import` against the instance while it serves."""

    OFFICIAL = "src/ent.policy/src/ent/policy/data/colleges-haute-garonne.csv"

    def ent_schools(self, project, instance, *args):
        return subprocess.run(
            [str(project / ".venv/bin/ent-schools"), "import", *args],
            cwd=project,
            env=instance.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def test_demo_has_the_collèges(self, instance):
        data = requests.get(f"{instance.url}/@schools", headers={"Accept": "application/json"}, timeout=30).json()
        assert data["items_total"] == 102  # 103 rows; Collège Michelet's annexe shares its UAI
        page = requests.get(f"{instance.url}/colleges", timeout=30)
        assert page.text.count("data-uai=") == 102

    def test_dry_run_of_the_official_file(self, instance, project):
        result = self.ent_schools(project, instance, str(project / self.OFFICIAL), "--dry-run")
        assert result.returncode == 1, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "dry run: would have created 0, updated 0, unchanged 102, rejected 1"
        assert lines[1] == "  line 53: 0311631E: UAI 0311631E is already on line 52"

    def test_import_a_changed_row(self, instance, project, tmp_path):
        rows = (project / self.OFFICIAL).read_text(encoding="utf-8").splitlines()
        changed = tmp_path / "changed.csv"
        changed.write_text(
            "\n".join([rows[0], rows[1].replace("05 61 88 40 80", "05 61 88 40 81")]) + "\n", encoding="utf-8"
        )
        result = self.ent_schools(project, instance, str(changed))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "created 0, updated 1, unchanged 0, rejected 0"
        school = requests.get(f"{instance.url}/colleges/0310001h", headers={"Accept": "application/json"}, timeout=30)
        assert school.json()["phone"] == "05 61 88 40 81"

    def test_latin1_file(self, instance, project, tmp_path):
        latin1 = tmp_path / "latin1.csv"
        latin1.write_bytes((project / self.OFFICIAL).read_text(encoding="utf-8").encode("latin-1"))
        result = self.ent_schools(project, instance, str(latin1))
        assert result.returncode == 2
        assert result.stderr.strip() == (
            "ent-schools: error: line 2: the file is not UTF-8 (byte 0xe8); it looks like Latin-1 or "
            "Windows-1252: save it as UTF-8 and import it again"
        )

    def test_no_instance(self, instance, project):
        env = dict(instance.env, ENT_PORT=str(free_port()))
        result = subprocess.run(
            [str(project / ".venv/bin/ent-schools"), "import", str(project / self.OFFICIAL)],
            cwd=project, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2
        assert "no ENT instance answers at" in result.stderr


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not is_zombie(pid)


class TestSecondRun:
    """Runs after TestFirstRun: stops the instance, starts it again."""

    @pytest.fixture(scope="class")
    def restarted(self, instance):
        _, password = generated_password(instance.output())
        auth = ("admin", password)
        created = requests.post(
            instance.url,
            json={"@type": "Document", "id": "kept-page", "title": "Une page qui reste"},
            headers={"Accept": "application/json"},
            auth=auth,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        pidfile = instance.var / "ldap" / "slapd.pid"
        slapd = int(pidfile.read_text().split()[0])
        assert running_pid(pidfile) == slapd
        assert instance.stop() == 0
        # Stopping the instance stopped its directory, and left no pid file for the next start.
        assert not is_running(slapd)
        assert not pidfile.exists()
        instance.first_output = instance.output()
        instance.start()
        return instance, auth

    def test_data_is_kept(self, restarted):
        instance, auth = restarted
        response = requests.get(
            f"{instance.url}/kept-page", headers={"Accept": "application/json"}, auth=auth, timeout=30
        )
        assert response.status_code == 200
        assert response.json()["title"] == "Une page qui reste"

    def test_nothing_is_created_or_printed_again(self, restarted):
        instance, _ = restarted
        output = instance.output()
        assert "Creating the site" not in output
        assert "Generated the password" not in output
        assert "serving http://127.0.0.1" in output

    def test_password_unchanged(self, restarted):
        instance, auth = restarted
        response = requests.post(
            f"{instance.url}/@login",
            json={"login": auth[0], "password": auth[1]},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        assert response.status_code == 200


class TestBadInput:
    """A bad setting gives one line and a non-zero exit, before anything is written."""

    @pytest.mark.parametrize(
        "settings, words",
        [
            ({"ENT_PORT": "abc"}, "ENT_PORT='abc' is not a whole number"),
            ({"ENT_PORT": "70000"}, "ENT_PORT='70000' is out of range"),
            ({"ENT_PORT": "-1"}, "ENT_PORT='-1' is out of range"),
            ({"ENT_STORAGE": "mysql"}, "ENT_STORAGE='mysql' is not a known storage"),
            ({"ENT_HOST": "no-such-host.invalid"}, "ENT_HOST='no-such-host.invalid'"),
            ({"ENT_SITE_ID": "Mon Site"}, "ENT_SITE_ID='Mon Site' is not a valid site id"),
            ({"ENT_ADMIN_PASSWORD": "short"}, "ENT_ADMIN_PASSWORD is shorter than 8 characters"),
        ],
    )
    def test_bad_setting(self, project, tmp_path, settings, words):
        var = tmp_path / "var"
        env = make_env(var, free_port())
        env.update(settings)
        result = make(project, "run", env)
        assert result.returncode != 0
        lines = own_lines(result.stderr)
        assert len(lines) == 1, result.stderr
        assert words in lines[0]
        assert "Traceback" not in result.stdout + result.stderr
        assert not var.exists()

    def test_port_in_use(self, project, tmp_path):
        var = tmp_path / "var"
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            result = make(project, "run", make_env(var, taken.getsockname()[1]))
        assert result.returncode != 0
        lines = own_lines(result.stderr)
        assert len(lines) == 1, result.stderr
        assert "already in use" in lines[0]
        assert not var.exists()

    def test_port_in_use_keeps_existing_data(self, instance, project):
        """Runs last: the module's instance is stopped, its var/ must stay as it is."""
        instance.stop()
        before = snapshot(instance.var)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            result = make(project, "run", make_env(instance.var, taken.getsockname()[1]))
        assert result.returncode != 0
        assert "already in use" in result.stderr
        assert snapshot(instance.var) == before
