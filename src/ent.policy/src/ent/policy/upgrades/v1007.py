"""1006 → 1007 (issue #13): school sectoring, the agendas, County projects.

- `/sectorisation` shows the lookup page "Quel est mon collège ?" (its data comes from an
  import: an existing site has none until a County administrator imports the official file);
- events get their categories (behavior, index and column, then the events are reindexed);
  `/culture-loisirs` and every school's agenda show the agenda page with the County's
  broadcasts; the keyring of the personal iCal subscriptions is made;
- type Project in `/projets`, its permission, registrations as cases in `/dossiers/projets`
  handled by the group county-projects.

Only the import steps that declare the new things are run; each step may run again: it
changes nothing then.
"""

from ent.policy.agenda import set_agenda_views
from ent.policy.cases.model import ensure_case_folders
from ent.policy.groups import county_groups
from ent.policy.groups import ensure_groups
from ent.policy.sectoring.browser import setup_sectoring_section
from ent.policy.structure import setup_projects_section
from plone import api


PROFILE = "profile-ent.policy:default"
STEPS = ("rolemap", "typeinfo", "workflow", "catalog")


def sectoring_agendas_projects(context):
    """The new types, permission, index and column; the sections' views; the projects'
    group and case folder; the events' categories in the catalog."""
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    portal = api.portal.get()
    ensure_groups(county_groups())
    ensure_case_folders(portal)
    setup_projects_section(portal)
    setup_sectoring_section(portal)
    set_agenda_views(portal)
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Event"):
        brain._unrestrictedGetObject().reindexObject(idxs=["event_category"])
