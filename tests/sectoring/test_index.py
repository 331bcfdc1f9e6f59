"""The sectoring index and the writing of addresses (no site needed)."""

from ent.policy.sectoring.index import Answer
from ent.policy.sectoring.index import Range
from ent.policy.sectoring.index import SectoringIndex
from ent.policy.sectoring.normalize import commune_key
from ent.policy.sectoring.normalize import fold
from ent.policy.sectoring.normalize import street_key

import pytest


A, B, C = "0310001H", "0310003K", "0310005M"


def test_fold_removes_case_accents_and_punctuation():
    assert fold("Allée  Jean-Jaurès") == "ALLEE JEAN JAURES"
    assert fold(" rue de l'Église, ") == "RUE DE L EGLISE"
    assert fold("Cœur") == "COEUR"


@pytest.mark.parametrize(
    "written",
    ["av. Jean-Jaurès", "AVENUE JEAN JAURES", "Av Jean Jaures", "ave jean jaurès", "avenue  Jean–Jaurès"],
)
def test_street_key_expands_the_street_type(written):
    assert street_key(written) == "AVENUE JEAN JAURES"


def test_street_key_abbreviations_and_particles():
    assert street_key("bd de Strasbourg") == "BOULEVARD DE STRASBOURG"
    assert street_key("r. du Taur") == "RUE DU TAUR"
    assert street_key("pl. St-Georges") == "PLACE SAINT GEORGES"
    assert street_key("Fg Bonnefoy") == "FAUBOURG BONNEFOY"
    assert street_key("imp. Ste Lucie") == "IMPASSE SAINTE LUCIE"
    # Only the first word is a street type: "R" elsewhere stays.
    assert street_key("Rue R Camus") == "RUE R CAMUS"
    assert street_key("") == ""


def test_commune_key():
    assert commune_key("St-Gaudens") == commune_key("SAINT GAUDENS") == "SAINT GAUDENS"
    assert commune_key("Bagnères-de-Luchon") == "BAGNERES DE LUCHON"


def test_range_overlaps():
    assert Range(1, 99, "odd", A).overlaps(Range(51, 200, "all", B))
    assert not Range(1, 99, "odd", A).overlaps(Range(1, 99, "even", B))
    assert not Range(1, 9, "all", A).overlaps(Range(10, 20, "all", B))
    assert not Range(2, 2, "all", A).overlaps(Range(1, 9, "odd", B))
    assert Range(3, 3, "all", A).overlaps(Range(1, 9, "odd", B))


def sample_index():
    index = SectoringIndex(source="test.csv")
    index.add("31555", "TOULOUSE", "31000", "ALLEE JEAN JAURES", 1, 9999, "odd", A, 2)
    index.add("31555", "TOULOUSE", "31000", "ALLEE JEAN JAURES", 2, 40, "even", A, 3)
    index.add("31555", "TOULOUSE", "31000", "ALLEE JEAN JAURES", 42, 9999, "even", B, 4)
    index.add("31555", "TOULOUSE", "31500", "RUE DU TAUR", 1, 9999, "all", B, 5)
    index.add("31555", "TOULOUSE", "31000", "PLACE DU CAPITOLE", 1, 10, "all", A, 6)
    index.add("31555", "TOULOUSE", "31000", "PLACE DU CAPITOLE", 5, 20, "all", C, 7)
    index.add("31020", "ASPET", "31160", "", 1, 9999, "all", A, 8)
    index.add("31042", "BAGNERES DE LUCHON", "31110", "AVENUE CARNOT", 1, 9999, "all", C, 9)
    index.add("31042", "BAGNERES DE LUCHON", "31110", "RUE SAINT JEAN", 1, 9999, "all", C, 10)
    return index.finish()


@pytest.mark.parametrize(
    ("insee", "street", "number", "answer"),
    [
        ("31555", "allée Jean-Jaurès", 7, Answer(A, (), "found")),
        ("31555", "all. jean jaures", 12, Answer(A, (), "found")),
        ("31555", "ALLEE JEAN JAURES", 42, Answer(B, (), "found")),
        ("31555", "Jean Jaurès", 44, Answer(B, (), "found")),
        ("31555", "r. du Taur", None, Answer(B, (), "found")),
        ("31555", "allée Jean Jaurès", None, Answer(None, (A, B), "no-number")),
        ("31555", "place du Capitole", 30, Answer(None, (A, C), "out-of-range")),
        ("31555", "place du Capitole", 7, Answer(None, (A, C), "ambiguous")),
        ("31555", "rue inconnue", 3, Answer(None, (A, B, C), "unknown-street")),
        ("31555", "", None, Answer(None, (A, B, C), "unknown-street")),
        ("31020", "chemin de n'importe où", 3, Answer(A, (), "whole-commune")),
        ("31042", "", None, Answer(C, (), "whole-commune")),
        ("99999", "rue du Taur", 1, Answer(None, (), "unknown-commune")),
        ("", None, None, Answer(None, (), "unknown-commune")),
    ],
)
def test_lookup(insee, street, number, answer):
    assert sample_index().lookup(insee, street, number) == answer


def test_find_communes_by_name_code_and_postal_code():
    index = sample_index()
    assert [c["name"] for c in index.find_communes("bagn")] == ["BAGNERES DE LUCHON"]
    assert [c["name"] for c in index.find_communes("luchon")] == ["BAGNERES DE LUCHON"]
    assert index.find_communes("31555") == [{"insee": "31555", "name": "TOULOUSE", "postal_code": "31000"}]
    assert [c["insee"] for c in index.find_communes("31500")] == ["31555"]
    assert index.find_communes("") == []
    assert [c["name"] for c in index.communes()] == ["ASPET", "BAGNERES DE LUCHON", "TOULOUSE"]


def test_find_streets_by_any_word():
    index = sample_index()
    assert index.find_streets("31555", "jaures") == ["ALLEE JEAN JAURES"]
    assert index.find_streets("31555", "pl capi") == ["PLACE DU CAPITOLE"]
    assert index.find_streets("31555", "du") == ["PLACE DU CAPITOLE", "RUE DU TAUR"]
    assert index.find_streets("31042", "st jean") == ["RUE SAINT JEAN"]
    assert index.find_streets("31555", "nulle part") == []
    assert index.find_streets("00000", "jaures") == []


def test_lookup_never_raises_for_odd_input():
    index = sample_index()
    assert index.lookup(["31555"], "rue du Taur", 1).reason == "unknown-commune"
    assert index.lookup("31555", ["rue du Taur"], 1).reason == "unknown-street"
    assert index.lookup("31555", "rue du Taur", "12").uai == B
    assert index.lookup("31555", "-- ' --", -4).reason == "unknown-street"
    assert index.find_communes("-'-") == []
