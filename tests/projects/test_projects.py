"""County projects (ent.policy.content.project, ent.policy.cases.projects): the type and its
form, who may register a class (school staff only), the window, the registration limit,
two registrations at once for the last place, and a teacher's registration over HTTP
becoming a case `P-…` that the projects' managers see on the case screen."""

from cases.conftest import PASSWORD
from ent.policy.cases.errors import CaseRefused
from ent.policy.cases.mails import unannounced
from ent.policy.cases.projects import register
from lxml import html
from plone import api
from plone.app.testing import PLONE_SITE_ID
from Products.CMFCore.indexing import processQueue
from projects.conftest import add_project
from projects.conftest import answers
from projects.conftest import DAY
from projects.conftest import EDITOR
from projects.conftest import make_people
from projects.conftest import MANAGER
from projects.conftest import OTHER_UAI
from projects.conftest import PARENT
from projects.conftest import PRINCIPAL
from projects.conftest import PUPIL
from projects.conftest import TEACHER
from projects.conftest import TODAY
from projects.conftest import UAI
from Testing.makerequest import makerequest
from zExceptions import Unauthorized
from ZODB.POSException import ConflictError
from zope.component.hooks import getSite
from zope.component.hooks import setSite

import pytest
import requests
import transaction


def registrations(portal):
    catalog = api.portal.get_tool("portal_catalog")
    return [
        b._unrestrictedGetObject() for b in catalog.unrestrictedSearchResults(portal_type="Case", case_kind="project")
    ]


def register_as(login, project, **kw):
    with api.env.adopt_user(username=login):
        return register(project, api.user.get_current(), answers(**kw), school=kw.get("school", UAI))


class TestType:
    def test_creation_gives_the_project_its_form(self, portal):
        make_people(portal)
        project = add_project(portal)
        form = project["inscription"]
        assert form.portal_type == "EasyForm" and api.content.get_state(form) == "published"
        assert "class_name" in form.fields_model and "<kind>project</kind>" in form.actions_model

    def test_only_in_the_projects_section(self, portal):
        make_people(portal)
        with api.env.adopt_user(username=EDITOR):
            with pytest.raises((ValueError, api.exc.InvalidParameterError, Unauthorized)):
                api.content.create(container=portal["aides"], type="Project", title="Ailleurs")
            assert "Project" in [fti.getId() for fti in portal["projets"].allowedContentTypes()]
            assert "Project" not in [fti.getId() for fti in portal["actualites"].allowedContentTypes()]

    def test_states(self, portal):
        make_people(portal)
        assert add_project(portal, "Ouvert").registration_state().sentence.startswith("Inscriptions ouvertes jusqu'au")
        later = add_project(portal, "Plus tard", opens=TODAY + 5 * DAY, closes=TODAY + 9 * DAY)
        assert later.registration_state().state == "upcoming"
        assert later.registration_state().sentence.startswith("Inscriptions à partir du ")
        past = add_project(portal, "Passé", opens=TODAY - 9 * DAY, closes=TODAY - DAY)
        assert past.registration_state().sentence.startswith("Inscriptions closes depuis le ")


class TestRegister:
    def test_teacher_and_principal_register_a_case_p(self, portal):
        make_people(portal)
        project = add_project(portal, limit=5)
        case = register_as(TEACHER, project)
        assert case.reference.startswith("P-") and case.kind == "project" and case.school == UAI
        assert "/dossiers/projets/" in case.absolute_url()
        register_as(PRINCIPAL, project, class_name="3e A")
        assert project.taken() == 2 and project.places_sentence() == "3 places restantes sur 5"
        assert project.registrations_taken == 2

    @pytest.mark.parametrize("login", [PARENT, PUPIL, MANAGER])
    def test_not_school_staff_refused(self, portal, login):
        make_people(portal)
        project = add_project(portal)
        with pytest.raises(CaseRefused, match="réservées aux personnels des collèges"):
            register_as(login, project)
        assert registrations(portal) == []

    def test_another_school_refused(self, portal):
        make_people(portal)
        project = add_project(portal)
        with pytest.raises(CaseRefused, match="votre collège"):
            register_as(TEACHER, project, school=OTHER_UAI)

    def test_closed_refused_with_the_date(self, portal):
        make_people(portal)
        project = add_project(portal, opens=TODAY - 9 * DAY, closes=TODAY - DAY)
        with pytest.raises(CaseRefused, match="inscriptions closes depuis le"):
            register_as(TEACHER, project)

    def test_limit_and_a_refusal_frees_a_place(self, portal):
        make_people(portal)
        project = add_project(portal, limit=2)
        first = register_as(TEACHER, project, class_name="5e A")
        register_as(TEACHER, project, class_name="5e B")
        assert project.registration_state().state == "full"
        with pytest.raises(CaseRefused, match="complet : les 2 places sont prises"):
            register_as(PRINCIPAL, project, class_name="4e C")
        assert len(registrations(portal)) == 2
        # The managers refuse one: its place is free again.
        with api.env.adopt_user(username=MANAGER):
            api.content.transition(obj=first, transition="refuse", comment="Classe déjà inscrite l'an dernier.")
        assert project.registration_state().state == "open"
        register_as(PRINCIPAL, project, class_name="4e C")

    def test_no_limit(self, portal):
        make_people(portal)
        project = add_project(portal, limit=None)
        for name in ("6e A", "6e B", "6e C"):
            register_as(TEACHER, project, class_name=name)
        assert project.registration_state().is_open and project.places_sentence() == ""


