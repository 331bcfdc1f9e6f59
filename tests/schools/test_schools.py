"""Schools as subsites: the County portal's structure, the School type, its groups and roles."""

from ent.policy.content.school import SECTIONS
from ent.policy.structure import SECTIONS as PORTAL_SECTIONS
from plone import api
from plone.base.interfaces import INavigationRoot
from support.schools_data import add_school
from zope.schema import getFields
from zope.schema.interfaces import ValidationError

import pytest


class TestCountyPortal:
    def test_sections_and_their_stable_ids(self, portal):
        expected = [
            "actualites",
            "colleges",
            "aides",
            "sectorisation",
            "projets",
            "culture-loisirs",
            "aide-formation",
            "espaces",
        ]
        assert [sid for sid, _, _ in PORTAL_SECTIONS] == expected
        for section_id in expected:
            assert section_id in portal.objectIds()

    def test_sections_have_french_titles_and_are_public(self, portal):
        assert portal["actualites"].title == "Actualités"
        assert portal["colleges"].title == "Collèges"
        for section_id, _, _ in PORTAL_SECTIONS:
            assert "Anonymous" in [r["name"] for r in portal[section_id].rolesOfPermission("View") if r["selected"]]
            assert api.content.get_state(portal[section_id]) == "published"

    def test_schools_finder_in_the_navigation(self, portal):
        assert "SchoolFinder" in api.portal.get_registry_record("plone.displayed_types")
        assert "Folder" in api.portal.get_registry_record("plone.displayed_types")

    def test_menus_leave_out_news_and_events(self, portal):
        """Thousands of them in a news section would weigh on every page's menus."""
        displayed = api.portal.get_registry_record("plone.displayed_types")
        assert not {"News Item", "Event", "Announcement"} & set(displayed)

    def test_county_groups_and_roles(self, portal):
        for group_id in ("county-editors", "county-admins", "all-parent", "all-teacher", "all-county"):
            assert api.group.get(groupname=group_id) is not None, group_id
        assert "Site Administrator" in api.group.get_roles(groupname="county-admins")
        assert set(portal.get_local_roles_for_userid("county-editors")) == {"Contributor", "Editor", "Reviewer"}

    def test_workflow(self, portal):
        workflow = api.portal.get_tool("portal_workflow")
        for type_id in ("School", "Folder", "Collection", "Link"):
            assert workflow.getChainForPortalType(type_id) == ("ent_publication_workflow",)
        # Items with an audience (docs/domain.md): published for everyone or for their audience.
        for type_id in ("Document", "News Item", "Event", "Announcement"):
            assert workflow.getChainForPortalType(type_id) == ("ent_audience_workflow",)
        for workflow_id in ("ent_publication_workflow", "ent_audience_workflow"):
            states = set(workflow[workflow_id].states.objectIds())
            assert states == {"private", "pending", "published", "internal"}


class TestSchool:
    def test_id_is_the_uai_in_lower_case(self, portal):
        school = add_school(portal)
        assert school.getId() == "0310001h"
        assert school.absolute_url().endswith("/colleges/0310001h")

    def test_is_a_navigation_root(self, portal):
        assert INavigationRoot.providedBy(add_school(portal))

    def test_sections(self, portal):
        school = add_school(portal)
        assert list(school.objectIds()) == [sid for sid, _, _ in SECTIONS]
        assert school["actualites"].title == "Actualités"
        for section_id, _, layout in SECTIONS:
            assert api.content.get_state(school[section_id]) == "published"
            assert school[section_id].getLayout() == layout

    def test_groups_are_created(self, portal):
        add_school(portal)
        for profile in ("student", "parent", "teacher", "staff", "principal", "attee", "editors"):
            assert api.group.get(groupname=f"0310001h-{profile}") is not None, profile

    def test_existing_group_is_kept(self, portal):
        api.group.create(groupname="0310001h-parent", title="From the directory")
        add_school(portal)
        assert api.group.get(groupname="0310001h-parent").getProperty("title") == "From the directory"

    def test_local_roles(self, portal):
        school = add_school(portal)
        assert set(school.get_local_roles_for_userid("0310001h-editors")) == {"Contributor", "Editor", "Reviewer"}
        assert school.get_local_roles_for_userid("0310001h-parent") == ("Insider",)
        assert school.get_local_roles_for_userid("0310003k-editors") == ()

    def test_county_roles_do_not_reach_inside(self, portal):
        school = add_school(portal)
        assert school.__ac_local_roles_block__ is True

    def test_catalog_data(self, portal):
        add_school(portal, commune="Aspet", insee_code="31020", catering=True, priority_education="REP")
        brain = api.content.find(portal_type="School", school_uai="0310001H")[0]
        assert brain.school_commune == "Aspet"
        assert brain.school_services == {
            "catering": True, "boarding": False, "segpa": False, "ulis": False, "priority_education": "REP",
        }  # fmt: skip

    def test_items_inside_know_their_school(self, portal):
        school = add_school(portal)
        with api.env.adopt_roles(["Manager"]):
            news = api.content.create(container=school["actualites"], type="News Item", title="Rentrée")
        assert api.content.find(UID=news.UID())[0].school_uai == "0310001H"
        assert api.content.find(portal_type="School", school_uai="0310001H")[0].getId == "0310001h"


class TestUAIField:
    def field(self, context):
        return getFields(__import__("ent.policy.content.school", fromlist=["ISchool"]).ISchool)["uai"].bind(context)

    def test_wrong_check_letter(self, portal):
        with pytest.raises(ValidationError) as error:
            self.field(portal["colleges"]).validate("0310001A")
        assert "the check letter of 0310001 is H, not A" in error.value.doc()

    def test_lower_case_is_normalized(self, portal):
        assert self.field(portal["colleges"]).fromUnicode(" 0310001h ") == "0310001H"

    def test_duplicate(self, portal):
        add_school(portal)
        with pytest.raises(ValidationError) as error:
            self.field(portal["colleges"]).validate("0310001H")
        assert "UAI 0310001H is already used" in error.value.doc()

    def test_own_uai_is_not_a_duplicate(self, portal):
        school = add_school(portal)
        self.field(school).validate("0310001H")

    def test_uai_cannot_change(self, portal):
        school = add_school(portal)
        with pytest.raises(ValidationError) as error:
            self.field(school).validate("0310003K")
        assert "cannot change" in error.value.doc()
