"""Provisioning people from a CSV into a real OpenLDAP directory."""

from ent.policy.directory.provisioning import DirectoryWriter
from ent.policy.directory.provisioning import provision
from ent.policy.directory.shape import DEACTIVATED
from ent.policy.schools.importer import ImportFileError
from support.directory_server import start_directory

import ldap
import pytest


HEADER = "id,last_name,first_name,email,profile,uais,children"


@pytest.fixture
def server(tmp_path):
    server = start_directory(tmp_path / "ldap")
    yield server
    server.stop()


@pytest.fixture
def directory(server):
    return DirectoryWriter(server.uri, server.manager_dn, server.manager_password, server.shape)


def csv(*rows):
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


def groups_of(directory, uid):
    dn = directory.shape.person_dn(uid)
    return sorted(group_id for group_id, (_, members) in directory.groups().items() if dn in members)


def entry(directory, uid):
    return directory.people()[uid][1]


PUPIL = "lea.martin,Martin,Léa,lea.martin@example.org,student,0310001H,"
MOTHER = "claire.martin,Martin,Claire,claire@example.org,parent,0310001H|0310003K,lea.martin"
TEACHER = "paul.roy,Roy,Paul,paul@example.org,teacher,0310003K,"


class TestProvisioning:
    def test_creates_accounts_and_memberships(self, directory):
        report = provision(directory, csv(PUPIL, MOTHER, TEACHER))
        assert sorted(report.created) == ["claire.martin", "lea.martin", "paul.roy"]
        assert report.rejected == []
        assert groups_of(directory, "claire.martin") == ["0310001h-parent", "0310003k-parent", "all-parent"]
        assert groups_of(directory, "paul.roy") == ["0310003k-teacher", "all-teacher"]
        mother = entry(directory, "claire.martin")
        assert mother["employeeType"] == [b"parent"]
        assert mother["seeAlso"] == [directory.shape.person_dn("lea.martin").encode()]
        assert mother["cn"] == [b"Claire Martin"]

    def test_idempotent(self, directory):
        provision(directory, csv(PUPIL, MOTHER, TEACHER))
        groups_before = directory.groups()
        report = provision(directory, csv(PUPIL, MOTHER, TEACHER))
        assert (report.created, report.updated, report.deactivated) == ([], [], [])
        assert sorted(report.unchanged) == ["claire.martin", "lea.martin", "paul.roy"]
        assert directory.groups() == groups_before

    def test_change_of_school(self, directory):
        provision(directory, csv(PUPIL, MOTHER, TEACHER))
        report = provision(directory, csv(TEACHER.replace("0310003K", "0310001H")))
        assert report.unchanged == ["paul.roy"]  # the account itself did not change
        assert groups_of(directory, "paul.roy") == ["0310001h-teacher", "all-teacher"]

    def test_update(self, directory):
        provision(directory, csv(TEACHER))
        report = provision(directory, csv(TEACHER.replace("paul@example.org", "p.roy@example.org")))
        assert report.updated == ["paul.roy"]
        assert entry(directory, "paul.roy")["mail"] == [b"p.roy@example.org"]

    def test_dry_run_changes_nothing(self, directory):
        before = (directory.people(), directory.groups())
        report = provision(directory, csv(PUPIL, MOTHER), full=True, dry_run=True)
        assert sorted(report.created) == ["claire.martin", "lea.martin"]
        assert report.deactivated  # the demo accounts are absent from this file
        assert report.summary().startswith("dry run: would have created 2")
        assert (directory.people(), directory.groups()) == before

    def test_full_import_deactivates_the_absent(self, directory, server):
        provision(directory, csv(PUPIL, MOTHER, TEACHER))
        report = provision(directory, csv(PUPIL, MOTHER), full=True)
        assert "paul.roy" in report.deactivated
        assert "0310001h.parent" in report.deactivated
        gone = entry(directory, "paul.roy")
        assert gone["description"] == [DEACTIVATED.encode()]
        assert groups_of(directory, "paul.roy") == ["0310003k-teacher", "all-teacher"]  # kept
        again = provision(directory, csv(PUPIL, MOTHER, TEACHER))
        assert again.updated == ["paul.roy"]  # back in the file: reactivated
        assert "description" not in entry(directory, "paul.roy")

    def test_deactivated_demo_account_still_binds_but_is_marked(self, directory, server):
        """Deactivation keeps the entry (content stays); the ENT's user filter leaves it out."""
        provision(directory, csv(PUPIL), full=True)
        assert DEACTIVATED.encode() in entry(directory, "0310001h.parent")["description"]

    @pytest.mark.parametrize(
        "row, reason",
        [
            ("Bad Id!,Roy,Paul,,teacher,0310003K,", "id='Bad Id!' is not a login"),
            ("paul.roy,Roy,Paul,,pupil,0310003K,", "profile='pupil' is not one of"),
            ("paul.roy,,Paul,,teacher,0310003K,", "last_name is empty"),
            ("paul.roy,Roy,Paul,paul-at-example,teacher,0310003K,", "email='paul-at-example' is not an e-mail address"),
            ("paul.roy,Roy,Paul,,teacher,0310003A,", "the check letter of 0310003 is K, not A"),
            ("paul.roy,Roy,Paul,,teacher,,", "a teacher belongs to at least one school"),
            ("paul.roy,Roy,Paul,,county,0310003K,", "County staff belong to no school"),
            ("paul.roy,Roy,Paul,,teacher,0310003K,lea.martin", "only parents have children"),
            (
                "anne.roy,Roy,Anne,,parent,0310003K,nobody.here",
                "child nobody.here is neither in this file nor in the directory",
            ),
            (
                "anne.roy,Roy,Anne,,parent,0310003K,0310001h.teacher",
                "child 0310001h.teacher is a teacher, not a student",
            ),
            ("paul.roy,Roy,Paul,,teacher,0310003K", "6 fields where the header has 7"),
        ],
    )
    def test_bad_row_rejected_good_rows_go_in(self, directory, row, reason):
        report = provision(directory, csv(PUPIL, row))
        assert report.created == ["lea.martin"]
        assert len(report.rejected) == 1
        line, _, why = report.rejected[0]
        assert line == 3
        assert reason in why

    def test_duplicate_id(self, directory):
        report = provision(directory, csv(PUPIL, PUPIL.replace("Léa", "Lea")))
        assert report.rejected == [(3, "lea.martin", "id lea.martin is already on line 2")]

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"", "the file is empty"),
            (csv(PUPIL).decode().encode("latin-1"), "line 2: the file is not UTF-8"),
            (b"login,name\nx,y\n", "line 1: missing column(s) id, last_name, profile"),
        ],
    )
    def test_whole_file_refused(self, directory, data, message):
        before = directory.people()
        with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
            provision(directory, data)
        assert directory.people() == before


