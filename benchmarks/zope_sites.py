"""Create Plone sites inside Zope for benchmarks/run.py; never run by hand in var/.

Run as `zconsole run ZOPE_CONF benchmarks/zope_sites.py MODE ARGS`, with ENT_VAR_DIR
pointing at the temporary instance folder that ZOPE_CONF was rendered for:

    time REPS [KIND ...]   create REPS sites of each KIND (default: plain ent ent-demo),
                           interleaved, after one untimed warm-up creation; report the
                           seconds of each creation (commit included)
    prepare KIND [DEPTH]   create the admin and the site ENT_SITE_ID of KIND, to be
                           served afterwards by `ent-instance run`; with DEPTH, set
                           plone.navigation_depth to DEPTH after the creation
    import REPS            the import of the packaged list of schools
                           (ent.policy.schools.importer.import_schools), timed alone on
                           REPS freshly created sites of kind `ent` (no demo), then
                           a second, idempotent import; interleaved with the same
                           number of folders and groups created on plain Plone sites
                           by plone.api (the reference); one untimed warm-up of both
                           first, on a few rows

Every site is created by the very function `make run` uses on its first run
(ent.server.site.ensure_site). A plain Plone site is that same call with only
the three profiles of Plone's classic distribution and no demo. Prints one line
`BENCH-RESULT <json>` on stdout.
"""

from Acquisition import aq_base
from ent.server import settings as settings_module
from ent.server import site as site_module
from zope.globalrequest import setRequest

import dataclasses
import gc
import json
import os
import sys
import time
import transaction


PLAIN_PROFILES = (
    "plone.app.contenttypes:default",
    "plone.app.layout:default",
    "plonetheme.barceloneta:default",
)
#: The member created on plain sites by `prepare`, its password the admin's.
PLAIN_MEMBER = "member"
#: kind: (profiles on top of Plone's base profile, demo profile too)
KINDS = {
    "plain": (PLAIN_PROFILES, False),
    "ent": (site_module.SITE_PROFILES, False),
    "ent-demo": (site_module.SITE_PROFILES, True),
    # Plain Plone classic does not install plone.restapi (its anonymous @search is 401); the
    # ENT does, as a dependency of ent.policy:default. The reference of its REST services:
    "plain-restapi": (PLAIN_PROFILES + ("plone.restapi:default",), False),
}


def script_args(name="zope_sites.py"):
    """The arguments after the path of the script `name` (zconsole leaves its own in sys.argv)."""
    for index, arg in enumerate(sys.argv):
        if arg.endswith(name):
            return sys.argv[index + 1 :]
    raise SystemExit(f"{name}: cannot find my arguments in sys.argv")


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


def schools_data():
    """The packaged schools file, and (UAI, name) of each of its valid rows, not timed."""
    from ent.policy.schools import importer

    data = importer.PACKAGED_SCHOOLS.read_bytes()
    schools, seen = [], set()
    for _, problem, row in importer.read_rows(data):
        if problem is None:
            try:
                uai, values = importer.school_values(row)
            except importer.RowError:
                continue
            if uai not in seen:
                seen.add(uai)
                schools.append((uai, values["title"]))
    return data, schools


class InSite:
    """As `ensure_site` does: a request, the admin's security, the site as local site."""

    def __init__(self, root, settings, site_id):
        self.root, self.settings, self.site_id = root, settings, site_id

    def __enter__(self):
        from AccessControl.SecurityManagement import newSecurityManager
        from Testing.makerequest import makerequest
        from zope.component.hooks import setSite

        app = makerequest(self.root)
        app.REQUEST["PARENTS"] = [app]
        admin = app.acl_users.getUserById(self.settings.admin_user)
        newSecurityManager(None, admin.__of__(app.acl_users))
        portal = app[self.site_id]
        setSite(portal)
        return portal

    def __exit__(self, *exc):
        from AccessControl.SecurityManagement import noSecurityManager
        from zope.component.hooks import setSite

        transaction.abort()
        setSite(None)
        noSecurityManager()
        setRequest(None)


