"""The collaborative space (`Workspace`): a private folder of its members (docs/workspaces.md).

A space is added only in an `espaces` folder (`ISpacesSection`: `/espaces` on the County
portal, `/colleges/{uai}/espaces` in each school), by those who edit that place (County
editors, the school's editors): `ent.policy: Add Workspace` is given there only. Who sees
it and what it holds is its roster alone (`ent.policy.workspaces.membership`).
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from plone import api
from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.interface import Interface


WORKSPACE_TYPE = "Workspace"
ADD_PERMISSION = "ent.policy: Add Workspace"
#: Who adds spaces in an `espaces` folder: the editors of the place (Contributor there).
ADDERS = ("Manager", "Site Administrator", "Contributor")
#: The id of the `espaces` folder of the County portal and of every school.
SPACES_FOLDER = "espaces"


class ISpacesSection(Interface):
    """Marker of an `espaces` folder: the only places where spaces are added."""


class IWorkspace(model.Schema):
    """A collaborative space: title and description (plone.basic), and its roster."""


@implementer(IWorkspace)
class Workspace(Container):
    """A folderish, private space; its roster is in its local roles (membership.py)."""


def containing_space(context):
    """The space `context` is, or is inside; None outside any space."""
    for item in aq_chain(aq_inner(context)):
        if IWorkspace.providedBy(item):
            return item
    return None


def in_space(context) -> bool:
    """Whether `context` is content inside a space (the space itself excluded)."""
    space = containing_space(context)
    return space is not None and aq_base(space) is not aq_base(context)


def setup_spaces_section(section):
    """Make `section` an `espaces` folder: spaces are added there, by its editors."""
    if not ISpacesSection.providedBy(section):
        alsoProvides(section, ISpacesSection)
    section.manage_permission(ADD_PERMISSION, list(ADDERS), acquire=False)
    # Its page lists the reader's own spaces (workspaces.browser.SpacesFolderView).
    section.setLayout("spaces_view")
    section.reindexObject(idxs=["object_provides"])


def setup_spaces_sections(portal=None):
    """The County's `/espaces` and every school's `espaces` (also for existing sites:
    upgrade)."""
    portal = portal or api.portal.get()
    sections = []
    if SPACES_FOLDER in portal.objectIds():
        sections.append(portal[SPACES_FOLDER])
    for brain in api.portal.get_tool("portal_catalog").unrestrictedSearchResults(portal_type="School"):
        school = brain._unrestrictedGetObject()
        if SPACES_FOLDER in school.objectIds():
            sections.append(school[SPACES_FOLDER])
    for section in sections:
        setup_spaces_section(section)
    return sections
