"""Security review of issue 14: what an attacker inside or outside a space tried and what
must hold (docs/workspaces.md). Each test failed before its fix."""

from AccessControl import Unauthorized
from conftest import COUNTY_EDITOR
from ent.policy.interfaces import IEntPolicyLayer
from ent.policy.workspaces import membership
from OFS.CopySupport import CopyError
from plone import api
from zope.component import getMultiAdapter
from zope.interface import alsoProvides
from zope.publisher.interfaces import NotFound

import pytest


ATTEE = "0310001h.attee"
OTHER_ATTEE = "0310003k.attee"


def test_a_member_may_not_move_what_others_wrote_out_of_its_place(space):
    """A member has `Delete objects` on the space (to delete their own items there); Zope's
    paste and REST `@move` accept that right on the parent instead of the item, so a member
    moved the whole blog (everyone's posts and comments) into their own folder, then could
    delete that folder or move it into another space of theirs, where its members read it."""
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
        page = api.content.create(container=space, type="Document", title="Règles de l'espace")
    blog = space["blog"]
    with api.env.adopt_user(username=ATTEE):
        mine = api.content.create(container=space, type="Folder", title="Mon classeur")
        for source in (blog, page):
            with pytest.raises(Unauthorized):
                api.content.move(source=source, target=mine)
            with pytest.raises(Unauthorized):
                api.content.rename(obj=source, new_id="ailleurs")
        # Their own items stay theirs to move, rename and delete.
        own = api.content.create(container=space, type="Document", title="Ma recette")
        api.content.move(source=own, target=mine)
        api.content.rename(obj=mine, new_id="classeur")
    assert sorted(space.objectIds()) == sorted(["blog", "classeur", page.getId()])
    assert sorted(space["blog"].objectIds()) == sorted(blog.objectIds())
    # The space's editors and managers still arrange everything.
    with api.env.adopt_user(username=COUNTY_EDITOR):
        api.content.move(source=space[page.getId()], target=space["classeur"])


def test_only_its_managers_delete_move_or_rename_a_space(space):
    """The space's workflow gives `Delete objects` to its members (a container right, for
    their own items there); with the same right on the `espaces` folder (the place's
    editors), a plain member deleted, moved or renamed the whole space and everyone's work."""
    api.user.create(email="redacteur@example.org", username="county.redacteur", password="secret-123456")
    api.group.add_user(groupname="county-editors", username="county.redacteur")
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "county.redacteur", "member")
        membership.add_member(space, "all-attee", "editor")
    espaces = space.aq_parent
    with api.env.adopt_user(username="county.redacteur"):
        assert api.user.has_permission("Delete objects", obj=espaces)
        with pytest.raises(Unauthorized):
            api.content.delete(obj=space, check_linkintegrity=False)
        with pytest.raises(Unauthorized):
            api.content.rename(obj=space, new_id="a-moi")
    with api.env.adopt_user(username=ATTEE):  # an editor of the space only: Zope refuses
        with pytest.raises((Unauthorized, CopyError)):
            api.content.rename(obj=space, new_id="a-moi")
    assert space.getId() in espaces.objectIds()
    # Its manager (an editor of the place) still may.
    with api.env.adopt_user(username=COUNTY_EDITOR):
        api.content.rename(obj=space, new_id="recettes")
        api.content.delete(obj=espaces["recettes"], check_linkintegrity=False)
    assert "recettes" not in espaces.objectIds()


def test_redirect_to_uuid_is_missing_for_outsiders(space):
    """plone.app.uuid's `@@redirect-to-uuid/<UID>` (public) redirected anyone, anonymous
    included, to the address of any item: a post's id (its title) in a space went out."""
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
        post = api.content.create(container=space["blog"], type="News Item", title="Hachis du jeudi")
    request = space.REQUEST
    alsoProvides(request, IEntPolicyLayer)

    def redirect(uid):
        view = getMultiAdapter((api.portal.get(), request), name="redirect-to-uuid")
        view.publishTraverse(request, uid)
        request.response.setHeader("Location", "")
        view()
        return request.response.getHeader("Location")

    for login in (None, "0310001h.parent"):
        with api.env.adopt_user(username=login) if login else api.env.adopt_roles(["Anonymous"]):
            for uid in (post.UID(), "0" * 32):  # as for an unknown UID
                with pytest.raises(NotFound):
                    redirect(uid)
    with api.env.adopt_user(username=ATTEE):
        assert redirect(post.UID()) == post.absolute_url()


def test_no_sharing_page_inside_a_space(space):
    """The roster alone gives rights in a space; Plone's sharing page gave its `Owner` (any
    member, on what they add) a search of the whole directory (pupils and parents of every
    school, with their logins) and roles that mean nothing there."""
    with api.env.adopt_user(username=COUNTY_EDITOR):
        membership.add_member(space, "all-attee", "member")
    with api.env.adopt_user(username=ATTEE):
        mine = api.content.create(container=space, type="Folder", title="Mon classeur")
        for item in (mine, space):
            for permission in ("Sharing page: Delegate roles", "Change local roles"):
                assert not api.user.has_permission(permission, obj=item), (item, permission)
            with pytest.raises(Unauthorized):
                item.restrictedTraverse("@@sharing")
    with api.env.adopt_roles(["Site Administrator"]):
        assert api.user.has_permission("Sharing page: Delegate roles", obj=mine)
