"""The members screen of a demo space (`@@workspace-members` on "Échange de recettes"), as
`make run` serves it: its manager (`county.agent`) finds a directory group, adds it, changes
its role and removes it in Chromium; a person of that group finds the space (search
included) while it is in, and no longer once it is removed. Every refusal is shown in
French on the screen with nothing changed."""

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from support.demo_instance import PEOPLE
from support.pages import log_in

import re


SPACE = "espaces/echange-de-recettes"
MANAGER = PEOPLE["county-agent"]
#: A member who does not manage (an ATTEE agent, through the group `all-attee`).
MEMBER = "0310001h.attee"
#: A person outside the space, and a group of theirs the test adds.
PERSON = PEOPLE["parent"]
GROUP = "0310001h-parent"
JSON = {"Accept": "application/json"}


def screen_url(demo):
    return f"{demo.url}/{SPACE}/@@workspace-members"


def roster(demo) -> list:
    answer = demo.session(MANAGER).get(f"{demo.url}/{SPACE}/@workspace-members", headers=JSON, timeout=60)
    assert answer.status_code == 200, answer.text
    return [(item["id"], item["role"]) for item in answer.json()["items"]]


def finds_the_space(demo, login) -> bool:
    """Whether `login` finds the space by the site's search and opens it."""
    session = demo.session(login)
    found = session.get(f"{demo.url}/@search", params={"portal_type": "Workspace"}, headers=JSON, timeout=60).json()[
        "items"
    ]
    listed = any(item["@id"].endswith(SPACE) for item in found)
    opens = session.get(f"{demo.url}/{SPACE}", timeout=60).status_code == 200
    assert listed == opens, (listed, opens)
    return listed


def wait_for_row(browser, principal_id, role=None, present=True):
    def check(driver):
        rows = driver.find_elements(By.CSS_SELECTOR, f'.ent-workspace-members-items li[data-id="{principal_id}"]')
        if not present:
            return not rows
        return rows and (role is None or rows[0].get_attribute("data-role") == role)

    # A button submits the form: until the new page is there the old one's row may be found,
    # then replaced while it is read (a stale element): look again.
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        check, f"{principal_id} {role} {present}"
    )


def test_a_manager_adds_a_group_changes_its_role_and_removes_it(demo, browser):
    before = roster(demo)
    assert (MANAGER, "manager") in before and GROUP not in dict(before)
    assert not finds_the_space(demo, PERSON)
    # Tall enough to show the whole screen: with Plone's toolbar the page scrolls inside its
    # wrapper, not the window, which Selenium's clicks do not scroll.
    browser.set_window_size(1366, 2400)
    log_in(browser, demo.url, MANAGER, demo.password(MANAGER))
    try:
        browser.get(screen_url(demo))
        search = browser.find_element(By.ID, "ent-workspace-members-q")
        search.send_keys("0310001h-par")
        search.submit()
        found = WebDriverWait(browser, 30).until(
            lambda driver: driver.find_elements(
                By.CSS_SELECTOR, f'.ent-workspace-members-results li[data-id="{GROUP}"]'
            )
        )[0]
        Select(found.find_element(By.NAME, "role")).select_by_value("member")
        found.find_element(By.NAME, "form.buttons.add").click()
        wait_for_row(browser, GROUP, "member")
        assert "a été ajouté" in browser.page_source
        # The whole group is one entry; its people find the space, by search too.
        assert (GROUP, "member") in roster(demo)
        assert finds_the_space(demo, PERSON)

        row = browser.find_element(By.CSS_SELECTOR, f'.ent-workspace-members-items li[data-id="{GROUP}"]')
        Select(row.find_element(By.NAME, "role")).select_by_value("editor")
        row.find_element(By.NAME, "form.buttons.change").click()
        wait_for_row(browser, GROUP, "editor")

        row = browser.find_element(By.CSS_SELECTOR, f'.ent-workspace-members-items li[data-id="{GROUP}"]')
        row.find_element(By.NAME, "form.buttons.remove").click()
        wait_for_row(browser, GROUP, present=False)
        assert "n'est plus membre" in browser.page_source
        # At once: the group's people no longer find the space, nor open it.
        assert not finds_the_space(demo, PERSON)
    finally:
        demo.session(MANAGER).delete(f"{demo.url}/{SPACE}/@workspace-members/{GROUP}", headers=JSON, timeout=60)
    assert roster(demo) == before


def authenticator(session, url) -> str:
    page = session.get(url, timeout=60).text
    return re.search(r'name="_authenticator"[^>]*value="([^"]+)"', page).group(1)


def refusal(demo, login, token_page, **form):
    session = demo.session(login)
    data = {"_authenticator": authenticator(session, token_page), **form}
    return session.post(screen_url(demo), data=data, timeout=60)


def alert(page) -> str:
    found = re.search(r'ent-workspace-members-error"[^>]*>([^<]+)<', page.text)
    return found.group(1).strip() if found else ""


def test_every_refusal_is_told_on_the_screen_and_changes_nothing(demo):
    before = roster(demo)
    screen = screen_url(demo)
    cases = {
        "unknown person": dict(id="personne.inconnue", role="member", **{"form.buttons.add": "1"}),
        "unknown group": dict(id="all-inconnus", role="member", **{"form.buttons.add": "1"}),
        "unknown role": dict(id=PERSON, role="owner", **{"form.buttons.add": "1"}),
        "last manager removed": dict(id=MANAGER, **{"form.buttons.remove": "1"}),
        "last manager demoted": dict(id=MANAGER, role="member", **{"form.buttons.change": "1"}),
    }
    for case, form in cases.items():
        page = refusal(demo, MANAGER, screen, **form)
        assert page.status_code == 400, case
        assert alert(page), f"{case}: no message"
        assert roster(demo) == before, case
    # A member who does not manage reads the list, and is refused any change.
    page = demo.session(MEMBER).get(screen, timeout=60)
    assert page.status_code == 200
    assert "Seuls les gestionnaires" in page.text and "form.buttons.remove" not in page.text
    denied = refusal(
        demo, MEMBER, f"{demo.url}/@@personal-preferences", id=MEMBER, role="manager", **{"form.buttons.add": "1"}
    )
    assert denied.status_code == 403 and alert(denied)
    assert roster(demo) == before
    # Someone outside the space finds no screen.
    assert demo.session(PERSON).get(screen, timeout=60).status_code == 404
