""" "Mon ENT" and the alert banner in a real browser: what a person sees after logging in."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from support.audience_site import announce
from support.audience_site import OWN
from support.audience_site import PASSWORD


own = OWN.lower()


def log_in(browser, url, login):
    browser.get(f"{url}/login")
    browser.find_element(By.ID, "__ac_name").send_keys(login)
    browser.find_element(By.ID, "__ac_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit], #login-form input[type=submit]").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("@@mon-ent"))


def entries(browser):
    return [
        (
            entry.find_element(By.CSS_SELECTOR, ".ent-feed-origin").text,
            entry.find_element(By.CSS_SELECTOR, ".ent-feed-title").text,
        )
        for entry in browser.find_elements(By.CSS_SELECTOR, ".ent-feed-entry")
    ]


def test_a_parent_lands_on_mon_ent(browser, url, items):  # noqa: F811
    log_in(browser, url, f"{own}.parent")
    shown = entries(browser)
    assert [title for _, title in shown] == [
        items[k]
        for k in ("own-event", "own-parents", "own-public", "county-own-parents", "county-all-parents", "county-public")
    ]
    assert ("Collège Armand Latour", items["own-parents"]) in shown
    assert ("Département", items["county-public"]) in shown
    assert browser.find_element(By.CSS_SELECTOR, ".ent-feed-entry").is_displayed()

    Select(browser.find_element(By.ID, "ent-feed-school")).select_by_visible_text("Département")
    browser.find_element(By.CSS_SELECTOR, ".ent-feed-filters button[type=submit]").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("school=county"))
    assert {origin for origin, _ in entries(browser)} == {"Département"}


def test_the_banner_for_its_audience_only(browser, url, items):  # noqa: F811
    now = datetime.now(UTC)
    announce(
        url,
        f"colleges/{own}/actualites",
        f"{own}.principal",
        "Collège fermé demain",
        now - timedelta(minutes=1),
        now + timedelta(hours=1),
        audience=["parent"],
    )
    browser.get(f"{url}/colleges/{own}")
    assert browser.find_elements(By.CSS_SELECTOR, ".ent-alert") == []

    log_in(browser, url, f"{own}.parent")
    for page in (f"{url}/colleges/{own}", f"{url}/colleges/{own}/agenda"):
        browser.get(page)
        banner = browser.find_element(By.CSS_SELECTOR, ".ent-alert")
        assert banner.is_displayed()
        assert banner.text == "Collège fermé demain"


def test_an_editor_writes_for_parents_with_the_form(browser, url):  # noqa: F811
    """The principal ticks "parents" in the add form, publishes; parents see it, teachers do not."""
    log_in(browser, url, f"{own}.principal")
    browser.get(f"{url}/colleges/{own}/actualites/++add++News Item")
    browser.find_element(By.ID, "form-widgets-IDublinCore-title").send_keys("Réunion des parents")
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name='form.widgets.IAudience.audience:list']")
    ticked = {box.get_attribute("value") for box in boxes if box.is_selected()}
    assert ticked == {"student", "parent", "teacher", "staff", "principal", "attee"}  # a school's members
    for box in boxes:
        if box.is_selected() != (box.get_attribute("value") == "parent"):
            browser.execute_script("arguments[0].click()", box)

    # Nothing ticked is refused with a message, and the form keeps what was typed.
    browser.execute_script(
        "arguments[0].click()",
        browser.find_element(By.CSS_SELECTOR, "input[value='parent'][name='form.widgets.IAudience.audience:list']"),
    )
    browser.execute_script("arguments[0].click()", browser.find_element(By.ID, "form-buttons-save"))
    error = WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located(
            (
                By.CSS_SELECTOR,
                "#formfield-form-widgets-IAudience-audience .invalid-feedback, #formfield-form-widgets-IAudience-audience .fieldErrorBox",
            )
        )
    )
    assert error.get_attribute("textContent").strip()
    assert browser.find_element(By.ID, "form-widgets-IDublinCore-title").get_attribute("value") == "Réunion des parents"

    browser.execute_script(
        "arguments[0].click()",
        browser.find_element(By.CSS_SELECTOR, "input[value='parent'][name='form.widgets.IAudience.audience:list']"),
    )
    browser.execute_script("arguments[0].click()", browser.find_element(By.ID, "form-buttons-save"))
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("reunion-des-parents"))
    publish = [
        a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href*='workflow_action=publish']")
    ]
    assert len(publish) == 1 and "workflow_action=publish_internal" in publish[0], publish
    browser.get(publish[0])
    browser.delete_all_cookies()

    log_in(browser, url, f"{own}.parent")
    assert ("Collège Armand Latour", "Réunion des parents") in entries(browser)
    browser.delete_all_cookies()
    log_in(browser, url, f"{own}.teacher")
    assert "Réunion des parents" not in [title for _, title in entries(browser)]
