"""REST `@workspace-members` and `@workspace-principals` on a space, over HTTP on the
functional layer: a manager adds a group and a person, changes a role, removes; every
refusal (unknown person or group, unknown role, last manager, non-manager) answers its
French sentence and changes nothing; others find no space."""

from ent.policy.workspaces import membership
from plone import api
from support.audience_site import build
from support.audience_site import PASSWORD

import pytest
import requests
import transaction


MANAGER = "county.agent"
TEACHER = "0310001h.teacher"
PARENT = "0310001h.parent"
OUTSIDER = "0310003k.teacher"
GROUP = "all-attee"


def http(login=None):
    session = requests.Session()
    session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    if login:
        session.auth = (login, PASSWORD)
    return session


@pytest.fixture
def space(functional_portal):
    """A space in /espaces: county.agent manages it, the teacher is a member."""
    portal = functional_portal
    build(portal)
    with api.env.adopt_roles(["Manager"]):
        api.user.get(userid=PARENT).setMemberProperties({"fullname": "Claire Martin"})
    # A County editor creates it, and is thereby its manager.
    with api.env.adopt_user(username=MANAGER):
        space = api.content.create(container=portal["espaces"], type="Workspace", id="recettes", title="Recettes")
        membership.add_member(space, TEACHER, "member")
    transaction.commit()
    return f"{space.absolute_url()}/@workspace-members"


def listed(url, login=MANAGER) -> list:
    answer = http(login).get(url, timeout=60)
    assert answer.status_code == 200, answer.text
    return [(item["id"], item["kind"], item["role"]) for item in answer.json()["items"]]


def test_a_manager_adds_changes_and_removes(space):
    manager = http(MANAGER)
    assert listed(space) == [(MANAGER, "user", "manager"), (TEACHER, "user", "member")]
    # A whole directory group is one entry.
    added = manager.post(space, json={"id": GROUP, "role": "member"}, timeout=60)
    assert added.status_code == 201, added.text
    assert (GROUP, "group", "member") in [(i["id"], i["kind"], i["role"]) for i in added.json()["items"]]
    changed = manager.patch(space, json={"id": GROUP, "role": "editor"}, timeout=60)
    assert changed.status_code == 200, changed.text
    assert (GROUP, "group", "editor") in listed(space)
    # A second manager, then the teacher removed by address and the group by body.
    assert manager.patch(space, json={"id": TEACHER, "role": "manager"}, timeout=60).status_code == 200
    # Managers first (then by title).
    assert sorted(listed(space)[:2]) == [(TEACHER, "user", "manager"), (MANAGER, "user", "manager")]
    assert manager.delete(f"{space}/{TEACHER}", timeout=60).status_code == 204
    assert manager.delete(space, json={"id": GROUP}, timeout=60).status_code == 204
    assert listed(space) == [(MANAGER, "user", "manager")]
    # The removed teacher no longer finds the space.
    assert http(TEACHER).get(space, timeout=60).status_code == 404


REFUSALS = {
    "unknown person": ("post", {"id": "personne.inconnue", "role": "member"}, MANAGER, 400),
    "unknown group": ("post", {"id": "all-inconnus", "role": "member"}, MANAGER, 400),
    "unknown role": ("post", {"id": PARENT, "role": "owner"}, MANAGER, 400),
    "unknown role on change": ("patch", {"id": TEACHER, "role": "admin"}, MANAGER, 400),
    "last manager removed": ("delete", {"id": MANAGER}, MANAGER, 400),
    "last manager demoted": ("patch", {"id": MANAGER, "role": "editor"}, MANAGER, 400),
    "non-manager adds": ("post", {"id": PARENT, "role": "member"}, TEACHER, 403),
    "non-manager changes": ("patch", {"id": TEACHER, "role": "manager"}, TEACHER, 403),
    "non-manager removes": ("delete", {"id": MANAGER}, TEACHER, 403),
}


def test_each_refusal_says_why_in_french_and_changes_nothing(space):
    # One space for every case (each answer is checked to change nothing).
    before = listed(space)
    for case, (method, body, login, status) in REFUSALS.items():
        answer = getattr(http(login), method)(space, json=body, timeout=60)
        assert answer.status_code == status, f"{case}: {answer.text}"
        message = answer.json()["error"]["message"]
        # membership's own sentence, in French (not the usage line, not English).
        assert "Send" not in message and "Envoyez" not in message, case
        assert any(word in message.lower() for word in ("espace", "rôle", "gestionnaire", "inconnu")), message
        assert listed(space) == before, case


def test_a_malformed_body_is_explained(space):
    answer = http(MANAGER).post(space, data=b"not json", timeout=60)
    assert answer.status_code == 400
    assert "Envoyez" in answer.json()["error"]["message"]
    assert http(MANAGER).post(space, json={"id": PARENT}, timeout=60).status_code == 400


def test_members_read_others_find_nothing(space):
    # A member reads the list (and is told they may not change it); others find no space.
    answer = http(TEACHER).get(space, timeout=60)
    assert answer.status_code == 200 and answer.json()["may_manage"] is False
    assert http(MANAGER).get(space, timeout=60).json()["may_manage"] is True
    assert http(OUTSIDER).get(space, timeout=60).status_code == 404
    assert http(OUTSIDER).post(space, json={"id": OUTSIDER, "role": "manager"}, timeout=60).status_code == 404
    # Anonymous too finds no space, as for every refused page of the site.
    assert http().get(space, timeout=60).status_code == 404
    assert http().delete(f"{space}/{MANAGER}", timeout=60).status_code == 404
    assert listed(space) == [(MANAGER, "user", "manager"), (TEACHER, "user", "member")]


def test_the_search_of_people_and_groups(space):
    principals = space.replace("@workspace-members", "@workspace-principals")
    manager = http(MANAGER)
    found = manager.get(principals, params={"q": "0310001h"}, timeout=60)
    assert found.status_code == 200, found.text
    items = {item["id"]: item for item in found.json()["items"]}
    # Groups and people, at most 20; those already in the space say their role.
    assert {"0310001h-teacher", "0310001h-parent"} <= set(items)
    assert items[PARENT]["kind"] == "user" and items[PARENT]["title"] == "Claire Martin"
    assert items["0310001h-parent"]["kind"] == "group" and items[TEACHER]["role"] == "member"
    assert len(items) <= 20
    by_name = manager.get(principals, params={"q": "Claire"}, timeout=60).json()["items"]
    assert [item["id"] for item in by_name] == [PARENT]
    # Too short, or a filter: refused, never a listing of the directory.
    for query in ("ab", "", "*", "a*)(uid=*"):
        answer = manager.get(principals, params={"q": query}, timeout=60)
        assert answer.status_code == 400 and "3 caractères" in answer.json()["error"]["message"]
    # Plone's technical groups are no one to add.
    assert manager.get(principals, params={"q": "Authenticated"}, timeout=60).json()["items"] == []
    # For managers only.
    assert http(TEACHER).get(principals, params={"q": "0310001h"}, timeout=60).status_code == 403
    assert http(OUTSIDER).get(principals, params={"q": "0310001h"}, timeout=60).status_code == 404
