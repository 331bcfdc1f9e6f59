"""Create the spaces of benchmarks/workspaces.py inside Zope; never run by hand in var/.

Run as `zconsole run ZOPE_CONF benchmarks/workspaces_items.py SPACES ITEMS PERSON`, with
ENT_VAR_DIR pointing at the temporary instance folder that ZOPE_CONF was rendered for, the
instance stopped, and ENT_NOTIFICATIONS=0 (no worker and no mail in this process).

On the ENT site ENT_SITE_ID, as the admin, in /espaces: SPACES spaces with PERSON on their
roster (a member, by name) and `county.agent` as manager, each holding ITEMS pages and ITEMS
posts in its blog; two more spaces with the same content, PERSON not on them, for adding
`all-parent` and one person over REST; and at the site's root a plain Plone folder
`bench-plain-folder` (published) holding the same pages and, in a `blog` folder, the same
news items, for the page comparison. Rosters are written by `membership.set_roster_entry`:
the directory is not running here, and it is what `add_member` writes once it has checked.

Prints one line `BENCH-RESULT <json>`: the paths made and the time taken.
"""

from Acquisition import aq_base
from pathlib import Path

import json
import os
import sys
import time
import transaction


HERE = next(Path(arg).resolve().parent for arg in sys.argv if arg.endswith("workspaces_items.py"))
sys.path.insert(0, str(HERE))

from zope_sites import InSite  # noqa: E402
from zope_sites import script_args  # noqa: E402


TEXT = "<p>" + "Une recette en plusieurs étapes, avec ses ingrédients et ses conseils. " * 20 + "</p>"


def fill(container, blog, items, api):
    from plone.app.textfield.value import RichTextValue

    for n in range(items):
        api.content.create(
            container=container,
            type="Document",
            id=f"page-{n}",
            title=f"Page de travail {n}",
            description="Une page de l'espace de mesure.",
            text=RichTextValue(TEXT, "text/html", "text/x-html-safe"),
        )
        api.content.create(
            container=blog,
            type="News Item",
            id=f"billet-{n}",
            title=f"Billet {n}",
            description="Un billet du blog de l'espace de mesure.",
            text=RichTextValue(TEXT, "text/html", "text/x-html-safe"),
        )


def main(app):
    from ent.server import settings as settings_module

    spaces, items, person = script_args("workspaces_items.py")
    spaces, items = int(spaces), int(items)
    settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())

    def say(message):
        print(f"workspaces_items: {message}", flush=True)

    with InSite(aq_base(app), settings, settings.site_id) as portal:
        from ent.policy.workspaces import membership
        from ent.policy.workspaces.blog import create_blog
        from plone import api

        started = time.perf_counter()
        folder = portal["espaces"]
        made = {"spaces": [], "targets": []}
        for index in range(spaces + 2):
            space = api.content.create(
                container=folder,
                type="Workspace",
                id=f"mesure-{index}",
                title=f"Espace de mesure {index}",
                description="Un espace du banc d'essai des espaces collaboratifs.",
            )
            membership.set_roster_entry(space, "county.agent", membership.MANAGER)
            if index < spaces:
                membership.set_roster_entry(space, person, membership.MEMBER)
            fill(space, create_blog(space), items, api)
            (made["spaces"] if index < spaces else made["targets"]).append("/".join(space.getPhysicalPath()))
            transaction.commit()
            say(f"space {index + 1} of {spaces + 2}")
        plain = api.content.create(container=portal, type="Folder", id="bench-plain-folder", title="Espace de mesure 0")
        blog = api.content.create(container=plain, type="Folder", id="blog", title="Blog")
        fill(plain, blog, items, api)
        workflow = portal.portal_workflow
        for obj in [plain, blog, *plain.objectValues(), *blog.objectValues()]:
            # Folders: publish; news and pages (their audience: the County's public by
            # default) publish too, or for their audience.
            available = {t["id"] for t in workflow.getTransitionsFor(obj)}
            for transition in ("publish", "publish_internal"):
                if transition in available:
                    api.content.transition(obj=obj, transition=transition)
                    break
        transaction.commit()
        made["plain"] = "/".join(plain.getPhysicalPath())
        made["seconds"] = time.perf_counter() - started
    print("BENCH-RESULT " + json.dumps(made), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
