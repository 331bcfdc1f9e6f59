"""The pages people meet on the demo site, the one list that the accessibility tests
(tests/portal/test_accessibility.py) and `make screenshots` (scripts/screenshots.py) go
through: each as the kind of user who reads it, at a desktop's and a phone's width."""

from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlencode
from urllib.parse import urlparse

import datetime
import requests


# A desktop (the most common laptop width) and a phone (iPhone 12 to 15); the heights are the
# first screen's, screenshots take the whole page.
WIDTHS = {1366: 900, 390: 844}


@dataclass(frozen=True)
class Page:
    name: str
    path: str = ""
    login: str | None = None
    # Catalog query (REST @search) for a page whose address the demo decides: its newest match.
    find: dict = field(default_factory=dict)

    def url(self, base: str) -> str:
        if not self.find:
            return f"{base}/{self.path}" if self.path else base
        query = {**self.find, "sort_on": "effective", "sort_order": "descending", "b_size": 1}
        if "path" in query:  # under the site, wherever it is served
            query["path"] = f"{urlparse(base).path}/{query['path']}"
        answer = requests.get(f"{base}/@search?{urlencode(query)}", headers={"Accept": "application/json"}, timeout=60)
        answer.raise_for_status()
        items = answer.json()["items"]
        assert items, f"the demo has no page for {self.name}: {self.find}"
        return items[0]["@id"]


SCHOOL = "colleges/0310001h"
#: The demo's open aid (ent.policy.demo_services), and the first case of its demo parent: the
#: demo makes it at the site's creation, numbered in that year.
OPEN_AID = "aides/aide-a-la-restauration-scolaire"
FIRST_CASE = f"dossiers/aides/a-{datetime.date.today().year}-00001"
#: The demo's open County project (ent.policy.demo_projects).
OPEN_PROJECT = "projets/collegiens-au-coeur-de-la-garonne"

PAGES = (
    Page("county-home"),
    Page("school-home", SCHOOL),
    Page("news-item", find={"portal_type": "News Item", "review_state": "published"}),
    Page("event", find={"portal_type": "Event", "review_state": "published", "path": SCHOOL}),
    Page("agenda", f"{SCHOOL}/agenda"),
    Page("schools-finder", "colleges"),
    Page("mon-ent", "@@mon-ent", login="0310001h.parent"),
    Page("login", "login"),
    Page("search", "@@search?SearchableText=collège"),
    Page("add-form", f"{SCHOOL}/actualites/++add++News Item", login="0310001h.principal"),
    Page("aids", "aides"),
    Page("aid", OPEN_AID),
    Page("aid-form", f"{OPEN_AID}/formulaire", login="0310001h.parent"),
    Page("case", FIRST_CASE, login="0310001h.parent"),
    Page("case-screen", "dossiers/aides/@@cases", login="county.agent"),
    Page("help-centre", "aide-formation"),
    Page("faq", "aide-formation/questions-frequentes"),
    Page("support-form", "aide-formation/demande-assistance", login="0310001h.teacher"),
    Page("county-agenda", "culture-loisirs"),
    Page("agenda-parent", f"{SCHOOL}/agenda", login="0310001h.parent"),
    Page("projects", "projets"),
    Page("project", OPEN_PROJECT, login="0310001h.parent"),
    Page("project-form", f"{OPEN_PROJECT}/inscription", login="0310001h.teacher"),
    # "Quel est mon collège ?" on a street shared by two collèges: the candidates, whom to contact.
    Page("sectoring", "sectorisation?commune=Toulouse&street=rue+de+Metz"),
)


def log_in(driver, base: str, login: str, password: str):
    """Log in through the site's own form, as a person does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "__ac_name").send_keys(login)
    driver.find_element(By.NAME, "__ac_password").send_keys(password)
    driver.find_element(By.NAME, "buttons.login").click()
    WebDriverWait(driver, 30).until(
        lambda driver: any(cookie["name"] == "__ac" for cookie in driver.get_cookies()),
        f"{login} could not log in",
    )


def open_page(driver, base: str, page: Page, width: int, password: str = "demo"):
    """`page` in `driver` at `width`, logged in as its reader first."""
    driver.set_window_size(width, WIDTHS[width])
    if page.login:
        log_in(driver, base, page.login, password)
    driver.get(page.url(base))
    wait_for_editors(driver)


def wait_for_editors(driver, timeout: int = 30):
    """Until every rich text field shows its editor (TinyMCE, started by Plone's scripts
    after the page has loaded): the page as its reader meets it, checked whole."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda driver: driver.execute_script(
            "return document.querySelectorAll('textarea.richTextWidget').length"
            " <= document.querySelectorAll('.tox-tinymce .tox-edit-area iframe').length"
        ),
        "the rich text editor did not start",
    )


#: The members screen of a demo space, as its manager sees it (issue 14, ent.policy.workspaces.demo).
PAGES += (
    Page("workspace-members", "espaces/echange-de-recettes/@@workspace-members?q=0310001h", login="county.agent"),
)

#: Inside the demo's recipe exchange (issue 14, ent.policy.workspaces.browser and demo_posts): the
#: space's page as a member (an ATTEE agent), its blog, a post with its comments, the espaces page.
RECIPES = "espaces/echange-de-recettes"
PAGES += (
    Page("workspace", RECIPES, login="0310001h.attee"),
    Page("workspace-blog", f"{RECIPES}/blog", login="0310001h.attee"),
    Page("workspace-post", f"{RECIPES}/blog/hachis-parmentier-au-potiron", login="county.agent"),
    Page("spaces", "espaces", login="county.agent"),
)
