"""Create Plone sites inside Zope for benchmarks/run.py; never run by hand in var/.

Run as `zconsole run ZOPE_CONF benchmarks/zope_sites.py MODE ARGS`, with ENT_VAR_DIR
pointing at the temporary instance folder that ZOPE_CONF was rendered for:

    time REPS [KIND ...]   create REPS sites of each KIND (default: plain ent ent-demo),
                           interleaved, after one untimed warm-up creation; report the
                           seconds of each creation (commit included)
    prepare KIND           create the admin and the site ENT_SITE_ID of KIND, to be
                           served afterwards by `ent-instance run`

Every site is created by the very function `make run` uses on its first run
(ent.policy.instance.site.ensure_site). A plain Plone site is that same call with only
the three profiles of Plone's classic distribution and no demo. Prints one line
`BENCH-RESULT <json>` on stdout.
"""
from Acquisition import aq_base
from ent.policy.instance import settings as settings_module
from ent.policy.instance import site as site_module
from zope.globalrequest import setRequest

import dataclasses
import gc
import json
import os
import sys
import time


PLAIN_PROFILES = (
    "plone.app.contenttypes:default",
    "plone.app.layout:default",
    "plonetheme.barceloneta:default",
)
#: kind: (profiles on top of Plone's base profile, demo profile too)
KINDS = {
    "plain": (PLAIN_PROFILES, False),
    "ent": (site_module.SITE_PROFILES, False),
    "ent-demo": (site_module.SITE_PROFILES, True),
}


def script_args():
    """The arguments after this script's path (zconsole leaves its own in sys.argv)."""
    for index, arg in enumerate(sys.argv):
        if arg.endswith("zope_sites.py"):
            return sys.argv[index + 1 :]
    raise SystemExit("zope_sites.py: cannot find my arguments in sys.argv")


def data_fs_size(settings):
    path = settings.var / "filestorage" / "Data.fs"
    return path.stat().st_size if path.exists() else 0


def create(root, settings, kind, site_id):
    """Create the site `site_id` of `kind` with ensure_site; return (seconds, bytes written)."""
    profiles, demo = KINDS[kind]
    saved = site_module.SITE_PROFILES
    site_module.SITE_PROFILES = profiles
    # As in `ent-instance run`: no global request while the site is created (zconsole
    # sets one, whose caches would outlive the first site).
    setRequest(None)
    size = data_fs_size(settings)
    gc.collect()  # not timed: leave no garbage of the previous site to this one
    try:
        started = time.perf_counter()
        site_module.ensure_site(root, dataclasses.replace(settings, site_id=site_id, demo=demo), say=lambda m: None)
        seconds = time.perf_counter() - started
    finally:
        site_module.SITE_PROFILES = saved
    return seconds, data_fs_size(settings) - size


def main(app):
    args = script_args()
    settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())
    root = aq_base(app)
    site_module.ensure_admin(root, settings, say=lambda m: None)
    result = {"plain_profiles_are_classic": tuple(site_module.SITE_PROFILES[:3]) == PLAIN_PROFILES}
    mode = args[0] if args else ""
    if mode == "time":
        reps = int(args[1])
        kinds = args[2:] or ["plain", "ent", "ent-demo"]
        create(root, settings, kinds[-1], "warmup")
        times = {kind: [] for kind in kinds}
        sizes = {kind: [] for kind in kinds}
        for rep in range(reps):
            for kind in kinds if rep % 2 == 0 else reversed(kinds):
                seconds, written = create(root, settings, kind, f"{kind}-{rep}")
                times[kind].append(seconds)
                sizes[kind].append(written)
        result.update(times=times, bytes_written=sizes)
    elif mode == "prepare":
        seconds, written = create(root, settings, args[1], settings.site_id)
        result.update(seconds=seconds, bytes_written=written)
    else:
        raise SystemExit(f"zope_sites.py: unknown mode {mode!r} (time or prepare)")
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
