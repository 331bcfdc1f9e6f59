"""1003 → 1004 (issue #10, words with one meaning): the role "Audience" becomes "Insider",
the type "SchoolDirectory" becomes "SchoolFinder".

"Audience" now names only the public an item is meant for (the `ent.audience` behavior);
"directory" only the LDAP directory. Both steps may run again: they change nothing then.
"""

from Acquisition import aq_base
from ent.policy.content.school import MEMBER_ROLE
from plone import api


PROFILE = "profile-ent.policy:default"
OLD_MEMBER_ROLE = "Audience"
OLD_FINDER_TYPE = "SchoolDirectory"
FINDER_TYPE = "SchoolFinder"
OLD_FINDER_VIEW = "schools-directory"
FINDER_VIEW = "schools-finder"


def rename_member_role(context):
    """The members of a place hold "Insider" where they held "Audience", and see the same."""
    portal = api.portal.get()
    setup = api.portal.get_tool("portal_setup")
    # The site's roles gain Insider; both workflows grant it View in the state `internal`.
    setup.runImportStepFromProfile(PROFILE, "rolemap", run_dependencies=False)
    setup.runImportStepFromProfile(PROFILE, "workflow", run_dependencies=False)
    for obj in _site_objects(portal):
        _rename_local_role(obj)
    _rename_global_role(portal)
    if OLD_MEMBER_ROLE in portal.__ac_roles__:
        portal._delRoles([OLD_MEMBER_ROLE])
    # Every object's permissions follow its state again, and the catalog's security index
    # names Insider (local roles are acquired: the County's reach every item of the site).
    api.portal.get_tool("portal_workflow").updateRoleMappings()
    api.portal.get_tool("portal_catalog").reindexIndex("allowedRolesAndUsers", None)


def rename_school_finder(context):
    """/colleges, its type, class, view and menu entry become the schools finder."""
    setup = api.portal.get_tool("portal_setup")
    setup.runImportStepFromProfile(PROFILE, "typeinfo", run_dependencies=False)
    setup.runImportStepFromProfile(PROFILE, "workflow", run_dependencies=False)
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type=OLD_FINDER_TYPE):
        finder = brain._unrestrictedGetObject()
        finder.portal_type = FINDER_TYPE
        # Loaded through the alias ent.policy.content.directory.SchoolDirectory, the object is
        # already a SchoolFinder: marking it changed stores its record under the new name.
        finder._p_changed = True
        if getattr(aq_base(finder), "layout", None) == OLD_FINDER_VIEW:
            finder.setLayout(FINDER_VIEW)
        finder.reindexObject()
    types_tool = api.portal.get_tool("portal_types")
    if OLD_FINDER_TYPE in types_tool.objectIds():
        types_tool.manage_delObjects([OLD_FINDER_TYPE])
    api.portal.get_tool("portal_workflow").setChainForPortalTypes([OLD_FINDER_TYPE], None)
    displayed = api.portal.get_registry_record("plone.displayed_types")
    if OLD_FINDER_TYPE in displayed:
        renamed = [FINDER_TYPE if name == OLD_FINDER_TYPE else name for name in displayed]
        # Keep the order, and the type once.
        api.portal.set_registry_record("plone.displayed_types", tuple(dict.fromkeys(renamed)))


def _site_objects(portal):
    yield portal
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(path="/".join(portal.getPhysicalPath())):
        obj = brain._unrestrictedGetObject()
        # Only objects that hold local roles of their own are looked at closer.
        if getattr(aq_base(obj), "__ac_local_roles__", None):
            yield obj


def _rename_local_role(obj):
    for principal, roles in obj.get_local_roles():
        if OLD_MEMBER_ROLE in roles:
            renamed = [MEMBER_ROLE if role == OLD_MEMBER_ROLE else role for role in roles]
            obj.manage_setLocalRoles(principal, list(dict.fromkeys(renamed)))


def _rename_global_role(portal):
    """The role, given to a user or a group for the whole site (by hand), and its name in PAS."""
    role_manager = portal.acl_users.portal_role_manager
    if OLD_MEMBER_ROLE not in role_manager.listRoleIds():
        return
    if MEMBER_ROLE not in role_manager.listRoleIds():
        role_manager.addRole(MEMBER_ROLE)
    for principal, _title in role_manager.listAssignedPrincipals(OLD_MEMBER_ROLE):
        role_manager.assignRoleToPrincipal(principal, MEMBER_ROLE)
    role_manager.removeRole(OLD_MEMBER_ROLE)
