"""Fixtures of the project tests: a school with a teacher, a parent, a project manager
(county-projects), a County editor; the outbox of tests/cases."""

from cases.conftest import mail_dir  # noqa: F401 (the outbox of each test)
from cases.conftest import PASSWORD
from ent.policy.groups import COUNTY_EDITORS
from ent.policy.groups import COUNTY_PROJECTS
from plone import api
from support.schools_data import add_school

import datetime


UAI = "0310001H"
OTHER_UAI = "0310003K"
TEACHER = "0310001h.teacher"
PRINCIPAL = "0310001h.principal"
PARENT = "0310001h.parent"
PUPIL = "0310001h.student"
MANAGER = "county.projects"
EDITOR = "county.editor"
ACCOUNTS = {
    TEACHER: ("Claude Bernard", ["0310001h-teacher", "all-teacher"]),
    PRINCIPAL: ("Sacha Petit", ["0310001h-principal", "all-principal"]),
    PARENT: ("Camille Martin", ["0310001h-parent", "all-parent"]),
    PUPIL: ("Léo Martin", ["0310001h-student", "all-student"]),
    MANAGER: ("Agent Projets", [COUNTY_PROJECTS, "all-county"]),
    EDITOR: ("Agent Éditeur", [COUNTY_EDITORS, "all-county"]),
}
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def make_people(portal):
    add_school(portal, UAI, "Collège Armand Latour")
    add_school(portal, OTHER_UAI, "Collège Emile-Paul Vayssie")
    with api.env.adopt_roles(["Manager"]):
        for login, (fullname, groups) in ACCOUNTS.items():
            api.user.create(
                email=f"{login}@example.org", username=login, password=PASSWORD, properties={"fullname": fullname}
            )
            for group in groups:
                api.group.add_user(groupname=group, username=login)


def add_project(portal, title="Classe Garonne", opens=TODAY - DAY, closes=TODAY + 30 * DAY, limit=2):
    with api.env.adopt_user(username=EDITOR):
        project = api.content.create(
            container=portal["projets"],
            type="Project",
            title=title,
            description="Une journée au bord du fleuve.",
            levels=["5e", "4e"],
            opens=opens,
            closes=closes,
            limit=limit,
            contact="Direction de l'éducation",
        )
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=project, transition="publish")
    return project


def answers(class_name="5e B", school=UAI):
    return [
        ("school", "Collège", school),
        ("class_name", "Classe", class_name),
        ("pupils", "Nombre d'élèves", "25"),
        ("teacher", "Enseignant responsable", "Claude Bernard"),
    ]
