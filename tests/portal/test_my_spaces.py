"""A person's spaces on the demo site as `make run` serves it: REST `@my-spaces` and the block
"Mes espaces" of Mon ENT, with what is new in each since the person's last visit."""

from support.demo_instance import PEOPLE

import requests


JSON = {"Accept": "application/json"}
STAFFROOM = "colleges/0310001h/espaces/salle-des-professeurs"


def my_spaces(session, demo, **params):
    answer = session.get(f"{demo.url}/@my-spaces", headers=JSON, params=params, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def by_title(reply):
    return {item["title"]: item for item in reply["items"]}


def test_each_person_finds_the_spaces_they_are_in(demo):
    principal = demo.session(PEOPLE["principal"])
    assert set(by_title(my_spaces(demo.session(PEOPLE["teacher"]), demo))) == {"Salle des professeurs"}
    assert set(by_title(my_spaces(principal, demo))) == {"Direction des collèges", "Salle des professeurs"}
    assert "Échange de recettes" in by_title(my_spaces(demo.session(PEOPLE["county-agent"]), demo))
    parent = my_spaces(demo.session(PEOPLE["parent"]), demo)
    assert parent["items"] == [] and parent["items_total"] == 0


def test_batched_like_my_feed(demo):
    principal = demo.session(PEOPLE["principal"])
    first = my_spaces(principal, demo, b_size=1)
    assert first["items_total"] == 2 and len(first["items"]) == 1
    assert "next" in first["batching"]
    second = my_spaces(principal, demo, b_size=1, b_start=1)
    assert {first["items"][0]["title"], second["items"][0]["title"]} == {
        "Direction des collèges",
        "Salle des professeurs",
    }
    bad = principal.get(f"{demo.url}/@my-spaces", headers=JSON, params={"b_size": 0}, timeout=60)
    assert bad.status_code == 400


def test_anonymous_is_asked_to_log_in(demo):
    assert requests.get(f"{demo.url}/@my-spaces", headers=JSON, timeout=60).status_code == 401


def test_a_new_post_is_new_until_the_space_is_visited(demo):
    principal = demo.session(PEOPLE["principal"])
    before = by_title(my_spaces(principal, demo))["Salle des professeurs"]
    token = requests.post(
        f"{demo.url}/@login",
        json={"login": PEOPLE["teacher"], "password": demo.password(PEOPLE["teacher"])},
        headers=JSON,
        timeout=60,
    ).json()["token"]
    created = requests.post(
        f"{demo.url}/{STAFFROOM}/blog",
        json={"@type": "News Item", "title": "Sortie au musée des Augustins", "description": "Le 12 mars."},
        headers={**JSON, "Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    space = by_title(my_spaces(principal, demo))["Salle des professeurs"]
    assert space["new"] == before["new"] + 1
    assert space["last_activity"]["title"] == "Sortie au musée des Augustins"
    assert space["last_activity"]["@id"] == created.json()["@id"]
    # Mon ENT shows it, with a link to the space.
    page = principal.get(f"{demo.url}/@@mon-ent", timeout=60).text
    block = page.split('class="ent-my-spaces', 1)[1].split("</section>", 1)[0]
    assert "Mes espaces" in block
    assert f'href="{demo.url}/{STAFFROOM}"' in block
    assert f"{space['new']} nouveauté(s)" in block
    # The space's page seen, nothing is new any more.
    assert principal.get(f"{demo.url}/{STAFFROOM}", timeout=60).status_code == 200
    seen = by_title(my_spaces(principal, demo))["Salle des professeurs"]
    assert seen["new"] == 0 and seen["last_visit"] is not None
    # The author's own post is not new for them.
    teacher = by_title(my_spaces(demo.session(PEOPLE["teacher"]), demo))["Salle des professeurs"]
    assert teacher["last_activity"]["title"] == "Sortie au musée des Augustins"


def test_no_block_for_someone_in_no_space(demo):
    page = demo.session(PEOPLE["parent"]).get(f"{demo.url}/@@mon-ent", timeout=60).text
    assert "ent-my-spaces" not in page
