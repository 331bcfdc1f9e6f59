"""Every package in the virtualenv is pinned in constraints.txt, at the version installed.

Unpinned, pip picks pre-releases (plone.app.layout 7.0.0a6) and Zope fails to start.
"""

from importlib.metadata import distributions
from packaging.version import Version

import re


OWN = {"ent-policy", "ent-theme", "ent-server"}


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path):
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert match, f"constraints.txt line {number} is not a `name==version` pin: {line!r}"
        name = normalized(match.group(1))
        assert name not in pins, f"constraints.txt pins {name} twice (line {number})"
        pins[name] = match.group(2)
    return pins


def installed():
    return {
        normalized(dist.metadata["Name"]): dist.version
        for dist in distributions()
        if dist.metadata["Name"] and normalized(dist.metadata["Name"]) not in OWN
    }


def test_every_installed_package_is_pinned(project):
    pins = read_pins(project / "constraints.txt")
    unpinned = sorted(f"{name}=={version}" for name, version in installed().items() if name not in pins)
    assert unpinned == [], "installed but not pinned in constraints.txt (run `make freeze`)"


def test_installed_versions_match_pins(project):
    pins = read_pins(project / "constraints.txt")
    drift = sorted(
        f"{name}: installed {version}, pinned {pins[name]}"
        for name, version in installed().items()
        if name in pins and Version(version) != Version(pins[name])
    )
    assert drift == []


def test_no_prerelease_is_pinned(project):
    pins = read_pins(project / "constraints.txt")
    assert sorted(name for name, version in pins.items() if Version(version).is_prerelease) == []


def test_the_stack_is_pinned(project):
    pins = read_pins(project / "constraints.txt")
    assert pins["plone"] == "6.2.2"
    assert Version(pins["plone-app-layout"]).major == 6
    for name in ("products-cmfplone", "plone-restapi", "pas-plugins-ldap", "collective-easyform", "waitress"):
        assert name in pins


def test_requirement_files_use_the_constraints(project):
    for name in ("requirements.txt", "requirements-test.txt"):
        lines = (project / name).read_text(encoding="utf-8").splitlines()
        assert "-c constraints.txt" in lines, f"{name} does not apply constraints.txt"
