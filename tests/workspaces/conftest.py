"""Fixtures of the collaborative spaces' tests: two schools with one account per profile
(support.audience_site's, docs/domain.md's directory convention), and a County space made by
a County editor (who is thereby its manager)."""

from ent.policy.schools.importer import import_schools
from plone import api
from support.audience_site import accounts
from support.audience_site import PASSWORD
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes

import pytest


COUNTY_EDITOR = "county.agent"


def make_site(portal):
    """The schools and accounts, as support.audience_site.build, without committing."""
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        for login, groups in accounts().items():
            api.user.create(
                email=f"{login}@example.org", username=login, password=PASSWORD, properties={"fullname": login}
            )
            for group in groups:
                api.group.add_user(groupname=group, username=login)
    return portal


@pytest.fixture
def space_site(portal):
    return make_site(portal)


def make_space(container, login=COUNTY_EDITOR, title="Échange de recettes"):
    with api.env.adopt_user(username=login):
        return api.content.create(container=container, type="Workspace", title=title)


@pytest.fixture
def space(space_site):
    """A County space; its creator, county.agent, is its manager."""
    return make_space(space_site["espaces"])
