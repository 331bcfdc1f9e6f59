"""Print buildout's `[versions]` section from constraints.txt: one `name = version` pin per line.

    python3 scripts/versions_cfg.py constraints.txt > buildout/versions.cfg

`make versions` runs it; buildout.cfg extends the result, so that buildout installs exactly
the versions pip installs. The output depends on constraints.txt alone (pins sorted by
normalized name, the spelling of constraints.txt kept). Any line that is not a comment, a
blank or a plain `name==version` pin (an option, a range, a marker, an extra, a second pin of
the same package) is an error: buildout's [versions] could not say the same thing.
tests/install/test_buildout.py checks that buildout/versions.cfg is what this prints.
"""

from pathlib import Path

import re
import sys


PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$"
)

HEADER = """\
# Generated from constraints.txt by scripts/versions_cfg.py (`make versions`): do not edit.
# Every version pip installs for the ENT, for buildout.cfg (allow-picked-versions = false).
"""


class ConstraintError(ValueError):
    """A line of constraints.txt has no equivalent in buildout's [versions]."""


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str, source: str = "constraints.txt") -> dict[str, tuple[str, str]]:
    """Map each normalized name to (name as spelled, version); raise ConstraintError."""
    pins: dict[str, tuple[str, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        if match is None:
            raise ConstraintError(f"{source}:{number}: {raw.strip()!r} is not a plain name==version pin")
        name, version = match["name"], match["version"]
        key = normalized(name)
        if key in pins:
            raise ConstraintError(f"{source}:{number}: {name} is pinned twice")
        pins[key] = (name, version)
    return pins


def render(pins: dict[str, tuple[str, str]]) -> str:
    lines = [HEADER, "[versions]"]
    for key in sorted(pins):
        name, version = pins[key]
        lines.append(f"{name} = {version}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: versions_cfg.py CONSTRAINTS_TXT > buildout/versions.cfg", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        pins = read_pins(path.read_text(encoding="utf-8"), str(path))
    except (OSError, ConstraintError) as error:
        print(f"versions_cfg.py: error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render(pins))
    return 0


if __name__ == "__main__":
    sys.exit(main())
