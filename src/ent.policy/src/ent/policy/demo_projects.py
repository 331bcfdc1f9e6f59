"""The demo of County projects: an open project with a small registration limit and one
registration by the demo teacher, and a closed project.

Made through the paths of real use, as `ent.policy.demo_services` makes the aids: the
projects by the County's editor `county.agent` (add form's path, the workflow's
transition), the registration by `ent.policy.cases.projects.register` (what the form's
"Créer un dossier" action calls). `county.agent` also manages the projects (group
`county-projects`: the demo directory's, ent.server.ldif; a Plone group without a directory). The registration mails nobody:
it stands for a past one. A site whose directory lacks the demo accounts gets the projects only.
"""

from ent.policy.demo import COUNTY_EDITOR
from ent.policy.demo import site_today
from ent.policy.demo_services import rich
from ent.policy.demo_services import with_editor
from ent.policy.groups import COUNTY_PROJECTS
from plone import api
from plone.dexterity.utils import createContentInContainer

import datetime
import logging


logger = logging.getLogger("ent.policy.demo")

PROJECTS_SECTION = "projets"
DEMO_TEACHER = "0310001h.teacher"
DEMO_UAI = "0310001H"
#: The managers of the projects in the demo (docs/domain.md: the County's agent).
PROJECT_MANAGER = "county.agent"
OPEN_PROJECT = "Collégiens au cœur de la Garonne"


def project_specs():
    today = site_today()
    day = datetime.timedelta(days=1)
    contact = "Direction de l'éducation — projets.colleges@haute-garonne.example — 05 34 33 00 10"
    return [
        {
            "title": OPEN_PROJECT,
            "description": "Une journée au bord du fleuve avec les animateurs de la maison de la Garonne : "
            "faune, flore, crues et qualité de l'eau.",
            "text": "<p>Les classes inscrites passent une journée sur un site naturel de la Garonne avec les "
            "animateurs du Département, puis présentent leurs relevés au collège. Le transport est pris en "
            "charge par le Département.</p><p>Chaque classe est accompagnée de son enseignant responsable.</p>",
            "levels": ["5e", "4e"],
            "opens": today - 10 * day,
            "closes": today + 40 * day,
            "limit": 3,
            "contact": contact,
        },
        {
            "title": "Concours « Raconte ton collège »",
            "description": "Un reportage écrit, sonore ou filmé sur la vie du collège, réalisé par la classe.",
            "text": "<p>Les meilleurs reportages sont publiés sur le portail du Département.</p>",
            "levels": ["6e", "5e", "4e", "3e"],
            "opens": today - 90 * day,
            "closes": today - 20 * day,
            "limit": None,
            "contact": contact,
        },
    ]


def add_project(section, spec):
    project = createContentInContainer(
        section,
        "Project",
        title=spec["title"],
        description=spec["description"],
        text=rich(spec["text"]),
        levels=spec["levels"],
        opens=spec["opens"],
        closes=spec["closes"],
        limit=spec["limit"],
        contact=spec["contact"],
    )
    api.content.transition(obj=project, transition="publish")
    return project


def create_project_registration(project):
    """The demo teacher's registration of a class, unless they have one already."""
    from ent.policy.cases.mails import unannounced
    from ent.policy.cases.model import CaseRefused
    from ent.policy.cases.projects import register

    teacher = api.user.get(username=DEMO_TEACHER)
    if teacher is None:
        return 0
    catalog = api.portal.get_tool("portal_catalog")
    if catalog.unrestrictedSearchResults(portal_type="Case", case_applicant=teacher.getId(), case_kind="project"):
        return 0
    name = teacher.getProperty("fullname", "") or DEMO_TEACHER
    answers = [
        ("school", "Collège", DEMO_UAI),
        ("class_name", "Classe", "5e B"),
        ("pupils", "Nombre d'élèves", "26"),
        ("teacher", "Enseignant responsable", name),
        ("email", "Adresse électronique", teacher.getProperty("email", "")),
        ("message", "Message", "Nous préférerions une sortie au printemps, après les conseils de classe."),
    ]
    try:
        with unannounced(), api.env.adopt_user(username=DEMO_TEACHER):
            register(project, api.user.get_current(), answers, school=DEMO_UAI)
    except CaseRefused as refused:
        logger.warning("demo registration refused: %s", refused)
        return 0
    return 1


def create_projects_demo(portal):
    """Create what does not exist yet of the projects' demo; returns how many items."""
    section = portal.get(PROJECTS_SECTION)
    if section is None or "Project" not in api.portal.get_tool("portal_types"):
        return 0
    manager = api.user.get(username=PROJECT_MANAGER)
    if manager is not None and COUNTY_PROJECTS not in manager.getGroups():
        try:
            api.group.add_user(groupname=COUNTY_PROJECTS, username=PROJECT_MANAGER)
        except KeyError:
            # The directory's group (ent.server.ldif puts county.agent in it): not Plone's to change.
            logger.warning("demo: %s is not in the directory's group %s", PROJECT_MANAGER, COUNTY_PROJECTS)
    created = 0
    for spec in project_specs():
        if any(obj.Title() == spec["title"] for obj in section.objectValues()):
            continue
        with_editor(COUNTY_EDITOR, lambda spec=spec: add_project(section, spec))
        created += 1
    project = next((obj for obj in section.objectValues() if obj.Title() == OPEN_PROJECT), None)
    if project is not None:
        created += create_project_registration(project)
    return created
