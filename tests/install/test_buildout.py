"""buildout.cfg, the alternative to `make run` for integrators used to buildout.

The fast tests check buildout/versions.cfg against constraints.txt and what buildout.cfg
promises (every version pinned, the registry only, no password). The others do what
docs/buildout.md tells an integrator: a virtualenv with zc.buildout, buildout into a fresh
folder, `bin/instance run buildout/create-site.py`, `bin/instance console`; then they
check real HTTP answers and that stopping leaves nothing running.

Eggs are kept between runs in ~/.cache/ent-buildout (ENT_BUILDOUT_CACHE to move it): on an
empty cache buildout fetches about 270 distributions from PyPI, which takes minutes.
"""

from pathlib import Path
from support.instance_process import free_port

import configparser
import fcntl
import hashlib
import importlib.util
import os
import pytest
import re
import requests
import shutil
import signal
import socket
import subprocess
import sys
import time


CACHE = Path(os.environ.get("ENT_BUILDOUT_CACHE") or Path.home() / ".cache" / "ent-buildout")
BUILDOUT_TIMEOUT = 1500  # s; an empty cache takes about 8 minutes here
SITE_TIMEOUT = 600
START_TIMEOUT = 120
STOP_TIMEOUT = 60
EGGS = {
    "Plone",
    "plone.restapi",
    "pas.plugins.ldap",
    "collective.easyform",
    "waitress",
    "ent.policy",
    "ent.theme",
    "ent.server",
}