class TestLastPlace:
    def test_two_registrations_at_once_do_not_both_take_the_last_place(self, functional_portal):
        """Two transactions register for the one place left: the second to commit conflicts
        (the counter on the project), and its retry, as the publisher would, is refused."""
        portal = functional_portal
        make_people(portal)
        project = add_project(portal, limit=1)
        project_id = project.getId()
        transaction.commit()
        project_oid = project._p_oid
        db = portal._p_jar.db()
        site = getSite()
        managers = [transaction.TransactionManager() for _ in range(2)]
        connections = [db.open(transaction_manager=tm) for tm in managers]

        def attempt(index, class_name):
            # A fresh view of the database, as a request (or its retry) gets.
            managers[index].begin()
            app = makerequest(connections[index].root()["Application"])
            setSite(app[PLONE_SITE_ID])
            with unannounced():
                case = register_as(TEACHER, app[PLONE_SITE_ID]["projets"][project_id], class_name=class_name)
            # The catalog's queue is the thread's: flushed into this connection's catalog, as
            # a request's is before its commit.
            processQueue()
            return case

        try:
            attempt(0, "5e A")
            attempt(1, "5e B")
            managers[0].commit()
            with pytest.raises(ConflictError) as conflict:
                managers[1].commit()
            # On the project's counter (written first), not only on the cases' numbering.
            assert conflict.value.oid == project_oid
            managers[1].abort()
            # The retry sees the first registration: the project is full.
            with pytest.raises(CaseRefused, match="complet"):
                attempt(1, "5e B")
        finally:
            for tm in managers:
                tm.abort()
            for connection in connections:
                connection.close()
            setSite(site)
        transaction.begin()
        assert [case.answers[1][2] for case in registrations(portal)] == ["5e A"]


@pytest.fixture
def served(functional_portal):
    make_people(functional_portal)
    project = add_project(functional_portal, limit=1)
    transaction.commit()
    return functional_portal, project.absolute_url()


def session(login):
    http = requests.Session()
    http.auth = (login, PASSWORD)
    return http


def post_form(http, form_url, fields, token_from=None):
    # A page without the form (a full project) gives no token: another form of the site does.
    page = http.get(token_from or form_url, timeout=60)
    assert page.status_code == 200, page.text[:300]
    token = page.text.split('name="_authenticator" value="', 1)[1].split('"', 1)[0]
    data = {
        "form.widgets.school:list": UAI,
        "form.widgets.class_name": "5e B",
        "form.widgets.pupils": "26",
        "form.widgets.teacher": "Claude Bernard",
        "form.widgets.email": "claude@example.org",
        "form.buttons.submit": "Inscrire la classe",
        "_authenticator": token,
        **fields,
    }
    return http.post(form_url, data=data, timeout=60)


class TestForm:
    def test_teacher_registers_then_the_form_is_full(self, served):
        portal, url = served
        teacher = session(TEACHER)
        page = teacher.get(f"{url}/inscription", timeout=60)
        tree = html.fromstring(page.content)
        # Prefilled from the directory: their school and their name.
        assert tree.xpath("//select[@name='form.widgets.school:list']/option[@selected]/@value") == [UAI]
        assert tree.xpath("//input[@name='form.widgets.teacher']/@value") == ["Claude Bernard"]
        response = post_form(teacher, f"{url}/inscription", {})
        transaction.begin()
        [case] = registrations(portal)
        assert case.reference in response.text and "Votre inscription est enregistrée" in response.text
        # The one place is taken: the form says so and takes nothing.
        again = teacher.get(f"{url}/inscription", timeout=60)
        assert "Complet : la place est prise" in again.text and "form.buttons.submit" not in again.text
        refused = post_form(
            session(PRINCIPAL),
            f"{url}/inscription",
            {"form.widgets.class_name": "3e A"},
            token_from=f"{portal.absolute_url()}/@@personal-information",
        )
        assert "complet : la place est prise" in refused.text.lower()
        transaction.begin()
        assert len(registrations(portal)) == 1
        # The managers see it on the case screen, the project offered in its filter; others do not.
        screen = session(MANAGER).get(f"{portal.absolute_url()}/dossiers/@@cases", timeout=60)
        assert case.reference in screen.text
        assert html.fromstring(screen.content).xpath(
            "//select[@name='source']/option[normalize-space()='Classe Garonne']"
        )
        assert session(PARENT).get(f"{portal.absolute_url()}/dossiers/projets/@@cases", timeout=60).status_code == 404

    def test_parent_is_told_registrations_are_for_staff(self, served):
        portal, url = served
        page = session(PARENT).get(f"{url}/inscription", timeout=60)
        assert "réservées aux personnels des collèges" in page.text and "form.buttons.submit" not in page.text
        project_page = session(PARENT).get(url, timeout=60)
        assert "réservées aux personnels des collèges" in project_page.text
        assert "Inscrire une classe" not in project_page.text
        anonymous = requests.get(url, timeout=60).text
        assert "Se connecter pour inscrire une classe" in anonymous
