"""A site for audience tests: two schools and one account per profile and school.

Accounts follow docs/domain.md's demo directory: `{uai}.{profile}` in `{uai}-{profile}` and
`all-{profile}`; `{uai}.principal` is also in `{uai}-editors`; `county.agent` is in
`all-county` and `county-editors`; `county.admin` in `county-admins`. They are Plone
accounts: the groups, not the user source, decide who sees what (the directory tests
prove that directory accounts land in the same groups).
"""

from datetime import UTC
from ent.policy.groups import county_group
from ent.policy.groups import school_editors_group
from ent.policy.groups import school_group
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes

import base64
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


OWN_PATH = f"colleges/{OWN.lower()}"
PRINCIPAL = f"{OWN.lower()}.principal"
#: A 1×1 PNG: the news item has an image, so the image views have something to show.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def create_parents_news(url):
    """A published news item for OWN's parents, with an image, a description and a keyword
    of its own, made by OWN's principal through REST; returns the creation's response."""
    news = session(PRINCIPAL).post(
        f"{url}/{OWN_PATH}/actualites",
        json={
            "@type": "News Item",
            "id": "hippocampe-cache",
            "title": "Hippocampe Zorglub",
            "description": "Wapiti confidentiel",
            "subjects": ["ornithorynque"],
            "audience": ["parent"],
            "image": {
                "data": base64.b64encode(PNG).decode(),
                "encoding": "base64",
                "filename": "x.png",
                "content-type": "image/png",
            },
        },
        timeout=60,
    )
    assert news.status_code == 201, news.text
    publish(url, f"{OWN_PATH}/actualites/hippocampe-cache", PRINCIPAL)
    return news


def post(url, path, login, title, **data):
    """Create and publish an item; returns its URL."""
    data.setdefault("@type", "News Item")
    response = create(url, path, login, title=title, **data)
    assert response.status_code == 201, response.text
    item = response.json()["@id"]
    publish(url, item[len(url) + 1 :], login)
    return item


def iso(moment):
    return moment.astimezone(UTC).isoformat()


def announce(url, path, login, title, start, end, **data):
    """Create and publish an Announcement; returns its URL."""
    response = create(
        url, path, login, **{"@type": "Announcement", "title": title, "start": iso(start), "end": iso(end), **data}
    )
    assert response.status_code == 201, response.text
    publish(url, response.json()["@id"][len(url) + 1 :], login)
    return response.json()["@id"]
