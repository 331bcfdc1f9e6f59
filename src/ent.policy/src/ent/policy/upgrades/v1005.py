"""1004 → 1005 (issue #11, the portal as people meet it): dates in Europe/Paris, the County
home and its settings.

The registry records are set here rather than by re-running the profile's registry step,
which would also reset the language and navigation settings an administrator may have
changed. Each step may run again: it changes nothing then.
"""

from ent.policy.browser.home import IHomeSettings
from ent.policy.structure import set_county_home
from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import json


PROFILE = "profile-ent.policy:default"
# Plone's default zone: a site still on it never chose one (registry/dates.xml).
PLONE_DEFAULT_ZONE = "UTC"
EDITOR_FRAME_TITLE = "Zone de texte enrichi"


def french_dates(context):
    """A site on Plone's default zone (UTC) gets Europe/Paris; weeks start on Monday."""
    registry = getUtility(IRegistry)
    if registry.get("plone.portal_timezone") in (None, "", PLONE_DEFAULT_ZONE):
        registry["plone.portal_timezone"] = "Europe/Paris"
        registry["plone.available_timezones"] = ["Europe/Paris"]
    registry["plone.first_weekday"] = 0


def name_the_editor_frame(context):
    """TinyMCE's editing frame gets a title (registry/tinymce.xml), added to the TinyMCE
    settings an administrator may already have written."""
    registry = getUtility(IRegistry)
    try:
        settings = json.loads(registry.get("plone.other_settings") or "{}")
    except ValueError:  # not JSON: the administrator's text is left as it is
        return
    if isinstance(settings, dict) and "iframe_attrs" not in settings:
        settings["iframe_attrs"] = {"title": EDITOR_FRAME_TITLE}
        registry["plone.other_settings"] = json.dumps(settings, ensure_ascii=False)


def county_home(context):
    """The County home as the site root's view, its settings and their control panel."""
    # registerInterface adds the missing records and keeps the values of those that exist.
    getUtility(IRegistry).registerInterface(IHomeSettings, prefix="ent.home")
    setup = api.portal.get_tool("portal_setup")
    setup.runImportStepFromProfile(PROFILE, "controlpanel", run_dependencies=False)
    set_county_home(api.portal.get())