def test_demo_accounts_log_in(server):
    """The demo directory of docs/domain.md: every account binds with the demo password."""
    from support.directory_server import DEMO_PASSWORD

    for uid in ("0310001h.parent", "0310003k.principal", "county.agent", "county.admin"):
        connection = ldap.initialize(server.uri)
        connection.simple_bind_s(server.shape.person_dn(uid), DEMO_PASSWORD)
        connection.unbind_s()


def test_scale_directory_shape(tmp_path):
    """The scale generator: per school 450 pupils, 600 parents, 45 teachers, 12 staff,
    3 principals, 8 ATTEE; 500 County staff (115,264 entries for the 103-row file)."""
    from ent.policy.directory.shape import Shape
    from ent.server.ldif import directory_entries
    from ent.server.ldif import SCALE_COUNTS
    from ent.server.ldif import SCALE_COUNTY_STAFF

    shape = Shape.from_base("dc=ent,dc=test")
    entries = list(
        directory_entries(shape, [("0310001H", "Collège A")], SCALE_COUNTS, "x", SCALE_COUNTY_STAFF, numbered=True)
    )
    people = [dn for dn, _ in entries if dn.startswith("uid=")]
    assert len(people) == 450 + 600 + 45 + 12 + 3 + 8 + SCALE_COUNTY_STAFF + 2
    groups = {dn.split(",")[0][3:]: attrs for dn, attrs in entries if dn.startswith("cn=")}
    assert len(groups["0310001h-parent"]["member"]) == 600
    assert len(groups["0310001h-editors"]["member"]) == 3
    assert shape.person_dn("0310001h.parent.600").encode() in groups["all-parent"]["member"]
