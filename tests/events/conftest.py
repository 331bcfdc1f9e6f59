"""Fixtures of the agenda tests: two schools, an account per profile and school (the audience
site's, tests/support/audience_site.py), and County and school events for each kind of
audience, made and published as an editor's "Publier" does."""

from datetime import datetime
from datetime import timedelta
from ent.policy.interfaces import IEntPolicyLayer
from ent.policy.schools.importer import import_schools
from lxml import html as lxml_html
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.dexterity.utils import createContentInContainer
from support.audience_site import accounts
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import PASSWORD
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes
from zope.component import getMultiAdapter
from zope.globalrequest import setRequest
from zope.interface import alsoProvides

import pytest
import pytz


own = OWN.lower()
other = OTHER.lower()
PARIS = pytz.timezone("Europe/Paris")
#: The accounts the tests read as (fewer accounts, a faster set-up).
READERS = (f"{own}.parent", f"{other}.parent", f"{own}.teacher", f"{other}.teacher", "county.agent")


def moment(days, hour):
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return PARIS.localize(datetime(day.year, day.month, day.day, hour))


def add_event(folder, title, audience, days, categories=(), schools=None, publish=True):
    fields = {"audience_schools": schools} if schools else {}
    event = createContentInContainer(
        folder,
        "Event",
        title=title,
        audience=audience,
        start=moment(days, 14),
        end=moment(days, 16),
        event_category=list(categories),
        **fields,
    )
    if publish:
        event.setEffectiveDate(event.created() - 1)
        api.content.transition(obj=event, transition="publish" if audience == ["public"] else "publish_internal")
    event.reindexObject()
    return event


@pytest.fixture
def site(portal, http_request):
    """The portal with its schools, accounts and events; returns the portal."""
    alsoProvides(http_request, IEntPolicyLayer)
    setRequest(http_request)
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        for username, groups in accounts().items():
            if username not in READERS:
                continue
            api.user.create(email=f"{username}@example.org", username=username, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=username)
        county = portal["culture-loisirs"]
        add_event(county, "Festival public", ["public"], 20, ["culture"])
        add_event(county, "Tournoi de tous les collèges", ["public"], 12, ["sport"], schools=[OWN, OTHER])
        add_event(county, "Soirée des parents d'Aspet", ["parent"], 8, ["sante"], schools=[OWN])
        add_event(county, "Stage des enseignants", ["teacher"], 5, ["sciences"])
        add_event(county, "Forum passé", ["public"], -40, ["orientation"])
        add_event(county, "Brouillon du Département", ["public"], 3, publish=False)
        add_event(portal["colleges"][own]["agenda"], "Portes ouvertes d'Aspet", ["public"], 15)
        add_event(portal["colleges"][own]["agenda"], "Réunion des parents d'Aspet", ["parent"], 9)
        add_event(portal["colleges"][other]["agenda"], "Réunion des parents d'Aurignac", ["parent"], 9)
    logout()
    yield portal
    setRequest(None)


def as_user(portal, username):
    """Act as `username` (None: anonymous) for what follows."""
    if username:
        login(portal, username)
    else:
        logout()


def view(context, name):
    return getMultiAdapter((context, context.REQUEST), name=name)


def agenda_page(context, **form):
    """The agenda page of `context` as the current user reads it (lxml tree)."""
    context.REQUEST.form.update(form)
    return lxml_html.fromstring(view(context, "agenda")())


def agenda_titles(context, **form):
    """The titles the agenda page of `context` lists: (upcoming, past)."""
    tree = agenda_page(context, **form)

    def titles(section):
        return [a.text_content().strip() for a in tree.cssselect(f".{section} .ent-agenda-event h3 a")]

    return titles("ent-agenda-upcoming"), titles("ent-agenda-past")
