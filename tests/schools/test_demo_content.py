"""The demo's news, events and announcement: one per kind of audience, created as an editor
creates them (id from the title, publication date, event times on the site's clocks)."""

from DateTime import DateTime
from ent.policy import audience
from ent.policy.demo import create_demo_content
from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes


def test_demo_content(portal):
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        assert create_demo_content(portal) == 21
        assert create_demo_content(portal) == 0  # a second run creates nothing
    items = {brain.Title: brain for brain in api.content.find(portal_type=["News Item", "Event", "Announcement"])}
    welcome = items["Bienvenue sur l'ENT du Département"]
    assert welcome.review_state == "published" and welcome.audience == ["public"]
    transports = items["Transports scolaires : les horaires d'hiver"]
    assert transports.review_state == "internal"
    assert audience.targets(transports.getObject()) == ["all-parent"]
    banner = api.content.find(portal_type="Announcement", origin="0310001H")
    assert [b.review_state for b in banner] == ["internal"]


def test_demo_content_as_an_editor_makes_it(portal):
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        create_demo_content(portal)
    brains = api.content.find(portal_type=["News Item", "Event", "Announcement"])
    # Ids come from the titles (no temporary id renamed afterwards).
    assert "bienvenue-sur-lent-du-departement" in portal["actualites"].objectIds()
    assert not [b.getPath() for b in brains if len(b.getId) == 36 and b.getId.count("-") == 4]
    # Every item has a publication date, in the past, and they differ (the news look used).
    now = DateTime()
    assert all(DateTime(2020, 1, 1) < b.effective <= now for b in brains)
    county_news = api.content.find(context=portal["actualites"], portal_type="News Item", sort_on="effective")
    assert len(county_news) == 5 and len({b.effective.Date() for b in county_news}) == 5
    assert all(b.getObject().image.getImageSize()[0] > 0 for b in county_news)
    # Events on the site's clocks, as plone.app.event's add form stores them (pytz zone).
    festival = portal["culture-loisirs"]["festival-des-collegiens"]
    assert festival.start.tzinfo.zone == "Europe/Paris"
    assert (festival.start.hour, festival.end.hour) == (9, 18)
    past = [b for b in api.content.find(portal_type="Event") if DateTime(b.end) < now]
    assert {b.Title for b in past} == {"Forum des métiers", "Cross du collège"}
