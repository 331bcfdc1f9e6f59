"""The demo's content: news, events and an announcement for every kind of audience.

Loaded with the demo profile (never in production), so that the demo accounts of
docs/domain.md (`0310001h.parent`, `0310001h.teacher`, `county.agent`…) find something in
"Mon ENT", on their school's site and in the banner. Created with the real types and
workflow, so the audience rule applies to them as to any other item.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from ent.policy.content.school import find_school_by_uai
from plone import api


DEMO_SCHOOLS = ("0310001H", "0310003K")


def county_items():
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return [
        ("actualites", "News Item", "Bienvenue sur l'ENT du Département", ["public"], {}),
        ("actualites", "News Item", "Transports scolaires : les horaires d'hiver", ["parent"], {}),
        ("actualites", "News Item", "Formation : l'ENT en classe", ["teacher"], {}),
        (
            "actualites",
            "News Item",
            "Travaux de printemps dans deux collèges",
            ["parent", "teacher"],
            {"audience_schools": list(DEMO_SCHOOLS)},
        ),
        (
            "culture-loisirs",
            "Event",
            "Festival des collégiens",
            ["public"],
            {"start": soon + timedelta(days=30, hours=9), "end": soon + timedelta(days=30, hours=18)},
        ),
    ]


def school_items():
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return [
        ("actualites", "News Item", "Réunion parents-professeurs", ["parent", "teacher"], {}),
        ("actualites", "News Item", "Conseil pédagogique", ["teacher"], {}),
        (
            "agenda",
            "Event",
            "Portes ouvertes",
            ["public"],
            {"start": now + timedelta(days=14), "end": now + timedelta(days=14, hours=3)},
        ),
        (
            "actualites",
            "Announcement",
            "Sortie au musée reportée",
            ["parent"],
            {"start": now - timedelta(minutes=5), "end": now + timedelta(days=3), "severity": "info"},
        ),
    ]


def add(container, portal_type, title, audience, fields):
    item = api.content.create(container=container, type=portal_type, title=title, audience=audience, **fields)
    transition = "publish" if audience == ["public"] else "publish_internal"
    api.content.transition(obj=item, transition=transition)
    return item


def create_demo_content(portal):
    """Create the demo's items that do not exist yet; returns how many were created."""
    created = 0
    places = [(portal, county_items())]
    for uai in DEMO_SCHOOLS:
        brain = find_school_by_uai(uai)
        if brain is not None:
            places.append((brain._unrestrictedGetObject(), school_items()))
    for place, items in places:
        for folder_id, portal_type, title, audience, fields in items:
            folder = place[folder_id]
            if any(obj.Title() == title for obj in folder.objectValues()):
                continue
            add(folder, portal_type, title, audience, fields)
            created += 1
    return created
