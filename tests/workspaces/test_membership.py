"""The membership API (ent.policy.workspaces.membership): roles, directory groups as one
entry, and every bad input refused with its French sentence, the roster unchanged."""

from conftest import COUNTY_EDITOR
from conftest import make_space
from ent.policy.workspaces import membership
from ent.policy.workspaces.membership import MembershipRefused
from plone import api
from zExceptions import Unauthorized

import pytest


ATTEE = "0310001h.attee"
TEACHER = "0310001h.teacher"
PRINCIPAL = "0310001h.principal"


def test_the_creator_manages_and_a_group_is_one_entry(space):
    assert membership.members(space) == [membership.Member(COUNTY_EDITOR, "user", "manager", COUNTY_EDITOR)]
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
        membership.add_member(space, "county-editors", "editor")
        membership.add_member(space, TEACHER, "member")
    listed = membership.members(space)
    assert [(m.id, m.kind, m.role) for m in listed] == [
        (COUNTY_EDITOR, "user", "manager"),
        (TEACHER, "user", "member"),
        # By title, accents aside: "Éditeurs du Département" before "Tous — Agents (ATTEE)".
        ("county-editors", "group", "editor"),
        ("all-attee", "group", "member"),
    ]
    # The group is one entry of the roster, its people are not copied.
    assert ATTEE not in membership.roster(space)
    for login, role in ((ATTEE, "member"), (TEACHER, "member"), (COUNTY_EDITOR, "manager"), (PRINCIPAL, None)):
        user = api.user.get(username=login)
        assert membership.role_of(space, user) == role, login
        assert membership.is_member(space, user) is (role is not None)
        assert [b.getId for b in membership.my_spaces(user)] == ([space.getId()] if role else []), login
    # Joining the group in the directory is joining the space; leaving it, leaving.
    with api.env.adopt_roles(["Manager"]):
        api.group.add_user(groupname="all-attee", username=PRINCIPAL)
    assert membership.role_of(space, api.user.get(username=PRINCIPAL)) == "member"
    with api.env.adopt_roles(["Manager"]):
        api.group.remove_user(groupname="all-attee", username=ATTEE)
    assert membership.role_of(space, api.user.get(username=ATTEE)) is None


def test_roles_give_rights(space):
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
        membership.add_member(space, TEACHER, "editor")
        page = api.content.create(container=space, type="Document", title="Recette du gratin")
    for login, may_edit, may_manage in ((ATTEE, False, False), (TEACHER, True, False), (COUNTY_EDITOR, True, True)):
        user = api.user.get(username=login)
        assert api.user.has_permission("View", user=user, obj=page), login
        assert api.user.has_permission("Add portal content", user=user, obj=space), login
        assert api.user.has_permission("Reply to item", user=user, obj=page), login
        assert api.user.has_permission("Modify portal content", user=user, obj=page) is may_edit, login
        assert membership.may_manage(space, user) is may_manage, login
        assert api.user.has_permission("Review comments", user=user, obj=page) is may_manage, login
    with api.env.adopt_user(username=ATTEE):
        own = api.content.create(container=space, type="Document", title="Ma recette")
        assert api.user.has_permission("Modify portal content", obj=own)


