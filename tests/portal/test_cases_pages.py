"""The case screen and "Mes démarches" on the demo site as `make run` serves it: the County's
case handler (`county.agent`) sees the demo parent's cases on `/dossiers/@@cases` and can
export them; the parent finds them in Mon ENT, and no screen."""

from support.demo_instance import PEOPLE

import pytest


JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def parent_cases(demo):
    """The demo parent's cases (ent.policy.demo_services), as REST `@cases` gives them."""
    answer = demo.session(PEOPLE["parent"]).get(f"{demo.url}/@cases", headers=JSON, timeout=60)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert items, "the demo has no case for the parent"
    return items


def test_county_agent_sees_the_case_screen(demo, parent_cases):
    agent = demo.session(PEOPLE["county-agent"])
    page = agent.get(f"{demo.url}/dossiers/@@cases", timeout=60)
    assert page.status_code == 200
    assert "ent-cases-table" in page.text
    aid_cases = [item for item in parent_cases if "/dossiers/aides/" in item["@id"]]
    assert aid_cases
    for item in aid_cases:
        assert f">{item['reference']}<" in page.text
        assert item["state_title"] in page.text
    # Filtered by status, the screen shows those of that status only.
    state = aid_cases[0]["state"]
    filtered = agent.get(f"{demo.url}/dossiers/@@cases", params={"state": state}, timeout=60).text
    for item in aid_cases:
        assert (f">{item['reference']}<" in filtered) == (item["state"] == state)
    export = agent.get(f"{demo.url}/dossiers/@@cases-export", params={"format": "csv"}, timeout=60)
    assert export.status_code == 200 and export.content.startswith(b"\xef\xbb\xbf")
    assert all(item["reference"] in export.content.decode("utf-8-sig") for item in aid_cases)
    # Nobody else has a screen.
    for kind in ("parent", "teacher", "principal"):
        assert demo.session(PEOPLE[kind]).get(f"{demo.url}/dossiers/@@cases", timeout=60).status_code == 404, kind


def test_parent_sees_mes_demarches(demo, parent_cases):
    page = demo.session(PEOPLE["parent"]).get(f"{demo.url}/@@mon-ent", timeout=60)
    assert page.status_code == 200
    section = page.text.split('class="ent-my-cases', 1)[1].split("</section>", 1)[0]
    assert "Mes démarches" in section
    for item in parent_cases:
        assert f'href="{item["@id"]}"' in section
        assert item["state_title"] in section
    # The case's own page opens for the parent.
    case = demo.session(PEOPLE["parent"]).get(parent_cases[0]["@id"], timeout=60)
    assert case.status_code == 200 and parent_cases[0]["reference"] in case.text
