"""The aids of the served demo: the /aides listing (window states, the beneficiary filter
without JavaScript), an aid's page for anonymous people and for a parent, the parent's
form prefilled from the directory (names, e-mail, the child and its collège), and a County
editor adapting a form in easyform's field editor."""

from lxml import html

import re


OPEN = "Aide à la restauration scolaire"
UPCOMING = "Aide au premier équipement informatique"
CLOSED = "Aide aux séjours linguistiques"


def cards(page):
    """{title: (state, sentence)} of the listing's cards."""
    tree = html.fromstring(page.content)
    return {
        card.xpath("normalize-space(.//h2)"): (
            card.get("data-state"),
            card.xpath("normalize-space(.//*[contains(@class, 'ent-aid-sentence')])"),
        )
        for card in tree.xpath("//article[contains(@class, 'ent-aid-card')]")
    }


def test_listing_states_and_beneficiary_filter(demo):
    visitor = demo.session(None)
    found = cards(visitor.get(f"{demo.url}/aides", timeout=120))
    assert found[OPEN][0] == "open" and found[OPEN][1].startswith("Ouverte jusqu'au ")
    assert found[UPCOMING][0] == "upcoming" and found[UPCOMING][1].startswith("Ouvre le ")
    assert found[CLOSED][0] == "closed" and found[CLOSED][1].startswith("Clôturée depuis le ")
    # Open first, closed last.
    assert list(found)[0] == OPEN and list(found)[-1] == CLOSED
    # The filter is a link: it works without JavaScript and stays in the URL.
    page = visitor.get(f"{demo.url}/aides", timeout=120)
    link = html.fromstring(page.content).xpath(
        "//nav[contains(@class, 'ent-aids-filter')]//a[normalize-space()='Collégiens']/@href"
    )[0]
    assert link.endswith("?beneficiary=pupils")
    filtered = visitor.get(link, timeout=120)
    assert set(cards(filtered)) == {UPCOMING, CLOSED}
    current = html.fromstring(filtered.content).xpath("//a[@aria-current='page']")
    assert [a.text_content().strip() for a in current] == ["Collégiens"]


def aid_url(demo, title):
    page = demo.session(None).get(f"{demo.url}/aides", timeout=120)
    return html.fromstring(page.content).xpath(f'//article//h2/a[normalize-space()="{title}"]/@href')[0]


def test_anonymous_is_asked_to_log_in(demo):
    page = demo.session(None).get(aid_url(demo, OPEN), timeout=120)
    tree = html.fromstring(page.content)
    [link] = tree.xpath("//a[normalize-space()='Se connecter pour déposer une demande']/@href")
    assert "/login?came_from=" in link and "formulaire" in link
    assert "Déposer une demande" not in page.text.replace("pour déposer une demande", "")


def test_nothing_to_apply_when_not_open(demo):
    parent = demo.session("0310001h.parent")
    for title, says in ((UPCOMING, "Ouvre le "), (CLOSED, "Clôturée depuis le ")):
        page = parent.get(aid_url(demo, title), timeout=120)
        assert says in page.text
        assert not html.fromstring(page.content).xpath("//a[contains(@class, 'ent-aid-apply-button')]")


def test_parent_form_prefilled_from_the_directory(demo):
    parent = demo.session("0310001h.parent")
    page = parent.get(aid_url(demo, OPEN), timeout=120)
    [apply] = html.fromstring(page.content).xpath("//a[normalize-space()='Déposer une demande']/@href")
    form = html.fromstring(parent.get(apply, timeout=120).content)

    def value(name):
        return form.xpath(f"//input[@name='form.widgets.{name}']/@value")[0]

    assert value("email") == "0310001h.parent@ent.example"
    assert value("last_name") and value("first_name")  # sn and givenName of the demo directory
    children = form.xpath("//select[@name='form.widgets.child:list']/option[@value!='--NOVALUE--']")
    assert [(o.get("value"), o.get("selected")) for o in children] == [("0310001h.student", "selected")]
    school = form.xpath("//select[@name='form.widgets.school:list']/option[@selected]/@value")
    assert school == ["0310001H"]
    assert form.xpath("//input[@name='protected_1']")  # the honeypot


def test_editor_adapts_a_form(demo):
    editor = demo.session("county.agent")
    form_url = aid_url(demo, CLOSED) + "/formulaire"
    page = editor.get(f"{form_url}/@@fields/@@add-field", timeout=120)
    assert page.status_code == 200
    token = re.search(r'name="_authenticator" type="hidden" value="([^"]+)"', page.text).group(1)
    added = editor.post(
        f"{form_url}/@@fields/@@add-field",
        data={
            "form.widgets.title": "Numéro d'allocataire CAF",
            "form.widgets.__name__": "caf_number",
            "form.widgets.factory:list": "label_textline_field",
            "form.widgets.factory-empty-marker": "1",
            "form.widgets.required-empty-marker": "1",
            "form.widgets.fieldset_id": "0",
            "form.buttons.add": "Ajouter",
            "_authenticator": token,
        },
        timeout=120,
    )
    assert added.status_code == 200
    model = editor.get(f"{form_url}/@@fields", timeout=120).text
    assert "caf_number" in model
