"""Security review of issue 14: what an attacker inside or outside a space tried and what
must hold (docs/workspaces.md). Each test failed before its fix."""

from AccessControl import Unauthorized
from conftest import COUNTY_EDITOR
from ent.policy.workspaces import membership
from plone import api

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
