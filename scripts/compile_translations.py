"""Compile the translation catalogues the installed packages ship as .po only (Plone's
plone.app.locales, yafowil…), once, when `make` installs them.

Zope compiles a .po whose .mo is missing or older when it loads the catalogues
(`zope_i18n_compile_mo_files`, needed for those packages), writing the .mo in place: two
instances starting at once (several instances, the tests' workers) could each read the
other's half-written file and stop ("unpack requires a buffer of 4 bytes"). Compiled here,
each written whole and renamed into place, Zope finds them up to date and writes nothing.
"""

from contextlib import closing
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
from pythongettext.msgfmt import PoSyntaxError

import os
import sys
import sysconfig
import tempfile


def compile_all(root: Path) -> int:
    compiled = 0
    for po in root.glob("**/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source, closing(Msgfmt(source, po.stem).getAsFile()) as result:
                data = result.read()
        except PoSyntaxError as error:
            print(f"compile_translations: {po}: {error.msg}", file=sys.stderr)
            continue
        fd, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".", suffix=".mo")
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, mo)
        compiled += 1
    return compiled


if __name__ == "__main__":
    # The installed packages and the project's own (src/: the same bytes as the committed
    # .mo files, which a checkout may leave older than their .po).
    roots = sys.argv[1:] or [sysconfig.get_paths()["purelib"], Path(__file__).resolve().parent.parent / "src"]
    for root in map(Path, roots):
        print(f"compile_translations: {compile_all(root)} catalogues compiled in {root}")
