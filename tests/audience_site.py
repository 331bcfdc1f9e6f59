"""A site for audience tests: two schools and one account per profile and school.

Accounts follow docs/domain.md's demo directory: `{uai}.{profile}` in `{uai}-{profile}` and
`all-{profile}`; `{uai}.principal` is also in `{uai}-editors`; `county.agent` is in
`all-county` and `county-editors`; `county.admin` in `county-admins`. They are Plone
accounts: the groups, not the user source, decide who sees what (the directory tests
prove that directory accounts land in the same groups).
"""

from ent.policy.groups import county_group
from ent.policy.groups import school_editors_group
from ent.policy.groups import school_group
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.schools.importer import import_schools
from plone import api
from test_schools_import import ASPET
from test_schools_import import AURIGNAC
from test_schools_import import csv_bytes

import requests
import transaction


PASSWORD = "a-test-password-1"
OWN = "0310001H"
OTHER = "0310003K"
JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def login_of(uai, profile):
    return f"{uai.lower()}.{profile}"


def accounts() -> dict:
    """login → groups, for both schools and the County."""
    result = {}
    for uai in (OWN, OTHER):
        for profile in SCHOOL_PROFILES:
            groups = [school_group(uai, profile), county_group(profile)]
            if profile == "principal":
                groups.append(school_editors_group(uai))
            result[login_of(uai, profile)] = groups
    result["county.agent"] = [county_group("county"), "county-editors"]
    result["county.admin"] = ["county-admins"]
    return result


def build(portal):
    """Create the schools and accounts in `portal` (as Manager) and commit."""
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        for login, groups in accounts().items():
            api.user.create(email=f"{login}@example.org", username=login, password=PASSWORD)
            for group in groups:
                api.group.add_user(groupname=group, username=login)
    transaction.commit()


def school(portal, uai=OWN):
    return portal["colleges"][uai.lower()]


def session(login=None):
    http = requests.Session()
    http.headers.update(JSON)
    if login:
        http.auth = (login, PASSWORD)
    return http


def create(portal_url, path, login, **data):
    """POST an item as `login`; returns the response (the caller checks the status)."""
    return session(login).post(f"{portal_url}/{path}".rstrip("/"), json=data, timeout=60)


def publish(portal_url, path, login):
    """Publish with the transition the workflow offers (one "Publier" whatever the audience)."""
    http = session(login)
    url = f"{portal_url}/{path}"
    transitions = http.get(f"{url}/@workflow", timeout=60).json()["transitions"]
    publish = [t for t in transitions if t["@id"].rsplit("/", 1)[-1] in ("publish", "publish_internal")]
    assert len(publish) == 1, transitions
    response = http.post(publish[0]["@id"], timeout=60)
    assert response.status_code == 200, response.text
    return response.json()
