""" "Quel est mon collège ?" on the served demo (/sectorisation, its demo sectoring): the
answer for a whole commune and for a Toulouse street split by numbers, as anonymous and as
a parent, written as people write it; the candidates and whom to contact when the address is
incomplete or unknown; a house number that is not one, told next to its field; and in
Chromium the suggestions filled by the page's script, then the form sent from the keyboard."""

from axe_selenium_python import Axe
from lxml import html
from pathlib import Path
from urllib.parse import urlencode

import axe_core_python


#: The demo's sectoring (ent.policy.sectoring.demo): Aspet is served by Collège Armand Latour;
#: in Toulouse, rue de Metz's odd numbers by Pierre de Fermat, its even ones by Michelet.
LATOUR, FERMAT, MICHELET = "0310001H", "0311236A", "0311631E"


def lookup(demo, login=None, **form):
    page = demo.session(login).get(f"{demo.url}/sectorisation?{urlencode(form)}", timeout=120)
    assert page.status_code == 200, page.status_code
    return html.fromstring(page.content)


def state(tree) -> str:
    return tree.xpath("string(//div[contains(@class, 'ent-sectoring')]/@data-state)")


def schools(tree) -> list:
    return tree.xpath("//article[contains(@class, 'ent-sectoring-school')]/@data-uai")


def contact_links(tree) -> list:
    return tree.xpath("//aside[contains(@class, 'ent-sectoring-contact')]//a/@href")


def test_the_section_is_the_lookup_form(demo):
    tree = lookup(demo)
    assert state(tree) == "form"
    form = tree.xpath("//form[contains(@class, 'ent-sectoring-form')]")[0]
    assert form.get("method") == "get"
    # Each field has its label, and no answer is shown before anything is asked.
    for name, label in (("commune", "Commune"), ("street", "Rue"), ("number", "Numéro")):
        [field] = form.xpath(f".//input[@name='{name}']")
        assert form.xpath(f"normalize-space(.//label[@for='{field.get('id')}'])") == label
    assert not tree.xpath("//*[@id='ent-sectoring-result']")
    [script] = tree.xpath("//script[contains(@src, 'sectoring-lookup.js')]/@src")
    assert demo.session(None).get(script, timeout=60).status_code == 200
    # The script asks the completion endpoints the form names.
    assert form.get("data-communes-url").endswith("/@sectoring-communes")
    assert form.get("data-streets-url").endswith("/@sectoring-streets")


def test_whole_commune_for_anonymous_and_parent(demo):
    for login in (None, "0310001h.parent"):
        tree = lookup(demo, login, commune="aspet")
        assert state(tree) == "found", login
        assert schools(tree) == [LATOUR]
        card = tree.xpath("//article[contains(@class, 'ent-sectoring-school')]")[0]
        assert card.xpath("string(.//h3/a/@href)").endswith("/colleges/0310001h")
        assert card.xpath(".//a[starts-with(@href, 'tel:')]") and card.xpath(".//a[starts-with(@href, 'mailto:')]")
        assert "Aspet" in tree.xpath("normalize-space(//*[@id='ent-sectoring-result'])")


def test_street_split_by_numbers_written_as_people_write_it(demo):
    # Even numbers: Michelet; "r." and "bis" as people write them; the number in the street.
    assert schools(lookup(demo, commune="Toulouse", street="r. de Metz", number="12 bis")) == [MICHELET]
    assert schools(lookup(demo, commune="TOULOUSE", street="12, Rue de METZ")) == [MICHELET]
    assert schools(lookup(demo, commune="toulouse", street="rue de metz", number="13")) == [FERMAT]


