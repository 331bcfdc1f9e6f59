"""The demo's news, events and announcement: one per kind of audience, with the real workflow."""

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
        assert create_demo_content(portal) == 13
        assert create_demo_content(portal) == 0  # a second run creates nothing
    items = {brain.Title: brain for brain in api.content.find(portal_type=["News Item", "Event", "Announcement"])}
    welcome = items["Bienvenue sur l'ENT du Département"]
    assert welcome.review_state == "published" and welcome.audience == ["public"]
    transports = items["Transports scolaires : les horaires d'hiver"]
    assert transports.review_state == "internal"
    assert audience.targets(transports.getObject()) == ["all-parent"]
    banner = api.content.find(portal_type="Announcement", origin="0310001H")
    assert [b.review_state for b in banner] == ["internal"]
