"""The demo's sectoring, generated from the packaged collèges (no site needed: the rows
go into an index as the import puts them)."""

from ent.policy.schools.importer import PACKAGED_SCHOOLS
from ent.policy.sectoring import demo
from ent.policy.sectoring.index import SectoringIndex
from ent.policy.sectoring.normalize import street_key

import csv
import io
import pytest


@pytest.fixture(scope="module")
def schools():
    rows = csv.DictReader(io.StringIO(PACKAGED_SCHOOLS.read_text(encoding="utf-8")))
    by_uai = {}
    for row in rows:  # the annexe of Collège Michelet shares its UAI: the first row
        by_uai.setdefault(
            row["uai"],
            (row["uai"], row["name"], row["insee_code"], row["commune"], row["postal_code"], row["address_1"]),
        )
    return sorted(by_uai.values())


@pytest.fixture(scope="module")
def index(schools):
    index = SectoringIndex(source=demo.FILENAME)
    for line, row in enumerate(demo.demo_rows(schools), start=2):
        index.add(
            row["code_insee"], row["libelle_commune"], row["code_postal"], row["type_et_libelle"],
            int(row["no_de_voie_debut"]), int(row["no_de_voie_fin"]),
            {"Tous les N°, de": "all", "N° impairs, de": "odd", "N° pairs, de": "even"}[row["parite"]],
            row["code_rne"], line,
        )  # fmt: skip
    return index.finish()


def test_every_toulouse_collège_serves_streets(schools, index):
    toulouse = {uai for uai, _t, insee, *_rest in schools if insee == demo.TOULOUSE}
    named = {uai for _street, ranges in demo.TOULOUSE_STREETS for *_r, uai in ranges}
    assert named == toulouse
    assert index.commune(demo.TOULOUSE).uais == tuple(sorted(toulouse))
    assert index.commune(demo.TOULOUSE).whole is None


def test_every_commune_of_a_collège_is_served(schools, index):
    for uai, _title, insee, _commune, _postal, _address in schools:
        commune = index.commune(insee)
        assert uai in commune.uais
        if insee != demo.TOULOUSE:
            assert commune.whole is not None


def test_no_overlap_in_the_demo():
    for _street, ranges in demo.TOULOUSE_STREETS:
        for position, (low, high, parity, _uai) in enumerate(ranges):
            for other in ranges[position + 1 :]:
                assert {parity, other[2]} == {"odd", "even"} or high < other[0] or other[1] < low


def test_lookups(index):
    assert index.lookup("31555", "allée Jean-Jaurès", 12).uai == demo.JOLIMONT
    assert index.lookup("31555", "all. Jean Jaurès", 13).uai == demo.MARENGO
    assert index.lookup("31555", "av. de Muret", 150).uai == demo.GEORGE_SAND
    assert index.lookup("31555", "Av de Muret", 15).uai == demo.ISAURE
    assert index.lookup("31555", "r. du Taur", None).uai == demo.FERMAT
    assert index.lookup("31020", "", None).uai == "0310001H"  # Aspet: one collège
    # Colomiers has four collèges: the first serves the commune, the others their street.
    colomiers = index.commune("31149")
    assert len(colomiers.uais) == 4 and colomiers.whole == colomiers.uais[0]
    assert len(colomiers.streets) == 3


def test_address_street():
    assert demo.address_street("2 boulevard du Général de Gaulle") == "BOULEVARD DU GENERAL DE GAULLE"
    assert demo.address_street("Quartier Fontagnères") == "QUARTIER FONTAGNERES"
    assert demo.address_street("") == ""
    assert street_key(demo.address_street("12 bis av. Jean Jaurès")) == "AVENUE JEAN JAURES"


def test_toulouse_postal_code(index):
    assert index.find_communes("toulouse") == [{"insee": "31555", "name": "Toulouse", "postal_code": "31000"}]