def test_incomplete_or_unknown_addresses_get_candidates_and_whom_to_contact(demo):
    # No number on a shared street: its two collèges, and why.
    tree = lookup(demo, commune="Toulouse", street="rue de Metz")
    assert state(tree) == "candidates"
    assert sorted(schools(tree)) == sorted([FERMAT, MICHELET])
    assert "numéro" in tree.xpath("normalize-space(//p[contains(@class, 'ent-sectoring-reason')])")
    assert any(link.endswith("/aide-formation") for link in contact_links(tree))
    # An unknown street: the collèges of the commune, never an error page.
    tree = lookup(demo, commune="Toulouse", street="rue qui n'existe pas", number="3")
    assert state(tree) == "candidates" and len(schools(tree)) > 2 and contact_links(tree)
    # A word of several streets: those streets, each a link that answers.
    tree = lookup(demo, commune="Toulouse", street="saint")
    links = {
        a.text_content().strip(): a.get("href")
        for a in tree.xpath("//ul[contains(@class, 'ent-sectoring-street-choices')]//a")
    }
    assert {"Rue Saint Rome", "Place Saint Cyprien"} <= set(links)
    assert schools(html.fromstring(demo.session(None).get(links["Rue Saint Rome"], timeout=120).content)) == [FERMAT]
    # A commune outside the sectoring: whom to contact.
    tree = lookup(demo, commune="Paris", street="rue de Rivoli", number="1")
    assert state(tree) == "unknown-commune" and not schools(tree) and contact_links(tree)
    # Several communes: the choice, each leading to an answer.
    tree = lookup(demo, commune="saint")
    choices = tree.xpath("//ul[contains(@class, 'ent-sectoring-commune-choices')]//a/@href")
    assert state(tree) == "choose-commune" and len(choices) > 1
    chosen = html.fromstring(demo.session(None).get(choices[0], timeout=120).content)
    assert state(chosen) in ("found", "candidates") and schools(chosen)


def test_a_house_number_that_is_not_one_is_told_at_its_field(demo):
    tree = lookup(demo, commune="Toulouse", street="rue de Metz", number="douze")
    assert state(tree) == "error"
    assert not tree.xpath("//*[@id='ent-sectoring-result']")
    [field] = tree.xpath("//input[@name='number']")
    assert field.get("value") == "douze" and field.get("aria-invalid") == "true"
    message = tree.xpath(f"normalize-space(//*[@id='{field.get('aria-describedby').split()[0]}'])")
    assert message.startswith("Le numéro doit être un nombre")
    # The summary at the top links to the field.
    summary = tree.xpath("//div[@role='alert']//a")
    assert [(a.get("href"), a.text_content().strip()) for a in summary] == [("#ent-sectoring-number", message)]


AXE_CORE = Path(axe_core_python.__file__).parent / "axe.min.js"


def blocking_violations(driver):
    axe = Axe(driver, script_url=str(AXE_CORE))
    axe.inject()
    found = axe.run(options='{"resultTypes": ["violations"]}')["violations"]
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in found if v["impact"] in ("critical", "serious")]


def test_suggestions_then_the_keyboard(demo, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def options(datalist):
        return browser.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0] + ' option')).map(o => o.value)", datalist
        )

    browser.set_window_size(390, 844)
    browser.get(f"{demo.url}/sectorisation")
    commune = browser.find_element(By.ID, "ent-sectoring-commune")
    commune.send_keys("toul")
    WebDriverWait(browser, 20).until(lambda _driver: options("#ent-sectoring-communes"), "no commune suggested")
    assert "Toulouse" in options("#ent-sectoring-communes")
    # Choosing a suggestion writes it in the field (as the browser does when one is picked).
    commune.clear()
    commune.send_keys("Toulouse")
    street = browser.find_element(By.ID, "ent-sectoring-street")
    street.send_keys("metz")
    WebDriverWait(browser, 20).until(lambda _driver: options("#ent-sectoring-streets"), "no street suggested")
    assert "Rue de Metz" in options("#ent-sectoring-streets")
    street.clear()
    street.send_keys("Rue de Metz")
    number = browser.find_element(By.ID, "ent-sectoring-number")
    number.send_keys("12", Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.ID, "ent-sectoring-result"))
    cards = browser.find_elements(By.CSS_SELECTOR, "article.ent-sectoring-school")
    assert [card.get_attribute("data-uai") for card in cards] == [MICHELET]
    assert not blocking_violations(browser)
    # The error state, on a desktop.
    browser.set_window_size(1366, 900)
    browser.get(f"{demo.url}/sectorisation?commune=Toulouse&street=rue+de+Metz&number=douze")
    assert not blocking_violations(browser)
