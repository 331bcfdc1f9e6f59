"""Concurrent editors on the demo site as `make run` serves it (ent.policy.editconflict): no
save is lost silently. Someone whose save would replace a version saved after they opened the
form is told, keeps what they typed, and saves again knowingly; of many saves of the same
item sent at once (ZODB conflicts, Zope's retries), one is applied and every other person is
told."""

from concurrent.futures import ThreadPoolExecutor
from lxml import html
from support.demo_instance import PEOPLE

import pytest


ITEM = "colleges/0310001h/actualites/le-foyer-des-eleves-rouvre-ses-portes"
TITLE = "form.widgets.IDublinCore.title"
REFUSED = "n'ont PAS été enregistrés"


def form_fields(page, form_id="form"):
    """(action, [(name, value)]) of a form as a browser would send it, inputs joined to it
    by their `form` attribute included."""
    doc = html.fromstring(page.text)
    form = doc.get_element_by_id(form_id)
    data = []
    elements = list(form.iter("input", "select", "textarea")) + doc.xpath(f"//input[@form='{form_id}']")
    for element in elements:
        name, kind = element.get("name"), element.get("type", "text")
        if not name or kind in ("submit", "button", "image", "file"):
            continue
        if kind in ("checkbox", "radio") and element.get("checked") is None:
            continue
        if element.tag == "select":
            chosen = element.xpath(".//option[@selected]") or element.xpath(".//option")[:1]
            data.extend((name, option.get("value", option.text or "")) for option in chosen)
        elif element.tag == "textarea":
            data.append((name, element.text or ""))
        else:
            data.append((name, element.get("value", "")))
    return form.get("action"), data


def open_form(session, url):
    page = session.get(f"{url}/@@edit", timeout=60)
    assert page.status_code == 200 and page.url.endswith("/@@edit"), page.url
    return form_fields(page)


def save(session, form, title):
    action, data = form
    data = [(name, title if name == TITLE else value) for name, value in data]
    return session.post(action, data=[*data, ("form.buttons.save", "Enregistrer")], timeout=120)


def messages(page):
    return " ".join(node.text_content() for node in html.fromstring(page.text).cssselect(".portalMessage, .alert"))


def current_title(demo, url):
    return demo.session("admin").get(url, headers={"Accept": "application/json"}, timeout=60).json()["title"]


@pytest.fixture
def item(demo):
    url = f"{demo.url}/{ITEM}"
    original = current_title(demo, url)
    yield url
    principal = demo.session(PEOPLE["principal"])
    save(principal, open_form(principal, url), original)


def test_a_save_over_a_newer_version_is_refused_and_told(demo, item):
    first = demo.session(PEOPLE["principal"])
    form = open_form(first, item)  # takes Plone's lock
    other = demo.session("admin")
    locked = other.get(f"{item}/@@edit", timeout=60)
    assert "/@@edit" not in locked.url  # Plone tells the other person it is locked...
    assert "verrouillé" in locked.text
    # ...who may lift the lock (the first editor went for lunch) and save their version.
    (unlock,) = [form for form in html.fromstring(locked.text).forms if form.action.endswith("/force_unlock")]
    fields = {field.name: field.value or "" for field in unlock.inputs if field.name and field.type != "submit"}
    unlocked = other.post(unlock.action, data=fields, timeout=60)
    assert unlocked.status_code == 200
    assert save(other, open_form(other, item), "Version de l'administrateur").status_code == 200
    assert current_title(demo, item) == "Version de l'administrateur"

    answer = save(first, form, "Version de la direction")
    assert answer.status_code == 200
    assert REFUSED in messages(answer)
    assert current_title(demo, item) == "Version de l'administrateur"  # nothing replaced silently
    again = form_fields(answer)  # what they typed is still in the form
    assert dict(again[1])[TITLE] == "Version de la direction"
    saved = save(first, again, "Version de la direction")  # knowingly, this time
    assert REFUSED not in messages(saved)
    assert current_title(demo, item) == "Version de la direction"


def test_of_many_saves_at_once_one_is_applied_and_the_others_are_told(demo, item):
    sessions = [demo.session(PEOPLE["principal"]) for _ in range(4)]
    forms = [open_form(session, item) for session in sessions]  # all opened the same version
    with ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(lambda n: save(sessions[n], forms[n], f"Enregistrement n° {n}"), range(len(sessions))))
    assert all(answer.status_code == 200 for answer in answers)
    refused = [n for n, answer in enumerate(answers) if REFUSED in messages(answer)]
    applied = [n for n in range(len(sessions)) if n not in refused]
    assert len(applied) == 1, [messages(answer) for answer in answers]
    assert current_title(demo, item) == f"Enregistrement n° {applied[0]}"
