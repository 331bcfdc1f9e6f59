"""Import of the official sectoring file: idempotent, reported row by row, a refused file
changes nothing (tests on the Plone layer)."""

from conftest import official_file
from conftest import row
from ent.policy.sectoring.importer import import_sectoring
from ent.policy.sectoring.index import get_index
from ent.policy.sectoring.schools import school_summary
from pathlib import Path

import pytest


ASPET, AURIGNAC = "0310001H", "0310003K"
#: The official format's sample (Licence Ouverte / Etalab 2.0; see docs/sectoring.md), kept with the
#: tests so that a clone alone runs them.
SAMPLE = Path(__file__).resolve().parent / "data" / "carte-scolaire-format-sample.csv"
ROWS = (
    row("31555", "TOULOUSE", "ALLÉE JEAN JAURÈS", 1, 9999, "N° impairs, de", ASPET),
    row("31555", "TOULOUSE", "ALLÉE JEAN JAURÈS", 2, 9998, "N° pairs, de", AURIGNAC),
    row("31555", "TOULOUSE", "RUE DU TAUR", 1, 9999, "Tous les N°, de", AURIGNAC, postal_code="31500"),
    row("31020", "ASPET", "", "", "", "Tous les N°, de", ASPET, postal_code="31160"),
)


def test_school_summary(site):
    summary = school_summary(ASPET)
    assert summary["title"] == "Collège Armand Latour"
    assert summary["@id"] == summary["url"]
    assert summary["url"].endswith("/plone/colleges/0310001h")
    assert (summary["address"], summary["postal_code"], summary["commune"]) == (
        "Quartier Fontagnères",
        "31160",
        "Aspet",
    )
    assert (summary["phone"], summary["email"]) == ("05 61 88 40 80", "0310001h@ac-toulouse.fr")
    assert school_summary("0310005M") is None


def test_import_then_lookup(site):
    report = import_sectoring(official_file(*ROWS), "carte.csv")
    assert report.ok and report.stored, report.summary()
    assert (report.created, report.updated, report.unchanged, report.rejected) == (4, [], 0, [])
    assert report.encoding == "UTF-8"
    index = get_index()
    assert index.source == "carte.csv"
    assert index.lookup("31555", "all. Jean-Jaures", 13).uai == ASPET
    assert index.lookup("31555", "allee jean jaures", 14).uai == AURIGNAC
    assert index.lookup("31555", "r du taur", None).uai == AURIGNAC
    assert index.lookup("31020", "chemin des Pyrénées", 3).reason == "whole-commune"
    assert [c["postal_code"] for c in index.find_communes("toul")] == ["31000"]


def test_second_import_is_idempotent(site):
    import_sectoring(official_file(*ROWS), "carte.csv")
    first = get_index()
    report = import_sectoring(official_file(*ROWS), "carte.csv")
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, [], 4, 0)
    assert not report.stored
    assert get_index() is first


def test_changed_and_removed_rows(site):
    import_sectoring(official_file(*ROWS), "carte.csv")
    changed = ROWS[2].replace(AURIGNAC, ASPET).replace(";Collège Emile-Paul Vayssie;", ";Collège Armand Latour;")
    report = import_sectoring(official_file(ROWS[0], ROWS[1], changed), "carte-2.csv")
    assert report.stored
    assert (report.created, report.unchanged, report.removed) == (0, 2, 1)
    assert report.updated == [{"line": 4, "insee": "31555", "street": "RUE DU TAUR", "from": AURIGNAC, "to": ASPET}]
    assert get_index().lookup("31555", "rue du Taur", 1).uai == ASPET
    assert get_index().lookup("31020", "", None).reason == "unknown-commune"


def test_dry_run_stores_nothing(site):
    report = import_sectoring(official_file(*ROWS), "carte.csv", dry_run=True)
    assert report.created == 4 and report.summary().startswith("dry run: would have created 4")
    assert get_index() is None


def test_latin1_file(site):
    report = import_sectoring(official_file(*ROWS, encoding="cp1252"), "carte-latin1.csv")
    assert report.stored
    assert report.encoding.startswith("Latin-1")
    assert get_index().find_streets("31555", "jaures") == ["ALLEE JEAN JAURES"]


