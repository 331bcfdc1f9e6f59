"""The demo's content: news, events and an announcement for every kind of audience.

Loaded with the demo profile (never in production), so that the demo accounts of
docs/domain.md (`0310001h.parent`, `0310001h.teacher`, `county.agent`…) find something in
"Mon ENT", on their school's site and in the banner. Created through the same paths as an
editor's work, so that the demo shows what real use shows:

- the add form's path (`createContentInContainer`: the id chosen from the title before the
  item is added, so it is catalogued once, at its address; `api.content.create` adds it under
  a temporary id and renames it, which the deferred catalog queue turns into an error);
- event times on the site's clocks, stored as plone.app.event's add form stores them
  (`dates.wall_clock`: the site's pytz zone);
- publication as the "Publier" button does it: a publication date (the one an editor may
  choose in the form, now by default), then the workflow transition;
- signed by an editor of the place (`county.agent`, `{uai}.principal`).
"""

from contextlib import nullcontext
from DateTime import DateTime
from ent.policy.content.school import find_school_by_uai
from ent.policy.dates import local
from ent.policy.dates import wall_clock
from plone import api
from plone.api.exc import UserNotFoundError
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobImage

import datetime
import io


DEMO_SCHOOLS = ("0310001H", "0310003K")
#: The demo directory's editors (docs/domain.md, "The demo directory").
COUNTY_EDITOR = "county.agent"
SCHOOL_EDITOR = "{uai}.principal"

#: Colours (sky, hills, sun) of each County news item's generated lead image.
PALETTES = {
    "welcome": ((46, 94, 170), (58, 140, 76), (250, 204, 21)),
    "transport": ((120, 160, 200), (90, 90, 100), (255, 140, 60)),
    "training": ((80, 60, 140), (40, 110, 120), (240, 240, 240)),
    "works": ((170, 200, 230), (160, 110, 60), (255, 220, 120)),
    "cinema": ((30, 30, 60), (150, 30, 50), (255, 230, 160)),
}


def demo_image(name):
    """A small JPEG (a landscape in the palette `name`), made here so the package ships no
    binary file."""
    from PIL import Image
    from PIL import ImageDraw

    sky, hills, sun = PALETTES[name]
    width, height = 640, 360
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    for row in range(height):
        # The sky lightens towards the horizon.
        shade = row / height
        draw.line([(0, row), (width, row)], fill=tuple(int(c + (255 - c) * shade * 0.6) for c in sky))
    draw.ellipse([width * 0.68, height * 0.12, width * 0.68 + 80, height * 0.12 + 80], fill=sun)
    draw.polygon([(0, height), (0, 230), (180, 170), (360, 240), (520, 190), (width, 250), (width, height)], fill=hills)
    darker = tuple(int(c * 0.75) for c in hills)
    draw.polygon([(0, height), (0, 290), (260, 250), (470, 300), (width, 280), (width, height)], fill=darker)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=80)
    return NamedBlobImage(data=data.getvalue(), filename=f"{name}.jpg", contentType="image/jpeg")


def news(folder, title, audience, description, days_ago, image=None, **fields):
    return {
        "folder": folder,
        "type": "News Item",
        "title": title,
        "audience": audience,
        "description": description,
        "published": days_ago,
        "image": image,
        "fields": fields,
    }


def event(folder, title, audience, description, day, hours, days_ago, **fields):
    start, end = hours
    return {
        "folder": folder,
        "type": "Event",
        "title": title,
        "audience": audience,
        "description": description,
        "published": days_ago,
        "fields": {"start": wall_clock(day, start), "end": wall_clock(day, end), **fields},
    }


def site_today():
    return local(datetime.datetime.now(datetime.UTC)).date()


def county_items():
    today = site_today()
    return [
        news(
            "actualites",
            "Bienvenue sur l'ENT du Département",
            ["public"],
            "L'espace numérique de travail des collèges de Haute-Garonne ouvre ses portes.",
            12,
            "welcome",
        ),
        news(
            "actualites",
            "Transports scolaires : les horaires d'hiver",
            ["parent"],
            "Les horaires des lignes scolaires changent à la rentrée de novembre.",
            9,
            "transport",
        ),
        news(
            "actualites",
            "Formation : l'ENT en classe",
            ["teacher"],
            "Trois demi-journées pour découvrir les services de l'ENT avec ses élèves.",
            6,
            "training",
        ),
        news(
            "actualites",
            "Travaux de printemps dans deux collèges",
            ["parent", "teacher"],
            "Les cours de récréation d'Aspet et d'Aurignac seront refaites.",
            3,
            "works",
            audience_schools=list(DEMO_SCHOOLS),
        ),
        news(
            "actualites",
            "Collège au cinéma : la programmation de l'année",
            ["public"],
            "Trois films par classe, projetés dans les cinémas du département.",
            1,
            "cinema",
        ),
        event(
            "culture-loisirs",
            "Festival des collégiens",
            ["public"],
            "Théâtre, musique et danse : les collégiens sur scène.",
            today + datetime.timedelta(days=30),
            (9, 18),
            2,
            event_category=["culture"],
        ),
        event(
            "culture-loisirs",
            "Forum des métiers",
            ["public"],
            "Les entreprises du département présentent leurs métiers aux élèves de 3e.",
            today - datetime.timedelta(days=20),
            (9, 17),
            40,
            event_category=["orientation"],
        ),
        # Broadcasts: County events shown on the agenda of the schools they target.
        event(
            "culture-loisirs",
            "Rencontres sportives des collèges",
            ["public"],
            "Athlétisme et sports collectifs : les collèges d'Aspet et d'Aurignac se rencontrent.",
            today + datetime.timedelta(days=10),
            (13, 17),
            3,
            event_category=["sport"],
            location="Stade municipal d'Aspet",
            audience_schools=list(DEMO_SCHOOLS),
        ),
        event(
            "culture-loisirs",
            "Atelier parents : les écrans et le sommeil",
            ["parent"],
            "Une soirée d'échanges avec une infirmière scolaire, pour les parents du collège.",
            today + datetime.timedelta(days=7),
            (18, 20),
            2,
            event_category=["sante", "citoyennete"],
            audience_schools=[DEMO_SCHOOLS[0]],
        ),
    ]


