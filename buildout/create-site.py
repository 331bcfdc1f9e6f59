"""Create the admin account and the ENT site in a buildout instance, as `make run` does.

    bin/instance run buildout/create-site.py

The instance must be stopped (the database is opened here). Does what `ent-instance run`
does on its first run, with the same code and the same ENT_* settings: the Zope admin
(password from ENT_ADMIN_PASSWORD, or generated, printed once and kept in var/admin-password)
and the Plone site with the ENT's profiles. Run again, it changes nothing (or only sets the
admin's password to ENT_ADMIN_PASSWORD). buildout.cfg's zope.conf sets ENT_HOME (the
project, for its settings) and ENT_VAR_DIR (the buildout's var/).
"""

from ent.server import settings as settings_module
from ent.server import site as site_module

import os
import sys


def main(app):
    try:
        settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())
    except settings_module.SettingsError as error:
        print(f"create-site: error: {error}", file=sys.stderr)
        return 2

    def say(message):
        print(f"create-site: {message}", flush=True)

    try:
        site_module.ensure_admin(app, settings, say=say)
        site_module.ensure_site(app, settings, say=say)
    finally:
        # Close the database, so that FileStorage saves its index (the next start is faster).
        import Zope2

        app._p_jar.close()
        if getattr(Zope2, "DB", None) is not None:
            Zope2.DB.close()
    say(f"site '{settings.site_id}' ready (log in as '{settings.admin_user}')")
    return 0


# `bin/instance run` executes this file with `app`, the Zope application, as a global.
status = main(app)  # noqa: F821
if status:
    sys.exit(status)
