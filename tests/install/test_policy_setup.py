"""ent.policy as a Plone add-on: installed, French, REST API on, upgradable, uninstallable."""

from plone import api

import json
import pytest


PACKAGE = "ent.policy"


class TestInstall:
    def test_installed(self, installer):
        assert installer.is_product_installed(PACKAGE) is True

    def test_browser_layer(self, browser_layers):
        from ent.policy.interfaces import IEntPolicyLayer

        assert IEntPolicyLayer in browser_layers

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1010",)

    @pytest.mark.parametrize("dependency", ["plone.restapi", "collective.easyform", "plone.app.contenttypes"])
    def test_dependencies_installed(self, installer, dependency):
        assert installer.is_product_installed(dependency) is True

    def test_french_only(self, portal):
        assert api.portal.get_registry_record("plone.default_language") == "fr"
        assert api.portal.get_registry_record("plone.available_languages") == ["fr"]

    def test_upgrade_steps_registered(self, setup_tool):
        """The upgrade wiring exists, so the first real upgrade only adds a step."""
        steps = setup_tool.listUpgrades("ent.policy:default", show_old=True)
        assert steps, "ent.policy:default has no upgrade step registered"

    def test_profile_up_to_date(self, setup_tool):
        """A freshly installed site needs no upgrade of ent.policy."""
        assert setup_tool.listUpgrades("ent.policy:default") == []

    def test_upgrade_from_1000(self, portal, setup_tool):
        """A site of the first release (1000) upgrades to the schools (1001), audiences (1002), log-in hardening (1003), the renamed role and finder (1004) and the County home (1005)."""
        setup_tool.setLastVersionForProfile("ent.policy:default", "1000")
        assert setup_tool.listUpgrades("ent.policy:default"), "no upgrade step from 1000"
        setup_tool.upgradeProfile("ent.policy:default", "1005")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1005",)
        assert "colleges" in portal.objectIds()

    def test_upgrade_from_1002(self, portal, setup_tool):
        """1002 → 1003: a site without the log-in throttle and ending tokens gets both."""
        from ent.policy.logins.setup import uninstall_logins
        from ent.policy.logins.throttle import PLUGIN_ID
        from ent.policy.logins.tokens import EntTokenPlugin

        uninstall_logins(portal)
        assert PLUGIN_ID not in portal.acl_users.objectIds()
        setup_tool.setLastVersionForProfile("ent.policy:default", "1002")
        setup_tool.upgradeProfile("ent.policy:default", "1005")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1005",)
        assert PLUGIN_ID in portal.acl_users.objectIds()
        assert isinstance(portal.acl_users.jwt_auth, EntTokenPlugin)

    def test_upgrade_from_1002_keywords(self, portal, setup_tool):
        """1002 → 1003: the site's own keywords vocabulary (what the reader may see)."""
        from ent.policy.vocabularies.keywords import reader_keywords
        from zope.schema.interfaces import IVocabularyFactory

        registry = portal.getSiteManager()
        registry.unregisterUtility(provided=IVocabularyFactory, name="plone.app.vocabularies.Keywords")
        assert registry.queryUtility(IVocabularyFactory, "plone.app.vocabularies.Keywords") is not reader_keywords
        setup_tool.setLastVersionForProfile("ent.policy:default", "1002")
        setup_tool.upgradeProfile("ent.policy:default")
        assert registry.queryUtility(IVocabularyFactory, "plone.app.vocabularies.Keywords") is reader_keywords

    def test_uninstall_profile_hidden(self, portal):
        from ent.policy.setuphandlers import HiddenProfiles

        assert "ent.policy:uninstall" in HiddenProfiles().getNonInstallableProfiles()


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer):
        installer.uninstall_product(PACKAGE)

    def test_uninstalled(self, installer):
        assert installer.is_product_installed(PACKAGE) is False

    def test_browser_layer_removed(self, browser_layers):
        from ent.policy.interfaces import IEntPolicyLayer

        assert IEntPolicyLayer not in browser_layers


