"""Privacy of a space: only its roster sees it or anything in it, whatever the content's
own workflow, audience or place says; a removed member loses it at once (catalog included).
The enumerating test of every URL is tests/security/test_concealment.py's "space" secret."""

from conftest import COUNTY_EDITOR
from ent.policy.workspaces import membership
from plone import api


ATTEE = "0310001h.attee"
SCHOOL_EDITOR = "0310001h.principal"  # an editor of their school: no right in a County space
PARENT = "0310001h.parent"
TYPES = ("Folder", "Document", "News Item", "Event", "Link", "File", "Image")


def found(login, **query):
    with api.env.adopt_user(username=login):
        return {brain.getPath() for brain in api.content.find(**query)}


def test_only_members_see_a_space_and_what_it_holds(space):
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
        folder = api.content.create(container=space, type="Folder", title="Classeur")
        items = [api.content.create(container=folder, type=t, title=f"Objet {t}") for t in TYPES]
        # "For everyone" by its audience: still the space's only.
        news = api.content.create(container=space, type="News Item", title="Nouvelle", audience=["public"])
    items += [folder, news, space]
    paths = {"/".join(item.getPhysicalPath()) for item in items}
    workflows = api.portal.get_tool("portal_workflow")
    for item in items[:-1]:
        assert workflows.getChainFor(item) == ("ent_workspace_content_workflow",), item
    for login in (ATTEE, COUNTY_EDITOR):
        assert paths <= found(login, path="/".join(space.getPhysicalPath())), login
    for login in (SCHOOL_EDITOR, PARENT, None):
        user = api.user.get(username=login) if login else None
        for item in items:
            if user is None:
                with api.env.adopt_roles(["Anonymous"]):
                    assert not api.user.has_permission("View", obj=item), item
            else:
                assert not api.user.has_permission("View", user=user, obj=item), (login, item)
        if login:
            assert not paths & found(login, SearchableText="Objet OR Nouvelle OR Classeur OR recettes"), login
            assert not paths & found(login, portal_type=list(TYPES) + ["Workspace"]), login
    # The site's administrators see it; a Manager's my_spaces does not list it.
    with api.env.adopt_roles(["Site Administrator"]):
        assert api.user.has_permission("View", obj=news)


def test_a_removed_member_loses_it_at_once(space):
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, ATTEE, "editor")
        page = api.content.create(container=space, type="Document", title="Recette du cassoulet")
    page_path = "/".join(page.getPhysicalPath())
    assert page_path in found(ATTEE, SearchableText="cassoulet")
    assert [b.getId for b in membership.my_spaces(api.user.get(username=ATTEE))] == [space.getId()]
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.remove_member(space, ATTEE)
    assert page_path not in found(ATTEE, SearchableText="cassoulet")
    assert not found(ATTEE, portal_type="Workspace")
    assert membership.my_spaces(api.user.get(username=ATTEE)) == []
    assert not api.user.has_permission("View", user=api.user.get(username=ATTEE), obj=page)


def test_a_page_moved_into_a_space_loses_its_former_rights(space):
    with api.env.adopt_roles(["Manager"]):
        page = api.content.create(
            container=space.aq_parent.aq_parent["actualites"], type="Document", title="Menu", audience=["public"]
        )
        api.content.transition(obj=page, transition="publish")
        with api.env.adopt_roles(["Anonymous"]):
            assert api.user.has_permission("View", obj=page)
        moved = api.content.move(source=page, target=space)
    assert api.content.get_state(moved) == "space"
    with api.env.adopt_roles(["Anonymous"]):
        assert not api.user.has_permission("View", obj=moved)
    assert not found(PARENT, SearchableText="Menu")
    # And back out: the place's own workflow, from its first state (private).
    with api.env.adopt_roles(["Manager"]):
        back = api.content.move(source=moved, target=space.aq_parent.aq_parent["actualites"])
    assert api.content.get_state(back) == "private"
