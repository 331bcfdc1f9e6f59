"""Inside the demo's recipe exchange, as the served demo site answers: the space's page for a
member, its manager and an outsider, the signed recipe posts with their comments, the espaces
page, and the upload limit said at the file field before anything is sent."""

from lxml import html as lxml_html
from support.pages import log_in
from support.pages import RECIPES

import pytest


MEMBER = "0310001h.attee"
MANAGER = "county.agent"
OUTSIDER = "0310001h.parent"
POST = f"{RECIPES}/blog/hachis-parmentier-au-potiron"


def test_the_space_as_a_member_its_manager_and_an_outsider(demo):
    page = demo.session(MEMBER).get(f"{demo.url}/{RECIPES}", timeout=60)
    assert page.status_code == 200
    for text in ("Échange de recettes", "Hachis parmentier au potiron", "Lentilles corail", "Votre rôle : Membre"):
        assert text in page.text
    assert "Gérer les membres" not in page.text
    # The latest activity says what happened in French.
    badges = {
        b.text_content().strip()
        for b in lxml_html.fromstring(page.text).cssselect("#ent-space-activity-title ~ ul .badge")
    }
    assert badges and badges <= {"Nouveau", "Modifié", "Commentaire"}, badges
    managed = demo.session(MANAGER).get(f"{demo.url}/{RECIPES}", timeout=60).text
    assert "Gérer les membres" in managed and "@@workspace-members" in managed
    for login in (OUTSIDER, None):
        for path in (RECIPES, POST, f"{RECIPES}/blog"):
            refused = demo.session(login).get(f"{demo.url}/{path}", timeout=60)
            assert refused.status_code == 404, (login, path)
            assert "Hachis" not in refused.text


def test_a_recipe_post_is_signed_and_commented_by_agents(demo):
    post = demo.session(MEMBER).get(f"{demo.url}/{POST}", timeout=60)
    assert post.status_code == 200
    assert "Agents (ATTEE)" in post.text  # the author, as the directory names them
    assert "zéro reste" in post.text and "plan alimentaire" in post.text
    assert "Ajouter un commentaire" in post.text
    # The moderation buttons are the space managers'.
    assert "Rejeter" not in post.text
    assert "Rejeter" in demo.session(MANAGER).get(f"{demo.url}/{POST}", timeout=60).text


def test_the_espaces_page_lists_ones_own_spaces(demo):
    mine = demo.session(MANAGER).get(f"{demo.url}/espaces", timeout=60).text
    assert "Échange de recettes" in mine and "Direction des collèges" in mine and "Créer un espace" in mine
    cook = demo.session(MEMBER).get(f"{demo.url}/espaces", timeout=60).text
    assert "Échange de recettes" in cook and "Direction des collèges" not in cook and "Créer un espace" not in cook
    outsider = demo.session(OUTSIDER).get(f"{demo.url}/espaces", timeout=60)
    assert outsider.status_code == 200 and "Échange de recettes" not in outsider.text


@pytest.mark.parametrize("width", [390])
def test_a_file_over_the_limit_is_refused_at_its_field(demo, browser, tmp_path, width):
    big = tmp_path / "menu.pdf"
    with open(big, "wb") as made:
        made.truncate(51 * 1024 * 1024)  # sparse: over the default 50 MB, nothing written
    browser.set_window_size(width, 900)
    log_in(browser, demo.url, MEMBER, "demo")
    browser.get(f"{demo.url}/{RECIPES}/++add++File")
    field = browser.find_element("css selector", "input[type=file]")
    field.send_keys(str(big))
    note = browser.find_element("css selector", ".ent-upload-limit")
    assert "menu.pdf" in note.text and "50 Mo au plus" in note.text
    assert field.get_attribute("aria-invalid") == "true"
    browser.find_element("css selector", "#form-buttons-save").click()
    # The form stayed: nothing was sent (the server would have answered a bare 413).
    assert "++add++File" in browser.current_url
    assert browser.find_elements("css selector", ".ent-upload-limit")