class TestUpgradeTo1004:
    """1003 → 1004: the role Audience becomes Insider, SchoolDirectory becomes SchoolFinder."""

    @pytest.fixture
    def site_of_1003(self, portal, setup_tool):
        """A site as 1003 left it: the members' role named Audience, /colleges a SchoolDirectory."""
        from ent.policy.content.finder import SchoolFinder

        with api.env.adopt_roles(["Manager"]):
            colleges = portal["colleges"]
            school = api.content.create(
                container=colleges, type="School", title="Collège Armand Latour", uai="0310001H"
            )
            internal = api.content.create(container=school["documents"], type="Folder", title="Pour les membres")
            api.content.transition(obj=internal, transition="publish_internal")
            api.user.create(email="parent@example.org", username="parent.aspet", password="secret-password-1")
            api.user.create(email="other@example.org", username="parent.other", password="secret-password-1")
            api.group.add_user(groupname="0310001h-parent", username="parent.aspet")
        portal._addRole("Audience")
        for obj in (portal, school):
            for principal, roles in obj.get_local_roles():
                if "Insider" in roles:
                    obj.manage_setLocalRoles(principal, ["Audience" if r == "Insider" else r for r in roles])
        workflow = api.portal.get_tool("portal_workflow")["ent_publication_workflow"]
        for permission, roles in workflow.states["internal"].permission_roles.items():
            workflow.states["internal"].setPermission(
                permission, False, ["Audience" if r == "Insider" else r for r in roles]
            )
        portal._delRoles(["Insider"])
        # The type under its old name, with the old dotted names it was installed with.
        types_tool = api.portal.get_tool("portal_types")
        with api.env.adopt_roles(["Manager"]):
            types_tool.manage_renameObject("SchoolFinder", "SchoolDirectory")
        fti = types_tool["SchoolDirectory"]
        fti.klass = "ent.policy.content.directory.SchoolDirectory"
        fti.schema = "ent.policy.content.directory.ISchoolDirectory"
        fti.default_view = "schools-directory"
        fti.view_methods = ("schools-directory",)
        workflow_tool = api.portal.get_tool("portal_workflow")
        workflow_tool.setChainForPortalTypes(["SchoolDirectory"], ["ent_publication_workflow"])
        workflow_tool.setChainForPortalTypes(["SchoolFinder"], None)
        colleges.portal_type = "SchoolDirectory"
        colleges.setLayout("schools-directory")
        displayed = api.portal.get_registry_record("plone.displayed_types")
        api.portal.set_registry_record(
            "plone.displayed_types", tuple("SchoolDirectory" if t == "SchoolFinder" else t for t in displayed)
        )
        workflow_tool.updateRoleMappings()
        api.portal.get_tool("portal_catalog").reindexIndex("allowedRolesAndUsers", None)
        colleges.reindexObject()
        setup_tool.setLastVersionForProfile("ent.policy:default", "1003")
        assert isinstance(colleges, SchoolFinder)  # loaded through the alias, as an old database is
        return {"school": school, "internal": internal}

    def can_find(self, username, obj):
        with api.env.adopt_user(username=username):
            return bool(api.content.find(UID=obj.UID())) and api.user.has_permission("View", obj=obj)

    def upgrade(self, setup_tool):
        setup_tool.upgradeProfile("ent.policy:default", "1005")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1005",)

    def state(self, portal, school):
        workflow = api.portal.get_tool("portal_workflow")["ent_publication_workflow"]
        return {
            "roles": portal.__ac_roles__,
            "local": (portal.get_local_roles(), school.get_local_roles()),
            "internal": dict(workflow.states["internal"].permission_roles),
            "types": tuple(api.portal.get_tool("portal_types").objectIds()),
            "displayed": api.portal.get_registry_record("plone.displayed_types"),
            "colleges": (portal["colleges"].portal_type, portal["colleges"].getLayout()),
        }

    def test_the_members_still_see_what_is_internal(self, portal, setup_tool, site_of_1003):
        internal = site_of_1003["internal"]
        assert self.can_find("parent.aspet", internal)  # as before, through Audience
        self.upgrade(setup_tool)
        assert "Insider" in portal.__ac_roles__ and "Audience" not in portal.__ac_roles__
        assert (
            "Insider"
            in api.portal.get_tool("portal_workflow")["ent_publication_workflow"]
            .states["internal"]
            .permission_roles["View"]
        )
        assert site_of_1003["school"].get_local_roles_for_userid("0310001h-parent") == ("Insider",)
        assert portal.get_local_roles_for_userid("AuthenticatedUsers") == ("Insider",)
        assert self.can_find("parent.aspet", internal)
        assert not self.can_find("parent.other", internal)
        catalog = api.portal.get_tool("portal_catalog")
        rid = api.content.find(UID=internal.UID(), unrestricted=True)[0].getRID()
        allowed = catalog._catalog.getIndex("allowedRolesAndUsers").getEntryForObject(rid)
        assert "Insider" in allowed and "Audience" not in allowed

    def test_colleges_becomes_a_schools_finder(self, portal, setup_tool, site_of_1003, request):
        from ent.policy.content.finder import ISchoolFinder
        from ent.policy.interfaces import IEntPolicyLayer
        from zope.interface import alsoProvides

        self.upgrade(setup_tool)
        colleges = portal["colleges"]
        assert colleges.portal_type == "SchoolFinder" and ISchoolFinder.providedBy(colleges)
        assert colleges.getLayout() == "schools-finder"
        types_tool = api.portal.get_tool("portal_types")
        assert "SchoolDirectory" not in types_tool.objectIds()
        assert types_tool["SchoolFinder"].klass == "ent.policy.content.finder.SchoolFinder"
        workflow_tool = api.portal.get_tool("portal_workflow")
        assert "SchoolDirectory" not in workflow_tool._chains_by_type
        assert workflow_tool.getChainForPortalType("SchoolFinder") == ("ent_publication_workflow",)
        assert "SchoolFinder" in api.portal.get_registry_record("plone.displayed_types")
        assert "SchoolDirectory" not in api.portal.get_registry_record("plone.displayed_types")
        assert [b.getPath() for b in api.content.find(portal_type="SchoolFinder")] == ["/plone/colleges"]
        alsoProvides(colleges.REQUEST, IEntPolicyLayer)
        page = api.content.get_view("schools-finder", colleges, colleges.REQUEST)()
        assert 'data-uai="0310001H"' in page

    def test_twice_changes_nothing(self, portal, setup_tool, site_of_1003):
        from ent.policy.upgrades import v1004

        self.upgrade(setup_tool)
        before = self.state(portal, site_of_1003["school"])
        v1004.rename_member_role(setup_tool)
        v1004.rename_school_finder(setup_tool)
        assert self.state(portal, site_of_1003["school"]) == before
        assert self.can_find("parent.aspet", site_of_1003["internal"])

    def test_old_databases_load(self):
        """The ZODB names /colleges's class by its dotted name of before 1004: it must still load."""
        from ent.policy.content.directory import SchoolDirectory
        from ent.policy.content.finder import SchoolFinder

        assert SchoolDirectory is SchoolFinder


