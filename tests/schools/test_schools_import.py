"""Import of the official list of schools: idempotent, row by row, nothing half-changed."""

from ent.policy.schools.importer import import_schools
from ent.policy.schools.importer import ImportFileError
from ent.policy.schools.importer import PACKAGED_SCHOOLS
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes
from support.schools_data import HEADER

import pytest


@pytest.fixture
def finder(portal):
    with api.env.adopt_roles(["Manager"]):
        yield portal["colleges"]


def schools(finder):
    return {brain.school_uai: brain for brain in api.content.find(context=finder, portal_type="School")}


class TestOfficialFile:
    def test_first_import(self, finder):
        report = import_schools(finder, PACKAGED_SCHOOLS.read_bytes())
        assert len(report.created) == 102
        assert len(schools(finder)) == 102
        # The official list has Collège Michelet and its annexe under one UAI: one school.
        assert [item.as_dict() for item in report.rejected] == [
            {"line": 53, "uai": "0311631E", "reason": "UAI 0311631E is already on line 52"}
        ]

    def test_second_import_changes_nothing(self, finder):
        import_schools(finder, PACKAGED_SCHOOLS.read_bytes())
        before = {uai: brain.modified for uai, brain in schools(finder).items()}
        report = import_schools(finder, PACKAGED_SCHOOLS.read_bytes())
        assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 102)
        assert {uai: brain.modified for uai, brain in schools(finder).items()} == before

    def test_school_fields(self, finder):
        import_schools(finder, PACKAGED_SCHOOLS.read_bytes())
        school = finder["0310005m"]
        assert school.title == "Collège Jean Monnet"
        assert school.commune == "Bagnères-de-Luchon"
        assert school.insee_code == "31042"
        assert school.postal_code == "31110"
        assert school.address == "2 boulevard du Général de Gaulle"
        assert (school.catering, school.boarding, school.segpa, school.ulis) == (True, True, False, True)
        assert school.latitude == pytest.approx(42.79172587530789)
        assert api.content.get_state(school) == "published"
        assert "actualites" in school.objectIds()


class TestRows:
    def test_changed_row_updates_that_school(self, finder):
        import_schools(finder, csv_bytes(ASPET, AURIGNAC))
        report = import_schools(finder, csv_bytes(ASPET.replace("05 61 88 40 80", "05 61 00 00 00"), AURIGNAC))
        assert (report.created, report.updated, report.unchanged) == ([], ["0310001H"], ["0310003K"])
        assert finder["0310001h"].phone == "05 61 00 00 00"
        assert api.content.find(portal_type="School", school_uai="0310001H")[0].Title == "Collège Armand Latour"

    def test_fields_the_import_does_not_own_are_kept(self, finder):
        import_schools(finder, csv_bytes(ASPET))
        finder["0310001h"].accent_color = "#123456"
        finder["0310001h"].principal_name = "Mme Dupont"
        import_schools(finder, csv_bytes(ASPET.replace("Aspet", "Aspet-Village")))
        assert finder["0310001h"].accent_color == "#123456"
        assert finder["0310001h"].principal_name == "Mme Dupont"

    @pytest.mark.parametrize(
        "row, reason",
        [
            (
                ASPET.replace("0310001H", "0310001A"),
                "'0310001A' is not a valid UAI: the check letter of 0310001 is H, not A",
            ),
            (ASPET.replace("0310001H", "31-0001"), "'31-0001' is not a UAI (7 digits and a letter, e.g. 0310001H)"),
            (ASPET.replace("Collège Armand Latour", ""), "the name is empty"),
            (ASPET.replace(",31160,", ",3116,"), "postal_code='3116' is not 5 digits"),
            (ASPET.replace(",43.02,", ",north,"), "latitude='north' is not a number"),
            (ASPET.replace(",1,0,0,1,", ",1,2,0,1,"), "boarding='2' is not 0 or 1"),
            (ASPET.replace("OUVERT", "FERME"), "status='FERME': only open schools (OUVERT) are imported"),
            (ASPET + ",extra", "20 fields where the header has 19"),
        ],
    )
    def test_bad_row_is_rejected_and_the_others_go_in(self, finder, row, reason):
        report = import_schools(finder, csv_bytes(AURIGNAC, row))
        assert report.created == ["0310003K"]
        assert len(report.rejected) == 1
        assert report.rejected[0].line == 3
        assert report.rejected[0].reason == reason
        assert list(schools(finder)) == ["0310003K"]

    def test_rejected_row_leaves_the_existing_school_as_it_was(self, finder):
        import_schools(finder, csv_bytes(ASPET))
        bad = ASPET.replace("05 61 88 40 80", "05 00 00 00 00").replace(",43.02,", ",north,")
        report = import_schools(finder, csv_bytes(bad))
        assert report.updated == [] and len(report.rejected) == 1
        assert finder["0310001h"].phone == "05 61 88 40 80"

    def test_duplicate_uai_in_the_file(self, finder):
        report = import_schools(finder, csv_bytes(ASPET, AURIGNAC, ASPET.replace("Armand", "Autre")))
        assert report.rejected[0].as_dict() == {
            "line": 4,
            "uai": "0310001H",
            "reason": "UAI 0310001H is already on line 2",
        }
        assert finder["0310001h"].title == "Collège Armand Latour"

    def test_semicolon_file(self, finder):
        report = import_schools(finder, "uai;name;commune\n0310001H;Collège Armand Latour;Aspet\n".encode())
        assert report.created == ["0310001H"]
        assert finder["0310001h"].commune == "Aspet"

    def test_dry_run_changes_nothing(self, finder):
        report = import_schools(finder, csv_bytes(ASPET, AURIGNAC), dry_run=True)
        assert report.created == ["0310001H", "0310003K"]
        assert report.summary().startswith("dry run: would have created 2")
        assert schools(finder) == {}


class TestWholeFile:
    """A file that cannot be read as a whole changes nothing and says why, with the line."""

    @pytest.fixture
    def existing(self, finder):
        import_schools(finder, csv_bytes(ASPET))
        return finder

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"", "the file is empty"),
            (b"  \n\n", "the file is empty"),
            (csv_bytes(ASPET, AURIGNAC).decode().encode("latin-1"), "line 2: the file is not UTF-8 (byte 0xe8)"),
            (b"id,title\n0310001H,X\n", "line 1: missing column(s) uai, name"),
            (HEADER.encode() + b"\n", "the file has a header but no school"),
            (csv_bytes('0310003K,"Collège Emile-Paul Vayssie'), "malformed CSV"),
            (b"uai,name,uai\n0310003K,X,0310003K\n", "line 1: column(s) named twice: uai"),
        ],
    )
    def test_refused(self, existing, data, message):
        with pytest.raises(ImportFileError) as error:
            import_schools(existing, data)
        assert message in str(error.value)
        assert list(schools(existing)) == ["0310001H"]
        assert existing["0310001h"].phone == "05 61 88 40 80"