def school_items():
    today = site_today()
    now = local(datetime.datetime.now(datetime.UTC)).replace(second=0, microsecond=0)
    return [
        news(
            "actualites",
            "Réunion parents-professeurs",
            ["parent", "teacher"],
            "Les rencontres ont lieu au collège, sur rendez-vous.",
            2,
        ),
        news("actualites", "Conseil pédagogique", ["teacher"], "Ordre du jour et compte rendu de la séance.", 4),
        news(
            "actualites",
            "Le foyer des élèves rouvre ses portes",
            ["public"],
            "Jeux, lecture et ateliers pendant la pause de midi, encadrés par les assistants d'éducation.",
            6,
        ),
        event(
            "agenda",
            "Portes ouvertes",
            ["public"],
            "Les familles des futurs élèves de 6e découvrent le collège.",
            today + datetime.timedelta(days=14),
            (9, 12),
            1,
        ),
        event(
            "agenda",
            "Cross du collège",
            ["public"],
            "Tous les élèves courent pour une association.",
            today - datetime.timedelta(days=10),
            (14, 17),
            25,
        ),
        {
            "folder": "actualites",
            "type": "Announcement",
            "title": "Sortie au musée reportée",
            "audience": ["parent"],
            "description": "La sortie est reportée à une date que nous vous communiquerons.",
            # An announcement's publication window is its own (content.announcement).
            "published": None,
            "fields": {
                "start": now - datetime.timedelta(minutes=5),
                "end": now + datetime.timedelta(days=3),
                "severity": "info",
            },
        },
    ]


def publish(item, audience, days_ago):
    """What an editor's "Publier" does (plone.app.content's content_status_modify,
    plone.restapi's @workflow): the publication date of the form (`days_ago`; now when
    none and the item has none), then the transition."""
    if days_ago is not None:
        item.setEffectiveDate(DateTime() - days_ago)
    elif item.EffectiveDate() == "None":
        item.setEffectiveDate(DateTime())
    item.reindexObject()
    api.content.transition(obj=item, transition="publish" if audience == ["public"] else "publish_internal")


def add(folder, spec):
    fields = dict(spec["fields"])
    if spec.get("image"):
        fields["image"] = demo_image(spec["image"])
    text = RichTextValue(spec.get("text") or f"<p>{spec['description']}</p>", "text/html", "text/x-html-safe")
    item = createContentInContainer(
        folder,
        spec["type"],
        title=spec["title"],
        description=spec["description"],
        text=text,
        audience=spec["audience"],
        **fields,
    )
    if spec.get("layout"):
        # The view an editor picks in the "Affichage" menu (an FAQ: helpdesk.FAQ_VIEW).
        item.setLayout(spec["layout"])
    publish(item, spec["audience"], spec["published"])
    return item


def add_as_editor(editor, folder, spec):
    """Add as `editor` when the directory knows them (it is the demo directory's account of
    the place's editor), so the item is theirs, as a real one is (creator, owner, history);
    a site whose directory lacks them (the test layer, another directory) keeps the current
    user, the admin who installs the demo."""
    with as_user(editor):
        return add(folder, spec)


def as_user(username):
    """Act as `username` when the site's users know that log-in (`acl_users.getUser`, what
    `api.env.adopt_user` asks), else as the current user. (`api.user.get` is not the same
    question: it finds members by id, and found one adopt_user then refused.)"""
    try:
        return api.env.adopt_user(username=username)
    except UserNotFoundError:
        return nullcontext()


def create_demo_content(portal):
    """Create the demo's items that do not exist yet; returns how many were created."""
    created = 0
    places = [(portal, COUNTY_EDITOR, county_items())]
    for uai in DEMO_SCHOOLS:
        brain = find_school_by_uai(uai)
        if brain is not None:
            places.append((brain._unrestrictedGetObject(), SCHOOL_EDITOR.format(uai=uai.lower()), school_items()))
    for place, editor, items in places:
        for spec in items:
            folder = place[spec["folder"]]
            if any(obj.Title() == spec["title"] for obj in folder.objectValues()):
                continue
            add_as_editor(editor, folder, spec)
            created += 1
    return created
