"""Fixtures of the case tests: accounts (applicants, handlers, a County editor), a source
to apply on, the outbox in a temporary folder."""

from email import message_from_bytes
from email.policy import default
from ent.policy.groups import COUNTY_CASES
from ent.policy.groups import COUNTY_EDITORS
from ent.policy.notifications.config import reset_config
from pathlib import Path
from plone import api

import pytest


PASSWORD = "a-test-password-1"
APPLICANT = "0310001h.parent"
OTHER_PARENT = "0310003k.parent"
HANDLER = "county.agent"
EDITOR = "county.editor"
ACCOUNTS = {
    APPLICANT: ("Camille Martin", ["all-parent"]),
    OTHER_PARENT: ("Dominique Durand", ["all-parent"]),
    HANDLER: ("Agent Instructeur", [COUNTY_CASES, "all-county"]),
    EDITOR: ("Agent Éditeur", [COUNTY_EDITORS, "all-county"]),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def mail_dir(tmp_path, monkeypatch):
    """The outbox of this test: `new/` holds what committed, `tmp/` what is staged."""
    monkeypatch.setenv("ENT_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("ENT_MAIL_FROM", "ent@example.org")
    reset_config()
    yield Path(tmp_path / "mail")
    reset_config()


def make_accounts():
    with api.env.adopt_roles(["Manager"]):
        for login, (fullname, groups) in ACCOUNTS.items():
            api.user.create(
                email=f"{login}@example.org", username=login, password=PASSWORD, properties={"fullname": fullname}
            )
            for group in groups:
                api.group.add_user(groupname=group, username=login)


def make_source(portal, title="Aide à la restauration scolaire"):
    """A page standing for the aid applied on (the Aid type is another part's)."""
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(container=portal["aides"], type="Document", title=title)


@pytest.fixture
def cases_site(portal):
    make_accounts()
    return portal


@pytest.fixture
def source(cases_site):
    return make_source(cases_site)


def staged(mail_dir) -> list:
    """The mails staged or committed in the outbox, as text."""
    found = []
    for folder in ("tmp", "new"):
        path = mail_dir / "outbox" / folder
        if path.exists():
            for name in sorted(path.iterdir()):
                message = message_from_bytes(name.read_bytes(), policy=default)
                found.append(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{message.get_content()}")
    return found
