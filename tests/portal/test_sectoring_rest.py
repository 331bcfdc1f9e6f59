"""The demo's sectoring as the served site answers it (the demo profile imports it)."""

import requests


def lookup(demo, **params):
    return requests.get(f"{demo.url}/@sectoring", params=params, headers={"Accept": "application/json"}, timeout=60)


def test_demo_sectoring(demo):
    jolimont = lookup(demo, insee="31555", street="allée Jean-Jaurès", number="12").json()
    assert jolimont["school"]["title"] == "Collège Jolimont"
    assert jolimont["school"]["url"] == f"{demo.url}/colleges/0311264f"
    split = lookup(demo, insee="31555", street="allee jean jaures").json()
    assert split["reason"] == "no-number"
    assert [school["title"] for school in split["candidates"]] == ["Collège Jolimont", "Collège Marengo"]
    assert lookup(demo, insee="31020", street="chemin de Nulle Part", number="3").json()["school"]["uai"] == "0310001H"
    communes = requests.get(
        f"{demo.url}/@sectoring-communes", params={"q": "toul"}, headers={"Accept": "application/json"}, timeout=60
    ).json()
    assert communes[0] == {"insee": "31555", "name": "Toulouse", "postal_code": "31000"}
