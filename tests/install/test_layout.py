"""ent.policy is a plain Plone add-on: nothing in it starts a process or serves.

The instance runner, the local services (slapd) and the command-line tools live in
ent.server, which depends on ent.policy; never the other way round. Likewise ent.policy
depends on ent.theme (colours and logos), and ent.theme never imports ent.policy.
"""

from importlib.metadata import entry_points
from pathlib import Path

import ast
import ent.policy
import ent.theme
import pytest
import tomllib


#: What only a server does: serve HTTP, start processes; and the server itself.
SERVER_ONLY = ("ent.server", "waitress", "subprocess")
COMMANDS = ("ent-instance", "ent-directory", "ent-schools")


def policy_modules(package=ent.policy):
    """(dotted name, path) of every module of ent.policy (or `package`), packages included."""
    root = Path(package.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        parts = (*package.__name__.split("."), *path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        yield name, path, is_package


def imported_names(name, path, is_package):
    """Every module name `path` imports, relative imports made absolute."""
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


def is_server_only(module):
    return any(module == name or module.startswith(name + ".") for name in SERVER_ONLY)


def test_the_walk_sees_every_module():
    names = {name for name, _, _ in policy_modules()}
    assert {"ent.policy", "ent.policy.groups", "ent.policy.directory.plugin"} <= names


def test_a_server_import_would_be_found(tmp_path):
    module = tmp_path / "cli.py"
    module.write_text("from ..server import settings\nimport subprocess\nfrom waitress import serve\n")
    found = {m for m in imported_names("ent.policy.cli", module, False) if is_server_only(m)}
    assert {"ent.server", "subprocess", "waitress"} <= found


def test_policy_imports_neither_the_server_nor_waitress_nor_subprocess():
    offenders = sorted(
        f"{name}: {module}"
        for name, path, is_package in policy_modules()
        for module in set(imported_names(name, path, is_package))
        if is_server_only(module)
    )
    assert offenders == []


def test_policy_does_not_depend_on_waitress(project):
    pyproject = tomllib.loads((project / "src" / "ent.policy" / "pyproject.toml").read_text(encoding="utf-8"))
    project_table = pyproject["project"]
    assert not [d for d in project_table["dependencies"] if d.lower().startswith("waitress")]
    assert "scripts" not in project_table, "ent.policy declares no command: ent.server does"


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_come_from_the_server(command):
    (script,) = entry_points(group="console_scripts", name=command)
    assert script.value.startswith("ent.server.")
    assert script.dist.name == "ent.server"


def test_the_theme_does_not_import_the_policy():
    modules = list(policy_modules(ent.theme))
    assert "ent.theme.colors" in {name for name, _, _ in modules}
    offenders = sorted(
        f"{name}: {module}"
        for name, path, is_package in modules
        for module in set(imported_names(name, path, is_package))
        if module == "ent.policy" or module.startswith("ent.policy.")
    )
    assert offenders == []
