"""The County portal's structure: its sections (stable URLs), groups and roles.

Created by the default profile and kept by every re-install: what exists is left as it is.
"""

from ent.policy.agenda import set_agenda_views
from ent.policy.cases.model import ensure_case_folders
from ent.policy.content.aid import ADD_PERMISSION as ADD_AID
from ent.policy.content.aid import ADDERS as AID_ADDERS
from ent.policy.content.aid import IAidsSection
from ent.policy.content.project import ADD_PERMISSION as ADD_PROJECT
from ent.policy.content.project import ADDERS as PROJECT_ADDERS
from ent.policy.content.project import IProjectsSection
from ent.policy.content.school import EDITOR_ROLES
from ent.policy.content.school import MEMBER_ROLE
from ent.policy.groups import COUNTY_ADMINS
from ent.policy.groups import COUNTY_EDITORS
from ent.policy.groups import county_groups
from ent.policy.groups import ensure_groups
from ent.policy.helpdesk import create_help_desk
from ent.policy.sectoring.browser import setup_sectoring_section
from ent.policy.workspaces.content import setup_spaces_sections
from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.interface import alsoProvides


#: id (the stable URL), title, description of each section of the County portal.
SECTIONS = (
    ("actualites", "Actualités", "Les actualités du Département pour les collèges."),
    ("colleges", "Collèges", "Les collèges du Département et leurs sites."),
    ("aides", "Aides départementales", "Les aides du Département : qui peut en bénéficier, comment les demander."),
    ("sectorisation", "Sectorisation", "Quel est mon collège ? Celui qui dessert votre adresse."),
    ("projets", "Projets pour les collégiens", "Les projets du Département pour les élèves."),
    ("culture-loisirs", "Culture et loisirs", "Activités culturelles et de loisirs."),
    ("aide-formation", "Aide et formation", "Guides, questions fréquentes et demande d'assistance."),
    ("espaces", "Espaces collaboratifs", "Les espaces de travail partagés entre collèges et Département."),
)
SCHOOLS_FOLDER = "colleges"
AIDS_FOLDER = "aides"
#: The aids section's view (ent.policy.browser.aids).
AIDS_VIEW = "aids"
PROJECTS_FOLDER = "projets"
#: The projects section's view (ent.policy.browser.projects).
PROJECTS_VIEW = "projects"
#: The County home (ent.policy.browser.home), the site root's view.
COUNTY_HOME_VIEW = "ent-home"
COUNTY_ADMIN_ROLES = ("Site Administrator",)


def schools_folder(portal=None):
    portal = portal or api.portal.get()
    return portal[SCHOOLS_FOLDER]


def set_county_home(portal):
    """Make the County home the site root's view, unless an administrator chose another one
    (Plone's own default, `listing_view`, is no choice). Also for existing sites (upgrade)."""
    current = getattr(portal.aq_base, "layout", None)
    if not current or current in ("listing_view", "document_view"):
        portal.setLayout(COUNTY_HOME_VIEW)


def setup_aids_section(portal):
    """Make `/aides` the aids section: the one folder where aids are added (`IAidsSection`),
    listed by `@@aids`, where the County's editors may add them (nowhere else).
    Also for existing sites (upgrade)."""
    section = portal.get(AIDS_FOLDER)
    if section is None:
        return
    if not IAidsSection.providedBy(section):
        alsoProvides(section, IAidsSection)
    section.manage_permission(ADD_AID, list(AID_ADDERS), acquire=False)
    section.setLayout(AIDS_VIEW)
    section.reindexObject(idxs=["object_provides"])


def setup_projects_section(portal):
    """Make `/projets` the projects section, as `/aides` for aids: projects are added there
    only (`IProjectsSection`, `ent.policy: Add Project`), listed by `@@projects`.
    Also for existing sites (upgrade)."""
    section = portal.get(PROJECTS_FOLDER)
    if section is None:
        return
    if not IProjectsSection.providedBy(section):
        alsoProvides(section, IProjectsSection)
    section.manage_permission(ADD_PROJECT, list(PROJECT_ADDERS), acquire=False)
    section.setLayout(PROJECTS_VIEW)
    section.reindexObject(idxs=["object_provides"])


def unset_county_home(portal):
    """Give the site root Plone's view back (uninstall: the County home's view goes with the
    ENT's browser layer)."""
    if getattr(portal.aq_base, "layout", None) == COUNTY_HOME_VIEW:
        portal.setLayout(portal.getDefaultLayout())


def remove_events_portlet(portal):
    """Take away the events portlet plone.app.event assigns to a new site's root (right column).

    The ENT's agendas, the County's and schools' homes and Mon ENT list the events each
    person may see; the portlet repeated them beside every inner page, for the price of a
    catalog query and of formatting its dates on each view (a third of a parent's news item
    page: docs/benchmarks.md, "Scale"). An editor may still add one where it is wanted."""
    from plone.portlets.interfaces import IPortletAssignmentMapping
    from plone.portlets.interfaces import IPortletManager
    from zope.component import getMultiAdapter
    from zope.component import queryUtility

    manager = queryUtility(IPortletManager, name="plone.rightcolumn")
    if manager is None:
        return False
    mapping = getMultiAdapter((portal, manager), IPortletAssignmentMapping)
    if "events" not in mapping:
        return False
    del mapping["events"]
    return True


def create_structure(portal):
    """Create the County portal's sections, groups and roles that do not exist yet."""
    remove_events_portlet(portal)
    ensure_groups(county_groups())
    api.group.grant_roles(groupname=COUNTY_ADMINS, roles=list(COUNTY_ADMIN_ROLES))
    # County editors work on the County portal; schools block these roles (setup_school).
    portal.manage_setLocalRoles(COUNTY_EDITORS, list(EDITOR_ROLES))
    # On the County portal, "published for members" means every person who is logged in.
    portal.manage_setLocalRoles("AuthenticatedUsers", [MEMBER_ROLE])
    portal.reindexObjectSecurity()
    for section_id, title, description in SECTIONS:
        if section_id in portal.objectIds():
            continue
        # The schools finder is added only here (its type is not addable elsewhere).
        section = createContentInContainer(
            portal,
            "SchoolFinder" if section_id == SCHOOLS_FOLDER else "Folder",
            checkConstraints=False,
            id=section_id,
            title=title,
            description=description,
        )
        api.content.transition(obj=section, transition="publish")
    setup_aids_section(portal)
    setup_projects_section(portal)
    # /espaces and the schools' `espaces`: where collaborative spaces are added.
    setup_spaces_sections(portal)
    # /sectorisation: "Quel est mon collège ?" (ent.policy.sectoring.browser).
    setup_sectoring_section(portal)
    # /culture-loisirs: the County's agenda (ent.policy.agenda).
    set_agenda_views(portal)
    set_county_home(portal)
    # /aide-formation: the help centre and the support request form (ent.policy.helpdesk).
    create_help_desk(portal)
    # /dossiers: the cases of aid and support requests (ent.policy.cases).
    ensure_case_folders(portal)