class TestUpgradeTo1005:
    """1004 → 1005: dates in Europe/Paris, the County home as the site root's view and its settings."""

    @pytest.fixture
    def site_of_1004(self, portal, setup_tool):
        """A site as 1004 left it: Plone's UTC and Sunday, the site root on Plone's listing, no home settings."""
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility

        registry = getUtility(IRegistry)
        registry["plone.portal_timezone"] = "UTC"
        registry["plone.available_timezones"] = ["UTC"]
        registry["plone.first_weekday"] = 6
        for name in [name for name in registry.records.keys() if name.startswith("ent.home.")]:
            del registry.records[name]
        registry["plone.other_settings"] = '{"menubar": false}'
        portal.setLayout("listing_view")
        with api.env.adopt_roles(["Manager"]):
            api.portal.get_tool("portal_controlpanel").unregisterConfiglet("ent-home")
        setup_tool.setLastVersionForProfile("ent.policy:default", "1004")
        return portal

    def test_the_site_gets_its_home_and_french_dates(self, site_of_1004, setup_tool):
        setup_tool.upgradeProfile("ent.policy:default", "1005")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1005",)
        assert site_of_1004.getLayout() == "ent-home"
        assert api.portal.get_registry_record("plone.portal_timezone") == "Europe/Paris"
        assert api.portal.get_registry_record("plone.first_weekday") == 0
        assert api.portal.get_registry_record("ent.home.news_count") > 0
        assert json.loads(api.portal.get_registry_record("plone.other_settings")) == {
            "menubar": False,
            "iframe_attrs": {"title": "Zone de texte enrichi"},
        }
        actions = [a.getId() for a in api.portal.get_tool("portal_controlpanel").listActions()]
        assert "ent-home" in actions

    def test_what_an_administrator_chose_is_kept(self, site_of_1004, setup_tool):
        api.portal.set_registry_record("plone.portal_timezone", "America/Cayenne")
        site_of_1004.setLayout("summary_view")
        setup_tool.upgradeProfile("ent.policy:default")
        assert api.portal.get_registry_record("plone.portal_timezone") == "America/Cayenne"
        assert site_of_1004.getLayout() == "summary_view"