def test_bad_input_is_refused_and_changes_nothing(space):
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, TEACHER, "member")
    before = membership.members(space)
    cases = [
        (COUNTY_EDITOR, membership.add_member, ("personne.inconnue", "member"), "inconnu"),
        (COUNTY_EDITOR, membership.add_member, ("all-attee", "chef"), "Rôle inconnu"),
        (COUNTY_EDITOR, membership.add_member, ("AuthenticatedUsers", "member"), "inconnu"),
        (COUNTY_EDITOR, membership.add_member, (TEACHER, "editor"), "déjà membre"),
        (COUNTY_EDITOR, membership.set_role, (COUNTY_EDITOR, "member"), "au moins un gestionnaire"),
        (COUNTY_EDITOR, membership.remove_member, (COUNTY_EDITOR,), "au moins un gestionnaire"),
        (COUNTY_EDITOR, membership.set_role, (PRINCIPAL, "editor"), "n'est pas membre"),
        (COUNTY_EDITOR, membership.set_role, (TEACHER, "admin"), "Rôle inconnu"),
        (TEACHER, membership.add_member, ("all-attee", "member"), "ne pouvez pas gérer"),
        (TEACHER, membership.set_role, (TEACHER, "manager"), "ne pouvez pas gérer"),
        (TEACHER, membership.remove_member, (COUNTY_EDITOR,), "ne pouvez pas gérer"),
        (PRINCIPAL, membership.add_member, (PRINCIPAL, "manager"), "ne pouvez pas gérer"),
    ]
    for login, call, args, message in cases:
        with api.env.adopt_user(username=login), pytest.raises(MembershipRefused) as refused:
            call(space, *args)
        assert message in str(refused.value), (login, call.__name__, args, str(refused.value))
        assert membership.members(space) == before, (login, call.__name__, args)
    # With a second manager the first may step down; the last may not.
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.set_role(space, TEACHER, "manager")
        membership.remove_member(space, COUNTY_EDITOR)
    with api.env.adopt_user(username=TEACHER), pytest.raises(MembershipRefused):
        membership.set_role(space, TEACHER, "editor")
    assert [(m.id, m.role) for m in membership.members(space)] == [(TEACHER, "manager")]


def test_where_spaces_are_added_and_by_whom(space_site):
    county = space_site["espaces"]
    school = space_site["colleges"]["0310001h"]
    other_school = space_site["colleges"]["0310003k"]
    adds = "ent.policy: Add Workspace"
    editor = api.user.get(username=COUNTY_EDITOR)
    principal = api.user.get(username=PRINCIPAL)
    assert api.user.has_permission(adds, user=editor, obj=county)
    assert not api.user.has_permission(adds, user=editor, obj=school["espaces"])
    assert api.user.has_permission(adds, user=principal, obj=school["espaces"])
    assert not api.user.has_permission(adds, user=principal, obj=other_school["espaces"])
    assert not api.user.has_permission(adds, user=principal, obj=county)
    # Nowhere else: not in another section, nor inside a space.
    assert not api.user.has_permission(adds, user=editor, obj=space_site["actualites"])
    assert not api.user.has_permission(adds, user=principal, obj=school["documents"])
    space = make_space(school["espaces"], login=PRINCIPAL, title="Salle des professeurs")
    assert not api.user.has_permission(adds, user=principal, obj=space)
    with api.env.adopt_user(username=TEACHER), pytest.raises(Unauthorized):
        api.content.create(container=school["espaces"], type="Workspace", title="Pas le droit")
    with api.env.adopt_user(username=COUNTY_EDITOR), pytest.raises((Unauthorized, ValueError)):
        api.content.create(container=space_site["actualites"], type="Workspace", title="Pas ici")


def test_demo_spaces(space_site):
    from ent.policy.workspaces.demo import create_spaces_demo

    with api.env.adopt_roles(["Manager"]):
        spaces = create_spaces_demo(space_site)
        assert create_spaces_demo(space_site) == spaces  # made once
    rosters = {space.Title(): {(m.id, m.role) for m in membership.members(space)} for space in spaces}
    assert rosters == {
        "Échange de recettes": {("all-attee", "member"), ("county-editors", "editor"), (COUNTY_EDITOR, "manager")},
        "Direction des collèges": {("all-principal", "member"), ("all-county", "editor"), (COUNTY_EDITOR, "manager")},
        "Salle des professeurs": {("0310001h-teacher", "member"), (PRINCIPAL, "manager")},
    }
    assert "/colleges/0310001h/espaces/" in "/".join(spaces[2].getPhysicalPath()) + "/"
    assert [b.Title for b in membership.my_spaces(api.user.get(username=ATTEE))] == ["Échange de recettes"]
