"""The UAI check and the group naming convention of docs/domain.md (unit level)."""

from ent.policy import groups
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai

import csv
import pytest


def test_every_school_of_the_data_file_has_a_valid_uai(project):
    path = project / "src/ent.policy/src/ent/policy/data/colleges-haute-garonne.csv"
    with path.open(encoding="utf-8") as stream:
        uais = [row["uai"] for row in csv.DictReader(stream)]
    assert len(uais) == 103
    assert [normalize_uai(uai) for uai in uais] == uais


@pytest.mark.parametrize(
    "value, expected", [("0310001H", "0310001H"), ("0310001h", "0310001H"), (" 0310003K ", "0310003K")]
)
def test_valid(value, expected):
    assert normalize_uai(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("0310001A", "the check letter of 0310001 is H, not A"),
        ("031001H", "is not a UAI"),
        ("03100011", "is not a UAI"),
        ("", "is not a UAI"),
        (None, "is not a UAI"),
        ("0310001HH", "is not a UAI"),
    ],
)
def test_invalid_names_the_value(value, words):
    with pytest.raises(InvalidUAI) as error:
        normalize_uai(value)
    assert words in str(error.value)
    assert repr(value) in str(error.value)


def test_the_check_letters_skip_i_o_q():
    """docs/domain.md: the letter is "ABCDEFGHJKLMNPRSTUVWXYZ"[digits % 23]."""
    assert normalize_uai("0000008J") == "0000008J"  # 8 → J (no I)
    assert normalize_uai("0000013P") == "0000013P"  # 13 → P (no O)


def test_group_names():
    assert groups.school_group("0310001H", "parent") == "0310001h-parent"
    assert groups.school_editors_group("0310001h") == "0310001h-editors"
    assert groups.county_group("teacher") == "all-teacher"
    assert groups.COUNTY_EDITORS == "county-editors"
    assert groups.COUNTY_ADMINS == "county-admins"


def test_school_groups_cover_every_school_profile():
    ids = set(groups.school_groups("0310001H"))
    assert ids == {f"0310001h-{p}" for p in ("student", "parent", "teacher", "staff", "principal", "attee", "editors")}


def test_county_groups():
    ids = set(groups.county_groups())
    assert {f"all-{p}" for p in groups.PROFILES} <= ids
    assert {"county-editors", "county-admins"} <= ids


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="'pupil' is not a profile"):
        groups.school_group("0310001H", "pupil")


def test_bad_uai_is_refused_in_a_group_name():
    with pytest.raises(InvalidUAI):
        groups.school_group("0310001A", "parent")


@pytest.mark.parametrize(
    "group_id, expected",
    [
        ("0310001h-parent", ("0310001H", "parent")),
        ("0310001h-editors", ("0310001H", "editors")),
        ("all-parent", None),
        ("county-editors", None),
        ("0310001h-nobody", None),
        ("", None),
    ],
)
def test_school_of_group(group_id, expected):
    from ent.policy.groups import is_school_editors_group
    from ent.policy.groups import school_of_group

    assert school_of_group(group_id) == expected
    assert is_school_editors_group(group_id) == (expected is not None and expected[1] == "editors")
