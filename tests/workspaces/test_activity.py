"""The activity of a space (ent.policy.workspaces.activity): its latest changes and comments
as the reader may see them, what is new since a person's last visit, and visits recorded
without writing the database at every page view."""

from ent.policy.workspaces import activity
from ent.policy.workspaces import membership
from plone import api
from plone.app.discussion.interfaces import IConversation
from zope.component import createObject

import pytest
import time
import transaction


PASSWORD = "a-test-password-1"
PEOPLE = {
    "chef.manager": ["all-county"],
    "cuisinier.un": ["all-attee"],
    "cuisinier.deux": ["all-attee"],
    "parent.dehors": ["all-parent"],
}


@pytest.fixture
def space(functional_portal):
    portal = functional_portal
    with api.env.adopt_roles(["Manager"]):
        for login, groups in PEOPLE.items():
            api.user.create(email=f"{login}@example.org", username=login, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=login)
        space = api.content.create(container=portal["espaces"], type="Workspace", id="recettes", title="Recettes")
        membership.set_roster_entry(space, "chef.manager", membership.MANAGER)
        membership.set_roster_entry(space, "all-attee", membership.MEMBER)
        other = api.content.create(container=portal["espaces"], type="Workspace", id="autre", title="Autre espace")
        membership.set_roster_entry(other, "chef.manager", membership.MANAGER)
    transaction.commit()
    return space


def add(container, login, type_, title, **fields):
    with api.env.adopt_user(username=login):
        return api.content.create(container=container, type=type_, title=title, **fields)


def comment_on(item, login, text):
    comment = createObject("plone.Comment")
    comment.text = text
    comment.author_username = login
    comment.creator = login
    with api.env.adopt_user(username=login):
        comment_id = IConversation(item).addComment(comment)
    return comment_id


def set_modified(obj, seconds_ago):
    """Dates as if the change was made `seconds_ago` (the catalog's order needs distinct times)."""
    from DateTime import DateTime

    obj.setModificationDate(DateTime(time.time() - seconds_ago))
    obj.reindexObject(idxs=["modified"])


class TestLatest:
    def test_changes_and_comments_newest_first_as_the_reader_sees_them(self, space):
        page = add(space, "cuisinier.un", "Document", "Tarte aux pommes")
        set_modified(page, 300)
        post = add(space, "cuisinier.deux", "News Item", "Gratin dauphinois")
        set_modified(post, 200)
        comment_id = comment_on(post, "cuisinier.un", "Avec de la muscade, c'est meilleur.")
        with api.env.adopt_user(username="cuisinier.deux"):
            lines = activity.latest(space, limit=10)
        assert [(line.kind, line.title) for line in lines] == [
            ("comment", "Gratin dauphinois"),
            ("created", "Gratin dauphinois"),
            ("created", "Tarte aux pommes"),
        ]
        comment = lines[0]
        assert comment.url == f"{post.absolute_url()}#{comment_id}"
        assert comment.author == "cuisinier.un"
        assert "muscade" in comment.excerpt
        # The space itself is not one of its changes; the limit holds.
        with api.env.adopt_user(username="cuisinier.deux"):
            assert [line.title for line in activity.latest(space, limit=2)] == ["Gratin dauphinois"] * 2

    def test_nothing_for_someone_outside_the_space(self, space):
        add(space, "cuisinier.un", "Document", "Blanquette")
        with api.env.adopt_user(username="parent.dehors"):
            assert activity.latest(space) == []
        with api.env.adopt_user(username="cuisinier.deux"):
            assert [line.title for line in activity.latest(space)] == ["Blanquette"]


class TestNewSinceTheLastVisit:
    def test_what_others_changed_after_the_visit_counts(self, space):
        with api.env.adopt_user(username="cuisinier.un"):
            assert activity.record_visit(space, now=time.time() - 120)
        add(space, "cuisinier.un", "Document", "Mon propre ajout")  # one's own: not new
        post = add(space, "cuisinier.deux", "News Item", "Pot-au-feu")
        comment_on(post, "chef.manager", "Bravo !")
        with api.env.adopt_user(username="cuisinier.un"):
            visit = activity.last_visit(space)
            assert activity.new_since(space, api.user.get_current(), visit) == 2
            (summary,) = [s for s in activity.summaries() if s.uid == space.UID()]
            assert summary.new == 2 and summary.last_activity.kind == "comment"
            activity.record_visit(space, now=time.time() + 1)
            assert activity.new_since(space, api.user.get_current(), activity.last_visit(space)) == 0

    def test_my_spaces_with_something_new_first(self, space, functional_portal):
        portal = functional_portal
        other = portal["espaces"]["autre"]
        add(other, "chef.manager", "Document", "Ordre du jour")
        with api.env.adopt_user(username="chef.manager"):
            activity.record_visit(other, now=time.time() - 60)
            activity.record_visit(space, now=time.time() - 60)
        add(space, "cuisinier.deux", "Document", "Clafoutis")
        with api.env.adopt_user(username="chef.manager"):
            found = activity.summaries()
        assert [(s.title, s.new) for s in found] == [("Recettes", 1), ("Autre espace", 0)]
        assert found[1].last_activity.title == "Ordre du jour"
        with api.env.adopt_user(username="parent.dehors"):
            assert activity.summaries() == []


class TestVisits:
    def test_written_only_when_the_space_changed_since(self, space):
        start = time.time()
        with api.env.adopt_user(username="cuisinier.un"):
            assert activity.record_visit(space, now=start)  # the first visit
            transaction.commit()
            # Nothing happened since: the page view leaves the database alone.
            assert not activity.record_visit(space, now=start + 120)
            assert space._p_jar._registered_objects == []
        add(space, "cuisinier.deux", "Document", "Crème brûlée")
        transaction.commit()
        with api.env.adopt_user(username="cuisinier.un"):
            assert activity.last_visit(space) == start
            assert activity.record_visit(space, now=start + 120)
            assert activity.last_visit(space) == start + 120
            assert not activity.record_visit(space, now=start + 180)
        with api.env.adopt_user(username="cuisinier.deux"):
            assert activity.last_visit(space) is None

    def test_one_range_of_keys_per_person(self, space, functional_portal):
        portal = functional_portal
        with api.env.adopt_user(username="chef.manager"):
            activity.record_visit(space, now=100.0)
            activity.record_visit(portal["espaces"]["autre"], now=200.0)
            assert activity.visits_of() == {space.UID(): 100.0, portal["espaces"]["autre"].UID(): 200.0}
        with api.env.adopt_user(username="cuisinier.un"):
            assert activity.visits_of() == {}
