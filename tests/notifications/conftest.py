"""Fixtures of the notification tests: a site with accounts and preferences, the settings,
a real SMTP server on loopback."""

from ent.policy.notifications.config import read_config
from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes
from support.smtp_server import SmtpServer

import pytest
import transaction


PASSWORD = "a-test-password-1"


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


ACCOUNTS = {
    # login: (groups, preference or None for the default)
    "0310001h.parent": (["0310001h-parent", "all-parent"], "immediate"),
    "0310001h.parent2": (["0310001h-parent", "all-parent"], None),
    "0310001h.parent3": (["0310001h-parent", "all-parent"], "never"),
    "0310003k.parent": (["0310003k-parent", "all-parent"], "immediate"),
    "0310001h.teacher": (["0310001h-teacher", "all-teacher"], None),
    "0310003k.teacher": (["0310003k-teacher", "all-teacher"], None),
    "0310001h.principal": (["0310001h-principal", "0310001h-editors", "all-principal"], None),
}


@pytest.fixture
def site(functional_portal):
    from ent.policy.notifications.preferences import set_preference

    portal = functional_portal
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        for login, (groups, choice) in ACCOUNTS.items():
            api.user.create(email=f"{login}@example.org", username=login, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=login)
            if choice:
                set_preference(portal, login, choice)
    transaction.commit()
    return portal


@pytest.fixture
def config(tmp_path):
    return read_config(
        {"ENT_MAIL_DIR": str(tmp_path / "mail"), "ENT_MAIL_FROM": "ent@example.org", "ENT_DIGEST_HOUR": "off"}
    )
