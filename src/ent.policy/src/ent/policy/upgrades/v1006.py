"""1005 → 1006 (issue #12, the County's online services): local aids with their application
forms, cases in /dossiers handled by County groups, the help centre and its support form.

Only the import steps that declare the new things are run (roles and permissions, types,
workflows, catalog indexes); the registry gets the cases' records by their interface, which
keeps every value that exists. Each step may run again: it changes nothing then.
"""

from ent.policy.cases.interfaces import ICaseSettings
from ent.policy.cases.model import ensure_case_folders
from ent.policy.groups import county_groups
from ent.policy.groups import ensure_groups
from ent.policy.helpdesk import create_help_desk
from ent.policy.structure import setup_aids_section
from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility


PROFILE = "profile-ent.policy:default"
STEPS = ("rolemap", "typeinfo", "workflow", "catalog")


def online_services(context):
    """Types Aid, Case and CaseFolder, the case workflow and role, the cases' catalog data and
    settings; then /aides as the aids section, the help centre with its support form, and
    /dossiers with its two folders and their handlers (the group county-cases)."""
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    # registerInterface adds the missing records and keeps the values of those that exist.
    getUtility(IRegistry).registerInterface(ICaseSettings, prefix="ent.cases")
    ensure_groups(county_groups())
    portal = api.portal.get()
    setup_aids_section(portal)
    create_help_desk(portal)
    ensure_case_folders(portal)
