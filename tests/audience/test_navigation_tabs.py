"""The menu's first level read from the folder (ent.policy.browser.navigation) lists what
Plone's catalog query lists, for every reader, at the County's root and in a school: drafts,
excluded, expired and future sections, a Link, a default page included."""

from AccessControl.SpecialUsers import nobody
from DateTime import DateTime
from ent.policy.browser.navigation import EntNavigationTabs
from plone import api
from Products.CMFPlone.browser.navigation import CatalogNavigationTabs
from support.audience_site import accounts
from support.audience_site import OWN
from zope.globalrequest import setRequest

import pytest
import transaction


@pytest.fixture
def site(url, functional_portal):
    portal = functional_portal
    school = portal["colleges"][OWN.lower()]
    with api.env.adopt_roles(["Manager"]):
        for container in (portal, school):
            api.content.create(container, "Folder", id="brouillon", title="Brouillon")  # private
            excluded = api.content.create(container, "Folder", id="cache", title="Caché")
            excluded.exclude_from_nav = True
            api.content.transition(excluded, to_state="published")
            expired = api.content.create(container, "Folder", id="passe", title="Passé")
            expired.setExpirationDate(DateTime() - 1)
            api.content.transition(expired, to_state="published")
            future = api.content.create(container, "Folder", id="futur", title="Futur")
            future.setEffectiveDate(DateTime() + 1)
            api.content.transition(future, to_state="published")
            link = api.content.create(container, "Link", id="lien", title="Lien", remoteUrl="https://example.org/")
            api.content.transition(link, to_state="published")
            for item in (excluded, expired, future, link):
                item.reindexObject()
        page = api.content.create(school, "Document", id="accueil", title="Accueil")
        api.content.transition(page, transition="publish_internal")
        school.setDefaultPage("accueil")
        # On the test layer /aide-formation is catalogued without its exclude_from_nav (the
        # demo site's catalog has it): Plone's query would leave it out of the menu, the
        # folder does not. The comparison is made on an up-to-date catalog.
        portal["aide-formation"].reindexObject()
    transaction.commit()
    return portal


def contexts(portal):
    school = portal["colleges"][OWN.lower()]
    return {
        "the County's root": portal,
        "a County section": portal["actualites"],
        "an excluded section, from inside": portal["cache"],
        "a school": school,
        "a school's section": school["actualites"],
        "a school's excluded section, from inside": school["cache"],
    }


def tabs(view_class, context):
    # An action's icon is evaluated lazily by the request's shared actions: not compared.
    return [
        {key: value for key, value in tab.items() if key != "icon"}
        for tab in view_class(context, context.REQUEST).topLevelTabs()
    ]


def test_the_same_tabs_as_plone(site):
    setRequest(site.REQUEST)
    compared = 0
    for reader in [None, *sorted(accounts())]:
        for name, context in contexts(site).items():
            who = {"username": reader} if reader else {"user": nobody.__of__(site.acl_users)}
            with api.env.adopt_user(**who):
                ours, plones = tabs(EntNavigationTabs, context), tabs(CatalogNavigationTabs, context)
            assert ours == plones, (reader, name, " ".join(t["id"] for t in ours), " ".join(t["id"] for t in plones))
            compared += len(ours)
    assert compared > 300


def test_the_cases_are_met(site):
    """The fixture's sections do what they are for (so the comparison above means something)."""
    setRequest(site.REQUEST)
    school = site["colleges"][OWN.lower()]
    with api.env.adopt_user(username=f"{OWN.lower()}.parent"):
        ids = [tab["id"] for tab in tabs(EntNavigationTabs, school)]
    assert "actualites" in ids and "lien" in ids
    assert not {"brouillon", "cache", "passe", "futur", "accueil"} & set(ids)
    with api.env.adopt_user(username=f"{OWN.lower()}.principal"):
        ids = [tab["id"] for tab in tabs(EntNavigationTabs, school)]
    # The school's editors see its drafts; the menu, as the catalog, shows items out of their
    # dates only to those who may see inactive content site-wide.
    assert "brouillon" in ids and not {"passe", "futur"} & set(ids)
    with api.env.adopt_user(username="county.admin"):
        ids = [tab["id"] for tab in tabs(EntNavigationTabs, school)]
    assert {"brouillon", "passe", "futur"} <= set(ids)