class TestUpgradeTo1006:
    """1005 → 1006: aids, cases in /dossiers with their handlers, the help centre."""

    @pytest.fixture
    def site_of_1005(self, portal, setup_tool):
        """A site as 1005 left it: no Aid, Case or CaseFolder type, no case workflow, index or
        setting, no /dossiers, /aides and /aide-formation plain folders."""
        from ent.policy.content.aid import IAidsSection
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility
        from zope.interface import noLongerProvides

        with api.env.adopt_roles(["Manager"]):
            for obj_id in ("dossiers",):
                portal.manage_delObjects([obj_id])
            portal["aide-formation"].manage_delObjects(["demande-assistance"])
        portal["aide-formation"].setLayout("listing_view")
        portal["aides"].setLayout("listing_view")
        noLongerProvides(portal["aides"], IAidsSection)
        api.portal.get_tool("portal_types").manage_delObjects(["Aid", "Case", "CaseFolder"])
        workflows = api.portal.get_tool("portal_workflow")
        workflows.manage_delObjects(["ent_case_workflow"])
        catalog = api.portal.get_tool("portal_catalog")
        for index in ("case_kind", "case_source", "case_school", "case_applicant"):
            catalog.delIndex(index)
        registry = getUtility(IRegistry)
        for name in [name for name in registry.records.keys() if name.startswith("ent.cases.")]:
            del registry.records[name]
        setup_tool.setLastVersionForProfile("ent.policy:default", "1005")
        return portal

    def test_the_site_gets_its_services(self, site_of_1005, setup_tool):
        from ent.policy.cases.model import create_case
        from ent.policy.content.aid import IAidsSection

        with api.env.adopt_roles(["Manager"]):  # as the administrator who runs upgrades
            setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == (
            setup_tool.getVersionForProfile("ent.policy:default"),
        )
        portal = site_of_1005
        types = api.portal.get_tool("portal_types")
        assert {"Aid", "Case", "CaseFolder"} <= set(types.objectIds())
        assert api.portal.get_tool("portal_workflow").getChainForPortalType("Case") == ("ent_case_workflow",)
        assert api.portal.get_registry_record("ent.cases.retention_days") > 0
        assert portal["aides"].getLayout() == "aids"
        assert IAidsSection.providedBy(portal["aides"])
        assert portal["aide-formation"].getLayout() == "help-centre"
        assert "demande-assistance" in portal["aide-formation"].objectIds()
        assert set(portal["dossiers"].objectIds()) >= {"aides", "assistance"}
        assert api.group.get(groupname="county-cases") is not None
        # and it works: a support request becomes a case, found by its index
        with api.env.adopt_roles(["Manager"]):
            form = portal["aide-formation"]["demande-assistance"]
            case = create_case("support", form, "someone", [("subject", "Objet", "Mot de passe")])
        catalog = api.portal.get_tool("portal_catalog")
        assert [b.getId for b in catalog.unrestrictedSearchResults(portal_type="Case", case_kind="support")] == [
            case.getId()
        ]

    def test_running_it_again_changes_nothing(self, site_of_1005, setup_tool):
        from ent.policy.upgrades.v1006 import online_services

        portal = site_of_1005
        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
            before = sorted(portal["dossiers"].objectIds()), portal["dossiers"]["aides"].get_local_roles()
            online_services(None)
        assert (sorted(portal["dossiers"].objectIds()), portal["dossiers"]["aides"].get_local_roles()) == before