def timed(settings, work):
    """Seconds and Data.fs bytes of `work()` and its commit."""
    size = data_fs_size(settings)
    gc.collect()  # not timed
    started = time.perf_counter()
    outcome = work()
    transaction.commit()
    return time.perf_counter() - started, data_fs_size(settings) - size, outcome


def ent_import(portal, data):
    """The import of `data` into the ENT site's schools folder; its summary and what it holds."""
    from ent.policy.schools.importer import import_schools
    from ent.policy.structure import schools_folder

    report = import_schools(schools_folder(portal), data)
    return {
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "rejected": len(report.rejected),
    }


def plain_folders(portal, schools):
    """What plain Plone does for the same objects: per school a published folder with four
    published folders in it, and seven groups, by plone.api."""
    from plone import api

    for uai, title in schools:
        folder = api.content.create(container=portal, type="Folder", id=uai.lower(), title=title)
        api.content.transition(obj=folder, transition="publish")
        for section in ("actualites", "agenda", "documents", "espaces"):
            sub = api.content.create(container=folder, type="Folder", id=section, title=section.capitalize())
            api.content.transition(obj=sub, transition="publish")
        for group in ("student", "parent", "teacher", "staff", "principal", "attee", "editors"):
            api.group.create(groupname=f"{uai.lower()}-{group}", title=f"{uai} {group}")
    return {"created": len(schools)}


def holdings(portal):
    """How many schools, folders and groups the site holds."""
    catalog = portal.portal_catalog
    return {
        "schools": len(catalog.unrestrictedSearchResults(portal_type="School")),
        "folders": len(catalog.unrestrictedSearchResults(portal_type="Folder")),
        "groups": len(portal.portal_groups.getGroupIds()),
    }


def time_import(root, settings, reps):
    data, schools = schools_data()
    header, *rows = data.decode("utf-8-sig").splitlines(keepends=True)
    few = (header + "".join(rows[:3])).encode("utf-8")
    result = {
        "rows": len(rows),
        "schools_in_file": len(schools),
        "first": [],
        "second": [],
        "plain": [],
        "first_bytes": [],
        "second_bytes": [],
        "plain_bytes": [],
    }
    plan = [("warmup", "ent"), ("warmup", "plain")]
    for rep in range(reps):
        plan += [(rep, kind) for kind in (("ent", "plain") if rep % 2 == 0 else ("plain", "ent"))]
    for rep, kind in plan:
        site_id = f"{kind}-schools-{rep}"
        create(root, settings, kind, site_id)
        with InSite(root, settings, site_id) as portal:
            before = holdings(portal)
            sample = few if rep == "warmup" else data
            if kind == "ent":
                first = timed(settings, lambda sample=sample: ent_import(portal, sample))
                second = timed(settings, lambda sample=sample: ent_import(portal, sample))
                if rep != "warmup":
                    for key, (seconds, written, report) in (("first", first), ("second", second)):
                        result[key].append(seconds)
                        result[key + "_bytes"].append(written)
                        result[key + "_report"] = report
            else:
                some = schools[:3] if rep == "warmup" else schools
                seconds, written, report = timed(settings, lambda some=some: plain_folders(portal, some))
                if rep != "warmup":
                    result["plain"].append(seconds)
                    result["plain_bytes"].append(written)
            after = holdings(portal)
            if rep != "warmup":
                result[f"{kind}_added"] = {key: after[key] - before[key] for key in after}
    return result


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
        with InSite(root, settings, settings.site_id):
            from plone import api

            if len(args) > 2:
                api.portal.set_registry_record("plone.navigation_depth", int(args[2]))
                transaction.commit()
            result["navigation_depth"] = api.portal.get_registry_record("plone.navigation_depth")
            if args[1].startswith("plain"):
                # The reference of a logged-in person's pages: a plain member, as a parent of
                # the ENT is one (benchmarks/caching.py logs in as both).
                api.user.create(
                    email="member@example.org",
                    username=PLAIN_MEMBER,
                    password=settings.admin_password,
                    roles=("Member",),
                )
                transaction.commit()
                result["member"] = PLAIN_MEMBER
    elif mode == "import":
        result.update(time_import(root, settings, int(args[1])))
    else:
        raise SystemExit(f"zope_sites.py: unknown mode {mode!r} (time, prepare or import)")
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
