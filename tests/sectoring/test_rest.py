"""The REST endpoints of the sectoring, over HTTP: the lookup and its completion for
anyone, the import for County admins."""

from conftest import official_file
from conftest import row
from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET as ASPET_ROW
from support.schools_data import AURIGNAC as AURIGNAC_ROW
from support.schools_data import csv_bytes

import pytest
import requests
import transaction


ASPET, AURIGNAC = "0310001H", "0310003K"
PASSWORD = "a-test-password-1"
ADMIN = "county.admin"
ROWS = (
    row("31555", "TOULOUSE", "ALLEE JEAN JAURES", 1, 9999, "N° impairs, de", ASPET),
    row("31555", "TOULOUSE", "ALLEE JEAN JAURES", 2, 9998, "N° pairs, de", AURIGNAC),
    row("31555", "TOULOUSE", "RUE DU TAUR", 1, 9999, "Tous les N°, de", AURIGNAC, postal_code="31500"),
    row("31020", "ASPET", "", "", "", "Tous les N°, de", ASPET, postal_code="31160"),
)


@pytest.fixture
def url(functional_portal):
    with api.env.adopt_roles(["Manager"]):
        import_schools(functional_portal["colleges"], csv_bytes(ASPET_ROW, AURIGNAC_ROW))
        api.user.create(email="admin@example.org", username=ADMIN, password=PASSWORD)
        api.group.add_user(groupname="county-admins", username=ADMIN)
        api.user.create(email="agent@example.org", username="county.agent", password=PASSWORD)
    transaction.commit()
    return functional_portal.absolute_url()


def post_file(url, data, login=ADMIN, **params):
    return requests.post(
        f"{url}/@sectoring-import",
        data=data,
        params=params,
        headers={"Accept": "application/json", "Content-Type": "text/csv"},
        auth=(login, PASSWORD) if login else None,
        timeout=60,
    )


def get(url, endpoint, **params):
    return requests.get(f"{url}/{endpoint}", params=params, headers={"Accept": "application/json"}, timeout=60)


def test_import_then_lookup_for_anyone(url):
    response = post_file(url, official_file(*ROWS), filename="carte.csv")
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 4 and response.json()["stored"]

    answer = get(url, "@sectoring", insee="31555", street="all. Jean-Jaurès", number="12 bis")
    assert answer.status_code == 200
    school = answer.json()["school"]
    assert (school["uai"], school["title"]) == (AURIGNAC, "Collège Emile-Paul Vayssie")
    assert school["url"].endswith("/colleges/0310003k")
    assert (school["phone"], school["commune"]) == ("05 61 90 80 60", "Aurignac")

    answer = get(url, "@sectoring", insee="31555", street="allée Jean Jaurès").json()
    assert answer["reason"] == "no-number"
    assert [school["uai"] for school in answer["candidates"]] == [ASPET, AURIGNAC]
    assert answer["contact"]["help_url"].endswith("/aide-formation")

    assert get(url, "@sectoring", insee="31020", street="", number="").json()["school"]["uai"] == ASPET
    # A parameter given twice is not a street: no error page either.
    twice = requests.get(
        f"{url}/@sectoring?insee=31555&street=a&street=b", headers={"Accept": "application/json"}, timeout=60
    )
    assert twice.status_code == 200 and twice.json()["reason"] == "unknown-street"
    unknown = get(url, "@sectoring", insee="99999", street="rue du Taur", number="1").json()
    assert (unknown["reason"], unknown["candidates"]) == ("unknown-commune", [])


@pytest.mark.parametrize("number", ["douze", "-3", "12-14", "123456"])
def test_a_bad_number_is_a_400_in_french(url, number):
    post_file(url, official_file(*ROWS))
    response = get(url, "@sectoring", insee="31555", street="rue du Taur", number=number)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        f"« {number} » n'est pas un numéro de maison : écrivez des chiffres, par exemple 12 ou 12 bis."
    )


def test_completion(url):
    post_file(url, official_file(*ROWS))
    assert get(url, "@sectoring-communes", q="toul").json() == [
        {"insee": "31555", "name": "Toulouse", "postal_code": "31000"}
    ]
    assert [c["insee"] for c in get(url, "@sectoring-communes", q="31160").json()] == ["31020"]
    assert get(url, "@sectoring-streets", insee="31555", q="jaur").json() == ["ALLEE JEAN JAURES"]
    assert get(url, "@sectoring-streets", insee="31555", q="").json() == []


def test_before_any_import_every_commune_is_unknown(url):
    assert get(url, "@sectoring", insee="31555", street="rue du Taur").json()["reason"] == "unknown-commune"
    assert get(url, "@sectoring-communes", q="toul").json() == []


def test_only_county_admins_import(url):
    assert post_file(url, official_file(*ROWS), login=None).status_code == 401
    assert post_file(url, official_file(*ROWS), login="county.agent").status_code == 401
    assert get(url, "@sectoring-communes", q="toul").json() == []


def test_refused_file_is_a_400_with_its_reason(url):
    bad = official_file(row("31555", "TOULOUSE", "RUE X", "douze", 20, "Tous les N°, de", ASPET))
    response = post_file(url, bad)
    assert response.status_code == 400
    body = response.json()
    assert body["rejected"] == [{"line": 2, "reason": "no_de_voie_debut 'douze' is not a house number"}]
    assert "nothing was imported" in body["error"]["message"]


def test_multipart_upload_and_dry_run(url):
    response = requests.post(
        f"{url}/@sectoring-import",
        files={"file": ("carte-2026.csv", official_file(*ROWS), "text/csv")},
        params={"dry_run": "1"},
        headers={"Accept": "application/json"},
        auth=(ADMIN, PASSWORD),
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["filename"], body["dry_run"], body["created"], body["stored"]) == ("carte-2026.csv", True, 4, False)
    assert get(url, "@sectoring-communes", q="toul").json() == []


def test_command(url, tmp_path, capsys, monkeypatch):
    from ent.server.commands.sectoring import main

    monkeypatch.setenv("ENT_PASSWORD", PASSWORD)
    lycee = row(
        "31555", "TOULOUSE", "IMPASSE ALEXANDRE YERSIN", 1, 9999, "Tous les N°, de", "0310036W", name="Lycée Fermat"
    )
    good = tmp_path / "carte.csv"
    good.write_bytes(official_file(*ROWS, lycee, encoding="cp1252"))
    arguments = ["import", str(good), "--url", url, "--user", ADMIN]
    assert main([*arguments, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "carte.csv: read as Latin-1 (Windows-1252)" in out
    assert "dry run: would have created 4" in out
    assert "not a collège of the portal: 0310036W Lycée Fermat (1 rows: line 6)" in out
    assert get(url, "@sectoring-communes", q="toul").json() == []
    assert main(arguments) == 0
    assert "created 4" in capsys.readouterr().out
    assert get(url, "@sectoring-streets", insee="31555", q="taur").json() == ["RUE DU TAUR"]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(official_file(ROWS[0], row("31555", "TOULOUSE", "RUE X", 1, 20, "Tous les N°, de", "31555")))
    assert main(["import", str(bad), "--url", url, "--user", ADMIN]) == 1
    out = capsys.readouterr().out
    assert out.startswith("bad.csv: read as UTF-8\nrefused, nothing imported: 1 row(s) rejected")
    assert "  line 3: code_rne: '31555' is not a UAI" in out
    assert main(["import", str(tmp_path / "missing.csv"), "--url", url, "--user", ADMIN]) == 2
