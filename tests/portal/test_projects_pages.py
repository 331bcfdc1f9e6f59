"""County projects on the served demo: the /projets listing with each project's state and
places, a project's page as a visitor, a teacher, a parent and the projects' manager, the
teacher's form prefilled from the directory, the registration on the case screen and in
"Mes démarches", and the project's page on a phone. Read-only: the demo's registration is
the one `ent.policy.demo_projects` made."""

from lxml import html
from support.pages import log_in

import datetime


OPEN = "Collégiens au cœur de la Garonne"
CLOSED = "Concours « Raconte ton collège »"
REFERENCE = f"P-{datetime.date.today().year}-00001"


def cards(page):
    """{title: (state, places)} of the listing's cards, in their order."""
    tree = html.fromstring(page.content)
    return {
        card.xpath("normalize-space(.//h2)"): (
            card.get("data-state"),
            card.xpath("normalize-space(.//*[contains(@class, 'ent-project-places')])"),
        )
        for card in tree.xpath("//article[contains(@class, 'ent-project-card')]")
    }


def project_url(demo, title=OPEN):
    page = demo.session(None).get(f"{demo.url}/projets", timeout=120)
    return html.fromstring(page.content).xpath(f'//article//h2/a[normalize-space()="{title}"]/@href')[0]


def test_listing_states_and_places(demo):
    found = cards(demo.session(None).get(f"{demo.url}/projets", timeout=120))
    # The demo teacher's registration holds one of the three places.
    assert found[OPEN] == ("open", "2 places restantes sur 3")
    assert found[CLOSED] == ("closed", "")
    assert list(found) == [OPEN, CLOSED]


def test_visitor_is_asked_to_log_in(demo):
    page = demo.session(None).get(project_url(demo), timeout=120)
    tree = html.fromstring(page.content)
    [link] = tree.xpath("//a[normalize-space()='Se connecter pour inscrire une classe']/@href")
    assert "/login?came_from=" in link and "inscription" in link
    assert "Niveaux concernés" in page.text and "5e, 4e" in page.text


def test_teacher_registers_with_a_prefilled_form(demo):
    teacher = demo.session("0310001h.teacher")
    page = teacher.get(project_url(demo), timeout=120)
    [register] = html.fromstring(page.content).xpath("//a[normalize-space()='Inscrire une classe']/@href")
    form = html.fromstring(teacher.get(register, timeout=120).content)
    assert form.xpath("//select[@name='form.widgets.school:list']/option[@selected]/@value") == ["0310001H"]
    assert form.xpath("//input[@name='form.widgets.email']/@value") == ["0310001h.teacher@ent.example"]
    assert form.xpath("//input[@name='form.widgets.teacher']/@value")[0]
    assert form.xpath("//h1[normalize-space()='Inscription — " + OPEN + "']")
    # Their registration, in Mon ENT's "Mes démarches".
    assert REFERENCE in teacher.get(f"{demo.url}/@@mon-ent", timeout=120).text


def test_parent_is_told_it_is_for_school_staff(demo):
    parent = demo.session("0310001h.parent")
    page = parent.get(project_url(demo), timeout=120)
    assert "réservées aux personnels des collèges" in page.text
    assert not html.fromstring(page.content).xpath("//a[normalize-space()='Inscrire une classe']")
    form = parent.get(project_url(demo) + "/inscription", timeout=120)
    assert "réservées aux personnels des collèges" in form.text and "form.buttons.submit" not in form.text


def test_manager_sees_the_registrations(demo):
    agent = demo.session("county.agent")
    page = html.fromstring(agent.get(project_url(demo), timeout=120).content)
    [link] = page.xpath("//a[normalize-space()='Voir les inscriptions']/@href")
    screen = agent.get(link, timeout=120)
    assert screen.status_code == 200 and REFERENCE in screen.text
    options = html.fromstring(screen.content).xpath("//select[@name='source']/option/text()")
    assert OPEN in [option.strip() for option in options]
    export = agent.get(f"{demo.url}/dossiers/projets/@@cases-export?format=csv", timeout=120)
    assert export.status_code == 200 and REFERENCE in export.content.decode("utf-8-sig")
    # A parent finds no registrations there.
    assert demo.session("0310001h.parent").get(link, timeout=120).status_code == 404


def test_project_page_on_a_phone(demo, browser):
    log_in(browser, demo.url, "0310001h.teacher", "demo")
    browser.set_window_size(390, 844)
    browser.get(project_url(demo))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    assert browser.find_element("css selector", ".ent-project-register-button").is_displayed()
