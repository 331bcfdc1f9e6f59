"""New posts of a space are told to its members, through the notification preferences they
already have (ent.policy.notifications.spaces): its groups expanded in bulk, its people by
id, never the item's audience. Delivered by the real worker and sender threads to a real
SMTP server on loopback, as tests/notifications do."""

from ent.policy.notifications import worker as worker_module
from ent.policy.notifications.config import read_config
from ent.policy.notifications.outbox import Outbox
from ent.policy.notifications.preferences import set_preference
from ent.policy.workspaces import membership
from plone import api
from support.notifications import body
from support.notifications import by_recipient
from support.notifications import outbox_messages
from support.notifications import run_worker
from support.notifications import store_of
from support.notifications import wait_until
from support.smtp_server import SmtpServer

import dataclasses
import pytest
import transaction


PASSWORD = "a-test-password-1"
ACCOUNTS = {
    # login: (groups, preference or None for the default, the digest)
    "chef.manager": (["all-county"], "immediate"),  # on the roster by name
    "cuisinier.un": (["all-attee"], "immediate"),  # through the group all-attee
    "cuisinier.deux": (["all-attee"], None),
    "cuisinier.trois": (["all-attee"], "never"),
    "parent.dehors": (["all-parent"], "immediate"),  # not a member
}


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def config(tmp_path):
    return read_config(
        {"ENT_MAIL_DIR": str(tmp_path / "mail"), "ENT_MAIL_FROM": "ent@example.org", "ENT_DIGEST_HOUR": "off"}
    )


@pytest.fixture
def space(functional_portal):
    portal = functional_portal
    with api.env.adopt_roles(["Manager"]):
        for login, (groups, choice) in ACCOUNTS.items():
            api.user.create(email=f"{login}@example.org", username=login, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=login)
            if choice:
                set_preference(portal, login, choice)
        space = api.content.create(container=portal["espaces"], type="Workspace", id="recettes", title="Recettes")
        membership.set_roster_entry(space, "chef.manager", membership.MANAGER)
        membership.set_roster_entry(space, "all-attee", membership.MEMBER)
    transaction.commit()
    return space


def post(space, login, title, type_="News Item", **fields):
    with api.env.adopt_user(username=login):
        item = api.content.create(container=space, type=type_, title=title, **fields)
    transaction.commit()
    return item


class TestSpacePosts:
    def test_a_new_post_reaches_the_members_who_chose_immediate(self, space, functional, config, smtp):
        smtp.start()
        config = dataclasses.replace(
            config, smtp_host="127.0.0.1", smtp_port=smtp.port, poll_seconds=0.5, retry_max_seconds=0.5
        )
        worker_module.RUNTIME.start(functional["zodbDB"], config)
        try:
            # An audience given anyway (public) must not widen who is told.
            item = post(space, "cuisinier.deux", "Gratin dauphinois", audience=["public"])
            smtp.wait_for(2)
            outbox = Outbox(config.outbox_dir())
            wait_until(lambda: outbox.count() == 0, what="the outbox emptying")
        finally:
            worker_module.RUNTIME.stop()
        mails = {to[0]: message for _, to, message in smtp.messages}
        assert sorted(mails) == ["chef.manager@example.org", "cuisinier.un@example.org"]
        mail = mails["cuisinier.un@example.org"]
        assert mail["Subject"] == "[Espace « Recettes »] Gratin dauphinois"
        assert item.absolute_url() in body(mail)

    def test_the_digest_lists_it_for_the_members_on_the_default(self, space, functional, config):
        from ent.policy.notifications.digest import request_digest

        post(space, "chef.manager", "Réunion des chefs", type_="Event", audience=["parent"])
        db = functional["zodbDB"]
        run_worker(db, config)
        outbox = Outbox(config.outbox_dir())
        assert sorted(by_recipient(outbox_messages(outbox))) == [
            "chef.manager@example.org",
            "cuisinier.un@example.org",
        ]
        for name in outbox.pending():
            outbox.delete(name)
        transaction.begin()  # see what the worker committed
        request_digest(space.aq_parent.aq_parent)
        transaction.commit()
        run_worker(db, config)
        mails = by_recipient(outbox_messages(outbox))
        # The event's audience (parents) is ignored; cuisinier.trois chose never.
        assert sorted(mails) == ["cuisinier.deux@example.org"]
        text = body(mails["cuisinier.deux@example.org"][0])
        assert "Espace « Recettes »" in text and "Réunion des chefs" in text

    def test_a_page_or_an_edit_tells_nobody(self, space, functional, config):
        item = post(space, "cuisinier.un", "Recette du jour", type_="Document")
        with api.env.adopt_user(username="cuisinier.un"):
            item.title = "Recette du jour (corrigée)"
            item.reindexObject()
        transaction.commit()
        store = store_of(space.aq_parent.aq_parent)
        assert store is None or len(store.jobs) == 0
        post(space, "cuisinier.un", "Une vraie nouvelle")
        assert len(store_of(space.aq_parent.aq_parent).jobs) == 1