def load_versions_cfg_script(project: Path):
    spec = importlib.util.spec_from_file_location("versions_cfg", project / "scripts" / "versions_cfg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_cfg(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # buildout keeps the case of option names
    parser.read(path, encoding="utf-8")
    return parser


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def constraint_pins(project: Path) -> dict[str, str]:
    pins = {}
    for line in (project / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[normalized(name)] = version
    return pins


# --- versions.cfg and buildout.cfg, without running buildout -----------------------------


def test_versions_cfg_is_generated_from_constraints(project):
    result = subprocess.run(
        [sys.executable, "scripts/versions_cfg.py", "constraints.txt"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    committed = (project / "buildout" / "versions.cfg").read_text(encoding="utf-8")
    assert result.stdout == committed, "buildout/versions.cfg is stale: run `make versions`"
    assert committed.startswith("# Generated from constraints.txt")


def test_versions_cfg_pins_exactly_the_constraints(project):
    versions = read_cfg(project / "buildout" / "versions.cfg")
    assert versions.sections() == ["versions"]
    pinned = {}
    for name, version in versions.items("versions"):
        assert normalized(name) not in pinned, f"{name} is pinned twice in versions.cfg"
        pinned[normalized(name)] = version.strip()
    assert pinned == constraint_pins(project)


def test_versions_cfg_output_is_deterministic(project):
    script = load_versions_cfg_script(project)
    text = (project / "constraints.txt").read_text(encoding="utf-8")
    shuffled = "\n".join(reversed(text.splitlines()))
    assert script.render(script.read_pins(shuffled)) == script.render(script.read_pins(text))


@pytest.mark.parametrize(
    "line",
    [
        "Zope>=5",
        "Zope==6.3 ; python_version < '3.12'",
        "plone.restapi[test]==10.0.4",
        "-e src/ent.policy",
        "-r requirements.txt",
        "--index-url https://example.invalid/simple",
    ],
)
def test_versions_cfg_refuses_what_buildout_cannot_pin(project, line):
    script = load_versions_cfg_script(project)
    with pytest.raises(script.ConstraintError):
        script.read_pins(f"# a comment\nwaitress==3.0.2\n{line}\n")


def test_versions_cfg_refuses_a_package_pinned_twice(project):
    script = load_versions_cfg_script(project)
    with pytest.raises(script.ConstraintError, match="twice"):
        script.read_pins("zope.interface==8.7\nzope-interface==8.7\n")


def test_versions_cfg_script_fails_without_output_on_a_bad_file(project, tmp_path):
    bad = tmp_path / "constraints.txt"
    bad.write_text("waitress>=3\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(project / "scripts" / "versions_cfg.py"), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "waitress>=3" in result.stderr


def test_buildout_cfg_pins_everything_and_uses_the_registry_only(project):
    cfg = read_cfg(project / "buildout.cfg")
    buildout = cfg["buildout"]
    assert buildout["extends"].strip() == "buildout/versions.cfg"
    assert buildout["allow-picked-versions"].strip() == "false"
    assert "index" not in buildout and "find-links" not in buildout  # the registry's default index
    assert buildout["use-dependency-links"].strip() == "false"
    assert lines(buildout["develop"]) == [
        "${ent:project}/src/ent.policy",
        "${ent:project}/src/ent.theme",
        "${ent:project}/src/ent.server",
    ]
    for folder in ("ent.policy", "ent.theme", "ent.server"):
        assert (project / "src" / folder / "pyproject.toml").is_file()


def test_buildout_cfg_instance_part(project):
    cfg = read_cfg(project / "buildout.cfg")
    instance = cfg["instance"]
    assert lines(cfg["buildout"]["parts"]) == ["instance"]
    assert instance["recipe"].strip() == "plone.recipe.zope2instance"
    assert set(lines(instance["eggs"])) == EGGS
    assert instance["http-address"].strip() == "${ent:http-address}"
    assert re.fullmatch(r"127\.0\.0\.1:\d+", cfg["ent"]["http-address"].strip())
    pins = constraint_pins(project)
    for name in EGGS - {"ent.policy", "ent.theme", "ent.server"}:
        assert normalized(name) in pins


def test_buildout_cfg_holds_no_password(project):
    cfg = read_cfg(project / "buildout.cfg")
    user, _, password = cfg["instance"]["user"].strip().partition(":")
    assert user == "admin"
    assert password == "", "no password in buildout.cfg: create-site.py reads ENT_ADMIN_PASSWORD"
    for section in cfg.sections():
        for option, value in cfg.items(section):
            assert "password" not in option.lower() or not value.strip(), f"[{section}] {option}"


# --- buildout for real, then the instance it builds --------------------------------------


def clean_env(**extra) -> dict:
    """The caller's environment without ENT_* settings nor PYTHONPATH, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENT_") and k != "PYTHONPATH"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_logged(command, log: Path, timeout, **kwargs) -> None:
    """Run `command` with its output in `log`; fail the test with that output if it fails.

    The command gets a session of its own, so that a timeout ends it with everything it
    started (buildout's pip, bin/instance's Python).
    """
    started = time.monotonic()
    with log.open("w") as stream:
        status = run_in_session(command, stream, timeout, **kwargs)
    if status is None:
        pytest.fail(f"{command[0]} took more than {timeout} s:\n{tail(log)}")
    if status != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited with {status}:\n{tail(log)}")
    print(f"{' '.join(map(str, command[:3]))}: {time.monotonic() - started:.0f} s")


def run_in_session(command, stream, timeout, **kwargs) -> int | None:
    """The exit status of `command`, or None after killing its whole session at `timeout`."""
    process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        return None


def tail(log: Path, count=60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-count:]) if log.exists() else ""


def buildout_venv(project: Path, log_dir: Path) -> Path:
    """A virtualenv with zc.buildout from buildout/requirements.txt, kept in the cache.

    Its name depends on what it is made of, so that a change of pins makes a new one.
    """
    digest = hashlib.sha256()
    for name in ("buildout/requirements.txt", "constraints.txt"):
        digest.update((project / name).read_bytes())
    digest.update(sys.version.encode())
    venv = CACHE / f"venv-{digest.hexdigest()[:12]}"
    ready = venv / ".ent-ready"
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(venv, ignore_errors=True)
            run_logged([sys.executable, "-m", "venv", str(venv)], log_dir / "venv.log", 300, env=clean_env())
            run_logged(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", "buildout/requirements.txt"],
                log_dir / "venv-pip.log",
                600,
                cwd=project,
                env=clean_env(),
            )
            ready.touch()
    return venv


class Built:
    """A buildout made from the project's buildout.cfg in a folder of its own."""

    def __init__(self, project: Path, venv: Path, folder: Path, port: int):
        self.project = project
        self.venv = venv
        self.folder = folder
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.instance = folder / "bin" / "instance"
        self.var = folder / "var"
        self.admin_password = None


@pytest.fixture(scope="module")
def built(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("buildout")
    logs = folder / "logs"
    logs.mkdir()
    venv = buildout_venv(project, logs)
    port = free_port()
    run_logged(
        buildout_command(project, venv, folder, f"ent:http-address=127.0.0.1:{port}"),
        logs / "buildout.log",
        BUILDOUT_TIMEOUT,
        cwd=folder,
        env=clean_env(),
    )
    return Built(project, venv, folder, port)


def buildout_command(project: Path, venv: Path, folder: Path, *options: str) -> list[str]:
    """Buildout with the project's buildout.cfg, building into `folder`, eggs in the cache."""
    return [
        str(venv / "bin" / "buildout"),
        "-U",  # no ~/.buildout/default.cfg: the project's settings only
        "-c",
        str(project / "buildout.cfg"),
        f"buildout:directory={folder}",
        f"buildout:eggs-directory={CACHE / 'eggs'}",
        f"ent:project={project}",
        *options,
    ]


@pytest.fixture(scope="module")
def site(built):
    """The admin and the site, created by buildout/create-site.py with a generated password."""
    log = built.folder / "logs" / "create-site.log"
    run_logged(
        [str(built.instance), "run", str(built.project / "buildout" / "create-site.py")],
        log,
        SITE_TIMEOUT,
        cwd=built.folder,
        env=clean_env(),
    )
    match = re.search(r"Generated the password of 'admin' \(shown once, kept in (\S+)\): (\S+)", log.read_text())
    assert match, f"no generated password announced:\n{tail(log)}"
    built.admin_password = match.group(2)
    built.password_file = Path(match.group(1))
    return built


class Server:
    def __init__(self, built: Built):
        self.built = built
        self.log = built.folder / "logs" / "console.log"
        self.process = None

    def start(self):
        stream = self.log.open("w")
        self.process = subprocess.Popen(
            [str(self.built.instance), "console"],
            cwd=self.built.folder,
            env=clean_env(),
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stream.close()
        started = time.monotonic()
        while time.monotonic() - started < START_TIMEOUT:
            if self.process.poll() is not None:
                pytest.fail(f"bin/instance console exited with {self.process.returncode}:\n{tail(self.log)}")
            try:
                if requests.get(f"{self.built.base}/ent", timeout=10).status_code == 200:
                    print(f"bin/instance console answered after {time.monotonic() - started:.0f} s")
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.kill()
        pytest.fail(f"{self.built.base}/ent did not answer within {START_TIMEOUT} s:\n{tail(self.log)}")

    def alive(self) -> bool:
        """Is any process of the instance's session (process group) still there?"""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> int:
        """SIGTERM, as a service manager does; return the exit status.

        Zope's WSGI server keeps Python's default SIGTERM action: it ends at once, with
        status -SIGTERM. The ZODB survives that (FileStorage only appends, then commits).
        """
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"bin/instance console did not stop within {STOP_TIMEOUT} s of SIGTERM")

    def kill(self):
        if self.process is not None and self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture(scope="module")
def server(site):
    server = Server(site)
    server.start()
    yield server
    server.kill()  # when a test failed before test_stops_and_leaves_nothing_running


class TestBuildout:
    def test_buildout_made_the_instance_script_and_config(self, built):
        assert built.instance.is_file() and os.access(built.instance, os.X_OK)
        wsgi_ini = (built.folder / "parts" / "instance" / "etc" / "wsgi.ini").read_text()
        assert f"listen = 127.0.0.1:{built.port}" in wsgi_ini
        zope_conf = (built.folder / "parts" / "instance" / "etc" / "zope.conf").read_text()
        assert f"blob-dir {built.var / 'blobstorage'}" in zope_conf
        assert f"ENT_VAR_DIR {built.var}" in zope_conf

    def test_instance_uses_the_eggs_not_the_project_virtualenv(self, built, project):
        script = built.instance.read_text()
        assert str(CACHE / "eggs") in script
        assert str(project / ".venv") not in script
        assert f"{project}/src/ent.policy/src" in script
        for egg in ("Plone-6.2.2-", "Products.CMFPlone-6.2.2-", "plone.restapi-10.0.4-", "waitress-3.0.2-"):
            assert egg in script

    def test_buildout_picked_no_version(self, built):
        log = (built.folder / "logs" / "buildout.log").read_text()
        assert "Picked" not in log

    def test_an_unpinned_package_stops_buildout(self, built, tmp_path):
        """Without its pin (an empty version), icalendar would be picked: buildout refuses."""
        log = tmp_path / "buildout.log"
        (tmp_path / "buildout").mkdir()
        with log.open("w") as stream:
            status = run_in_session(
                buildout_command(built.project, built.venv, tmp_path / "buildout", "versions:icalendar="),
                stream,
                BUILDOUT_TIMEOUT,
                cwd=tmp_path,
                env=clean_env(),
            )
        output = log.read_text()
        assert status not in (0, None), output
        assert "Picked: icalendar = " in output
        assert "allow-picked-versions = false" in output
        assert not (tmp_path / "buildout" / "bin" / "instance").exists()

    def test_no_password_in_what_buildout_wrote(self, built):
        installed = (built.folder / ".installed.cfg").read_text()
        assert re.search(r"^user = admin:$", installed, re.MULTILINE)
        assert not (built.folder / "parts" / "instance" / "inituser").exists()

    def test_admin_password_generated_into_the_buildout_var(self, site):
        assert site.password_file == site.var / "admin-password"
        assert site.password_file.read_text().strip() == site.admin_password
        assert oct(site.password_file.stat().st_mode & 0o777) == "0o600"

    def test_site_home_page_is_french_with_the_ent_theme(self, server):
        response = requests.get(f"{server.built.base}/ent", timeout=30)
        assert response.status_code == 200
        assert re.search(r'<html[^>]*\slang="fr"', response.text)
        assert "<title>Portail du Département</title>" in response.text
        assert "++theme++ent/css/ent.css" in response.text

    def test_rest_api_answers(self, server):
        response = requests.get(f"{server.built.base}/ent", headers={"Accept": "application/json"}, timeout=30)
        assert response.status_code == 200
        assert response.json()["@type"] == "Plone Site"

    def test_zmi_needs_the_generated_admin_password(self, server):
        url = f"{server.built.base}/manage_main"
        assert requests.get(url, auth=("admin", server.built.admin_password), timeout=30).status_code == 200
        assert requests.get(url, auth=("admin", server.built.admin_password + "x"), timeout=30).status_code == 401
        assert requests.get(url, timeout=30).status_code == 401

    def test_stops_and_leaves_nothing_running(self, server):
        assert server.stop() in (0, -signal.SIGTERM), tail(server.log)
        deadline = time.monotonic() + 10
        while server.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not server.alive(), "a process of bin/instance console outlived SIGTERM"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.built.port), timeout=2).close()