class TestUpgradeTo1007:
    """1006 → 1007: the sectoring page, event categories and agendas, County projects."""

    @pytest.fixture
    def site_of_1006(self, portal, setup_tool):
        """A site as 1006 left it: no Project type, permission, category index or column, no
        county-projects group nor /dossiers/projets; the sections' views Plone's."""
        from ent.policy.content.project import IProjectsSection
        from ent.policy.sectoring.browser import ISectoringSection
        from zope.interface import noLongerProvides

        with api.env.adopt_roles(["Manager"]):
            portal["dossiers"].manage_delObjects(["projets"])
        api.group.delete(groupname="county-projects")
        for section_id, marker in (("projets", IProjectsSection), ("sectorisation", ISectoringSection)):
            noLongerProvides(portal[section_id], marker)
            portal[section_id].setLayout("listing_view")
        portal["culture-loisirs"].setLayout("listing_view")
        api.portal.get_tool("portal_types").manage_delObjects(["Project"])
        catalog = api.portal.get_tool("portal_catalog")
        catalog.delIndex("event_category")
        catalog.delColumn("event_category")
        setup_tool.setLastVersionForProfile("ent.policy:default", "1006")
        return portal

    def test_the_site_gets_sectoring_agendas_and_projects(self, site_of_1006, setup_tool):
        from ent.policy.content.project import IProjectsSection
        from ent.policy.sectoring.browser import ISectoringSection

        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == (
            setup_tool.getVersionForProfile("ent.policy:default"),
        )
        portal = site_of_1006
        assert "Project" in api.portal.get_tool("portal_types").objectIds()
        assert api.portal.get_tool("portal_workflow").getChainForPortalType("Project") == ("ent_publication_workflow",)
        assert IProjectsSection.providedBy(portal["projets"])
        assert portal["projets"].getLayout() == "projects"
        assert ISectoringSection.providedBy(portal["sectorisation"])
        assert portal["sectorisation"].getLayout() == "sectoring-lookup"
        assert portal["culture-loisirs"].getLayout() == "agenda"
        assert "projets" in portal["dossiers"].objectIds()
        assert api.group.get(groupname="county-projects") is not None
        # and it works: an event with a category is found by it
        with api.env.adopt_roles(["Manager"]):
            event = api.content.create(container=portal["culture-loisirs"], type="Event", id="concert", title="Concert")
        event.event_category = ["culture"]
        event.reindexObject()
        catalog = api.portal.get_tool("portal_catalog")
        assert [b.getId for b in catalog.unrestrictedSearchResults(event_category="culture")] == ["concert"]

    def test_running_it_again_changes_nothing(self, site_of_1006, setup_tool):
        from ent.policy.upgrades.v1007 import sectoring_agendas_projects

        portal = site_of_1006
        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
            before = sorted(portal["dossiers"].objectIds()), portal["dossiers"]["projets"].get_local_roles()
            sectoring_agendas_projects(None)
        assert (sorted(portal["dossiers"].objectIds()), portal["dossiers"]["projets"].get_local_roles()) == before
        assert portal["projets"].getLayout() == "projects"


class TestUpgradeTo1008:
    """1007 → 1008: collaborative spaces, comments."""

    SETTINGS = "plone.app.discussion.interfaces.IDiscussionSettings."

    @pytest.fixture
    def site_of_1007(self, portal, setup_tool):
        """A site as 1007 left it: no Workspace type, workflows, roles' permission or index;
        the espaces folders plain; comments not moderated."""
        from ent.policy.workspaces.content import ISpacesSection
        from zope.interface import noLongerProvides

        for section in (portal["espaces"], portal["colleges"]):
            if section.getId() == "espaces":
                noLongerProvides(section, ISpacesSection)
                section.setLayout("listing_view")
        api.portal.get_tool("portal_types").manage_delObjects(["Workspace"])
        api.portal.get_tool("portal_workflow").manage_delObjects(
            ["ent_workspace_workflow", "ent_workspace_content_workflow", "ent_workspace_comment_workflow"]
        )
        api.portal.get_tool("portal_catalog").delIndex("workspace_members")
        api.portal.set_registry_record(self.SETTINGS + "moderation_enabled", False)
        setup_tool.setLastVersionForProfile("ent.policy:default", "1007")
        return portal

    def test_the_site_gets_its_spaces(self, site_of_1007, setup_tool):
        from ent.policy.workspaces.content import ISpacesSection
        from ent.policy.workspaces.membership import add_member
        from ent.policy.workspaces.membership import members
        from plone.app.testing import TEST_USER_ID

        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1010",)
        portal = site_of_1007
        assert "Workspace" in api.portal.get_tool("portal_types").objectIds()
        assert api.portal.get_tool("portal_workflow").getChainForPortalType("Workspace") == ("ent_workspace_workflow",)
        assert "workspace_members" in api.portal.get_tool("portal_catalog").indexes()
        assert ISpacesSection.providedBy(portal["espaces"])
        assert portal["espaces"].getLayout() == "spaces_view"
        assert api.portal.get_registry_record(self.SETTINGS + "moderation_enabled") is True
        # and it works: a space is made with its blog, and takes a member
        with api.env.adopt_roles(["Manager"]):
            space = api.content.create(container=portal["espaces"], type="Workspace", id="cuisine", title="Cuisine")
            add_member(space, "county-editors", "member")
        assert "blog" in space.objectIds()
        assert [(member.id, member.role) for member in members(space)] == [
            (TEST_USER_ID, "manager"),
            ("county-editors", "member"),
        ]

    def test_running_it_again_changes_nothing(self, site_of_1007, setup_tool):
        from ent.policy.upgrades.v1008 import collaborative_spaces

        portal = site_of_1007
        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
            before = portal["espaces"].getLayout(), sorted(portal["espaces"].objectIds())
            collaborative_spaces(None)
        assert (portal["espaces"].getLayout(), sorted(portal["espaces"].objectIds())) == before


