"""The group naming convention of docs/domain.md, and the groups the ENT needs.

The one place where a group id is spelled. Rights are given to these groups, never to
single accounts, so that the directory alone decides who sees what. When the directory
(LDAP) provides a group with the same id, Plone uses it; otherwise a Plone group is made.
"""

from .uai import normalize_uai
from plone import api

import re


#: Profiles of docs/domain.md, in their order there.
PROFILES = ("student", "parent", "teacher", "staff", "principal", "attee", "county")
#: The profiles a person holds in a school (County staff belong to no school).
SCHOOL_PROFILES = ("student", "parent", "teacher", "staff", "principal", "attee")

COUNTY_EDITORS = "county-editors"
COUNTY_ADMINS = "county-admins"
#: The County's case handlers of local aid (ent.policy.cases).
COUNTY_CASES = "county-cases"
#: The County's managers of County projects: they handle the classes' registrations.
COUNTY_PROJECTS = "county-projects"
#: The school profiles that may register a class for a County project (a school's staff).
SCHOOL_STAFF_PROFILES = ("teacher", "staff", "principal")

PROFILE_TITLES = {
    "student": "Élèves",
    "parent": "Responsables légaux",
    "teacher": "Enseignants",
    "staff": "Personnels",
    "principal": "Direction",
    "attee": "Agents (ATTEE)",
    "county": "Agents du Département",
}


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise ValueError(f"{profile!r} is not a profile (one of: {', '.join(PROFILES)})")
    return profile


def school_group(uai: str, profile: str) -> str:
    """`{uai}-{profile}`, the UAI in lower case: e.g. 0310001h-parent."""
    return f"{normalize_uai(uai).lower()}-{check_profile(profile)}"


def school_editors_group(uai: str) -> str:
    """`{uai}-editors`: who may edit the school's subsite."""
    return f"{normalize_uai(uai).lower()}-editors"


_SCHOOL_GROUP = re.compile(r"^(\d{7}[a-z])-(" + "|".join(SCHOOL_PROFILES + ("editors",)) + ")$")


def school_of_group(group_id: str):
    """(UAI, profile or "editors") of a school's group id, None for any other group."""
    match = _SCHOOL_GROUP.match(group_id or "")
    if match is None:
        return None
    return match.group(1).upper(), match.group(2)


def is_school_editors_group(group_id: str) -> bool:
    found = school_of_group(group_id)
    return found is not None and found[1] == "editors"


def county_group(profile: str) -> str:
    """`all-{profile}`: everyone of that profile, County-wide."""
    return f"all-{check_profile(profile)}"


def school_groups(uai: str) -> dict:
    """Every group of a school: id → title (profiles, then editors)."""
    uai = normalize_uai(uai)
    groups = {school_group(uai, p): f"{uai} — {PROFILE_TITLES[p]}" for p in SCHOOL_PROFILES}
    groups[school_editors_group(uai)] = f"{uai} — Éditeurs du site"
    return groups


def county_groups() -> dict:
    groups = {county_group(p): f"Tous — {PROFILE_TITLES[p]}" for p in PROFILES}
    groups[COUNTY_EDITORS] = "Éditeurs du Département"
    groups[COUNTY_ADMINS] = "Administrateurs du Département"
    groups[COUNTY_CASES] = "Instructeurs des aides"
    groups[COUNTY_PROJECTS] = "Gestionnaires des projets"
    return groups


def ensure_groups(groups: dict) -> list:
    """Create the groups that no user source (Plone or the directory) provides yet.

    Returns the ids of the groups created.
    """
    created = []
    for group_id, title in groups.items():
        if api.group.get(groupname=group_id) is None:
            api.group.create(groupname=group_id, title=title)
            created.append(group_id)
    return created
