"""Fixtures of the GDPR tests: a person with something of every kind the ENT holds about
someone (a page, a post and a comment in a space, a case with its attachment, a training
registration, a notification preference, a space visit), and others beside them."""

from collective.easyform.api import get_actions
from ent.policy.cases.model import create_case
from ent.policy.gdpr import submitter
from ent.policy.helpdesk import create_registration_form
from ent.policy.notifications.preferences import set_preference
from ent.policy.workspaces import activity
from ent.policy.workspaces import membership
from ent.policy.workspaces.blog import BLOG_ID
from plone import api
from plone.app.discussion.interfaces import IConversation
from plone.dexterity.utils import createContentInContainer
from zope.component import createObject

import datetime
import pytest


PASSWORD = "a-test-password-1"
PERSON = "0310001h.parent"
PERSON_NAME = "Camille Martin"
PERSON_EMAIL = "camille.martin@example.org"
OTHER = "0310003k.parent"
MANAGER = "county.agent"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PEOPLE = {
    PERSON: (PERSON_NAME, PERSON_EMAIL, ["all-parent"]),
    OTHER: ("Dominique Durand", "dominique@example.org", ["all-parent"]),
    MANAGER: ("Agent Départemental", "agent@example.org", ["county-editors", "county-cases", "all-county"]),
}


def comment_on(item, login, text, name):
    comment = createObject("plone.Comment")
    comment.text = text
    comment.author_username = login
    comment.author_name = name
    comment.author_email = f"{login}@example.org"
    comment.creator = login
    with api.env.adopt_user(username=login):
        return IConversation(item).addComment(comment)


def build(portal):
    """The person's data and another person's beside it; returns the objects by name."""
    made = {}
    with api.env.adopt_roles(["Manager"]):
        for login, (fullname, email, groups) in PEOPLE.items():
            api.user.create(email=email, username=login, password=PASSWORD, properties={"fullname": fullname})
            for group in groups:
                api.group.add_user(groupname=group, username=login)
        space = api.content.create(container=portal["espaces"], type="Workspace", id="parents", title="Parents")
        membership.set_roster_entry(space, MANAGER, membership.MANAGER)
        membership.set_roster_entry(space, PERSON, membership.EDITOR)
        membership.set_roster_entry(space, OTHER, membership.MEMBER)
        made["space"] = space
        start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
        event = createContentInContainer(
            portal["aide-formation"],
            "Event",
            title="Formation ENT",
            start=start,
            end=start + datetime.timedelta(hours=2),
        )
        form = create_registration_form(event)
        actions = get_actions(form)
        actions["inscriptions"].addDataRow({"name": PERSON_NAME, "email": PERSON_EMAIL, "comments": "Fauteuil"})
        actions["inscriptions"].addDataRow({"name": "Dominique Durand", "email": "dominique@example.org"})
        # Rows whose sender was recorded (gdpr.submitter, as a logged-in POST records it):
        # the person's own, under another address; and another person's that typed the
        # person's address.
        own = {"name": PERSON_NAME, "email": "autre@example.org", "comments": "Rampe"}
        actions["inscriptions"].addDataRow(own)
        submitter.record(form, "inscriptions", own["id"], PERSON)
        others = {"name": "Dominique Durand", "email": PERSON_EMAIL, "comments": "Remarque privée"}
        actions["inscriptions"].addDataRow(others)
        submitter.record(form, "inscriptions", others["id"], OTHER)
        made["form"] = form
        source = api.content.create(container=portal["aides"], type="Document", id="cantine", title="Aide à la cantine")
    with api.env.adopt_user(username=PERSON):
        made["post"] = api.content.create(
            container=space[BLOG_ID], type="News Item", id="musee", title="Sortie au musée"
        )
        made["page"] = api.content.create(
            container=space,
            type="File",
            id="fournitures",
            title="Liste des fournitures",
            file=named_file(b"crayons, gomme\n"),
        )
        made["case"] = create_case(
            "aid",
            source,
            api.user.get_current(),
            [("child", "Enfant", "Anne Martin")],
            [("proof", "Justificatif", "avis.pdf", PDF, "application/pdf")],
        )
        activity.record_visit(space, user=api.user.get_current())
    with api.env.adopt_user(username=OTHER):
        made["other_post"] = api.content.create(
            container=space[BLOG_ID], type="News Item", id="kermesse", title="Kermesse"
        )
    made["comment"] = comment_on(made["other_post"], PERSON, "Nous viendrons à la kermesse.", PERSON_NAME)
    made["other_comment"] = comment_on(made["post"], OTHER, "Bonne idée !", "Dominique Durand")
    set_preference(portal, PERSON, "immediate")
    set_preference(portal, OTHER, "never")
    return made


def named_file(data, filename="fournitures.txt"):
    from plone.namedfile.file import NamedBlobFile

    return NamedBlobFile(data=data, filename=filename, contentType="text/plain")


@pytest.fixture
def person_data(portal):
    return build(portal)