class TestUpgradeTo1009:
    """1008 → 1009: HTTP caching, the GDPR retention delay, the error log."""

    RETENTION = "ent.gdpr.retention_days"
    CACHING = "plone.caching.interfaces.ICacheSettings."

    @pytest.fixture
    def site_of_1008(self, portal, setup_tool):
        """A site as 1008 left it: caching off with Plone's mapping, no GDPR record, the error
        log ignoring Plone's three exceptions only."""
        registry = api.portal.get_tool("portal_registry")
        del registry.records[self.RETENTION]
        registry[self.CACHING + "enabled"] = False
        registry[self.CACHING + "operationMapping"] = {}
        portal.error_log.setProperties(20, False, ("Unauthorized", "NotFound", "Redirect"))
        setup_tool.setLastVersionForProfile("ent.policy:default", "1008")
        return portal

    def test_the_site_gets_caching_its_retention_delay_and_a_clean_error_log(self, site_of_1008, setup_tool):
        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1010",)
        assert api.portal.get_registry_record(self.RETENTION) == 92
        assert api.portal.get_registry_record(self.CACHING + "enabled") is True
        mapping = api.portal.get_registry_record(self.CACHING + "operationMapping")
        assert mapping["plone.content.itemView"] == "ent.caching.publicPage"
        ignored = site_of_1008.error_log.getProperties()["ignored_exceptions"]
        assert {"BadRequest", "Forbidden", "NotFound", "Unauthorized"} <= set(ignored)

    def test_running_it_again_keeps_what_an_administrator_chose(self, site_of_1008, setup_tool):
        from ent.policy.upgrades.v1009 import scale_and_data_protection

        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
            api.portal.set_registry_record(self.RETENTION, 200)
            before = site_of_1008.error_log.getProperties()
            scale_and_data_protection(None)
        assert api.portal.get_registry_record(self.RETENTION) == 200
        assert site_of_1008.error_log.getProperties() == before


class TestUpgradeTo1010:
    """1009 → 1010: no events portlet beside every page."""

    @staticmethod
    def root_portlets(portal, column):
        from plone.portlets.interfaces import IPortletAssignmentMapping
        from plone.portlets.interfaces import IPortletManager
        from zope.component import getMultiAdapter
        from zope.component import getUtility

        return getMultiAdapter((portal, getUtility(IPortletManager, name=column)), IPortletAssignmentMapping)

    @pytest.fixture
    def site_of_1009(self, portal, setup_tool):
        """A site as 1009 left it: plone.app.event's events portlet on the root."""
        from plone.app.event.portlets import portlet_events

        self.root_portlets(portal, "plone.rightcolumn")["events"] = portlet_events.Assignment()
        setup_tool.setLastVersionForProfile("ent.policy:default", "1009")
        return portal

    def test_a_new_site_has_no_events_portlet_and_keeps_its_navigation(self, portal):
        assert "events" not in self.root_portlets(portal, "plone.rightcolumn")
        assert "navigation" in self.root_portlets(portal, "plone.leftcolumn")

    def test_the_site_loses_the_events_portlet(self, site_of_1009, setup_tool):
        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
        assert setup_tool.getLastVersionForProfile("ent.policy:default") == ("1010",)
        assert "events" not in self.root_portlets(site_of_1009, "plone.rightcolumn")

    def test_running_it_again_keeps_a_portlet_an_editor_added(self, site_of_1009, setup_tool):
        from ent.policy.upgrades.v1010 import remove_root_events_portlet
        from plone.app.portlets.portlets import navigation

        with api.env.adopt_roles(["Manager"]):
            setup_tool.upgradeProfile("ent.policy:default")
            self.root_portlets(site_of_1009, "plone.rightcolumn")["agenda"] = navigation.Assignment()
            remove_root_events_portlet(None)
        assert list(self.root_portlets(site_of_1009, "plone.rightcolumn")) == ["agenda"]
