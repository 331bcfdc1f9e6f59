"""The demo directory of docs/domain.md and the scale directory of the benchmarks, as LDIF.

Demo: for every school of the data file, one account per profile named `{uai}.{profile}`
(lower case), plus `county.agent` (county-editors, county-cases, county-projects) and `county.admin` (county-admins);
`{uai}.principal` is in `{uai}-editors`; `{uai}.parent` has `{uai}.student` as child
(`seeAlso`). Every password is ENT_DEMO_PASSWORD (`demo`).
Scale: the same shape with many accounts per profile (`{uai}.{profile}.{n}`).
"""

from collections import defaultdict
from ent.policy.directory.shape import group_entry
from ent.policy.directory.shape import hash_password
from ent.policy.directory.shape import person_entry
from ent.policy.groups import COUNTY_ADMINS
from ent.policy.groups import COUNTY_CASES
from ent.policy.groups import COUNTY_EDITORS
from ent.policy.groups import county_group
from ent.policy.groups import county_groups
from ent.policy.groups import COUNTY_PROJECTS
from ent.policy.groups import PROFILE_TITLES
from ent.policy.groups import school_editors_group
from ent.policy.groups import school_group
from ent.policy.groups import school_groups
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.uai import normalize_uai

import csv
import ldif


DEMO_COUNTS = dict.fromkeys(SCHOOL_PROFILES, 1)
#: Per school, as the scale benchmark of the directory issue asks: about 115,000 accounts.
SCALE_COUNTS = {"student": 450, "parent": 600, "teacher": 45, "staff": 12, "principal": 3, "attee": 8}
SCALE_COUNTY_STAFF = 500


def read_schools(path):
    """(UAI, name) of each school of a file in the official format, each UAI once."""
    schools = {}
    with open(path, encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            schools.setdefault(normalize_uai(row["uai"]), row["name"])
    return list(schools.items())


def directory_entries(shape, schools, counts, password, county_staff=0, numbered=False):
    """Yield (dn, attributes) of the whole directory: branches, people, then groups."""
    secret = hash_password(password)
    members = defaultdict(set)
    yield from shape.branches()
    for uai, school_name in schools:
        for profile in SCHOOL_PROFILES:
            for n in range(1, counts.get(profile, 0) + 1):
                uid = f"{uai.lower()}.{profile}" + (f".{n}" if numbered else "")
                dn = shape.person_dn(uid)
                entry = person_entry(uid, PROFILE_TITLES[profile], school_name, f"{uid}@ent.example", profile, secret)
                if profile == "parent" and n <= counts.get("student", 0):
                    # Linked to the student of the same number, as provisioning links children.
                    child = f"{uai.lower()}.student" + (f".{n}" if numbered else "")
                    entry["seeAlso"] = [shape.person_dn(child).encode()]
                yield dn, entry
                members[school_group(uai, profile)].add(dn)
                members[county_group(profile)].add(dn)
                if profile == "principal":
                    members[school_editors_group(uai)].add(dn)
    county = [("county.agent", COUNTY_EDITORS), ("county.admin", COUNTY_ADMINS)]
    county += [(f"county.agent.{n}", None) for n in range(1, county_staff + 1)]
    for uid, admin_group in county:
        dn = shape.person_dn(uid)
        yield dn, person_entry(uid, "Agent", "du Département", f"{uid}@ent.example", "county", secret)
        members[county_group("county")].add(dn)
        if admin_group:
            members[admin_group].add(dn)
        if uid == "county.agent":
            # The demo's handler of aid cases (docs/domain.md) and manager of County projects.
            members[COUNTY_CASES].add(dn)
            members[COUNTY_PROJECTS].add(dn)
    titles = county_groups()
    for uai, _ in schools:
        titles.update(school_groups(uai))
    for group_id, title in titles.items():
        yield shape.group_dn(group_id), group_entry(group_id, title, members[group_id])


def write_ldif(entries, path, progress=None):
    count = 0
    with open(path, "w", encoding="utf-8") as stream:
        writer = ldif.LDIFWriter(stream, cols=1000)
        for dn, attributes in entries:
            writer.unparse(dn, attributes)
            count += 1
            if progress is not None:
                progress(count)
    return count