def test_unknown_colleges_are_reported_by_name(site):
    """The official sample names lycées, none of them a school of the portal."""
    report = import_sectoring(SAMPLE.read_bytes(), SAMPLE.name)
    assert not report.ok and get_index() is None
    assert "no row names a collège of the portal" in report.refused
    unknown = {item["uai"]: item for item in report.as_dict()["unknown_schools"]}
    assert unknown["0310036W"]["name"] == "Lycée général Pierre de Fermat"
    assert unknown["0310036W"]["lines"] == [4]
    assert sum(item["rows"] for item in unknown.values()) == 19
    # Next to rows for the portal's collèges, the others are left out and the file imported.
    lycee = row(
        "31555", "TOULOUSE", "IMPASSE ALEXANDRE YERSIN", 1, 9999, "Tous les N°, de", "0310036W", name="Lycée Fermat"
    )
    report = import_sectoring(official_file(*ROWS, lycee), "carte.csv")
    assert report.stored and report.created == 4
    assert report.as_dict()["unknown_schools"] == [{"uai": "0310036W", "name": "Lycée Fermat", "rows": 1, "lines": [6]}]
    assert get_index().lookup("31555", "impasse Alexandre Yersin", 1).reason == "unknown-street"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            row("31555", "TOULOUSE", "RUE X", "douze", 20, "Tous les N°, de", ASPET),
            "no_de_voie_debut 'douze' is not a house number",
        ),
        (
            row("31555", "TOULOUSE", "RUE X", -3, 20, "Tous les N°, de", ASPET),
            "no_de_voie_debut '-3' is not a house number",
        ),
        (
            row("31555", "TOULOUSE", "RUE X", 1, 500000, "Tous les N°, de", ASPET),
            "no_de_voie_fin 500000 is out of range",
        ),
        (
            row("31555", "TOULOUSE", "RUE X", 30, 20, "Tous les N°, de", ASPET),
            "no_de_voie_debut 30 is after no_de_voie_fin 20",
        ),
        (row("3155", "TOULOUSE", "RUE X", 1, 20, "Tous les N°, de", ASPET), "code_insee '3155' is not an INSEE code"),
        (row("31555", "TOULOUSE", "RUE X", 1, 20, "Certains", ASPET), "parite 'Certains' is not odd, even or all"),
        (
            row("31555", "TOULOUSE", "RUE X", 1, 20, "Tous les N°, de", "0310001A"),
            "code_rne: '0310001A' is not a valid UAI",
        ),
        ("31555;TOULOUSE;RUE X", "3 fields where the header has 26"),
    ],
)
def test_a_rejected_row_refuses_the_whole_file(site, bad, reason):
    import_sectoring(official_file(*ROWS), "carte.csv")
    before = get_index()
    report = import_sectoring(official_file(ROWS[0], bad, ROWS[2]), "bad.csv")
    assert not report.ok and not report.stored
    assert report.rejected[0]["line"] == 3
    assert report.rejected[0]["reason"].startswith(reason)
    assert "nothing was imported" in report.refused
    assert get_index() is before
    assert get_index().lookup("31020", "", None).uai == ASPET


def test_missing_column_refuses_the_file(site):
    header = official_file(*ROWS).decode().splitlines()[0].replace(";parite;", ";parity;")
    report = import_sectoring(official_file(*ROWS, header=header), "bad.csv")
    assert not report.ok and get_index() is None
    assert report.refused.startswith("line 1: missing column(s) parite")


def test_empty_file(site):
    assert import_sectoring(b"", "empty.csv").refused == "the file is empty"


def test_overlapping_ranges_are_reported_with_both_lines(site):
    overlap = row("31555", "TOULOUSE", "Allée Jean-Jaurès", 100, 200, "Tous les N°, de", AURIGNAC)
    same_school = row("31555", "TOULOUSE", "RUE DU TAUR", 10, 20, "Tous les N°, de", AURIGNAC)
    report = import_sectoring(official_file(*ROWS, overlap, same_school), "carte.csv")
    assert report.stored
    assert [item["lines"] for item in report.overlaps] == [[2, 6]]
    assert report.overlaps[0]["uais"] == [ASPET, AURIGNAC]
    assert "line 2 (0310001H) and line 6 (0310003K) both serve numbers 100 to 200" in report.overlaps[0]["message"]
    # Such an address gets both collèges.
    answer = get_index().lookup("31555", "allée Jean Jaurès", 101)
    assert (answer.reason, answer.candidates) == ("ambiguous", (ASPET, AURIGNAC))
    assert get_index().lookup("31555", "allée Jean Jaurès", 99).uai == ASPET
